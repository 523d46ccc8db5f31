"""Curation: a person's corrections, applied on every build and recorded with provenance."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode

from labatlas.cli import main
from labatlas.graph.store import open_store
from labatlas.loaders.curation import CurationError, apply_curation, load_curation
from labatlas.loaders.model import Extraction
from labatlas.queries import find_entity


def _facts(extraction: Extraction) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in extraction.relations}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "curation.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_change_the_extraction_as_written(extraction: Extraction, tmp_path: Path) -> None:
    ex = copy.deepcopy(extraction)
    path = _write(
        tmp_path,
        """
- action: reject
  subject: SIILAB
  predicate: foundedBy
  object: DRJSCS
  who: Reviewer
  why: test
- action: add
  subject: La Transfo
  predicate: diffusedTo
  object: Marseille
  evidence: passer le relais aux agents du Conseil Régional
- action: merge
  entities: [Unis-Cité, Agence du Service Civique]
- action: retype
  entity: Connected France Hub
  class: Network
- action: rename
  entity: SIILAB
  label: SIILAB (Lille)
- action: alias
  entity: La Transfo
  alias: Transfo PACA
  lang: fr
- action: wikidata
  entity: La 27e Région
  id: Q3214374
""",
    )
    records = apply_curation(ex, load_curation(path), str(path))
    assert [r.action for r in records] == [
        "reject",
        "add",
        "merge",
        "retype",
        "rename",
        "alias",
        "wikidata",
    ]
    facts = _facts(ex)
    assert ("ref:siilab", "foundedBy", "ref:drjscs") not in facts
    assert ("ref:la-transfo", "diffusedTo", "ref:marseille") in facts
    assert "ref:agence-service-civique" not in ex.entities
    assert not any("ref:agence-service-civique" in (s, o) for s, _, o in facts)
    assert ex.entities["ref:siilab"].label == "SIILAB (Lille)"
    assert "Transfo PACA" in ex.entities["ref:la-transfo"].alt_labels["fr"]
    assert ex.entities["ref:la-27e-region"].wikidata == "Q3214374"
    assert records[0].who == "Reviewer" and records[0].why == "test"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- action: explode\n", "entry 1: 'action' must be one of"),
        ("- {action: reject, subject: SIILAB}\n", "entry 1 (reject): missing predicate, object"),
        ("- {action: alias, entity: Nowhere Lab, alias: X}\n", "no entity named 'Nowhere Lab'"),
        ("- {action: reject, subject: SIILAB, predicate: funds, object: X}\n", "unknown predicate"),
        ("- [unclosed\n", "not valid YAML at line"),
    ],
)
def test_bad_entries_are_named_with_file_and_number(
    extraction: Extraction, tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CurationError, match=re.escape(message)) as err:
        apply_curation(copy.deepcopy(extraction), load_curation(path), str(path))
    assert str(path) in str(err.value)


def test_curate_commands_survive_rebuilds_and_leave_provenance(tmp_path: Path) -> None:
    runner = CliRunner()
    store = tmp_path / "atlas" / "store"
    assert runner.invoke(main, ["build", "-q", "--store", str(store)]).exit_code == 0
    result = runner.invoke(
        main,
        [
            "curate",
            "reject",
            "SIILAB",
            "foundedBy",
            "DRJSCS",
            "--store",
            str(store),
            "--who",
            "A. Reviewer",
            "--why",
            "the DRJSCS operates it",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "atlas" / "curation.yaml").exists()
    for _ in range(2):  # applied on every build, not once
        assert runner.invoke(main, ["build", "-q", "--store", str(store)]).exit_code == 0
        opened = open_store(store)
        siilab, drjscs = find_entity(opened, "SIILAB"), find_entity(opened, "DRJSCS")
        founded = "https://w3id.org/labatlas/ontology#foundedBy"
        assert not list(opened.quads_for_pattern(siilab, _node(founded), drjscs))
        provenance = list(
            opened.query(
                "PREFIX dcterms: <http://purl.org/dc/terms/> "
                "SELECT ?who WHERE { GRAPH <https://w3id.org/labatlas/graph/curation> "
                "{ ?c dcterms:creator ?who } }"
            )
        )
        assert [row["who"].value for row in provenance] == ["A. Reviewer"]
        del opened


def test_a_broken_curation_file_fails_the_build_and_keeps_the_store(tmp_path: Path) -> None:
    runner = CliRunner()
    store = tmp_path / "store"
    assert runner.invoke(main, ["build", "-q", "--store", str(store)]).exit_code == 0
    before = len(open_store(store))
    _write(tmp_path, "- {action: merge, entities: [SIILAB]}\n")
    result = runner.invoke(main, ["build", "-q", "--store", str(store)])
    assert result.exit_code == 1
    assert "curation.yaml: entry 1 (merge): 'entities' must list two or more names" in result.stderr
    assert len(open_store(store)) == before


def _node(iri: str) -> NamedNode:
    return NamedNode(iri)
