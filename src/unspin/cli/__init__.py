"""The ``unspin`` command line (Typer): each command parses, calls one library function, renders.

Layout — one module per command, none importing another command or the app:

- ``common``  the consoles (``out``, ``err``), the ``--format`` choices and the helpers every
  command shares (printing a reader's warnings and errors, terminal-safe text);
- ``check``, ``index``, ``search``, ``scan``, ``serve``  one command (or command group) each:
  a plain function with Typer annotations, plus its human renderer;
- ``application``  builds the Typer ``app`` and registers the commands: the only module that
  imports them, so there is no import loop;
- ``__main__``  ``python -m unspin.cli``.

Adding a command is one line in ``application.py`` once its module exists::

    app.command("learn")(learn.learn_command)          # a command
    app.add_typer(index.index_app, name="index")       # a group of subcommands

(and the module name in that file's ``from unspin.cli import ...`` line). A new option of an
existing command is a parameter of its function. Thresholds shown in help texts or used to
colour the human output come from ``unspin.settings`` when it exists.

The entry point is ``unspin = unspin.cli:main``; exit codes: 0 done, 1 some inputs could not
be read (each named on stderr, the rest processed), 2 usage error.
"""

from unspin.cli.application import app, main

__all__ = ["app", "main"]
