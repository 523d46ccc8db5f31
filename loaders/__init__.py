"""Loaders: case texts → documents, mentions, entities and relations with evidence.

Examples
--------
>>> from labatlas.loaders import extract_corpus
>>> extraction = extract_corpus()          # the bundled corpus
>>> len(extraction.documents)
22
"""

from labatlas.lazy_imports import lazy_attributes

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

__getattr__ = lazy_attributes(__name__, _PUBLIC)
