"""Debian's chromium for the browser tests, driven by Playwright (never Playwright's own downloads)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("UNSPIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def launch() -> Iterator[Any]:
    """Yield a started headless browser (closed afterwards): the body of a ``browser`` fixture.
    Skips, saying why, when chromium is missing or will not start."""
    import playwright.sync_api as playwright_api

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no browser at {CHROMIUM}: install Debian's chromium (make test does, as root with apt-get) to run the browser tests")
    with playwright_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        except playwright_api.Error as exc:
            pytest.skip(f"chromium at {CHROMIUM} could not be started: {str(exc).splitlines()[0]}")
        yield b
        b.close()
