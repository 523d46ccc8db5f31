"""Plain typed values that flow from the loaders to the graph stage."""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_CLASSES: tuple[str, ...] = (
    "Lab",
    "Programme",
    "LocalAuthority",
    "StateBody",
    "Association",
    "Foundation",
    "Company",
    "ResearchBody",
    "Network",
    "Person",
    "Place",
    "BeneficiaryGroup",
    "Method",
    "Event",
)
INITIATIVE_CLASSES = frozenset({"Lab", "Programme"})
ACTOR_CLASSES = frozenset(
    {
        "LocalAuthority",
        "StateBody",
        "Association",
        "Foundation",
        "Company",
        "ResearchBody",
        "Network",
        "Person",
    }
)
ORGANISATION_CLASSES = ACTOR_CLASSES - {"Person"}

# The IRI segment of each class: coarse on purpose, so a retyped entity keeps its IRI.
KIND_OF_CLASS: dict[str, str] = {
    **{c: "initiative" for c in INITIATIVE_CLASSES},
    **{c: "actor" for c in ACTOR_CLASSES},
    "Place": "place",
    "BeneficiaryGroup": "beneficiary-group",
    "Method": "method",
    "Event": "event",
}

PREDICATES: tuple[str, ...] = (
    "fundedBy",
    "foundedBy",
    "operatedBy",
    "hasPartner",
    "hasBeneficiary",
    "usesMethod",
    "locatedIn",
    "inspiredBy",
    "diffusedTo",
    "memberOf",
    "participatedIn",
)


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` in a document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence (or list line) of a document, with the section it sits in."""

    index: int
    start: int
    end: int
    text: str
    section: str


@dataclass(frozen=True)
class Document:
    """A unit of text about (usually) one initiative, cut from a source file."""

    doc_id: str
    source_file: str
    first_line: int
    last_line: int
    language: str
    title: str
    text: str
    sha256: str
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A surface form in a document that names (or points to) an entity."""

    doc_id: str
    start: int
    end: int
    surface: str
    entity_class: str
    key: str
    rule: str
    confidence: float


@dataclass
class Entity:
    """A resolved thing of the graph: one IRI, one class, its labels."""

    key: str
    entity_class: str
    label: str
    label_lang: str
    alt_labels: dict[str, set[str]] = field(default_factory=dict)
    wikidata: str = ""
    docs: set[str] = field(default_factory=set)

    def add_alias(self, surface: str, lang: str) -> None:
        """Record `surface` as an alternative label in `lang` unless it is the preferred one."""
        if surface != self.label:
            self.alt_labels.setdefault(lang, set()).add(surface)


@dataclass(frozen=True)
class Evidence:
    """Where a relation was read: document, sentence span, rule and confidence."""

    doc_id: str
    section: str
    start: int
    end: int
    sentence: str
    language: str
    rule: str
    confidence: float


@dataclass(frozen=True)
class Relation:
    """A typed edge between two resolved entities, with the evidence for it."""

    subject: str
    predicate: str
    object: str
    evidence: Evidence


@dataclass(frozen=True)
class CurationRecord:
    """What one curation entry did, with who decided it, when and why."""

    entry_id: str
    action: str
    summary: str
    who: str
    when: str
    why: str


@dataclass
class Extraction:
    """Everything the loaders found in a corpus, ready to be written as RDF."""

    documents: list[Document]
    entities: dict[str, Entity]
    relations: list[Relation]
    subjects: dict[str, str]
    skipped_files: list[str] = field(default_factory=list)
    curation: list[CurationRecord] = field(default_factory=list)
