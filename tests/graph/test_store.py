"""The on-disk store: per-document graphs, evidence, determinism, atomic builds, exports."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pyoxigraph import Dataset, RdfFormat, Variable, parse

from labatlas.graph.export import export_store
from labatlas.graph.rdf import Namespaces, extraction_quads
from labatlas.graph.store import build_store, open_store
from labatlas.loaders.model import Extraction
from labatlas.loaders.pipeline import default_corpus, extract_corpus
from labatlas.queries import find_entity

EVIDENCE_SENTENCES = """
PREFIX la: <https://w3id.org/labatlas/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
SELECT DISTINCT ?s ?p ?o ?sentence WHERE {
  ?s ?p ?o .
  FILTER(STRSTARTS(STR(?p), STR(la:)) && isIRI(?o))
  FILTER(?p NOT IN (la:rule))
  OPTIONAL {
    ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?ev .
    ?ev nif:anchorOf ?sentence .
  }
}
"""


def _corpus_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in default_corpus().glob("*.txt"))


def test_every_relation_has_evidence_quoted_verbatim_from_the_corpus(store) -> None:
    corpus = _corpus_text()
    rows = list(store.query(EVIDENCE_SENTENCES, use_default_graph_as_union=True))
    assert len(rows) > 50
    missing = [(r["s"], r["p"], r["o"]) for r in rows if r["sentence"] is None]
    assert missing == []
    assert all(r["sentence"].value in corpus for r in rows)


def test_one_named_graph_per_document_plus_ontology_and_links(
    store, extraction: Extraction
) -> None:
    ns = Namespaces()
    graphs = {g.value for g in store.named_graphs()}
    expected = {ns.document_graph(d.doc_id).value for d in extraction.documents}
    assert graphs == expected | {ns.ontology_graph.value, ns.graph("links").value}


def test_duplicate_siilab_text_gives_one_fact_with_evidence_from_both_files(store) -> None:
    query = """
    PREFIX la: <https://w3id.org/labatlas/ontology#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT (COUNT(DISTINCT ?a) AS ?assertions) (COUNT(DISTINCT ?file) AS ?files) ?lab WHERE {
      ?a rdf:subject ?lab ; rdf:predicate la:foundedBy ; prov:wasDerivedFrom ?ev .
      ?ev prov:wasQuotedFrom ?doc . ?doc la:sourceFile ?file .
    } GROUP BY ?lab"""
    siilab = find_entity(store, "SIILAB")
    solutions = store.query(
        query, use_default_graph_as_union=True, substitutions={Variable("lab"): siilab}
    )
    row = next(iter(solutions))
    assert int(row["files"].value) == 2
    founders = int(row["assertions"].value)
    assert founders >= 1


def _canonical_quads(path: Path) -> set:
    """The store's quads with blank nodes (ontology axioms) canonically relabelled."""
    from pyoxigraph import CanonicalizationAlgorithm

    dataset = Dataset(open_store(path).quads_for_pattern(None, None, None))
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_two_builds_of_the_same_texts_are_isomorphic(tmp_path: Path) -> None:
    first = build_store(extract_corpus(), tmp_path / "a")
    second = build_store(extract_corpus(), tmp_path / "b")
    assert _canonical_quads(first) == _canonical_quads(second)


def test_a_failed_build_leaves_the_previous_store_intact(tmp_path: Path) -> None:
    target = build_store(extract_corpus(), tmp_path / "store")
    before = len(open_store(target))

    def broken():
        yield from extraction_quads(extract_corpus())
        raise RuntimeError("disk full")

    from labatlas.graph.store import write_store

    with pytest.raises(RuntimeError, match="disk full"):
        write_store(target, broken())
    assert len(open_store(target)) == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["store"]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "trig", "jsonld"])
def test_exports_parse_back_with_the_same_statements(store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"atlas.{fmt}"
    count = export_store(store, out, fmt)
    rdf_format = {
        "ttl": RdfFormat.TURTLE,
        "nt": RdfFormat.N_TRIPLES,
        "trig": RdfFormat.TRIG,
        "jsonld": RdfFormat.JSON_LD,
    }[fmt]
    assert len(set(parse(path=str(out), format=rdf_format))) == count


def test_exported_turtle_parses_with_rapper(store, tmp_path: Path) -> None:
    out = tmp_path / "atlas.ttl"
    count = export_store(store, out, "ttl")
    result = subprocess.run(
        ["rapper", "-i", "turtle", "-c", str(out)], capture_output=True, text=True, check=True
    )
    assert f"returned {count} triples" in result.stderr


def test_store_opens_in_rdflib_through_oxrdflib(tmp_path: Path) -> None:
    from labatlas.graph.store import rdflib_dataset

    path = build_store(extract_corpus(), tmp_path / "store")
    dataset = rdflib_dataset(path)
    rows = list(
        dataset.query(
            "PREFIX la: <https://w3id.org/labatlas/ontology#> "
            "SELECT (COUNT(DISTINCT ?lab) AS ?n) WHERE { ?lab a la:Lab }"
        )
    )
    dataset.close()
    assert int(rows[0][0]) > 5
