"""Shared fixtures: one real build of the bundled corpus into an Oxigraph store on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from labatlas.graph.store import build_store, open_store
from labatlas.loaders.model import Extraction
from labatlas.loaders.pipeline import extract_corpus


@pytest.fixture(scope="session")
def extraction() -> Extraction:
    """The bundled corpus, extracted once per test session."""
    return extract_corpus()


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory, extraction: Extraction) -> Path:
    """A real on-disk store built from the bundled corpus."""
    return build_store(extraction, tmp_path_factory.mktemp("atlas") / "store")


@pytest.fixture(scope="session")
def store(built_store: Path):
    """The built store, opened read-only."""
    return open_store(built_store)
