"""The NetworkX projections of the graph, read from a real store built from the bundled corpus."""

from __future__ import annotations

import functools
from collections import Counter
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from labatlas.graph.network import (
    ACTOR_CLASSES,
    DIFFUSION,
    INITIATIVE_CLASSES,
    INVOLVEMENT,
    PROJECTIONS,
    AtlasNetwork,
    load_network,
    write_graph,
)
from labatlas.graph.rdf import LA, NIF, PROV, RDF, RDFS
from labatlas.queries import find_entity

ID = "https://w3id.org/labatlas/id/"


@pytest.fixture(scope="module")
def network(store: Store) -> AtlasNetwork:
    return load_network(store)


@functools.cache
def iri(store: Store, name: str) -> str:
    """The IRI of a named entity (looked up once: each lookup reads every label)."""
    return find_entity(store, name).value


def test_every_view_names_its_nodes_and_the_evidence_of_its_edges(network: AtlasNetwork) -> None:
    known = network.evidence_by_iri
    for kind in PROJECTIONS:
        graph = network.projection(kind)
        assert graph.number_of_edges() > 0, kind
        for node, data in graph.nodes(data=True):
            assert data["iri"] == node and data["label"] and data["cls"], (kind, node)
        for *_, data in graph.edges(data=True):
            evidence = data["evidence"]
            iris = [e.iri for e in evidence] if kind == "full" else list(evidence)
            assert iris and set(iris) <= set(known), kind


def test_bipartite_edges_are_the_involvement_pairs_with_their_roles(
    network: AtlasNetwork, store: Store
) -> None:
    graph = network.bipartite()
    pairs = {(r.subject, r.object) for r in network.select(INVOLVEMENT)}
    assert {frozenset((d["initiative"], d["actor"])) for *_, d in graph.edges(data=True)} == {
        frozenset(p) for p in pairs
    }
    booster, unis_cite = iri(store, "Booster"), iri(store, "Unis-Cité")
    roles = {
        r.predicate
        for r in network.select(INVOLVEMENT)
        if (r.subject, r.object) == (booster, unis_cite)
    }
    assert graph.edges[booster, unis_cite]["roles"] == tuple(sorted(roles))
    assert {"operatedBy", "foundedBy"} <= roles
    assert graph.nodes[booster]["bipartite"] == 0 and graph.nodes[unis_cite]["bipartite"] == 1


def test_initiatives_only_gives_a_strict_bipartite_graph(network: AtlasNetwork) -> None:
    loose, strict = network.bipartite(), network.bipartite(initiatives_only=True)
    actor_subjects = {
        frozenset((u, v))
        for u, v, d in loose.edges(data=True)
        if loose.nodes[d["initiative"]]["cls"] not in INITIATIVE_CLASSES
    }
    assert nx.is_bipartite(strict)
    assert {frozenset(e) for e in strict.edges()} == {
        frozenset(e) for e in loose.edges()
    } - actor_subjects
    assert all(
        d == 0
        for n, d in strict.nodes(data="bipartite")
        if strict.nodes[n]["cls"] in INITIATIVE_CLASSES
    )


@pytest.mark.parametrize("kind", ["initiatives", "actors"])
def test_one_mode_projections_count_shared_neighbours(network: AtlasNetwork, kind: str) -> None:
    """Edge weight = common neighbours in the involvement pairs, and no edge without one."""
    pairs = {(r.subject, r.object) for r in network.select(INVOLVEMENT)}
    groups: dict[str, set[str]] = {}
    for initiative, actor in pairs:
        member, key = (initiative, actor) if kind == "initiatives" else (actor, initiative)
        groups.setdefault(member, set()).add(key)
    graph = network.projection(kind)
    assert set(graph) == set(groups)
    expected = {
        frozenset((a, b)): groups[a] & groups[b]
        for a, b in combinations(sorted(groups), 2)
        if groups[a] & groups[b]
    }
    got = {frozenset((a, b)): set(d["shared"]) for a, b, d in graph.edges(data=True)}
    assert got == expected
    assert all(d["weight"] == len(d["shared"]) for *_, d in graph.edges(data=True))


def test_booster_and_melting_potes_share_unis_cite_and_the_civic_service_agency(
    network: AtlasNetwork, store: Store
) -> None:
    graph = network.initiative_graph()
    edge = graph.edges[iri(store, "Booster"), iri(store, "Melting Potes")]
    assert {iri(store, "Unis-Cité"), iri(store, "Agence du Service Civique")} <= set(edge["shared"])


def test_diffusion_edges_read_origin_to_recipient(network: AtlasNetwork, store: Store) -> None:
    graph = network.diffusion_graph()
    maia, quebec = iri(store, "MAIA"), iri(store, "Québec")
    assert graph.has_edge(quebec, maia, key="inspiredBy")  # "MAIA inspiredBy Québec"
    assert not graph.has_edge(maia, quebec, key="inspiredBy")
    diffusion_edges = [
        (u, v, k) for u, v, k, d in graph.edges(keys=True, data="kind") if d == "diffusion"
    ]
    assert len(diffusion_edges) == len(network.select(DIFFUSION))
    for u, v, k in diffusion_edges:
        stated = (v, u) if k == "inspiredBy" else (u, v)
        assert any((r.subject, r.object, r.predicate) == (*stated, k) for r in network.relations)
    shared = [(u, v) for u, v, d in graph.edges(data="kind") if d == "shared-actors"]
    assert shared and all(graph.has_edge(v, u, key="shared-actors") for u, v in shared)
    assert not network.diffusion_graph(shared_actors=False).has_edge(*shared[0])


def test_the_confidence_floor_drops_weaker_relations(network: AtlasNetwork) -> None:
    floor = 0.8
    full, strong = network.multigraph(), network.multigraph(min_confidence=floor)
    assert 0 < strong.number_of_edges() < full.number_of_edges()
    assert all(c >= floor for *_, c in strong.edges(data="confidence"))
    strong_pairs = network.bipartite(min_confidence=floor)
    assert all(c >= floor for *_, c in strong_pairs.edges(data="confidence"))


def test_roles_choose_the_involvements(network: AtlasNetwork) -> None:
    funders = network.bipartite(roles=("fundedBy",))
    assert {r for *_, roles in funders.edges(data="roles") for r in roles} == {"fundedBy"}
    with pytest.raises(ValueError, match="not an involvement role"):
        network.bipartite(roles=("usesMethod",))
    with pytest.raises(ValueError, match="unknown projection"):
        network.projection("tripartite")


def test_actor_and_initiative_classes_partition_the_contract(network: AtlasNetwork) -> None:
    classes = Counter(n.entity_class for n in network.nodes.values())
    others = {"Place", "BeneficiaryGroup", "Method", "Event"}
    assert set(classes) <= INITIATIVE_CLASSES | ACTOR_CLASSES | others
    assert not INITIATIVE_CLASSES & ACTOR_CLASSES


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_written_graphs_open_again_with_their_attributes(
    network: AtlasNetwork, tmp_path: Path, suffix: str
) -> None:
    for kind in ("bipartite", "full"):
        graph = network.projection(kind)
        path = tmp_path / f"{kind}{suffix}"
        write_graph(graph, path)
        back = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
        assert back.number_of_nodes() == graph.number_of_nodes()
        assert back.number_of_edges() == graph.number_of_edges()
        node = next(iter(graph))
        assert back.nodes[node]["label"] == graph.nodes[node]["label"]
        evidence = [d["evidence"] for *_, d in back.edges(data=True)]
        assert all(e.startswith(ID + "evidence/") for e in evidence)
    with pytest.raises(ValueError, match=r"\.graphml or \.gexf"):
        write_graph(network.bipartite(), tmp_path / "graph.png")


def test_a_curated_relation_without_a_quoted_document_is_kept() -> None:
    """A curator's statement has prov:wasGeneratedBy, not prov:wasQuotedFrom: keep it."""
    store = Store()
    graph = NamedNode("https://w3id.org/labatlas/graph/curation")
    maia, france = NamedNode(ID + "initiative/maia"), NamedNode(ID + "place/france")
    assertion, evidence = NamedNode(ID + "assertion/x"), NamedNode(ID + "evidence/curation/x")
    entry, rule = NamedNode(ID + "curation/0001"), NamedNode(ID + "rule/curation-0001")
    for s, p, o in [
        (maia, NamedNode(RDF + "type"), NamedNode(LA + "Programme")),
        (maia, NamedNode(RDFS + "label"), Literal("MAIA")),
        (france, NamedNode(RDF + "type"), NamedNode(LA + "Place")),
        (france, NamedNode(RDFS + "label"), Literal("France")),
        (maia, NamedNode(LA + "diffusedTo"), france),
        (assertion, NamedNode(RDF + "type"), NamedNode(LA + "Assertion")),
        (assertion, NamedNode(RDF + "subject"), maia),
        (assertion, NamedNode(RDF + "predicate"), NamedNode(LA + "diffusedTo")),
        (assertion, NamedNode(RDF + "object"), france),
        (assertion, NamedNode(PROV + "wasDerivedFrom"), evidence),
        (evidence, NamedNode(PROV + "wasGeneratedBy"), entry),
        (evidence, NamedNode(NIF + "anchorOf"), Literal("Extended to the whole of France.")),
        (evidence, NamedNode(LA + "rule"), rule),
        (
            evidence,
            NamedNode(LA + "confidence"),
            Literal("1.0", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ),
    ]:
        store.add(Quad(s, p, o, graph))
    network = load_network(store)
    (relation,) = network.relations
    (found,) = relation.evidence
    assert (relation.predicate, found.document, found.rule) == (
        "diffusedTo",
        entry.value,
        "curation-0001",
    )


def test_hub_limit_leaves_out_the_links_of_hubs(network: AtlasNetwork) -> None:
    exact, limited = network.initiative_graph(), network.initiative_graph(hub_limit=1)
    degree = Counter(actor for _, actor in network.involvements())
    assert set(limited.graph["hubs_skipped"]) == {a for a, n in degree.items() if n > 1}
    assert limited.number_of_edges() == 0 < exact.number_of_edges()
    assert set(limited) == set(exact) and exact.graph["hubs_skipped"] == ()
    diffusion = network.diffusion_graph(hub_limit=1)
    assert all(kind == "diffusion" for *_, kind in diffusion.edges(data="kind"))
