import json

import pytest

from unspin.model import Document, Flag, Report


def make_report():
    text = "The two chiefs met at the opening service."
    doc = Document(text=text, id="d1", source="x.txt", metadata={"url": "http://example.com"})
    flags = (
        Flag(8, 14, "chiefs", "leaders", 0.91, "spin", {"margin_log10": 2.5}),
        Flag(34, 41, "service", "ceremony", 0.8),
    )
    return Report(doc, spin_score=0.93, verdict="spun", flags=flags, explanation="2 phrases", words=8)


def test_json_contract_fields_and_types():
    d = json.loads(make_report().to_json())
    assert set(d) >= {"id", "source", "text", "spin_score", "verdict", "flags"}
    assert isinstance(d["id"], str) and isinstance(d["text"], str)
    assert 0.0 <= d["spin_score"] <= 1.0 and d["verdict"] in ("spun", "clean", "uncertain")
    for f in d["flags"]:
        assert {"start", "end", "text", "suggestion", "confidence", "kind"} <= set(f)
        assert d["text"][f["start"] : f["end"]] == f["text"]
        assert 0.0 <= f["confidence"] <= 1.0


def test_round_trip():
    r = make_report()
    assert Report.from_json(r.to_json()) == r


def test_offsets_must_index_into_text():
    doc = Document("abc def")
    with pytest.raises(ValueError):
        Report(doc, 0.1, "clean", flags=(Flag(0, 3, "xyz", None, 0.5),))


def test_invalid_values_rejected():
    with pytest.raises(ValueError):
        Report(Document("a"), 1.5, "clean")
    with pytest.raises(ValueError):
        Report(Document("a"), 0.5, "maybe")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Flag(0, 1, "a", None, 2.0)
    with pytest.raises(ValueError):
        Document("abc", excluded=((2, 9),))


def test_excluded_serialised_only_when_present():
    assert "excluded" not in Document("abc").to_dict()
    assert Document("abc def", excluded=((4, 7),)).to_dict()["excluded"] == [[4, 7]]


def test_package_face():
    """`import unspin` exports the library with real signatures; old module paths still work."""
    import inspect

    import unspin

    for name in unspin.__all__:
        assert getattr(unspin, name) is not None, name
    params = inspect.signature(unspin.check).parameters
    assert {"catalogue", "index", "top_sources", "min_confidence", "max_words"} <= set(params)
    assert "document" in params and not any(p.kind is p.VAR_KEYWORD for p in params.values())
    assert list(inspect.signature(unspin.search).parameters)[:2] == ["document", "index"]
    from unspin.search import index_add, search  # the module is still a module

    assert callable(index_add) and callable(unspin.search) and unspin.search.search is search
    import unspin.scan.runner  # binds unspin.scan to the package: still callable

    assert callable(unspin.scan) and "out" in inspect.signature(unspin.scan).parameters
    assert issubclass(unspin.EmptyInput, unspin.InputError) and issubclass(unspin.ResourceError, unspin.UnspinError)


def test_index_does_not_import_detect():
    import subprocess
    import sys

    code = "import sys, unspin.index; print(sorted(m for m in sys.modules if m.startswith('unspin.detect')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_visible_text_drops_the_excluded_spans():
    doc = Document("Menu Home\nThe minister spoke.\nShare this", excluded=((0, 10), (30, 40)))
    assert doc.visible_text() == "\nThe minister spoke.\n\n"  # the pieces around each span, joined by line breaks
    assert Document("plain").visible_text() == "plain"


def test_open_shared_reuses_one_index_per_path(tmp_path):
    from unspin.index import SourceIndex, open_shared

    SourceIndex.open(tmp_path / "ix.db").close()
    assert open_shared(tmp_path / "ix.db") is open_shared(str(tmp_path / "ix.db"))
