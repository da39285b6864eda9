"""Old import path of ``unspin scan``'s command: now `unspin.cli.scan`."""

from unspin.cli.scan import render_summary, scan_command

__all__ = ["render_summary", "scan_command"]
