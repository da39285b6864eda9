"""What every command shares: the two consoles, the ``--format`` choices, reader messages."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from unspin.ingest import ReadResult, reader_names

#: Results and human reports (stdout).
out = Console(highlight=False, soft_wrap=True)
#: Warnings, errors, progress (stderr).
err = Console(stderr=True, highlight=False, soft_wrap=True)

#: What must never reach a terminal from input: C0 controls but tab and line feed (ESC starts the
#: sequences that retitle or clear a terminal; CR and backspace overwrite what was printed),
#: DEL, C1 controls, and lone surrogates (not printable Unicode; an encoding error on output).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _replace(m: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= m.group() <= "\udfff" else " "


def safe_text(text: str) -> str:
    """``text`` fit for a terminal, same length (offsets still hold): control characters as spaces,
    lone surrogates as U+FFFD; tabs and line breaks kept. For everything printed that came from input."""
    return _UNSAFE.sub(_replace, text)


def safe_line(text: str) -> str:
    """`safe_text` on one line: tabs and line breaks become spaces too (names, ids, messages)."""
    return _UNSAFE_LINE.sub(_replace, text)


#: ``--format`` choices: the short names of the registered readers.
InputFormat = Enum("InputFormat", {name: name for name in reader_names()}, type=str)  # type: ignore[misc]


def inputs_of(files: list[Path] | None, jsonl: str | None, hint: str = "") -> list[str | tuple[str, str]]:
    """The reader inputs of FILE arguments plus ``--jsonl IN``; a usage error (exit 2) when there are none."""
    inputs: list[str | tuple[str, str]] = [str(p) for p in files or []]
    if jsonl is not None:
        inputs.append((jsonl, "jsonl"))
    if not inputs:
        err.print(f"error: give FILE arguments or --jsonl IN{hint}")
        raise typer.Exit(2)
    return inputs


def print_read_result(result: ReadResult) -> bool:
    """Print a reader's warnings, error or skip reason on stderr; False when the record is an error."""
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(safe_line(w))}")
    if result.error is not None:
        err.print(f"[red]error:[/] {escape(safe_line(result.error))}")
        return False
    if result.document is not None and result.skipped is not None:
        name = result.document.source or result.document.id or "<document>"
        err.print(f"[yellow]skipped:[/] {escape(safe_line(name))}: {escape(safe_line(result.skipped))}")
    return True


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr; the `typer.Exit` to raise (usage errors exit 2)."""
    err.print(f"[red]error:[/] {escape(safe_line(message))}")
    return typer.Exit(code)


def must_exist(index: Path) -> None:
    """A usage error (exit 2) when there is no index file at ``index``."""
    if not index.exists():
        raise fail(f"no index at {index}")


def load_lexicons(paths: list[Path] | None) -> list:
    """The ``--lexicon FILE`` options read (`unspin.learn.read_lexicon`): a missing or unreadable
    file is a usage error (exit 2); each broken line is one warning on stderr, the rest is used."""
    if not paths:
        return []
    from unspin.learn import LexiconError, read_lexicon

    lexicons = []
    for p in paths:
        try:
            lex = read_lexicon(p)
        except LexiconError as exc:
            raise fail(str(exc)) from None
        for problem in lex.problems:
            err.print(f"[yellow]warning:[/] {escape(problem)}")
        lexicons.append(lex)
    return lexicons
