"""unspin scan and bad input: one bad record costs one error row, never its partition, and a rerun resumes (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

from scan_samples import article, rows
from unspin.scan import scan


def hostile_jsonl(path: Path) -> list[str]:
    """Good articles around bad records: a lone surrogate (as JSON escapes it), a NUL, a 200,000-letter word,
    a line that is not JSON, JSON nested 5,000 deep. Returns the ids of the records that are documents."""
    import random

    rng = random.Random(2)
    lines = [json.dumps({"id": "good-0", "text": article(rng, 4)}),
             '{"id": "surrogate", "text": "x \\ud800 and more words"}',
             json.dumps({"id": "good-1", "text": article(rng, 4)}),
             json.dumps({"id": "nul", "text": "A NUL \u0000 inside. " + article(rng, 3)}),
             json.dumps({"id": "huge-word", "text": "Huge " + "a" * 200_000 + " word. " + article(rng, 2)}),
             "not json",
             "[" * 5000 + "]" * 5000,
             json.dumps({"id": "good-2", "text": article(rng, 4)})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["good-0", "surrogate", "good-1", "nul", "huge-word", "good-2"]


def test_bad_records_never_fail_the_partition_and_a_rerun_resumes(tmp_path, detector):
    docs = hostile_jsonl(tmp_path / "hostile.jsonl")
    args = dict(workers=0, jsonl=True)
    s = scan([str(tmp_path / "hostile.jsonl")], tmp_path / "out", **args)
    assert s.complete and s.partitions == 1 and not s.partitions_failed
    got = rows(tmp_path / "out")
    assert [r["id"] for r in got if r["status"] == "ok"] == docs
    assert all(r["verdict"] in ("spun", "uncertain", "clean") for r in got if r["status"] == "ok")
    by_id = {r["id"]: r for r in got}
    assert "\ufffd" in by_id["surrogate"]["text"] and any("U+FFFD" in w for w in by_id["surrogate"]["warnings"])
    errors = [r for r in got if r["status"] == "error"]
    assert [r["record"] for r in errors] == [5, 6]
    assert "line 6" in errors[0]["error"] and "line 7" in errors[1]["error"]
    assert s.documents == 6 and s.checked == 6 and s.errors == 2
    assert [json.loads(x)["record"] for x in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()] == [5, 6]
    lines = [json.loads(x) for x in (tmp_path / "out" / "documents" / "part-000000.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x.get("id") for x in lines] == docs[:5] + [None, None, "good-2"]
    # a rerun resumes: nothing to do, the same rows
    again = scan([str(tmp_path / "hostile.jsonl")], tmp_path / "out", **args)
    assert again.complete and again.partitions_reused == 1 and again.documents_this_run == 0 and rows(tmp_path / "out") == got


def test_a_failing_check_a_failing_reader_a_surrogate_and_an_unwritable_row_cost_one_record_each(tmp_path, monkeypatch):
    import dataclasses
    import random

    import unspin.api
    import unspin.scan.partition_task as task

    rng = random.Random(4)
    for name in ("a", "b"):
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps({"id": f"{name}{i}", "text": article(rng, 3)}) + "\n" for i in range(4)))
    real_check, real_read, real_row = unspin.api.check, task.read_source, task._document_row

    def check(doc, **kw):
        if doc.id == "a1":
            raise ValueError("boom")
        return real_check(doc, **kw)

    def read_source(source, options):  # a.jsonl: the reader fails after two records; b.jsonl: b1 has a lone surrogate
        for i, r in enumerate(real_read(source, options)):
            if source.name.endswith("a.jsonl") and i == 2:
                raise OSError("disk gone")
            if r.document is not None and r.document.id == "b1":
                r = dataclasses.replace(r, document=dataclasses.replace(r.document, text="x \ud800 y"))
            yield r

    def document_row(doc, cfg, warnings):  # b2: a value Parquet cannot hold
        row = real_row(doc, cfg, warnings)
        return {**row, "words": 2**40} if doc.id == "b2" else row

    monkeypatch.setattr(unspin.api, "check", check)
    monkeypatch.setattr(task, "read_source", read_source)
    monkeypatch.setattr(task, "_document_row", document_row)
    s = scan([str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")], tmp_path / "out", workers=0)
    assert s.complete and s.partitions == 1
    got = [(r["id"], r["status"]) for r in rows(tmp_path / "out")]
    assert got == [("a0", "ok"), ("a1", "error"), (None, "error"), ("b0", "ok"), ("b1", "error"), ("b2", "error"), ("b3", "ok")]
    errs = [r["error"] for r in rows(tmp_path / "out") if r["status"] == "error"]
    assert "unexpected error while checking (ValueError: boom)" in errs[0]
    assert errs[1] == f"{tmp_path / 'a.jsonl'}: reading stopped after 2 records (OSError: disk gone)"
    assert errs[2] == f"{tmp_path / 'b.jsonl'}#2: text is not valid Unicode: lone surrogate U+D800 at character 2; not checked"
    assert "b.jsonl#3: cannot be written" in errs[3]
    assert s.documents == 3 and s.errors == 4


def test_a_fifo_is_a_notice_and_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    import os
    import random

    import pytest

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    rng = random.Random(6)
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(article(rng, 4), encoding="utf-8")
    with open(os.fsencode(d) + b"/odd-\xff-name.txt", "wb") as fh:
        fh.write(article(rng, 4).encode())
    os.mkfifo(d / "pipe.txt")
    s = scan([str(d)], tmp_path / "out", workers=0, detect=False)
    assert s.complete and s.documents == 2 and s.errors == 0
    assert len(s.notices) == 1 and "pipe.txt" in s.notices[0] and s.warnings >= 1
    got = rows(tmp_path / "out")
    assert [r["status"] for r in got] == ["ok", "ok"]
    assert [r["input"] for r in got] == [str(d / "good.txt"), f"{d}/odd-\\udcff-name.txt"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == 2 and summary["notices"] == s.notices
    assert (tmp_path / "out" / "errors.jsonl").read_text() == ""
    again = scan([str(d)], tmp_path / "out", workers=0, detect=False)
    assert again.partitions_reused == again.partitions and again.documents_this_run == 0


def test_an_output_that_cannot_be_used_is_a_one_line_scan_error(tmp_path):
    import pytest

    from unspin.scan import ScanError

    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a", "text": "Some words here."}) + "\n")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ScanError, match="cannot be the output directory"):
        scan([str(tmp_path / "in.jsonl")], tmp_path / "a-file", workers=0, detect=False)
    (tmp_path / "garbled").mkdir()
    (tmp_path / "garbled" / "manifest.json").write_text("{not json")
    with pytest.raises(ScanError, match="not a readable scan manifest"):
        scan([str(tmp_path / "in.jsonl")], tmp_path / "garbled", workers=0, detect=False)
    s = scan([str(tmp_path / "in.jsonl")], tmp_path / "garbled", workers=0, detect=False, overwrite=True)
    assert s.complete and s.documents == 1
