"""Measuring extraction against a gold annotation (the format of the project's SCHEMA.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .model import PREDICATES, Document, Entity, Extraction, Relation
from .text import label_key

ROLE_PREDICATES = frozenset({"fundedBy", "foundedBy", "operatedBy", "hasPartner"})


class GoldError(ValueError):
    """A gold file that cannot be read (the message names the file and the problem)."""


@dataclass(frozen=True)
class GoldEntity:
    """An annotated entity: id, type and every surface form."""

    gold_id: str
    entity_class: str
    names: frozenset[str]
    label: str


@dataclass(frozen=True)
class GoldRelation:
    """An annotated relation with its evidence quote."""

    subject: str
    predicate: str
    object: str
    evidence: str


@dataclass(frozen=True)
class Gold:
    """A gold annotation: the documents it covers, their entities and relations."""

    documents: tuple[tuple[str, str, int, int], ...]  # (gold id, source file, first, last line)
    entities: tuple[GoldEntity, ...]
    relations: tuple[GoldRelation, ...]


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 from counts.

    ``correct`` counts predictions that match the gold, ``found`` gold items that some
    prediction matches; they differ when one extracted entity stands for two annotated
    ones (the English and French names of one group, say).
    """

    correct: int
    predicted: int
    found: int
    expected: int

    @property
    def true_positives(self) -> int:
        return self.found

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "correct": self.correct,
            "found": self.found,
            "predicted": self.predicted,
            "gold": self.expected,
        }


@dataclass
class Report:
    """The comparison of an extraction with a gold annotation."""

    entities: Score
    class_accuracy: float
    relations_strict: Score
    relations_relaxed: Score
    per_predicate: dict[str, Score]
    missed_entities: list[str] = field(default_factory=list)
    spurious_entities: list[str] = field(default_factory=list)
    missed_relations: list[str] = field(default_factory=list)
    spurious_relations: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "entities": {
                **self.entities.as_dict(),
                "class_accuracy": round(self.class_accuracy, 3),
            },
            "relations_strict": self.relations_strict.as_dict(),
            "relations_relaxed": self.relations_relaxed.as_dict(),
            "per_predicate": {p: s.as_dict() for p, s in self.per_predicate.items()},
            "missed_entities": self.missed_entities,
            "spurious_entities": self.spurious_entities,
            "missed_relations": self.missed_relations,
            "spurious_relations": self.spurious_relations,
        }


def load_gold(path: Path) -> Gold:
    """Read a gold JSON file.

    Raises
    ------
    GoldError
        Unreadable file, invalid JSON, or a missing field (named in the message).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        documents = tuple(
            (d["id"], d["source_file"], *_line_range(d["lines"])) for d in data["documents"]
        )
        entities = tuple(
            GoldEntity(
                e["id"],
                e["type"],
                frozenset(label_key(n) for n in [e["label"], *e.get("aliases", [])]),
                e["label"],
            )
            for e in data["entities"]
        )
        relations = tuple(
            GoldRelation(r["s"], r["p"], r["o"], r.get("evidence", "")) for r in data["relations"]
        )
    except OSError as err:
        raise GoldError(f"{path}: cannot read gold file ({err.strerror or err})") from err
    except json.JSONDecodeError as err:
        raise GoldError(f"{path}: invalid JSON at line {err.lineno}, column {err.colno}") from err
    except (KeyError, TypeError, ValueError) as err:
        raise GoldError(f"{path}: not a gold annotation (missing or bad field {err})") from err
    return Gold(documents, entities, relations)


def _line_range(lines: str) -> tuple[int, int]:
    first, _, last = str(lines).partition("-")
    return int(first), int(last or first)


def _gold_documents(gold: Gold, documents: list[Document]) -> dict[str, str]:
    """Gold document id → the extracted document that overlaps its lines most."""
    mapping = {}
    for gold_id, source, first, last in gold.documents:
        overlaps = [
            (min(last, d.last_line) - max(first, d.first_line), d.doc_id)
            for d in documents
            if d.source_file == Path(source).name
        ]
        best = max(overlaps, default=(0, ""))
        if best[0] >= 0 and best[1]:
            mapping[gold_id] = best[1]
    return mapping


def evaluate(extraction: Extraction, gold: Gold) -> Report:
    """Compare what was extracted from the gold's documents with the gold.

    Entities match by any shared normalised name (label or alias), one to one; relations
    match when both ends matched and the predicate is the same (strict) or both are
    involvement roles — funder, founder, operator, partner — (relaxed).

    Parameters
    ----------
    extraction : Extraction
    gold : Gold

    Returns
    -------
    Report
    """
    docs = set(_gold_documents(gold, extraction.documents).values())
    predicted = {k: e for k, e in extraction.entities.items() if e.docs & docs}
    matches = _match_entities(predicted, gold.entities)
    gold_types = {g.gold_id: g.entity_class for g in gold.entities}
    pairs = [(k, g) for k, ids in matches.items() for g in ids]
    right_class = sum(predicted[k].entity_class == gold_types[g] for k, g in pairs)
    relations = _first_evidence([r for r in extraction.relations if r.evidence.doc_id in docs])
    expected = {(r.subject, r.predicate, r.object) for r in gold.relations}

    def score(relax: bool, predicate: str | None = None) -> tuple[Score, set, list[Relation]]:
        name = _role if relax else (lambda p: p)
        wanted = {(s, name(p), o) for s, p, o in expected if predicate in (None, p)}
        mine = [r for r in relations if predicate in (None, r.predicate)]
        keys = {(r.subject, name(r.predicate), r.object) for r in mine}
        hit_gold: set = set()
        correct: set = set()
        wrong = []
        for r in mine:
            images = _images(r, matches, name) & wanted
            hit_gold |= images
            if images:
                correct.add((r.subject, name(r.predicate), r.object))
            else:
                wrong.append(r)
        return Score(len(correct), len(keys), len(hit_gold), len(wanted)), hit_gold, wrong

    strict, strict_hits, wrong = score(False)
    labels = {g.gold_id: g.label for g in gold.entities}
    matched_gold = {g for ids in matches.values() for g in ids}
    return Report(
        entities=Score(len(matches), len(predicted), len(matched_gold), len(gold.entities)),
        class_accuracy=right_class / len(pairs) if pairs else 0.0,
        relations_strict=strict,
        relations_relaxed=score(True)[0],
        per_predicate={p: score(False, p)[0] for p in PREDICATES},
        missed_entities=sorted(
            f"{g.entity_class} {g.label}" for g in gold.entities if g.gold_id not in matched_gold
        ),
        spurious_entities=sorted(
            f"{e.entity_class} {e.label}" for k, e in predicted.items() if k not in matches
        ),
        missed_relations=sorted(
            f"{labels.get(r.subject, r.subject)} {r.predicate} {labels.get(r.object, r.object)}"
            f" — “{r.evidence}”"
            for r in gold.relations
            if (r.subject, r.predicate, r.object) not in strict_hits
        ),
        spurious_relations=sorted(
            f"{extraction.entities[r.subject].label} {r.predicate} "
            f"{extraction.entities[r.object].label} [{r.evidence.rule}] — “{r.evidence.sentence}”"
            for r in wrong
        ),
    )


def _images(
    relation: Relation, matches: dict[str, set[str]], name: Callable[[str], str]
) -> set[tuple[str, str, str]]:
    """The gold triples a predicted relation stands for, through the entity matches."""
    return {
        (s, name(relation.predicate), o)
        for s in matches.get(relation.subject, ())
        for o in matches.get(relation.object, ())
    }


def _first_evidence(relations: list[Relation]) -> list[Relation]:
    seen: dict[tuple[str, str, str], Relation] = {}
    for r in relations:
        seen.setdefault((r.subject, r.predicate, r.object), r)
    return list(seen.values())


def _role(predicate: str) -> str:
    return "involvedIn" if predicate in ROLE_PREDICATES else predicate


def _match_entities(
    predicted: dict[str, Entity], gold: tuple[GoldEntity, ...]
) -> dict[str, set[str]]:
    """Extracted entity → the gold entities it names: each gold entity goes to the extracted
    one sharing most names with it, of its class on a tie (one extracted entity may stand
    for several gold ones)."""
    names = {
        key: {label_key(e.label)} | {label_key(a) for v in e.alt_labels.values() for a in v}
        for key, e in predicted.items()
    }
    matches: dict[str, set[str]] = {}
    for g in gold:
        scored = [
            (len(n & g.names), predicted[key].entity_class == g.entity_class, key)
            for key, n in names.items()
            if n & g.names
        ]
        if scored:
            best = max(scored)[2]  # most shared names, then the same class
            matches.setdefault(best, set()).add(g.gold_id)
    return matches


def format_report(report: Report, details: bool = True) -> str:
    """Render a report as the tables and lists `labatlas evaluate` prints."""
    lines = [f"{'':<22}{'P':>7}{'R':>7}{'F1':>7}{'found':>6}{'pred':>6}{'gold':>6}"]

    def row(name: str, score: Score) -> str:
        return (
            f"{name:<22}{score.precision:>7.2f}{score.recall:>7.2f}{score.f1:>7.2f}"
            f"{score.true_positives:>6}{score.predicted:>6}{score.expected:>6}"
        )

    lines.append(row("entities", report.entities))
    lines.append(f"{'  class accuracy':<22}{report.class_accuracy:>7.2f}")
    lines.append(row("relations (strict)", report.relations_strict))
    lines.append(row("relations (relaxed)", report.relations_relaxed))
    lines += [
        row(f"  {p}", s) for p, s in report.per_predicate.items() if s.expected or s.predicted
    ]
    if details:
        for title, items in (
            ("missed entities", report.missed_entities),
            ("spurious entities", report.spurious_entities),
            ("missed relations", report.missed_relations),
            ("spurious relations", report.spurious_relations),
        ):
            lines.append(f"\n{title} ({len(items)}):")
            lines += [f"  {item}" for item in items]
    return "\n".join(lines) + "\n"
