"""The case-text loader: files → documents → mentions → entities → relations."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .cache import ExtractionCache
from .documents import TEXT_SUFFIXES, SourceError, read_source, split_documents
from .gazetteer import Gazetteer, default_gazetteer
from .mentions import MentionFinder
from .model import Document, Entity, Extraction, Mention, Relation
from .relations import Resolved, authority_entity, extract_relations
from .resolve import document_subject, resolve_entities
from .text import label_key


class CorpusError(ValueError):
    """The corpus as a whole cannot be built (the message says why)."""


def default_corpus() -> Path:
    """Return the folder of the bundled case corpus.

    Examples
    --------
    >>> sorted(p.name for p in default_corpus().glob("*.txt"))[0]
    '000_0036d6103ff19532.txt'
    """
    # The corpus folder holds data only (no __init__), so it sits beside the package root
    # both in an installed wheel and in an editable checkout.
    import labatlas

    return Path(labatlas.__file__).parent / "corpus"


def collect_sources(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders into the sorted list of `.txt`/`.md` files to read.

    Raises
    ------
    CorpusError
        A path does not exist, or a named file is not a `.txt`/`.md` text.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.suffix.lower() in TEXT_SUFFIXES)
        elif path.is_file():
            if path.suffix.lower() not in TEXT_SUFFIXES:
                raise CorpusError(f"{path}: not a .txt or .md file")
            files.append(path)
        else:
            raise CorpusError(f"{path}: no such file or folder")
    return sorted(set(files), key=lambda p: (p.name, str(p)))


def extract_corpus(
    paths: Iterable[Path] | None = None,
    gazetteer: Gazetteer | None = None,
    on_file: Callable[[Path], None] | None = None,
    cache: ExtractionCache | None = None,
) -> Extraction:
    """Read case texts and extract their entities and relations with evidence.

    Parameters
    ----------
    paths : iterable of Path, optional
        Files or folders; the bundled corpus when omitted.
    gazetteer : Gazetteer, optional
        Reference names; the shipped reference data when omitted.
    on_file : callable, optional
        Called with each file before it is read (progress display).
    cache : ExtractionCache, optional
        Reuse the per-file work (documents, mentions) of files seen before.

    Returns
    -------
    Extraction

    Raises
    ------
    CorpusError
        No readable text at all, or a path that does not exist.

    Examples
    --------
    >>> ex = extract_corpus()
    >>> len(ex.documents) > 20 and len(ex.relations) > 100
    True
    """
    with _rare_collections():
        return _extract(paths, gazetteer or default_gazetteer(), on_file, cache)


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while extracting.

    Extraction allocates millions of small objects (tokens, mentions, tuples) that hold no
    reference cycles; with the default threshold the collector scans the growing heap again
    and again, which cost about a tenth of the extraction time of a 5 MB corpus.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 100_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _extract(
    paths: Iterable[Path] | None,
    gazetteer: Gazetteer,
    on_file: Callable[[Path], None] | None,
    cache: ExtractionCache | None,
) -> Extraction:
    finder = MentionFinder(gazetteer)
    documents: list[Document] = []
    mentions: dict[str, list[Mention]] = {}
    skipped: list[str] = []
    for path in collect_sources([default_corpus()] if paths is None else paths):
        if on_file:
            on_file(path)
        try:
            file_documents, file_mentions = _read_file(path, finder, cache)
        except SourceError as err:
            skipped.append(str(err))
            continue
        documents.extend(file_documents)
        mentions.update(file_mentions)
    if not documents:
        raise CorpusError("empty corpus: no readable .txt or .md text" + _reasons(skipped))
    return _extract_documents(documents, mentions, gazetteer, skipped)


def _read_file(
    path: Path, finder: MentionFinder, cache: ExtractionCache | None
) -> tuple[list[Document], dict[str, list[Mention]]]:
    """Documents and mentions of one file: from the cache when its bytes were seen before."""
    content = path.read_bytes() if cache else b""
    cached = cache.get(path.name, content) if cache else None
    if cached is not None:
        return cached
    documents = split_documents(path.name, read_source(path))
    work = (documents, {doc.doc_id: finder.find(doc) for doc in documents})
    if cache:
        cache.put(path.name, content, work)
    return work


def _reasons(skipped: list[str]) -> str:
    return f" ({'; '.join(skipped)})" if skipped else ""


def _extract_documents(
    documents: list[Document],
    mentions: dict[str, list[Mention]],
    gazetteer: Gazetteer,
    skipped: list[str],
) -> Extraction:
    entities, mention_entity = resolve_entities(documents, mentions, gazetteer)
    relations: list[Relation] = []
    subjects: dict[str, str] = {}
    for doc in documents:
        doc_mentions = mentions[doc.doc_id]
        subject = document_subject(doc, doc_mentions, mention_entity, entities)
        if subject:
            subjects[doc.doc_id] = subject
        resolved = [
            Resolved(m, key, entities[key].entity_class)
            for m in doc_mentions
            if (key := mention_entity.get((m.doc_id, m.start))) is not None
        ]
        relations.extend(extract_relations(doc, resolved, subject))
    as_actor = _places_read_as_actors(relations)
    relations = _add_authorities(entities, relations, gazetteer)
    _drop_unrelated_docs(entities, relations, mentions, mention_entity, as_actor)
    entities = {k: e for k, e in entities.items() if e.docs}
    return Extraction(documents, entities, relations, subjects, skipped)


_CONCEPT_CLASSES = frozenset({"BeneficiaryGroup", "Method"})


def _drop_unrelated_docs(
    entities: dict[str, Entity],
    relations: list[Relation],
    mentions: dict[str, list[Mention]],
    mention_entity: dict[tuple[str, int], str],
    as_actor: dict[tuple[str, str], list[tuple[int, int]]],
) -> None:
    """Forget the documents where an entity is only a word, not a thing the text speaks of.

    A group or method is an entity of a document when the document relates it to something
    ("social entrepreneurs networks" names no beneficiary). A place named only as an actor
    ("in partnership with four Regions (Bourgogne …)") stands for its local authority there,
    which the relation already points to: the place itself is not in that document.
    """
    related = {(r.evidence.doc_id, k) for r in relations for k in (r.subject, r.object)}
    for key, entity in entities.items():
        if entity.entity_class in _CONCEPT_CLASSES:
            entity.docs = {d for d in entity.docs if (d, key) in related}
    for doc_id, doc_mentions in mentions.items():
        places: dict[str, bool] = {}
        for m in doc_mentions:
            key = mention_entity.get((doc_id, m.start))
            if key is None or entities[key].entity_class != "Place":
                continue
            spans = as_actor.get((doc_id, key), ())
            actor = any(start <= m.start < end for start, end in spans)
            places[key] = places.get(key, True) and actor
        for key, only_actor in places.items():
            if only_actor and (doc_id, key) not in related:
                entities[key].docs.discard(doc_id)


def _places_read_as_actors(
    relations: list[Relation],
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(document, place key) → the sentences where the place was read as its authority."""
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for r in relations:
        if r.object.endswith("#authority"):
            place = r.object.removesuffix("#authority")
            spans.setdefault((r.evidence.doc_id, place), []).append(
                (r.evidence.start, r.evidence.end)
            )
    return spans


def _add_authorities(
    entities: dict[str, Entity], relations: list[Relation], gazetteer: Gazetteer
) -> list[Relation]:
    """Point relations at the local authority of a place named as an actor (a city that
    funds): the known authority from the reference data ("Région Pays de la Loire" for
    "Pays de la Loire"), else a new authority entity named like the place."""
    resolved: dict[str, str] = {}
    for relation in relations:
        key = relation.object
        if not key.endswith("#authority"):
            continue
        place = entities[key.removesuffix("#authority")]
        if key not in resolved:
            known = _known_authority(place, gazetteer)
            if known:
                entities.setdefault(known, _reference_entity(known, gazetteer, place))
                resolved[key] = known
            else:
                entities.setdefault(key, authority_entity(place))
                resolved[key] = key
        authority = entities[resolved[key]]
        # The authority is named in this document, by the place's names ("PACA").
        authority.docs.add(relation.evidence.doc_id)
        for lang, aliases in place.alt_labels.items():
            for alias in aliases:
                authority.add_alias(alias, lang)
        authority.add_alias(place.label, place.label_lang)
    return [
        Relation(r.subject, r.predicate, resolved.get(r.object, r.object), r.evidence)
        for r in relations
    ]


_AUTHORITY_FORMS = (
    "region {}",
    "conseil regional de {}",
    "conseil regional des {}",
    "conseil regional du {}",
    "ville de {}",
    "city of {}",
    "mairie de {}",
    "metropole de {}",
    "{} metropole",
    "departement de {}",
    "departement du {}",
    "conseil departemental de {}",
    "conseil departemental du {}",
)


def _known_authority(place: Entity, gazetteer: Gazetteer) -> str | None:
    names = {label_key(place.label)} | {
        label_key(a) for aliases in place.alt_labels.values() for a in aliases
    }
    for name in sorted(names):
        for form in _AUTHORITY_FORMS:
            entry = gazetteer.lookup(form.format(name))
            if entry and entry.entity_class == "LocalAuthority":
                return f"ref:{entry.ref_id}"
    return None


def _reference_entity(key: str, gazetteer: Gazetteer, place: Entity) -> Entity:
    entry = gazetteer.entries[key.removeprefix("ref:")]
    entity = Entity(
        key, entry.entity_class, entry.label, entry.lang or "en", wikidata=entry.wikidata
    )
    return entity
