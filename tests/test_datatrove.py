"""unspin.integrations.datatrove: SpinFilter in a real datatrove pipeline (2 tasks, 2 worker processes)."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from scan_samples import article, spin
from search_samples import ARTICLES, HARBOUR_SWAPS, UNRELATED
from search_samples import spin as swap
from unspin.api import check
from unspin.integrations.datatrove import SpinFilter
from web_samples import SOURCE, SPUN

GERMAN = ("Die Regierung hat am Montag angekündigt, dass die Steuern im nächsten Jahr steigen werden, "
          "um die Kosten für neue Schulen und Krankenhäuser im ganzen Land zu decken. ") * 3


def _input(root: Path) -> list[dict]:
    """Project-written news (clean), the bundled spun article and a lighter spun copy, a blank and a German record."""
    docs = [{"id": k, "text": text, "url": f"https://news.example/{k}"} for k, (_, text) in ARTICLES.items()]
    docs += [{"id": "unrelated", "text": UNRELATED, "url": "https://news.example/orchid"},
             {"id": "energy", "text": SOURCE, "url": "https://news.example/energy"},
             {"id": "spun", "text": SPUN, "url": "https://farm.example/energy"},
             {"id": "spun-short", "text": SPUN.split("\n\n")[0] + "\n\n" + SPUN.split("\n\n")[1], "url": "https://farm.example/energy-2"},
             {"id": "harbour-swapped", "text": swap(ARTICLES["harbour"][1], HARBOUR_SWAPS)[0], "url": "https://farm.example/harbour"}]
    docs.append({"id": "blank", "text": "   \n  "})
    docs.append({"id": "german", "text": GERMAN})
    root.mkdir(parents=True)
    for f in range(2):  # two files: one per task
        with gzip.open(root / f"part-{f}.jsonl.gz", "wt", encoding="utf-8") as fh:
            for d in docs[f::2]:
                fh.write(json.dumps(d) + "\n")
    return docs


def _read(folder: Path) -> dict[str, dict]:
    out = {}
    for p in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                out[d["id"]] = d
    return out


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("dt")
    docs = _input(root / "in")
    ex = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(root / "in")),
            SpinFilter(exclusion_writer=JsonlWriter(str(root / "dropped"))),
            JsonlWriter(str(root / "kept")),
        ],
        tasks=2, workers=2, logging_dir=str(root / "logs"),
    )
    ex.run()
    return root, docs


def test_every_document_kept_or_dropped_once_with_its_scores(pipeline_run):
    root, docs = pipeline_run
    kept, dropped = _read(root / "kept"), _read(root / "dropped")
    assert not set(kept) & set(dropped)
    assert set(kept) | set(dropped) == {d["id"] for d in docs}
    assert dropped, "no spun document was dropped"
    for d in dropped.values():
        assert d["metadata"]["spin_verdict"] == "spun" and d["metadata"]["filter_reason"] == "spun"
    by_id = {d["id"]: d for d in docs}
    for i, d in {**kept, **dropped}.items():
        md = d["metadata"]
        if i == "blank":
            assert md["spin_verdict"] == "error" and "no text" in md["spin_error"]
            continue
        if i == "german":
            assert md["spin_verdict"] == "skipped" and md["spin_error"] == "language: de"
            continue
        assert md["spin_verdict"] in ("spun", "uncertain", "clean")
        assert md["url"] == by_id[i]["url"]  # the reader's metadata is kept
        # the same score as unspin's library call on the same text
        report = check(by_id[i]["text"])
        assert md["spin_score"] == round(report.spin_score, 4) and md["spin_verdict"] == report.verdict
        assert md["spin_flags"] == len(report.flags) and md["spin_words"] == report.words
    # the spun article is dropped, the project's clean news kept
    assert "spun" in dropped and {"harbour", "orchestra", "drought", "energy"} <= set(kept)


def test_datatrove_stats_count_verdicts(pipeline_run):
    root, docs = pipeline_run
    kept, dropped = _read(root / "kept"), _read(root / "dropped")
    stats = json.loads((root / "logs" / "stats.json").read_text())
    mine = next(s for s in stats if "unspin" in s["name"])["stats"]
    total = lambda k: mine.get(k, {}).get("total", 0) if isinstance(mine.get(k), dict) else mine.get(k, 0)  # noqa: E731
    assert total("total") == len(docs)
    assert total("dropped") == total("dropped_spun") == len(dropped) == total("spun")
    assert total("forwarded") == len(kept)
    assert total("errors") == 1 and total("skipped") == 1
    verdicts = [d["metadata"]["spin_verdict"] for d in {**kept, **dropped}.values()]
    for v in ("spun", "uncertain", "clean"):
        assert total(v) == verdicts.count(v)


def test_threshold_and_annotate_only(detector):
    from datatrove.data import Document as DTDocument

    rng = random.Random(3)
    base = article(rng, 10)
    spun = DTDocument(text=spin(base, 0.5, rng), id="s", metadata={})
    score = check(spun.text).spin_score
    assert SpinFilter(threshold=min(1.0, score + 0.01)).filter(DTDocument(text=spun.text, id="s", metadata={})) is True
    assert SpinFilter(threshold=score).filter(DTDocument(text=spun.text, id="s", metadata={})) == (False, "spun")
    doc = DTDocument(text=spun.text, id="s", metadata={})
    assert SpinFilter(threshold=0.0, drop=False).filter(doc) is True and doc.metadata["spin_score"] == round(score, 4)


def test_bad_arguments_say_what_is_wrong(tmp_path):
    with pytest.raises(ValueError, match="between 0 and 1"):
        SpinFilter(threshold=1.5)
    with pytest.raises(FileNotFoundError, match="no index at"):
        SpinFilter(index=str(tmp_path / "missing.sqlite"))


def test_index_gives_the_best_source(tmp_path, detector):
    from datatrove.data import Document as DTDocument

    from unspin.search import index_add

    src = tmp_path / "sources.jsonl"
    src.write_text("".join(json.dumps({"id": k, "text": text}) + "\n" for k, (_, text) in ARTICLES.items()), encoding="utf-8")
    index_add(tmp_path / "ix.db", [str(src)])
    f = SpinFilter(index=str(tmp_path / "ix.db"), drop=False)
    copy = DTDocument(text=swap(ARTICLES["harbour"][1], HARBOUR_SWAPS)[0], id="c", metadata={})
    other = DTDocument(text=UNRELATED, id="u", metadata={})
    assert f.filter(copy) is True and f.filter(other) is True
    assert copy.metadata["spin_source"] == "harbour" and copy.metadata["spin_source_score"] > 0.5
    assert "spin_source" not in other.metadata
    # the substitutions the index explains are flags of their own (kind "source"), as unspin check --index gives
    assert copy.metadata["spin_flags"] >= len(HARBOUR_SWAPS) - 2
    assert f.stats["source_found"].total == 1


def test_screen_first_fully_checks_only_what_passes(detector):
    """screen=THRESHOLD: a document under it is annotated from the screen alone (no full check, no
    flags, verdict clean); one at or above it gets the full check, and both carry spin_screen_score."""
    from datatrove.data import Document as DTDocument

    from unspin.screen import screen

    f = SpinFilter(screen=0.5, drop=False)
    seen = {}
    for key, text in (("clean", SOURCE), ("spun", SPUN)):
        doc = DTDocument(text=text, id=key, metadata={})
        assert f.filter(doc) is True
        seen[key] = (screen(text, 0.5), doc.metadata)
    for key, (first, md) in seen.items():
        assert md["spin_screen_score"] == round(first.score, 4)
        if first.passed:
            assert "spin_screened_out" not in md and md["spin_score"] == round(check(SPUN if key == "spun" else SOURCE).spin_score, 4)
        else:
            assert md["spin_screened_out"] is True and md["spin_verdict"] == "clean" and md["spin_flags"] == 0
    # the two ends of the threshold: 1.0 screens (almost) everything out, 0.0 passes everything on
    out = DTDocument(text=SPUN, id="x", metadata={})
    SpinFilter(screen=1.0, drop=False).filter(out)
    assert out.metadata.get("spin_screened_out") is (True if screen(SPUN, 1.0).passed is False else None)
    on = DTDocument(text=SPUN, id="y", metadata={})
    SpinFilter(screen=0.0, drop=False).filter(on)
    assert "spin_screened_out" not in on.metadata and on.metadata["spin_verdict"] == check(SPUN).verdict
    with pytest.raises(ValueError, match="between 0 and 1"):
        SpinFilter(screen=-0.1)
    # with the spot stage: the screen's score with its spot check
    spotted = DTDocument(text=SPUN, id="z", metadata={})
    SpinFilter(screen=0.42, spot=True, drop=False).filter(spotted)
    assert spotted.metadata["spin_screen_score"] == round(screen(SPUN, 0.42, spot=True).score, 4)
    with pytest.raises(ValueError, match="needs a screen threshold"):
        SpinFilter(spot=True)
