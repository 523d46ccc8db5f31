"""A VoID + DCAT description of an exported dataset, computed from the statements written."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from labatlas.loaders.model import ENTITY_CLASSES

from .rdf import DCTERMS, LA, OWL, PREFIXES, RDF, XSD, Namespaces

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"

_TYPE = NamedNode(RDF + "type")


@dataclass(frozen=True)
class DatasetDescription:
    """What a portal wants to know about the dataset, beyond what is counted.

    Examples
    --------
    >>> d = DatasetDescription(version="1.2", issued=datetime.date(2026, 1, 31))
    >>> d.title, d.issued.isoformat()
    ('labatlas knowledge graph', '2026-01-31')
    """

    title: str = "labatlas knowledge graph"
    description: str = (
        "Public innovation labs and programmes, the actors that fund, found, operate or "
        "partner with them, their places, beneficiaries, methods and events, extracted from "
        "case texts with the sentence that states every fact."
    )
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    creator: str = "labatlas contributors"
    version: str = "0.1.0"
    issued: datetime.date = field(default_factory=datetime.date.today)
    endpoint: str | None = None
    examples: int = 3


def dataset_iri(ns: Namespaces) -> NamedNode:
    """The IRI of the dataset itself: ``{base}dataset``.

    Examples
    --------
    >>> dataset_iri(Namespaces("https://data.example.org/")).value
    'https://data.example.org/dataset'
    """
    return NamedNode(f"{ns.base}dataset")


def vocabulary_of(iri: str) -> str:
    """The namespace of a term: its IRI up to the last ``#`` or ``/``.

    Examples
    --------
    >>> vocabulary_of("https://w3id.org/labatlas/ontology#Lab")
    'https://w3id.org/labatlas/ontology#'
    >>> vocabulary_of("https://schema.org/funder")
    'https://schema.org/'
    """
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


@dataclass(frozen=True)
class DatasetCounts:
    """What the statements of an export hold, as VoID counts them."""

    triples: int
    distinct_subjects: int
    distinct_objects: int
    entities_by_class: dict[str, int]
    triples_by_property: dict[str, int]
    vocabularies: tuple[str, ...]
    initiatives: tuple[str, ...]


def count_statements(triples: Iterable[Triple]) -> DatasetCounts:
    """Count the distinct triples, subjects, objects, entities per class and properties.

    Examples
    --------
    >>> t = Triple(NamedNode("http://x/a"), _TYPE, NamedNode(LA + "Lab"))
    >>> c = count_statements([t, t])
    >>> c.triples, c.entities_by_class, c.initiatives
    (1, {'Lab': 1}, ('http://x/a',))
    """
    text = serialize(list(set(triples)), format=RdfFormat.N_TRIPLES)
    return count_ntriples(set(text.splitlines()))


def count_ntriples(lines: Iterable[bytes]) -> DatasetCounts:
    """`count_statements` of distinct N-Triples lines (``s p o .``, no newline).

    Parameters
    ----------
    lines : iterable of bytes
        Distinct statements, one N-Triples line each, as pyoxigraph writes them.

    Returns
    -------
    DatasetCounts

    Examples
    --------
    >>> c = count_ntriples({b'<http://x/a> <http://x/p> "1" .', b'_:b <http://x/p> "1" .'})
    >>> c.triples, c.distinct_subjects, c.distinct_objects, c.triples_by_property
    (2, 2, 1, {'http://x/p': 2})
    """
    counter = LineCounter()
    counter.add(lines)
    return counter.counts()


_RDF_TYPE = f"<{RDF}type>".encode()
_LEAF_CLASSES = {f"<{LA}{name}>".encode(): name for name in ENTITY_CLASSES}
_INITIATIVE_CLASSES = {f"<{LA}Lab>".encode(), f"<{LA}Programme>".encode()}


@dataclass
class LineCounter:
    """Counts statements given as N-Triples lines, batch by batch, as an export reads them.

    An export of a million triples has them as text already: counting the text is several
    times faster than making a Python term of each, and can go on while the store is still
    being read. pyoxigraph writes each term one way, so distinct text is a distinct term.
    Each line must be given once (the caller keeps the set of lines seen).

    Examples
    --------
    >>> counter = LineCounter()
    >>> counter.add([b'<http://x/a> <http://x/p> <http://x/b> .'])
    >>> counter.add([b'<http://x/b> <http://x/p> <http://x/b> .'])
    >>> c = counter.counts()
    >>> c.triples, c.distinct_subjects, c.distinct_objects
    (2, 2, 1)
    """

    triples: int = 0
    subjects: set[bytes] = field(default_factory=set)
    objects: set[bytes] = field(default_factory=set)
    properties: Counter[bytes] = field(default_factory=Counter)
    types: list[tuple[bytes, bytes]] = field(default_factory=list)

    def add(self, lines: Iterable[bytes]) -> None:
        """Count `lines`, N-Triples statements (``s p o .``) not given before."""
        subjects, objects, properties = self.subjects, self.objects, self.properties
        added = 0
        for line in lines:
            subject, predicate, rest = line.split(b" ", 2)
            subjects.add(subject)
            objects.add(rest)  # the object and " .": as distinct as the objects themselves
            properties[predicate] += 1
            if predicate == _RDF_TYPE:
                self.types.append((subject, rest[:-2]))
            added += 1
        self.triples += added

    def counts(self) -> DatasetCounts:
        """The counts of every line added so far."""
        by_class = Counter(_LEAF_CLASSES[o] for _, o in self.types if o in _LEAF_CLASSES)
        classes = {o for _, o in self.types if _is_iri(o)}
        vocabularies = {vocabulary_of(_iri(t)) for t in [*self.properties, *classes]}
        initiatives = (_value(s) for s, o in self.types if o in _INITIATIVE_CLASSES)
        return DatasetCounts(
            triples=self.triples,
            distinct_subjects=len(self.subjects),
            distinct_objects=len(self.objects),
            entities_by_class=dict(sorted(by_class.items())),
            triples_by_property=dict(sorted((_iri(p), n) for p, n in self.properties.items())),
            vocabularies=tuple(sorted(vocabularies)),
            initiatives=tuple(sorted(initiatives)),
        )


def _is_iri(token: bytes) -> bool:
    return token.startswith(b"<") and not token.startswith(b"<<")  # not a triple term


def _iri(token: bytes) -> str:
    return token[1:-1].decode("utf-8")  # N-Triples writes IRIs unescaped


def _value(token: bytes) -> str:
    """The IRI of an IRI token, the id of a blank node (``_:id``): `term.value`."""
    return _iri(token) if _is_iri(token) else token[2:].decode("utf-8")


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def describe_dataset(
    triples: Iterable[Triple] | DatasetCounts, meta: DatasetDescription, ns: Namespaces
) -> Iterator[Quad]:
    """Yield the VoID + DCAT description of `triples` in the graph ``{base}graph/void``.

    Parameters
    ----------
    triples : iterable of pyoxigraph.Triple, or DatasetCounts
        The statements the export writes (the description counts exactly these), or
        their counts.
    meta : DatasetDescription
    ns : Namespaces
        The base the dataset is published under.

    Yields
    ------
    pyoxigraph.Quad

    Examples
    --------
    >>> lab = NamedNode("https://w3id.org/labatlas/id/initiative/x")
    >>> t = Triple(lab, _TYPE, NamedNode(LA + "Lab"))
    >>> quads = list(describe_dataset([t], DatasetDescription(), Namespaces()))
    >>> ds = dataset_iri(Namespaces())
    >>> [q.object.value for q in quads if (q.subject, q.predicate.value) == (ds, VOID + "triples")]
    ['1']
    """
    counts = triples if isinstance(triples, DatasetCounts) else count_statements(triples)
    graph = ns.graph("void")
    ds = dataset_iri(ns)

    def q(s: NamedNode | BlankNode, p: str, o: NamedNode | BlankNode | Literal) -> Quad:
        return Quad(s, NamedNode(p), o, graph)

    yield q(ds, RDF + "type", NamedNode(VOID + "Dataset"))
    yield q(ds, RDF + "type", NamedNode(DCAT + "Dataset"))
    yield q(ds, DCTERMS + "title", Literal(meta.title, language="en"))
    yield q(ds, DCTERMS + "description", Literal(meta.description, language="en"))
    yield q(ds, DCTERMS + "license", NamedNode(meta.license))
    creator = BlankNode("creator")
    yield q(ds, DCTERMS + "creator", creator)
    yield q(creator, RDF + "type", NamedNode(FOAF + "Agent"))
    yield q(creator, FOAF + "name", Literal(meta.creator))
    yield q(ds, DCAT + "version", Literal(meta.version))
    yield q(ds, OWL + "versionInfo", Literal(meta.version))
    yield q(
        ds, DCTERMS + "issued", Literal(meta.issued.isoformat(), datatype=NamedNode(XSD + "date"))
    )
    yield q(ds, VOID + "uriSpace", Literal(f"{ns.base}id/"))
    yield q(ds, VOID + "triples", _int(counts.triples))
    yield q(ds, VOID + "entities", _int(sum(counts.entities_by_class.values())))
    yield q(ds, VOID + "distinctSubjects", _int(counts.distinct_subjects))
    yield q(ds, VOID + "distinctObjects", _int(counts.distinct_objects))
    yield q(ds, VOID + "properties", _int(len(counts.triples_by_property)))
    yield q(ds, VOID + "classes", _int(len(counts.entities_by_class)))
    for vocabulary in counts.vocabularies:
        yield q(ds, VOID + "vocabulary", NamedNode(vocabulary))
    for example in counts.initiatives[: meta.examples]:
        yield q(ds, VOID + "exampleResource", NamedNode(example))
    for name, n in counts.entities_by_class.items():
        part = NamedNode(f"{ns.base}dataset/class/{name}")
        yield q(ds, VOID + "classPartition", part)
        yield q(part, VOID + "class", NamedNode(LA + name))
        yield q(part, VOID + "entities", _int(n))
    for prop, n in counts.triples_by_property.items():
        part = NamedNode(f"{ns.base}dataset/property/{_slug(prop)}")
        yield q(ds, VOID + "propertyPartition", part)
        yield q(part, VOID + "property", NamedNode(prop))
        yield q(part, VOID + "triples", _int(n))
    if meta.endpoint:
        yield from _endpoint_quads(ds, meta.endpoint, ns)


def _slug(iri: str) -> str:
    """A readable, unique path segment for a property IRI (``rdfs-label``, ``la-fundedBy``)."""
    prefixes = {namespace: prefix for prefix, namespace in PREFIXES.items()}
    namespace = vocabulary_of(iri)
    local = iri[len(namespace) :]
    if namespace in prefixes:
        return f"{prefixes[namespace]}-{local}"
    host = namespace.split("//", 1)[-1].strip("/#").replace("/", "-").replace(".", "-")
    return f"{host}-{local}"


def _endpoint_quads(ds: NamedNode, endpoint: str, ns: Namespaces) -> Iterator[Quad]:
    graph = ns.graph("void")
    service = NamedNode(f"{ns.base}dataset/sparql")
    yield Quad(ds, NamedNode(VOID + "sparqlEndpoint"), NamedNode(endpoint), graph)
    yield Quad(service, _TYPE, NamedNode(DCAT + "DataService"), graph)
    yield Quad(service, NamedNode(DCAT + "endpointURL"), NamedNode(endpoint), graph)
    yield Quad(service, NamedNode(DCAT + "servesDataset"), ds, graph)
    conforms = NamedNode("https://www.w3.org/TR/sparql11-protocol/")
    yield Quad(service, NamedNode(DCTERMS + "conformsTo"), conforms, graph)
