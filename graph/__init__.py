"""Graph stage: the Oxigraph store on disk, its RDF layout, exports and summaries.

Names are imported on first use, so command modules of this package load without pulling in
the store and RDF libraries (`labatlas --help` stays fast).

Examples
--------
>>> import tempfile, pathlib
>>> from labatlas.loaders import extract_corpus
>>> from labatlas.graph import build_store, open_store, summarize
>>> path = build_store(extract_corpus(), pathlib.Path(tempfile.mkdtemp()) / "store")
>>> summarize(open_store(path)).documents
22
"""

from labatlas.lazy_imports import lazy_attributes

_PUBLIC = {
    "EXPORT_FORMATS": "export",
    "export_store": "export",
    "LA": "rdf",
    "Namespaces": "rdf",
    "extraction_quads": "rdf",
    "Summary": "stats",
    "format_summary": "stats",
    "summarize": "stats",
    "StoreError": "store",
    "Workspace": "store",
    "build_store": "store",
    "default_store_path": "store",
    "open_store": "store",
    "rdflib_dataset": "store",
    "write_store": "store",
}

__all__ = sorted(_PUBLIC)

__getattr__ = lazy_attributes(__name__, _PUBLIC)
