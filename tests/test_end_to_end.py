"""End to end through the real CLI and the real detector, on fixtures whose answer is known word by
word: the bundled spun example (24 swaps, derived from the text it was spun from), that original
text, and unrelated news as decoys in the index. The assertions are floors a sound detector clears
with room (see `e2e_samples.assert_spun_report`), so an improved detector still passes while
flagging every word, flagging nothing or a constant score fail."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from e2e_samples import DECOYS, GOLD, GOLD_INDEXED, ORIGINAL, assert_clean_report, assert_spun_report, judge
from unspin.cli import app
from web_samples import SOURCE, SPUN

runner = CliRunner()
#: The rest of the near decoy (after the source's first paragraph): a different story.
NEAR_TAIL = ("Elsewhere in the capital, a long-awaited cycle lane opened along the river, and the city's zoo announced "
             "the birth of two red panda cubs, the first born there in a decade.\n")


def unspin(*args: str) -> Any:
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def reports(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, detector) -> Path:
    d = tmp_path_factory.mktemp("e2e")
    (d / "spun.txt").write_text(SPUN, encoding="utf-8")
    (d / "original.txt").write_text(ORIGINAL, encoding="utf-8")
    rows = [{"id": "src-1", "text": SOURCE, "title": "Energy help", "url": "https://example.org/original"}]
    rows += [{"id": k, "text": v, "title": k} for k, v in DECOYS.items()]
    # a near decoy: another article that reuses the source's first paragraph word for word
    rows.append({"id": "near", "text": SOURCE.split("\n\n")[0] + "\n\n" + NEAR_TAIL})
    (d / "sources.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    res = unspin("index", "add", str(d / "sources.db"), "--jsonl", str(d / "sources.jsonl"))
    assert res.exit_code == 0, res.output
    return d


@pytest.fixture(scope="module")
def checked(files: Path) -> dict[str, dict[str, Any]]:
    """``unspin check --json`` on the spun example and its original, in one run."""
    res = unspin("check", "--json", str(files / "spun.txt"), str(files / "original.txt"))
    assert res.exit_code == 0, res.output
    return {r["id"]: r for r in reports(res.stdout)}


def test_spun_example_is_spun_with_its_swaps_flagged(checked) -> None:
    report = checked["spun.txt"]
    j = assert_spun_report(report)
    assert all(SPUN[f["start"]:f["end"]] == f["text"] for f in report["flags"])
    assert report["spin_score"] >= 0.5 and j.flagged >= 12


def test_the_original_wording_is_clean(checked) -> None:
    report = checked["original.txt"]
    assert_clean_report(report)
    assert report["spin_score"] < checked["spun.txt"]["spin_score"]


def test_human_report_shows_the_swaps_and_their_originals(files: Path) -> None:
    res = unspin("check", str(files / "spun.txt"))
    assert res.exit_code == 0, res.output
    assert "verdict: SPUN" in res.stdout
    # each flag is printed as "word [suggestion]"; the spun words of the example are all different words
    shown = re.findall(r"([A-Za-z'-]+) \[([^\]\n]+)\]", res.stdout)
    gold = {w.lower(): orig.lower() for w, orig in GOLD.values()}
    on = [w for w, _ in shown if w.lower() in gold]
    assert len(set(on)) >= len(gold) // 2, shown
    assert len(on) >= 0.75 * len(shown), [w for w, _ in shown if w.lower() not in gold]
    assert sum(gold.get(w.lower()) == s.lower() for w, s in shown) >= 4, shown


def test_check_with_an_index_restores_the_exact_source_words(files: Path) -> None:
    res = unspin("check", "--json", str(files / "spun.txt"), "--index", str(files / "sources.db"))
    assert res.exit_code == 0, res.output
    (report,) = reports(res.stdout)
    assert report["verdict"] == "spun"
    assert report["sources"][0]["id"] == "src-1", [m["id"] for m in report["sources"]]
    src = [f for f in report["flags"] if f["kind"] == "source"]
    # the alignment with the source knows every swap of the indexed paragraphs, and nothing else
    j = judge(src, GOLD_INDEXED)
    assert j.precision == 1.0, j.off_swaps
    assert j.swaps_found >= len(GOLD_INDEXED) - 2 and j.restored >= j.on_swaps - 2, j
    # and the rest of the article (not in the index) is still the detector's
    assert_spun_report(report)


def test_search_finds_the_source_first_among_decoys(files: Path) -> None:
    res = unspin("search", str(files / "sources.db"), str(files / "spun.txt"), "--json", "--top", "5")
    assert res.exit_code == 0, res.output
    (result,) = reports(res.stdout)
    ids = [m["id"] for m in result["matches"]]
    # the source first; the article that shares one paragraph after it; no unrelated decoy
    assert ids == ["src-1", "near"], ids
    assert result["matches"][0]["score"] > result["matches"][1]["score"]
    subs = {(s["copy_text"].lower(), s["source_text"].lower()) for s in result["matches"][0]["substitutions"]}
    gold = {(w.lower(), o.lower()) for w, o in GOLD_INDEXED.values()}
    assert len(subs & gold) >= len(gold) - 2 and subs <= gold, (sorted(subs - gold), sorted(gold - subs))


def test_each_decoy_finds_itself_and_not_the_source(files: Path) -> None:
    paths = []
    for k, v in DECOYS.items():
        (files / f"{k}.txt").write_text(v, encoding="utf-8")
        paths.append(str(files / f"{k}.txt"))
    res = unspin("search", str(files / "sources.db"), *paths, "--json")
    assert res.exit_code == 0, res.output
    got = {r["id"]: [m["id"] for m in r["matches"]] for r in reports(res.stdout)}
    for k in DECOYS:
        assert got[f"{k}.txt"][0] == k, got
        assert "src-1" not in got[f"{k}.txt"], got
