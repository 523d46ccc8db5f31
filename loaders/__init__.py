"""Loaders: case texts → documents, mentions, entities and relations with evidence.

Examples
--------
>>> from labatlas.loaders import extract_corpus
>>> extraction = extract_corpus()          # the bundled corpus
>>> len(extraction.documents)
22
"""

from .documents import SourceError
from .model import Document, Entity, Evidence, Extraction, Mention, Relation, Sentence
from .pipeline import CorpusError, collect_sources, default_corpus, extract_corpus

__all__ = [
    "CorpusError",
    "Document",
    "Entity",
    "Evidence",
    "Extraction",
    "Mention",
    "Relation",
    "Sentence",
    "SourceError",
    "collect_sources",
    "default_corpus",
    "extract_corpus",
]
