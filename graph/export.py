"""Exporting the store as Turtle, N-Triples, TriG or JSON-LD, described with VoID + DCAT."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    Triple,
    parse,
    serialize,
)

from .metadata import DatasetDescription, LineCounter, describe_dataset
from .rdf import DEFAULT_BASE, PREFIXES, Namespaces

EXPORT_FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
}
_KINDS = ("initiative", "actor", "place", "beneficiary-group", "method", "event", "doc")
# Graphs written by later steps (description, reasoning): exported only when asked for.
_DERIVED_GRAPHS = ("void", "inferred")
Term = NamedNode | BlankNode | Literal
Graph = NamedNode | BlankNode | DefaultGraph
# Graphs dumped at once: pyoxigraph decodes terms without the GIL, one core per dump.
_DUMP_THREADS = min(4, os.cpu_count() or 1)


def export_prefixes(ns: Namespaces) -> dict[str, str]:
    """The usual prefixes plus one per instance kind (``initiative:``, ``actor:`` …).

    Examples
    --------
    >>> export_prefixes(Namespaces("https://data.example.org/"))["actor"]
    'https://data.example.org/id/actor/'
    """
    kinds = {kind.replace("-group", ""): f"{ns.base}id/{kind}/" for kind in _KINDS}
    extra = {"void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#"}
    return {**PREFIXES, **extra, **kinds}


def context_path() -> Path:
    """The JSON-LD context file shipped beside the ontology, for a portal to publish.

    Examples
    --------
    >>> context_path().name
    'context.jsonld'
    """
    from labatlas.ontology import ontology_path

    return ontology_path().with_name("context.jsonld")


def json_ld_context() -> dict[str, object]:
    """The published JSON-LD ``@context`` of labatlas (``ontology/context.jsonld``).

    Examples
    --------
    >>> json_ld_context()["fundedBy"]
    {'@id': 'la:fundedBy', '@type': '@id'}
    """
    return json.loads(context_path().read_text(encoding="utf-8"))["@context"]


def store_base(store: Store) -> str:
    """The base IRI a store was built with, read from the name of its ontology graph.

    Examples
    --------
    >>> from pyoxigraph import Store
    >>> s = Store()
    >>> s.add(Quad(NamedNode("http://x/a"), NamedNode("http://x/p"), NamedNode("http://x/b"),
    ...            NamedNode("https://data.example.org/graph/ontology")))
    >>> store_base(s)
    'https://data.example.org/'
    """
    for graph in store.named_graphs():
        if isinstance(graph, NamedNode) and graph.value.endswith("graph/ontology"):
            return graph.value.removesuffix("graph/ontology")
    return DEFAULT_BASE


def rebase(term: Term, source: Namespaces, target: Namespaces) -> Term:
    """Move an instance or graph IRI from one base to another; other terms stay as they are.

    Examples
    --------
    >>> old, new = Namespaces(), Namespaces("https://data.example.org/")
    >>> rebase(NamedNode("https://w3id.org/labatlas/id/actor/x"), old, new).value
    'https://data.example.org/id/actor/x'
    >>> rebase(NamedNode("https://w3id.org/labatlas/ontology#Lab"), old, new).value
    'https://w3id.org/labatlas/ontology#Lab'
    """
    if not isinstance(term, NamedNode) or source.base == target.base:
        return term
    for space in ("id/", "graph/"):
        if term.value.startswith(source.base + space):
            return NamedNode(target.base + term.value[len(source.base) :])
    return term


def _rebase_quad(quad: Quad, source: Namespaces, target: Namespaces) -> Quad:
    terms = (quad.subject, quad.predicate, quad.object, quad.graph_name)
    return Quad(*(rebase(t, source, target) for t in terms))


def _data_quads(
    store: Store, ns: Namespaces, include_ontology: bool, include_inferred: bool = False
) -> list[Quad]:
    skip = _skipped_graphs(ns, include_ontology, include_inferred)
    return [q for q in store.quads_for_pattern(None, None, None) if q.graph_name not in skip]


def _skipped_graphs(ns: Namespaces, include_ontology: bool, include_inferred: bool) -> set[Term]:
    skip: set[Term] = {ns.graph("void")}
    if not include_ontology:
        skip.add(ns.ontology_graph)
    if not include_inferred:
        skip.add(ns.graph("inferred"))
    return skip


@dataclass
class _Statements:
    """What an export writes, as N-Triples lines (and N-Quads lines for TriG).

    Lines end with ``" ."`` and no newline. A line is the canonical form of its statement
    (pyoxigraph writes every term one way), so a set of lines is a set of statements, and
    sorting the bytes sorts the statements as ``sorted(..., key=str)`` does: UTF-8 keeps
    code point order, and the ``" ."`` cannot reorder two lines (a space sorts before any
    character that could continue a term).
    """

    triples: set[bytes] = field(default_factory=set)
    quads: set[bytes] | None = None
    counter: LineCounter | None = None  # counts the triples for the VoID description

    def add_triples(self, lines: list[bytes]) -> None:
        """Add N-Triples lines, counting those not seen before."""
        if self.counter is None:
            self.triples.update(lines)
            return
        fresh = set(lines).difference(self.triples)
        self.counter.add(fresh)
        self.triples |= fresh


def _lines(data: bytes) -> list[bytes]:
    """The lines of N-Triples or N-Quads text as pyoxigraph writes it (each ends with a LF)."""
    lines = data.split(b"\n")
    lines.pop()  # what follows the last line end: nothing
    return lines


def _read_statements(
    store: Store, ns: Namespaces, target: Namespaces, graphs: list[Graph], found: _Statements
) -> None:
    """Add the triples (and quads) of `graphs`, rebased to `target`, to `found`.

    Each graph is dumped by pyoxigraph on its own, several at once: a dump releases the
    GIL, and decoding the terms of a million quads is most of the work of an export. This
    thread merges and counts the lines meanwhile.
    """
    rebased = _line_rebaser(ns, target)

    def dump(graph: Graph) -> bytes:
        return store.dump(format=RdfFormat.N_TRIPLES, from_graph=graph)

    with ThreadPoolExecutor(max_workers=_DUMP_THREADS) as pool:
        for graph, data in zip(graphs, pool.map(dump, graphs), strict=True):
            lines = _lines(data)
            if rebased is not None:
                lines = [rebased(line) for line in lines]
            found.add_triples(lines)
            if found.quads is not None:
                found.quads.update(_in_graph(lines, graph, ns, target))


def _exported_graphs(
    store: Store, ns: Namespaces, include_ontology: bool, include_inferred: bool
) -> list[Graph]:
    skip = _skipped_graphs(ns, include_ontology, include_inferred)
    return [DefaultGraph(), *(g for g in store.named_graphs() if g not in skip)]


def _in_graph(
    lines: list[bytes],
    graph: Graph,
    ns: Namespaces,
    target: Namespaces,
) -> list[bytes]:
    """N-Quads lines of the N-Triples `lines` of `graph` (the default graph: the same lines)."""
    if isinstance(graph, DefaultGraph):
        return lines
    suffix = f" {rebase(graph, ns, target)} .".encode()
    return [line[:-2] + suffix for line in lines]


def _line_rebaser(source: Namespaces, target: Namespaces) -> Callable[[bytes], bytes] | None:
    """What `rebase` does to each term, done to an N-Triples line (None: nothing to do).

    Subject and predicate are single tokens; the rest of the line is the object, an IRI
    only when it starts with ``<``, so a literal that quotes an IRI is left alone.
    """
    if source.base == target.base:
        return None
    moves = [
        (f"<{source.base}{space}".encode(), f"<{target.base}{space}".encode())
        for space in ("id/", "graph/")
    ]

    def move(token: bytes) -> bytes:
        for old, new in moves:
            if token.startswith(old):
                return new + token[len(old) :]
        return token

    def line_rebased(line: bytes) -> bytes:
        subject, predicate, rest = line.split(b" ", 2)
        return b" ".join((move(subject), move(predicate), move(rest)))

    return line_rebased


def _collect(
    store: Store,
    ns: Namespaces | None,
    include_ontology: bool,
    publish_base: str | None,
    description: DatasetDescription | None,
    include_inferred: bool,
    with_quads: bool,
) -> tuple[_Statements, Namespaces]:
    """The statements an export writes, with the description, and the base they use."""
    ns = ns or Namespaces(store_base(store))
    target = Namespaces(publish_base) if publish_base else ns
    found = _Statements(
        quads=set() if with_quads else None,
        counter=LineCounter() if description is not None else None,
    )
    graphs = _exported_graphs(store, ns, include_ontology, include_inferred)
    _read_statements(store, ns, target, graphs, found)
    if description is not None and found.counter is not None:
        described = list(describe_dataset(found.counter.counts(), description, target))
        triples = [q.triple for q in described]
        found.triples.update(_lines(serialize(triples, format=RdfFormat.N_TRIPLES)))
        if found.quads is not None:
            found.quads.update(_lines(serialize(described, format=RdfFormat.N_QUADS)))
    return found, target


def export_quads(
    store: Store,
    ns: Namespaces | None = None,
    include_ontology: bool = False,
    *,
    publish_base: str | None = None,
    description: DatasetDescription | None = None,
    include_inferred: bool = False,
) -> list[Quad]:
    """The quads an export writes: data graphs, rebased, plus the dataset description.

    Parameters
    ----------
    store : pyoxigraph.Store
    ns : Namespaces, optional
        The base the store was built with (read from the store when omitted).
    include_ontology : bool
    publish_base : str, optional
        Publish instances and graphs under this base IRI (a portal's own) instead.
    description : DatasetDescription, optional
        Add a VoID + DCAT description of the exported triples (graph ``{base}graph/void``).
    include_inferred : bool
        Also write the graph of inferred facts (``labatlas reason``).

    Returns
    -------
    list of pyoxigraph.Quad
        Each once, in the order of their N-Quads text.
    """
    found, _ = _collect(
        store, ns, include_ontology, publish_base, description, include_inferred, True
    )
    assert found.quads is not None
    return list(parse(_text(found.quads), RdfFormat.N_QUADS))


def _text(lines: set[bytes]) -> bytes:
    """The lines sorted, one per line: byte-stable, each subject's statements together."""
    return b"\n".join(sorted(lines)) + b"\n" if lines else b""


def export_store(
    store: Store,
    output: Path,
    fmt: str = "ttl",
    ns: Namespaces | None = None,
    include_ontology: bool = False,
    *,
    publish_base: str | None = None,
    description: DatasetDescription | None = None,
    include_inferred: bool = False,
) -> int:
    """Write the store to `output`; return the number of statements written.

    Triple formats (Turtle, N-Triples, JSON-LD) merge the document graphs, each fact
    once; TriG keeps one graph per source document. Statements are written in the order of
    their N-Triples (N-Quads) text, so two exports of the same store are the same bytes.
    JSON-LD is compacted with the published labatlas ``@context`` (written inline, so a
    reader needs no network). The file appears only when complete.

    Parameters
    ----------
    store : pyoxigraph.Store
    output : Path
    fmt : {"ttl", "nt", "trig", "jsonld"}
    ns : Namespaces, optional
        The base the store was built with (read from the store when omitted).
    include_ontology : bool
        Also write the ontology graph (TBox); off by default.
    publish_base, description, include_inferred
        See :func:`export_quads`.

    Returns
    -------
    int

    Examples
    --------
    >>> import tempfile
    >>> s = Store()
    >>> a, p = NamedNode("https://w3id.org/labatlas/id/actor/a"), NamedNode("http://x/p")
    >>> for g in ("https://w3id.org/labatlas/graph/doc/1", "https://w3id.org/labatlas/graph/doc/2"):
    ...     s.add(Quad(a, p, Literal("same fact"), NamedNode(g)))
    >>> out = Path(tempfile.mkdtemp()) / "atlas.nt"
    >>> export_store(s, out, "nt")
    1
    >>> out.read_text()
    '<https://w3id.org/labatlas/id/actor/a> <http://x/p> "same fact" .\\n'
    """
    found, target = _collect(
        store, ns, include_ontology, publish_base, description, include_inferred, fmt == "trig"
    )
    lines = found.quads if found.quads is not None else found.triples
    text = _text(lines)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    with partial.open("wb") as handle:
        if fmt == "nt":
            handle.write(text)  # what pyoxigraph's N-Triples serializer writes, line by line
        elif fmt == "jsonld":
            handle.write(_json_ld_of_ntriples(text))
        else:
            source = RdfFormat.N_QUADS if fmt == "trig" else RdfFormat.N_TRIPLES
            statements = parse(text, source)
            serialize(statements, handle, EXPORT_FORMATS[fmt], prefixes=export_prefixes(target))
    os.replace(partial, output)
    return len(lines)


def json_ld_bytes(triples: Iterable[Triple]) -> bytes:
    """Compact JSON-LD of `triples` with the labatlas ``@context`` inline.

    Examples
    --------
    >>> t = Triple(NamedNode("https://w3id.org/labatlas/id/initiative/x"),
    ...            NamedNode("https://w3id.org/labatlas/ontology#fundedBy"),
    ...            NamedNode("https://w3id.org/labatlas/id/actor/y"))
    >>> doc = json.loads(json_ld_bytes([t]))
    >>> doc["fundedBy"]
    'https://w3id.org/labatlas/id/actor/y'
    """
    return _json_ld_of_ntriples(serialize(list(triples), format=RdfFormat.N_TRIPLES))


def _json_ld_of_ntriples(nt: bytes) -> bytes:
    import rdflib

    graph = rdflib.Graph().parse(data=nt, format="nt")
    text = graph.serialize(format="json-ld", context=json_ld_context(), auto_compact=True)
    return text.encode("utf-8")
