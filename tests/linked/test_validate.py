"""SHACL validation (pySHACL, real) of the built graph and of broken copies of it."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import RdfFormat, Store
from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.collection import Collection

from labatlas.cli import main
from labatlas.graph.export import export_store
from labatlas.graph.validate import shapes_path, split_shapes, store_graph, validate_graph
from labatlas.ontology import load_ontology

LA = rdflib.Namespace("https://w3id.org/labatlas/ontology#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SIILAB = URIRef("https://w3id.org/labatlas/id/initiative/siilab")


@pytest.fixture(scope="module")
def data(store) -> rdflib.Graph:
    return store_graph(store)


def _broken(data: rdflib.Graph) -> rdflib.Graph:
    copy = rdflib.Graph()
    for triple in data:
        copy.add(triple)
    return copy


def test_built_seed_graph_conforms(data: rdflib.Graph) -> None:
    report = validate_graph(data)
    assert report.conforms, "\n".join(v.line() for v in report.violations[:10])


def test_two_most_specific_classes_are_reported_with_the_label(data: rdflib.Graph) -> None:
    broken = _broken(data)
    broken.add((SIILAB, RDF.type, LA.Programme))
    report = validate_graph(broken)
    assert not report.conforms
    lines = [v.line() for v in report.violations if v.focus == str(SIILAB)]
    assert any("SIILAB" in line and "most specific class" in line for line in lines), lines


def test_untagged_label_and_wrong_range_are_reported(data: rdflib.Graph) -> None:
    broken = _broken(data)
    broken.add((SIILAB, RDFS.label, rdflib.Literal("untagged")))
    method = next(broken.subjects(RDF.type, LA.Method))
    broken.add((SIILAB, LA.fundedBy, method))
    report = validate_graph(broken)
    messages = {(v.path, v.message) for v in report.violations if v.focus == str(SIILAB)}
    assert any(path == "rdfs:label" for path, _ in messages)
    assert any(path == "la:fundedBy" and "rdfs:range" in msg for path, msg in messages)
    # the added relation has no assertion either
    assert any(path == "la:fundedBy" and "Evidence" in msg for path, msg in messages)


def test_relation_without_evidence_is_reported(data: rdflib.Graph) -> None:
    broken = _broken(data)
    statement = next(broken.subjects(RDF.subject, SIILAB))
    broken.remove((statement, PROV.wasDerivedFrom, None))
    report = validate_graph(broken)
    focus = {v.focus for v in report.violations}
    assert str(SIILAB) in focus and str(statement) in focus


def test_oxigraph_sparql_constraints_agree_with_pyshacl_on_a_small_graph() -> None:
    small = rdflib.Graph().parse(
        format="turtle",
        data="""
        @prefix la: <https://w3id.org/labatlas/ontology#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix id: <https://w3id.org/labatlas/id/> .
        id:a la:fundedBy id:b ; la:hasPartner id:c .
        id:s rdf:subject id:a ; rdf:predicate la:fundedBy ; rdf:object id:b ;
            prov:wasDerivedFrom id:e .
        id:e a la:Evidence .
        """,
    )
    shapes = rdflib.Graph().parse(shapes_path())
    _, sparql = split_shapes(shapes)
    only = rdflib.Graph()
    evidence_shape = URIRef(sparql[0].shape)
    for triple in shapes:
        only.add(triple)
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) - {evidence_shape}:
        only.remove((shape, RDF.type, SH.NodeShape))
        for target in (SH.targetClass, SH.targetSubjectsOf):
            only.remove((shape, target, None))
    _, results, _ = pyshacl.validate(small, shacl_graph=only, advanced=True)
    by_pyshacl = {
        (str(results.value(r, SH.focusNode)), str(results.value(r, SH.value)))
        for r in results.subjects(RDF.type, SH.ValidationResult)
    }
    store = Store()
    store.load(small.serialize(format="nt", encoding="utf-8"), format=RdfFormat.N_TRIPLES)
    by_oxigraph = {(focus, value) for focus, _, value, _ in sparql[0].evaluate(store)}
    assert (
        by_pyshacl
        == by_oxigraph
        == {("https://w3id.org/labatlas/id/a", "https://w3id.org/labatlas/id/c")}
    )


def test_relation_shapes_follow_the_ontology_domains_and_ranges() -> None:
    shapes = rdflib.Graph().parse(shapes_path())
    onto = load_ontology()

    def ontology_classes(node) -> set[URIRef]:
        if isinstance(node, URIRef):
            return {node}
        return set(Collection(onto, onto.value(node, OWL.unionOf)))

    def shape_classes(node) -> set[URIRef]:
        members = Collection(shapes, shapes.value(node, SH["or"]))
        return {shapes.value(m, SH["class"]) for m in members}

    checked = 0
    for shape, predicate in shapes.subject_objects(SH.targetSubjectsOf):
        if (shape, SH.sparql, None) in shapes or str(predicate).startswith(str(PROV)):
            continue
        domain = ontology_classes(onto.value(predicate, RDFS.domain))
        assert shape_classes(shape) == domain, predicate
        prop = shapes.value(shape, SH.property)
        assert shape_classes(prop) == ontology_classes(onto.value(predicate, RDFS.range))
        checked += 1
    assert checked == 11


def test_cli_validate_store_and_broken_file(built_store: Path, tmp_path: Path, store) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", "--store", str(built_store)])
    assert ok.exit_code == 0, ok.output
    assert "conforms" in ok.output
    good = tmp_path / "atlas.ttl"
    export_store(store, good, "ttl")
    graph = rdflib.Graph().parse(good, format="turtle")
    graph.remove((SIILAB, RDFS.label, None))
    graph.add((SIILAB, RDFS.label, rdflib.Literal("SIILAB")))
    broken = tmp_path / "broken.ttl"
    graph.serialize(broken, format="turtle")
    bad = runner.invoke(main, ["validate", str(broken)])
    assert bad.exit_code == 1
    assert any(line.startswith("Violation: SIILAB <") for line in bad.output.splitlines())
    missing = runner.invoke(main, ["validate", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 1 and "no such file" in missing.output


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("cut.ttl", '@prefix ex: <http://x/> .\nex:a ex:b "open .\n', "line 2, column "),
        ("cut.jsonld", '{"@id": "http://x/a",\n "http://x/b": [1, 2\n', "line 3, column "),
    ],
)
def test_cli_validate_malformed_file_is_one_line_with_line_and_column(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1, result.output
    assert str(path) in result.output and f"syntax error at {where}" in result.output


def test_cli_validate_reads_a_file_of_another_extension_with_format(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("<http://x/a> <http://x/b> <http://x/c> .\n")
    unknown = CliRunner().invoke(main, ["validate", str(path)])
    assert unknown.exit_code == 1 and "unknown extension '.txt'" in unknown.output
    result = CliRunner().invoke(main, ["validate", "--format", "nt", str(path)])
    assert result.exit_code == 0 and "conforms (1 triples checked)" in result.output
