"""Reasoning with real HermiT (Java) and with owlrl: same defined classes, inverses, culprits."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, Quad, Store

from labatlas.cli import main
from labatlas.graph.inference import Inference, reason
from labatlas.graph.store import open_store

LA = "https://w3id.org/labatlas/ontology#"
TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def results(store) -> dict[str, Inference]:
    return {engine: reason(store, engine) for engine in ("hermit", "owlrl")}


def _funders(result: Inference) -> set[str]:
    return {
        t.subject.value
        for t in result.inferred
        if t.predicate == TYPE and t.object == NamedNode(LA + "Funder")
    }


def test_both_engines_find_the_seed_graph_consistent(results: dict[str, Inference]) -> None:
    for result in results.values():
        assert result.consistent, result.problems
        assert result.inferred


def test_engines_agree_on_defined_classes_and_structural_facts(
    results: dict[str, Inference], store
) -> None:
    hermit, owlrl = results["hermit"], results["owlrl"]
    assert _funders(hermit) and _funders(hermit) == _funders(owlrl)
    # every funder funds something (the inverse) and is an la:Actor (a superclass)
    funds = {
        (t.subject.value, t.object.value)
        for t in hermit.inferred
        if t.predicate.value == LA + "funds"
    }
    asserted = {
        (q.object.value, q.subject.value)
        for q in store.quads_for_pattern(None, NamedNode(LA + "fundedBy"), None)
    }
    assert funds == asserted
    actors = {t.subject.value for t in hermit.inferred if t.object == NamedNode(LA + "Actor")}
    assert _funders(hermit) <= actors
    assert set(hermit.inferred) <= set(owlrl.inferred)


def test_inconsistency_names_the_offending_entity(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = Store(str(path))  # a small on-disk store: one person also typed as a state body
    person = NamedNode("https://w3id.org/labatlas/id/actor/ann")
    lab = NamedNode("https://w3id.org/labatlas/id/initiative/lab")
    graph = NamedNode("https://w3id.org/labatlas/graph/doc/d1")
    for s, p, o in (
        (person, TYPE, NamedNode(LA + "Person")),
        (person, TYPE, NamedNode(LA + "StateBody")),
        (lab, TYPE, NamedNode(LA + "Lab")),
        (lab, NamedNode(LA + "fundedBy"), person),
    ):
        store.add(Quad(s, p, o, graph))
    store.flush()
    for engine in ("hermit", "owlrl"):
        result = reason(store, engine)
        assert not result.consistent
        assert any(person.value in problem for problem in result.problems), result.problems
    del store
    gc.collect()  # releases the RocksDB lock for the command
    outcome = CliRunner().invoke(main, ["reason", "--engine", "owlrl", "--store", str(path)])
    assert outcome.exit_code == 1 and person.value in outcome.output


def test_cli_writes_inferred_graph_that_queries_can_leave_out(
    built_store: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "store"
    shutil.copytree(built_store, copy)
    outcome = CliRunner().invoke(main, ["reason", "--store", str(copy)])
    assert outcome.exit_code == 0, outcome.output
    store = open_store(copy)
    inferred = NamedNode("https://w3id.org/labatlas/graph/inferred")
    funder = NamedNode(LA + "Funder")
    assert list(store.quads_for_pattern(None, TYPE, funder, inferred))
    without = """SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
        GRAPH ?g { ?x a <https://w3id.org/labatlas/ontology#Funder> }
        FILTER(?g != <https://w3id.org/labatlas/graph/inferred>) }"""
    assert next(iter(store.query(without)))["n"].value == "0"
    assert (
        f"wrote {len(list(store.quads_for_pattern(None, None, None, inferred)))}" in outcome.output
    )
