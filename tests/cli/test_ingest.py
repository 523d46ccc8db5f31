"""`labatlas ingest`: one new or changed text, the same graph as a full build."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from pyoxigraph import CanonicalizationAlgorithm, Dataset

from labatlas.cli import main
from labatlas.graph.store import open_store
from labatlas.loaders.pipeline import default_corpus

NEW_CASE = """Stakeholders & Beneficiaries

The Nantes Public Lab was created by Nantes Métropole and is funded by the European Social Fund.
It works in partnership with La 27e Région and Unis-Cité, using service design and prototyping.
"""


def _quads(store: Path) -> set:
    dataset = Dataset(open_store(store).quads_for_pattern(None, None, None))
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_ingest_equals_a_full_build_of_the_same_texts(tmp_path: Path) -> None:
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    shutil.copytree(default_corpus(), corpus, ignore=shutil.ignore_patterns("SOURCES", "*.py"))
    new = tmp_path / "new" / "nantes.txt"
    new.parent.mkdir()
    new.write_text(NEW_CASE, encoding="utf-8")

    incremental = tmp_path / "a" / "store"
    assert (
        runner.invoke(main, ["build", str(corpus), "-q", "--store", str(incremental)]).exit_code
        == 0
    )
    result = runner.invoke(main, ["ingest", str(new), "-q", "--store", str(incremental)])
    assert result.exit_code == 0, result.stderr

    full = tmp_path / "b" / "store"
    both = ["build", str(corpus), str(new), "-q", "--store", str(full)]
    assert runner.invoke(main, both).exit_code == 0
    assert _quads(incremental) == _quads(full)
    labels = {q.object.value for q in open_store(full).quads_for_pattern(None, None, None)}
    assert "Nantes Public Lab" in labels


def test_ingest_replaces_a_changed_text(tmp_path: Path) -> None:
    runner = CliRunner()
    text = tmp_path / "case.txt"
    text.write_text(NEW_CASE, encoding="utf-8")
    store = tmp_path / "store"
    assert runner.invoke(main, ["build", str(text), "-q", "--store", str(store)]).exit_code == 0
    changed = tmp_path / "v2" / "case.txt"
    changed.parent.mkdir()
    changed.write_text(NEW_CASE.replace("Nantes Public Lab", "Loire Public Lab"), "utf-8")
    assert runner.invoke(main, ["ingest", str(changed), "-q", "--store", str(store)]).exit_code == 0
    labels = {q.object.value for q in open_store(store).quads_for_pattern(None, None, None)}
    assert "Loire Public Lab" in labels and "Nantes Public Lab" not in labels


def test_ingest_without_a_build_says_what_to_do(tmp_path: Path) -> None:
    text = tmp_path / "case.txt"
    text.write_text(NEW_CASE, encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(text), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "sources.json: no record of the texts of this store" in result.stderr
