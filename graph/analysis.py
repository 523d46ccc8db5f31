"""Network analyses for researchers: shared partners, brokers, communities, similar
initiatives, paths, diffusion cascades and ego networks.

Every analysis reads an `AtlasNetwork` (see `labatlas.graph.network`) and returns a frozen
dataclass; ``records()`` flattens it into rows (a `QueryResult`, labels first, IRIs after)
for CSV or a data frame, and `plain` turns it into JSON-ready data. Entities are named by
IRI here; `find_node` turns a label, alias or IRI typed by a user into the entity.

Examples
--------
>>> from labatlas.graph.network import AtlasNetwork
>>> net = AtlasNetwork.from_triples(
...     [("ex:booster", "fundedBy", "ex:asc"), ("ex:melting-potes", "hasPartner", "ex:asc"),
...      ("ex:booster", "operatedBy", "ex:unis-cite")],
...     labels={"ex:asc": "Agence du Service Civique"})
>>> [(p.actor.label, p.count) for p in shared_partners(net).partners]
[('Agence du Service Civique', 2)]
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from itertools import islice, pairwise

import networkx as nx
from pyoxigraph import Store

from labatlas.queries.library import QueryError, QueryResult, find_entity

from .network import (
    ACTOR_CLASSES,
    DIFFUSION,
    INITIATIVE_CLASSES,
    INVOLVEMENT,
    AtlasNetwork,
    EvidenceInfo,
    NodeInfo,
    RelationInfo,
)

VIA: dict[str, tuple[str, ...] | None] = {
    "diffusion": DIFFUSION,
    "partners": INVOLVEMENT,
    "any": None,
}
"""The relations a path may follow, by the name of ``--via`` (None: all 11 kinds)."""
COMMUNITY_PROJECTIONS = ("bipartite", "initiatives", "actors", "full")
"""The projections brokers and communities are computed on."""
KINDS: dict[str, frozenset[str] | None] = {
    "all": None,
    "initiatives": INITIATIVE_CLASSES,
    "actors": ACTOR_CLASSES,
}
"""Which brokers to list, by class (betweenness is always computed on the whole graph)."""
FACETS: dict[str, tuple[str, ...]] = {
    "partners": INVOLVEMENT,
    "methods": ("usesMethod",),
    "beneficiaries": ("hasBeneficiary",),
}
"""What two initiatives are compared on in `similar`, and the relations behind each."""


class AnalysisError(ValueError):
    """An analysis cannot run on what was asked (the message says why, in one line)."""


# --------------------------------------------------------------------------- entities


def find_node(store: Store, network: AtlasNetwork, name: str) -> NodeInfo:
    """The entity a user means by a label, an alias or an IRI.

    Parameters
    ----------
    store : pyoxigraph.Store
        Where labels and aliases are looked up (`labatlas.queries.find_entity`).
    network : AtlasNetwork
    name : str

    Returns
    -------
    NodeInfo

    Raises
    ------
    QueryError
        No entity or several have that name; the message lists close matches.
    """
    if re.match(r"^[a-z][\w+.-]*://", name):
        if name in network.nodes:
            return network.nodes[name]
        close = difflib.get_close_matches(name, list(network.nodes), n=5, cutoff=0.8)
        hint = f"; close matches: {', '.join(close)}" if close else ""
        raise QueryError(f"no entity with the IRI {name}{hint}")
    return network.node(find_entity(store, name).value)


@dataclass(frozen=True)
class Link:
    """One relation as stated (subject, predicate, object), without its evidence."""

    subject: NodeInfo
    predicate: str
    object: NodeInfo

    @property
    def text(self) -> str:
        """``Booster fundedBy HSBC``."""
        return f"{self.subject.label} {self.predicate} {self.object.label}"

    def other(self, iri: str) -> NodeInfo:
        """The end that is not `iri`."""
        return self.object if self.subject.iri == iri else self.subject


def links_of(network: AtlasNetwork, iri: str, min_confidence: float = 0.0) -> tuple[Link, ...]:
    """Every relation of an entity, whichever end it is.

    Examples
    --------
    >>> from labatlas.graph.network import AtlasNetwork
    >>> net = AtlasNetwork.from_triples([("ex:booster", "fundedBy", "ex:hsbc")])
    >>> [link.text for link in links_of(net, "ex:hsbc")]
    ['booster fundedBy hsbc']
    """
    links = [
        Link(network.node(r.subject), r.predicate, network.node(r.object))
        for r in network.select(None, min_confidence)
        if iri in (r.subject, r.object)
    ]
    return tuple(
        sorted(links, key=lambda k: (k.predicate, k.subject.iri != iri, k.other(iri).label))
    )


# --------------------------------------------------------------------------- shared partners


@dataclass(frozen=True)
class Involvement:
    """An initiative an actor is involved in, and the actor's roles there."""

    initiative: NodeInfo
    roles: tuple[str, ...]


@dataclass(frozen=True)
class SharedPartner:
    """An actor and the initiatives it is involved in."""

    actor: NodeInfo
    involvements: tuple[Involvement, ...]

    @property
    def count(self) -> int:
        """How many initiatives."""
        return len(self.involvements)

    @property
    def roles(self) -> tuple[str, ...]:
        """All its roles, whatever the initiative."""
        return tuple(sorted({role for i in self.involvements for role in i.roles}))


@dataclass(frozen=True)
class SharedPartners:
    """Actors involved in at least `min_initiatives` initiatives, most shared first."""

    partners: tuple[SharedPartner, ...]
    min_initiatives: int
    roles: tuple[str, ...]
    min_confidence: float

    def records(self) -> QueryResult:
        """One row per actor (column names as in the ``shared-partners`` query)."""
        columns = (
            "actorLabel",
            "class",
            "initiatives",
            "initiativeLabels",
            "roles",
            "involvements",
            "actor",
            "initiativeIris",
        )
        rows = tuple(
            (
                p.actor.label,
                p.actor.entity_class,
                p.count,
                tuple(i.initiative.label for i in p.involvements),
                p.roles,
                tuple(f"{i.initiative.label}: {'+'.join(i.roles)}" for i in p.involvements),
                p.actor.iri,
                tuple(i.initiative.iri for i in p.involvements),
            )
            for p in self.partners
        )
        return QueryResult(columns, rows)


def shared_partners(
    network: AtlasNetwork,
    min_initiatives: int = 2,
    roles: Iterable[str] = INVOLVEMENT,
    min_confidence: float = 0.0,
) -> SharedPartners:
    """Actors ranked by the number of initiatives they are involved in.

    Parameters
    ----------
    network : AtlasNetwork
    min_initiatives : int
        Keep actors involved in at least this many initiatives.
    roles : iterable of str
        Involvement relations that count (fundedBy, foundedBy, operatedBy, hasPartner).
    min_confidence : float
        Keep relations whose best evidence has at least this confidence.

    Returns
    -------
    SharedPartners
        Ranked by number of initiatives, then label; each actor with its initiatives and
        its roles in each. Same answer as the ``shared-partners`` query when all roles count.
    """
    roles = tuple(roles)
    graph = network.bipartite(roles, min_confidence)
    by_actor: dict[str, list[Involvement]] = {}
    for _, _, edge in graph.edges(data=True):
        involvement = Involvement(network.node(edge["initiative"]), edge["roles"])
        by_actor.setdefault(edge["actor"], []).append(involvement)
    partners = [
        SharedPartner(network.node(actor), tuple(sorted(items, key=lambda i: _order(i.initiative))))
        for actor, items in by_actor.items()
        if len(items) >= min_initiatives
    ]
    partners.sort(key=lambda p: (-p.count, *_order(p.actor)))
    return SharedPartners(tuple(partners), min_initiatives, roles, min_confidence)


def _order(node: NodeInfo) -> tuple[str, str]:
    return (node.label, node.iri)


# --------------------------------------------------------------------------- communities


@dataclass(frozen=True)
class Community:
    """A group of densely linked entities, described by what its members have in common.

    ``classes``, ``places`` and ``methods`` are (label, number of members) pairs, most
    frequent first: the members' classes, the places they are located in (or are), the
    methods they use (or are).
    """

    index: int
    members: tuple[NodeInfo, ...]
    classes: tuple[tuple[str, int], ...]
    places: tuple[tuple[str, int], ...]
    methods: tuple[tuple[str, int], ...]

    @property
    def name(self) -> str:
        """Its best connected member, and how many others: ``Booster +9``."""
        rest = len(self.members) - 1
        return self.members[0].label + (f" +{rest}" if rest else "")

    @property
    def description(self) -> str:
        """Dominant classes, places and methods in a few words."""
        parts = [", ".join(f"{n} {label}" for label, n in self.classes[:3])]
        for title, counts in (("places", self.places), ("methods", self.methods)):
            if counts:
                parts.append(f"{title}: " + ", ".join(f"{lbl} ({n})" for lbl, n in counts[:3]))
        return "; ".join(parts)


@dataclass(frozen=True)
class CommunityPartition:
    """Louvain communities of one projection, largest first, with the partition's modularity."""

    projection: str
    seed: int
    resolution: float
    modularity: float
    communities: tuple[Community, ...]

    def index_of(self, iri: str) -> int:
        """The community of an entity (0 when it is not in the projection)."""
        for community in self.communities:
            if any(m.iri == iri for m in community.members):
                return community.index
        return 0

    def records(self) -> QueryResult:
        """One row per member: community, its size and description, the member."""
        columns = ("community", "size", "memberLabel", "class", "description", "member")
        rows = tuple(
            (c.index, len(c.members), m.label, m.entity_class, c.description, m.iri)
            for c in self.communities
            for m in c.members
        )
        return QueryResult(columns, rows)


def communities(
    network: AtlasNetwork,
    projection: str = "bipartite",
    seed: int = 42,
    resolution: float = 1.0,
    min_confidence: float = 0.0,
) -> CommunityPartition:
    """Modularity communities (Louvain, fixed seed) of a projection.

    Parameters
    ----------
    network : AtlasNetwork
    projection : str
        ``bipartite``, ``initiatives``, ``actors`` or ``full`` (all relations, undirected).
    seed : int
        Louvain visits nodes in a random order: the same seed gives the same communities.
    resolution : float
        Above 1 favours smaller communities, below 1 larger ones.
    min_confidence : float
        Keep relations whose best evidence has at least this confidence.

    Returns
    -------
    CommunityPartition
        Communities numbered from 1 by decreasing size; members by decreasing degree.

    Examples
    --------
    >>> from labatlas.graph.network import AtlasNetwork
    >>> net = AtlasNetwork.from_triples(
    ...     [("ex:a", "fundedBy", "ex:x"), ("ex:b", "fundedBy", "ex:x"),
    ...      ("ex:c", "fundedBy", "ex:y"), ("ex:d", "fundedBy", "ex:y")])
    >>> [c.name for c in communities(net).communities]
    ['x +2', 'y +2']
    """
    graph = undirected_projection(network, projection, min_confidence)
    groups = nx.community.louvain_communities(
        graph, weight="weight", resolution=resolution, seed=seed
    )
    modularity = (
        nx.community.modularity(graph, groups, weight="weight", resolution=resolution)
        if graph.number_of_edges()
        else 0.0
    )
    degree = dict(graph.degree(weight="weight"))
    ordered = sorted(
        (sorted(group, key=lambda n: (-degree[n], *_order(network.node(n)))) for group in groups),
        key=lambda members: (-len(members), *_order(network.node(members[0]))),
    )
    places = _linked_labels(network, "locatedIn", "Place", min_confidence)
    methods = _linked_labels(network, "usesMethod", "Method", min_confidence)
    described = tuple(
        _describe(network, index, members, places, methods)
        for index, members in enumerate(ordered, start=1)
    )
    return CommunityPartition(projection, seed, resolution, modularity, described)


def undirected_projection(
    network: AtlasNetwork, projection: str, min_confidence: float = 0.0
) -> nx.Graph:
    """A projection as a simple undirected graph (``full``: weight = relations per pair)."""
    if projection not in COMMUNITY_PROJECTIONS:
        raise AnalysisError(
            f"unknown projection '{projection}'; choose one of {', '.join(COMMUNITY_PROJECTIONS)}"
        )
    if projection != "full":
        return network.projection(projection, min_confidence=min_confidence)
    full = network.multigraph(min_confidence=min_confidence)
    graph = nx.Graph(projection="full", min_confidence=min_confidence)
    graph.add_nodes_from(full.nodes(data=True))
    for u, v in full.edges():
        if u != v:
            weight = graph.edges[u, v]["weight"] + 1 if graph.has_edge(u, v) else 1
            graph.add_edge(u, v, weight=weight)
    return graph


def _linked_labels(
    network: AtlasNetwork, predicate: str, own_class: str, min_confidence: float
) -> dict[str, set[str]]:
    """Per entity, the labels of what it is linked to by `predicate` (itself if of `own_class`)."""
    linked: dict[str, set[str]] = {
        iri: {node.label} for iri, node in network.nodes.items() if node.entity_class == own_class
    }
    for r in network.select((predicate,), min_confidence):
        linked.setdefault(r.subject, set()).add(network.node(r.object).label)
    return linked


def _describe(
    network: AtlasNetwork,
    index: int,
    members: list[str],
    places: dict[str, set[str]],
    methods: dict[str, set[str]],
) -> Community:
    nodes = tuple(network.node(m) for m in members)
    classes = Counter(n.entity_class or "unknown" for n in nodes)
    place_counts = Counter(label for m in members for label in places.get(m, ()))
    method_counts = Counter(label for m in members for label in methods.get(m, ()))
    return Community(index, nodes, _ranked(classes), _ranked(place_counts), _ranked(method_counts))


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


# --------------------------------------------------------------------------- brokers


@dataclass(frozen=True)
class Broker:
    """An entity on many shortest paths between others, and the communities it touches.

    ``betweenness`` is normalised to [0, 1] (share of the pairs of other entities whose
    shortest paths run through it); ``raw_betweenness`` is the unnormalised sum.
    ``connects`` lists the communities of the broker and of its neighbours.
    """

    node: NodeInfo
    betweenness: float
    raw_betweenness: float
    degree: int
    community: int
    connects: tuple[int, ...]


@dataclass(frozen=True)
class BrokerReport:
    """Entities ranked by betweenness on one projection, with its communities."""

    projection: str
    kind: str
    brokers: tuple[Broker, ...]
    partition: CommunityPartition
    nodes: int
    edges: int
    sample: int | None
    seed: int

    def records(self) -> QueryResult:
        """One row per broker, best first."""
        columns = (
            "rank",
            "label",
            "class",
            "betweenness",
            "rawBetweenness",
            "degree",
            "community",
            "communitiesConnected",
            "connects",
            "iri",
        )
        names = {c.index: c.name for c in self.partition.communities}
        rows = tuple(
            (
                rank,
                b.node.label,
                b.node.entity_class,
                b.betweenness,
                b.raw_betweenness,
                b.degree,
                b.community,
                len(b.connects),
                tuple(f"{i}: {names[i]}" for i in b.connects),
                b.node.iri,
            )
            for rank, b in enumerate(self.brokers, start=1)
        )
        return QueryResult(columns, rows)


def brokers(
    network: AtlasNetwork,
    projection: str = "bipartite",
    sample: int | None = None,
    seed: int = 42,
    min_confidence: float = 0.0,
    top: int | None = None,
    kind: str = "all",
) -> BrokerReport:
    """Betweenness centrality on a projection, with the communities each broker connects.

    Parameters
    ----------
    network : AtlasNetwork
    projection : str
        ``bipartite`` (default), ``initiatives``, ``actors`` or ``full``.
    sample : int, optional
        Estimate betweenness from this many source nodes (``k`` of NetworkX) instead of all:
        exact betweenness is O(nodes x edges) and takes tens of seconds above ~3,000 nodes.
    seed : int
        Seed of the sample and of the Louvain communities.
    min_confidence : float
        Keep relations whose best evidence has at least this confidence.
    top : int, optional
        Keep only the first brokers.
    kind : str
        List ``all`` entities, only ``initiatives`` (Labs, Programmes) or only ``actors``.

    Returns
    -------
    BrokerReport
        Entities with a betweenness above zero, highest first; hop counts, unweighted.

    Examples
    --------
    >>> from labatlas.graph.network import AtlasNetwork
    >>> net = AtlasNetwork.from_triples(
    ...     [("ex:a", "fundedBy", "ex:x"), ("ex:b", "fundedBy", "ex:x"),
    ...      ("ex:b", "fundedBy", "ex:y")])
    >>> [(b.node.label, round(b.betweenness, 3)) for b in brokers(net).brokers]
    [('b', 0.667), ('x', 0.667)]
    """
    if kind not in KINDS:
        raise AnalysisError(f"unknown kind '{kind}'; choose one of {', '.join(KINDS)}")
    classes = KINDS[kind]
    graph = undirected_projection(network, projection, min_confidence)
    n = graph.number_of_nodes()
    k = sample if sample is not None and sample < n else None
    raw = nx.betweenness_centrality(graph, k=k, normalized=False, seed=seed if k else None)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    partition = communities(network, projection, seed, min_confidence=min_confidence)
    membership = {m.iri: c.index for c in partition.communities for m in c.members}
    found = [
        Broker(
            network.node(iri),
            value * scale,
            value,
            graph.degree(iri),
            membership[iri],
            tuple(sorted({membership[iri]} | {membership[v] for v in graph[iri]})),
        )
        for iri, value in raw.items()
        if value > 0 and (classes is None or network.node(iri).entity_class in classes)
    ]
    found.sort(key=lambda b: (-b.raw_betweenness, *_order(b.node)))
    return BrokerReport(
        projection,
        kind,
        tuple(found[:top] if top is not None else found),
        partition,
        n,
        graph.number_of_edges(),
        k,
        seed,
    )


# --------------------------------------------------------------------------- similar


@dataclass(frozen=True)
class Overlap:
    """What two initiatives share on one facet (partners, methods or beneficiaries)."""

    facet: str
    shared: tuple[NodeInfo, ...]
    union: int

    @property
    def jaccard(self) -> float:
        """Shared over all, 0 when neither has any."""
        return len(self.shared) / self.union if self.union else 0.0


@dataclass(frozen=True)
class Similarity:
    """Another initiative and its overlap with the one compared."""

    node: NodeInfo
    jaccard: float
    shared: int
    facets: tuple[Overlap, ...]

    def facet(self, name: str) -> Overlap:
        """The overlap on one facet."""
        return next(f for f in self.facets if f.facet == name)


@dataclass(frozen=True)
class SimilarInitiatives:
    """Initiatives ranked by their overlap with `target`."""

    target: NodeInfo
    similar: tuple[Similarity, ...]
    min_confidence: float

    def records(self) -> QueryResult:
        """One row per similar initiative, most similar first."""
        columns = ["label", "class", "jaccard", "shared"]
        for name in FACETS:
            columns += [name, f"{name}Jaccard", f"shared{name.title()}"]
        columns.append("iri")
        rows = []
        for s in self.similar:
            row: list[object] = [s.node.label, s.node.entity_class, s.jaccard, s.shared]
            for name in FACETS:
                overlap = s.facet(name)
                row += [
                    len(overlap.shared),
                    overlap.jaccard,
                    tuple(n.label for n in overlap.shared),
                ]
            rows.append((*row, s.node.iri))
        return QueryResult(tuple(columns), tuple(rows))


def similar(network: AtlasNetwork, target: str, min_confidence: float = 0.0) -> SimilarInitiatives:
    """Initiatives ranked by the partners, methods and beneficiaries they share with `target`.

    Parameters
    ----------
    network : AtlasNetwork
    target : str
        IRI of the initiative.
    min_confidence : float
        Keep relations whose best evidence has at least this confidence.

    Returns
    -------
    SimilarInitiatives
        Initiatives sharing at least one thing, by decreasing Jaccard index on all facets
        together (shared / all distinct partners, methods and beneficiaries of the two),
        then by number shared; with the overlap on each facet.

    Raises
    ------
    AnalysisError
        The target has no partner, method or beneficiary to compare.

    Examples
    --------
    >>> from labatlas.graph.network import AtlasNetwork
    >>> net = AtlasNetwork.from_triples(
    ...     [("ex:a", "usesMethod", "ex:design"), ("ex:a", "fundedBy", "ex:x"),
    ...      ("ex:b", "usesMethod", "ex:design"), ("ex:b", "usesMethod", "ex:nudge")])
    >>> [(s.node.label, round(s.jaccard, 2)) for s in similar(net, "ex:a").similar]
    [('b', 0.33)]
    """
    features = _features(network, min_confidence)
    mine = features.get(target, set())
    if not mine:
        raise AnalysisError(
            f"{network.node(target).label} has no partner, method or beneficiary to compare"
        )
    found = [
        _similarity(network, other, mine, theirs)
        for other, theirs in features.items()
        if other != target and mine & theirs
    ]
    found.sort(key=lambda s: (-s.jaccard, -s.shared, *_order(s.node)))
    return SimilarInitiatives(network.node(target), tuple(found), min_confidence)


def _features(network: AtlasNetwork, min_confidence: float) -> dict[str, set[tuple[str, str]]]:
    """Per initiative, its (facet, IRI) pairs."""
    facet_of = {p: facet for facet, predicates in FACETS.items() for p in predicates}
    features: dict[str, set[tuple[str, str]]] = {}
    for r in network.select(facet_of, min_confidence):
        features.setdefault(r.subject, set()).add((facet_of[r.predicate], r.object))
    return features


def _similarity(
    network: AtlasNetwork,
    other: str,
    mine: set[tuple[str, str]],
    theirs: set[tuple[str, str]],
) -> Similarity:
    shared = mine & theirs
    facets = tuple(
        Overlap(
            name,
            tuple(sorted((network.node(i) for f, i in shared if f == name), key=_order)),
            len({i for f, i in mine | theirs if f == name}),
        )
        for name in FACETS
    )
    return Similarity(network.node(other), len(shared) / len(mine | theirs), len(shared), facets)


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class Statement:
    """One relation as stated in the texts, with the sentences that support it."""

    subject: NodeInfo
    predicate: str
    object: NodeInfo
    confidence: float
    evidence: tuple[EvidenceInfo, ...]


@dataclass(frozen=True)
class Hop:
    """A step of a path, from `start` to `end`, through one or more relations."""

    start: NodeInfo
    end: NodeInfo
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class EntityPath:
    """A path between two entities, hop by hop."""

    hops: tuple[Hop, ...]

    @property
    def length(self) -> int:
        """Number of hops."""
        return len(self.hops)

    @property
    def labels(self) -> tuple[str, ...]:
        """The entities along the path, by label."""
        return (self.hops[0].start.label, *(hop.end.label for hop in self.hops))


@dataclass(frozen=True)
class PathReport:
    """The paths between two entities, or why there is none and what each end touches."""

    source: NodeInfo
    target: NodeInfo
    via: str
    max_length: int
    avoid: tuple[str, ...]
    paths: tuple[EntityPath, ...]
    reason: str
    source_links: tuple[Link, ...]
    target_links: tuple[Link, ...]

    def records(self) -> QueryResult:
        """One row per relation of each hop of each path."""
        columns = (
            "path",
            "hop",
            "fromLabel",
            "relation",
            "direction",
            "toLabel",
            "sentence",
            "confidence",
            "document",
            "from",
            "to",
            "evidence",
        )
        rows = tuple(
            (
                number,
                step,
                hop.start.label,
                s.predicate,
                "forward" if s.subject.iri == hop.start.iri else "backward",
                hop.end.label,
                _best(s.evidence).sentence if s.evidence else "",
                s.confidence,
                _best(s.evidence).document if s.evidence else "",
                hop.start.iri,
                hop.end.iri,
                tuple(e.iri for e in s.evidence),
            )
            for number, path in enumerate(self.paths, start=1)
            for step, hop in enumerate(path.hops, start=1)
            for s in hop.statements
        )
        return QueryResult(columns, rows)


def _best(evidence: tuple[EvidenceInfo, ...]) -> EvidenceInfo:
    return max(evidence, key=lambda e: (e.confidence, -len(e.sentence)))


def paths(
    network: AtlasNetwork,
    source: str,
    target: str,
    max_length: int = 4,
    via: str = "any",
    limit: int = 5,
    min_confidence: float = 0.0,
    avoid: Iterable[str] = (),
) -> PathReport:
    """The shortest paths between two entities, with every hop's relations and sentences.

    Parameters
    ----------
    network : AtlasNetwork
    source, target : str
        IRIs of the two ends.
    max_length : int
        Longest path, in hops.
    via : str
        ``diffusion``: inspiredBy/diffusedTo only, followed from origin to recipient;
        ``partners``: the four involvement relations, either way; ``any``: all relations,
        either way.
    limit : int
        At most this many paths, shortest first.
    min_confidence : float
        Keep relations whose best evidence has at least this confidence.
    avoid : iterable of str
        Classes a path may not go through (``Method``, ``Place``...: hubs that make every
        two entities look close); the two ends are always allowed.

    Returns
    -------
    PathReport
        When there is no path, ``reason`` says why (an end has no such relation, the ends
        are in separate parts of the graph, or the shortest path is longer than
        `max_length`; and how long the shortest path over all relations is) and the links
        of both ends show what each is connected to.

    Examples
    --------
    >>> from labatlas.graph.network import AtlasNetwork
    >>> net = AtlasNetwork.from_triples(
    ...     [("ex:transfo", "operatedBy", "ex:27e"), ("ex:reacteur", "operatedBy", "ex:27e")])
    >>> paths(net, "ex:transfo", "ex:reacteur", via="partners").paths[0].labels
    ('transfo', '27e', 'reacteur')
    >>> for part in paths(net, "ex:transfo", "ex:reacteur", via="diffusion").reason.split("; "):
    ...     print(part)
    transfo and reacteur have no diffusion relation (inspiredBy, diffusedTo)
    over all relations (--via any) the shortest path has 2 hops
    """
    if via not in VIA:
        raise AnalysisError(f"unknown --via '{via}'; choose one of {', '.join(VIA)}")
    if source == target:
        raise AnalysisError(f"FROM and TO are the same entity ({network.node(source).label})")
    avoid = tuple(sorted(set(avoid)))
    graph, statements = _path_graph(network, via, min_confidence)
    graph.remove_nodes_from(
        [
            n
            for n in list(graph)
            if n not in (source, target) and network.node(n).entity_class in avoid
        ]
    )
    found = tuple(
        EntityPath(tuple(_hop(network, statements, a, b) for a, b in pairwise(p)))
        for p in islice(_simple_paths(graph, source, target, max_length), limit)
    )
    reason = ""
    if not found:
        reason = _why_no_path(network, graph, source, target, via, max_length)
        if via != "any" or avoid:
            reason += "; " + _any_path_hint(network, source, target, min_confidence)
    return PathReport(
        network.node(source),
        network.node(target),
        via,
        max_length,
        avoid,
        found,
        reason,
        () if found else links_of(network, source, min_confidence),
        () if found else links_of(network, target, min_confidence),
    )


def _path_graph(
    network: AtlasNetwork, via: str, min_confidence: float
) -> tuple[nx.Graph, dict[frozenset[str], list[RelationInfo]]]:
    """The graph a path may follow, and the relations between each pair of its nodes."""
    relations = network.select(VIA[via], min_confidence)
    graph: nx.Graph = nx.DiGraph() if via == "diffusion" else nx.Graph()
    statements: dict[frozenset[str], list[RelationInfo]] = {}
    for r in relations:
        if r.subject == r.object:
            continue
        origin, recipient = (
            (r.object, r.subject) if r.predicate == "inspiredBy" else (r.subject, r.object)
        )
        graph.add_edge(origin, recipient)
        statements.setdefault(frozenset((r.subject, r.object)), []).append(r)
    return graph, statements


def _simple_paths(
    graph: nx.Graph, source: str, target: str, max_length: int
) -> Iterator[list[str]]:
    """Simple paths, shortest first, up to `max_length` hops (none when unreachable)."""
    if source not in graph or target not in graph or not nx.has_path(graph, source, target):
        return
    for path in nx.shortest_simple_paths(graph, source, target):
        if len(path) - 1 > max_length:
            return
        yield path


def _hop(
    network: AtlasNetwork, statements: dict[frozenset[str], list[RelationInfo]], a: str, b: str
) -> Hop:
    found = sorted(statements[frozenset((a, b))], key=lambda r: (r.predicate, r.subject))
    return Hop(
        network.node(a),
        network.node(b),
        tuple(
            Statement(
                network.node(r.subject),
                r.predicate,
                network.node(r.object),
                r.confidence,
                tuple(r.evidence),
            )
            for r in found
        ),
    )


def _why_no_path(
    network: AtlasNetwork, graph: nx.Graph, source: str, target: str, via: str, max_length: int
) -> str:
    """One sentence a researcher can act on."""
    kind, names = {
        "diffusion": ("diffusion relation", " (inspiredBy, diffusedTo)"),
        "partners": ("involvement relation", " (fundedBy, foundedBy, operatedBy, hasPartner)"),
        "any": ("relation", ""),
    }[via]
    label_s, label_t = network.node(source).label, network.node(target).label
    missing = [label for iri, label in ((source, label_s), (target, label_t)) if iri not in graph]
    if missing:
        verb = "has" if len(missing) == 1 else "have"
        where = " at all: named in the texts, linked to nothing" if via == "any" else names
        return f"{' and '.join(missing)} {verb} no {kind}{where}"
    if via == "diffusion" and nx.has_path(graph, target, source):
        hops = nx.shortest_path_length(graph, target, source)
        return (
            f"no diffusion chain leads from {label_s} to {label_t}, but one leads from "
            f"{label_t} to {label_s} ({hops} hops): swap FROM and TO"
        )
    if not nx.has_path(graph, source, target):
        reach = (
            nx.descendants(graph, source)
            if graph.is_directed()
            else nx.node_connected_component(graph, source) - {source}
        )
        return (
            f"no chain of {kind}s{names} links {label_s} to {label_t}: {label_s} reaches "
            f"{len(reach)} other {'entity' if len(reach) == 1 else 'entities'} that way, "
            f"not {label_t}"
        )
    hops = nx.shortest_path_length(graph, source, target)
    return f"the shortest path has {hops} hops, more than --max-length {max_length}"


def _any_path_hint(network: AtlasNetwork, source: str, target: str, min_confidence: float) -> str:
    graph, _ = _path_graph(network, "any", min_confidence)
    if source in graph and target in graph and nx.has_path(graph, source, target):
        hops = nx.shortest_path_length(graph, source, target)
        return f"over all relations (--via any) the shortest path has {hops} hops"
    return "no chain of any relations links them either"


# --------------------------------------------------------------------------- diffusion


@dataclass(frozen=True)
class DiffusionStep:
    """A model going from `origin` to `recipient`, `depth` hops from the cascade's root."""

    origin: NodeInfo
    recipient: NodeInfo
    predicate: str
    depth: int
    evidence: tuple[EvidenceInfo, ...]


@dataclass(frozen=True)
class Cascade:
    """What a root passed on (`steps`) and, for a chosen root, where it came from (`upstream`)."""

    root: NodeInfo
    steps: tuple[DiffusionStep, ...]
    upstream: tuple[DiffusionStep, ...]

    @property
    def reach(self) -> int:
        """Entities the root's model reached, directly or not."""
        return len({s.recipient.iri for s in self.steps} - {self.root.iri})

    @property
    def depth(self) -> int:
        """Longest chain of hops from the root (shortest route to each entity)."""
        return max((s.depth for s in self.steps), default=0)


@dataclass(frozen=True)
class DiffusionReport:
    """Diffusion cascades, largest first."""

    cascades: tuple[Cascade, ...]
    min_confidence: float

    def records(self) -> QueryResult:
        """One row per step (upstream steps with a negative depth)."""
        columns = (
            "root",
            "reach",
            "cascadeDepth",
            "depth",
            "originLabel",
            "relation",
            "recipientLabel",
            "sentence",
            "rootIri",
            "origin",
            "recipient",
            "evidence",
        )
        rows = tuple(
            (
                c.root.label,
                c.reach,
                c.depth,
                depth,
                s.origin.label,
                s.predicate,
                s.recipient.label,
                _best(s.evidence).sentence if s.evidence else "",
                c.root.iri,
                s.origin.iri,
                s.recipient.iri,
                tuple(e.iri for e in s.evidence),
            )
            for c in self.cascades
            for depth, s in [(-u.depth, u) for u in c.upstream] + [(s.depth, s) for s in c.steps]
        )
        return QueryResult(columns, rows)


def diffusion(
    network: AtlasNetwork, root: str | None = None, min_confidence: float = 0.0
) -> DiffusionReport:
    """Diffusion cascades: from one root, or from every entity nothing diffused to.

    Parameters
    ----------
    network : AtlasNetwork
    root : str, optional
        IRI of the root. Its cascade also lists where its own model came from (upstream).
    min_confidence : float
        Keep relations whose best evidence has at least this confidence.

    Returns
    -------
    DiffusionReport
        Cascades by decreasing reach, then depth. Edges read origin -> recipient
        ("MAIA inspiredBy Québec" is Québec -> MAIA). Without a root, the roots are the
        entities no diffusion relation points to (one per cycle of inspiration).

    Examples
    --------
    >>> from labatlas.graph.network import AtlasNetwork
    >>> net = AtlasNetwork.from_triples(
    ...     [("ex:maia", "inspiredBy", "ex:quebec"), ("ex:maia", "diffusedTo", "ex:france")])
    >>> c = diffusion(net).cascades[0]
    >>> c.root.label, c.reach, c.depth
    ('quebec', 2, 2)
    """
    graph = _diffusion_digraph(network, min_confidence)
    roots = [root] if root is not None else _roots(network, graph)
    cascades = [_cascade(network, graph, r, upstream=root is not None) for r in roots]
    cascades.sort(key=lambda c: (-c.reach, -c.depth, *_order(c.root)))
    return DiffusionReport(tuple(cascades), min_confidence)


def _diffusion_digraph(network: AtlasNetwork, min_confidence: float) -> nx.DiGraph:
    multi = network.diffusion_graph(min_confidence, shared_actors=False)
    graph = nx.DiGraph()
    graph.add_nodes_from(multi)
    for origin, recipient, key, data in multi.edges(keys=True, data=True):
        if not graph.has_edge(origin, recipient):
            graph.add_edge(origin, recipient, statements=[])
        graph.edges[origin, recipient]["statements"].append((key, data["evidence"]))
    return graph


def _roots(network: AtlasNetwork, graph: nx.DiGraph) -> list[str]:
    condensed = nx.condensation(graph)
    return [
        min(condensed.nodes[c]["members"], key=lambda n: _order(network.node(n)))
        for c in condensed
        if condensed.in_degree(c) == 0
        and (condensed.out_degree(c) or len(condensed.nodes[c]["members"]) > 1)
    ]


def _cascade(network: AtlasNetwork, graph: nx.DiGraph, root: str, upstream: bool) -> Cascade:
    if root not in graph:
        return Cascade(network.node(root), (), ())
    down = _steps(network, graph, root)
    up = _steps(network, graph.reverse(copy=False), root, reverse=True) if upstream else ()
    return Cascade(network.node(root), down, up)


def _steps(
    network: AtlasNetwork, graph: nx.DiGraph, root: str, reverse: bool = False
) -> tuple[DiffusionStep, ...]:
    """Every edge among the entities reachable from `root`, with its hop number."""
    distance = nx.single_source_shortest_path_length(graph, root)
    steps = []
    for u in sorted(distance, key=lambda n: (distance[n], *_order(network.node(n)))):
        for v in sorted(graph.successors(u), key=lambda n: _order(network.node(n))):
            origin, recipient = (v, u) if reverse else (u, v)
            for predicate, evidence_iris in graph.edges[u, v]["statements"]:
                evidence = tuple(network.evidence_by_iri[e] for e in evidence_iris)
                steps.append(
                    DiffusionStep(
                        network.node(origin),
                        network.node(recipient),
                        predicate,
                        distance[u] + 1,
                        evidence,
                    )
                )
    return tuple(steps)


# --------------------------------------------------------------------------- ego


@dataclass(frozen=True)
class EgoMember:
    """An entity near the center: its distance and its links one step closer to the center."""

    node: NodeInfo
    distance: int
    links: tuple[Link, ...]


@dataclass(frozen=True)
class EgoNetwork:
    """The neighbourhood of an entity: a table (`members`) and a NetworkX graph (`graph`)."""

    center: NodeInfo
    depth: int
    members: tuple[EgoMember, ...]
    graph: nx.MultiDiGraph

    def records(self) -> QueryResult:
        """One row per entity, nearest first."""
        columns = ("distance", "label", "class", "links", "relations", "iri")
        rows = tuple(
            (
                m.distance,
                m.node.label,
                m.node.entity_class,
                len(m.links),
                tuple(link.text for link in m.links),
                m.node.iri,
            )
            for m in self.members
        )
        return QueryResult(columns, rows)


def ego(
    network: AtlasNetwork,
    center: str,
    depth: int = 2,
    predicates: Iterable[str] | None = None,
    min_confidence: float = 0.0,
) -> EgoNetwork:
    """The entities within `depth` hops of `center`, whatever the direction of the relations.

    Parameters
    ----------
    network : AtlasNetwork
    center : str
        IRI of the entity.
    depth : int
        Radius in hops.
    predicates : iterable of str, optional
        Relations to follow (all when omitted).
    min_confidence : float
        Keep relations whose best evidence has at least this confidence.

    Returns
    -------
    EgoNetwork
        Members by distance then label (the center first, at 0); ``graph`` is the subgraph
        of `AtlasNetwork.multigraph` on them, with every relation among them.

    Examples
    --------
    >>> from labatlas.graph.network import AtlasNetwork
    >>> net = AtlasNetwork.from_triples(
    ...     [("ex:booster", "operatedBy", "ex:unis-cite"), ("ex:booster", "fundedBy", "ex:hsbc")])
    >>> [(m.node.label, m.distance) for m in ego(net, "ex:hsbc").members]
    [('hsbc', 0), ('booster', 1), ('unis-cite', 2)]
    """
    full = network.multigraph(None if predicates is None else frozenset(predicates), min_confidence)
    if center not in full:
        full.add_node(center)
    distance = nx.single_source_shortest_path_length(
        full.to_undirected(as_view=True), center, cutoff=depth
    )
    graph = full.subgraph(distance).copy()
    members = [
        EgoMember(
            network.node(n),
            distance[n],
            tuple(
                sorted(
                    (
                        link
                        for link in _links_in(network, graph, n)
                        if distance[link.other(n).iri] == distance[n] - 1
                    ),
                    key=lambda k: (k.predicate, k.other(n).label),
                )
            ),
        )
        for n in distance
    ]
    members.sort(key=lambda m: (m.distance, *_order(m.node)))
    return EgoNetwork(network.node(center), depth, tuple(members), graph)


def _links_in(network: AtlasNetwork, graph: nx.MultiDiGraph, iri: str) -> Iterator[Link]:
    for _, other, predicate in graph.out_edges(iri, keys=True):
        yield Link(network.node(iri), predicate, network.node(other))
    for other, _, predicate in graph.in_edges(iri, keys=True):
        yield Link(network.node(other), predicate, network.node(iri))


# --------------------------------------------------------------------------- plain data


def plain(value: object) -> object:
    """A result as JSON-ready data: dataclasses as dicts (fields, then the values of their
    properties: a community's description, a cascade's reach), tuples as lists; graphs are
    left out.

    Examples
    --------
    >>> from labatlas.graph.network import NodeInfo
    >>> hsbc = NodeInfo("ex:hsbc", "HSBC", "Company")
    >>> booster = NodeInfo("ex:booster", "Booster", "Programme")
    >>> data = plain(Link(booster, "fundedBy", hsbc))
    >>> data["object"]
    {'iri': 'ex:hsbc', 'label': 'HSBC', 'entity_class': 'Company', 'aliases': []}
    >>> data["text"]
    'Booster fundedBy HSBC'
    """
    if is_dataclass(value) and not isinstance(value, type):
        data = {f.name: getattr(value, f.name) for f in fields(value)}
        data.update(
            (name, getattr(value, name))
            for name, member in vars(type(value)).items()
            if isinstance(member, property) and not name.startswith("_")
        )
        return {k: plain(v) for k, v in data.items() if not isinstance(v, nx.Graph)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
