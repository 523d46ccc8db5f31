"""Names of a package imported from their modules on first use, so `labatlas --help` and
`labatlas query` do not load libraries (rdflib, owlready2, the extraction rules) they never use.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def lazy_attributes(package: str, modules: dict[str, str]) -> Callable[[str], object]:
    """Return a module ``__getattr__`` that imports each name from its submodule when asked.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    modules : dict
        Each public name, with the submodule (relative to `package`) that defines it.

    Returns
    -------
    callable
        Assign it to the package's ``__getattr__`` (PEP 562).

    Examples
    --------
    >>> getattr_ = lazy_attributes("json", {"JSONDecoder": "decoder"})
    >>> getattr_("JSONDecoder").__name__
    'JSONDecoder'
    >>> getattr_("nothing")
    Traceback (most recent call last):
    ...
    AttributeError: module 'json' has no attribute 'nothing'
    """

    def __getattr__(name: str) -> object:
        if name in modules:
            return getattr(import_module(f".{modules[name]}", package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
