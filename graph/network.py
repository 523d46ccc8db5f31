"""The graph as NetworkX: nodes with their labels and classes, edges with their evidence.

One SPARQL read of the store gives an `AtlasNetwork`; the projections (bipartite,
initiative–initiative, actor–actor, diffusion) are built from it in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
from pyoxigraph import Store

from .rdf import LA

_NODES = """
PREFIX la: <https://w3id.org/labatlas/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?node ?class (MIN(STR(?label)) AS ?name)
       (GROUP_CONCAT(DISTINCT STR(?alias); separator="\\u001f") AS ?aliases)
WHERE {
  ?node a ?class ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?class), STR(la:)))
  FILTER(?class NOT IN (la:SourceDocument, la:Assertion, la:Evidence, la:ExtractionRule))
  OPTIONAL { ?node skos:altLabel ?alias }
}
GROUP BY ?node ?class
"""
_RELATIONS = """
PREFIX la: <https://w3id.org/labatlas/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?s ?p ?o ?evidence ?sentence ?doc ?title ?confidence ?rule WHERE {
  { SELECT DISTINCT ?a ?s ?p ?o WHERE {
      ?a a la:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }
  ?a prov:wasDerivedFrom ?evidence .
  ?evidence nif:anchorOf ?sentence ; prov:wasQuotedFrom ?doc ; la:confidence ?confidence ;
            la:rule ?ruleNode .
  ?ruleNode <http://www.w3.org/2000/01/rdf-schema#label> ?rule .
  OPTIONAL { ?doc dcterms:title ?title }
}
"""


@dataclass(frozen=True)
class NodeInfo:
    """An entity of the graph as the network sees it."""

    iri: str
    label: str
    entity_class: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceInfo:
    """One sentence supporting a relation."""

    iri: str
    sentence: str
    document: str
    title: str
    confidence: float
    rule: str


@dataclass
class RelationInfo:
    """A relation between two entities with all its evidence."""

    subject: str
    predicate: str
    object: str
    evidence: list[EvidenceInfo] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        """The best confidence among its evidence."""
        return max((e.confidence for e in self.evidence), default=0.0)


@dataclass
class AtlasNetwork:
    """Entities and relations read from a store, ready to become NetworkX graphs."""

    nodes: dict[str, NodeInfo]
    relations: list[RelationInfo]

    def multigraph(
        self,
        predicates: frozenset[str] | None = None,
        min_confidence: float = 0.0,
    ) -> nx.MultiDiGraph:
        """All relations as a directed multigraph: one edge per (subject, predicate, object).

        Parameters
        ----------
        predicates : frozenset of str, optional
            Local names of the predicates to keep (all when omitted).
        min_confidence : float
            Keep relations whose best evidence has at least this confidence.

        Returns
        -------
        networkx.MultiDiGraph
            Nodes carry ``iri``, ``label``, ``cls``, ``aliases``; edges are keyed by predicate and
            carry ``predicate``, ``confidence`` and ``evidence`` (a list of EvidenceInfo).
        """
        graph = nx.MultiDiGraph()
        for r in self.relations:
            if predicates is not None and r.predicate not in predicates:
                continue
            if r.confidence < min_confidence:
                continue
            for iri in (r.subject, r.object):
                if iri not in graph:
                    info = self.nodes.get(iri) or NodeInfo(iri, iri.rsplit("/", 1)[-1], "")
                    graph.add_node(
                        iri,
                        iri=iri,
                        label=info.label,
                        cls=info.entity_class,
                        aliases=info.aliases,
                    )
            graph.add_edge(
                r.subject,
                r.object,
                key=r.predicate,
                predicate=r.predicate,
                confidence=r.confidence,
                evidence=list(r.evidence),
            )
        return graph


def load_network(store: Store) -> AtlasNetwork:
    """Read entities and relations (with evidence) from a store.

    Parameters
    ----------
    store : pyoxigraph.Store

    Returns
    -------
    AtlasNetwork

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from labatlas.loaders import extract_corpus
    >>> from labatlas.graph.store import build_store, open_store
    >>> store = open_store(build_store(extract_corpus(), pathlib.Path(tempfile.mkdtemp()) / "s"))
    >>> net = load_network(store)
    >>> g = net.multigraph(predicates=frozenset({"operatedBy"}))
    >>> any(d["label"] == "Unis-Cité" for _, d in g.nodes(data=True))
    True
    """
    nodes: dict[str, NodeInfo] = {}
    for row in store.query(_NODES, use_default_graph_as_union=True):
        iri = row["node"].value
        aliases = tuple(
            a for a in (row["aliases"].value if row["aliases"] else "").split("\x1f") if a
        )
        nodes[iri] = NodeInfo(iri, row["name"].value, row["class"].value.removeprefix(LA), aliases)
    relations: dict[tuple[str, str, str], RelationInfo] = {}
    for row in store.query(_RELATIONS, use_default_graph_as_union=True):
        key = (row["s"].value, row["p"].value.removeprefix(LA), row["o"].value)
        relation = relations.setdefault(key, RelationInfo(*key))
        relation.evidence.append(
            EvidenceInfo(
                iri=row["evidence"].value,
                sentence=row["sentence"].value,
                document=row["doc"].value,
                title=row["title"].value if row["title"] else "",
                confidence=float(row["confidence"].value),
                rule=row["rule"].value,
            )
        )
    ordered = [relations[k] for k in sorted(relations)]
    for relation in ordered:
        relation.evidence.sort(key=lambda e: e.iri)
    return AtlasNetwork(nodes, ordered)
