"""Generated networks of a chosen size, for the benchmark and for tests of the size limit.

The bundled corpus gives a graph of under 200 nodes; pages and figures must also stay usable
at the size limit (1,500 nodes) and reduce anything larger. These networks have the shape of
the real one: initiatives as subjects, objects picked by preferential attachment (a few
funders and places are tied to many initiatives), the predicate matching the object's class,
and one evidence sentence per relation.
"""

from __future__ import annotations

import random

from labatlas.graph.network import AtlasNetwork, EvidenceInfo, NodeInfo, RelationInfo
from labatlas.loaders.model import ACTOR_CLASSES, INITIATIVE_CLASSES

from .style import class_family

_BASE = "https://example.org/synthetic/"
_OTHER_CLASSES = ("Place", "BeneficiaryGroup", "Method", "Event")
_PREDICATE_FOR_FAMILY = {
    "Place": ("locatedIn",),
    "BeneficiaryGroup": ("hasBeneficiary",),
    "Method": ("usesMethod",),
    "Event": ("participatedIn",),
    "Initiative": ("inspiredBy", "diffusedTo", "hasPartner"),
    "Actor": ("fundedBy", "foundedBy", "operatedBy", "hasPartner", "memberOf"),
}


def synthetic_network(
    node_count: int, relations_per_node: float = 2.7, seed: int = 7
) -> AtlasNetwork:
    """Return a generated network of `node_count` entities, all of them related.

    Parameters
    ----------
    node_count : int
        How many entities (at least 2).
    relations_per_node : float
        Relations per entity (the bundled corpus has about 1.4, large case collections 2.7).
    seed : int
        The same seed gives the same network.

    Returns
    -------
    AtlasNetwork

    Examples
    --------
    >>> net = synthetic_network(300)
    >>> len(net.nodes), len(net.multigraph()) == 300
    (300, True)
    """
    rng = random.Random(seed)
    nodes = _nodes(node_count, rng)
    iris = list(nodes)
    initiatives = [i for i in iris if nodes[i].entity_class in INITIATIVE_CLASSES]
    # Preferential attachment: every relation adds its object to the pool again.
    pool = list(iris)
    wanted = max(int(node_count * relations_per_node), node_count)
    triples: set[tuple[str, str, str]] = set()
    for iri in iris:  # every entity gets at least one relation
        subject = iri if iri in initiatives else rng.choice(initiatives)
        target = iri if subject != iri else rng.choice([i for i in iris if i != iri])
        triples.add(_triple(subject, target, nodes, rng))
    while len(triples) < wanted:
        subject, target = rng.choice(initiatives), rng.choice(pool)
        if subject != target:
            triples.add(_triple(subject, target, nodes, rng))
            pool.append(target)
    relations = [_relation(t, n, nodes) for n, t in enumerate(sorted(triples))]
    return AtlasNetwork(nodes, relations)


def _nodes(count: int, rng: random.Random) -> dict[str, NodeInfo]:
    classes = sorted(INITIATIVE_CLASSES) * 4 + sorted(ACTOR_CLASSES) + list(_OTHER_CLASSES) * 2
    nodes = {}
    for n in range(count):
        entity_class = sorted(INITIATIVE_CLASSES)[n % 2] if n < 2 else rng.choice(classes)
        iri = f"{_BASE}{entity_class.lower()}/{n}"
        nodes[iri] = NodeInfo(iri, f"{entity_class} {n}", entity_class, (f"E{n}",))
    return nodes


def _triple(
    subject: str, target: str, nodes: dict[str, NodeInfo], rng: random.Random
) -> tuple[str, str, str]:
    family = class_family(nodes[target].entity_class)
    return subject, rng.choice(_PREDICATE_FOR_FAMILY[family]), target


def _relation(
    triple: tuple[str, str, str], number: int, nodes: dict[str, NodeInfo]
) -> RelationInfo:
    subject, predicate, target = triple
    sentence = f"{nodes[subject].label} {predicate} {nodes[target].label}."
    evidence = EvidenceInfo(
        iri=f"{_BASE}evidence/{number}",
        sentence=sentence,
        document=f"{_BASE}doc/{number % 97}",
        title=f"Generated case {number % 97}",
        confidence=0.5 + (number % 5) / 10,
        rule="synthetic",
    )
    return RelationInfo(subject, predicate, target, [evidence])
