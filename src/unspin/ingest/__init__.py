"""Readers that turn files into `Document`s."""

from unspin.ingest.text import DEFAULT_MAX_BYTES, read_text_file, decode_text

__all__ = ["DEFAULT_MAX_BYTES", "read_text_file", "decode_text"]
