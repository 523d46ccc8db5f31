"""What every `labatlas` command shares: the store option, one-line errors."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, ParamSpec, TypeVar

import click

P = ParamSpec("P")
R = TypeVar("R")

STORE_OPTION = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store folder (default: $LABATLAS_STORE or ~/.local/share/labatlas/store).",
)


# The syntax names graph.importer.detect_format reads (kept literal so that --help does not
# import pyoxigraph; tests/graph/test_import.py checks they agree).
RDF_SYNTAX_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(("ttl", "nt", "nq", "trig", "jsonld", "rdfxml")),
    default=None,
    help="Syntax of the files (default: from each file's extension; .gz is read too).",
)


CURATION_OPTION = click.option(
    "--curation",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Curation file (default: curation.yaml beside the store folder).",
)


class LabatlasError(click.ClickException):
    """A user-facing error: one line, exit code 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"labatlas: error: {self.format_message()}", err=True)


# The library's user-facing errors, by module. They are looked up only in modules already
# loaded: an error cannot come from a module nobody imported, and importing the extraction
# pipeline to catch its errors would add 60 ms to every `labatlas query`.
_USER_ERRORS = {
    "labatlas.graph.store": "StoreError",
    "labatlas.loaders.curation": "CurationError",
    "labatlas.loaders.evaluation": "GoldError",
    "labatlas.loaders.pipeline": "CorpusError",
    "labatlas.queries.library": "QueryError",
}


def user_error_types() -> tuple[type[Exception], ...]:
    """The user-facing error classes of the modules loaded so far.

    Examples
    --------
    >>> import labatlas.queries.library
    >>> "QueryError" in [error.__name__ for error in user_error_types()]
    True
    """
    return tuple(
        getattr(sys.modules[module], name)
        for module, name in _USER_ERRORS.items()
        if module in sys.modules
    )


def fail_cleanly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the library's own errors into one clear line and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except Exception as err:
            if isinstance(err, user_error_types()):
                raise LabatlasError(str(err)) from err
            raise

    return wrapper
