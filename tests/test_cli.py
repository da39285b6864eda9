import json

from typer.testing import CliRunner

from unspin import __version__
from unspin.cli import app

runner = CliRunner()

ARTICLE = (
    "The government announced new measures on Tuesday to help small businesses cope with rising "
    "energy prices. Ministers said the scheme would cost about 2bn pounds over two years and would be "
    "paid for by higher taxes on large companies. Opposition leaders welcomed the plan but said it came "
    "too late for many firms that had already closed.\n"
)


def invoke(args, **kw):
    return runner.invoke(app, args, **kw)


def test_version():
    r = invoke(["--version"])
    assert r.exit_code == 0 and __version__ in r.stdout


def test_help_explains_commands():
    r = invoke(["check", "--help"])
    assert r.exit_code == 0 and "--jsonl" in r.stdout and "--json" in r.stdout


def test_check_json_text_is_exact_file_content(tmp_path):
    p = tmp_path / "a.txt"
    raw = "Caf\u00e9 \u201cquotes\u201d\u00a0and CRLF\r\n" + ARTICLE
    p.write_bytes(raw.encode("utf-8"))
    r = invoke(["check", str(p), "--json"])
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["text"] == raw
    assert d["id"] == "a.txt" and d["source"] == str(p)
    assert d["verdict"] == "clean" and 0 <= d["spin_score"] < 0.5  # a clean news article (the spun ones: test_end_to_end)
    for f in d["flags"]:
        assert raw[f["start"] : f["end"]] == f["text"]


def test_human_report(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE)
    r = invoke(["check", str(p)])
    assert r.exit_code == 0
    assert "verdict: CLEAN" in r.stdout and "a.txt" in r.stdout


def test_jsonl_stdin_and_bad_lines():
    lines = "\n".join([
        json.dumps({"id": "one", "text": ARTICLE}),
        "{not json",
        json.dumps({"id": "two"}),
        json.dumps({"id": 3, "text": ARTICLE}),
    ]) + "\n"
    r = invoke(["check", "--jsonl", "-"], input=lines)
    assert r.exit_code == 1  # some lines failed
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [d["id"] for d in out] == ["one", "3"]
    assert "line 2" in r.stderr and "line 3" in r.stderr


def test_bad_inputs_each_reported_and_batch_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(("Caf\u00e9 " + ARTICLE).encode("latin-1"))
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.seek(50 * 1024 * 1024)
        fh.write(b"x")
    missing = tmp_path / "missing.txt"
    emptydir = tmp_path / "emptydir"
    emptydir.mkdir()
    args = ["check", "--json", str(empty), str(binary), str(big), str(emptydir), str(missing), str(latin), str(good)]
    r = invoke(args)
    assert r.exit_code == 1
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [d["id"] for d in out] == ["latin.txt", "good.txt"]
    # not UTF-8: decoded with the detected charset and said so
    assert out[0]["text"].startswith("Caf\u00e9 ") and any("UTF-8" in w for w in out[0]["warnings"])
    err = r.stderr
    for name, why in [("empty.txt", "empty"), ("bin.txt", "binary"), ("big.txt", "limit"),
                      ("emptydir", "no files to read"), ("missing.txt", "no such file")]:
        assert any(name in line and why in line for line in err.splitlines()), (name, err)


def test_no_input_is_usage_error():
    r = invoke(["check"])
    assert r.exit_code == 2


def test_min_confidence_filters_flags_but_not_the_score(tmp_path):
    from test_detect import SPUN

    f = tmp_path / "spun.txt"
    f.write_text(SPUN, encoding="utf-8")
    full = json.loads(invoke(["check", "--json", str(f)]).stdout)
    res = invoke(["check", "--json", "--min-confidence", "0.9", str(f)])
    assert res.exit_code == 0, res.output
    strict = json.loads(res.stdout)
    assert strict["spin_score"] == full["spin_score"] and strict["verdict"] == full["verdict"]
    assert all(fl["confidence"] >= 0.9 for fl in strict["flags"])
    assert 0 < len(strict["flags"]) < len(full["flags"])
    assert f"{len(strict['flags'])} shown at confidence ≥ 0.9" in strict["explanation"]
    assert invoke(["check", "--min-confidence", "1.5", str(f)]).exit_code == 2


def test_every_command_registered():
    r = invoke(["--help"])
    assert r.exit_code == 0
    for name in ("check", "index", "search", "scan", "serve"):
        assert name in r.stdout
    assert all(w in invoke(["index", "--help"]).stdout for w in ("add", "remove", "stats"))


def test_command_modules_import_alone_without_a_loop():
    # each command module imports on its own, before the app, in a fresh interpreter
    import subprocess
    import sys

    for mod in ("check", "index", "search", "scan", "serve", "common"):
        r = subprocess.run([sys.executable, "-c", f"import unspin.cli.{mod}"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "unspin.cli", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and __version__ in r.stdout


ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\r\x08"


def test_human_output_never_passes_terminal_escapes_from_input(tmp_path):
    # file name, document text, JSONL id: every piece of input shown in the human report
    named = tmp_path / ("evil\x1b[2Jname.txt")
    named.write_text(ESCAPES + ARTICLE + ESCAPES, encoding="utf-8")
    lines = tmp_path / "docs.jsonl"
    lines.write_text(json.dumps({"id": "id" + ESCAPES, "text": ARTICLE + ESCAPES}) + "\n" + '{"id": "bad\x1b]0;x\x07", "text": 5}\n', encoding="utf-8")
    r = invoke(["check", str(named), str(lines)])
    assert r.exit_code == 1  # the second JSONL line has no text
    assert "verdict:" in r.stdout and "line 2" in r.stderr
    for stream in (r.stdout, r.stderr):
        assert not any(c in stream for c in "\x1b\x07\r\x08"), repr(stream[:300])


def test_renderer_sanitises_a_report_built_by_a_library_caller():
    import io

    from rich.console import Console

    from unspin.cli.check import render_report
    from unspin.model import Document, Flag, Report

    text = "Hello \x1b[2J world\x1b]0;x\x07 and \ud800 more."
    flag = Flag(start=6, end=10, text=text[6:10], suggestion="bad\x1bsuggestion", confidence=0.9, kind="spin")
    report = Report(document=Document(text=text, id="id\x1b[31m", source="src\r\x1b"), spin_score=0.5, verdict="uncertain",
                    flags=(flag,), explanation="why \x1b[2J", words=5, warnings=("warn \x1b[2J",))
    buf = io.StringIO()
    render_report(report, Console(file=buf, width=120, force_terminal=False, color_system=None))
    shown = buf.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown and "\ud800" not in shown
    assert "world" in shown and "\ufffd" in shown and "[2J" in shown  # neutralised, still visible


def test_safe_text_keeps_offsets():
    from unspin.cli.common import safe_line, safe_text

    s = "a\tb\nc\x1bd\x9be\r\nf\ud800"
    assert len(safe_text(s)) == len(s) and safe_text(s) == "a\tb\nc d e \nf\ufffd"
    assert safe_line(s) == "a b c d e  f\ufffd"
