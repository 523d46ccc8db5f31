"""Printing query results as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TextIO

from pyoxigraph import BlankNode, Literal, NamedNode

from .library import QueryResult

FORMATS = ("table", "csv", "json")


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
    if fmt in ("csv", "json"):
        buffer = io.StringIO()
        write_rows(result.columns, result.rows, fmt, buffer)
        return buffer.getvalue()
    rows = [[term_text(v) for v in row] for row in result.rows]
    return _table(result.columns, rows, max_width)


def write_rows(
    columns: tuple[str, ...], rows: Iterable[tuple[object | None, ...]], fmt: str, out: TextIO
) -> None:
    """Write rows as ``csv`` or ``json`` to `out` while they come, holding one at a time.

    Parameters
    ----------
    columns : tuple of str
    rows : iterable of tuples
        One value (an RDF term, a string or None) per column.
    fmt : {"csv", "json"}
        JSON is a list of objects, indented by two spaces, as ``json.dumps(..., indent=2)``.
    out : text stream

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
    """
    texts = ([term_text(v) for v in row] for row in rows)
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


def _table(columns: tuple[str, ...], rows: list[list[str]], max_width: int) -> str:
    clipped = [[_clip(v, max_width) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in clipped)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in clipped)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _clip(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"
