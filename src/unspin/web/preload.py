"""Imported once by the worker processes' fork server (`unspin.web.pool.ProcessBackend`): the detector
loaded and warmed up there, so that every worker process forked from it starts with it in memory.

A fresh worker (at startup, or replacing one killed at the time limit) is then ready in milliseconds
instead of the detector's load time, and the workers share the detector's pages until they write to
them. If loading fails here, each worker loads the detector itself (and reports the error).
"""

from __future__ import annotations

import logging

try:
    from unspin.api import check, get_detector

    check("The minister said on Tuesday that the plan would go ahead.", detector=get_detector())
except Exception:
    logging.getLogger("unspin.web").exception("the fork server could not preload the detector")
