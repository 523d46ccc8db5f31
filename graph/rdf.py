"""Turning an extraction into RDF quads: one named graph per source document."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pyoxigraph import Literal, NamedNode, Quad

from labatlas.loaders.curation import CURATION_DOC
from labatlas.loaders.model import (
    KIND_OF_CLASS,
    Document,
    Entity,
    Evidence,
    Extraction,
    Relation,
)
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

    Each quad is yielded once: a fact read several times in one document, or a rule or
    sentence behind several facts, gives its shared quads only the first time, so the store's
    bulk loader is not handed the same quad again and again (the stored graph is the same).

    Parameters
    ----------
    extraction : Extraction
    ns : Namespaces, optional
        Base IRIs; the labatlas defaults when omitted.

    Yields
    ------
    pyoxigraph.Quad

    Examples
    --------
    >>> from labatlas.loaders import extract_corpus
    >>> quads = list(extraction_quads(extract_corpus()))
    >>> len(quads) == len(set(quads))
    True
    """
    ns = ns or Namespaces()
    iris = entity_iris(extraction.entities, ns)
    by_doc = _entities_by_document(extraction)
    for doc in extraction.documents:
        yield from _document_quads(doc, extraction, iris, ns, by_doc.get(doc.doc_id, set()))
    yield from _relations_quads(extraction.relations, iris, ns)
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
    doc: Document,
    extraction: Extraction,
    iris: dict[str, NamedNode],
    ns: Namespaces,
    keys: set[str],
) -> Iterator[Quad]:
    graph = ns.document_graph(doc.doc_id)
    node = ns.document(doc.doc_id)
    yield Quad(node, _TYPE, _SOURCE_DOCUMENT, graph)
    yield Quad(node, _TYPE, _CONTEXT, graph)
    yield Quad(node, _TITLE, Literal(doc.title, language=doc.language), graph)
    yield Quad(node, _LANGUAGE, Literal(doc.language), graph)
    yield Quad(node, _SOURCE_FILE, Literal(doc.source_file), graph)
    yield Quad(node, _FIRST_LINE, _count(doc.first_line), graph)
    yield Quad(node, _LAST_LINE, _count(doc.last_line), graph)
    yield Quad(node, _SHA256, Literal(doc.sha256), graph)
    subject = extraction.subjects.get(doc.doc_id)
    if subject:
        yield Quad(node, _DC_SUBJECT, iris[subject], graph)
    for key in sorted(keys):
        yield from _entity_quads(extraction.entities[key], iris[key], graph)


def _entities_by_document(extraction: Extraction) -> dict[str, set[str]]:
    """Document id → the keys of the entities its graph describes.

    An entity found in the document, or at either end of a relation read in it. One pass
    over entities and relations (asking each document in turn was quadratic in the corpus).
    """
    by_doc: dict[str, set[str]] = {}
    for key, entity in extraction.entities.items():
        for doc_id in entity.docs:
            by_doc.setdefault(doc_id, set()).add(key)
    for r in extraction.relations:
        by_doc.setdefault(r.evidence.doc_id, set()).update((r.subject, r.object))
    return by_doc


def _entity_quads(entity: Entity, iri: NamedNode, graph: NamedNode) -> Iterator[Quad]:
    yield Quad(iri, _TYPE, _la(entity.entity_class), graph)
    label = Literal(entity.label, language=entity.label_lang)
    yield Quad(iri, _LABEL, label, graph)
    yield Quad(iri, _PREF_LABEL, label, graph)
    for lang, aliases in sorted(entity.alt_labels.items()):
        for alias in sorted(aliases):
            if alias != entity.label:
                yield Quad(iri, _ALT_LABEL, Literal(alias, language=lang), graph)


def _relations_quads(
    relations: list[Relation], iris: dict[str, NamedNode], ns: Namespaces
) -> Iterator[Quad]:
    """The quads of all relations, each shared part (fact, evidence, rule) once per graph.

    A fact stated by several sentences of a document shares its triple and statement node;
    a sentence listing several partners shares its evidence node; every fact of a rule in
    a document shares the rule's description.
    """
    seen: set[object] = set()
    for relation in dict.fromkeys(relations):  # an exact repeat adds nothing to the graph
        ev = relation.evidence
        graph = _relation_graph(ev, ns)
        s, p, o = iris[relation.subject], _la(relation.predicate), iris[relation.object]
        statement = assertion_iri(ns, s, p, o)
        evidence = ns.id(f"evidence/{ev.doc_id}/{ev.start}-{ev.end}/{ev.rule}")
        if _first(seen, (ev.doc_id, s, p, o)):
            yield from _statement_quads(statement, s, p, o, graph)
        yield Quad(statement, _DERIVED_FROM, evidence, graph)
        if _first(seen, ev):
            yield from _evidence_quads(ev, evidence, graph, ns)
        if _first(seen, (ev.doc_id, ev.rule)):
            rule = ns.id(f"rule/{ev.rule}")
            yield Quad(rule, _TYPE, _EXTRACTION_RULE, graph)
            yield Quad(rule, _LABEL, Literal(ev.rule), graph)


def _first(seen: set[object], key: object) -> bool:
    """True the first time `key` is met (and remember it)."""
    if key in seen:
        return False
    seen.add(key)
    return True


def _relation_graph(ev: Evidence, ns: Namespaces) -> NamedNode:
    if ev.doc_id == CURATION_DOC:
        return ns.graph("curation")
    return ns.document_graph(ev.doc_id)


def _statement_quads(
    statement: NamedNode, s: NamedNode, p: NamedNode, o: NamedNode, graph: NamedNode
) -> Iterator[Quad]:
    yield Quad(s, p, o, graph)
    yield Quad(statement, _TYPE, _ASSERTION, graph)
    yield Quad(statement, _SUBJECT, s, graph)
    yield Quad(statement, _PREDICATE, p, graph)
    yield Quad(statement, _OBJECT, o, graph)


def _evidence_quads(
    ev: Evidence, evidence: NamedNode, graph: NamedNode, ns: Namespaces
) -> Iterator[Quad]:
    yield Quad(evidence, _TYPE, _EVIDENCE, graph)
    if ev.doc_id == CURATION_DOC:  # a person's statement, not a quote from a text
        source = ns.id(f"curation/{ev.rule.removeprefix('curation-')}")
        yield Quad(evidence, _GENERATED_BY, source, graph)
        yield Quad(evidence, _ANCHOR_OF, Literal(ev.sentence), graph)
    else:
        document = ns.document(ev.doc_id)
        yield Quad(evidence, _QUOTED_FROM, document, graph)
        yield Quad(evidence, _REFERENCE_CONTEXT, document, graph)
        yield Quad(evidence, _BEGIN_INDEX, _count(ev.start), graph)
        yield Quad(evidence, _END_INDEX, _count(ev.end), graph)
        yield Quad(evidence, _ANCHOR_OF, Literal(ev.sentence, language=ev.language), graph)
    yield Quad(evidence, _SECTION, Literal(ev.section), graph)
    yield Quad(evidence, _RULE, ns.id(f"rule/{ev.rule}"), graph)
    yield Quad(evidence, _CONFIDENCE, _decimal(ev.confidence), graph)


_TITLE = _p(DCTERMS, "title")
_LANGUAGE = _p(DCTERMS, "language")
_DC_SUBJECT = _p(DCTERMS, "subject")
_SOURCE_DOCUMENT = _p(LA, "SourceDocument")
_CONTEXT = _p(NIF, "Context")
_SOURCE_FILE = _p(LA, "sourceFile")
_FIRST_LINE = _p(LA, "firstLine")
_LAST_LINE = _p(LA, "lastLine")
_SHA256 = _p(LA, "sha256")
_LABEL = _p(RDFS, "label")
_PREF_LABEL = _p(SKOS, "prefLabel")
_ALT_LABEL = _p(SKOS, "altLabel")
_ASSERTION = _p(LA, "Assertion")
_SUBJECT = _p(RDF, "subject")
_PREDICATE = _p(RDF, "predicate")
_OBJECT = _p(RDF, "object")
_DERIVED_FROM = _p(PROV, "wasDerivedFrom")
_EVIDENCE = _p(LA, "Evidence")
_GENERATED_BY = _p(PROV, "wasGeneratedBy")
_QUOTED_FROM = _p(PROV, "wasQuotedFrom")
_REFERENCE_CONTEXT = _p(NIF, "referenceContext")
_BEGIN_INDEX = _p(NIF, "beginIndex")
_END_INDEX = _p(NIF, "endIndex")
_ANCHOR_OF = _p(NIF, "anchorOf")
_SECTION = _p(LA, "section")
_RULE = _p(LA, "rule")
_CONFIDENCE = _p(LA, "confidence")
_EXTRACTION_RULE = _p(LA, "ExtractionRule")
_DECIMAL = _p(XSD, "decimal")
_NON_NEGATIVE_INTEGER = _p(XSD, "nonNegativeInteger")


@cache
def _la(name: str) -> NamedNode:
    """A term of the labatlas vocabulary (class or predicate), made once per name."""
    return NamedNode(LA + name)


def _count(value: int) -> Literal:
    return Literal(str(value), datatype=_NON_NEGATIVE_INTEGER)


def _decimal(value: float) -> Literal:
    return Literal(f"{value:.2f}", datatype=_DECIMAL)
