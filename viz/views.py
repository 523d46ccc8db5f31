"""The views that pages and figures draw: which nodes and edges, where, and how big.

A view starts from `AtlasNetwork.multigraph` (one edge per subject, predicate and object,
with its evidence), keeps what the view and the filters ask for, reduces graphs too large to
read by a stated rule, then adds degree, optional betweenness and communities, and a layout
computed with a fixed seed, so the page and the figure of a view put nodes in the same place.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from labatlas.graph.network import AtlasNetwork, EvidenceInfo
from labatlas.loaders.evaluation import ROLE_PREDICATES
from labatlas.loaders.model import (
    ACTOR_CLASSES,
    ENTITY_CLASSES,
    INITIATIVE_CLASSES,
    ORGANISATION_CLASSES,
    PREDICATES,
)

from .style import community_color

VIEWS: tuple[str, ...] = ("full", "shared-partners", "ego", "diffusion", "communities")
SIZE_MEASURES: tuple[str, ...] = ("degree", "betweenness")
DEFAULT_MAX_NODES = 1500
DEFAULT_SEED = 42
# Exact betweenness is O(nm); above this many nodes it is estimated from sampled sources.
BETWEENNESS_EXACT_LIMIT = 600
BETWEENNESS_SAMPLES = 300
# Above this many nodes a connected component is laid out community by community.
SPRING_LAYOUT_LIMIT = 400

DIFFUSION_PREDICATES = frozenset({"inspiredBy", "diffusedTo", "memberOf", "participatedIn"})
CLASS_GROUPS: dict[str, frozenset[str]] = {
    "Initiative": INITIATIVE_CLASSES,
    "Actor": ACTOR_CLASSES,
    "PublicBody": frozenset({"LocalAuthority", "StateBody"}),
    "Organisation": ORGANISATION_CLASSES,
}
VIEW_DESCRIPTIONS: dict[str, str] = {
    "full": "Every entity with at least one relation that passes the filters.",
    "shared-partners": (
        "Actors involved (funder, founder, operator or partner) in two or more initiatives, "
        "with those initiatives and the involvement relations between them."
    ),
    "ego": "An entity and everything within the given number of relations of it.",
    "diffusion": (
        "How practices travel: inspiredBy and diffusedTo links, with the networks and events "
        "entities belong to or take part in (memberOf, participatedIn). Arrows point from "
        "subject to object: B inspiredBy A means A's model reached B."
    ),
    "communities": (
        "The full graph coloured by Louvain communities (relations counted as undirected "
        "links weighted by how many relations join a pair; fixed seed)."
    ),
}


class ViewError(ValueError):
    """A view cannot be drawn as asked (the message says what to change)."""


@dataclass(frozen=True)
class ViewOptions:
    """What to draw.

    ``entity`` is the IRI of the centre of an ego view; ``classes`` and ``predicates`` are
    local names (None keeps all); ``size_by`` is ``degree`` or ``betweenness``.
    """

    view: str = "full"
    entity: str | None = None
    radius: int = 1
    min_confidence: float = 0.0
    classes: frozenset[str] | None = None
    predicates: frozenset[str] | None = None
    size_by: str = "degree"
    max_nodes: int = DEFAULT_MAX_NODES
    seed: int = DEFAULT_SEED


@dataclass(frozen=True)
class VizNode:
    """A node as drawn: identity, measures, community number and position."""

    iri: str
    label: str
    entity_class: str
    aliases: tuple[str, ...]
    degree: int
    betweenness: float | None
    community: int | None
    x: float
    y: float


@dataclass(frozen=True)
class VizEdge:
    """An edge as drawn; ``parallel`` numbers the edges between the same two nodes (0 first)."""

    source: str
    target: str
    predicate: str
    confidence: float
    evidence: tuple[EvidenceInfo, ...]
    parallel: int


@dataclass(frozen=True)
class Community:
    """A Louvain community: rank (1 = largest), size, colour and its best-connected members."""

    number: int
    size: int
    color: str
    top_labels: tuple[str, ...]


@dataclass(frozen=True)
class ViewGraph:
    """A view ready to draw.

    ``left_out`` says in sentences what the view does not show and why; ``notes`` says how
    the measures were computed.
    """

    options: ViewOptions
    title: str
    description: str
    nodes: tuple[VizNode, ...]
    edges: tuple[VizEdge, ...]
    left_out: tuple[str, ...]
    notes: tuple[str, ...]
    communities: tuple[Community, ...]

    def size_value(self, node: VizNode) -> float:
        """The measure that sizes `node`: its degree or its betweenness."""
        if self.options.size_by == "betweenness" and node.betweenness is not None:
            return node.betweenness
        return float(node.degree)


def parse_classes(names: Iterable[str]) -> frozenset[str] | None:
    """Turn ``--classes`` values into class names; None when none were given.

    Values may be comma-separated, prefixed ``la:``, or a group (Initiative, Actor,
    PublicBody, Organisation).

    Raises
    ------
    ViewError
        A name is neither a class nor a group.

    Examples
    --------
    >>> sorted(parse_classes(["la:Lab,PublicBody"]))
    ['Lab', 'LocalAuthority', 'StateBody']
    >>> parse_classes([]) is None
    True
    """
    chosen: set[str] = set()
    for name in _split_names(names):
        if name in CLASS_GROUPS:
            chosen |= CLASS_GROUPS[name]
        elif name in ENTITY_CLASSES:
            chosen.add(name)
        else:
            known = ", ".join((*ENTITY_CLASSES, *CLASS_GROUPS))
            raise ViewError(f"--classes: unknown class '{name}' (known: {known})")
    return frozenset(chosen) or None


def parse_predicates(names: Iterable[str]) -> frozenset[str] | None:
    """Turn ``--predicates`` values into predicate local names; None when none were given.

    Raises
    ------
    ViewError
        A name is not one of the 11 predicates.

    Examples
    --------
    >>> sorted(parse_predicates(["la:fundedBy", "hasPartner"]))
    ['fundedBy', 'hasPartner']
    """
    chosen = set()
    for name in _split_names(names):
        if name not in PREDICATES:
            raise ViewError(
                f"--predicates: unknown predicate '{name}' (known: {', '.join(PREDICATES)})"
            )
        chosen.add(name)
    return frozenset(chosen) or None


def _split_names(names: Iterable[str]) -> list[str]:
    parts = (part.strip() for value in names for part in value.split(","))
    return [part.removeprefix("la:") for part in parts if part]


def build_view(network: AtlasNetwork, options: ViewOptions) -> ViewGraph:
    """Select, reduce, measure and lay out one view of the network.

    Parameters
    ----------
    network : AtlasNetwork
        What `labatlas.graph.network.load_network` read from the store.
    options : ViewOptions

    Returns
    -------
    ViewGraph
        Nodes sorted by IRI, edges by (source, target, predicate); the same options on the
        same network give the same view, positions included.

    Raises
    ------
    ViewError
        Unknown view or measure, an ego view without a known centre, or a centre that has no
        relation passing the filters.

    Examples
    --------
    >>> from labatlas.graph.network import NodeInfo, RelationInfo
    >>> lab = NodeInfo("id:lab", "Lab A", "Lab")
    >>> city = NodeInfo("id:city", "City", "LocalAuthority")
    >>> ev = EvidenceInfo("id:ev", "Lab A is funded by the City.", "id:doc", "Case", 0.9, "r")
    >>> net = AtlasNetwork({n.iri: n for n in (lab, city)},
    ...                    [RelationInfo("id:lab", "fundedBy", "id:city", [ev])])
    >>> view = build_view(net, ViewOptions())
    >>> [(n.label, n.degree) for n in view.nodes]
    [('City', 1), ('Lab A', 1)]
    >>> view.edges[0].predicate, view.edges[0].evidence[0].sentence
    ('fundedBy', 'Lab A is funded by the City.')
    """
    _check_options(network, options)
    graph = network.multigraph(_view_predicates(options), options.min_confidence)
    graph = _keep_classes(graph, options)
    graph = _select(graph, options)
    left_out = _what_is_left_out(network, graph, options)
    graph, reduction = _reduce(graph, options.max_nodes, pinned=options.entity)
    if reduction:
        left_out.append(reduction)
    simple = _undirected_simple(graph)
    notes = [
        f"Layout computed in Python: a spring layout (seed {options.seed}) per connected "
        f"component, community by community above {SPRING_LAYOUT_LIMIT} nodes; components "
        "packed around the largest."
    ]
    betweenness = _betweenness(simple, options, notes)
    groups: list[set[str]] = []
    communities: tuple[Community, ...] = ()
    member_of: dict[str, int] = {}
    if options.view == "communities" and simple.number_of_nodes():
        groups = _louvain(simple, options.seed)
        communities, member_of = _describe_communities(graph, groups)
    positions = _layout(simple, options.seed, groups)
    return ViewGraph(
        options=options,
        title=_title(network, options),
        description=VIEW_DESCRIPTIONS[options.view],
        nodes=_nodes(graph, betweenness, member_of, positions),
        edges=_edges(graph),
        left_out=tuple(left_out),
        notes=tuple(notes),
        communities=communities,
    )


def _check_options(network: AtlasNetwork, options: ViewOptions) -> None:
    if options.view not in VIEWS:
        raise ViewError(f"unknown view '{options.view}' (known: {', '.join(VIEWS)})")
    if options.size_by not in SIZE_MEASURES:
        raise ViewError(f"unknown size measure '{options.size_by}' (known: degree, betweenness)")
    if options.max_nodes < 1:
        raise ViewError(f"--max-nodes must be at least 1, not {options.max_nodes}")
    if options.view == "ego":
        if not options.entity:
            raise ViewError("the ego view needs an entity: labatlas viz --view ego NAME")
        if options.entity not in network.nodes:
            raise ViewError(f"the ego view's entity {options.entity} is not in the store")
        if options.radius < 1:
            raise ViewError(f"--radius must be at least 1, not {options.radius}")


def _view_predicates(options: ViewOptions) -> frozenset[str] | None:
    if options.view == "diffusion":
        return DIFFUSION_PREDICATES & (options.predicates or DIFFUSION_PREDICATES)
    if options.view == "shared-partners":
        return ROLE_PREDICATES & (options.predicates or ROLE_PREDICATES)
    return options.predicates


def _keep_classes(graph: nx.MultiDiGraph, options: ViewOptions) -> nx.MultiDiGraph:
    if options.classes is None:
        return graph
    dropped = [
        n
        for n, cls in graph.nodes(data="cls")
        if cls not in options.classes and n != options.entity
    ]
    graph.remove_nodes_from(dropped)
    graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    return graph


def _select(graph: nx.MultiDiGraph, options: ViewOptions) -> nx.MultiDiGraph:
    if options.view == "ego":
        return _ego(graph, options)
    if options.view == "shared-partners":
        return _shared_partners(graph)
    return graph


def _ego(graph: nx.MultiDiGraph, options: ViewOptions) -> nx.MultiDiGraph:
    centre = options.entity
    if centre not in graph:
        raise ViewError(f"{centre} has no relation that passes the filters")
    undirected = graph.to_undirected(as_view=True)
    reach = nx.single_source_shortest_path_length(undirected, centre, cutoff=options.radius)
    return graph.subgraph(reach).copy()


def _shared_partners(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Keep involvement edges to actors that two or more distinct subjects involve.

    Same rule as the `shared-partners` library query, so the two agree.
    """
    subjects: dict[str, set[str]] = defaultdict(set)
    for subject, actor, predicate in graph.edges(keys=True):
        if predicate in ROLE_PREDICATES:
            subjects[actor].add(subject)
    shared = {actor for actor, found in subjects.items() if len(found) >= 2}
    kept = [(s, o, p) for s, o, p in graph.edges(keys=True) if p in ROLE_PREDICATES and o in shared]
    return graph.edge_subgraph(kept).copy()


def _what_is_left_out(
    network: AtlasNetwork, graph: nx.MultiDiGraph, options: ViewOptions
) -> list[str]:
    notes = []
    if options.min_confidence > 0:
        allowed = _view_predicates(options)
        below = sum(
            1
            for r in network.relations
            if r.confidence < options.min_confidence and (allowed is None or r.predicate in allowed)
        )
        notes.append(
            f"{below} relation(s) whose best evidence is below confidence "
            f"{options.min_confidence:g}."
        )
    if options.classes is not None:
        notes.append(f"Entities of other classes than {', '.join(sorted(options.classes))}.")
    absent = len(set(network.nodes) - set(graph))
    if absent:
        notes.append(
            f"{absent} of {len(network.nodes)} entities of the store are not in this view "
            "(no relation that passes the view's selection and filters)."
        )
    return notes


def _reduce(
    graph: nx.MultiDiGraph, max_nodes: int, pinned: str | None
) -> tuple[nx.MultiDiGraph, str | None]:
    """Keep the `max_nodes` nodes with the highest degree (ties by label, then IRI)."""
    if graph.number_of_nodes() <= max_nodes:
        return graph, None
    ranked = sorted(
        graph, key=lambda n: (n != pinned, -graph.degree(n), graph.nodes[n]["label"], n)
    )
    kept = graph.subgraph(ranked[:max_nodes]).copy()
    lowest = min(graph.degree(n) for n in ranked[:max_nodes])
    note = (
        f"{graph.number_of_nodes() - max_nodes} of {graph.number_of_nodes()} nodes and "
        f"{graph.number_of_edges() - kept.number_of_edges()} of {graph.number_of_edges()} "
        f"relations: the view has more than {max_nodes} nodes, so only the {max_nodes} with "
        f"the most relations are drawn (ties broken by name; the smallest degree kept is "
        f"{lowest})."
    )
    return kept, note


def _undirected_simple(graph: nx.MultiDiGraph) -> nx.Graph:
    """One undirected link per related pair, weighted by how many relations join it."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph))
    for source, target in sorted(graph.edges()):
        if source == target:
            continue
        weight = simple.get_edge_data(source, target, {"weight": 0})["weight"]
        simple.add_edge(source, target, weight=weight + 1)
    return simple


def _betweenness(simple: nx.Graph, options: ViewOptions, notes: list[str]) -> dict[str, float]:
    if options.size_by != "betweenness":
        return {}
    if simple.number_of_nodes() <= BETWEENNESS_EXACT_LIMIT:
        notes.append("Node size: betweenness centrality (exact, undirected, normalised).")
        return nx.betweenness_centrality(simple)
    notes.append(
        f"Node size: betweenness centrality estimated from {BETWEENNESS_SAMPLES} sampled "
        f"sources (seed {options.seed}), undirected, normalised."
    )
    return nx.betweenness_centrality(simple, k=BETWEENNESS_SAMPLES, seed=options.seed)


def _louvain(simple: nx.Graph, seed: int) -> list[set[str]]:
    """Louvain communities, largest first (ties by their smallest IRI)."""
    found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    return sorted(found, key=lambda c: (-len(c), min(c)))


def _describe_communities(
    graph: nx.MultiDiGraph, groups: list[set[str]]
) -> tuple[tuple[Community, ...], dict[str, int]]:
    communities = []
    member_of: dict[str, int] = {}
    for number, members in enumerate(groups, start=1):
        best = sorted(members, key=lambda n: (-graph.degree(n), graph.nodes[n]["label"], n))
        labels = tuple(graph.nodes[n]["label"] for n in best[:3])
        communities.append(Community(number, len(members), community_color(number), labels))
        member_of.update(dict.fromkeys(members, number))
    return tuple(communities), member_of


def _layout(
    simple: nx.Graph, seed: int, communities: list[set[str]]
) -> dict[str, tuple[float, float]]:
    """Positions in pixels, centred near 0; the same graph and seed give the same positions.

    Each connected component is laid out inside a disc whose area grows with its node count,
    and the discs are packed around the largest, so a few unconnected pairs do not push the
    main component into a corner when the page fits the drawing to the window.
    """
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    if any(len(c) > SPRING_LAYOUT_LIMIT for c in components) and not communities:
        communities = _louvain(simple, seed)
    radii = np.array([_disc_radius(len(c)) for c in components])
    centres = _pack_discs(radii)
    positions: dict[str, tuple[float, float]] = {}
    for component, centre, radius in zip(components, centres, radii, strict=True):
        groups = [g & component for g in communities if g & component]
        placed = _component_layout(
            _ordered_subgraph(simple, component), groups, seed, radius, centre
        )
        positions.update(
            {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in placed.items()}
        )
    return positions


def _component_layout(
    component: nx.Graph, groups: list[set[str]], seed: int, radius: float, centre: np.ndarray
) -> dict[str, np.ndarray]:
    """Lay out one connected component inside the disc of `radius` around `centre`.

    Up to `SPRING_LAYOUT_LIMIT` nodes: a spring layout with the seed (about 0.1 s at 150
    nodes; Kamada-Kawai spreads nodes a little more evenly but took 1-3 s here). Above, a
    spring layout costs seconds per hundred iterations, so the component is laid out
    community by community, see `_community_layout`.
    """
    size = component.number_of_nodes()
    if size == 1:
        return {next(iter(component)): centre}
    if size <= SPRING_LAYOUT_LIMIT:
        return nx.spring_layout(
            component, seed=seed, weight=None, scale=radius * 0.8, center=centre
        )
    return _community_layout(component, groups, seed, radius, centre)


def _ordered_subgraph(graph: nx.Graph, nodes: set[str]) -> nx.Graph:
    """A copy of the subgraph with nodes and edges in sorted order.

    `Graph.subgraph` iterates a small subgraph in the order of a Python set, which changes
    with the interpreter's hash seed; the spring layout depends on node order, so the figure
    of the same view would change from one run to the next.
    """
    sub = nx.Graph()
    sub.add_nodes_from(sorted(nodes))
    sub.add_edges_from(
        sorted((u, v, d) for u, v, d in graph.edges(sorted(nodes), data=True) if v in nodes)
    )
    return sub


def _disc_radius(node_count: int) -> float:
    """Pixels: about 55 px between neighbouring nodes once a component fills its disc."""
    return 32.0 * math.sqrt(node_count) + 15.0


def _pack_discs(radii: np.ndarray, gap: float = 30.0) -> np.ndarray:
    """Centres for discs given largest first: the first at 0, each next one at the first
    point of an outward spiral where it overlaps none placed before.

    The spiral is walked once for all discs (discs shrink, so a later disc never fits
    before the point where the previous one did), which keeps packing linear in the
    spiral's length.
    """
    centres = np.zeros((len(radii), 2))
    if len(radii) <= 1:
        return centres
    pitch = (float(radii.min()) + gap) / math.pi  # turns 2·(smallest radius + gap) apart
    turn = 0.0
    for index in range(1, len(radii)):
        while True:
            turn += max(float(radii.min()) / 2, 1.0) / max(pitch * turn, float(radii.min()))
            point = np.array([pitch * turn * math.cos(turn), pitch * turn * math.sin(turn)])
            distance = np.hypot(*(centres[:index] - point).T)
            if np.all(distance >= radii[:index] + radii[index] + gap):
                centres[index] = point
                break
    return centres


def _community_layout(
    component: nx.Graph,
    groups: list[set[str]],
    seed: int,
    radius: float,
    centre: np.ndarray,
) -> dict[str, np.ndarray]:
    """Lay out a large component community by community inside a disc of `radius`."""
    total = component.number_of_nodes()
    radii = np.array([0.9 * math.sqrt(len(g) / total) for g in groups])
    quotient = nx.quotient_graph(component, [frozenset(g) for g in groups], relabel=True)
    placed = nx.spring_layout(quotient, seed=seed, weight=None)
    centres = _separate_discs(np.array([placed[i] for i in range(len(groups))]), radii)
    # Back into the component's disc: unit layout → pixels around `centre`.
    extent = float(np.max(np.hypot(*centres.T) + radii)) or 1.0
    factor = radius / extent
    positions: dict[str, np.ndarray] = {}
    for group, group_centre, group_radius in zip(groups, centres, radii, strict=True):
        here = centre + group_centre * factor
        if len(group) == 1:
            positions[next(iter(group))] = here
            continue
        members = _ordered_subgraph(component, group)
        size = group_radius * factor * 0.8
        positions.update(nx.spring_layout(members, seed=seed, weight=None, scale=size, center=here))
    return positions


def _separate_discs(centres: np.ndarray, radii: np.ndarray, rounds: int = 200) -> np.ndarray:
    """Move disc centres apart, in small symmetric steps, until no two discs overlap."""
    centres = centres.astype(float).copy()
    needed = radii[:, None] + radii[None, :] + 0.02
    np.fill_diagonal(needed, 0.0)
    for _ in range(rounds):
        delta = centres[:, None, :] - centres[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=2))
        np.fill_diagonal(distance, np.inf)
        overlap = np.clip(needed - distance, 0.0, None)
        if not overlap.any():
            break
        # Coincident centres have no direction: nudge them apart along a fixed axis.
        direction = np.where(distance[..., None] > 1e-9, delta / distance[..., None], [1.0, 0.0])
        centres += 0.5 * (direction * overlap[..., None]).sum(axis=1)
    return centres


def _nodes(
    graph: nx.MultiDiGraph,
    betweenness: dict[str, float],
    member_of: dict[str, int],
    positions: dict[str, tuple[float, float]],
) -> tuple[VizNode, ...]:
    return tuple(
        VizNode(
            iri=iri,
            label=data["label"],
            entity_class=data["cls"],
            aliases=tuple(data["aliases"]),
            degree=graph.degree(iri),
            betweenness=betweenness.get(iri),
            community=member_of.get(iri),
            x=positions[iri][0],
            y=positions[iri][1],
        )
        for iri, data in sorted(graph.nodes(data=True))
    )


def _edges(graph: nx.MultiDiGraph) -> tuple[VizEdge, ...]:
    seen_pairs: dict[frozenset[str], int] = defaultdict(int)
    edges = []
    for source, target, predicate, data in sorted(
        graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])
    ):
        pair = frozenset((source, target))
        edges.append(
            VizEdge(
                source=source,
                target=target,
                predicate=predicate,
                confidence=data["confidence"],
                evidence=tuple(data["evidence"]),
                parallel=seen_pairs[pair],
            )
        )
        seen_pairs[pair] += 1
    return tuple(edges)


def _title(network: AtlasNetwork, options: ViewOptions) -> str:
    if options.view == "ego" and options.entity:
        label = network.nodes[options.entity].label
        return f"Ego network of {label} (radius {options.radius})"
    return {
        "full": "Full graph",
        "shared-partners": "Shared partners",
        "diffusion": "Diffusion",
        "communities": "Communities",
    }[options.view]
