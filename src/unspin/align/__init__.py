"""Copy-to-source alignment: aligned passages and every substituted word."""

from unspin.align.passages import AlignDetail, AlignOptions, align, align_detail

__all__ = ["AlignDetail", "AlignOptions", "align", "align_detail"]
