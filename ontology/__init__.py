"""The labatlas ontology: OWL 2 vocabulary, loading, and consistency checking with HermiT.

``labatlas.ttl`` (next to this file) is the ontology; ``align.ttl`` holds the soft alignments
(``skos:closeMatch`` / ``rdfs:seeAlso``) to other vocabularies.

Examples
--------
>>> from labatlas.ontology import LA, ONTOLOGY_IRI, load_ontology
>>> ONTOLOGY_IRI
'https://w3id.org/labatlas/ontology'
>>> LA + "Lab"
'https://w3id.org/labatlas/ontology#Lab'
>>> len(load_ontology()) > 0
True
"""

from __future__ import annotations

import pathlib
from importlib import resources
from typing import TYPE_CHECKING

from labatlas.lazy_imports import lazy_attributes

if TYPE_CHECKING:
    import rdflib

    from .reasoning import ConsistencyReport, check_consistency, plain_triples

# The reasoning names are imported on first use: they pull in owlready2 and rdflib, which
# the store needs none of to find the ontology's files (every `labatlas import` does).
_REASONING = {
    name: "reasoning" for name in ("ConsistencyReport", "check_consistency", "plain_triples")
}

__all__ = [
    "LA",
    "ONTOLOGY_IRI",
    "ConsistencyReport",
    "align_path",
    "check_consistency",
    "load_ontology",
    "ontology_path",
    "plain_triples",
]

ONTOLOGY_IRI = "https://w3id.org/labatlas/ontology"
"""IRI of the labatlas ontology (``owl:Ontology``)."""

LA = "https://w3id.org/labatlas/ontology#"
"""Namespace of the labatlas terms (prefix ``la:``)."""


def _data_file(name: str) -> pathlib.Path:
    return pathlib.Path(str(resources.files(__name__).joinpath(name)))


def ontology_path() -> pathlib.Path:
    """Return the path of the ontology file ``labatlas.ttl`` shipped with the package.

    Returns
    -------
    pathlib.Path
        The Turtle file of the ontology.

    Examples
    --------
    >>> from labatlas.ontology import ontology_path
    >>> ontology_path().name
    'labatlas.ttl'
    >>> ontology_path().is_file()
    True
    """
    return _data_file("labatlas.ttl")


def align_path() -> pathlib.Path:
    """Return the path of ``align.ttl``, the soft alignments to other vocabularies.

    Returns
    -------
    pathlib.Path
        The Turtle file of ``skos:closeMatch`` / ``rdfs:seeAlso`` alignments.

    Examples
    --------
    >>> from labatlas.ontology import align_path
    >>> align_path().name
    'align.ttl'
    """
    return _data_file("align.ttl")


def load_ontology() -> rdflib.Graph:
    """Parse the ontology into a new rdflib graph.

    Returns
    -------
    rdflib.Graph
        The triples of ``labatlas.ttl`` (a fresh graph on every call, safe to modify).

    Examples
    --------
    >>> from rdflib import OWL, URIRef
    >>> from labatlas.ontology import LA, load_ontology
    >>> g = load_ontology()
    >>> (URIRef(LA + "fundedBy"), OWL.inverseOf, URIRef(LA + "funds")) in g
    True
    """
    import rdflib

    return rdflib.Graph().parse(ontology_path(), format="turtle")


__getattr__ = lazy_attributes(__name__, _REASONING)
