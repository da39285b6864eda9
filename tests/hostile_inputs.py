"""A shared catalogue of hostile and careless inputs, and what each must get.

`build_tree(root)` writes one input directory holding every bad file next to
good ones (plain text, HTML, a JSONL file mixing good and bad lines, a WARC
cut short, a Parquet file with a row of invalid UTF-8, a FIFO, symbolic link
loops, a file name with control characters and undecodable bytes, ...) and
returns the `Expect`ations: for each record, the outcome every entry point
must report (``report``: checked, perhaps with a warning; ``error``: one error
line naming it; ``notice``: passed over with a warning line) and a phrase the
line must contain. `tests/test_hostile.py` feeds the tree to every entry point
and holds each to this list.

Everything here is made up; nothing is copied from elsewhere.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

# --- Good texts: short made-up news paragraphs, each checked as one document -------------

GOOD = [
    "The town council met on Tuesday evening and agreed to repair the old bridge over the river before the winter floods arrive.",
    "Local farmers said the dry summer had cut their harvest by a third, and many now fear that prices will rise again next year.",
    "The new library opened its doors on Saturday morning, and hundreds of families queued in the rain to borrow their first books.",
    "Police asked drivers to avoid the main road into the city after a lorry shed its load of timber during the morning rush hour.",
    "The hospital will hire forty more nurses this spring, the health board said, after patients waited hours in the emergency ward.",
    "Students at the college marched through the centre of town to protest against the rising cost of rooms near the campus.",
    "A small fishing boat was towed back to the harbour on Sunday after its engine failed several miles off the northern coast.",
    "The football club announced that its stadium will be rebuilt over two seasons, with the home games moved to a nearby ground.",
    "Shop owners in the high street said that the closure of the car park had kept customers away for most of the busy month.",
    "The weather service warned of strong winds along the coast tonight, with gusts that could bring down trees and power lines.",
]

def worst_texts(size: int = 2_000_000, seed: int = 16) -> dict[str, str]:
    """Worst-case texts of ``size`` characters: legal input that was, before issue 16, slow,
    failing or costly (`bench/hostile.py` sends their JSON-body versions to the server)."""
    rng = random.Random(seed)
    words = " ".join(GOOD).split()
    ordinary = []
    n = 0
    while n < size:
        w = rng.choice(words)
        ordinary.append(w)
        n += len(w) + 1
    return {
        "ordinary-words": " ".join(ordinary)[:size],
        "one-huge-word": "a" * size,
        "surrogates-and-controls": ("x \ud800 \x00 \x1b[2J " * (size // 12))[:size],
    }


@dataclass(frozen=True)
class Expect:
    """What an entry point must do with one record."""

    #: The record's name as messages and reports give it, relative to the input directory:
    #: ``"binary.txt"``, ``"mixed.jsonl#5"`` (the report's source) or ``"mixed.jsonl: line 5"`` (an error's).
    record: str
    #: ``report`` (checked: a report whose source ends with ``record``), ``error`` (one line
    #: ``error: …record…``), ``notice`` (a line ``warning: …record…``, nothing read).
    outcome: str
    #: A phrase the error or warning line must contain (for a report: one of its warnings).
    says: str | None = None
    #: Why the case is there.
    why: str = ""
    #: Entry points not fixed yet: name -> "…, fixed by <area>" (marked xfail strict there).
    pending: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.outcome}:{self.record}"


def _gzip_truncated(data: bytes) -> bytes:
    whole = gzip.compress(data)
    return whole[: len(whole) // 2]


def _html_page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><nav>Home | News</nav>"
        f"<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article><footer>(c) Test News</footer></body></html>"
    )


def _warc(pages: list[tuple[str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http))
    return buf.getvalue()


def _parquet_with_bad_utf8(path: Path) -> None:
    """Three rows; the second's text holds a UTF-8-encoded surrogate and a stray byte (invalid UTF-8,
    as another tool may write it: pyarrow itself would refuse to build such a column)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [GOOD[6].encode(), b"The bad row \xed\xa0\x80 has \xff bytes in it.", GOOD[7].encode()]
    data = b"".join(texts)
    offsets, pos = [0], 0
    for t in texts:
        pos += len(t)
        offsets.append(pos)
    arr = pa.StringArray.from_buffers(len(texts), pa.py_buffer(pa.array(offsets, pa.int32()).buffers()[1]), pa.py_buffer(data))
    pq.write_table(pa.table({"id": ["p1", "p2", "p3"], "text": arr}), path)


DEEP = 1000


def deep_json(depth: int = DEEP) -> str:
    """An object whose ``text`` is an array nested ``depth`` deep."""
    return '{"id": "deep", "text": ' + "[" * depth + "]" * depth + "}"


#: The mixed JSONL file, line by line: (line, expectation or None for a good line).
def _mixed_lines() -> list[tuple[str, Expect | None]]:
    lines: list[tuple[str, Expect | None]] = []

    def good(i: int) -> None:
        lines.append((json.dumps({"id": f"good-{i}", "text": GOOD[i]}), None))

    def add(line: str, outcome: str, says: str, why: str, pending: dict[str, str] | None = None) -> None:
        no = len(lines) + 1
        record = f"mixed.jsonl#{no}" if outcome == "report" else f"mixed.jsonl: line {no}"
        lines.append((line, Expect(record, outcome, says, why, pending or {})))

    good(0)
    add('{"id": "surrogate", "text": "The council met \\ud800 on Tuesday to talk about the bridge."}', "report", "lone surrogate",
        "a lone surrogate once aborted the batch (traceback writing the report)")
    good(1)
    add('{"id": "nul", "text": "The council\\u0000 met on Tuesday\\u0000 to talk about the bridge."}', "report", "control character",
        "NUL inside a JSON string")
    add(deep_json(), "error", "nested too deeply", "1,000-deep nesting once abandoned the rest of the file with no line number")
    add("\x01\x02garbage that is not JSON at all \x7f", "error", "not JSON", "a line of junk")
    add('{"id": "esc", "text": "The council \\u001b]0;pwned\\u0007met on \\u001b[2JTuesday to talk about the bridge."}', "report",
        "control character", "terminal escapes (retitle, clear screen) in a record")
    add(json.dumps({"id": "huge-word", "text": "The council met. " + "z" * 300_000 + " The end."}), "report", "longer than",
        "one 300,000-character word")
    add('{"id": "bad-\\ud800-id\\u001b[2J", "title": "T\\udfff", "text": "The council met on Tuesday to talk about the bridge."}',
        "report", None, "surrogates and escapes in the id and title")
    add('{"id": "number", "text": 12345}', "error", "not a 'text' string", "text of the wrong type")
    add('{"id": "no-text"}', "error", "no 'text' string", "no text at all")
    good(2)
    return lines


MIXED_GOOD = 3  # good lines in mixed.jsonl


def build_tree(root: Path, *, fifo: bool = True) -> list[Expect]:
    """Write the catalogue's input directory under ``root`` (created) and return what each record
    must get. Every good record is listed too (outcome ``report``), so "every good record processed"
    is checked record by record."""
    root.mkdir(parents=True, exist_ok=True)
    ex: list[Expect] = []

    def good_file(name: str, text: str) -> None:
        (root / name).write_text(text, encoding="utf-8")
        ex.append(Expect(name, "report", None, "a good file among bad ones"))

    good_file("good-1.txt", GOOD[3])
    (root / "good-2.html").write_text(_html_page("Bridge to be repaired", GOOD[4]), encoding="utf-8")
    ex.append(Expect("good-2.html", "report", None, "a good page among bad ones"))

    (root / "binary.txt").write_bytes(bytes(random.Random(1).randrange(256) for _ in range(4096)) + b"\x00" * 64)
    ex.append(Expect("binary.txt", "error", "binary", "random bytes named .txt"))
    (root / "nul-in-text.txt").write_bytes(GOOD[5].encode() + b"\x00" + GOOD[5].encode())
    ex.append(Expect("nul-in-text.txt", "error", "binary", "a plain-text file with a NUL byte is taken for a binary file"))
    (root / "empty.txt").write_bytes(b"")
    ex.append(Expect("empty.txt", "error", "empty", "an empty file"))
    (root / "escape.txt").write_text("Breaking \x1b]0;pwned\x07news: \x1b[2J" + GOOD[8], encoding="utf-8")
    ex.append(Expect("escape.txt", "report", "control character", "terminal escapes in a plain-text file"))
    (root / "huge-word.txt").write_text(GOOD[9] + " " + "q" * 1_000_000 + "\n", encoding="utf-8")
    ex.append(Expect("huge-word.txt", "report", "longer than", "a 1,000,000-character word"))
    (root / "invalid-utf8.txt").write_bytes(GOOD[5].encode() + b" \xed\xa0\x80 \xff\xfe " + GOOD[5].encode())
    ex.append(Expect("invalid-utf8.txt", "report", None, "invalid UTF-8, a UTF-8-encoded surrogate"))
    odd = os.fsencode(root) + b"/odd-\xff-\x1b[2J-name.txt"
    with open(odd, "wb") as fh:
        fh.write(GOOD[2].encode())
    ex.append(Expect("-name.txt", "report", None, "a file name with undecodable bytes and a terminal escape"))

    (root / "trunc.txt.gz").write_bytes(_gzip_truncated(((GOOD[0] + "\n") * 200).encode()))
    ex.append(Expect("trunc.txt.gz", "error", "truncated", "a gzip file cut in half"))
    whole = _warc([("https://example.org/a", _html_page("First page", GOOD[0]).encode()),
                   ("https://example.org/b", _html_page("Second page", GOOD[1]).encode())])
    (root / "trunc.warc.gz").write_bytes(whole[: len(whole) - 200])
    ex.append(Expect("trunc.warc.gz#1", "report", None, "the record before the cut"))
    ex.append(Expect("trunc.warc.gz: record 2", "error", "truncated", "a WARC cut inside its second record"))
    _parquet_with_bad_utf8(root / "bad-utf8.parquet")
    ex.append(Expect("bad-utf8.parquet#1", "report", None, "a good row before a bad one"))
    ex.append(Expect("bad-utf8.parquet#2", "report", "invalid UTF-8", "a row of invalid UTF-8"))
    ex.append(Expect("bad-utf8.parquet#3", "report", None, "a good row after a bad one"))
    (root / "deep.html").write_text(
        "<html><body><article><p>" + GOOD[1] + "</p>" + "<div>" * 20000 + "deep" + "</div>" * 20000 + "</article></body></html>",
        encoding="utf-8",
    )
    ex.append(Expect("deep.html", "report", None, "HTML nested 20,000 deep"))

    lines = _mixed_lines()
    (root / "mixed.jsonl").write_bytes(("\n".join(line for line, _ in lines) + "\n").encode("utf-8", "surrogatepass"))
    for no, (_, e) in enumerate(lines, 1):
        ex.append(e if e is not None else Expect(f"mixed.jsonl#{no}", "report", None, "a good line among bad ones"))

    if fifo and hasattr(os, "mkfifo"):
        os.mkfifo(root / "fifo.txt")
        ex.append(Expect("fifo.txt", "notice", "FIFO", "a FIFO once hung the batch forever"))
    (root / "loop.txt").symlink_to("loop.txt")
    ex.append(Expect("loop.txt", "error", "symbolic link loop", "a symbolic link to itself"))
    (root / "dangling.txt").symlink_to("nowhere.txt")
    ex.append(Expect("dangling.txt", "error", "broken symbolic link", "a link to nothing"))
    sub = root / "sub"
    sub.mkdir()
    (sub / "back").symlink_to("..")  # a directory loop: not followed
    (sub / "good-3.txt").write_text(GOOD[6], encoding="utf-8")
    ex.append(Expect("sub/good-3.txt", "report", None, "a good file next to a link back up the tree"))
    return ex


def expected_documents(expects: list[Expect]) -> int:
    """How many documents the tree holds (records whose outcome is a report)."""
    return sum(e.outcome == "report" for e in expects)


# --- Index files that are not indexes ---------------------------------------------------


def bad_index_files(root: Path) -> dict[str, tuple[Path, str]]:
    """Files given where an index belongs: name -> (path, phrase the one-line error must contain)."""
    import sqlite3

    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[Path, str]] = {}
    p = root / "empty.db"
    p.write_bytes(b"")
    out["empty"] = (p, "empty file")
    p = root / "text.db"
    p.write_text("my notes, not an index\n", encoding="utf-8")
    out["foreign-file"] = (p, "not an unspin index")
    p = root / "other.sqlite"
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE contacts (name TEXT)")
    db.commit()
    db.close()
    out["foreign-sqlite"] = (p, "not an unspin index")
    p = root / "garbled.db"
    p.write_bytes(b"SQLite format 3\x00" + bytes(random.Random(2).randrange(256) for _ in range(8192)))
    out["garbled"] = (p, "damaged")
    return out


def damaged_copy(index: Path, dest: Path) -> Path:
    """A copy of a real index with bytes flipped after the first page: it opens, then fails."""
    data = bytearray(index.read_bytes())
    for i in range(4096, len(data), 7):
        data[i] ^= 0x5A
    dest.write_bytes(bytes(data))
    return dest
