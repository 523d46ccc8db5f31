"""Graph stage: the Oxigraph store on disk, its RDF layout, exports and summaries.

Examples
--------
>>> import tempfile, pathlib
>>> from labatlas.loaders import extract_corpus
>>> from labatlas.graph import build_store, open_store, summarize
>>> path = build_store(extract_corpus(), pathlib.Path(tempfile.mkdtemp()) / "store")
>>> summarize(open_store(path)).documents
22
"""

from .export import EXPORT_FORMATS, export_store
from .rdf import LA, Namespaces, extraction_quads
from .stats import Summary, format_summary, summarize
from .store import (
    StoreError,
    build_store,
    default_store_path,
    open_store,
    rdflib_dataset,
    write_store,
)

__all__ = [
    "EXPORT_FORMATS",
    "LA",
    "Namespaces",
    "StoreError",
    "Summary",
    "build_store",
    "default_store_path",
    "export_store",
    "extraction_quads",
    "format_summary",
    "open_store",
    "rdflib_dataset",
    "summarize",
    "write_store",
]
