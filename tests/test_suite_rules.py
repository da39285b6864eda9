"""The suite's own rules (issue 19), checked cheaply on every run:

- the mutation check (`devkit.mutation_check`, run by hand) still applies to the code: a refactor
  that moves a mutation's anchor fails here, naming the mutation to update;
- the end-to-end judge rejects the broken detectors it is there to catch (every word flagged,
  nothing flagged, a constant verdict) and accepts the true answer;
- no test imports unspin's own modules behind a skip or an ``except ImportError``;
- with ``UNSPIN_NO_SKIPS=1`` (CI) a skip is a failure, an expected failure is not.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devkit.mutation_check import MUTATIONS, problems
from e2e_samples import GOLD, SPUN, assert_clean_report, assert_spun_report, judge

TESTS = Path(__file__).resolve().parent


def test_every_mutation_still_applies() -> None:
    assert problems() == [], "update devkit/mutation_check.py for the code that moved"
    assert len({m.name for m in MUTATIONS}) == len(MUTATIONS)


def _report(flags: list[dict], verdict: str = "spun") -> dict:
    return {"verdict": verdict, "spin_score": 0.9 if verdict == "spun" else 0.1, "flags": flags}


def _flag(m: re.Match[str], suggestion: str | None = None) -> dict:
    return {"start": m.start(), "end": m.end(), "text": m.group(), "suggestion": suggestion}


def test_the_judge_rejects_broken_detectors_and_accepts_the_answer() -> None:
    words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*", SPUN))
    every = [_flag(m) for m in words]
    with pytest.raises(AssertionError, match="left alone"):
        assert_spun_report(_report(every))
    with pytest.raises(AssertionError, match="swaps flagged"):
        assert_spun_report(_report([]))
    with pytest.raises(AssertionError):
        assert_spun_report(_report([], verdict="clean"))
    with pytest.raises(AssertionError):
        assert_clean_report(_report([], verdict="spun"))
    truth = [_flag(m, GOLD[m.start()][1]) for m in words if m.start() in GOLD]
    j = assert_spun_report(_report(truth))
    assert (j.flagged, j.swaps_found, j.restored, j.off_swaps) == (24, 24, 24, [])
    # a detector no better than chance: a fixed share of words, spread evenly
    spread = [_flag(m) for i, m in enumerate(words) if i % 3 == 0]
    assert judge(spread, GOLD).precision < 0.5


def test_no_test_imports_unspin_behind_a_skip() -> None:
    hidden = re.compile(r"importorskip\(\s*['\"]unspin|except\s*\(?\s*(ImportError|ModuleNotFoundError)")
    offenders = [f"{p.name}:{n}" for p in sorted(TESTS.glob("*.py")) if p.name != Path(__file__).name for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if hidden.search(line)]
    assert offenders == [], "import unspin's modules outright: an import error must fail the suite, not skip it"


def test_with_no_skips_a_skip_fails_and_an_xfail_does_not(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text((TESTS / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_demo.py").write_text(
        "import pytest\n"
        "def test_skips():\n    pytest.skip('no chromium here')\n"
        "@pytest.mark.xfail(strict=True, reason='known')\ndef test_xfails():\n    assert False\n"
        "def test_passes():\n    pass\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "UNSPIN_NO_SKIPS"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-ra", "-p", "no:cacheprovider", str(tmp_path)]
    lax = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert lax.returncode == 0 and "1 passed, 1 skipped, 1 xfailed" in lax.stdout, lax.stdout[-800:]
    assert "SKIPPED [1]" in lax.stdout and "no chromium here" in lax.stdout  # -ra: every skip with its reason
    strict = subprocess.run(cmd, cwd=tmp_path, env={**env, "UNSPIN_NO_SKIPS": "1"}, capture_output=True, text=True, timeout=120)
    assert strict.returncode == 1 and "1 failed, 1 passed, 1 xfailed" in strict.stdout, strict.stdout[-800:]
    assert "allows no skip: no chromium here" in strict.stdout
