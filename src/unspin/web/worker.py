"""What runs inside a worker process of `unspin serve`: one `Checker` per process, loaded once.

`init` is the process's initializer (`unspin.web.pool.ProcessBackend` calls it when the process
starts, and again in the fresh process that replaces one stopped at the time limit); `check` and
`search` are the jobs, module-level functions so that they pickle by name.
"""

from __future__ import annotations

from unspin.model import Match, Report
from unspin.web.inputs import RawInput
from unspin.web.service import Checker, run_check, run_screen, run_search
from unspin.web.settings import Settings

_CHECKER: Checker | None = None


def init(settings: Settings, index_path: str | None) -> None:
    """Load the detector, the lexicons and the index of this worker."""
    global _CHECKER
    _CHECKER = Checker.load(settings, index_path)


def _checker() -> Checker:
    if _CHECKER is None:
        raise RuntimeError("worker process not initialised")
    return _CHECKER


def check(raw: RawInput, k: int = 1) -> tuple[Report, list[Match]]:
    return run_check(_checker(), raw, k)


def search(raw: RawInput, k: int) -> list[Match]:
    return run_search(_checker(), raw, k)


def screen(raw: RawInput, spot: bool = False) -> Report:
    return run_screen(_checker(), raw, spot)
