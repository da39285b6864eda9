"""The document-model training's evidence cache, model folders in the benchmarks, the generalisation table."""

from __future__ import annotations

import json
from pathlib import Path

from bench.generalise import ROWS, held_out, table
from test_detect import CLEAN, SPUN
from training.train_docscore import features_of, raw_evidence, use_doc_model, word_model_docs
from unspin.api import check, get_detector
from unspin.detect import pipeline, score
from unspin.model import Document

DATA = Path(score.__file__).resolve().parents[1] / "data"


def test_cached_evidence_gives_back_the_run_time_features():
    """features_of(raw_evidence(text)) is what `check` computes for the text, through a JSON round trip."""
    seen: dict = {}
    real = pipeline.score_document

    def spy(*args, **kw):
        out = real(*args, **kw)
        seen.update(out.features)
        return out

    for text in (CLEAN, SPUN):
        raw = json.loads(json.dumps(raw_evidence(text)))
        pipeline.score_document = spy
        try:
            check(Document(text), detector=get_detector())
        finally:
            pipeline.score_document = real
        got = features_of(raw)
        assert set(got) == set(seen)
        for k, v in seen.items():
            assert abs(got[k] - v) < 1e-3, (k, got[k], v)
    assert pipeline.score_document is real


def test_doc_model_starts_after_the_word_models_articles(tmp_path):
    (tmp_path / "token_model.json").write_text(json.dumps({"meta": {"docs": 120}}))
    assert word_model_docs(str(tmp_path)) == 120
    assert word_model_docs() == json.loads((DATA / "token_model.json").read_text())["meta"]["docs"]


def test_a_doc_model_from_a_folder_replaces_the_shipped_one(tmp_path):
    always = dict(json.loads((DATA / "doc_model.json").read_text()), bias=60.0)
    (tmp_path / "doc_model.json").write_text(json.dumps(always))
    before = check(CLEAN).spin_score
    try:
        use_doc_model(tmp_path / "doc_model.json")
        assert check(CLEAN).spin_score > 0.99 > before
    finally:
        score._MODEL = None
    assert check(CLEAN).spin_score == before


def _counts(p: float, r: float) -> dict:
    # 100 gold swaps, r * 100 found, flags with precision p
    found = round(100 * r)
    flags = round(found / p) if p else 0
    return {"flags": flags, "true_flags": found, "gold": 100, "found": found, "restored": 0, "words": 1000}


def test_table_marks_the_held_out_habit_and_costs_it():
    names = [name for name, _h, _s in ROWS]

    def results(recall_on: dict[str, float]) -> dict:
        word = {n: _counts(1.0, recall_on.get(h, 0.8)) for n, h, _s in ROWS}
        word["clean news"] = {"flags": 1, "true_flags": 0, "gold": 0, "found": 0, "restored": 0, "words": 1000}
        doc = {n: [0.9] * 10 for n in names}
        doc["clean news"] = [0.1] * 10
        return {"word": word, "doc": doc}

    res = {"full": results({}), "no-spinbot": results({"spinbot": 0.4})}
    assert held_out("no-spinbot") == "spinbot" and held_out("full") == ""
    text = table(res, ROWS, 10, "")
    spinbot_row = next(line for line in text.splitlines() if line.startswith("| spinbot 15%"))
    assert spinbot_row.count("**") == 2  # only the no-spinbot cell is bold
    chief_row = next(line for line in text.splitlines() if line.startswith("| spinnerchief"))
    assert "**" not in chief_row
    cost = next(line for line in text.splitlines() if line.startswith("| spinbot |"))
    # F1 0.889 (R 0.8) on the full mix against 0.571 (R 0.4) without spinbot: a loss of 0.317 on both spinbot rows
    assert cost.split("|")[2].strip() == "+0.317, +0.317"
    assert cost.split("|")[3].strip() == "+0.000, +0.000"  # document scores alike in both sets
    assert cost.split("|")[5].strip() == "+0.000, +0.000"  # the other rows' recall alike
