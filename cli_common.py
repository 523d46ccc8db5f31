"""What every `labatlas` command shares: the store option, one-line errors."""

from __future__ import annotations

import functools
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


def fail_cleanly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the library's own errors into one clear line and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from labatlas.graph.store import StoreError
        from labatlas.loaders.curation import CurationError
        from labatlas.loaders.evaluation import GoldError
        from labatlas.loaders.pipeline import CorpusError
        from labatlas.queries import QueryError

        try:
            return func(*args, **kwargs)
        except (CorpusError, StoreError, QueryError, GoldError, CurationError) as err:
            raise LabatlasError(str(err)) from err

    return wrapper
