"""Importing existing RDF files into the store: bulk loaded, one named graph per file, atomic.

An import never edits the store in place. It works on a staging copy (a RocksDB checkpoint:
hard links, so it is cheap even for a large store), replaces the graphs the files write, bulk
loads the files and swaps the copy in only when every file loaded. A malformed file, a full
disk or an interrupt leaves the store exactly as it was.

Large N-Triples and N-Quads files are cut at line boundaries and loaded by several threads at
once: Oxigraph's bulk loader parses and sorts one batch on one core, and pyoxigraph releases
the GIL while it works.
"""

from __future__ import annotations

import fcntl
import gc
import gzip
import io
import itertools
import mmap
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

from .rdf import Namespaces, slugify
from .store import StoreError, default_store_path, ontology_files

# Extensions and --format names, each mapped to its parser.
IMPORT_FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "turtle": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "ntriples": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "json": RdfFormat.JSON_LD,
    "rdf": RdfFormat.RDF_XML,
    "rdfxml": RdfFormat.RDF_XML,
    "xml": RdfFormat.RDF_XML,
    "owl": RdfFormat.RDF_XML,
}
FORMAT_CHOICES = ("ttl", "nt", "nq", "trig", "jsonld", "rdfxml")
_LINE_FORMATS = (RdfFormat.N_TRIPLES, RdfFormat.N_QUADS)
# Below this size a line-based file is loaded by one thread: splitting would not pay.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
_READ_BUFFER = 1 << 20
_BLANK_NODE = re.compile(rb"_:")


class RdfImportError(StoreError):
    """A file cannot be imported (the message names the file and, for syntax, line and column)."""


@dataclass(frozen=True)
class ImportSource:
    """One file to import: where it is, how to parse it, and the graph its triples go to."""

    path: Path
    format: RdfFormat
    graph: NamedNode
    compressed: bool = False

    @property
    def keeps_named_graphs(self) -> bool:
        """True for TriG, N-Quads and JSON-LD: their named graphs are kept as they are."""
        return self.format.supports_datasets


@dataclass(frozen=True)
class ImportedFile:
    """What one file added to the store: quads, and the named graphs they went to."""

    path: Path
    graph: NamedNode
    quads: int
    seconds: float
    graphs: int = 1


@dataclass(frozen=True)
class ImportProgress:
    """How far the import of one file has come, in bytes read from disk."""

    path: Path
    done: int
    total: int


def import_graph_iri(path: Path, ns: Namespaces | None = None) -> NamedNode:
    """The named graph a file's triples go to when no graph is given: one per file name.

    The name without folder and extensions, so a re-import of the same dump, from anywhere
    and in any syntax, replaces what the previous import wrote.

    Examples
    --------
    >>> from pathlib import Path
    >>> import_graph_iri(Path("/data/OPSI cases.ttl.gz")).value
    'https://w3id.org/labatlas/graph/import/opsi-cases'
    """
    ns = ns or Namespaces()
    name = path.name.removesuffix(".gz")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return ns.graph(f"import/{slugify(stem)}")


def detect_format(path: Path, fmt: str | None = None) -> RdfFormat:
    """The syntax of `path`: `fmt` when given, else from the extension (``.gz`` aside).

    Raises
    ------
    RdfImportError
        Unknown format name or extension.

    Examples
    --------
    >>> from pathlib import Path
    >>> detect_format(Path("cases.nq.gz")).name, detect_format(Path("x.data"), "ttl").name
    ('N-Quads', 'Turtle')
    """
    key = fmt or path.name.removesuffix(".gz").rsplit(".", 1)[-1]
    rdf_format = IMPORT_FORMATS.get(key.lower().lstrip("."))
    if rdf_format is None:
        what = f"format '{fmt}'" if fmt else f"extension '.{key}'"
        raise RdfImportError(
            f"{path}: unknown {what}; use --format with one of {', '.join(FORMAT_CHOICES)}"
        )
    return rdf_format


def plan_import(
    paths: list[Path], fmt: str | None = None, graph: str | None = None
) -> list[ImportSource]:
    """Check the files and decide, for each, its syntax and target graph.

    Raises
    ------
    RdfImportError
        A file is missing or unreadable, its syntax is unknown, the graph is not an
        absolute IRI, or two files would silently share a graph named after them.
    """
    if not paths:
        raise RdfImportError("no file to import")
    target = _graph_node(graph) if graph else None
    sources: list[ImportSource] = []
    claimed: dict[str, Path] = {}
    for path in paths:
        _check_readable(path)
        node = target or import_graph_iri(path)
        if target is None and node.value in claimed:
            raise RdfImportError(
                f"{path} and {claimed[node.value]} would both go to graph <{node.value}>; "
                "import them separately or give --graph"
            )
        claimed[node.value] = path
        compressed = path.name.endswith(".gz")
        sources.append(ImportSource(path, detect_format(path, fmt), node, compressed))
    return sources


def _graph_node(graph: str) -> NamedNode:
    if ":" not in graph or any(c in graph for c in ' <>"{}|^`\\'):
        raise RdfImportError(f"--graph {graph!r}: not an absolute IRI")
    try:
        return NamedNode(graph)
    except ValueError as err:
        raise RdfImportError(f"--graph {graph!r}: not a valid IRI ({err})") from err


def _check_readable(path: Path) -> None:
    if not path.is_file():
        raise RdfImportError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise RdfImportError(f"{path}: cannot read the file (permission denied)")


def import_files(
    sources: list[ImportSource],
    store_path: Path | None = None,
    on_progress: Callable[[ImportProgress], None] | None = None,
    workers: int | None = None,
    compact: bool = True,
) -> list[ImportedFile]:
    """Load `sources` into the store at `store_path` (created when missing), atomically.

    The graph of each source is emptied first, and so are the named graphs a TriG, N-Quads
    or JSON-LD file writes, so importing a file again replaces what it wrote before.
    A new store gets the labatlas ontology graph, as `labatlas build` gives it.

    Parameters
    ----------
    sources : list of ImportSource
        From `plan_import`.
    store_path : Path, optional
        The store folder; the default store when omitted.
    on_progress : callable, optional
        Called about twice a second with an `ImportProgress` while a file loads.
    workers : int, optional
        Threads for large N-Triples/N-Quads files (default: the CPU count, at most 4).
    compact : bool
        Compact the store's indexes once loaded (slower import, faster queries).

    Returns
    -------
    list of ImportedFile

    Raises
    ------
    RdfImportError
        A file is malformed (the message names it, with line and column) or cannot be
        read; the store is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from pyoxigraph import Store
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "labs.ttl").write_text('<https://ex.org/a> <https://ex.org/p> "x" .')
    43
    >>> [f.quads for f in import_files(plan_import([folder / "labs.ttl"]), folder / "store")]
    [1]
    >>> Store.read_only(str(folder / "store")).contains_named_graph(
    ...     NamedNode("https://w3id.org/labatlas/graph/import/labs"))
    True
    """
    path = (store_path or default_store_path()).resolve()
    workers = workers or min(4, os.cpu_count() or 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(path):
        staging = path.with_name(f".{path.name}.importing-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            imported = _load_into_copy(sources, path, staging, on_progress, workers, compact)
            _swap_in(staging, path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return imported


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """One import at a time per store: two concurrent imports would lose one's work."""
    lock_path = path.with_name(f".{path.name}.lock")
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise RdfImportError(f"{path}: another import is writing this store") from err
        yield


def _load_into_copy(
    sources: list[ImportSource],
    path: Path,
    staging: Path,
    on_progress: Callable[[ImportProgress], None] | None,
    workers: int,
    compact: bool,
) -> list[ImportedFile]:
    store = _staging_store(path, staging)
    try:
        _remove_replaced_graphs(store, sources)
        imported = []
        count, graphs = len(store), _graph_names(store)
        for source in sources:
            started = time.perf_counter()
            _bulk_load(store, source, on_progress, workers)
            seconds = time.perf_counter() - started
            now, now_graphs = len(store), _graph_names(store)
            added = len(now_graphs - graphs) or 1
            imported.append(ImportedFile(source.path, source.graph, now - count, seconds, added))
            count, graphs = now, now_graphs
        if compact:
            # Merges the sorted runs each bulk load (and each thread) wrote into one per
            # index: at 1M quads it costs about a quarter of the load, and every later
            # query or export reads 15-40 % less (one index file to search per term).
            store.optimize()
        store.flush()
        return imported
    finally:
        del store
        gc.collect()  # releases the RocksDB lock before the folder is renamed


def _graph_names(store: Store) -> set[str]:
    return {g.value for g in store.named_graphs()}


def _staging_store(path: Path, staging: Path) -> Store:
    """A writable copy of the store at `path`, or a new store with the ontology graph."""
    is_store = (path / "CURRENT").exists()
    if path.exists() and not is_store and any(path.iterdir()):
        raise RdfImportError(f"{path}: exists but is not a labatlas store")
    if not is_store:
        store = Store(str(staging))
        for ttl in ontology_files():
            store.bulk_load(path=str(ttl), format=RdfFormat.TURTLE, to_graph=_ontology_graph())
        return store
    try:
        original = Store.read_only(str(path))
        original.backup(str(staging))
        del original
        return Store(str(staging))
    except OSError as err:
        raise RdfImportError(f"{path}: cannot copy the store for the import ({err})") from err


def _ontology_graph() -> NamedNode:
    return Namespaces().ontology_graph


def _remove_replaced_graphs(store: Store, sources: list[ImportSource]) -> None:
    """Empty every graph the sources will write, so an import replaces, never merges."""
    existing = {g.value for g in store.named_graphs()}
    if existing <= {_ontology_graph().value}:
        return  # a new store: nothing to replace, and no need to read the files twice
    replaced: dict[str, NamedNode] = {}
    for source in sources:
        replaced[source.graph.value] = source.graph
        if source.keeps_named_graphs:
            replaced.update((g.value, g) for g in _named_graphs_in(source))
    for name, node in replaced.items():
        if name in existing:
            store.remove_graph(node)


def read_rdf_file(path: Path, fmt: str | None = None) -> list[Quad]:
    """Parse one RDF file (any syntax `labatlas import` reads, gzipped or not) into quads.

    Parameters
    ----------
    path : Path
    fmt : str, optional
        The syntax (see `detect_format`); from the extension when omitted.

    Returns
    -------
    list of pyoxigraph.Quad
        Triples of a graph syntax are in the default graph.

    Raises
    ------
    RdfImportError
        Missing file, unknown syntax, or a syntax error (one line with line and column).

    Examples
    --------
    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "bad.ttl"
    >>> _ = bad.write_text('<http://x/a> <http://x/b> "open .\\n')
    >>> try:
    ...     read_rdf_file(bad)
    ... except RdfImportError as err:
    ...     print(str(err).split(": ", 1)[1])
    syntax error at line 1, column 27: Unexpected end of file
    """
    (source,) = plan_import([path], fmt)
    with _open_source(source) as handle:
        try:
            return list(parse(handle, source.format))
        except SyntaxError as err:
            raise _syntax_error(source, err) from err


def _named_graphs_in(source: ImportSource) -> list[NamedNode]:
    """The named graphs a dataset file writes (one parsing pass; syntax errors surface here)."""
    names: dict[str, NamedNode] = {}
    with _open_source(source) as handle:
        try:
            for quad in parse(handle, source.format, rename_blank_nodes=True):
                graph = quad.graph_name
                if isinstance(graph, NamedNode) and graph.value not in names:
                    names[graph.value] = graph
        except SyntaxError as err:
            raise _syntax_error(source, err) from err
    return list(names.values())


def _bulk_load(
    store: Store,
    source: ImportSource,
    on_progress: Callable[[ImportProgress], None] | None,
    workers: int,
) -> None:
    readers = _readers(source, workers)
    with ThreadPoolExecutor(max_workers=len(readers)) as pool:
        futures = {pool.submit(_load_piece, store, source, r): r for r in readers}
        try:
            _wait_for(futures, source, on_progress)
        except BaseException:
            for reader in readers:
                reader.abort()  # the other threads stop at their next read
            raise


def _load_piece(store: Store, source: ImportSource, reader: _CountingReader) -> None:
    with reader, gzip.open(reader) if source.compressed else io.BufferedReader(reader) as data:
        # The file's default graph goes to its own graph; named graphs of TriG/N-Quads stay.
        store.bulk_load(data, source.format, to_graph=source.graph)


def _wait_for(
    futures: dict[Future[None], _CountingReader],
    source: ImportSource,
    on_progress: Callable[[ImportProgress], None] | None,
) -> None:
    total = sum(r.size for r in futures.values())
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=0.5, return_when=FIRST_EXCEPTION)
        for future in done:
            _raise_failure(future, futures[future], source)
        if on_progress and pending:
            progress = sum(r.done for r in futures.values())
            on_progress(ImportProgress(source.path, progress, total))


def _raise_failure(future: Future[None], reader: _CountingReader, source: ImportSource) -> None:
    error = future.exception()
    if error is None:
        return
    if isinstance(error, SyntaxError):
        raise _syntax_error(source, error, reader.start) from error
    if isinstance(error, OSError | EOFError | ValueError):
        raise RdfImportError(f"{source.path}: cannot read the file ({error})") from error
    raise error


def _readers(source: ImportSource, workers: int) -> list[_CountingReader]:
    """One reader per thread: byte ranges cut at line ends for big line-based files."""
    size = source.path.stat().st_size
    if not _splittable(source, size, workers):
        return [_CountingReader(source.path, 0, size)]
    bounds = _line_bounds(source.path, size, workers)
    return [_CountingReader(source.path, a, b) for a, b in itertools.pairwise(bounds)]


def _splittable(source: ImportSource, size: int, workers: int) -> bool:
    """Only big N-Triples/N-Quads files without blank nodes are split.

    Each bulk load renames blank nodes apart, so `_:b1` in two pieces would become two nodes.
    A ``_:`` anywhere (even inside a literal) keeps the file in one piece: safe, just slower.
    """
    if workers < 2 or source.compressed or source.format not in _LINE_FORMATS:
        return False
    if size < PARALLEL_MIN_BYTES:
        return False
    with (
        source.path.open("rb") as handle,
        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
    ):
        # A regular expression scans 3x faster than mmap.find (0.08 s against 0.23 s for
        # 224 MiB), which the load waits for.
        return _BLANK_NODE.search(data) is None


def _line_bounds(path: Path, size: int, parts: int) -> list[int]:
    """Offsets that cut the file into `parts` pieces, each starting at a line start."""
    bounds = [0]
    with path.open("rb") as handle:
        for i in range(1, parts):
            handle.seek(size * i // parts)
            handle.readline()
            bounds.append(max(handle.tell(), bounds[-1]))
    bounds.append(size)
    return sorted(set(bounds))


class _CountingReader(io.RawIOBase):
    """Reads bytes ``[start, end)`` of a file and counts them (for progress and positions)."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        super().__init__()
        self.start = start
        self.size = end - start
        self.done = 0
        self._aborted = False
        self._file = path.open("rb", buffering=0)
        self._file.seek(start)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        wanted = 0 if self._aborted else min(len(buffer), self.size - self.done)
        if wanted <= 0:
            return 0
        got = self._file.readinto(memoryview(buffer)[:wanted]) or 0
        self.done += got
        return got

    def abort(self) -> None:
        """Make the next read return end of file."""
        self._aborted = True

    def close(self) -> None:
        self._file.close()
        super().close()


@contextmanager
def _open_source(source: ImportSource) -> Iterator[io.BufferedIOBase]:
    with source.path.open("rb") as raw:
        if source.compressed:
            with gzip.open(raw) as unzipped:
                yield unzipped
        else:
            yield raw


def _syntax_error(source: ImportSource, err: SyntaxError, offset: int = 0) -> RdfImportError:
    """One line: file, line and column (in the whole file, not the piece a thread read)."""
    line, column = err.lineno, err.offset
    detail = str(err)
    if line:
        detail = detail.split(": ", 1)[-1].removesuffix(f" (line {line})")
        line += _lines_before(source.path, offset) if offset else 0
    where = f"line {line}, column {column}" if line else "an unknown position"
    return RdfImportError(f"{source.path}: syntax error at {where}: {detail}")


def _lines_before(path: Path, offset: int) -> int:
    count = 0
    with path.open("rb") as handle:
        while offset > 0:
            chunk = handle.read(min(_READ_BUFFER, offset))
            if not chunk:
                break
            count += chunk.count(b"\n")
            offset -= len(chunk)
    return count


def _swap_in(staging: Path, path: Path) -> None:
    """Replace the store folder by the staging folder (two renames: no half-written store)."""
    retired = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(retired, ignore_errors=True)
    if path.exists():
        path.rename(retired)
    try:
        staging.rename(path)
    except BaseException:
        if retired.exists() and not path.exists():
            retired.rename(path)
        raise
    shutil.rmtree(retired, ignore_errors=True)
