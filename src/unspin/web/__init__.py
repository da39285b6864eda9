"""`unspin serve`: the JSON API and the report page (FastAPI; install with ``pip install 'unspin[web]'``)."""

from unspin.web.settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":  # FastAPI is an optional extra: import it only when the app is built
        from unspin.web.app import create_app

        return create_app
    raise AttributeError(name)
