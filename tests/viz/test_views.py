"""Views of the real seed graph: what each view keeps, what it says it left out, and why."""

from __future__ import annotations

from collections import Counter

import pytest
from pyoxigraph import Store

from labatlas.cli import main
from labatlas.graph.network import AtlasNetwork
from labatlas.queries import load_query, run_query
from labatlas.viz.synthetic import synthetic_network
from labatlas.viz.views import (
    SIZE_MEASURES,
    VIEWS,
    ViewError,
    ViewOptions,
    build_view,
    parse_classes,
    parse_predicates,
)

SIILAB = "https://w3id.org/labatlas/id/initiative/siilab"
_RELATIONS = """
PREFIX la: <https://w3id.org/labatlas/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?s ?p ?o WHERE { ?a a la:Assertion ; rdf:subject ?s ; rdf:predicate ?p ;
                                    rdf:object ?o }
"""


def _store_relations(store: Store) -> set[tuple[str, str, str]]:
    rows = store.query(_RELATIONS, use_default_graph_as_union=True)
    return {(r["s"].value, r["p"].value.rsplit("#", 1)[-1], r["o"].value) for r in rows}


def test_full_view_draws_every_relation_of_the_store(store: Store, network: AtlasNetwork) -> None:
    view = build_view(network, ViewOptions())
    expected = _store_relations(store)
    drawn = {(e.source, e.predicate, e.target) for e in view.edges}
    assert drawn == expected
    assert {n.iri for n in view.nodes} == {iri for s, _, o in expected for iri in (s, o)}
    assert all(e.evidence and e.evidence[0].sentence for e in view.edges)
    unrelated = len(set(network.nodes) - {n.iri for n in view.nodes})
    assert unrelated > 0
    assert any(
        line.startswith(f"{unrelated} of {len(network.nodes)} entities") for line in view.left_out
    )


def test_shared_partners_view_agrees_with_the_library_query(
    store: Store, network: AtlasNetwork
) -> None:
    view = build_view(network, ViewOptions(view="shared-partners"))
    result = run_query(store, load_query("shared-partners"))
    actors = {row[result.columns.index("actor")].value for row in result.rows}
    assert actors and {e.target for e in view.edges} == actors
    assert {e.predicate for e in view.edges} <= {
        "fundedBy",
        "foundedBy",
        "operatedBy",
        "hasPartner",
    }
    subjects = {actor: {e.source for e in view.edges if e.target == actor} for actor in actors}
    assert min(len(found) for found in subjects.values()) >= 2


def test_ego_view_is_the_neighbourhood_of_its_centre(network: AtlasNetwork) -> None:
    one = build_view(network, ViewOptions(view="ego", entity=SIILAB))
    neighbours = {r.object for r in network.relations if r.subject == SIILAB} | {
        r.subject for r in network.relations if r.object == SIILAB
    }
    assert {n.iri for n in one.nodes} == neighbours | {SIILAB}
    assert one.title == "Ego network of SIILAB (radius 1)"
    two = build_view(network, ViewOptions(view="ego", entity=SIILAB, radius=2))
    assert {n.iri for n in one.nodes} < {n.iri for n in two.nodes}


def test_diffusion_view_keeps_diffusion_links_and_channels(network: AtlasNetwork) -> None:
    view = build_view(network, ViewOptions(view="diffusion"))
    predicates = {e.predicate for e in view.edges}
    assert {"inspiredBy", "diffusedTo"} <= predicates
    assert predicates <= {"inspiredBy", "diffusedTo", "memberOf", "participatedIn"}
    narrowed = build_view(
        network, ViewOptions(view="diffusion", predicates=frozenset({"fundedBy"}))
    )
    assert narrowed.edges == ()


def test_communities_cover_every_node_and_do_not_change_between_runs(
    network: AtlasNetwork,
) -> None:
    first = build_view(network, ViewOptions(view="communities"))
    again = build_view(network, ViewOptions(view="communities"))
    assert first == again  # seeded Louvain and seeded layout: same communities, same positions
    assert all(n.community is not None for n in first.nodes)
    assert sum(c.size for c in first.communities) == len(first.nodes)
    sizes = [c.size for c in first.communities]
    assert sizes == sorted(sizes, reverse=True) and len(sizes) > 3
    labels = {n.label for n in first.nodes}
    assert all(set(c.top_labels) <= labels for c in first.communities)


def test_class_predicate_and_confidence_filters(network: AtlasNetwork) -> None:
    classes = parse_classes(["Initiative", "la:Place"])
    view = build_view(network, ViewOptions(classes=classes))
    assert {n.entity_class for n in view.nodes} == {"Lab", "Programme", "Place"}
    funded = build_view(network, ViewOptions(predicates=parse_predicates(["fundedBy"])))
    assert {e.predicate for e in funded.edges} == {"fundedBy"}
    sure = build_view(network, ViewOptions(min_confidence=0.8))
    assert sure.edges and min(e.confidence for e in sure.edges) >= 0.8
    below = sum(1 for r in network.relations if r.confidence < 0.8)
    assert below > 0
    assert f"{below} relation(s) whose best evidence is below confidence 0.8." in sure.left_out


def test_betweenness_sizes_nodes_when_asked(network: AtlasNetwork) -> None:
    view = build_view(network, ViewOptions(size_by="betweenness"))
    assert all(n.betweenness is not None and 0 <= n.betweenness <= 1 for n in view.nodes)
    top = max(view.nodes, key=view.size_value)
    assert top.betweenness == max(n.betweenness for n in view.nodes) > 0
    assert any("betweenness" in note for note in view.notes)
    assert all(n.betweenness is None for n in build_view(network, ViewOptions()).nodes)


def test_views_over_the_limit_keep_the_nodes_with_most_relations() -> None:
    big = synthetic_network(1800)
    graph = big.multigraph()
    view = build_view(big, ViewOptions(max_nodes=1500))
    kept = {n.iri for n in view.nodes}
    assert len(kept) == 1500
    dropped = set(graph) - kept
    assert max(graph.degree(n) for n in dropped) <= min(graph.degree(n) for n in kept)
    reduction = [line for line in view.left_out if "nodes and" in line]
    assert reduction and reduction[0].startswith("300 of 1800 nodes")
    assert all(e.source in kept and e.target in kept for e in view.edges)


def test_layout_is_deterministic_and_spreads_nodes(network: AtlasNetwork) -> None:
    view = build_view(network, ViewOptions())
    positions = {(n.x, n.y) for n in view.nodes}
    assert len(positions) == len(view.nodes)
    assert build_view(network, ViewOptions()).nodes == view.nodes


def test_parallel_relations_are_numbered(network: AtlasNetwork) -> None:
    view = build_view(network, ViewOptions())
    pairs = Counter(frozenset((e.source, e.target)) for e in view.edges)
    assert any(count > 1 for count in pairs.values())  # the seed graph has typed parallels
    for pair, count in pairs.items():
        numbers = sorted(e.parallel for e in view.edges if frozenset((e.source, e.target)) == pair)
        assert numbers == list(range(count))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ViewOptions(view="ego"), "needs an entity"),
        (ViewOptions(view="ego", entity="https://example.org/nobody"), "is not in the store"),
        (ViewOptions(view="nope"), "unknown view"),
        (ViewOptions(size_by="pagerank"), "unknown size measure"),
    ],
)
def test_impossible_views_say_why(
    network: AtlasNetwork, options: ViewOptions, message: str
) -> None:
    with pytest.raises(ViewError, match=message):
        build_view(network, options)


def test_unknown_class_or_predicate_names_the_known_ones() -> None:
    with pytest.raises(ViewError, match=r"unknown class 'Labs'.*Lab, Programme"):
        parse_classes(["Labs"])
    with pytest.raises(ViewError, match="unknown predicate 'funds'"):
        parse_predicates(["funds"])


@pytest.mark.parametrize("command", ["viz", "figure"])
def test_the_commands_offer_every_view_and_measure(command: str) -> None:
    params = {p.name: p for p in main.commands[command].params}
    assert tuple(params["view"].type.choices) == VIEWS
    assert tuple(params["size_by"].type.choices) == SIZE_MEASURES
