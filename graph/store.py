"""The persistent store: Oxigraph on disk, built atomically, readable through rdflib."""

from __future__ import annotations

import gc
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Quad, RdfFormat, Store

if TYPE_CHECKING:
    import rdflib

from labatlas.loaders.model import Extraction

from .rdf import Namespaces, extraction_quads

STORE_ENV = "LABATLAS_STORE"


class StoreError(RuntimeError):
    """The store is missing or cannot be opened (the message names the folder)."""


def default_store_path() -> Path:
    """Return the store folder: ``$LABATLAS_STORE``, else the user's data folder.

    Examples
    --------
    >>> import os
    >>> os.environ["LABATLAS_STORE"] = "/tmp/atlas-store"
    >>> str(default_store_path())
    '/tmp/atlas-store'
    >>> del os.environ["LABATLAS_STORE"]
    """
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV]).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "labatlas" / "store"


@dataclass(frozen=True)
class Workspace:
    """The files that live beside a store folder and outlive its rebuilds.

    Examples
    --------
    >>> ws = Workspace(Path("/data/atlas/store"))
    >>> [p.name for p in (ws.curation, ws.sources, ws.cache)]
    ['curation.yaml', 'sources.json', 'extraction-cache']
    """

    store: Path

    @property
    def curation(self) -> Path:
        """The researcher's curation file, applied on every build."""
        return self.store.parent / "curation.yaml"

    @property
    def sources(self) -> Path:
        """The texts the store was built from, so an ingest can rebuild around them."""
        return self.store.parent / "sources.json"

    @property
    def cache(self) -> Path:
        """Per-file extraction work, reused by later builds and ingests."""
        return self.store.parent / "extraction-cache"

    def read_sources(self) -> list[Path]:
        """The source files of the last build (empty if unknown)."""
        if not self.sources.exists():
            return []
        return [Path(p) for p in json.loads(self.sources.read_text(encoding="utf-8"))]

    def write_sources(self, files: list[Path]) -> None:
        """Record the source files of a build."""
        self.sources.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps([str(p.resolve()) for p in files], indent=1)
        self.sources.write_text(text + "\n", encoding="utf-8")


def open_store(path: Path | None = None, *, read_only: bool = True) -> Store:
    """Open an existing store.

    Raises
    ------
    StoreError
        No store at `path` (run `labatlas build` first), or it cannot be opened.
    """
    path = path or default_store_path()
    if not (path / "CURRENT").exists():
        raise StoreError(f"{path}: no labatlas store here (run `labatlas build` first)")
    try:
        return Store.read_only(str(path)) if read_only else Store(str(path))
    except OSError as err:
        raise StoreError(f"{path}: cannot open store ({err})") from err


def ontology_files() -> list[Path]:
    """The Turtle files loaded into the ontology graph of every store."""
    from labatlas.ontology import align_path, ontology_path

    return [ontology_path(), align_path()]


def write_store(path: Path, quads: Iterable[Quad], ns: Namespaces | None = None) -> None:
    """Create the store at `path` atomically: a failure leaves the previous one untouched.

    The new store is written beside the old one and swapped in only when complete.
    """
    ns = ns or Namespaces()
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.building-{os.getpid()}")
    retired = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        store = Store(str(staging))
        for ttl in ontology_files():
            store.bulk_load(path=str(ttl), format=RdfFormat.TURTLE, to_graph=ns.ontology_graph)
        store.bulk_extend(quads)
        store.flush()
        del store
        gc.collect()  # releases the RocksDB lock before the folder is renamed
        if path.exists():
            path.rename(retired)
        staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not path.exists():
            retired.rename(path)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def build_store(extraction: Extraction, path: Path | None = None, base: str | None = None) -> Path:
    """Write an extraction into the store at `path` (default location when omitted).

    Parameters
    ----------
    extraction : Extraction
    path : Path, optional
    base : str, optional
        Base IRI for instances and graphs (a portal's own domain).

    Returns
    -------
    Path
        The store folder.
    """
    path = path or default_store_path()
    ns = Namespaces(base) if base else Namespaces()
    write_store(path, extraction_quads(extraction, ns), ns)
    return path


def rdflib_dataset(path: Path | None = None, store: Store | None = None) -> rdflib.Dataset:
    """The store as a read-only rdflib `Dataset` (through oxrdflib), for users' notebooks.

    The union of all graphs is the default graph, as in the query library. Read-only, so
    it never locks out `labatlas build` or other readers.

    Parameters
    ----------
    path : Path, optional
        The store folder (the default store when omitted).
    store : pyoxigraph.Store, optional
        An already opened store to wrap instead.

    Returns
    -------
    rdflib.Dataset
    """
    import rdflib
    from oxrdflib import OxigraphStore

    opened = store if store is not None else open_store(path)
    return rdflib.Dataset(store=OxigraphStore(store=opened), default_union=True)
