"""Printing query results as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import TextIO

from pyoxigraph import BlankNode, Literal, NamedNode

from .library import QueryResult

FORMATS = ("table", "csv", "json")
# Rows of a table aligned together (the widths of one page never wait for the next).
TABLE_PAGE = 10_000


def term_text(term: object | None) -> str:
    """The plain text of an RDF term: IRI, literal value, or empty for unbound.

    Examples
    --------
    >>> from pyoxigraph import Literal
    >>> term_text(Literal("Unis-Cité", language="fr")), term_text(None)
    ('Unis-Cité', '')
    """
    if term is None:
        return ""
    if isinstance(term, NamedNode | Literal | BlankNode):
        return term.value
    return str(term)


def format_result(result: QueryResult, fmt: str = "table", max_width: int = 60) -> str:
    """Render a result for people (``table``) or programs (``csv``, ``json``).

    Examples
    --------
    >>> from labatlas.queries.library import QueryResult
    >>> print(format_result(QueryResult(("a", "b"), (("x", None),)), "csv").strip())
    a,b
    x,
    """
    buffer = io.StringIO()
    write_rows(result.columns, result.rows, fmt, buffer, max_width)
    return buffer.getvalue()


def write_rows(
    columns: tuple[str, ...],
    rows: Iterable[tuple[object | None, ...]],
    fmt: str,
    out: TextIO,
    max_width: int = 60,
) -> None:
    """Write rows as ``table``, ``csv`` or ``json`` to `out` while they come.

    CSV and JSON hold one row at a time. A table is aligned on pages of `TABLE_PAGE` rows,
    each under its own header: an answer of millions of rows never sits in memory, and one
    of a page or less prints as a single table.

    Parameters
    ----------
    columns : tuple of str
    rows : iterable of tuples
        One value (an RDF term, a string or None) per column.
    fmt : {"table", "csv", "json"}
        JSON is a list of objects, indented by two spaces, as ``json.dumps(..., indent=2)``.
    out : text stream
    max_width : int
        Longest cell of a table (longer ones are cut with an ellipsis).

    Examples
    --------
    >>> import sys
    >>> write_rows(("a", "b"), [("x", None)], "json", sys.stdout)
    [
      {
        "a": "x",
        "b": ""
      }
    ]
    >>> write_rows(("name", "n"), [("Unis-Cité", "3")], "table", sys.stdout)
    name       n
    ---------  -
    Unis-Cité  3
    (1 row)
    """
    texts = ([term_text(v) for v in row] for row in rows)
    if fmt == "table":
        _write_table(columns, texts, out, max_width)
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in texts:
            writer.writerow(row)
        return
    separator = "[\n"
    for row in texts:
        record = json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, indent=2)
        out.write(separator + "\n".join("  " + line for line in record.split("\n")))
        separator = ",\n"
    out.write("[]\n" if separator == "[\n" else "\n]\n")


def _write_table(
    columns: tuple[str, ...], rows: Iterator[list[str]], out: TextIO, max_width: int
) -> None:
    count = 0
    while True:
        page = [[_clip(v, max_width) for v in row] for row in itertools.islice(rows, TABLE_PAGE)]
        if page or not count:
            if count:
                out.write("\n")
            out.write(_table_page(columns, page))
        count += len(page)
        if len(page) < TABLE_PAGE:
            break
    out.write(f"({count} row{'s' if count != 1 else ''})\n")


def _table_page(columns: tuple[str, ...], rows: list[list[str]]) -> str:
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows)
    return "".join(line.rstrip() + "\n" for line in lines)


def _clip(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"
