import pytest
from typer.testing import CliRunner

from unspin.cli import app
from unspin.detect.catalogue import And, Not, Or, Phrase, PhraseCatalogue, QuerySyntaxError, evaluate, parse_query
from unspin.errors import InputError
from unspin.model import Document

TEXT = ("We trained a fake neural organization on the data. The opening service was held in the church. "
        "Results from the counterfeit consciousness model were poor; the flag to clamor ratio fell.")


def words(text):
    from unspin.text import TokenKind, tokenize

    return [t.norm for t in tokenize(text) if t.kind is not TokenKind.PUNCT]


def test_parse_precedence():
    q = parse_query('"a b" AND ("c" OR d) NOT "e f"')
    assert isinstance(q, Not) and isinstance(q.positive, And)
    assert q.negative == Phrase(("e", "f"))
    assert parse_query('"x y"~3') == Phrase(("x", "y"), 3)
    assert isinstance(parse_query('"a" OR "b"'), Or)


@pytest.mark.parametrize("bad", ['"a" AND', '("a"', '""', "", "NOT"])
def test_syntax_errors(bad):
    with pytest.raises(QuerySyntaxError):
        parse_query(bad)


def test_not_suppresses_match():
    w = words(TEXT)
    assert evaluate(parse_query('"opening service"'), w)
    assert evaluate(parse_query('"opening service" NOT "church"'), w) is None
    assert evaluate(parse_query('"opening service" NOT "mosque"'), w)


def test_proximity():
    w = words("a flag to the clamor ratio")
    assert evaluate(parse_query('"flag clamor"~2'), w) == [(1, 5)]
    assert evaluate(parse_query('"flag clamor"~1'), w) is None
    # any order
    assert evaluate(parse_query('"clamor flag"~3'), w)


def test_pps_csv_export(tmp_path):
    p = tmp_path / "pps.csv"
    p.write_text(
        'Tortured phrase,Expected phrase,Occurrences\n'
        '"""fake neural organization""",artificial neural network,12\n'
        '"""counterfeit consciousness"" OR ""man-made consciousness""",artificial intelligence,40\n'
        '"""opening service"" NOT ""church""",opening ceremony,3\n'
        '"""flag clamor""~1",signal to noise,5\n'
    )
    fl = PhraseCatalogue.load(p)
    assert len(fl) == 4
    flags = fl.flags(Document(TEXT))
    got = {f.text: f.suggestion for f in flags}
    assert got == {
        "fake neural organization": "artificial neural network",
        "counterfeit consciousness": "artificial intelligence",
        "flag to clamor": "signal to noise",
    }
    assert all(f.kind == "fingerprint" and TEXT[f.start : f.end] == f.text for f in flags)


def test_tsv_and_errors(tmp_path):
    p = tmp_path / "list.tsv"
    p.write_text("# my list\ntortured\texpected\nFake Neural Organization\tartificial neural network\n")
    flags = PhraseCatalogue.load(p).flags(Document(TEXT))
    assert [(f.text, f.suggestion) for f in flags] == [("fake neural organization", "artificial neural network")]
    bad = tmp_path / "bad.csv"
    bad.write_text('Tortured phrase,Expected phrase\n"""unclosed"" AND (",x\n')
    with pytest.raises(InputError, match="line 2"):
        PhraseCatalogue.load(bad)


def test_cli_fingerprints(tmp_path):
    import json

    fp = tmp_path / "pps.csv"
    fp.write_text('Tortured phrase,Expected phrase\n"""fake neural organization""",artificial neural network\n')
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT)
    r = CliRunner().invoke(app, ["check", str(doc), "--json", "--fingerprints", str(fp)])
    assert r.exit_code == 0, r.stderr
    flags = [f for f in json.loads(r.stdout)["flags"] if f["kind"] == "fingerprint"]
    assert len(flags) == 1
    assert {"start": 13, "end": 37, "text": "fake neural organization", "suggestion": "artificial neural network",
            "confidence": 0.99, "kind": "fingerprint"} == {k: flags[0][k] for k in ("start", "end", "text", "suggestion", "confidence", "kind")}
    r = CliRunner().invoke(app, ["check", str(doc), "--fingerprints", str(tmp_path / "nope.csv")])
    assert r.exit_code == 2 and "nope.csv" in r.stderr


def test_old_names_still_work(tmp_path):
    from unspin.detect import fingerprints as old

    assert old.FingerprintList is PhraseCatalogue and old.parse_query is parse_query
    p = tmp_path / "list.tsv"
    p.write_text("fake neural organization\tartificial neural network\n")
    cat = PhraseCatalogue.load(p)
    import pytest

    from unspin.api import check

    with pytest.raises(TypeError, match="not both"):
        check("text", catalogue=cat, fingerprints=cat)
