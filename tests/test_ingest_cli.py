"""`unspin check` reading every supported input, through the real CLI (Typer's CliRunner)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ingest_samples import FRENCH_TEXT, PAGE1, SPUN_BODY, SPUN_FURNITURE, spun_page_text, warc_bytes, write_jsonl, write_parquet, write_warc
from unspin.cli import app
from unspin.model import Document, Report

ENGLISH = " ".join(SPUN_BODY)
#: The bundled spun example (examples/spun_article.txt), for the end-to-end test with the real detector.
SPUN_EXAMPLE = (Path(__file__).resolve().parents[1] / "examples" / "spun_article.txt").read_text(encoding="utf-8")
runner = CliRunner()


@pytest.fixture
def stub_check(monkeypatch: pytest.MonkeyPatch) -> list[Document]:
    """Replace the detector with a stub that records what it was given (these tests are about reading)."""
    seen: list[Document] = []

    def fake(document: Document, *, warnings: Sequence[str] = (), **_: Any) -> Report:
        seen.append(document)
        return Report(document=document, spin_score=0.0, verdict="clean", explanation="stub", warnings=tuple(warnings))

    monkeypatch.setattr("unspin.api.check", fake)
    return seen


def check(*args: str, input: bytes | str | None = None) -> Any:
    return runner.invoke(app, ["check", *args], input=input, env={"COLUMNS": "200"})


def lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


Builder = Callable[[Path], Path]


def _txt(d: Path) -> Path:
    (d / "a.txt").write_text(ENGLISH)
    return d / "a.txt"


def _html(d: Path) -> Path:
    (d / "a.html").write_text(PAGE1)
    return d / "a.html"


def _jsonl(d: Path) -> Path:
    return write_jsonl(d / "a.jsonl", [{"id": "x", "text": ENGLISH}])


def _warc(d: Path) -> Path:
    return write_warc(d / "a.warc.gz", [("https://e.com/a", PAGE1.encode())])


def _warc_plain(d: Path) -> Path:
    return write_warc(d / "a.warc", [("https://e.com/a", PAGE1.encode())], gz=False)


def _parquet(d: Path) -> Path:
    return write_parquet(d / "a.parquet", {"id": ["x"], "text": [ENGLISH]})


def _gz_text(d: Path) -> Path:
    (d / "a.txt.gz").write_bytes(gzip.compress(ENGLISH.encode()))
    return d / "a.txt.gz"


@pytest.mark.parametrize(
    ("build", "fmt"),
    [(_txt, "txt"), (_html, "html"), (_jsonl, "jsonl"), (_warc, "warc"), (_warc_plain, "warc"), (_parquet, "parquet"), (_gz_text, "txt")],
)
def test_check_reads_every_format(tmp_path: Path, stub_check: list[Document], build: Builder, fmt: str) -> None:
    path = build(tmp_path)
    result = check(str(path), "--json")
    assert result.exit_code == 0, result.stderr
    (out,) = lines(result.stdout)
    assert out["metadata"]["format"] == fmt
    assert out["verdict"] == "clean"
    assert "The bridge" in out["text"] or ENGLISH[:60] in out["text"]


def test_check_plain_text_reports_excluded_spans(tmp_path: Path, stub_check: list[Document]) -> None:
    text = spun_page_text()
    path = tmp_path / "spun.txt"
    path.write_bytes(text.encode())
    result = check(str(path), "--json")
    assert result.exit_code == 0, result.stderr
    (out,) = lines(result.stdout)
    assert out["text"] == text
    assert out["excluded"] and all(text[a:b].strip() for a, b in out["excluded"])
    assert stub_check[0].excluded == tuple(tuple(s) for s in out["excluded"])


def test_check_human_report_of_a_web_page(tmp_path: Path, stub_check: list[Document]) -> None:
    result = check(str(_html(tmp_path)))
    assert result.exit_code == 0, result.stderr
    assert "The bridge, which will connect" in result.stdout
    assert "Leave a Reply" not in result.stdout


def test_check_directory(tmp_path: Path, stub_check: list[Document]) -> None:
    for build in (_txt, _html, _jsonl, _warc, _parquet):
        build(tmp_path)
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    result = check(str(tmp_path), "--json")
    assert result.exit_code == 0, result.stderr
    assert sorted(o["metadata"]["format"] for o in lines(result.stdout)) == ["html", "jsonl", "parquet", "txt", "warc"]


def test_check_stdin(stub_check: list[Document]) -> None:
    result = check("-", "--json", input=warc_bytes([("https://e.com/s", PAGE1.encode())]))
    assert result.exit_code == 0, result.stderr
    (out,) = lines(result.stdout)
    assert (out["id"], out["metadata"]["format"], out["source"]) == ("https://e.com/s", "warc", "<stdin>#3")
    text = check("-", "--json", input=spun_page_text())
    assert text.exit_code == 0 and lines(text.stdout)[0]["text"] == spun_page_text()


def test_check_jsonl_option_still_works_with_stdin(stub_check: list[Document]) -> None:
    data = json.dumps({"id": 1, "text": ENGLISH}) + "\n" + "oops\n" + json.dumps({"id": 2, "text": ENGLISH}) + "\n"
    result = check("--jsonl", "-", input=data)
    assert result.exit_code == 1
    assert [o["id"] for o in lines(result.stdout)] == ["1", "2"]
    assert result.stderr.strip() == "error: <stdin>: line 2: not JSON (Expecting value)"


def test_check_format_override_and_fields(tmp_path: Path, stub_check: list[Document]) -> None:
    page = tmp_path / "saved.txt"
    page.write_text(PAGE1)
    result = check(str(page), "--json", "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert lines(result.stdout)[0]["metadata"]["title"] == "City council approves new bridge over the river"
    table = write_parquet(tmp_path / "t.parquet", {"uid": ["u1"], "body": [ENGLISH]})
    result = check(str(table), "--json", "--text-field", "body", "--id-field", "uid")
    assert result.exit_code == 0, result.stderr
    assert lines(result.stdout)[0]["id"] == "u1"
    bad = check(str(table), "--json")
    assert bad.exit_code == 1
    assert bad.stderr.strip() == f"error: {table}: no column 'text' (columns: uid, body); use --text-field"
    assert check(str(page), "--format", "pdf").exit_code == 2


def test_check_bad_inputs_are_reported_and_the_rest_checked(tmp_path: Path, stub_check: list[Document]) -> None:
    good = _txt(tmp_path)
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "empty.html").write_bytes(b"")
    full = warc_bytes([("https://e.com/1", PAGE1.encode()), ("https://e.com/2", PAGE1.encode())])
    (tmp_path / "cut.warc.gz").write_bytes(full[: len(full) - 200])
    rows = write_jsonl(tmp_path / "rows.jsonl", [{"id": "ok", "text": ENGLISH}, {"id": "no-text"}])
    result = check(str(good), str(tmp_path / "bin.txt"), str(tmp_path / "empty.html"), str(tmp_path / "cut.warc.gz"), str(rows), str(tmp_path / "nope.txt"), "--json")
    assert result.exit_code == 1
    assert [o["id"] for o in lines(result.stdout)] == ["a.txt", "https://e.com/1", "ok"]
    errs = result.stderr.strip().splitlines()
    assert errs[0] == f"error: {tmp_path / 'bin.txt'}: looks like a binary file (NUL bytes), not text"
    assert errs[1] == f"error: {tmp_path / 'empty.html'}: empty file"
    assert errs[2].startswith(f"error: {tmp_path / 'cut.warc.gz'}: record 5: ")
    assert errs[3] == f"error: {rows}: line 2: no 'text' string field"
    assert errs[4] == f"error: {tmp_path / 'nope.txt'}: no such file"
    assert len(errs) == 5


def test_check_skips_non_english_with_a_notice(tmp_path: Path, stub_check: list[Document]) -> None:
    rows = write_jsonl(tmp_path / "rows.jsonl", [{"id": "fr", "text": FRENCH_TEXT}, {"id": "en", "text": ENGLISH}])
    result = check(str(rows), "--json")
    assert result.exit_code == 0
    assert [o["id"] for o in lines(result.stdout)] == ["en"]
    assert result.stderr.strip() == f"skipped: {rows}#1: language: fr"
    every = check(str(rows), "--json", "--no-language-check")
    assert [o["id"] for o in lines(every.stdout)] == ["fr", "en"]


def test_check_limits(tmp_path: Path, stub_check: list[Document]) -> None:
    rows = write_jsonl(tmp_path / "rows.jsonl", [{"id": i, "text": ENGLISH * 3} for i in range(5)])
    result = check(str(rows), "--json", "--max-records", "2", "--max-bytes", "500")
    assert result.exit_code == 0
    out = lines(result.stdout)
    assert [o["id"] for o in out] == ["0", "1"]
    assert all(len(o["text"].encode()) <= 500 for o in out)
    assert "truncated to 500 bytes" in result.stderr
    assert "stopped after 2 records (--max-records)" in result.stderr
    big = tmp_path / "big.txt"
    big.write_text(ENGLISH * 3)
    refused = check(str(big), "--max-bytes", "500")
    assert refused.exit_code == 1 and "over the 500-byte limit (--max-bytes)" in refused.stderr


def test_check_help_lists_the_formats() -> None:
    result = check("--help")
    assert result.exit_code == 0
    for name in ("txt", "html", "jsonl", "warc", "parquet", "--format", "--text-field", "--max-records"):
        assert name in result.stdout


def test_check_without_input_is_a_usage_error() -> None:
    assert check().exit_code == 2


def test_check_with_the_real_detector(tmp_path: Path) -> None:
    """End to end, no stub: a clean news page and a really spun article copied off a page with its
    furniture (the bundled example, whose swaps are known word by word) are read and judged."""
    from e2e_samples import GOLD, assert_spun_report

    head = "Big firms to pay for help with energy bills\n\n"
    page = head + SPUN_EXAMPLE + "\n" + "\n".join(SPUN_FURNITURE) + "\n"
    spun = tmp_path / "spun.txt"
    spun.write_text(page)
    result = check(str(_html(tmp_path)), str(spun), "--json")
    assert result.exit_code == 0, result.stderr
    html_out, txt_out = lines(result.stdout)
    assert html_out["verdict"] == "clean" and html_out["metadata"]["format"] == "html", (html_out["verdict"], html_out["flags"])
    assert txt_out["excluded"] and any("Leave a Reply" in page[a:b] for a, b in txt_out["excluded"])
    assert_spun_report(txt_out, {start + len(head): swap for start, swap in GOLD.items()})
    for flag in txt_out["flags"]:  # nothing is flagged inside the furniture
        assert not any(a <= flag["start"] < b for a, b in txt_out["excluded"])
