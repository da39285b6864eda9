"""``python -m unspin.cli``: the same as the ``unspin`` command."""

from unspin.cli.application import main

main()
