"""Folding: the matching form of a text, one character for one character."""

from __future__ import annotations

import unicodedata

from labatlas.loaders.text import fold


def _fold_one(char: str) -> str:
    """What folding means for one character, written out the slow way."""
    quotes = {"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "«": '"', "»": '"'}
    char = quotes.get(char, char)
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


def test_fold_keeps_offsets_on_every_plane_0_character() -> None:
    text = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    folded = fold(text)
    assert len(folded) == len(text)
    # A string of all characters, then short mixed strings: the Latin-1 stretches and the
    # characters beyond it are folded alike, wherever they sit.
    assert folded == "".join(fold(ch) for ch in text)
    assert fold("Région Île-de-France – “Œuvre” d’Unis-Cité") == (
        'region ile-de-france - "œuvre" d\'unis-cite'
    )


def test_fold_agrees_with_the_rule_on_letters_and_quotes() -> None:
    for text in ("ÉCOLE", "Crème brûlée", "naïve façade", "Ærø", "ſ", "İstanbul", "’«»“”"):
        assert fold(text) == "".join(_fold_one(ch) for ch in text), text
