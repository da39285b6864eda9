"""Exceptions raised by unspin.

    UnspinError
    ├── InputError          a document cannot be read (the batch goes on)
    │   ├── EmptyInput          nothing but whitespace
    │   ├── BinaryInput         looks like a binary file, not text
    │   ├── InputTooLarge       over the configured size limit
    │   └── NotAFile            a directory, a missing path, a socket
    ├── ResourceError       a language resource (thesaurus, LM) cannot be loaded
    └── IndexFileError      an index file is missing, corrupt, or not an unspin index
"""

from __future__ import annotations


class UnspinError(Exception):
    """Base class of every error unspin raises on purpose."""


class InputError(UnspinError):
    """A document could not be read; the message names it."""


class EmptyInput(InputError):
    pass


class BinaryInput(InputError):
    pass


class InputTooLarge(InputError):
    pass


class NotAFile(InputError):
    pass


class ResourceError(UnspinError):
    """A bundled language resource is missing or broken."""


class IndexFileError(UnspinError):
    """An index file cannot be used: missing, empty, corrupt, or another program's file. The message
    names the file, on one line."""
