"""Text utilities shared by the loaders: normalisation, folding, sentences, language."""

from __future__ import annotations

import re
import re._constants as _regex_constants
import re._parser as _regex_parser
import unicodedata
from functools import lru_cache

from .model import Sentence

_PUNCT_FOLD = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "•": "-",
    }
)


def normalise_text(text: str) -> str:
    """Return `text` in NFC with LF line ends, the form every offset refers to.

    Parameters
    ----------
    text : str
        Raw decoded text.

    Returns
    -------
    str

    Examples
    --------
    >>> normalise_text("Re\\u0301gion\\r\\n")
    'Région\\n'
    """
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


class _FoldTable(dict[int, str]):
    """`str.translate` table built on demand: each character folded once per process."""

    def __missing__(self, code: int) -> str:
        char = chr(code).translate(_PUNCT_FOLD)
        base = unicodedata.normalize("NFD", char)[0].lower()
        folded = base if len(base) == 1 else char
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Return a same-length, case- and accent-free copy of `text` for matching.

    Offsets in the folded string are offsets in `text`, which is why folding maps
    one character to exactly one character.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> fold("Unis-Cité’s")
    "unis-cite's"
    """
    if not text.isascii():
        # Quotes and dashes are the usual characters beyond Latin-1 in these texts: they
        # fold to ASCII, and `str.replace` finds them far faster than a character loop.
        for char, folded in _PUNCTUATION_BEYOND_LATIN1:
            if char in text:
                text = text.replace(char, folded)
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return _fold_mixed(text)
    # `str.translate` looks every character up in a dict (30 ns each on a non-ASCII text,
    # and a fixed cost of ~0.5 µs on a short one); `bytes.translate` is a table lookup.
    return data.translate(_LATIN1_FOLD).decode("latin-1")


def _fold_mixed(text: str) -> str:
    """Fold a text holding characters beyond Latin-1: those through the dict, by runs."""
    parts = _BEYOND_LATIN1.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].encode("latin-1").translate(_LATIN1_FOLD).decode("latin-1")
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].translate(_FOLD_TABLE)
    return "".join(parts)


_BEYOND_LATIN1 = re.compile(r"([^\x00-\xff]+)")
# Every Latin-1 character folds to a Latin-1 character (checked here, at import).
_LATIN1_FOLD = bytes(ord(chr(code).translate(_FOLD_TABLE).encode("latin-1")) for code in range(256))
# Replacing these by their folded form first leaves the folded text the same: folding a
# folded quote or dash changes nothing.
_PUNCTUATION_BEYOND_LATIN1 = tuple(
    (chr(code), _FOLD_TABLE[code])
    for code in sorted(_PUNCT_FOLD)
    if code > 0xFF
    and _FOLD_TABLE[code].isascii()
    and _FOLD_TABLE[ord(_FOLD_TABLE[code])] == _FOLD_TABLE[code]
)


_ARTICLES = re.compile(
    r"^(?:(?:the|a|an|la|le|les|un|une|des|du|de la)\s+|l'|de l')", re.IGNORECASE
)
_POSSESSIVE = re.compile(r"(?:'s|s')$")


@lru_cache(maxsize=1 << 16)  # a corpus names the same things again and again
def label_key(surface: str) -> str:
    """Return the matching key of a name: folded, without leading article or possessive.

    Parameters
    ----------
    surface : str

    Returns
    -------
    str

    Examples
    --------
    >>> label_key("the Unis-Cité’s")
    'unis-cite'
    >>> label_key("L’Université de Nîmes")
    'universite de nimes'
    """
    key = " ".join(fold(surface).replace('"', " ").split())
    key = _ARTICLES.sub("", key).strip(" .,;:-'")
    key = _POSSESSIVE.sub("", key)
    return key.strip()


_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "cf",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "no",
        "fig",
        "p",
        "pp",
        "m",
        "mme",
        "mlle",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "ca",
        "approx",
    ]
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”»)]*(?=\s+|$)")
_BULLET = re.compile(r"^[\s•\-–—*›»·]+")


def _is_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lower().strip("(\"'«“")
    if word in _ABBREVIATIONS:
        return True
    # Initials and dotted acronyms: "L.I.V.E.", "Anna L."
    return bool(re.fullmatch(r"(?:[a-zà-ÿ]\.)*[a-zà-ÿ]", word))


def split_sentences(
    text: str, headings: dict[int, str], skipped: frozenset[int] = frozenset()
) -> tuple[Sentence, ...]:
    """Split a document into sentences; each line is also a boundary.

    Parameters
    ----------
    text : str
        The document text.
    headings : dict[int, str]
        Start offset of each heading line → heading text; sentences after a heading
        belong to its section (the heading line is a sentence of that section).
    skipped : frozenset of int
        Start offsets of lines that are not text (page furniture).

    Returns
    -------
    tuple of Sentence

    Examples
    --------
    >>> [s.text for s in split_sentences("It works. Really!\\n• A list item", {})]
    ['It works.', 'Really!', 'A list item']
    """
    sentences: list[Sentence] = []
    section = ""
    offset = 0
    for line in text.split("\n"):
        line_start = offset
        offset += len(line) + 1
        if line_start in headings:
            # A heading opens a section and is itself text: titles name the case's subject.
            section = headings[line_start]
        if line_start in skipped:
            continue
        bullet = _BULLET.match(line)
        cursor = bullet.end() if bullet else 0
        for piece_start, piece_end in _sentence_spans(line, cursor):
            piece = line[piece_start:piece_end]
            if any(ch.isalnum() for ch in piece):
                sentences.append(
                    Sentence(
                        len(sentences),
                        line_start + piece_start,
                        line_start + piece_end,
                        piece,
                        section,
                    )
                )
    return tuple(sentences)


def _sentence_spans(line: str, cursor: int) -> list[tuple[int, int]]:
    spans = []
    start = cursor
    for match in _SENTENCE_END.finditer(line, cursor):
        if match.group().startswith(".") and _is_abbreviation(line, match.start()):
            continue
        following = line[match.end() :].lstrip()
        if following and not (following[0].isupper() or following[0] in '"«“(0123456789'):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(line)))
    trimmed = []
    for s, e in spans:
        while s < e and line[s].isspace():
            s += 1
        while e > s and line[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


_FRENCH_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "et",
        "est",
        "une",
        "un",
        "pour",
        "dans",
        "avec",
        "sur",
        "par",
        "qui",
        "que",
        "au",
        "aux",
        "ce",
        "cette",
        "nous",
        "vous",
        "ils",
        "elle",
        "sont",
        "été",
        "être",
        "leur",
        "leurs",
        "ses",
        "pas",
        "plus",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "is",
        "a",
        "an",
        "to",
        "in",
        "for",
        "with",
        "on",
        "by",
        "which",
        "that",
        "at",
        "as",
        "are",
        "was",
        "were",
        "be",
        "its",
        "their",
        "this",
        "from",
        "it",
        "has",
        "have",
        "not",
    ]
)


_LANGUAGE_WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿœ']+")


def detect_language(text: str) -> str:
    """Return ``"fr"`` or ``"en"`` from the share of each language's function words.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> detect_language("Le lab est financé par la Région et les communes.")
    'fr'
    >>> detect_language("The lab is funded by the region and its cities.")
    'en'
    """
    words = _LANGUAGE_WORD.findall(text.lower())
    french = sum(map(_FRENCH_WORDS.__contains__, words))
    english = sum(map(_ENGLISH_WORDS.__contains__, words))
    return "fr" if french > english else "en"


_WORD_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz'")


def required_words(pattern: str) -> frozenset[str] | None:
    """Words of three letters or more one of which every match of `pattern` contains.

    Read from the parsed regex: a run of literal letters outside any optional part is in
    every match; so is one word of each alternative of a group that cannot be skipped. Of
    the sets a pattern offers, the one with the longest shortest word is kept: "initiative"
    rules out more sentences than "the". None when the pattern offers no such set.

    Examples
    --------
    >>> sorted(required_words(r"\\b(?:co-?)?(?:funded|financed)(?: \\w+)? (?:by|with)\\b"))
    ['financed', 'funded']
    >>> sorted(required_words(r"\\bunder the\\b|\\bsous (?:la|le) tutelle\\b"))
    ['tutelle', 'under']
    >>> required_words(r"\\b(?:a|au) (?:de|du)\\b") is None
    True
    """
    return _required(_regex_parser.parse(pattern))


def _required(items: _regex_parser.SubPattern, prefix: str = "") -> frozenset[str] | None:
    """The best word set of a parsed sequence; `prefix`: letters right before it."""
    options: list[frozenset[str]] = []
    run = prefix
    for op, av in [*items, (None, None)]:  # a sentinel ends the last run of letters
        if op is _regex_constants.LITERAL and chr(av) in _WORD_LETTERS:
            run += chr(av)
            continue
        if len(run) >= 3:
            options.append(frozenset({run}))
        inner: list[frozenset[str] | None] = []
        if op is _regex_constants.BRANCH:
            # The parser moves the common start of alternatives before them ("f(?:unded|
            # inanced)"): each alternative goes on from the letters just read.
            inner = [_required(alternative, run) for alternative in av[1]]
        elif op is _regex_constants.SUBPATTERN:
            inner = [_required(av[-1], run)]
        elif op in (_regex_constants.MAX_REPEAT, _regex_constants.MIN_REPEAT) and av[0] >= 1:
            inner = [_required(av[2])]
        if inner and all(inner):
            options.append(frozenset().union(*inner))
        run = ""
    return max(options, key=lambda words: (min(map(len, words)), -len(words)), default=None)
