"""Bad input: each gets a clear per-record error naming file and record; the batch goes on."""

from __future__ import annotations

import gzip
import io
import os
import tracemalloc
import zlib
from pathlib import Path

import pytest

from ingest_samples import NEWS_PAGES, PAGE1, SPUN_BODY, warc_bytes, write_jsonl, write_parquet, write_warc
from unspin.ingest import IngestOptions, ReadResult, iter_documents

ENGLISH = " ".join(SPUN_BODY)
PAGES = [(f"https://news.example.com/{i}", html.encode("cp1252" if i == 2 else "utf-8")) for i, (html, *_r) in enumerate(NEWS_PAGES)]
SMALL = IngestOptions(max_bytes=1 << 20, max_record_bytes=1 << 20)


def read(*paths: Path, options: IngestOptions | None = None) -> list[ReadResult]:
    return list(iter_documents(list(paths), options=options))


def errors(results: list[ReadResult]) -> list[str]:
    return [r.error for r in results if r.error is not None]


def ids(results: list[ReadResult]) -> list[str | None]:
    return [r.document.id for r in results if r.document is not None]


# --- truncated gzip ------------------------------------------------------------------


def test_truncated_jsonl_gz_keeps_the_lines_before(tmp_path: Path) -> None:
    full = write_jsonl(tmp_path / "full.jsonl.gz", [{"id": i, "text": f"{ENGLISH} {i}"} for i in range(200)], gz=True).read_bytes()
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(full[: len(full) * 2 // 3])
    results = read(path)
    got = ids(results)
    assert 0 < len(got) < 200 and got == [str(i) for i in range(len(got))]
    (error,) = errors(results)
    assert error.startswith(f"{path}: line {len(got) + 1}: truncated compressed data")
    assert results[-1].error == error


def test_truncated_txt_gz(tmp_path: Path) -> None:
    data = gzip.compress(((ENGLISH + "\n") * 50).encode())
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    (result,) = read(path)
    assert result.error == f"{path}: truncated compressed data (the file ends before the gzip end marker)"


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.75, 0.9, 0.99])
@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_keeps_the_records_before(tmp_path: Path, fraction: float, gz: bool) -> None:
    full = warc_bytes(PAGES, gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(full[: int(len(full) * fraction)])
    results = read(path)
    got = ids(results)
    assert got == [u for u, _ in PAGES][: len(got)]
    assert len(got) < len(PAGES)
    (error,) = errors(results)
    assert error.startswith(f"{path}: record ")
    assert "truncated" in error or "malformed" in error
    assert results[-1].error == error


# --- malformed WARC records ----------------------------------------------------------


def test_warc_with_a_malformed_record_resumes_at_the_next(tmp_path: Path) -> None:
    data = warc_bytes(PAGES, gz=False, extra=False)
    starts = [i for i in range(len(data)) if data.startswith(b"WARC/1.", i)]
    assert len(starts) == 3
    bad = data[: starts[1]] + b"GARBAGE" + data[starts[1] + 7 :]
    path = tmp_path / "bad.warc"
    path.write_bytes(bad)
    results = read(path)
    assert ids(results) == [PAGES[0][0], PAGES[2][0]]
    (error,) = errors(results)
    assert error.startswith(f"{path}: record 2: malformed WARC record at byte {starts[1]:,} (")
    assert "resuming at byte" in error
    assert [r.document.metadata["record"] for r in results if r.document] == [1, 3]


def test_warc_gz_with_a_corrupt_member_resumes_at_the_next(tmp_path: Path) -> None:
    data = warc_bytes(PAGES, gz=True, extra=False)
    members = [i for i in range(len(data)) if data.startswith(b"\x1f\x8b\x08", i)]
    assert len(members) == 3
    at = members[1] + 40  # inside the deflate data of record 2
    bad = data[:at] + bytes(b ^ 0x5A for b in data[at : at + 30]) + data[at + 30 :]
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(bad)
    results = read(path)
    assert ids(results) == [PAGES[0][0], PAGES[2][0]]
    (error,) = errors(results)
    assert error.startswith(f"{path}: record 2: ")
    assert "resuming at byte" in error


def test_warc_header_with_bad_content_length(tmp_path: Path) -> None:
    data = warc_bytes(PAGES[:2], gz=False, extra=False)
    first_len = data.index(b"Content-Length: ")
    bad = data[:first_len] + b"Content-Length: lots" + data[data.index(b"\r\n", first_len) :]
    path = tmp_path / "len.warc"
    path.write_bytes(bad)
    results = read(path)
    # warcio reads the broken length as 0, so the damage shows where record 1's body was taken for record 2.
    (error,) = errors(results)
    assert error.startswith(f"{path}: record 2: malformed WARC record at byte ")
    assert ids(results) == [PAGES[1][0]]


def test_warc_html_without_body_is_a_record_error(tmp_path: Path) -> None:
    pages = [PAGES[0], ("https://e.com/empty", b"<html><head><title>Nothing here</title></head></html>"), PAGES[1]]
    path = write_warc(tmp_path / "c.warc.gz", pages, extra=False)
    results = read(path)
    assert ids(results) == [PAGES[0][0], PAGES[1][0]]
    assert errors(results) == [f"{path}: record 2: no main text found in the page (no article body)"]


# --- HTML, JSONL, Parquet ------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "why"),
    [
        (b"<html><head><title>Only a title</title></head></html>", "no main text found in the page (no article body)"),
        (b"<!DOCTYPE html><html><head><title>t</title></head><body></body></html>", "no main text found in the page (no article body)"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no text besides page furniture"),
    ],
)
def test_html_with_no_body(tmp_path: Path, html: bytes, why: str) -> None:
    path = tmp_path / "nobody.html"
    path.write_bytes(html)
    assert read(path) == [ReadResult(error=f"{path}: {why}")]


def test_jsonl_bad_lines_are_errors_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "rows.jsonl",
        [
            {"id": "a", "text": ENGLISH},
            "{not json",
            {"id": "b", "body": ENGLISH},
            "[1, 2, 3]",
            {"id": "c", "text": 42},
            {"id": "d", "text": ENGLISH},
        ],
    )
    results = read(path)
    assert ids(results) == ["a", "d"]
    assert errors(results) == [
        f"{path}: line 2: not JSON (Expecting property name enclosed in double quotes)",
        f"{path}: line 3: no 'text' string field",
        f"{path}: line 4: not a JSON object",
        f"{path}: line 5: an int, not a 'text' string field",
    ]


def test_jsonl_invalid_utf8_is_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"id": "a", "text": "caf\xe9 ' + ENGLISH.encode() + b'"}\n')
    (result,) = read(path)
    assert result.ok and result.document is not None and "caf\ufffd" in result.document.text
    assert result.warnings == (f"{path}: line 1: invalid UTF-8 replaced with U+FFFD",)


def test_parquet_without_the_column(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "t.parquet", {"id": ["a"], "body": [ENGLISH]})
    assert errors(read(path)) == [f"{path}: no column 'text' (columns: id, body); use --text-field"]
    num = write_parquet(tmp_path / "n.parquet", {"text": [1, 2]})
    assert errors(read(num)) == [f"{num}: column 'text' holds int64, not strings"]


def test_parquet_that_is_not_parquet(tmp_path: Path) -> None:
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"PAR1" + b"\x07" * 100)
    (error,) = errors(read(path))
    assert error.startswith(f"{path}: not a readable Parquet file (")


# --- binary, empty -------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        bytes((i * 37 + 11) % 256 for i in range(4096)),
        b"\x7fELF\x02\x01\x01" + b"\x01\x02\x03\x04\x05\x06\x07\x08" * 100,
    ],
)
def test_binary_file_named_txt(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(data)
    (result,) = read(path)
    assert result.error is not None and result.error.startswith(f"{path}: looks like a binary file")


@pytest.mark.parametrize("name", ["empty.txt", "empty.html", "empty.jsonl", "empty.warc.gz", "empty.parquet", "empty"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert read(path) == [ReadResult(error=f"{path}: empty file")]


def test_whitespace_only_text_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b"  \n\n\t \n")
    assert read(path) == [ReadResult(error=f"{path}: empty file")]


# --- gzip bombs ----------------------------------------------------------------------


def _bomb(size: int = 64 << 20, fill: bytes = b"\0") -> bytes:
    """gzip of ``size`` bytes of ``fill``, made in pieces (about 64 KB for 64 MB)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = fill * (1 << 20)
    return b"".join([comp.compress(block) for _ in range(size >> 20)] + [comp.flush()])


@pytest.mark.parametrize(
    ("name", "fill"),
    [("bomb.txt.gz", b"a"), ("bomb.html.gz", b"<p>"), ("bomb.jsonl.gz", b"{"), ("bomb.gz", b"a"), ("bomb.txt", b"a")],
)
def test_gzip_bomb_stops_at_the_limit(tmp_path: Path, name: str, fill: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(_bomb(fill=fill))
    tracemalloc.start()
    try:
        results = read(path, options=SMALL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (error,) = errors(results)
    assert error.startswith(f"{path}: ")
    assert "limit" in error
    assert peak < 40 << 20, f"peak {peak:,} bytes"


def test_gzip_bomb_inside_a_warc_record(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    bomb = _bomb(fill=b"<p>")
    for url, body, enc in [("https://e.com/1", PAGE1.encode(), None), ("https://e.com/bomb", bomb, "gzip"), ("https://e.com/3", PAGE1.encode(), None)]:
        headers = [("Content-Type", "text/html")] + ([("Content-Encoding", enc)] if enc else [])
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http))
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(buf.getvalue())
    tracemalloc.start()
    try:
        results = read(path, options=SMALL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ids(results) == ["https://e.com/1", "https://e.com/3"]
    assert errors(results) == [f"{path}: record 2: payload decompresses to more than the 1,048,576-byte record limit; skipped"]
    # warcio inflates one 16 KB block at a time: at most ~16 MB of zeros per block, on top of the 1 MB limit.
    assert peak < 64 << 20, f"peak {peak:,} bytes"


def test_warc_header_line_bomb(tmp_path: Path) -> None:
    """A gzip member that expands to a 200 MB line with no newline: bounded, reported."""
    path = tmp_path / "line.warc.gz"
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = comp.compress(b"WARC/1.0\r\nWARC-Type: response\r\nX-Long: ") + b"".join(comp.compress(b"a" * (1 << 20)) for _ in range(200)) + comp.flush()
    path.write_bytes(warc_bytes(PAGES[:1], extra=False) + body)
    tracemalloc.start()
    try:
        results = read(path, options=SMALL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ids(results) == [PAGES[0][0]]
    (error,) = errors(results)
    assert error.startswith(f"{path}: record 2: ") and "header line longer than" in error
    assert peak < 64 << 20, f"peak {peak:,} bytes"  # one inflated 16 KB block, as above


# --- the batch goes on ---------------------------------------------------------------


def test_one_batch_of_every_bad_input_loses_nothing(tmp_path: Path) -> None:
    good_before = tmp_path / "0-good.txt"
    good_before.write_text(ENGLISH)
    bad = []
    full = warc_bytes(PAGES)
    (tmp_path / "1-cut.warc.gz").write_bytes(full[: len(full) // 2])
    bad.append(tmp_path / "1-cut.warc.gz")
    (tmp_path / "2-nobody.html").write_bytes(b"<html><head><title>t</title></head></html>")
    bad.append(tmp_path / "2-nobody.html")
    bad.append(write_jsonl(tmp_path / "3-rows.jsonl", ["nope", {"id": "j", "text": ENGLISH}]))
    bad.append(write_parquet(tmp_path / "4-t.parquet", {"body": [ENGLISH]}))
    (tmp_path / "5-bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    bad.append(tmp_path / "5-bin.txt")
    (tmp_path / "6-empty.txt").write_bytes(b"")
    bad.append(tmp_path / "6-empty.txt")
    (tmp_path / "7-bomb.txt.gz").write_bytes(_bomb(size=8 << 20, fill=b"a"))
    bad.append(tmp_path / "7-bomb.txt.gz")
    good_after = tmp_path / "8-good.html"
    good_after.write_text(PAGE1)
    results = read(good_before, *bad, tmp_path / "missing.txt", good_after, options=SMALL)
    errs = errors(results)
    for path in bad + [tmp_path / "missing.txt"]:
        assert any(e.startswith(f"{path}: ") for e in errs), f"no error for {path.name}: {errs}"
    assert all("\n" not in e for e in errs)
    got = ids(results)
    assert got[0] == "0-good.txt" and got[-1] == "8-good.html"
    assert "j" in got and PAGES[0][0] in got  # what was read before each problem is kept
    assert not any("unexpected error" in e for e in errs)


def test_open_regular_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    """A FIFO put where a file was listed: opened non-blocking and refused, never waited on."""
    from unspin.errors import NotAFile
    from unspin.ingest.source import open_regular

    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(NotAFile, match="FIFO"):
        open_regular(tmp_path / "pipe.txt", "pipe.txt")
    (tmp_path / "ok.txt").write_text("fine", encoding="utf-8")
    with open_regular(tmp_path / "ok.txt", "ok.txt") as fh:
        assert fh.read() == b"fine"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain.txt", "plain.txt"),
        ("a\x1b[2Jb.txt", "a\\x1b[2Jb.txt"),
        (os.fsdecode(b"caf\xe9.txt"), "caf\\xe9.txt"),  # Latin-1 bytes a UTF-8 file system cannot decode
        ("x\ud800y", "x\ufffdy"),  # a surrogate that is not an escaped byte
    ],
)
def test_printable_names(name: str, shown: str) -> None:
    from unspin.ingest.validate import printable

    assert printable(name) == shown


def test_directory_walk_reports_loops_broken_links_and_skips_fifos(tmp_path: Path) -> None:
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_text("The council met on Tuesday.", encoding="utf-8")
    (d / "loop.txt").symlink_to("loop.txt")
    (d / "gone.txt").symlink_to("nowhere.txt")
    (d / "gone.png").symlink_to("nowhere.png")  # not a format unspin reads: ignored, not an error
    (d / "sub" / "up").symlink_to("..")  # a link back up the tree is not followed
    os.mkfifo(d / "pipe.txt")
    results = list(iter_documents([d], options=IngestOptions(language_check=False)))
    docs = [r.document.source for r in results if r.document is not None]
    errors = [r.error for r in results if r.error]
    notices = [w for r in results if r.document is None and r.error is None for w in r.warnings]
    assert docs == [str(d / "a.txt")]
    assert sorted(errors) == [f"{d}/gone.txt: broken symbolic link (its target does not exist); skipped",
                              f"{d}/loop.txt: symbolic link loop; skipped"]
    assert notices == [f"{d}/pipe.txt: a FIFO (named pipe), not read"]
