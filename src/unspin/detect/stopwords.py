"""Moved to `unspin.text.stopwords` (the source index needs them too, below `detect`); kept as an alias."""

from unspin.text.stopwords import FUNCTION_WORDS

__all__ = ["FUNCTION_WORDS"]
