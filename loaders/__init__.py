"""Loaders: case texts → documents, mentions, entities and relations with evidence.

Examples
--------
>>> from labatlas.loaders import extract_corpus
>>> extraction = extract_corpus()          # the bundled corpus
>>> len(extraction.documents)
22
"""

from importlib import import_module

# Names are imported on first use: `labatlas query` needs the data model (through the
# store), not the extraction pipeline, whose rules and gazetteers take 60 ms to load.
_PUBLIC = {
    "CorpusError": "pipeline",
    "Document": "model",
    "Entity": "model",
    "Evidence": "model",
    "Extraction": "model",
    "Mention": "model",
    "Relation": "model",
    "Sentence": "model",
    "SourceError": "documents",
    "collect_sources": "pipeline",
    "default_corpus": "pipeline",
    "extract_corpus": "pipeline",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
