"""Shared fixtures, and the rule on skips.

A test may skip only for an optional part of the system that is not there (Debian's chromium for
the browser tests, the WordNet database, setpriv when running as root), and
says why: ``-ra`` (pyproject.toml) prints every skip with its reason at the end of the run.
unspin's own modules and the test extra's packages are imported outright, so an import error is a
failure, never a skip.

With ``UNSPIN_NO_SKIPS=1`` (``make test`` sets it when ``CI`` is set, after installing those parts)
a skip is a failure: in CI nothing may skip. Expected failures (xfail) are not skips.
"""

from __future__ import annotations

import os

import pytest

NO_SKIPS = os.environ.get("UNSPIN_NO_SKIPS", "") not in ("", "0")


def _reason(longrepr: object) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    report.outcome = "failed"
    report.longrepr = f"skipped, but UNSPIN_NO_SKIPS=1 (CI) allows no skip: {_reason(report.longrepr)}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if NO_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        _fail_skip(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if NO_SKIPS and report.skipped:
        _fail_skip(report)


@pytest.fixture(scope="session")
def detector():
    from unspin.api import get_detector

    return get_detector()
