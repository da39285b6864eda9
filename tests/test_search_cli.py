import json

from typer.testing import CliRunner

from search_samples import ARTICLES, HARBOUR_SWAPS, UNRELATED, spin
from unspin.api import check
from unspin.cli import app
from unspin.index import SourceIndex
from unspin.model import Document, SearchResult
from unspin.search import search

runner = CliRunner()


def build(tmp_path):
    src = tmp_path / "sources.jsonl"
    with src.open("w") as f:
        for key, (title, body) in ARTICLES.items():
            f.write(json.dumps({"id": key, "text": body, "title": title, "url": f"https://example.org/{key}"}) + "\n")
    path = tmp_path / "ix.db"
    r = runner.invoke(app, ["index", "add", str(path), "--jsonl", str(src)])
    assert r.exit_code == 0, r.output
    return path


def test_index_add_stats_remove(tmp_path):
    path = build(tmp_path)
    r = runner.invoke(app, ["index", "stats", str(path), "--json"])
    s = json.loads(r.stdout)
    assert s["documents"] == 3 and s["backend"] == "sqlite" and s["bytes_per_document"] > 0
    # Again: nothing changes; a plain file is added under its file name.
    f = tmp_path / "unrelated.txt"
    f.write_text(UNRELATED)
    r = runner.invoke(app, ["index", "add", str(path), str(f), "--jsonl", str(tmp_path / "sources.jsonl")])
    assert r.exit_code == 0 and "added 1, replaced 0, unchanged 3" in r.output
    r = runner.invoke(app, ["index", "remove", str(path), "unrelated.txt", "orchestra"])
    assert r.exit_code == 0
    with SourceIndex.open(path) as ix:
        assert len(ix) == 2 and ix.get("orchestra") is None
    assert runner.invoke(app, ["index", "remove", str(path), "nope"]).exit_code == 1
    assert runner.invoke(app, ["index", "stats", str(tmp_path / "missing.db")]).exit_code == 2


def test_search_json_shape(tmp_path):
    path = build(tmp_path)
    copy, swaps = spin(ARTICLES["harbour"][1], HARBOUR_SWAPS)
    f = tmp_path / "copy.txt"
    f.write_text(copy)
    r = runner.invoke(app, ["search", str(path), str(f), "--json", "--top", "2"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out) == {"id", "matches"} and out["id"] == "copy.txt"
    m = out["matches"][0]
    assert {"id", "score", "coverage", "pairs", "substitutions"} <= set(m)
    assert m["id"] == "harbour" and m["title"] == "Harbour Bridge repairs" and 0 < m["score"] <= 1
    assert set(m["pairs"][0]) == {"copy_start", "copy_end", "source_start", "source_end"}
    assert set(m["substitutions"][0]) == {"copy_start", "copy_end", "copy_text", "source_text"}
    assert [(s["copy_text"], s["source_text"]) for s in m["substitutions"]] == swaps
    assert SearchResult.from_dict(out).to_dict() == out


def test_search_jsonl_and_partial_copy(tmp_path):
    path = build(tmp_path)
    copy, _ = spin(ARTICLES["harbour"][1], HARBOUR_SWAPS)
    third = len(copy) // 3
    page = UNRELATED + "\n\n" + copy[third : 2 * third] + "\n\n" + UNRELATED.replace("orchid", "lily")
    q = tmp_path / "q.jsonl"
    q.write_text(json.dumps({"id": "page", "text": page}) + "\n" + json.dumps({"id": "none", "text": UNRELATED}) + "\n")
    r = runner.invoke(app, ["search", str(path), "--jsonl", str(q)])
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["page", "none"]
    assert lines[0]["matches"][0]["id"] == "harbour" and lines[1]["matches"] == []


def test_search_human_output(tmp_path):
    path = build(tmp_path)
    f = tmp_path / "copy.txt"
    f.write_text(spin(ARTICLES["orchestra"][1], [("famous", "renowned"), ("excited", "thrilled")])[0])
    r = runner.invoke(app, ["search", str(path), str(f)])
    assert r.exit_code == 0 and "Orchestra tour" in r.stdout and "renowned" in r.stdout and "famous" in r.stdout


def test_check_with_index_restores_from_source(tmp_path, detector):
    path = build(tmp_path)
    copy, swaps = spin(ARTICLES["harbour"][1], HARBOUR_SWAPS)
    report = check(Document(copy), detector=detector, index=path)
    src = [(f.text, f.suggestion) for f in report.flags if f.kind == "source"]
    assert src == swaps
    assert report.verdict == "spun"
    f = tmp_path / "copy.txt"
    f.write_text(copy)
    r = runner.invoke(app, ["check", str(f), "--index", str(path), "--json", "--no-language-check"])
    flags = json.loads(r.stdout)["flags"]
    assert {(x["text"], x["suggestion"]) for x in flags if x["kind"] == "source"} == set(swaps)


def test_library_search_in_memory():
    ix = SourceIndex.open()
    for key, (title, body) in ARTICLES.items():
        ix.add(Document(body, id=key, metadata={"title": title}))
    res = search(spin(ARTICLES["drought"][1], [("urgent", "pressing")])[0], ix)
    assert res.matches[0].id == "drought" and res.matches[0].substitutions[0].source_text == "urgent"


def test_side_by_side_never_passes_terminal_escapes():
    import io

    from rich.console import Console

    from unspin.cli.search import render_search

    key = "harbour"
    _title, body = ARTICLES[key]
    copy, _ = spin(body, HARBOUR_SWAPS)
    ix = SourceIndex.open(None)
    ix.add(Document(text=body, id=key))
    found = search(Document(text=copy, id="copy"), ix, top=1)
    assert found.matches
    from dataclasses import replace

    evil = "\x1b]0;pwned\x07\x1b[2J"
    m = replace(found.matches[0], id=key + evil, title="Title" + evil, source_text=evil + found.matches[0].source_text)
    result = SearchResult(id="copy" + evil, matches=(m,), document=Document(text=copy, id="copy"))
    buf = io.StringIO()
    render_search(result, Console(file=buf, width=160, color_system=None))
    shown = buf.getvalue()
    assert "Title" in shown and "\x1b" not in shown and "\x07" not in shown
