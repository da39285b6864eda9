"""Settings of the web service: one frozen object, from the command line or ``UNSPIN_*`` variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Largest request body (bytes): a long article in HTML is well under a megabyte.
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
#: Seconds one check may take before the client gets 504.
DEFAULT_TIMEOUT_S = 30.0
#: Checks waiting for a worker before new ones are answered 503.
DEFAULT_QUEUE_SIZE = 32
#: Open connections; one more is answered 503 and closed.
DEFAULT_MAX_CONNECTIONS = 256
#: Seconds a client has to send a complete request head (slow or stalled clients are closed).
DEFAULT_HEADER_TIMEOUT_S = 10.0
#: Seconds a client has to send a whole request body (408 beyond it).
DEFAULT_BODY_TIMEOUT_S = 30.0
#: Shortest bearer token accepted for the index write endpoints.
MIN_TOKEN_CHARS = 16


def default_workers() -> int:
    """Workers: one per CPU, at most 8 (the detector is CPU-bound: more only queue, and each worker
    process holds its own detector, ~0.4-0.6 GB)."""
    return max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    """How `unspin serve` runs: index, write token, limits, pool size, CORS."""

    #: Path of the source index searched by /v1/search and the side-by-side view; None: no index.
    index_path: str | None = None
    #: Bearer token for POST/DELETE /v1/index/documents; None: write endpoints disabled (403).
    token: str | None = field(default=None, repr=False)
    #: Largest request body in bytes (413 beyond it).
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: Seconds one request's detector work may take (504 beyond it).
    timeout_s: float = DEFAULT_TIMEOUT_S
    #: Workers running the detector: processes (``processes``) or threads.
    workers: int = field(default_factory=default_workers)
    #: True: checks run in ``workers`` worker processes, each loading the detector once, so requests
    #: per second grow with the cores (what `unspin serve` does); False: in threads of this process,
    #: which share one core (the default when the app is embedded: tests, an in-memory index).
    processes: bool = False
    #: Checks that may wait for a worker; one more is answered 503 with Retry-After.
    queue_size: int = DEFAULT_QUEUE_SIZE
    #: Origins allowed by CORS; empty (the default): no CORS headers at all.
    cors_origins: tuple[str, ...] = ()
    #: Open connections at once; one more gets 503 at once and is closed (`unspin.web.server`).
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    #: Seconds from connecting (or from the previous response) to a complete request head.
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S
    #: Seconds from the first byte of a request body to its last (408 beyond it).
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S
    #: Seconds a client is told to wait (Retry-After) when the queue is full.
    retry_after_s: int = 1
    #: Spinner lexicon files (unspin learn) whose swaps every check flags too (kind "lexicon").
    lexicons: tuple[str, ...] = ()
    #: A finished ``unspin scan`` folder whose report is served at /scan; None: no /scan page.
    scan_dir: str | None = None

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1024:
            raise ValueError(f"max_body_bytes must be at least 1024, not {self.max_body_bytes}")
        if not self.timeout_s > 0:
            raise ValueError(f"timeout_s must be positive, not {self.timeout_s}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")
        if self.max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, not {self.max_connections}")
        if not (self.header_timeout_s > 0 and self.body_timeout_s > 0):
            raise ValueError("header and body timeouts must be positive")
        if self.queue_size < 0:
            raise ValueError(f"queue_size must be >= 0, not {self.queue_size}")
        if self.token is not None and len(self.token) < MIN_TOKEN_CHARS:
            raise ValueError(f"the index write token must be at least {MIN_TOKEN_CHARS} characters")
        if "*" in self.cors_origins and len(self.cors_origins) > 1:
            raise ValueError("CORS origin '*' cannot be combined with other origins")

    @property
    def writes_enabled(self) -> bool:
        """True when a token is configured, so the index write endpoints accept requests."""
        return self.token is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``UNSPIN_INDEX``, ``UNSPIN_TOKEN``, ``UNSPIN_MAX_BODY_BYTES``, ``UNSPIN_TIMEOUT``,
        ``UNSPIN_WORKERS``, ``UNSPIN_QUEUE_SIZE``, ``UNSPIN_MAX_CONNECTIONS``, ``UNSPIN_HEADER_TIMEOUT``,
        ``UNSPIN_BODY_TIMEOUT``, ``UNSPIN_PROCESSES`` (0 or 1), ``UNSPIN_LEXICONS`` and ``UNSPIN_CORS_ORIGINS`` (comma-separated);
        keyword overrides that are not None win."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if env.get("UNSPIN_INDEX"):
            values["index_path"] = env["UNSPIN_INDEX"]
        if env.get("UNSPIN_TOKEN"):
            values["token"] = env["UNSPIN_TOKEN"]
        for key, name, conv in (
            ("UNSPIN_MAX_BODY_BYTES", "max_body_bytes", int),
            ("UNSPIN_TIMEOUT", "timeout_s", float),
            ("UNSPIN_WORKERS", "workers", int),
            ("UNSPIN_QUEUE_SIZE", "queue_size", int),
            ("UNSPIN_MAX_CONNECTIONS", "max_connections", int),
            ("UNSPIN_HEADER_TIMEOUT", "header_timeout_s", float),
            ("UNSPIN_BODY_TIMEOUT", "body_timeout_s", float),
        ):
            if env.get(key):
                try:
                    values[name] = conv(env[key])
                except ValueError:
                    raise ValueError(f"{key}={env[key]!r} is not a number") from None
        if env.get("UNSPIN_PROCESSES"):
            values["processes"] = env["UNSPIN_PROCESSES"].strip().lower() not in ("0", "false", "no", "off")
        if env.get("UNSPIN_LEXICONS"):
            values["lexicons"] = tuple(p.strip() for p in env["UNSPIN_LEXICONS"].split(",") if p.strip())
        if env.get("UNSPIN_CORS_ORIGINS"):
            values["cors_origins"] = tuple(o.strip() for o in env["UNSPIN_CORS_ORIGINS"].split(",") if o.strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
