"""Modules that can be called like the function they are named after.

``unspin.search`` and ``unspin.scan`` are both a module (``from unspin.search import
index_add`` keeps working) and, in the package's public face, a function
(``unspin.search(doc, index)``). Python binds a package attribute to its submodule when
the submodule is imported, so a plain function of the same name would be replaced by
the module on first import; making the module itself callable gives one object that
works both ways, with the function's signature (`inspect.signature`) and docstring.
"""

from __future__ import annotations

import inspect
import sys
import types
from typing import Any


class CallableModule(types.ModuleType):
    """A module whose call runs its function ``__call_target__`` (named like the module)."""

    __call_target__: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, self.__call_target__)(*args, **kwargs)


def make_callable(module_name: str, function: str) -> None:
    """Make the (imported) module ``module_name`` callable as its function ``function``."""
    mod = sys.modules[module_name]
    if not isinstance(mod, CallableModule):
        mod.__class__ = CallableModule
    target = getattr(mod, function)
    mod.__call_target__ = function  # type: ignore[attr-defined]
    mod.__signature__ = inspect.signature(target)  # type: ignore[attr-defined]
