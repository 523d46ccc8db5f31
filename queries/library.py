"""The SPARQL query library: `.rq` files with a header, run on the store with bound values."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store, Variable

from labatlas.graph.rdf import PREFIXES, XSD
from labatlas.loaders.text import label_key

_HEADER = re.compile(r"^#\s*(title|description|param|example):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\S+)\s+(\S+)\s*(?:--\s*(.*))?$")


class QueryError(ValueError):
    """A query cannot be found, parsed or bound (the message says which and why)."""


@dataclass(frozen=True)
class QueryParam:
    """A parameter a library query accepts; ``default`` None means optional and unbound."""

    name: str
    datatype: str
    default: str | None
    help: str


@dataclass(frozen=True)
class LibraryQuery:
    """A query of the library with what its header says about it."""

    name: str
    path: Path
    text: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    example: str


@dataclass(frozen=True)
class QueryResult:
    """Rows of a SELECT: column names and, per row, one value (or None) per column."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object | None, ...], ...]


@dataclass(frozen=True)
class QueryStream:
    """Rows of a SELECT as the store yields them, to be read once (an answer of millions of
    rows then never sits in memory as Python objects)."""

    columns: tuple[str, ...]
    rows: Iterator[tuple[object | None, ...]]


def library_dir() -> Path:
    """The folder of the shipped `.rq` files."""
    return Path(__file__).parent


def parse_query_file(path: Path) -> LibraryQuery:
    """Read a `.rq` file and its header block.

    Examples
    --------
    >>> q = parse_query_file(library_dir() / "shared-partners.rq")
    >>> q.name, [p.name for p in q.params]
    ('shared-partners', ['min'])
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise QueryError(f"{path}: cannot read query ({err})") from err
    fields: dict[str, str] = {}
    params: list[QueryParam] = []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            params.append(_parse_param(path, value))
        else:
            fields.setdefault(key, value.strip())
    return LibraryQuery(
        name=path.stem,
        path=path,
        text=text,
        title=fields.get("title", path.stem),
        description=fields.get("description", ""),
        params=tuple(params),
        example=fields.get("example", ""),
    )


def _parse_param(path: Path, value: str) -> QueryParam:
    match = _PARAM.match(value.strip())
    if not match:
        raise QueryError(f"{path}: malformed '# param:' line: {value!r}")
    name, datatype, default, help_text = match.groups()
    return QueryParam(name, datatype, None if default == "-" else default, help_text or "")


def library() -> dict[str, LibraryQuery]:
    """All queries of the library by name.

    Examples
    --------
    >>> "shared-partners" in library()
    True
    """
    return {p.stem: parse_query_file(p) for p in sorted(library_dir().glob("*.rq"))}


def load_query(name_or_path: str) -> LibraryQuery:
    """Return a library query by name, or any `.rq` file by path.

    Raises
    ------
    QueryError
        Unknown name (the message lists the library), or unreadable file.
    """
    if name_or_path.endswith(".rq") or "/" in name_or_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise QueryError(f"{path}: no such query file")
        return parse_query_file(path)
    queries = library()
    if name_or_path not in queries:
        close = difflib.get_close_matches(name_or_path, queries, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise QueryError(
            f"unknown query '{name_or_path}'{hint}; the library has: {', '.join(queries)}"
        )
    return queries[name_or_path]


def bind_values(
    query: LibraryQuery, given: dict[str, str], resolve_name: Callable[[str], NamedNode]
) -> dict[Variable, NamedNode | Literal]:
    """Turn ``--param name=value`` strings into RDF terms for the query's variables.

    Values are bound as terms (SEP-0007 substitution), never pasted into the text. An
    ``iri`` parameter accepts a full IRI, a prefixed name (``la:fundedBy``) or an
    entity's label or alias, which `resolve_name` turns into its IRI.

    Examples
    --------
    >>> def unknown(name): raise QueryError(f"no entity named {name!r}")
    >>> bind_values(load_query("partners"), {"initiative": "la:x"}, unknown)
    {<Variable value=initiative>: <NamedNode value=https://w3id.org/labatlas/ontology#x>}
    """
    declared = {p.name: p for p in query.params}
    unknown = set(given) - set(declared)
    if unknown:
        names = ", ".join(sorted(declared)) or "none"
        raise QueryError(
            f"{query.name}: unknown parameter(s) {', '.join(sorted(unknown))}; it takes: {names}"
        )
    bound: dict[Variable, NamedNode | Literal] = {}
    for param in query.params:
        value = given.get(param.name, param.default)
        if value is not None:
            bound[Variable(param.name)] = _term(param, value, resolve_name)
    return bound


def _term(
    param: QueryParam, value: str, resolve_name: Callable[[str], NamedNode]
) -> NamedNode | Literal:
    if param.datatype != "iri":
        datatype = param.datatype.replace("xsd:", XSD)
        if datatype in {XSD + "integer", XSD + "decimal"} and not re.fullmatch(
            r"-?\d+(?:\.\d+)?", value
        ):
            raise QueryError(f"parameter {param.name}: {value!r} is not a number")
        return Literal(value, datatype=NamedNode(datatype))
    if re.match(r"^[a-z][\w+.-]*://", value):
        return NamedNode(value)
    prefix, _, local = value.partition(":")
    if local and prefix in PREFIXES and " " not in value:
        return NamedNode(PREFIXES[prefix] + local)
    return resolve_name(value)


def find_entity(store: Store, name: str) -> NamedNode:
    """Return the entity whose label or alias matches `name` (case, accents, articles aside).

    An IRI of the store names itself. Otherwise the distinct label texts are read (one
    index scan, no entity touched), matched in Python, and only the entities of the labels
    that match are looked up: at a million triples that is tens of milliseconds, where
    reading every (entity, label) pair took seconds.

    Raises
    ------
    QueryError
        No entity or several have that name; the message lists close matches.
    """
    iri = _iri_in_store(store, name)
    if iri is not None:
        return iri
    keyed: dict[str, list[Literal]] = {}
    for label in _distinct_labels(store):
        keyed.setdefault(label_key(label.value), []).append(label)
    key = label_key(name)
    matches = {entity for entity, _ in _labelled_entities(store, keyed.get(key, []))}
    if len(matches) == 1:
        return NamedNode(next(iter(matches)))
    if matches:
        raise QueryError(f"'{name}' names several entities: {', '.join(sorted(matches))}")
    raise QueryError(f"no entity named '{name}'{_close_matches_hint(store, keyed, key)}")


def _close_matches_hint(store: Store, keyed: dict[str, list[Literal]], key: str) -> str:
    """``; close matches: …``: the five closest keys that label an entity (or nothing)."""
    if not keyed:
        return ""
    # Ranked among all label texts, then kept when they label an entity: the five closest
    # entity labels, as when only entity labels were ranked.
    ranked = difflib.get_close_matches(key, list(keyed), n=len(keyed), cutoff=0.6)
    candidates = [label for close in ranked for label in keyed[close]]
    named = {label for _, label in _labelled_entities(store, candidates)}
    shown = [next((t.value for t in keyed[c] if t.value in named), None) for c in ranked]
    hint = [text for text in shown if text is not None][:5]
    return f"; close matches: {', '.join(hint)}" if hint else ""


def _iri_in_store(store: Store, name: str) -> NamedNode | None:
    """`name` as an IRI when it is one and the store says something about it."""
    if not re.match(r"^[a-z][\w+.-]*://\S+$", name):
        return None
    try:
        iri = NamedNode(name)
    except ValueError:
        return None
    return iri if next(store.quads_for_pattern(iri, None, None), None) is not None else None


def match_entity(labelled: Iterable[tuple[str, str]], name: str) -> NamedNode:
    """Return the one entity of the (IRI, label) pairs whose label matches `name`.

    Matching ignores case, accents, punctuation and leading articles.

    Raises
    ------
    QueryError
        No entity or several have that name; the message lists close matches.

    Examples
    --------
    >>> match_entity([("urn:a", "La 27e Région"), ("urn:b", "Unis-Cité")], "UNIS-CITE").value
    'urn:b'
    """
    labels: dict[str, set[str]] = {}
    display: dict[str, str] = {}
    for entity, label in labelled:
        labels.setdefault(label_key(label), set()).add(entity)
        display.setdefault(label_key(label), label)
    matches = labels.get(label_key(name), set())
    if len(matches) == 1:
        return NamedNode(next(iter(matches)))
    if matches:
        raise QueryError(f"'{name}' names several entities: {', '.join(sorted(matches))}")
    close = difflib.get_close_matches(label_key(name), list(labels), n=5, cutoff=0.6)
    hint = f"; close matches: {', '.join(display[c] for c in close)}" if close else ""
    raise QueryError(f"no entity named '{name}'{hint}")


_LABEL_PREFIXES = """
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX la: <https://w3id.org/labatlas/ontology#>
"""


def _distinct_labels(store: Store) -> list[Literal]:
    """Every label and alias text of the store, once (labels of anything, even documents)."""
    query = (
        _LABEL_PREFIXES
        + """
    SELECT DISTINCT ?label WHERE { { ?e rdfs:label ?label } UNION { ?e skos:altLabel ?label } }
    """
    )
    solutions = store.query(query, use_default_graph_as_union=True)
    return [row[0] for row in solutions if isinstance(row[0], Literal)]


def _labelled_entities(store: Store, labels: list[Literal]) -> list[tuple[str, str]]:
    """The (entity IRI, label) pairs of these label texts; documents and terms of la: aside."""
    if not labels:
        return []
    values = " ".join(str(label) for label in labels)
    query = (
        _LABEL_PREFIXES
        + f"""
    SELECT DISTINCT ?entity ?label WHERE {{
      VALUES ?label {{ {values} }}
      {{ ?entity rdfs:label ?label }} UNION {{ ?entity skos:altLabel ?label }}
      FILTER(isIRI(?entity) && !STRSTARTS(STR(?entity), STR(la:)))
      FILTER NOT EXISTS {{ ?entity a la:SourceDocument }}
    }}"""
    )
    solutions = store.query(query, use_default_graph_as_union=True)
    return [(row["entity"].value, row["label"].value) for row in solutions]


def run_query(
    store: Store, query: LibraryQuery, given: dict[str, str] | None = None
) -> QueryResult:
    """Run a library query on the store (union of all graphs as default graph).

    Parameters
    ----------
    store : pyoxigraph.Store
    query : LibraryQuery
    given : dict, optional
        Parameter values as strings, by name.

    Returns
    -------
    QueryResult

    Raises
    ------
    QueryError
        Syntax error (with line and column), bad parameter, or not a SELECT.

    Examples
    --------
    >>> from pyoxigraph import Store
    >>> run_query(Store(), load_query("funders")).rows
    ()
    """
    stream = stream_query(store, query, given)
    return QueryResult(stream.columns, tuple(stream.rows))


def stream_query(
    store: Store, query: LibraryQuery, given: dict[str, str] | None = None
) -> QueryStream:
    """Run a library query as `run_query` does, and yield its rows one by one.

    Parameters and errors are those of `run_query`; the rows come as the store computes
    them, so read them once.

    Examples
    --------
    >>> from pyoxigraph import Store
    >>> stream = stream_query(Store(), load_query("funders"))
    >>> stream.columns[:2], list(stream.rows)
    (('initiative', 'initiativeLabel'), [])
    """
    substitutions = bind_values(query, given or {}, lambda name: find_entity(store, name))
    try:
        solutions = store.query(
            query.text, use_default_graph_as_union=True, substitutions=substitutions
        )
    except SyntaxError as err:
        raise QueryError(f"{query.path}: SPARQL {_position(str(err))}") from err
    if not isinstance(solutions, QuerySolutions):
        raise QueryError(f"{query.path}: only SELECT queries can be printed as a table")
    columns = tuple(v.value for v in solutions.variables)
    # A solution iterates in the order of `variables`: a third faster than a lookup by name,
    # which counts when an answer has tens of thousands of rows.
    return QueryStream(columns, (tuple(row) for row in solutions))


def _position(message: str) -> str:
    match = re.match(r"error at (\d+):(\d+): (.*)", message)
    if match:
        line, column, detail = match.groups()
        return f"syntax error at line {line}, column {column}: {detail}"
    return f"syntax error: {message}"
