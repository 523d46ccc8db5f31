"""Exporting the store as Turtle, N-Triples, TriG or JSON-LD."""

from __future__ import annotations

import os
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, Store, Triple, serialize

from .rdf import PREFIXES, Namespaces

EXPORT_FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
}
_KINDS = ("initiative", "actor", "place", "beneficiary-group", "method", "event", "doc")


def export_prefixes(ns: Namespaces) -> dict[str, str]:
    """The usual prefixes plus one per instance kind (``initiative:``, ``actor:`` …)."""
    kinds = {kind.replace("-group", ""): f"{ns.base}id/{kind}/" for kind in _KINDS}
    return {**PREFIXES, **kinds}


def _data_quads(store: Store, ns: Namespaces, include_ontology: bool) -> list[Quad]:
    skip = None if include_ontology else ns.ontology_graph
    return [q for q in store.quads_for_pattern(None, None, None) if q.graph_name != skip]


def export_store(
    store: Store,
    output: Path,
    fmt: str = "ttl",
    ns: Namespaces | None = None,
    include_ontology: bool = False,
) -> int:
    """Write the store to `output`; return the number of statements written.

    Triple formats (Turtle, N-Triples, JSON-LD) merge the document graphs, each fact
    once; TriG keeps one graph per source document. The file appears only when complete.

    Parameters
    ----------
    store : pyoxigraph.Store
    output : Path
    fmt : {"ttl", "nt", "trig", "jsonld"}
    ns : Namespaces, optional
    include_ontology : bool
        Also write the ontology graph (TBox); off by default.

    Returns
    -------
    int
    """
    ns = ns or Namespaces()
    rdf_format = EXPORT_FORMATS[fmt]
    quads = _data_quads(store, ns, include_ontology)
    if rdf_format in (RdfFormat.TRIG,):
        statements: list[Quad] | list[Triple] = sorted(set(quads), key=str)
    else:
        statements = sorted({q.triple for q in quads}, key=str)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    with partial.open("wb") as handle:
        serialize(statements, handle, rdf_format, prefixes=export_prefixes(ns))
    os.replace(partial, output)
    return len(statements)
