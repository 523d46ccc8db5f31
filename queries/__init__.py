"""The SPARQL query library (`.rq` files beside this module) and its runner."""

from .format import FORMATS, format_result, term_text, write_rows
from .library import (
    LibraryQuery,
    QueryError,
    QueryParam,
    QueryResult,
    QueryStream,
    find_entity,
    library,
    load_query,
    run_query,
    stream_query,
)

__all__ = [
    "FORMATS",
    "LibraryQuery",
    "QueryError",
    "QueryParam",
    "QueryResult",
    "QueryStream",
    "find_entity",
    "format_result",
    "library",
    "load_query",
    "run_query",
    "stream_query",
    "term_text",
    "write_rows",
]
