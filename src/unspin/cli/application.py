"""The Typer app: the root options and one registration line per command (see `unspin.cli`)."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from unspin import __version__
from unspin.cli import check, index, learn, report, scan, search, serve
from unspin.cli.common import err, safe_line
from unspin.errors import UnspinError

app = typer.Typer(
    name="unspin",
    help="Catch article spinning: flag spun phrases with the likely original wording and score each document.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unspin {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """unspin finds the words a synonym spinner swapped and restores the originals."""


# One line per command, in the order `unspin --help` lists them.
app.command("check")(check.check)
app.add_typer(index.index_app, name="index")
app.command("search")(search.search_command)
app.command("scan")(scan.scan_command)
app.command("serve")(serve.serve)
app.command("report")(report.report_command)
app.command("learn")(learn.learn_command)


def main() -> None:
    """The ``unspin`` entry point: the app, with library errors as one line and exit 1."""
    try:
        app()
    except UnspinError as exc:  # resource problems: one line, not a traceback
        err.print(f"[red]error:[/] {escape(safe_line(str(exc)))}")
        sys.exit(1)
