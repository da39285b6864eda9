"""unspin.ingest through the library: every reader, detection, encodings, language, limits, furniture."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from ingest_samples import (
    FRENCH_TEXT,
    NEWS_PAGES,
    PAGE1,
    SPUN_BODY,
    SPUN_FURNITURE,
    SPUN_TITLE,
    spun_page_text,
    warc_bytes,
    write_jsonl,
    write_parquet,
    write_warc,
)
from unspin.ingest import (
    IngestOptions,
    ReadResult,
    Source,
    detect_reader,
    find_furniture,
    furniture_spans,
    get_reader,
    iter_documents,
    reader_names,
)
from unspin.model import Document

ENGLISH = " ".join(SPUN_BODY)


def docs(inputs: list[object], **kwargs: object) -> list[ReadResult]:
    return list(iter_documents(inputs, **kwargs))  # type: ignore[arg-type]


def only_docs(results: list[ReadResult]) -> list[Document]:
    assert [r.error for r in results if r.error] == []
    return [r.document for r in results if r.document is not None]


# --- registry and detection ----------------------------------------------------------


def test_registry_has_every_reader_under_short_and_versioned_names() -> None:
    assert reader_names() == ["txt", "html", "jsonl", "warc", "parquet"]
    for short in reader_names():
        reader = get_reader(short)
        assert reader.name == f"unspin.reader.{short}.v1"
        assert get_reader(reader.name) is reader
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        get_reader("pdf")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.txt", b"Just words.", "txt"),
        ("a.html", b"Just words.", "html"),
        ("a.HTM", b"<p>x</p>", "html"),
        ("page", b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("page.dat", b"  <html><head><title>t</title></head></html>", "html"),
        ("rows", b'{"text": "a"}\n{"text": "b"}\n', "jsonl"),
        ("rows.ndjson", b"anything", "jsonl"),
        ("crawl.bin", b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
        ("crawl.txt", b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", "warc"),  # a signature beats the extension
        ("table.bin", b"PAR1\x00\x00", "parquet"),
        ("notes", b"Plain words, nothing else.", "txt"),
        ("a.txt", b"<html><body><p>saved as text</p></body></html>", "txt"),  # the extension beats a guess
    ],
)
def test_detect_reader(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_reader(Source(name=str(path), path=path)).short == expected
    gz = tmp_path / (name + ".gz")
    gz.write_bytes(gzip.compress(content))
    assert detect_reader(Source(name=str(gz), path=gz)).short == expected


def test_format_override_wins(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(PAGE1)
    (html_doc,) = only_docs(docs([path], format="html"))
    assert html_doc.metadata["format"] == "html" and "<p>" not in html_doc.text
    (txt_doc,) = only_docs(docs([path], options=IngestOptions(language_check=False)))
    assert txt_doc.text == PAGE1
    (pair_doc,) = only_docs(docs([(path, "unspin.reader.html.v1")]))
    assert pair_doc.metadata["format"] == "html"


# --- plain text and furniture --------------------------------------------------------


def test_text_kept_byte_for_byte_with_furniture_excluded(tmp_path: Path) -> None:
    text = spun_page_text()
    path = tmp_path / "spun.txt"
    path.write_bytes(text.encode("utf-8"))
    (doc,) = only_docs(docs([path]))
    assert doc.text == text
    assert doc.id == "spun.txt" and doc.source == str(path)
    assert doc.metadata["title"] == SPUN_TITLE and doc.metadata["language"] == "en"
    assert doc.excluded, "furniture must be reported"

    def excluded(start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in doc.excluded)

    def touched(start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in doc.excluded)

    first = text.index(SPUN_TITLE)
    second = text.index(SPUN_TITLE, first + 1)
    assert not touched(first, first + len(SPUN_TITLE)), "the title is kept once"
    assert excluded(second, second + len(SPUN_TITLE)), "the repeated title is furniture"
    for para in SPUN_BODY:
        at = text.index(para)
        assert not touched(at, at + len(para)), f"body paragraph excluded: {para[:40]}"
    for line in SPUN_FURNITURE:
        at = text.index(line)
        assert excluded(at, at + len(line)), f"furniture not excluded: {line}"
    d = doc.to_dict()
    assert d["excluded"] == [list(s) for s in doc.excluded]
    assert Document.from_dict(json.loads(json.dumps(d))) == doc


@pytest.mark.parametrize(
    "line",
    [
        "Share prices fell sharply on Monday after the report was published.",
        "Related talks will continue next week, the minister said.",
        "Comments made by the minister on Friday angered the opposition.",
        "We use the term loosely, the professor said, because cookies are not the point.",
        "The site uses solar panels and batteries to power the pumps.",
        "Leave a reply to the letter within ten days, the court ordered.",
        "Email remains the main way that officials talk to the public.",
        "Copyright lawyers said the ruling would change how songs are sampled.",
    ],
)
def test_furniture_never_takes_a_body_sentence(line: str) -> None:
    text = f"A headline about something\n\n{line}\n\nAnother paragraph of the story follows here.\n"
    assert find_furniture(text) == []


def test_furniture_list_after_related_heading_stops_at_a_paragraph() -> None:
    text = (
        "Body paragraph one of the article ends here.\n\nRelated Articles\n\nFirst related headline\n"
        "Second related headline\n\nA full paragraph of body text comes back after the list, ending with a stop.\n"
    )
    spans = furniture_spans(text)
    assert len(spans) == 1
    covered = text[spans[0][0] : spans[0][1]]
    assert covered.startswith("Related Articles") and covered.endswith("Second related headline")


def test_furniture_off(tmp_path: Path) -> None:
    path = tmp_path / "spun.txt"
    path.write_text(spun_page_text())
    (doc,) = only_docs(docs([path], options=IngestOptions(furniture=False)))
    assert doc.excluded == ()


# --- HTML ----------------------------------------------------------------------------


@pytest.mark.parametrize("index", [0, 1, 2])
def test_html_extraction_keeps_body_and_drops_furniture(tmp_path: Path, index: int) -> None:
    html, body, furniture, title, date = NEWS_PAGES[index]
    path = tmp_path / f"page{index}.html"
    # The third page declares windows-1252 and is stored in it ("café").
    path.write_bytes(html.encode("cp1252" if index == 2 else "utf-8"))
    (doc,) = only_docs(docs([path]))
    for para in body:
        assert para in doc.text, f"body paragraph lost: {para[:50]}"

    def visible(s: str) -> bool:
        at = doc.text.find(s)
        while at >= 0:
            if not any(a <= at and at + len(s) <= b for a, b in doc.excluded):
                return True
            at = doc.text.find(s, at + 1)
        return False

    for junk in furniture:
        assert not visible(junk), f"furniture kept: {junk}"
    assert doc.metadata["title"] == title
    assert doc.metadata["date"] == date
    assert doc.metadata["format"] == "html"
    assert doc.id == path.name


def test_html_declared_latin1_is_read_as_windows_1252(tmp_path: Path) -> None:
    page = PAGE1.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">').replace("14 million dollars", "14 million \u20ac")
    path = tmp_path / "latin.html"
    path.write_bytes(page.encode("cp1252"))
    (doc,) = only_docs(docs([path]))
    assert "14 million \u20ac" in doc.text


# --- encodings of plain text ---------------------------------------------------------


def test_text_in_windows_1252_is_detected(tmp_path: Path) -> None:
    text = ENGLISH.replace("storm", "storm\u2019s caf\u00e9")  # curly quote and e-acute only exist in cp1252 as single bytes
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    (result,) = docs([path])
    assert result.document is not None and result.document.text == text
    assert any("decoded as cp1252" in w for w in result.warnings)


def test_text_in_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(ENGLISH.encode("utf-16"))
    (doc,) = only_docs(docs([path]))
    assert doc.text == ENGLISH


# --- JSONL ---------------------------------------------------------------------------


def test_jsonl_fields_metadata_and_numbering(tmp_path: Path) -> None:
    rows = [
        {"doc": {"body": ENGLISH}, "key": 17, "url": "https://example.com/a", "title": "A"},
        "",
        {"doc": {"body": spun_page_text()}, "key": "b"},
    ]
    path = write_jsonl(tmp_path / "rows.jsonl", rows)
    opts = IngestOptions(text_field="doc.body", id_field="key")
    a, b = only_docs(docs([path], options=opts))
    assert (a.id, a.source, a.metadata["record"], a.metadata["url"], a.metadata["title"]) == ("17", f"{path}#1", 1, "https://example.com/a", "A")
    assert (b.id, b.metadata["record"]) == ("b", 3)  # blank line 2 is not a record
    assert b.excluded and b.text == spun_page_text()


def test_jsonl_gzipped(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "rows.jsonl.gz", [{"id": i, "text": ENGLISH} for i in range(3)], gz=True)
    assert [d.id for d in only_docs(docs([path]))] == ["0", "1", "2"]


# --- WARC ----------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [True, False])
def test_warc_reader(tmp_path: Path, gz: bool) -> None:
    pages = [(f"https://news.example.com/{i}", html.encode("cp1252" if i == 2 else "utf-8")) for i, (html, *_rest) in enumerate(NEWS_PAGES)]
    path = write_warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), pages, gz=gz)
    found = only_docs(docs([path]))
    assert [d.id for d in found] == [u for u, _ in pages]
    # warcinfo is record 1, then request/response pairs: responses are records 3, 5, 7.
    assert [d.metadata["record"] for d in found] == [3, 5, 7]
    assert [d.source for d in found] == [f"{path}#{n}" for n in (3, 5, 7)]
    for doc, (_html, body, _furniture, title, _date) in zip(found, NEWS_PAGES):
        assert all(p in doc.text for p in body)
        assert doc.metadata["title"] == title and doc.metadata["url"] == doc.id
        assert doc.metadata["format"] == "warc" and doc.metadata["crawl_date"]


def test_warc_skips_records_that_are_not_pages(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for url, status, ctype, body in [
        ("https://e.com/img.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("https://e.com/gone", "404 Not Found", "text/html", PAGE1.encode()),
        ("https://e.com/moved", "301 Moved Permanently", "text/html", b""),
        ("https://e.com/ok", "200 OK", "text/html", PAGE1.encode()),
        ("https://e.com/plain", "200 OK", "text/plain; charset=utf-8", ENGLISH.encode()),
    ]:
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http))
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(buf.getvalue())
    found = only_docs(docs([path]))
    assert [(d.id, d.metadata["record"]) for d in found] == [("https://e.com/ok", 4), ("https://e.com/plain", 5)]
    assert found[1].text == ENGLISH


def test_warc_http_charset_is_used(tmp_path: Path) -> None:
    page = PAGE1.replace('<meta charset="utf-8">', "").replace("14 million dollars", "14 million \u00a3")
    path = write_warc(tmp_path / "c.warc.gz", [("https://e.com/", page.encode("cp1252"))], content_type="text/html; charset=windows-1252")
    (doc,) = only_docs(docs([path]))
    assert "14 million \u00a3" in doc.text


# --- Parquet -------------------------------------------------------------------------


def test_parquet_reader_in_batches(tmp_path: Path) -> None:
    n = 600  # more than one batch and several row groups
    path = write_parquet(
        tmp_path / "t.parquet",
        {"uid": [f"u{i}" for i in range(n)], "body": [ENGLISH] * n, "url": [f"https://e.com/{i}" for i in range(n)]},
        row_group_size=100,
    )
    found = only_docs(docs([path], options=IngestOptions(text_field="body", id_field="uid")))
    assert len(found) == n
    assert (found[0].id, found[-1].id, found[-1].metadata["record"], found[-1].source) == ("u0", f"u{n-1}", n, f"{path}#{n}")
    assert found[5].metadata["url"] == "https://e.com/5"


def test_parquet_null_text_is_a_row_error(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "t.parquet", {"text": [ENGLISH, None, ENGLISH]})
    results = docs([path])
    assert [r.error for r in results if r.error] == [f"{path}: row 2: 'text' is null"]
    assert len([r for r in results if r.ok]) == 2


# --- directories and stdin -----------------------------------------------------------


def test_directory_is_walked_recursively_by_extension(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a" / "one.txt").write_text(ENGLISH)
    (tmp_path / "a" / "b" / "two.html").write_text(PAGE1)
    write_jsonl(tmp_path / "a" / "b" / "three.jsonl.gz", [{"id": "j", "text": ENGLISH}], gz=True)
    write_warc(tmp_path / "four.warc.gz", [("https://e.com/4", PAGE1.encode())])
    write_parquet(tmp_path / "five.parquet", {"id": ["p"], "text": [ENGLISH]})
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / ".hidden" / "six.txt").write_text(ENGLISH)
    (tmp_path / ".seven.txt").write_text(ENGLISH)
    found = only_docs(docs([tmp_path]))
    assert sorted(d.metadata["format"] for d in found) == ["html", "jsonl", "parquet", "txt", "warc"]
    assert sorted(str(d.id) for d in found) == ["https://e.com/4", "j", "one.txt", "p", "two.html"]
    # With a forced format only that format's files are taken from a directory.
    assert [d.id for d in only_docs(docs([tmp_path], format="txt"))] == ["one.txt"]


def test_directory_without_readable_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (error,) = [r.error for r in docs([tmp_path])]
    assert error is not None and error.startswith(f"{tmp_path}: no files to read in this directory (looked for .txt, .text, .html")


def test_progress_passes_every_result_through(tmp_path: Path) -> None:
    from rich.console import Console

    from unspin.ingest.progress import with_progress

    path = write_jsonl(tmp_path / "rows.jsonl", [{"id": i, "text": ENGLISH} for i in range(5)] + ["bad"])
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    stdout = sys.stdout
    results = []
    for r in with_progress(iter_documents([path]), console):
        assert sys.stdout is stdout  # results written to stdout must not be routed to the progress console
        results.append(r)
    assert len(results) == 6 and results[-1].error
    assert list(with_progress(iter(results), console, enabled=False)) == results


def _fake_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (spun_page_text().encode(), "txt"),
        (PAGE1.encode(), "html"),
        (b'{"id": "s", "text": "' + ENGLISH.encode() + b'"}\n', "jsonl"),
        (warc_bytes([("https://e.com/s", PAGE1.encode())]), "warc"),
        (gzip.compress(b'{"id": "s", "text": "' + ENGLISH.encode() + b'"}\n'), "jsonl"),
    ],
)
def test_stdin_any_format(monkeypatch: pytest.MonkeyPatch, data: bytes, fmt: str) -> None:
    _fake_stdin(monkeypatch, data)
    (doc,) = only_docs(docs(["-"]))
    assert doc.metadata["format"] == fmt
    assert (doc.source or "").startswith("<stdin>")


def test_stdin_parquet_is_refused_cleanly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = write_parquet(tmp_path / "t.parquet", {"text": [ENGLISH]}).read_bytes()
    _fake_stdin(monkeypatch, data)
    (result,) = docs(["-"])
    assert result.error and "standard input" in result.error


# --- language ------------------------------------------------------------------------


def test_non_english_is_skipped_with_its_language(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "mixed.jsonl", [{"id": "fr", "text": FRENCH_TEXT}, {"id": "en", "text": ENGLISH}, {"id": "short", "text": "Bonjour."}])
    fr, en, short = docs([path])
    assert fr.skipped == "language: fr" and fr.document is not None and fr.document.metadata["language"] == "fr"
    assert not fr.ok and fr.error is None
    assert en.ok and en.document is not None and en.document.metadata["language"] == "en"
    assert short.ok and short.document is not None and "language" not in short.document.metadata  # too short to tell
    assert all(r.ok for r in docs([path], options=IngestOptions(language_check=False)))


# --- limits --------------------------------------------------------------------------


def test_long_extracted_text_is_truncated_with_a_warning(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "big.jsonl", [{"text": ENGLISH * 20}])
    (result,) = docs([path], options=IngestOptions(max_bytes=1000))
    assert result.document is not None and len(result.document.text.encode()) <= 1000
    assert ENGLISH.startswith(result.document.text[:500])
    assert any("truncated to 1,000 bytes" in w for w in result.warnings)


def test_plain_text_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(ENGLISH * 20)
    (result,) = docs([path], options=IngestOptions(max_bytes=1000))
    assert result.error is not None and "over the 1,000-byte limit" in result.error and str(path) in result.error


def test_max_records_stops_with_a_notice(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "rows.jsonl", [{"id": i, "text": ENGLISH} for i in range(10)])
    results = docs([path, path], options=IngestOptions(max_records=3))
    assert [r.document.id for r in results if r.document] == ["0", "1", "2"]
    assert results[-1].document is None and "stopped after 3 records" in results[-1].warnings[0]


def test_oversize_records_are_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "rows.jsonl", [{"id": "a", "text": ENGLISH}, {"id": "huge", "text": "x " * 5000}, {"id": "c", "text": ENGLISH}])
    results = docs([path], options=IngestOptions(max_record_bytes=2000))
    assert [r.document.id for r in results if r.document] == ["a", "c"]
    assert [r.error for r in results if r.error] == [f"{path}: line 2: longer than the 2,000-byte record limit; skipped"]
    big = write_warc(tmp_path / "big.warc.gz", [("https://e.com/1", PAGE1.encode()), ("https://e.com/2", PAGE1.encode() * 3), ("https://e.com/3", PAGE1.encode())], extra=False)
    results = docs([big], options=IngestOptions(max_record_bytes=len(PAGE1) + 500))
    assert [r.document.id for r in results if r.document] == ["https://e.com/1", "https://e.com/3"]
    assert [r.error for r in results if r.error][0].startswith(f"{big}: record 2: payload of ")


def test_api_exports() -> None:
    import unspin.ingest as ingest

    for name in ingest.__all__:
        assert hasattr(ingest, name), name
