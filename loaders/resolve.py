"""Resolving mentions to entities: one entity per real-world thing across the corpus."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .gazetteer import Gazetteer
from .model import INITIATIVE_CLASSES, Document, Entity, Mention
from .text import fold, label_key


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or (ra.startswith("ref:") and rb.startswith("ref:")):
            # Two reference entries are two things, even when a text names both alike.
            return
        # A reference id always represents its group, so IRIs stay those of the reference data.
        if rb.startswith("ref:") and not ra.startswith("ref:"):
            ra, rb = rb, ra
        self.parent[rb] = ra


def _without_head(key: str) -> str:
    """The name without a class word at its edge: "bloomberg philanthropies foundation" →
    "bloomberg philanthropies", "unis-cite association" → "unis-cite"."""
    from .mentions import naming_data

    heads = naming_data().heads
    words = key.split()
    if len(words) > 1 and words[-1] in heads:
        return " ".join(words[:-1])
    if len(words) > 1 and words[0] in heads:
        return " ".join(words[1:])
    return key


_PLURAL_S = re.compile(r"(?<=\w{3})s$")


def _variant_key(key: str) -> str:
    """Key that also merges plural/possessive spellings ("unis-cites" ~ "unis-cite")."""
    words = [_PLURAL_S.sub("", w) for w in key.split()]
    return " ".join(words).replace(" - ", "-")


def _short_forms(doc_mentions: list[Mention]) -> list[tuple[str, str]]:
    """Pairs (short key, full key) of one document where a name of three words or more is
    the end of a longer name of the same class: "Office of Personnel Management" after
    "United States Office of Personnel Management"."""
    names = {
        (m.key, m.entity_class)
        for m in doc_mentions
        if m.entity_class != "?" and not m.key.startswith("ref:")
    }
    pairs = []
    for short, cls in names:
        if len(short.split()) < 3:
            continue
        for full, full_cls in names:
            if full_cls == cls and full != short and full.endswith(" " + short):
                pairs.append((short, full))
    return pairs


def resolve_entities(
    documents: list[Document],
    mentions: dict[str, list[Mention]],
    gazetteer: Gazetteer,
) -> tuple[dict[str, Entity], dict[tuple[str, int], str]]:
    """Group mentions into entities and pick each entity's class and labels.

    Parameters
    ----------
    documents : list of Document
    mentions : dict
        Document id → its mentions (keys as the mention finder set them).
    gazetteer : Gazetteer
        Reference entries, whose ids, labels and Wikidata ids the entities inherit.

    Returns
    -------
    entities : dict
        Canonical key → Entity.
    mention_entity : dict
        ``(doc_id, mention start)`` → canonical key.
    """
    groups = _UnionFind()
    known_surfaces = {
        label_key(surface): f"ref:{entry.ref_id}"
        for entry in gazetteer.entries.values()
        for surface, _ in entry.surfaces()
    }
    all_mentions = [m for doc in documents for m in mentions.get(doc.doc_id, [])]
    for m in all_mentions:
        # (A reference mention was joined to its variant a second time here: a no-op, since
        # the two are in one group from the first union on.)
        groups.union(m.key, _variant_key(label_key(m.surface)))
        known = known_surfaces.get(m.key) or known_surfaces.get(_without_head(m.key))
        if known:
            groups.union(known, m.key)
    for doc in documents:
        for short, full in _short_forms(mentions.get(doc.doc_id, [])):
            groups.union(full, short)
    by_group: dict[str, list[Mention]] = defaultdict(list)
    for m in all_mentions:
        by_group[groups.find(m.key)].append(m)
    languages = {doc.doc_id: doc.language for doc in documents}
    entities: dict[str, Entity] = {}
    mention_entity: dict[tuple[str, int], str] = {}
    for key, group in sorted(by_group.items()):
        entity = _make_entity(key, group, gazetteer, languages)
        if entity is None:
            continue
        entities[key] = entity
        for m in group:
            mention_entity[(m.doc_id, m.start)] = key
    return entities, mention_entity


def _make_entity(
    key: str, group: list[Mention], gazetteer: Gazetteer, languages: dict[str, str]
) -> Entity | None:
    if key.startswith("ref:"):
        entry = gazetteer.entries[key[4:]]
        entity = Entity(
            key, entry.entity_class, entry.label, entry.lang or "en", wikidata=entry.wikidata
        )
        used = {label_key(m.surface) for m in group}
        for surface, lang in entry.alt_labels:
            if label_key(surface) in used:
                entity.add_alias(surface, lang or entity.label_lang)
    else:
        votes = Counter(m.entity_class for m in group if m.entity_class != "?")
        if not votes:
            return None
        entity_class = max(votes, key=lambda c: (votes[c], c in INITIATIVE_CLASSES, c))
        entity = Entity(key, entity_class, _preferred_surface(group), languages[group[0].doc_id])
    for m in group:
        entity.docs.add(m.doc_id)
        entity.add_alias(_clean_surface(m.surface), languages[m.doc_id])
        if m.rule == "name-head-after":  # "Booster programme" is also simply "Booster"
            entity.add_alias(m.surface.rsplit(maxsplit=1)[0], languages[m.doc_id])
    return entity


def _clean_surface(surface: str) -> str:
    return _POSSESSIVE_END.sub("", " ".join(surface.split())).strip(" ,.;:")


_POSSESSIVE_END = re.compile(r"(?:['’]s|s['’])$")


def _preferred_surface(group: list[Mention]) -> str:
    counts = Counter(_clean_surface(m.surface) for m in group)
    # The most frequent form; among equals the one with capitals (a name), then the longer.
    return max(counts, key=lambda s: (counts[s], s[:1].isupper(), len(s), fold(s)))


def document_subject(
    doc: Document,
    doc_mentions: list[Mention],
    mention_entity: dict[tuple[str, int], str],
    entities: dict[str, Entity],
) -> str | None:
    """Return the key of the initiative a document is about, or None.

    The initiative named most often wins; a name in the title or the first
    sentences weighs more, as a reader would weigh it.
    """
    scores: Counter[str] = Counter()
    opening = doc.sentences[3].start if len(doc.sentences) > 3 else len(doc.text)
    title_end = doc.text.find(doc.title) + len(doc.title) if doc.title else 0
    for m in doc_mentions:
        key = mention_entity.get((m.doc_id, m.start))
        if key is None or entities[key].entity_class not in INITIATIVE_CLASSES:
            continue
        scores[key] += 1.0
        if m.start < title_end:
            scores[key] += 3.0
        if m.start < opening:
            scores[key] += 1.0
    if not scores:
        return None
    best = max(scores, key=lambda k: (scores[k], -_first_position(k, doc_mentions, mention_entity)))
    # An initiative named once in passing (an interview citing MindLab) is not what the
    # text is about: then the document has no subject and only explicit statements count.
    return best if scores[best] >= MIN_SUBJECT_SCORE else None


MIN_SUBJECT_SCORE = 2.0


def _first_position(
    key: str, doc_mentions: list[Mention], mention_entity: dict[tuple[str, int], str]
) -> int:
    return min(m.start for m in doc_mentions if mention_entity.get((m.doc_id, m.start)) == key)
