"""Mutation check: break unspin the ways users would meet, and confirm the test suite notices.

Each mutation below is applied to a temporary copy of the tree (the working tree is never
touched); the tests that must catch it are run there, and the mutation is *caught* when they fail.
A mutation that survives is a hole in the suite. Not part of ``make test`` (it runs the tests once
per mutation); run it after changing tests or the code a mutation touches::

    python -m devkit.mutation_check              # every mutation, each against the tests named for it
    python -m devkit.mutation_check --full       # each against the whole suite instead (slow)
    python -m devkit.mutation_check flag-nothing web-import-bug   # some of them
    python -m devkit.mutation_check --list       # what each one does; whether it still applies

Every named test selection of a mutation must fail on it (so the table shows which tests catch
what), after the same selections passed on the unmutated copy (the baseline; ``--no-baseline``
skips it). A mutation whose anchor text is no longer in the code says so instead of running:
update its `Edit` here (``tests/test_suite_rules.py`` checks that every anchor still applies).
Exit status 0 when every mutation was caught, 1 when one survived or no longer applies.

The list follows issue 19: the shipped models (deleted, a feature renamed), resume (recomputing
every partition, duplicate rows), search (unrelated documents returned), detection (flag every
word, flag nothing, a constant score), escaping (terminal and HTML), and an import error in
unspin's own web package (which must fail the suite, not skip it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (which must occur exactly once) by ``new`` in ``path``; ``old=None``: delete the file."""

    path: str
    old: str | None = None
    new: str = ""


@dataclass(frozen=True)
class Mutation:
    name: str
    #: What a user would meet.
    what: str
    edits: tuple[Edit, ...]
    #: pytest selections (files or node ids, with optional ``-k`` expressions), each of which must fail.
    catchers: tuple[tuple[str, ...], ...]


E2E = ("tests/test_end_to_end.py",)
INGEST_E2E = ("tests/test_ingest_cli.py::test_check_with_the_real_detector",)
BROWSER = ("tests/test_web_browser.py",)
PIPELINE = "src/unspin/detect/pipeline.py"

MUTATIONS: tuple[Mutation, ...] = (
    *(
        Mutation(f"{stem}-deleted", f"src/unspin/data/{stem}.json missing: the code would fall back to a default",
                 (Edit(f"src/unspin/data/{stem}.json"),), (("tests/test_models.py",),))
        for stem in ("token_model", "restore_model", "phrase_model", "doc_model")
    ),
    Mutation("phrase-feature-renamed", "the phrase model reads 'cohesion', the code now computes it under another name (read as 0)",
             (Edit("src/unspin/detect/phrases.py", '"cohesion": cohesion,', '"cohesion_ratio": cohesion,'),), (("tests/test_models.py",),)),
    Mutation("restore-feature-renamed", "the restore model reads 'in_doc', the code now computes it under another name (read as 0)",
             (Edit("src/unspin/detect/_evidence.py", '"in_doc": math.log2(1 + counts.get(w, 0)),', '"in_document": math.log2(1 + counts.get(w, 0)),'),),
             (("tests/test_models.py",),)),
    Mutation("flag-every-word", "every word of every document flagged",
             (Edit(PIPELINE, 'by_kind: dict[str, list[Flag]] = {"spin": detector.spin_flags(prepared, decisions)}',
                   'by_kind: dict[str, list[Flag]] = {"spin": [Flag(t.start, t.end, t.text, None, 0.9) for t in prepared.tokens '
                   'if t.kind.value == "word"]}'),),
             (E2E, INGEST_E2E, BROWSER)),
    Mutation("flag-nothing", "no flag in any report (score and verdict unchanged)",
             (Edit(PIPELINE, "    cut = prepared.warning()\n", "    flags = []\n    cut = prepared.warning()\n"),),
             (E2E, INGEST_E2E, BROWSER)),
    Mutation("constant-score-high", "every document scored 0.9 (judged spun)",
             (Edit("src/unspin/detect/score.py", "    score = probability(feats, model)\n", "    score = 0.9\n"),),
             (E2E, ("tests/test_cli.py",), INGEST_E2E)),
    Mutation("constant-score-low", "every document scored 0.05 (judged clean unless a source is found)",
             (Edit("src/unspin/detect/score.py", "    score = probability(feats, model)\n", "    score = 0.05\n"),),
             (E2E, INGEST_E2E)),  # not the browser's: its index finds the source, which sets a floor under the score
    Mutation("resume-recomputes-everything", "a resumed scan does every partition again",
             (Edit("src/unspin/scan/runner.py", "todo = [p for p in plan.partitions if p.pid not in manifest.done]",
                   "todo = list(plan.partitions)"),),
             (("tests/test_scan.py::test_scan_on_local_cluster_rows_clusters_and_resume",),)),
    Mutation("resume-duplicates-rows", "a resumed scan writes every partition again beside the finished ones",
             (Edit("src/unspin/scan/runner.py", "todo = [p for p in plan.partitions if p.pid not in manifest.done]",
                   'todo = [__import__("dataclasses").replace(p, pid=p.pid + len(plan.partitions)) if p.pid in manifest.done else p '
                   "for p in plan.partitions]"),),
             (("tests/test_scan.py::test_scan_on_local_cluster_rows_clusters_and_resume",),)),
    Mutation("search-returns-unrelated", "search returns every indexed document, unverified (the in-memory index the web tests use)",
             (Edit("src/unspin/index/storage.py", "        return c.most_common(limit)\n",
                   "        return [(d, 10**6) for d in self._docs][:limit]\n"),
              Edit("src/unspin/index/sources.py", "            if al.score < options.min_score or not al.pairs:\n",
                   "            if False:\n")),
             (("tests/test_web_api.py", "-k", "search"),)),
    Mutation("search-ranks-worst-first", "search returns its verified sources worst first",
             (Edit("src/unspin/index/sources.py", "matches.sort(key=lambda m: -m.score)", "matches.sort(key=lambda m: m.score)"),),
             (("tests/test_end_to_end.py", "-k", "search"),)),
    # the readers already replace control characters in texts and ids, so only input that reaches
    # the CLI another way (a report built by a library caller, file names, learn's pairs) shows this
    Mutation("terminal-escapes-off", "escape sequences from input reach the terminal",
             (Edit("src/unspin/cli/common.py", "    return _UNSAFE.sub(_replace, text)\n", "    return text\n"),
              Edit("src/unspin/cli/common.py", "    return _UNSAFE_LINE.sub(_replace, text)\n", "    return text\n")),
             (("tests/test_cli.py", "-k", "escape or sanitises"), ("tests/test_hostile.py", "-k", "escape"))),
    Mutation("html-escaping-off", "article text inserted into the report page as markup",
             (Edit("src/unspin/web/routes/pages.py", "autoescape=True", "autoescape=False"),),
             (("tests/test_web_api.py", "-k", "escape"), ("tests/test_web_browser.py", "-k", "markup"))),
    Mutation("web-import-bug", "unspin.web does not import (the web tests must fail, not skip)",
             (Edit("src/unspin/web/app.py", "\nimport logging\n", '\nraise ImportError("mutation check: a broken import")\nimport logging\n'),),
             (("tests/test_web_api.py",), BROWSER)),
)


def problems(root: Path = ROOT, mutations: tuple[Mutation, ...] = MUTATIONS) -> list[str]:
    """Mutations that no longer apply to the tree at ``root`` (a file gone, an anchor not found once)."""
    out = []
    for m in mutations:
        for e in m.edits:
            p = root / e.path
            if not p.is_file():
                out.append(f"{m.name}: {e.path} is gone")
            elif e.old is not None and (n := p.read_text(encoding="utf-8").count(e.old)) != 1:
                out.append(f"{m.name}: {e.path} holds the anchor {e.old!r} {n} times (want once)")
        for sel in m.catchers:
            if not (root / sel[0].split("::")[0]).is_file():
                out.append(f"{m.name}: no test file {sel[0]}")
    return out


def apply(root: Path, m: Mutation) -> None:
    for e in m.edits:
        p = root / e.path
        if e.old is None:
            p.unlink()
            continue
        text = p.read_text(encoding="utf-8")
        if text.count(e.old) != 1:
            raise SystemExit(f"{m.name}: the anchor {e.old!r} is not in {e.path} once; update devkit/mutation_check.py")
        p.write_text(text.replace(e.old, e.new), encoding="utf-8")


def copy_tree(dest: Path) -> None:
    """The working tree as git sees it (tracked files and untracked ones not ignored), into ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def run_pytest(root: Path, selection: tuple[str, ...], timeout: float) -> tuple[int, float, str]:
    """(pytest's exit status, seconds, the first failure line) for ``selection`` run in ``root``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "src"), str(root)]), COLUMNS="200")
    env.pop("UNSPIN_NO_SKIPS", None)  # a skip must not count as a catch: only failures do
    t0 = time.monotonic()
    try:
        res = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *selection],
                             cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, time.monotonic() - t0, f"timed out after {timeout:.0f} s"
    lines = (res.stdout + res.stderr).splitlines()
    first = next((ln for ln in lines if ln.startswith(("FAILED", "ERROR"))), lines[-1] if lines else "")
    return res.returncode, time.monotonic() - t0, first


def caught(rc: int) -> bool:
    """Tests failed (1) or could not be collected (2): the suite noticed. 0 passed, 5 none ran."""
    return rc in (1, 2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m devkit.mutation_check", description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="mutations to run (default: all)")
    ap.add_argument("--full", action="store_true", help="run the whole suite per mutation instead of its named tests")
    ap.add_argument("--list", action="store_true", help="list the mutations and whether each still applies")
    ap.add_argument("--no-baseline", action="store_true", help="do not first run the selections on the unmutated copy")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per pytest run (default 1800)")
    args = ap.parse_args(argv)

    known = {m.name: m for m in MUTATIONS}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        ap.error(f"no mutation {', '.join(unknown)} (see --list)")
    chosen = tuple(known[n] for n in args.names) if args.names else MUTATIONS
    stale = problems(ROOT, chosen)
    if args.list:
        for m in chosen:
            print(f"{m.name:30} {m.what}\n{'':30} caught by: {'; '.join(' '.join(s) for s in m.catchers)}")
        print("\n".join(stale) if stale else "every mutation applies to this tree")
        return 1 if stale else 0
    if stale:
        print("these mutations no longer apply (update devkit/mutation_check.py):\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1

    selections = {m.name: [("tests",)] if args.full else list(m.catchers) for m in chosen}
    failed = 0
    with tempfile.TemporaryDirectory(prefix="unspin-mutation-") as tmp:
        base = Path(tmp) / "base"
        copy_tree(base)
        probe = subprocess.run([sys.executable, "-c", "import unspin; print(unspin.__file__)"], cwd=base, capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=str(base / "src")))
        if not probe.stdout.startswith(str(base)):
            print(f"the copy does not import its own unspin ({probe.stdout.strip() or probe.stderr.strip()})", file=sys.stderr)
            return 1
        if not args.no_baseline:
            for sel in sorted({s for v in selections.values() for s in v}):
                rc, secs, first = run_pytest(base, sel, args.timeout)
                print(f"baseline  {' '.join(sel):70} {'passes' if rc == 0 else 'FAILS'} ({secs:.0f} s)", flush=True)
                if rc != 0:
                    print(f"the unmutated tree fails {' '.join(sel)}: {first}", file=sys.stderr)
                    return 1
        for m in chosen:
            work = Path(tmp) / m.name
            shutil.copytree(base, work)
            apply(work, m)
            for sel in selections[m.name]:
                rc, secs, first = run_pytest(work, sel, args.timeout)
                ok = caught(rc)
                failed += not ok
                verdict = "caught" if ok else ("SURVIVED" if rc in (0, 5) else f"ERROR (pytest exit {rc})")
                print(f"{m.name:30} {' '.join(sel):70} {verdict} ({secs:.0f} s){': ' + first[:160] if ok else ''}", flush=True)
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(chosen)} mutations: {'all caught' if not failed else f'{failed} test selections did not catch theirs'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
