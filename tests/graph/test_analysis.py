"""The analyses on the bundled corpus, and the agreement of their SPARQL and NetworkX answers."""

from __future__ import annotations

import doctest
import functools
import importlib.util
import math
from decimal import Decimal
from itertools import product
from pathlib import Path

import networkx as nx
import pytest
from pyoxigraph import Literal, Store

from labatlas.graph import analysis
from labatlas.graph.network import DIFFUSION, INVOLVEMENT, AtlasNetwork, load_network
from labatlas.queries import QueryError, find_entity, load_query, run_query

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def network(store: Store) -> AtlasNetwork:
    return load_network(store)


@functools.cache
def iri(store: Store, name: str) -> str:
    """The IRI of a named entity (looked up once: each lookup reads every label)."""
    return find_entity(store, name).value


def sparql(store: Store, name: str, **params: str) -> list[dict[str, object]]:
    """A library query's rows as plain values, run the way `labatlas query` runs it."""
    result = run_query(store, load_query(name), params)
    return [{c: _value(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows]


def _value(term: object) -> object:
    if isinstance(term, Literal) and term.datatype.value.endswith(("#integer", "#decimal")):
        return Decimal(term.value)
    return None if term is None else term.value


# --------------------------------------------------------------------------- shared partners


def test_unis_cite_drjscs_and_la_27e_region_are_shared_partners(
    network: AtlasNetwork, store: Store
) -> None:
    partners = {p.actor.iri: p for p in analysis.shared_partners(network).partners}
    expected = {
        "Unis-Cité": {"Booster", "Melting Potes"},
        "DRJSCS": {"Booster", "SIILAB"},
        "La 27e Région": {"La Transfo", "Re•acteur Public"},
    }
    for actor, initiatives in expected.items():
        found = partners[iri(store, actor)]
        assert {i.initiative.iri for i in found.involvements} == {
            iri(store, name) for name in initiatives
        }
        assert all(i.roles for i in found.involvements)
    la_27e = partners[iri(store, "La 27e Région")]
    assert {i.roles for i in la_27e.involvements} == {("operatedBy",)}


def test_shared_partners_agree_with_the_sparql_library(network: AtlasNetwork, store: Store) -> None:
    for minimum in (1, 2, 3):
        rows = sparql(store, "shared-partners", min=str(minimum))
        from_sparql = {
            r["actor"]: (int(r["initiatives"]), set(r["roles"].split(" | "))) for r in rows
        }
        result = analysis.shared_partners(network, min_initiatives=minimum)
        from_networkx = {p.actor.iri: (p.count, set(p.roles)) for p in result.partners}
        assert from_networkx == from_sparql
        assert [p.count for p in result.partners] == sorted(
            (p.count for p in result.partners), reverse=True
        )


def test_roles_restrict_shared_partners(network: AtlasNetwork, store: Store) -> None:
    operators = analysis.shared_partners(network, roles=("operatedBy",)).partners
    assert iri(store, "La 27e Région") in {p.actor.iri for p in operators}
    assert all(i.roles == ("operatedBy",) for p in operators for i in p.involvements)


# --------------------------------------------------------------------------- SPARQL = NetworkX


def test_co_involvement_query_gives_the_actor_graph(network: AtlasNetwork, store: Store) -> None:
    rows = sparql(store, "co-involvement")
    from_sparql = {frozenset((r["actorA"], r["actorB"])): int(r["initiatives"]) for r in rows}
    graph = network.actor_graph()
    assert from_sparql == {frozenset((a, b)): w for a, b, w in graph.edges(data="weight")}
    unis_cite = iri(store, "Unis-Cité")
    mine = sparql(store, "co-involvement", actor=unis_cite, min="2")
    assert {r["actorA"] for r in mine} | {r["actorB"] for r in mine} >= {unis_cite}
    assert len(mine) == sum(1 for v in graph[unis_cite].values() if v["weight"] >= 2)


def test_shared_actors_query_gives_the_initiative_graph(
    network: AtlasNetwork, store: Store
) -> None:
    rows = sparql(store, "shared-actors")
    from_sparql = {frozenset((r["initiativeA"], r["initiativeB"])): int(r["actors"]) for r in rows}
    graph = network.initiative_graph()
    assert from_sparql == {frozenset((a, b)): w for a, b, w in graph.edges(data="weight")}


def test_diffusion_query_gives_the_diffusion_edges(network: AtlasNetwork, store: Store) -> None:
    rows = sparql(store, "diffusion")
    from_sparql = {(r["origin"], r["relation"], r["recipient"]) for r in rows}
    graph = network.diffusion_graph(shared_actors=False)
    assert from_sparql == {(u, k, v) for u, v, k in graph.edges(keys=True)}


def test_similar_initiatives_query_gives_the_same_ranking(
    network: AtlasNetwork, store: Store
) -> None:
    siilab = iri(store, "SIILAB")
    rows = sparql(store, "similar-initiatives", initiative=siilab)
    result = analysis.similar(network, siilab)
    assert [r["other"] for r in rows] == [s.node.iri for s in result.similar]
    for row, found in zip(rows, result.similar, strict=True):
        assert int(row["shared"]) == found.shared
        assert math.isclose(float(row["jaccard"]), found.jaccard, rel_tol=1e-9)
        for facet in analysis.FACETS:
            assert int(row[facet]) == len(found.facet(facet).shared)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("La Transfo", "Re•acteur Public"),
        ("Booster", "Melting Potes"),
        ("SIILAB", "Erasme"),
        ("Québec", "Canada"),
    ],
)
def test_two_hop_query_gives_the_two_hop_paths(
    network: AtlasNetwork, store: Store, source: str, target: str
) -> None:
    start, end = iri(store, source), iri(store, target)
    rows = sparql(store, "two-hop-paths", **{"from": start, "to": end})
    from_sparql = {
        (r["via"], r["relation1"], r["direction1"], r["relation2"], r["direction2"]) for r in rows
    }
    report = analysis.paths(network, start, end, max_length=2, limit=10_000)
    from_networkx = set()
    for path in report.paths:
        if path.length != 2:
            continue
        first, second = path.hops
        for s1, s2 in product(first.statements, second.statements):
            from_networkx.add(
                (
                    first.end.iri,
                    s1.predicate,
                    "forward" if s1.subject.iri == start else "backward",
                    s2.predicate,
                    "forward" if s2.object.iri == end else "backward",
                )
            )
    assert from_sparql, f"{source} and {target} are two hops apart in the corpus"
    assert from_sparql == from_networkx
    sentences = {e.sentence for r in network.relations for e in r.evidence}
    assert all(r["sentence1"] in sentences and r["sentence2"] in sentences for r in rows)


# --------------------------------------------------------------------------- brokers, communities


def test_brokers_are_betweenness_on_the_projection(network: AtlasNetwork) -> None:
    report = analysis.brokers(network, "bipartite")
    expected = nx.betweenness_centrality(network.bipartite(), normalized=True)
    for broker in report.brokers:
        assert math.isclose(broker.betweenness, expected[broker.node.iri], abs_tol=1e-12)
    assert {b.node.iri for b in report.brokers} == {n for n, v in expected.items() if v > 0}
    ranks = [b.raw_betweenness for b in report.brokers]
    assert ranks == sorted(ranks, reverse=True)
    assert any(len(b.connects) >= 2 for b in report.brokers)
    assert report.nodes == network.bipartite().number_of_nodes()


def test_drjscs_bridges_booster_and_siilab(network: AtlasNetwork, store: Store) -> None:
    report = analysis.brokers(network, kind="actors")
    drjscs = next(b for b in report.brokers if b.node.iri == iri(store, "DRJSCS"))
    booster = report.partition.index_of(iri(store, "Booster"))
    siilab = report.partition.index_of(iri(store, "SIILAB"))
    assert booster != siilab and {booster, siilab} <= set(drjscs.connects)
    assert all(b.node.entity_class not in {"Lab", "Programme"} for b in report.brokers)


def test_sampled_betweenness_is_reproducible(network: AtlasNetwork) -> None:
    first = analysis.brokers(network, "actors", sample=10, seed=7)
    again = analysis.brokers(network, "actors", sample=10, seed=7)
    assert first.sample == 10 and first.brokers == again.brokers
    whole = analysis.brokers(network, "actors", sample=10_000)
    assert whole.sample is None  # a sample as large as the graph is the exact computation


@pytest.mark.parametrize("projection", analysis.COMMUNITY_PROJECTIONS)
def test_communities_partition_the_projection(network: AtlasNetwork, projection: str) -> None:
    result = analysis.communities(network, projection, seed=3)
    graph = analysis.undirected_projection(network, projection)
    members = [m.iri for c in result.communities for m in c.members]
    assert sorted(members) == sorted(graph)
    groups = [{m.iri for m in c.members} for c in result.communities]
    assert math.isclose(result.modularity, nx.community.modularity(graph, groups))
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    for c in result.communities:
        assert sum(n for _, n in c.classes) == len(c.members)
    assert analysis.communities(network, projection, seed=3) == result


# --------------------------------------------------------------------------- similar


def test_similarity_is_the_jaccard_index_of_the_features(
    network: AtlasNetwork, store: Store
) -> None:
    siilab = iri(store, "SIILAB")
    features: dict[str, set[tuple[str, str]]] = {}
    for facet, predicates in analysis.FACETS.items():
        for r in network.select(predicates):
            features.setdefault(r.subject, set()).add((facet, r.object))
    result = analysis.similar(network, siilab)
    assert result.similar
    for s in result.similar:
        mine, theirs = features[siilab], features[s.node.iri]
        assert s.shared == len(mine & theirs) > 0
        assert math.isclose(s.jaccard, len(mine & theirs) / len(mine | theirs))
    with pytest.raises(analysis.AnalysisError, match="no partner"):
        analysis.similar(network, iri(store, "Paris"))


# --------------------------------------------------------------------------- paths


def test_la_transfo_and_reacteur_public_meet_at_la_27e_region(
    network: AtlasNetwork, store: Store
) -> None:
    report = analysis.paths(
        network, iri(store, "La Transfo"), iri(store, "Re•acteur Public"), via="partners"
    )
    first = report.paths[0]
    assert first.length == 2 and first.hops[0].end.iri == iri(store, "La 27e Région")
    for hop in first.hops:
        for statement in hop.statements:
            assert statement.predicate in INVOLVEMENT and statement.evidence
            assert all(e.sentence for e in statement.evidence)
    assert not report.reason and not report.source_links
    shorter = analysis.paths(
        network, iri(store, "La Transfo"), iri(store, "Re•acteur Public"), max_length=1
    )
    assert not shorter.paths and "more than --max-length 1" in shorter.reason


def test_no_diffusion_path_from_mindlab_to_a_pilot_city_says_why(
    network: AtlasNetwork, store: Store
) -> None:
    mindlab, paris = iri(store, "MindLab"), iri(store, "Paris")
    report = analysis.paths(network, mindlab, paris, via="diffusion")
    diffusion_ends = {x for r in network.select(DIFFUSION) for x in (r.subject, r.object)}
    assert mindlab not in diffusion_ends  # what the extractor gives today
    assert not report.paths
    assert "MindLab" in report.reason and "no diffusion relation" in report.reason
    assert report.source_links == analysis.links_of(network, mindlab)
    assert all(mindlab in (k.subject.iri, k.object.iri) for k in report.source_links)
    assert all(paris in (k.subject.iri, k.object.iri) for k in report.target_links)


def test_diffusion_paths_follow_the_direction_of_diffusion(
    network: AtlasNetwork, store: Store
) -> None:
    maia, quebec = iri(store, "MAIA"), iri(store, "Québec")
    forward = analysis.paths(network, quebec, maia, via="diffusion")
    assert forward.paths[0].labels[-1] == forward.target.label
    assert forward.paths[0].hops[0].statements[0].predicate == "inspiredBy"
    backward = analysis.paths(network, maia, quebec, via="diffusion")
    assert not backward.paths and "swap FROM and TO" in backward.reason


def test_avoided_classes_are_never_passed_through(network: AtlasNetwork, store: Store) -> None:
    avoid = ("Method", "Place", "BeneficiaryGroup")
    report = analysis.paths(
        network, iri(store, "SIILAB"), iri(store, "Booster"), max_length=6, avoid=avoid
    )
    assert report.paths
    for path in report.paths:
        inner = [hop.end for hop in path.hops[:-1]]
        assert all(node.entity_class not in avoid for node in inner)
    with pytest.raises(analysis.AnalysisError, match="same entity"):
        analysis.paths(network, iri(store, "SIILAB"), iri(store, "SIILAB"))


# --------------------------------------------------------------------------- diffusion, ego


def test_maia_came_from_quebec(network: AtlasNetwork, store: Store) -> None:
    maia, quebec = iri(store, "MAIA"), iri(store, "Québec")
    (cascade,) = analysis.diffusion(network, quebec).cascades
    assert cascade.reach >= 1 and maia in {s.recipient.iri for s in cascade.steps}
    step = next(s for s in cascade.steps if s.recipient.iri == maia)
    assert step.depth == 1 and "Quebec" in step.evidence[0].sentence
    (own,) = analysis.diffusion(network, maia).cascades
    assert quebec in {u.origin.iri for u in own.upstream}


def test_every_root_has_nothing_diffused_to_it(network: AtlasNetwork) -> None:
    report = analysis.diffusion(network)
    graph = network.diffusion_graph(shared_actors=False)
    assert report.cascades
    for cascade in report.cascades:
        assert graph.in_degree(cascade.root.iri) == 0
        assert cascade.reach == len(nx.descendants(graph, cascade.root.iri))
        assert cascade.depth == max(
            nx.single_source_shortest_path_length(graph, cascade.root.iri).values()
        )


def test_ego_network_rows_and_graph(network: AtlasNetwork, store: Store) -> None:
    center = iri(store, "La 27e Région")
    result = analysis.ego(network, center, depth=2)
    undirected = network.multigraph().to_undirected()
    expected = nx.single_source_shortest_path_length(undirected, center, cutoff=2)
    assert {m.node.iri: m.distance for m in result.members} == expected
    assert set(result.graph) == set(expected)
    for member in result.members[1:]:
        assert member.links
        assert all(
            expected[k.other(member.node.iri).iri] == member.distance - 1 for k in member.links
        )
    only_partners = analysis.ego(network, center, depth=2, predicates=INVOLVEMENT)
    assert {p for *_, p in only_partners.graph.edges(keys=True)} <= set(INVOLVEMENT)


# --------------------------------------------------------------------------- entities, API


def test_entities_are_found_by_label_alias_or_iri(network: AtlasNetwork, store: Store) -> None:
    maia = iri(store, "MAIA")
    assert analysis.find_node(store, network, "MAIA").iri == maia
    assert analysis.find_node(store, network, maia).iri == maia
    with pytest.raises(QueryError, match="close matches: MindLab"):
        analysis.find_node(store, network, "Mindlabb")
    with pytest.raises(QueryError, match="no entity with the IRI"):
        analysis.find_node(store, network, maia + "-not")


def test_the_atlas_api_examples_run(store: Store) -> None:
    import labatlas.atlas

    outcome = doctest.testmod(labatlas.atlas, optionflags=doctest.ELLIPSIS)
    assert outcome.attempted >= 4 and outcome.failed == 0


def test_the_atlas_reads_one_handle_and_leaves_the_store_openable(built_store: Path) -> None:
    from labatlas.atlas import open_atlas
    from labatlas.graph.store import open_store

    atlas = open_atlas(built_store)
    rows = atlas.query("shared-partners", min=2)
    assert all(isinstance(r["initiatives"], int) and r["initiatives"] >= 2 for r in rows)
    labs = atlas.graph.query(
        "PREFIX la: <https://w3id.org/labatlas/ontology#> "
        "SELECT (COUNT(DISTINCT ?lab) AS ?n) WHERE { ?lab a la:Lab }"
    )
    assert int(next(iter(labs))[0]) > 0
    assert len(open_store(built_store)) > 0  # a second reader still opens the folder
    assert atlas.entity("Unis-Cité").entity_class == "Association"
    assert atlas.paths("MindLab", "Paris", via="diffusion").reason


def test_the_notebook_tour_runs(
    built_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = ROOT / "graph" / "examples" / "notebook_tour.py"
    spec = importlib.util.spec_from_file_location("notebook_tour", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.tour(module.open_or_build(built_store), tmp_path)
    out = capsys.readouterr().out
    assert "## brokers" in out and "Québec ->" in out and "La 27e Région" in out
    assert nx.read_gexf(tmp_path / "la-27e-region.gexf").number_of_nodes() > 1
