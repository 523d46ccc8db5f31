"""Exporting the store as Turtle, N-Triples, TriG or JSON-LD, described with VoID + DCAT."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, Triple, serialize

from .metadata import DatasetDescription, describe_dataset
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
    skip = {ns.graph("void")}
    if not include_ontology:
        skip.add(ns.ontology_graph)
    if not include_inferred:
        skip.add(ns.graph("inferred"))
    return [q for q in store.quads_for_pattern(None, None, None) if q.graph_name not in skip]


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
    """
    quads, _ = _export_parts(
        store, ns, include_ontology, publish_base, description, include_inferred
    )
    return quads


def _export_parts(
    store: Store,
    ns: Namespaces | None,
    include_ontology: bool,
    publish_base: str | None,
    description: DatasetDescription | None,
    include_inferred: bool,
) -> tuple[list[Quad], set[Triple]]:
    """The quads of `export_quads` and the set of their triples (made once: a million
    triples take a second to hash)."""
    ns = ns or Namespaces(store_base(store))
    target = Namespaces(publish_base) if publish_base else ns
    quads = _data_quads(store, ns, include_ontology, include_inferred)
    if target.base != ns.base:
        quads = [_rebase_quad(q, ns, target) for q in quads]
    triples = {q.triple for q in quads}
    if description is not None:
        described = list(describe_dataset(triples, description, target))
        quads += described
        triples |= {q.triple for q in described}
    return quads, triples


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
    once; TriG keeps one graph per source document. JSON-LD is compacted with the published
    labatlas ``@context`` (written inline, so a reader needs no network). The file appears
    only when complete.

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
    """
    quads, triples = _export_parts(
        store, ns, include_ontology, publish_base, description, include_inferred
    )
    target = Namespaces(publish_base) if publish_base else (ns or Namespaces(store_base(store)))
    statements: list[Quad] | list[Triple] = (
        sorted(set(quads), key=str) if fmt == "trig" else sorted(triples, key=str)
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    with partial.open("wb") as handle:
        if fmt == "jsonld":
            handle.write(json_ld_bytes(statements))
        else:
            serialize(statements, handle, EXPORT_FORMATS[fmt], prefixes=export_prefixes(target))
    os.replace(partial, output)
    return len(statements)


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
    import rdflib

    nt = serialize(list(triples), format=RdfFormat.N_TRIPLES)
    graph = rdflib.Graph().parse(data=nt, format="nt")
    text = graph.serialize(format="json-ld", context=json_ld_context(), auto_compact=True)
    return text.encode("utf-8")
