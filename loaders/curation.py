"""Human curation of the extracted facts: a YAML file a researcher edits, applied on every build.

Each entry says what to change and carries its own provenance (who, when, why). Entries are
applied in order, after extraction and before the graph is written, so they survive every
rebuild or re-ingest of the texts. Entities are named by label, alias, slug or IRI.

```yaml
- action: reject            # the fact is wrong
  subject: SIILAB
  predicate: foundedBy
  object: R&D
  who: A. Researcher
  when: 2026-11-23
  why: "R&D institute" is a kind of founder, not a named one
- action: add               # a fact the extractor missed
  subject: La Transfo
  predicate: diffusedTo
  object: Région Provence-Alpes-Côte d'Azur
  evidence: puis passer le relais aux agents du Conseil Régional
- action: accept            # confirmed by a person: confidence 1.0
  subject: SIILAB
  predicate: operatedBy
  object: DRJSCS
- action: merge             # two entities are one
  entities: [Ministère de l'Éducation nationale, Éducation nationale]
- action: rename            # preferred label
  entity: DRJSCS
  label: DRJSCS Hauts-de-France
- action: retype
  entity: Connected France Hub
  class: Network
- action: alias
  entity: Unis-Cité
  alias: Unis Cite
  lang: fr
- action: wikidata
  entity: Unis-Cité
  id: Q3550786
```
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .model import (
    ENTITY_CLASSES,
    PREDICATES,
    CurationRecord,
    Entity,
    Evidence,
    Extraction,
    Relation,
)
from .text import label_key

ACTIONS = ("reject", "add", "accept", "merge", "rename", "retype", "alias", "wikidata")
_REQUIRED: dict[str, tuple[str, ...]] = {
    "reject": ("subject", "predicate", "object"),
    "add": ("subject", "predicate", "object"),
    "accept": ("subject", "predicate", "object"),
    "merge": ("entities",),
    "rename": ("entity", "label"),
    "retype": ("entity", "class"),
    "alias": ("entity", "alias"),
    "wikidata": ("entity", "id"),
}
CURATION_DOC = "curation"


class CurationError(ValueError):
    """A curation file or entry that cannot be applied (the message names file and entry)."""


@dataclass(frozen=True)
class CurationEntry:
    """One decision of a person about the graph, with its provenance."""

    number: int
    action: str
    fields: dict[str, object]
    who: str = ""
    when: str = ""
    why: str = ""

    @property
    def entry_id(self) -> str:
        """A stable id for provenance: the hash of the entry's content."""
        content = repr((self.action, sorted((k, str(v)) for k, v in self.fields.items())))
        return hashlib.sha1(content.encode()).hexdigest()[:12]


def load_curation(path: Path) -> list[CurationEntry]:
    """Read and check a curation file.

    Raises
    ------
    CurationError
        Not YAML, not a list of entries, an unknown action, or a missing field.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "curation.yaml"
    >>> _ = p.write_text("- {action: alias, entity: Unis-Cité, alias: Unis Cite}\\n")
    >>> [e.action for e in load_curation(p)]
    ['alias']
    """
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except OSError as err:
        raise CurationError(f"{path}: cannot read curation file ({err.strerror or err})") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CurationError(f"{path}: not valid YAML{where}") from err
    if not isinstance(data, list):
        raise CurationError(f"{path}: expected a list of entries, found {type(data).__name__}")
    return [_entry(path, number, item) for number, item in enumerate(data, start=1)]


def _entry(path: Path, number: int, item: object) -> CurationEntry:
    if not isinstance(item, dict) or item.get("action") not in ACTIONS:
        raise CurationError(f"{path}: entry {number}: 'action' must be one of {', '.join(ACTIONS)}")
    action = str(item["action"])
    missing = [f for f in _REQUIRED[action] if not item.get(f)]
    if missing:
        raise CurationError(f"{path}: entry {number} ({action}): missing {', '.join(missing)}")
    if action in ("reject", "add", "accept") and item["predicate"] not in PREDICATES:
        raise CurationError(f"{path}: entry {number}: unknown predicate {item['predicate']!r}")
    if action == "retype" and item["class"] not in ENTITY_CLASSES:
        raise CurationError(f"{path}: entry {number}: unknown class {item['class']!r}")
    fields = {k: v for k, v in item.items() if k not in ("action", "who", "when", "why")}
    return CurationEntry(
        number,
        action,
        fields,
        who=str(item.get("who", "")),
        when=str(item.get("when", "")),
        why=str(item.get("why", "")),
    )


def append_entry(path: Path, entry: dict[str, object]) -> None:
    """Append one entry to a curation file (created if missing), checking it first.

    Raises
    ------
    CurationError
        The entry is not valid (unknown action or missing field).
    """
    import yaml

    _entry(path, 0, entry)
    existing = load_curation(path) if path.exists() else []
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        if existing and not path.read_text(encoding="utf-8").endswith("\n"):
            handle.write("\n")
        handle.write(text)


class _Names:
    """Find an entity key by label, alias, slug or IRI (case, accents and articles aside)."""

    def __init__(self, extraction: Extraction) -> None:
        self.extraction = extraction
        self.rebuild()

    def rebuild(self) -> None:
        self.index: dict[str, set[str]] = {}
        for key, entity in self.extraction.entities.items():
            names = {entity.label, key.removeprefix("ref:")}
            names |= {a for aliases in entity.alt_labels.values() for a in aliases}
            for name in names:
                self.index.setdefault(label_key(name), set()).add(key)

    def find(self, name: object, where: str) -> str:
        text = str(name)
        slug = re.sub(r"^.*/id/[a-z-]+/", "", text)
        keys = self.index.get(label_key(text)) or self.index.get(label_key(slug)) or set()
        if len(keys) == 1:
            return next(iter(keys))
        if not keys:
            raise CurationError(f"{where}: no entity named {text!r}")
        raise CurationError(f"{where}: {text!r} names several entities; use its IRI")


def apply_curation(
    extraction: Extraction, entries: list[CurationEntry], source: str = "curation"
) -> list[CurationRecord]:
    """Apply curation entries to an extraction, in order, in place.

    Parameters
    ----------
    extraction : Extraction
    entries : list of CurationEntry
    source : str
        The file name, for error messages.

    Returns
    -------
    list of CurationRecord
        What each entry changed, with its provenance; also appended to
        ``extraction.curation`` so the graph records it.

    Raises
    ------
    CurationError
        An entry names an unknown entity or a fact that is not there (rejections and
        acceptances of facts nobody extracted are mistakes worth knowing about).
    """
    names = _Names(extraction)
    records = []
    for entry in entries:
        where = f"{source}: entry {entry.number} ({entry.action})"
        summary = _APPLY[entry.action](extraction, names, entry, where)
        records.append(
            CurationRecord(entry.entry_id, entry.action, summary, entry.who, entry.when, entry.why)
        )
        if entry.action in ("merge", "alias", "rename"):
            names.rebuild()
    extraction.curation.extend(records)
    return records


def _triple(names: _Names, entry: CurationEntry, where: str) -> tuple[str, str, str]:
    f = entry.fields
    return names.find(f["subject"], where), str(f["predicate"]), names.find(f["object"], where)


def _reject(extraction: Extraction, names: _Names, entry: CurationEntry, where: str) -> str:
    s, p, o = _triple(names, entry, where)
    kept = [r for r in extraction.relations if (r.subject, r.predicate, r.object) != (s, p, o)]
    if len(kept) == len(extraction.relations):
        raise CurationError(f"{where}: no such fact to reject")
    extraction.relations[:] = kept
    return f"rejected {s} {p} {o}"


def _accept(extraction: Extraction, names: _Names, entry: CurationEntry, where: str) -> str:
    s, p, o = _triple(names, entry, where)
    found = False
    for i, r in enumerate(extraction.relations):
        if (r.subject, r.predicate, r.object) == (s, p, o):
            extraction.relations[i] = replace(r, evidence=replace(r.evidence, confidence=1.0))
            found = True
    if not found:
        raise CurationError(f"{where}: no such fact to accept (use 'add' for a new fact)")
    return f"accepted {s} {p} {o}"


def _add(extraction: Extraction, names: _Names, entry: CurationEntry, where: str) -> str:
    s, p, o = _triple(names, entry, where)
    sentence = str(entry.fields.get("evidence") or entry.why or f"curated: {s} {p} {o}")
    evidence = Evidence(
        doc_id=CURATION_DOC,
        section="",
        start=0,
        end=len(sentence),
        sentence=sentence,
        language="",
        rule=f"curation-{entry.entry_id}",
        confidence=1.0,
    )
    extraction.relations.append(Relation(s, p, o, evidence))
    return f"added {s} {p} {o}"


def _merge(extraction: Extraction, names: _Names, entry: CurationEntry, where: str) -> str:
    listed = entry.fields["entities"]
    if not isinstance(listed, list) or len(listed) < 2:
        raise CurationError(f"{where}: 'entities' must list two or more names")
    keys = [names.find(n, where) for n in listed]
    keep, others = keys[0], [k for k in keys[1:] if k != keys[0]]
    target = extraction.entities[keep]
    for key in others:
        gone = extraction.entities.pop(key)
        target.docs |= gone.docs
        target.add_alias(gone.label, gone.label_lang)
        for lang, aliases in gone.alt_labels.items():
            for alias in aliases:
                target.add_alias(alias, lang)
    mapping = dict.fromkeys(others, keep)
    extraction.relations[:] = [
        Relation(
            mapping.get(r.subject, r.subject),
            r.predicate,
            mapping.get(r.object, r.object),
            r.evidence,
        )
        for r in extraction.relations
    ]
    extraction.subjects.update({d: keep for d, s in extraction.subjects.items() if s in mapping})
    return f"merged {', '.join(others)} into {keep}"


def _entity(extraction: Extraction, names: _Names, entry: CurationEntry, where: str) -> Entity:
    return extraction.entities[names.find(entry.fields["entity"], where)]


def _rename(extraction: Extraction, names: _Names, entry: CurationEntry, where: str) -> str:
    entity = _entity(extraction, names, entry, where)
    old = entity.label
    entity.label = str(entry.fields["label"])
    entity.label_lang = str(entry.fields.get("lang") or entity.label_lang)
    entity.add_alias(old, entity.label_lang)
    for aliases in entity.alt_labels.values():
        aliases.discard(entity.label)
    return f"renamed {entity.key} to {entity.label!r}"


def _retype(extraction: Extraction, names: _Names, entry: CurationEntry, where: str) -> str:
    entity = _entity(extraction, names, entry, where)
    entity.entity_class = str(entry.fields["class"])
    return f"retyped {entity.key} as {entity.entity_class}"


def _alias(extraction: Extraction, names: _Names, entry: CurationEntry, where: str) -> str:
    entity = _entity(extraction, names, entry, where)
    entity.add_alias(str(entry.fields["alias"]), str(entry.fields.get("lang") or entity.label_lang))
    return f"added alias {entry.fields['alias']!r} to {entity.key}"


def _wikidata(extraction: Extraction, names: _Names, entry: CurationEntry, where: str) -> str:
    qid = str(entry.fields["id"])
    if not re.fullmatch(r"Q\d+", qid):
        raise CurationError(f"{where}: {qid!r} is not a Wikidata id (Q followed by digits)")
    entity = _entity(extraction, names, entry, where)
    entity.wikidata = qid
    return f"linked {entity.key} to wikidata {qid}"


_APPLY = {
    "reject": _reject,
    "add": _add,
    "accept": _accept,
    "merge": _merge,
    "rename": _rename,
    "retype": _retype,
    "alias": _alias,
    "wikidata": _wikidata,
}
