"""Turning an extraction into RDF quads: one named graph per source document."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad

from labatlas.loaders.curation import CURATION_DOC
from labatlas.loaders.model import KIND_OF_CLASS, Document, Entity, Extraction, Relation
from labatlas.loaders.text import fold

LA = "https://w3id.org/labatlas/ontology#"
DEFAULT_BASE = "https://w3id.org/labatlas/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"

PREFIXES: dict[str, str] = {
    "la": LA,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "prov": PROV,
    "nif": NIF,
    "dcterms": DCTERMS,
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
}

_TYPE = NamedNode(RDF + "type")


def _p(namespace: str, name: str) -> NamedNode:
    return NamedNode(namespace + name)


def slugify(text: str) -> str:
    """Return a deterministic ASCII slug.

    Examples
    --------
    >>> slugify("Région Île-de-France")
    'region-ile-de-france'
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


@dataclass(frozen=True)
class Namespaces:
    """Where instances and graphs live: the labatlas default or a portal's own base IRI."""

    base: str = DEFAULT_BASE

    def id(self, path: str) -> NamedNode:
        return NamedNode(f"{self.base}id/{path}")

    def graph(self, path: str) -> NamedNode:
        return NamedNode(f"{self.base}graph/{path}")

    def document(self, doc_id: str) -> NamedNode:
        return self.id(f"doc/{doc_id}")

    def document_graph(self, doc_id: str) -> NamedNode:
        return self.graph(f"doc/{doc_id}")

    @property
    def ontology_graph(self) -> NamedNode:
        return self.graph("ontology")


def entity_iris(entities: dict[str, Entity], ns: Namespaces) -> dict[str, NamedNode]:
    """Give every entity its IRI ``{base}id/{kind}/{slug}``, deterministically.

    Reference entities keep their reference id as slug; others get the slug of their key,
    with a numeric suffix on the rare clash (taken in sorted key order).
    """
    iris: dict[str, NamedNode] = {}
    taken: set[str] = set()
    for key in sorted(entities, key=lambda k: (not k.startswith("ref:"), k)):
        entity = entities[key]
        base_key = key.removesuffix("#authority")
        slug = base_key[4:] if base_key.startswith("ref:") else slugify(base_key)
        path = f"{KIND_OF_CLASS[entity.entity_class]}/{slug}"
        candidate, n = path, 2
        while candidate in taken:
            candidate, n = f"{path}-{n}", n + 1
        taken.add(candidate)
        iris[key] = ns.id(candidate)
    return iris


def assertion_iri(ns: Namespaces, s: NamedNode, p: NamedNode, o: NamedNode) -> NamedNode:
    """The statement node of a triple: one per fact, shared by all documents stating it."""
    digest = hashlib.sha1(f"{s.value} {p.value} {o.value}".encode()).hexdigest()[:16]
    return ns.id(f"assertion/{digest}")


def extraction_quads(extraction: Extraction, ns: Namespaces | None = None) -> Iterator[Quad]:
    """Yield the RDF of an extraction, each fact in the graph of its source document.

    Parameters
    ----------
    extraction : Extraction
    ns : Namespaces, optional
        Base IRIs; the labatlas defaults when omitted.

    Yields
    ------
    pyoxigraph.Quad
    """
    ns = ns or Namespaces()
    iris = entity_iris(extraction.entities, ns)
    for doc in extraction.documents:
        yield from _document_quads(doc, extraction, iris, ns)
    for relation in extraction.relations:
        yield from _relation_quads(relation, iris, ns)
    yield from _curation_quads(extraction, ns)
    yield from _link_quads(extraction, iris, ns)


WIKIDATA = "http://www.wikidata.org/entity/"


def _curation_quads(extraction: Extraction, ns: Namespaces) -> Iterator[Quad]:
    """Who decided what, when and why: one PROV activity per curation entry."""
    graph = ns.graph("curation")
    for record in extraction.curation:
        node = ns.id(f"curation/{record.entry_id}")
        yield Quad(node, _TYPE, _p(PROV, "Activity"), graph)
        yield Quad(node, _p(RDFS, "label"), Literal(record.summary), graph)
        yield Quad(node, _p(LA, "curationAction"), Literal(record.action), graph)
        for predicate, value in (("creator", record.who), ("date", record.when)):
            if value:
                yield Quad(node, _p(DCTERMS, predicate), Literal(value), graph)
        if record.why:
            yield Quad(node, _p(RDFS, "comment"), Literal(record.why), graph)


def _link_quads(
    extraction: Extraction, iris: dict[str, NamedNode], ns: Namespaces
) -> Iterator[Quad]:
    """owl:sameAs to Wikidata for entities whose identifier is recorded (no lookup online)."""
    graph = ns.graph("links")
    for key, entity in sorted(extraction.entities.items()):
        if entity.wikidata:
            yield Quad(iris[key], _p(OWL, "sameAs"), NamedNode(WIKIDATA + entity.wikidata), graph)


def _document_quads(
    doc: Document, extraction: Extraction, iris: dict[str, NamedNode], ns: Namespaces
) -> Iterator[Quad]:
    graph = ns.document_graph(doc.doc_id)
    node = ns.document(doc.doc_id)
    yield Quad(node, _TYPE, _p(LA, "SourceDocument"), graph)
    yield Quad(node, _TYPE, _p(NIF, "Context"), graph)
    yield Quad(node, _p(DCTERMS, "title"), Literal(doc.title, language=doc.language), graph)
    yield Quad(node, _p(DCTERMS, "language"), Literal(doc.language), graph)
    yield Quad(node, _p(LA, "sourceFile"), Literal(doc.source_file), graph)
    yield Quad(node, _p(LA, "firstLine"), _count(doc.first_line), graph)
    yield Quad(node, _p(LA, "lastLine"), _count(doc.last_line), graph)
    yield Quad(node, _p(LA, "sha256"), Literal(doc.sha256), graph)
    subject = extraction.subjects.get(doc.doc_id)
    if subject:
        yield Quad(node, _p(DCTERMS, "subject"), iris[subject], graph)
    for key in _entities_of(doc.doc_id, extraction):
        yield from _entity_quads(extraction.entities[key], iris[key], graph)


def _entities_of(doc_id: str, extraction: Extraction) -> list[str]:
    keys = {k for k, e in extraction.entities.items() if doc_id in e.docs}
    for r in extraction.relations:
        if r.evidence.doc_id == doc_id:
            keys.update((r.subject, r.object))
    return sorted(keys)


def _entity_quads(entity: Entity, iri: NamedNode, graph: NamedNode) -> Iterator[Quad]:
    yield Quad(iri, _TYPE, _p(LA, entity.entity_class), graph)
    label = Literal(entity.label, language=entity.label_lang)
    yield Quad(iri, _p(RDFS, "label"), label, graph)
    yield Quad(iri, _p(SKOS, "prefLabel"), label, graph)
    for lang, aliases in sorted(entity.alt_labels.items()):
        for alias in sorted(aliases):
            if alias != entity.label:
                yield Quad(iri, _p(SKOS, "altLabel"), Literal(alias, language=lang), graph)


def _relation_quads(
    relation: Relation, iris: dict[str, NamedNode], ns: Namespaces
) -> Iterator[Quad]:
    ev = relation.evidence
    curated = ev.doc_id == CURATION_DOC
    graph = ns.graph("curation") if curated else ns.document_graph(ev.doc_id)
    source = ns.id(f"curation/{ev.rule.removeprefix('curation-')}") if curated else None
    s, p, o = iris[relation.subject], _p(LA, relation.predicate), iris[relation.object]
    yield Quad(s, p, o, graph)
    statement = assertion_iri(ns, s, p, o)
    evidence = ns.id(f"evidence/{ev.doc_id}/{ev.start}-{ev.end}/{ev.rule}")
    rule = ns.id(f"rule/{ev.rule}")
    yield Quad(statement, _TYPE, _p(LA, "Assertion"), graph)
    yield Quad(statement, _p(RDF, "subject"), s, graph)
    yield Quad(statement, _p(RDF, "predicate"), p, graph)
    yield Quad(statement, _p(RDF, "object"), o, graph)
    yield Quad(statement, _p(PROV, "wasDerivedFrom"), evidence, graph)
    yield Quad(evidence, _TYPE, _p(LA, "Evidence"), graph)
    if source is not None:  # a person's statement, not a quote from a text
        yield Quad(evidence, _p(PROV, "wasGeneratedBy"), source, graph)
        yield Quad(evidence, _p(NIF, "anchorOf"), Literal(ev.sentence), graph)
    else:
        yield Quad(evidence, _p(PROV, "wasQuotedFrom"), ns.document(ev.doc_id), graph)
        yield Quad(evidence, _p(NIF, "referenceContext"), ns.document(ev.doc_id), graph)
        yield Quad(evidence, _p(NIF, "beginIndex"), _count(ev.start), graph)
        yield Quad(evidence, _p(NIF, "endIndex"), _count(ev.end), graph)
        yield Quad(evidence, _p(NIF, "anchorOf"), Literal(ev.sentence, language=ev.language), graph)
    yield Quad(evidence, _p(LA, "section"), Literal(ev.section), graph)
    yield Quad(evidence, _p(LA, "rule"), rule, graph)
    yield Quad(
        evidence,
        _p(LA, "confidence"),
        Literal(f"{ev.confidence:.2f}", datatype=_p(XSD, "decimal")),
        graph,
    )
    yield Quad(rule, _TYPE, _p(LA, "ExtractionRule"), graph)
    yield Quad(rule, _p(RDFS, "label"), Literal(ev.rule), graph)


def _count(value: int) -> Literal:
    return Literal(str(value), datatype=_p(XSD, "nonNegativeInteger"))
