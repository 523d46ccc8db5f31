"""The reference data of `ontology/reference/` as a fast token-trie matcher."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from .text import fold

REFERENCE_FILES = (
    "actors.csv",
    "initiatives.csv",
    "places.csv",
    "methods.csv",
    "beneficiary_groups.csv",
    "events.csv",
)
_TOKEN = re.compile(r"\w+(?:[-'.]\w+)*\.?|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class ReferenceEntry:
    """A known entity of the field: its id, class, names and Wikidata identifier."""

    ref_id: str
    entity_class: str
    label: str
    lang: str
    alt_labels: tuple[tuple[str, str], ...]
    wikidata: str

    def surfaces(self) -> list[tuple[str, str]]:
        """All names with their language (``""`` where unknown), the label first."""
        return [(self.label, self.lang), *self.alt_labels]


@dataclass(frozen=True)
class GazetteerHit:
    """A reference name found in a text."""

    start: int
    end: int
    entry: ReferenceEntry


def reference_dir() -> Path:
    """Return the folder holding the reference CSV files."""
    return Path(str(resources.files("labatlas.ontology") / "reference"))


def _parse_alt_labels(cell: str) -> tuple[tuple[str, str], ...]:
    labels = []
    for raw in cell.split("|"):
        raw = raw.strip()
        if not raw:
            continue
        surface, _, lang = raw.rpartition("@") if re.search(r"@(en|fr)$", raw) else (raw, "", "")
        labels.append((surface.strip(), lang))
    return tuple(labels)


def load_reference(folder: Path | None = None) -> list[ReferenceEntry]:
    """Read every reference CSV into entries.

    Parameters
    ----------
    folder : Path, optional
        Defaults to the reference folder shipped in `labatlas.ontology`.

    Returns
    -------
    list of ReferenceEntry

    Examples
    --------
    >>> entries = load_reference()
    >>> any(e.entity_class == "Method" for e in entries)
    True
    """
    folder = folder or reference_dir()
    entries = []
    for name in REFERENCE_FILES:
        path = folder / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                entries.append(
                    ReferenceEntry(
                        ref_id=row["id"].strip(),
                        entity_class=row["class"].strip(),
                        label=row["label"].strip(),
                        lang=(row.get("lang") or "").strip(),
                        alt_labels=_parse_alt_labels(row.get("alt_labels") or ""),
                        wikidata=(row.get("wikidata") or "").strip(),
                    )
                )
    return entries


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start, end, folded token)`` for each word or punctuation mark.

    Examples
    --------
    >>> [t[2] for t in tokenize("L’Unis-Cité, Lille.")]
    ["l'unis-cite", ',', 'lille.']
    """
    folded = fold(text)
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(folded)]


_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c)'(?=\w)")


def _split_elision(tokens: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Split French elisions ("l'universite" → "l'", "universite") so names match inside."""
    out = []
    for start, end, tok in tokens:
        match = _ELISION.match(tok) if "'" in tok else None
        if match:
            cut = start + match.end()
            out.append((start, cut, tok[: match.end()]))
            out.append((cut, end, tok[match.end() :]))
        else:
            out.append((start, end, tok))
    return out


def _name_tokens(text: str) -> list[str]:
    tokens = [t[2].rstrip(".") or t[2] for t in _split_elision(tokenize(text))]
    return [t for t in tokens if t]


# `_TOKEN` with French elisions cut off their word ("l'universite" → "l'", "universite"),
# as `_split_elision` does, in one pass.
_FIND_TOKEN = re.compile(r"(?:l|d|qu|j|n|s|c)'(?=\w)|" + _TOKEN.pattern, re.UNICODE)


@dataclass(frozen=True)
class _Pattern:
    surface: str
    entry: ReferenceEntry
    exact_case: bool
    capitalised: bool


class Gazetteer:
    """Longest-match lookup of every reference name in a text, on folded tokens.

    Acronyms (all capitals) match with their exact case, and names written with a
    capital match only where the text has one, so "Tours" the city is not "tours".

    Parameters
    ----------
    entries : list of ReferenceEntry

    Examples
    --------
    >>> gaz = Gazetteer(load_reference())
    >>> [(h.entry.entity_class) for h in gaz.find("They used service design.")]
    ['Method']
    """

    def __init__(self, entries: list[ReferenceEntry]) -> None:
        self.entries = {e.ref_id: e for e in entries}
        self._trie: dict = {}
        for entry in entries:
            for surface, _lang in entry.surfaces():
                self._add(surface, entry)

    def _add(self, surface: str, entry: ReferenceEntry) -> None:
        tokens = _name_tokens(surface)
        if not tokens:
            return
        letters = [c for c in surface if c.isalpha()]
        pattern = _Pattern(
            surface=surface,
            entry=entry,
            exact_case=len(letters) >= 2 and all(c.isupper() for c in letters),
            # Short names need their capital ("Tours", "Orange"); long ones are unambiguous.
            capitalised=surface[:1].isupper() and len(tokens) <= 2,
        )
        node = self._trie
        for tok in tokens:
            node = node.setdefault(tok, {})
        node.setdefault(None, []).append(pattern)

    def lookup(self, name: str) -> ReferenceEntry | None:
        """The entry one of whose names is exactly `name` (case and accents aside).

        Examples
        --------
        >>> default_gazetteer().lookup("region pays de la loire").entity_class
        'LocalAuthority'
        """
        node = self._trie
        for token in _name_tokens(name):
            node = node.get(token)
            if node is None:
                return None
        patterns = node.get(None, [])
        return patterns[0].entry if patterns else None

    def find(self, text: str, folded: str | None = None) -> list[GazetteerHit]:
        """Return the longest non-overlapping reference names in `text` (`folded`: its
        folded form, when the caller has it already)."""
        folded = fold(text) if folded is None else folded
        # Words as strings first (one C call); their offsets only once a name may start.
        words = [w.rstrip(".") or w if w[-1] == "." else w for w in _FIND_TOKEN.findall(folded)]
        trie = self._trie
        starts = [i for i, w in enumerate(words) if w in trie]
        if not starts:
            return []
        # Offsets only once a whole name is met: a third of the sentences with a word that
        # starts a name hold no name.
        spans: list[tuple[int, int]] = []
        hits: list[GazetteerHit] = []
        after = 0  # names do not overlap: the next one starts after the last
        for i in starts:
            if i < after:
                continue
            best: tuple[int, ReferenceEntry] | None = None
            node = trie
            for j in range(i, len(words)):
                node = node.get(words[j])
                if node is None:
                    break
                patterns = node.get(None, ())
                if patterns and not spans:
                    spans = [m.span() for m in _FIND_TOKEN.finditer(folded)]
                for pattern in patterns:
                    if self._accepts(pattern, text, spans[i][0], spans[j][1]):
                        best = (j, pattern.entry)
                        break
            if best is None:
                continue
            j, entry = best
            end = spans[j][1]
            if text[end - 1 : end] == "." and not words[j].endswith("."):
                end -= 1
            hits.append(GazetteerHit(spans[i][0], end, entry))
            after = j + 1
        return hits

    @staticmethod
    def _accepts(pattern: _Pattern, text: str, start: int, end: int) -> bool:
        found = text[start:end]
        if pattern.exact_case:
            return (fold(found).upper() == fold(pattern.surface).upper() and found.isupper()) or (
                found.replace(".", "") == pattern.surface.replace(".", "")
            )
        if pattern.capitalised:
            return found[:1].isupper() or found[:1].isdigit()
        return True


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer of the shipped reference data (built once per process)."""
    return Gazetteer(load_reference())
