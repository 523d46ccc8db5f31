"""HermiT (real, through owlready2 and Java) on the ontology plus the built graph."""

from __future__ import annotations

from pathlib import Path

import rdflib

from labatlas.graph.export import export_store
from labatlas.ontology import check_consistency


def test_built_graph_is_consistent_with_the_ontology(store, tmp_path: Path) -> None:
    out = tmp_path / "data.nt"
    export_store(store, out, "nt")
    data = rdflib.Graph().parse(out, format="nt")
    report = check_consistency(data)
    assert report.consistent, report.message
    # Funders are inferred by the defined class la:Funder, not asserted by the builder.
    assert report.inferred_funders
