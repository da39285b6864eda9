"""The service's routers: ``api`` (JSON under /v1, /healthz, /report.json) and ``pages`` (/ and /report)."""
