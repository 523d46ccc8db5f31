"""The benchmark's graph generator: seeded, labatlas-shaped, heavy-tailed (10k quads only).

Also the check the benchmark's ratios rest on: rdflib, given the same file and query text,
answers what Oxigraph answers.
"""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

from labatlas.bench.generator import generate, write_graph
from labatlas.bench.rdflib_baseline import _terms
from labatlas.bench.run import _bindings, focused_parameters, top_entities
from labatlas.graph.rdf import assertion_iri
from labatlas.graph.store import ontology_files, open_store
from labatlas.queries import library, run_query
from labatlas.queries.format import term_text

LA = "https://w3id.org/labatlas/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
INVOLVEMENT = {LA + p for p in ("fundedBy", "foundedBy", "operatedBy", "hasPartner")}


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_graph(tmp_path_factory.mktemp("gen") / "g.nq", 10_000, seed=11).path


@pytest.fixture(scope="module")
def quads(graph_file: Path) -> list[Quad]:
    return list(parse(path=str(graph_file), format=RdfFormat.N_QUADS))


@pytest.fixture(scope="module")
def generated(graph_file: Path) -> Store:
    store = Store()
    store.bulk_load(path=str(graph_file), format=RdfFormat.N_QUADS)
    for ttl in ontology_files():
        store.bulk_load(
            path=str(ttl),
            format=RdfFormat.TURTLE,
            to_graph=NamedNode("https://w3id.org/labatlas/graph/ontology"),
        )
    return store


def test_same_seed_same_graph_other_seed_other_graph() -> None:
    first = list(generate(10_000, seed=3))
    assert first == list(generate(10_000, seed=3))
    assert first != list(generate(10_000, seed=4))


def test_size_is_about_the_target(quads: list[Quad]) -> None:
    assert 10_000 <= len(quads) <= 11_000
    assert len(set(quads)) == len(quads)


def test_the_shape_of_a_real_build(quads: list[Quad], built_store: Path) -> None:
    """The generated graph uses the predicates and classes a build of the corpus uses."""
    real = open_store(built_store)
    real_predicates = {q.predicate.value for q in real.quads_for_pattern(None, None, None)}
    real_classes = {
        q.object.value for q in real.quads_for_pattern(None, NamedNode(RDF + "type"), None)
    }
    predicates = {q.predicate.value for q in quads}
    classes = {q.object.value for q in quads if q.predicate.value == RDF + "type"}
    assert predicates <= real_predicates
    assert classes <= real_classes
    assert len(predicates) >= 25 and len(classes) >= 15
    for quad in quads:
        assert quad.graph_name.value.startswith("https://w3id.org/labatlas/graph/doc/")


def test_every_relation_has_its_statement_and_evidence(quads: list[Quad]) -> None:
    relations = {
        (q.subject, q.predicate, q.object)
        for q in quads
        if q.predicate.value.startswith(LA)
        and isinstance(q.object, NamedNode)
        and q.predicate.value not in {LA + "rule"}
    }
    by_subject: dict[str, dict[str, set[str]]] = {}
    for q in quads:
        by_subject.setdefault(q.subject.value, {}).setdefault(q.predicate.value, set()).add(
            q.object.value
        )
    for s, p, o in relations:
        statement = by_subject[assertion_iri_value(s, p, o)]
        assert statement[RDF + "subject"] == {s.value}
        assert statement[RDF + "object"] == {o.value}
        for evidence in statement["http://www.w3.org/ns/prov#wasDerivedFrom"]:
            assert LA + "confidence" in by_subject[evidence]


def assertion_iri_value(s: NamedNode, p: NamedNode, o: NamedNode) -> str:
    from labatlas.graph.rdf import Namespaces

    return assertion_iri(Namespaces(), s, p, o).value


def test_heavy_tail_and_union_duplicates(quads: list[Quad]) -> None:
    pairs = {(q.subject.value, q.object.value) for q in quads if q.predicate.value in INVOLVEMENT}
    per_actor = Counter(actor for _, actor in pairs)
    counts = sorted(per_actor.values(), reverse=True)
    assert counts[0] >= 5 * statistics.median(counts)
    assert statistics.median(counts) <= 2
    graphs_per_triple = Counter(q.triple for q in quads)
    assert max(graphs_per_triple.values()) >= 3  # the same fact in several document graphs


@pytest.fixture(scope="module")
def rdflib_dataset(graph_file: Path) -> rdflib.Dataset:
    """The same file in rdflib's in-memory store, the union of its graphs as default graph."""
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(graph_file), format="nquads")
    ontology = dataset.graph(rdflib.URIRef("https://w3id.org/labatlas/graph/ontology"))
    for ttl in ontology_files():
        ontology.parse(str(ttl), format="turtle")
    return dataset


LIBRARY = [
    "shared-partners",
    "funders",
    "partners",
    "initiatives-by-method",
    "initiatives-by-place",
    "actors-by-class",
    "beneficiaries",
    "diffusion",
    "documents",
    "evidence",
    "co-involvement",
    "shared-actors",
    "similar-initiatives",
]
# About 15 s on rdflib for the whole graph: the example workload is enough. two-hop-paths is
# not here: rdflib evaluates all three of its branches (15-25 s at 10k whatever the
# parameters); the benchmark still compares its answers (rows) with Oxigraph's.
SLOW_ON_RDFLIB = {"evidence"}


@pytest.mark.parametrize("name", LIBRARY)
def test_rdflib_answers_like_oxigraph(
    rdflib_dataset: rdflib.Dataset, generated: Store, name: str
) -> None:
    """The benchmark compares times, so both engines must compute the same answer."""
    query = library()[name]
    workloads = [focused_parameters(query.example, top_entities(generated))]
    if name not in SLOW_ON_RDFLIB:
        workloads.append({})
    for params in workloads:
        expected = run_query(generated, query, params)
        bindings = _terms(_bindings(query, params))
        rows = rdflib_dataset.query(query.text, initBindings=bindings)
        got = [[str(v) if v is not None else "" for v in row] for row in rows]
        want = [[term_text(v) for v in row] for row in expected.rows]
        assert expected.rows, f"{name} {params} answers nothing"
        assert _normal(got) == _normal(want), f"{name} {params}"


def _cell(text: str) -> str:
    """Numbers by value (rdflib keeps "0.60", Oxigraph writes 0.6); joined lists as sets.

    A quotient is compared to 15 decimals: Oxigraph's xsd:decimal keeps 18, rdflib's 28.
    """
    try:
        return format(round(Decimal(text), 15).normalize(), "f")
    except InvalidOperation:
        return " | ".join(sorted(text.split(" | ")))


def _normal(rows: list[list[str]]) -> list[tuple[str, ...]]:
    return sorted(tuple(_cell(c) for c in row) for row in rows)
