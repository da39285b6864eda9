"""Fuzzing the readers with hypothesis: bytes in, documents or clean per-record errors out, never an exception."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest_samples import NEWS_PAGES, PAGE1, SPUN_BODY, spun_page_text, warc_bytes
from unspin.ingest import IngestOptions, ReadResult, iter_documents
from unspin.ingest.furniture import find_furniture, furniture_spans

OPTIONS = IngestOptions(max_bytes=64 * 1024, max_record_bytes=256 * 1024)
EXTENSIONS = ["", ".txt", ".html", ".jsonl", ".warc", ".warc.gz", ".parquet", ".gz", ".txt.gz", ".jsonl.gz"]
#: UNSPIN_FUZZ_EXAMPLES=5000 runs a long, random fuzz; the default is a quick, repeatable one.
_LONG = int(os.environ.get("UNSPIN_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_LONG or 120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=not _LONG, database=None)


def _parquet_bytes() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table({"id": ["a", "b"], "text": [" ".join(SPUN_BODY), "short"]}), buf)
    return buf.getvalue()


def _jsonl_bytes() -> bytes:
    return "".join(json.dumps({"id": i, "text": p}) + "\n" for i, p in enumerate(SPUN_BODY)).encode()


VALID: dict[str, bytes] = {
    ".warc.gz": warc_bytes([(f"https://e.com/{i}", p[0].encode()) for i, p in enumerate(NEWS_PAGES[:2])]),
    ".warc": warc_bytes([("https://e.com/0", PAGE1.encode())], gz=False),
    ".jsonl": _jsonl_bytes(),
    ".parquet": _parquet_bytes(),
    ".html": PAGE1.encode(),
    ".txt": spun_page_text().encode(),
}


def read_clean(data: bytes, ext: str) -> list[ReadResult]:
    """Read one file; assert every result is well formed and every error is one clean line naming the file."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"fuzz{ext}"
        path.write_bytes(data)
        results = list(iter_documents([path], options=OPTIONS))
    for r in results:
        assert isinstance(r, ReadResult)
        if r.error is not None:
            assert r.document is None
            assert r.error.startswith(f"{path}: ") or r.error.startswith(f"{path}#"), r.error
            assert "\n" not in r.error
            assert "unexpected error" not in r.error, r.error
        if r.document is not None:
            assert isinstance(r.document.text, str) and r.document.text.strip()
            assert len(r.document.text.encode("utf-8")) <= OPTIONS.max_bytes
        for w in r.warnings:
            assert isinstance(w, str) and "\n" not in w
    return results


@FUZZ
@given(data=st.binary(max_size=4096), ext=st.sampled_from(EXTENSIONS))
def test_random_bytes(data: bytes, ext: str) -> None:
    read_clean(data, ext)


@FUZZ
@given(
    ext=st.sampled_from(sorted(VALID)),
    edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=12)), max_size=4),
    keep=st.floats(0.05, 1.0),
)
def test_damaged_valid_files(ext: str, edits: list[tuple[float, bytes]], keep: float) -> None:
    data = bytearray(VALID[ext])
    for where, patch in edits:
        at = int(where * (len(data) - 1))
        data[at : at + len(patch)] = patch
    read_clean(bytes(data[: max(1, int(len(data) * keep))]), ext)


@FUZZ
@given(
    text=st.lists(
        st.one_of(st.text(max_size=30), st.sampled_from(["\n", "\n\n", "Related Articles", "Leave a Reply", "Share", " *", "Title\n\nTitle\n"])),
        max_size=40,
    ).map("".join)
)
def test_furniture_on_any_text(text: str) -> None:
    lines = find_furniture(text)
    for f in lines:
        assert 0 <= f.start < f.end <= len(text) and text[f.start : f.end].strip() == text[f.start : f.end]
    spans = furniture_spans(text)
    assert list(spans) == sorted(spans)
    assert all(a < b and prev_end < a for (_, prev_end), (a, b) in zip([(-1, -1)] + list(spans), spans))


@FUZZ
@given(st.text(alphabet=st.characters(categories=["Cs", "Cc", "L", "Zs", "P"]), max_size=300) | st.text(max_size=300))
def test_repair_keeps_length_and_leaves_only_printable_utf8(text: str) -> None:
    """`repair_text` (the one rule for text entering unspin): same length, so offsets hold; valid
    UTF-8 out; no control characters left; a warning whenever something changed; idempotent."""
    from unspin.ingest.validate import printable_message, repair_text

    out, warnings = repair_text(text, "doc")
    assert len(out) == len(text)
    out.encode("utf-8")
    assert not any(ord(c) < 32 and c not in "\t\n\x0b\x0c\r" or 0x7F <= ord(c) <= 0x9F for c in out)
    assert bool(warnings) == (out != text)
    assert repair_text(out, "doc") == (out, [])
    for ch, new in zip(text, out):
        assert ch == new or new in (" ", "\ufffd")
    shown = printable_message(text.replace("\n", " ").replace("\r", " "))
    shown.encode("utf-8")
    assert "\x1b" not in shown and "\x00" not in shown
