"""The graph as NetworkX: nodes with their labels and classes, edges with their evidence.

One SPARQL read of the store gives an `AtlasNetwork`; the projections (bipartite,
initiative–initiative, actor–actor, diffusion) are built from it in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations
from pathlib import Path
from typing import Any

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
  # Each block deduplicated before the joins: an entity is typed and labelled in every
  # document graph that mentions it, so joined raw, an entity of k graphs gives k^3 rows
  # (8 s instead of 0.1 s on 100k generated quads).
  { SELECT DISTINCT ?node ?class WHERE {
      ?node a ?class .
      FILTER(STRSTARTS(STR(?class), STR(la:)))
      FILTER(?class NOT IN (la:SourceDocument, la:Assertion, la:Evidence, la:ExtractionRule))
  } }
  { SELECT DISTINCT ?node ?label WHERE { ?node rdfs:label ?label } }
  OPTIONAL { SELECT DISTINCT ?node ?alias WHERE { ?node skos:altLabel ?alias } }
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
  # The statement node's triples sit in every graph that states the fact: deduplicated one
  # at a time (see queries/funders.rq), or a fact of k graphs gives k^4 rows to sort out.
  { SELECT DISTINCT ?a ?s ?p ?o WHERE {
      { SELECT DISTINCT ?a ?s ?p WHERE {
          { SELECT DISTINCT ?a ?s WHERE {
              ?a rdf:subject ?s . FILTER EXISTS { ?a a la:Assertion } } }
          ?a rdf:predicate ?p } }
      ?a rdf:object ?o } }
  { SELECT DISTINCT ?a ?evidence WHERE { ?a prov:wasDerivedFrom ?evidence } }
  # a quote names its document, a curator's statement (no quote) its curation entry
  { SELECT DISTINCT ?evidence ?sentence ?confidence ?ruleNode ?doc WHERE {
      ?evidence nif:anchorOf ?sentence ; la:confidence ?confidence ; la:rule ?ruleNode .
      { ?evidence prov:wasQuotedFrom ?doc } UNION { ?evidence prov:wasGeneratedBy ?doc } } }
  OPTIONAL { SELECT DISTINCT ?ruleNode ?ruleLabel WHERE {
      ?ruleNode <http://www.w3.org/2000/01/rdf-schema#label> ?ruleLabel } }
  BIND(COALESCE(?ruleLabel, REPLACE(STR(?ruleNode), "^.*/", "")) AS ?rule)
  OPTIONAL { SELECT DISTINCT ?doc ?title WHERE { ?doc dcterms:title ?title } }
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


INVOLVEMENT: tuple[str, ...] = ("fundedBy", "foundedBy", "operatedBy", "hasPartner")
"""The roles of an actor in an initiative (initiative as subject, actor as object)."""
DIFFUSION: tuple[str, ...] = ("inspiredBy", "diffusedTo")
"""The relations along which a model travels."""
INITIATIVE_CLASSES = frozenset({"Lab", "Programme"})
"""The concrete classes under la:Initiative."""
ACTOR_CLASSES = frozenset(
    {
        "LocalAuthority",
        "StateBody",
        "Association",
        "Foundation",
        "Company",
        "ResearchBody",
        "Network",
        "Person",
    }
)
"""The concrete classes under la:Actor."""

PROJECTIONS: dict[str, str] = {
    "bipartite": "initiatives and actors; an edge per involvement pair, with its roles",
    "initiatives": "initiatives; an edge when they share actors, weighted by how many",
    "actors": "actors; an edge when they are involved in the same initiatives, weighted",
    "diffusion": "directed inspiredBy/diffusedTo links (origin -> recipient) + shared actors",
    "full": "every relation of the 11 kinds, one directed edge per (subject, predicate, object)",
}
"""The NetworkX views of the graph, by name (see `AtlasNetwork.projection`)."""


@dataclass
class AtlasNetwork:
    """Entities and relations read from a store, ready to become NetworkX graphs.

    Every graph it gives keys nodes by IRI, with the attributes ``iri``, ``label``, ``cls``
    (local name of the class) and ``aliases``; every edge names the evidence behind it.
    """

    nodes: dict[str, NodeInfo]
    relations: list[RelationInfo]

    @classmethod
    def from_triples(
        cls,
        triples: Iterable[tuple[str, str, str]],
        classes: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> AtlasNetwork:
        """A network from plain ``(subject, predicate, object)`` triples, without evidence.

        For trying the projections and analyses on a hand-made example; a network read
        from a store comes from `load_network`.

        Parameters
        ----------
        triples : iterable of (str, str, str)
            Subject IRI, predicate local name (``fundedBy``), object IRI.
        classes, labels : dict, optional
            Class local name and label per IRI (the label defaults to the IRI's last part).

        Examples
        --------
        >>> net = AtlasNetwork.from_triples([("ex:booster", "fundedBy", "ex:hsbc")])
        >>> net.node("ex:hsbc").label, len(net.relations)
        ('hsbc', 1)
        """
        classes, labels = classes or {}, labels or {}
        relations = sorted({(s, p, o) for s, p, o in triples})
        iris = sorted({iri for s, _, o in relations for iri in (s, o)})
        nodes = {
            iri: NodeInfo(iri, labels.get(iri, _local_name(iri)), classes.get(iri, ""))
            for iri in iris
        }
        return cls(nodes, [RelationInfo(s, p, o) for s, p, o in relations])

    def node(self, iri: str) -> NodeInfo:
        """The entity behind an IRI (a bare one, labelled by its last part, if unknown)."""
        return self.nodes.get(iri) or NodeInfo(iri, _local_name(iri), "")

    @cached_property
    def evidence_by_iri(self) -> dict[str, EvidenceInfo]:
        """Every evidence record by its IRI, to turn the IRIs on edges back into sentences."""
        return {e.iri: e for r in self.relations for e in r.evidence}

    def select(
        self, predicates: Iterable[str] | None = None, min_confidence: float = 0.0
    ) -> list[RelationInfo]:
        """The relations of the given kinds whose best evidence reaches `min_confidence`."""
        wanted = None if predicates is None else frozenset(predicates)
        return [
            r
            for r in self.relations
            if (wanted is None or r.predicate in wanted) and r.confidence >= min_confidence
        ]

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
        for r in self.select(predicates, min_confidence):
            self._add_nodes(graph, r.subject, r.object)
            graph.add_edge(
                r.subject,
                r.object,
                key=r.predicate,
                predicate=r.predicate,
                confidence=r.confidence,
                evidence=list(r.evidence),
            )
        return graph

    def involvements(
        self, roles: Iterable[str] = INVOLVEMENT, min_confidence: float = 0.0
    ) -> dict[tuple[str, str], list[RelationInfo]]:
        """The (initiative, actor) pairs with the involvement relations that link them.

        The initiative is the subject of the relation, whatever its class: an association
        that has its own funders (Unis-Cité funded by HSBC) is in the initiative role for
        them, as in the query library's ``shared-partners``.
        """
        unknown = set(roles) - set(INVOLVEMENT)
        if unknown:
            raise ValueError(
                f"not an involvement role: {', '.join(sorted(unknown))}; "
                f"the roles are {', '.join(INVOLVEMENT)}"
            )
        pairs: dict[tuple[str, str], list[RelationInfo]] = {}
        for r in self.select(roles, min_confidence):
            pairs.setdefault((r.subject, r.object), []).append(r)
        return pairs

    def bipartite(
        self,
        roles: Iterable[str] = INVOLVEMENT,
        min_confidence: float = 0.0,
        initiatives_only: bool = False,
    ) -> nx.Graph:
        """The initiative–actor graph: who is involved in what, in which roles.

        Parameters
        ----------
        roles : iterable of str
            Involvement relations to keep (default: fundedBy, foundedBy, operatedBy,
            hasPartner).
        min_confidence : float
            Keep relations whose best evidence has at least this confidence.
        initiatives_only : bool
            Keep only pairs whose subject is a Lab or a Programme. Without it, an actor that
            has its own funders or founders (Unis-Cité funded by HSBC) keeps those edges,
            which join two actors, so the graph is then not strictly bipartite.

        Returns
        -------
        networkx.Graph
            One node per entity, ``bipartite`` 0 for Labs and Programmes, 1 for every other
            class. One edge per (initiative, actor) pair with ``initiative`` and ``actor``
            (the IRIs, as the edge itself is undirected), ``roles`` (sorted tuple of
            relation names), ``confidence`` (best of its relations) and ``evidence`` (tuple
            of evidence IRIs).

        Examples
        --------
        >>> net = AtlasNetwork.from_triples(
        ...     [("ex:booster", "fundedBy", "ex:hsbc"), ("ex:booster", "hasPartner", "ex:hsbc"),
        ...      ("ex:melting-potes", "operatedBy", "ex:unis-cite")],
        ...     classes={"ex:booster": "Programme", "ex:melting-potes": "Programme"})
        >>> g = net.bipartite()
        >>> g.edges["ex:hsbc", "ex:booster"]["roles"], g.nodes["ex:hsbc"]["bipartite"]
        (('fundedBy', 'hasPartner'), 1)
        """
        graph = nx.Graph(projection="bipartite", roles=tuple(roles), min_confidence=min_confidence)
        for (initiative, actor), relations in self.involvements(roles, min_confidence).items():
            if initiatives_only and self.node(initiative).entity_class not in INITIATIVE_CLASSES:
                continue
            self._add_nodes(graph, initiative, actor)
            graph.add_edge(
                initiative,
                actor,
                initiative=initiative,
                actor=actor,
                roles=tuple(sorted({r.predicate for r in relations})),
                confidence=max(r.confidence for r in relations),
                evidence=_evidence_iris(relations),
            )
        for iri in graph:
            graph.nodes[iri]["bipartite"] = int(graph.nodes[iri]["cls"] not in INITIATIVE_CLASSES)
        return graph

    def initiative_graph(
        self,
        roles: Iterable[str] = INVOLVEMENT,
        min_confidence: float = 0.0,
        hub_limit: int | None = None,
    ) -> nx.Graph:
        """Initiatives linked by the actors they share (one-mode projection of `bipartite`).

        Parameters
        ----------
        roles : iterable of str
            Involvement relations that count (default: all four).
        min_confidence : float
            Keep relations whose best evidence has at least this confidence.
        hub_limit : int, optional
            An actor involved in more initiatives than this links none of them (listed in
            ``graph.graph["hubs_skipped"]``). The projection has k(k-1)/2 edges per actor of
            k initiatives: on a million generated triples, one funder of 2,219 initiatives
            alone gives 2.5 million edges.

        Returns
        -------
        networkx.Graph
            Every entity in the initiative role (subject of an involvement) is a node, with
            or without shared actors. An edge joins two initiatives sharing at least one
            actor: ``weight`` (number of shared actors), ``shared`` (their IRIs) and
            ``evidence`` (IRIs of the evidence of both sides' involvements).

        Examples
        --------
        >>> net = AtlasNetwork.from_triples(
        ...     [("ex:booster", "fundedBy", "ex:hsbc"), ("ex:unis-cite", "fundedBy", "ex:hsbc"),
        ...      ("ex:booster", "hasPartner", "ex:asc"),
        ...      ("ex:melting-potes", "fundedBy", "ex:asc")])
        >>> g = net.initiative_graph()
        >>> sorted(g.edges(data="weight"))
        [('ex:booster', 'ex:melting-potes', 1), ('ex:booster', 'ex:unis-cite', 1)]
        """
        pairs = self.involvements(roles, min_confidence)
        graph = nx.Graph(
            projection="initiatives", roles=tuple(roles), min_confidence=min_confidence
        )
        self._add_nodes(graph, *sorted({initiative for initiative, _ in pairs}))
        _add_co_affiliations(graph, pairs, by_actor=True, hub_limit=hub_limit)
        return graph

    def actor_graph(
        self,
        roles: Iterable[str] = INVOLVEMENT,
        min_confidence: float = 0.0,
        hub_limit: int | None = None,
    ) -> nx.Graph:
        """Actors linked by the initiatives they are involved in together (co-involvement).

        Parameters
        ----------
        roles : iterable of str
            Involvement relations that count (default: all four).
        min_confidence : float
            Keep relations whose best evidence has at least this confidence.
        hub_limit : int, optional
            An initiative with more actors than this links none of them (listed in
            ``graph.graph["hubs_skipped"]``).

        Returns
        -------
        networkx.Graph
            Every entity in the actor role (object of an involvement) is a node. An edge joins
            two actors involved in at least one common initiative: ``weight`` (number of
            common initiatives), ``shared`` (their IRIs) and ``evidence`` (evidence IRIs).

        Examples
        --------
        >>> net = AtlasNetwork.from_triples(
        ...     [("ex:booster", "fundedBy", "ex:hsbc"), ("ex:booster", "hasPartner", "ex:asc"),
        ...      ("ex:melting-potes", "fundedBy", "ex:asc")])
        >>> g = net.actor_graph()
        >>> g.edges["ex:asc", "ex:hsbc"]["shared"], g.number_of_nodes()
        (('ex:booster',), 2)
        """
        pairs = self.involvements(roles, min_confidence)
        graph = nx.Graph(projection="actors", roles=tuple(roles), min_confidence=min_confidence)
        self._add_nodes(graph, *sorted({actor for _, actor in pairs}))
        _add_co_affiliations(graph, pairs, by_actor=False, hub_limit=hub_limit)
        return graph

    def diffusion_graph(
        self,
        min_confidence: float = 0.0,
        shared_actors: bool = True,
        roles: Iterable[str] = INVOLVEMENT,
        hub_limit: int | None = None,
    ) -> nx.MultiDiGraph:
        """How models travel: origin -> recipient, plus the actors initiatives share.

        Parameters
        ----------
        min_confidence : float
            Keep relations whose best evidence has at least this confidence.
        shared_actors : bool
            Also link every two initiatives that share actors (channels a model may have
            travelled through), as a separate edge kind.
        roles : iterable of str
            Involvement relations that make two initiatives share an actor.
        hub_limit : int, optional
            As in `initiative_graph`: actors of more initiatives than this link none.

        Returns
        -------
        networkx.MultiDiGraph
            Edges of ``kind`` "diffusion" read origin -> recipient whatever the stated
            direction ("B inspiredBy A" and "A diffusedTo B" are both A -> B); they carry
            ``predicate`` (as stated), ``confidence`` and ``evidence`` (IRIs). Edges of
            ``kind`` "shared-actors" come in both directions between two initiatives, with
            ``weight``, ``shared`` and ``evidence`` as in `initiative_graph`; they are
            keyed "shared-actors", diffusion edges by their predicate.

        Examples
        --------
        >>> net = AtlasNetwork.from_triples(
        ...     [("ex:maia", "inspiredBy", "ex:quebec"), ("ex:maia", "diffusedTo", "ex:france")])
        >>> sorted((u, v) for u, v, k in net.diffusion_graph().edges(data="kind"))
        [('ex:maia', 'ex:france'), ('ex:quebec', 'ex:maia')]
        """
        graph = nx.MultiDiGraph(projection="diffusion", min_confidence=min_confidence)
        for r in self.select(DIFFUSION, min_confidence):
            origin, recipient = _diffusion_direction(r)
            self._add_nodes(graph, origin, recipient)
            graph.add_edge(
                origin,
                recipient,
                key=r.predicate,
                kind="diffusion",
                predicate=r.predicate,
                confidence=r.confidence,
                evidence=_evidence_iris([r]),
            )
        if shared_actors:
            shared = self.initiative_graph(roles, min_confidence, hub_limit)
            graph.graph["hubs_skipped"] = shared.graph["hubs_skipped"]
            for a, b, data in shared.edges(data=True):
                self._add_nodes(graph, a, b)
                for u, v in ((a, b), (b, a)):
                    graph.add_edge(u, v, key="shared-actors", kind="shared-actors", **data)
        return graph

    def projection(self, kind: str, **options: Any) -> nx.Graph:
        """One of the NetworkX views by name (see `PROJECTIONS`).

        Parameters
        ----------
        kind : str
            ``bipartite``, ``initiatives``, ``actors``, ``diffusion`` or ``full``.
        **options
            Passed to the method that builds it (`bipartite`, `initiative_graph`,
            `actor_graph`, `diffusion_graph`, `multigraph`).

        Examples
        --------
        >>> net = AtlasNetwork.from_triples([("ex:booster", "fundedBy", "ex:hsbc")])
        >>> net.projection("actors").number_of_nodes()
        1
        """
        builders = {
            "bipartite": self.bipartite,
            "initiatives": self.initiative_graph,
            "actors": self.actor_graph,
            "diffusion": self.diffusion_graph,
            "full": self.multigraph,
        }
        if kind not in builders:
            raise ValueError(f"unknown projection {kind!r}; choose one of {', '.join(builders)}")
        return builders[kind](**options)

    def _add_nodes(self, graph: nx.Graph, *iris: str) -> None:
        for iri in iris:
            if iri not in graph:
                info = self.node(iri)
                graph.add_node(
                    iri, iri=iri, label=info.label, cls=info.entity_class, aliases=info.aliases
                )


def _local_name(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1].rsplit(":", 1)[-1]


def _evidence_iris(relations: Iterable[RelationInfo]) -> tuple[str, ...]:
    return tuple(sorted({e.iri for r in relations for e in r.evidence}))


def _diffusion_direction(relation: RelationInfo) -> tuple[str, str]:
    """(origin, recipient) of a diffusion relation, whichever way it was stated."""
    if relation.predicate == "inspiredBy":
        return relation.object, relation.subject
    return relation.subject, relation.object


def _add_co_affiliations(
    graph: nx.Graph,
    pairs: dict[tuple[str, str], list[RelationInfo]],
    by_actor: bool,
    hub_limit: int | None,
) -> None:
    """Link the members of each group: initiatives grouped by actor, or actors by initiative.

    A group of k members gives k(k-1)/2 edges, so the work is done once per (member, group)
    and the per-pair loop only collects group names.
    """
    groups: dict[str, list[str]] = {}
    evidence_of: dict[tuple[str, str], tuple[str, ...]] = {}
    for (initiative, actor), relations in pairs.items():
        key, member = (actor, initiative) if by_actor else (initiative, actor)
        groups.setdefault(key, []).append(member)
        evidence_of[(member, key)] = _evidence_iris(relations)
    hubs = {
        k for k, members in groups.items() if hub_limit is not None and len(members) > hub_limit
    }
    graph.graph["hubs_skipped"] = tuple(sorted(hubs))
    shared: dict[tuple[str, str], list[str]] = {}
    for key in sorted(groups.keys() - hubs):
        for a, b in combinations(sorted(groups[key]), 2):
            shared.setdefault((a, b), []).append(key)
    graph.add_edges_from(
        (
            a,
            b,
            {
                "weight": len(keys),
                "shared": tuple(keys),
                "evidence": tuple(
                    sorted({e for k in keys for e in evidence_of[(a, k)] + evidence_of[(b, k)]})
                ),
            },
        )
        for (a, b), keys in shared.items()
    )


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
            sorted(a for a in (row["aliases"].value if row["aliases"] else "").split("\x1f") if a)
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
                document=row["doc"].value if row["doc"] else "",
                title=row["title"].value if row["title"] else "",
                confidence=float(row["confidence"].value),
                rule=row["rule"].value,
            )
        )
    ordered = [relations[k] for k in sorted(relations)]
    for relation in ordered:
        relation.evidence.sort(key=lambda e: e.iri)
    return AtlasNetwork(nodes, ordered)


GRAPH_FORMATS: dict[str, str] = {".graphml": "GraphML", ".gexf": "GEXF"}
"""The files `write_graph` can write, by suffix (both open in Gephi)."""


def write_graph(graph: nx.Graph, path: Path) -> None:
    """Write a graph as GraphML or GEXF (by the file's suffix) for Gephi and other tools.

    Attributes those formats cannot hold are flattened: tuples and lists become one string
    joined by " | " (evidence records by their IRI), missing values an empty string.

    Parameters
    ----------
    graph : networkx graph
        Any graph of `AtlasNetwork`.
    path : Path
        Ends in ``.graphml`` or ``.gexf``.

    Raises
    ------
    ValueError
        Another suffix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> net = AtlasNetwork.from_triples([("ex:booster", "fundedBy", "ex:hsbc")])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "booster.gexf"
    >>> write_graph(net.bipartite(), path)
    >>> sorted(nx.read_gexf(path).nodes(data="label"))
    [('ex:booster', 'booster'), ('ex:hsbc', 'hsbc')]
    """
    suffix = path.suffix.lower()
    if suffix not in GRAPH_FORMATS:
        raise ValueError(f"{path}: write .graphml or .gexf, not {suffix or 'no suffix'}")
    flat = _flattened(graph)
    if suffix == ".graphml":
        nx.write_graphml(flat, path)
    else:
        nx.write_gexf(flat, path)


def _flattened(graph: nx.Graph) -> nx.Graph:
    flat = graph.__class__()
    flat.graph.update({k: _flat(v) for k, v in graph.graph.items()})
    flat.add_nodes_from((n, {k: _flat(v) for k, v in d.items()}) for n, d in graph.nodes(data=True))
    if graph.is_multigraph():
        flat.add_edges_from(
            (u, v, key, {k: _flat(x) for k, x in d.items()})
            for u, v, key, d in graph.edges(keys=True, data=True)
        )
    else:
        flat.add_edges_from(
            (u, v, {k: _flat(x) for k, x in d.items()}) for u, v, d in graph.edges(data=True)
        )
    return flat


def _flat(value: object) -> str | int | float | bool:
    if isinstance(value, bool | int | float | str):
        return value
    if value is None:
        return ""
    if isinstance(value, EvidenceInfo):
        return value.iri
    if isinstance(value, set | frozenset):
        value = sorted(value, key=str)
    if isinstance(value, list | tuple):
        return " | ".join(str(_flat(v)) for v in value)
    return str(value)
