"""Copy-to-source alignment: aligned passages and every substituted word."""

from unspin.align.passages import AlignOptions, align

__all__ = ["AlignOptions", "align"]
