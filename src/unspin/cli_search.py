"""Old import path of ``unspin index`` and ``unspin search``: now `unspin.cli.index` and `unspin.cli.search`."""

from unspin.cli.index import index_app
from unspin.cli.search import render_search, search_command

__all__ = ["index_app", "render_search", "search_command"]
