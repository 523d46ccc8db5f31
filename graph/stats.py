"""The summary a user reads after a build: documents, entities per class, relations."""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Store

from labatlas.loaders.model import ENTITY_CLASSES, PREDICATES

from .rdf import LA

_COUNT_BY_CLASS = """
PREFIX la: <https://w3id.org/labatlas/ontology#>
SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE {
  ?entity a ?class .
} GROUP BY ?class
"""
_COUNT_BY_PREDICATE = """
SELECT ?p (COUNT(*) AS ?n) WHERE {
  { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o . FILTER(isIRI(?o)) } }
} GROUP BY ?p
"""
_COUNT_DOCUMENTS = """
PREFIX la: <https://w3id.org/labatlas/ontology#>
SELECT (COUNT(DISTINCT ?d) AS ?n) (COUNT(DISTINCT ?ev) AS ?evidence) WHERE {
  { ?d a la:SourceDocument } UNION { ?ev a la:Evidence }
}
"""


@dataclass(frozen=True)
class Summary:
    """Counts that describe a built graph."""

    documents: int
    evidence: int
    triples: int
    entities_by_class: dict[str, int]
    relations_by_predicate: dict[str, int]

    @property
    def entities(self) -> int:
        return sum(self.entities_by_class.values())

    @property
    def relations(self) -> int:
        return sum(self.relations_by_predicate.values())


def summarize(store: Store) -> Summary:
    """Count documents, entities per class and relations per predicate (each fact once).

    Parameters
    ----------
    store : pyoxigraph.Store

    Returns
    -------
    Summary
    """
    by_class = {c: 0 for c in ENTITY_CLASSES}
    for row in store.query(_COUNT_BY_CLASS, use_default_graph_as_union=True):
        name = row["class"].value.removeprefix(LA)
        if name in by_class:
            by_class[name] = int(row["n"].value)
    by_predicate = {p: 0 for p in PREDICATES}
    for row in store.query(_COUNT_BY_PREDICATE, use_default_graph_as_union=True):
        name = row["p"].value.removeprefix(LA)
        if name in by_predicate:
            by_predicate[name] = int(row["n"].value)
    counts = next(iter(store.query(_COUNT_DOCUMENTS, use_default_graph_as_union=True)))
    return Summary(
        documents=int(counts["n"].value),
        evidence=int(counts["evidence"].value),
        triples=len(store),
        entities_by_class=by_class,
        relations_by_predicate=by_predicate,
    )


def format_summary(summary: Summary) -> str:
    """Render a summary as the lines `labatlas build` and `labatlas stats` print."""
    lines = [
        f"documents: {summary.documents}   entities: {summary.entities}   "
        f"relations: {summary.relations}   evidence records: {summary.evidence}   "
        f"triples: {summary.triples}",
        "entities by class:",
    ]
    lines += [f"  {c:<18}{n:>6}" for c, n in summary.entities_by_class.items() if n]
    lines.append("relations by predicate:")
    lines += [f"  {p:<18}{n:>6}" for p, n in summary.relations_by_predicate.items()]
    return "\n".join(lines)
