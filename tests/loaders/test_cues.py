"""The cue prefilter: skipping a cue's regex must never lose one of its matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from labatlas.loaders.pipeline import default_corpus
from labatlas.loaders.relations import ACTIVE_CUES, CUES, CueIndex, required_words
from labatlas.loaders.text import fold

_TESTS = Path(__file__).parents[1]


def _texts() -> list[str]:
    """The bundled corpus and every text written for the tests (held-out, sealed, …)."""
    paths = sorted(default_corpus().glob("*.txt")) + sorted(_TESTS.rglob("*.txt"))
    return [fold(p.read_text(encoding="utf-8")) for p in paths]


@pytest.mark.parametrize("cue", CUES + ACTIVE_CUES, ids=lambda c: c.name)
def test_every_match_holds_a_required_word(cue) -> None:
    words = required_words(cue.pattern.pattern)
    assert words, f"{cue.name}: no required word found"
    for text in _texts():
        for match in cue.pattern.finditer(text):
            assert any(w in match.group() for w in words), (cue.name, match.group())


def test_candidates_include_every_cue_that_matches_a_line() -> None:
    indexes = CueIndex(CUES), CueIndex(ACTIVE_CUES)
    for text in _texts():
        for line in text.splitlines():
            candidates = {c.name for index in indexes for c in index.candidates(line)}
            for cue in CUES + ACTIVE_CUES:
                if cue.pattern.search(line):
                    assert cue.name in candidates, (cue.name, line)
