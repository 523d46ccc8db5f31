"""Finding mentions of entities in a document: reference names plus general naming rules."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .gazetteer import Gazetteer, reference_dir
from .model import Document, Mention, Sentence
from .text import fold, label_key, required_words

_WORD = re.compile(r"[^\W_]+(?:[’'\-.&•][^\W_]+)*\.?|#\d+|\S", re.UNICODE)
_CONNECTORS = frozenset("of for and the de du des d' d’ l' l’ la le les et en & - pour".split())
_ARTICLES = frozenset("the la le les l' l’".split())
_ARTICLE_HOSTS = frozenset("of for and & de du des d' d’ et".split())
_SENTENCE_OPENERS = frozenset(
    """but and or so yet since as if when while this these those that there here it its our we
    they he she his her their in on at by for from with without after before during moreover
    however nevertheless thus then also indeed finally first second third introducing today
    mais et ou donc or car ainsi alors puis enfin ensuite aujourd'hui depuis dans pour avec
    chez sur par selon comme ce cette ces il elle ils elles nous on les des une un pour au aux
    en entre le la currently recently""".split()
)
_ENUMERATION_BREAKS = frozenset({",", ";", ":", "(", ")", "«", "»", "“", "”", '"'})
_TITLES = frozenset(
    {"m.", "mme", "mr", "mr.", "mrs", "ms", "dr", "dr.", "prof.", "madame", "monsieur"}
)


@dataclass(frozen=True)
class NameHead:
    """A word that tells the class of the name it heads ("University" → ResearchBody)."""

    word: str
    entity_class: str
    position: str
    lang: str = ""


@dataclass(frozen=True)
class NamingData:
    """The linguistic data the naming rules read from `ontology/reference/`."""

    heads: dict[str, NameHead]
    generic_words: frozenset[str]
    given_names: frozenset[str]


def _read_column(name: str, column: str) -> list[dict[str, str]]:
    with (reference_dir() / name).open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row.get(column)]


@cache
def naming_data() -> NamingData:
    """Load the head words, generic words and given names (once per process)."""
    heads = {
        fold(row["word"]): NameHead(
            fold(row["word"]), row["class"], row["position"], row.get("lang") or ""
        )
        for row in _read_column("name_heads.csv", "word")
    }
    generic = frozenset(fold(r["word"]) for r in _read_column("generic_words.csv", "word"))
    names = frozenset(fold(r["name"]) for r in _read_column("given_names.csv", "name"))
    return NamingData(heads, generic, names)


_ELISION = re.compile(r"^(?:d|l)['’](?=\w)")


def _is_capitalised(token: str) -> bool:
    found = _CAPITALISED.get(token)
    if found is None:
        found = _CAPITALISED[token] = _capitalised(token)
    return found


_CAPITALISED: dict[str, bool] = {}  # per word, once per process: a text repeats its words


def _capitalised(token: str) -> bool:
    if token[:1].isupper():
        return True
    if token[:1].islower() and any(c.isupper() for c in token[1:]) and token.isalpha():
        return True  # a camel-case brand: "étrangeOrdinaire", "eBay"
    if token[:1] in "dl":
        return _ELISION.sub("", token)[:1].isupper()  # "d'Oise", "l'Hospitalité"
    return token[:1].isdigit() and len(token) <= 4


Token = tuple[int, int, str]


def word_tokens(sentence: str) -> list[Token]:
    """The words of a sentence as ``(start, end, word)``, the unit the naming rules read."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]


def _capitalised_sequences(
    sentence: str, tokens: list[Token] | None = None, folded_sentence: str | None = None
) -> list[tuple[int, int, list[str]]]:
    """Runs of capitalised words, joined by lowercase connectors ("Université de Nîmes").

    An article joins a run only after "of"/"de"…, so "Introducing the Living Lab"
    yields "Living Lab"; a comma joins one only inside a complement ("Directorate of
    Youth, Sports and Social Cohesion").
    """
    if tokens is None:
        tokens = word_tokens(sentence)
    if folded_sentence is None:
        folded_sentence = fold(sentence)
    known = _CAPITALISED.get  # inlined `_is_capitalised`: this runs for every word
    capitalised = [c if (c := known(t)) is not None else _is_capitalised(t) for _, _, t in tokens]
    if not any(capitalised) and "#" not in sentence:
        return []
    runs: list[tuple[int, int, list[str]]] = []
    i = 0
    while i < len(tokens):
        if not (capitalised[i] and tokens[i][2][:1].isalpha()) and tokens[i][2][:1] != "#":
            i += 1
            continue
        j, k = i, i + 1
        while k < len(tokens):
            # Folded words are cut out only here, inside a run: most words never are.
            tok = folded_sentence[tokens[k][0] : tokens[k][1]]
            prev = folded_sentence[tokens[k - 1][0] : tokens[k - 1][1]]
            if capitalised[k] or tok.startswith("#"):
                j, k = k, k + 1
            elif tok in _CONNECTORS and _joins(tok, prev, tokens, i, k):
                k += 1
            elif tok == "," and _in_complement(tokens, i, k):
                k += 1
            else:
                break
        words = _trim_enumeration([t[2] for t in tokens[i : j + 1]])
        j = i + len(words) - 1
        if all(fold(w) in _SENTENCE_OPENERS or w[:1].isdigit() for w in words):
            i = j + 1
            continue
        if i == 0 and len(words) > 1 and fold(words[0]) in _SENTENCE_OPENERS:
            runs.append((tokens[i + 1][0], tokens[j][1], words[1:]))
        elif not (i == 0 and fold(words[0]) in _SENTENCE_OPENERS):
            runs.append((tokens[i][0], tokens[j][1], words))
        i = j + 1
    return [(s, e, w) for s, e, w in runs if w and w[0] != "-"]


_NAME_GLUE = frozenset("de du des la le les pour et a au aux sur".split())
_NAME_ENDERS = frozenset(
    """est sont a ont etait sera qui que dont avec par dans se sa son ses leur leurs ce cette
    il elle ils elles nous vous on depuis lors mais ou donc car puis aussi comme selon chez
    entre vers sans sous afin en""".split()
)


def _sentence_case_names(tokens: list[Token]) -> list[tuple[int, int, list[str]]]:
    """French names written in sentence case, headed by a class word with a capital:
    "Direction du numérique pour l'éducation", "Institut national supérieur du professorat
    et de l'éducation", "Laboratoire d'innovation publique de la Région Nouvelle-Aquitaine".

    The name runs over lower-case words and "de"/"pour"/"et de"… up to punctuation, a
    function word or a verb ("… pour l'éducation et financé par"); a capital-only run is
    found by `_capitalised_sequences` already, so only longer names are returned.

    Examples
    --------
    >>> toks = word_tokens("porté par la Direction du numérique pour l'éducation et financé")
    >>> [" ".join(w) for _, _, w in _sentence_case_names(toks)]
    ["Direction du numérique pour l'éducation"]
    """
    heads = naming_data().heads
    runs = []
    for i, (start, _, word) in enumerate(tokens):
        first = word[:1]
        if not first.isupper() and not (first in "dl" and word[1:2] in "'’" and len(word) > 2):
            continue  # most words: neither a capital nor an elided capital
        elided = _ELISION.match(word)  # "l'Institut national …"
        bare = word[elided.end() :] if elided else word
        head = heads.get(fold(bare))
        if not (bare[:1].isupper() and head and head.lang == "fr" and head.position == "first"):
            continue
        following = tokens[i + 1][2] if i + 1 < len(tokens) else ""
        if not following[:1].islower():
            continue  # "Cabinet Office …", "Conseil Régional …": a capitalised run already
        start += len(word) - len(bare)
        j = i
        k = i + 1
        while k < len(tokens) and k - i < 12:
            tok = fold(tokens[k][2])
            nxt = fold(tokens[k + 1][2]) if k + 1 < len(tokens) else ""
            if not tokens[k][2][:1].isalpha() or tok in _NAME_ENDERS:
                break
            if tok in _NAME_GLUE:
                if tok == "et" and not _continues_after_et(tokens, k):
                    break
                if tok == "pour" and not (nxt in {"la", "le", "les"} or nxt[:2] in {"l'", "d'"}):
                    break  # "… pour l'éducation" names; "… pour inaugurer" does not
                k += 1
                continue
            if _looks_like_participle(tokens[k][2]) and fold(tokens[k - 1][2]) not in _NAME_GLUE:
                break
            j, k = k, k + 1
        lower = [w for _, _, w in tokens[i + 1 : j + 1] if w[:1].islower()]
        if j > i and any(fold(w) not in _NAME_GLUE for w in lower):
            runs.append((start, tokens[j][1], [bare] + [w for _, _, w in tokens[i + 1 : j + 1]]))
    return runs


def _continues_after_et(tokens: list[Token], k: int) -> bool:
    """ "… du professorat et de l'éducation" goes on; "… et de MindLab" starts a new name."""
    rest = [w for _, _, w in tokens[k + 1 : k + 3]]
    if not rest:
        return False
    first = fold(rest[0])
    if first in {"de", "du", "des"} and len(rest) > 1:
        return _ELISION.sub("", rest[1])[:1].islower()
    return first[:2] in {"d'", "l'"} and rest[0][2:3].islower()


def _looks_like_participle(word: str) -> bool:
    """ "financé", "installées": a verb after a name, unless "de la" makes it a noun."""
    return word.lower().endswith(("é", "ée", "és", "ées"))


def _joins(tok: str, prev: str, tokens: list[tuple[int, int, str]], first: int, k: int) -> bool:
    """Whether a lowercase connector continues a name rather than ending it."""
    if tok in _ARTICLES:
        return prev in _ARTICLE_HOSTS
    if tok in {"and", "et", "&"}:
        # "Youth, Sports and Social Cohesion" inside a complement; two names otherwise.
        return _in_complement(tokens, first, k)
    return True


def _trim_enumeration(words: list[str]) -> list[str]:
    """Cut "City of Paris, Dunkirk, Mulhouse" at its first comma: a list, not one name."""
    if "," not in words:
        return words
    last_comma = len(words) - 1 - words[::-1].index(",")
    if any(fold(w) in {"and", "et", "&"} for w in words[last_comma:]):
        return words
    return words[: words.index(",")]


def _in_complement(tokens: list[tuple[int, int, str]], first: int, comma: int) -> bool:
    """A comma inside "X of A, B and C": after an "of"/"de", before a capitalised word."""
    inside = {fold(t[2]) for t in tokens[first:comma]}
    following = tokens[comma + 1][2] if comma + 1 < len(tokens) else ""
    return bool(inside & {"of", "for", "de", "des", "du"}) and _is_capitalised(following)


def classify_name(words: list[str], language: str) -> str | None:
    """Return the class that a name's head word gives, or None.

    English names have their head before "of"/"for" or last ("Civic Service Agency",
    "Ministry of Education"); French names have it first ("Université de Nîmes").

    Examples
    --------
    >>> classify_name(["Coca-Cola", "Foundation"], "en")
    'Foundation'
    >>> classify_name(["Université", "de", "Nîmes"], "fr")
    'ResearchBody'
    >>> classify_name(["Sorbonne", "University"], "en")
    'ResearchBody'
    """
    data = naming_data()
    folded = [fold(w).rstrip(".") for w in words if w != ","]
    found: list[tuple[int, NameHead]] = []
    for i, word in enumerate(folded):
        pair = f"{word} {folded[i + 1]}" if i + 1 < len(folded) else ""
        head = data.heads.get(pair) or data.heads.get(word)
        if head and _head_fits(head, i, len(folded)):
            found.append((i, head))
    if not found:
        return None
    if language == "fr":
        return found[0][1].entity_class
    cut = next((i for i, w in enumerate(folded) if w in {"of", "for"}), len(folded))
    before = [h for i, h in found if i < cut]
    return (before[-1] if before else found[0][1]).entity_class


def _inner_name(words: list[str]) -> int:
    """Index where a French name headed by its first word starts inside a longer run."""
    heads = naming_data().heads
    for i in range(1, len(words)):
        head = heads.get(fold(words[i]).removeprefix("l'").removeprefix("l’"))
        if head and head.position == "first" and fold(words[i - 1]) in _CONNECTORS | {","}:
            return i
    return 0


def _head_fits(head: NameHead, index: int, length: int) -> bool:
    if head.position == "first":
        return index == 0
    if head.position == "last":
        return index >= length - 2
    return True


def _is_generic(words: list[str]) -> bool:
    data = naming_data()
    content = [fold(w).rstrip(".") for w in words if fold(w) not in _CONNECTORS | {","}]
    return all(w in data.generic_words or w in data.heads for w in content)


class MentionFinder:
    """Find the mentions of one document, sentence by sentence.

    Parameters
    ----------
    gazetteer : Gazetteer
        Reference names; they win over rule-found names they overlap.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def find(self, doc: Document) -> list[Mention]:
        """Return the document's mentions, non-overlapping, in text order."""
        mentions: list[Mention] = []
        acronyms = _acronym_definitions(doc)
        tokens = [word_tokens(sentence.text) for sentence in doc.sentences]
        self._proper_words = _proper_words(tokens)
        folded_doc = fold(doc.text)  # folding keeps offsets: each sentence is a slice of it
        for sentence, words in zip(doc.sentences, tokens, strict=True):
            folded = folded_doc[sentence.start : sentence.end]
            candidates = self._candidates(doc, sentence, acronyms, words, folded)
            mentions.extend(_select(candidates))
        return mentions

    def _candidates(
        self,
        doc: Document,
        sentence: Sentence,
        acronyms: dict[str, str],
        tokens: list[Token],
        folded: str,
    ) -> list[Mention]:
        base = sentence.start
        text = sentence.text
        found = [
            Mention(
                doc.doc_id,
                base + h.start,
                base + h.end,
                text[h.start : h.end],
                h.entry.entity_class,
                f"ref:{h.entry.ref_id}",
                _gazetteer_rule(h.entry.label, text, h.start),
                0.95,
            )
            for h in self.gazetteer.find(text, folded)
        ]
        if not _is_shouting(text):  # slide titles in capitals name nothing by their case
            for start, end, words in _capitalised_sequences(text, tokens, folded):
                found.extend(self._named(doc, base, text, start, end, words, acronyms))
            for start, end, words in _sentence_case_names(tokens):
                found.extend(self._named(doc, base, text, start, end, words, acronyms))
        found.extend(_quoted_names(doc, base, text))
        found.extend(_initiatives_of_known_bodies(found, text, base))
        found.extend(_enumerated_groups(doc, base, text, found))
        found.extend(_announced_groups(doc, base, text, found, folded))
        return found

    def _named(
        self,
        doc: Document,
        base: int,
        text: str,
        start: int,
        end: int,
        words: list[str],
        acronyms: dict[str, str],
    ) -> list[Mention]:
        """Type a capitalised run by its head word, its form (a person) or its context."""
        if words and fold(words[0]) in {"the", "a", "an"}:
            start += len(words[0]) + 1
            words = words[1:]
        if not words or _name_facts(tuple(words), doc.language)[0]:
            return []
        if start == 0 and len(words) == 1 and fold(words[0]) not in self._proper_words:
            return []  # "Empowering the team…": a capital only because the sentence starts
        surface = text[start:end]
        key = acronyms.get(label_key(surface), label_key(surface))

        def mention(entity_class: str, rule: str, confidence: float) -> list[Mention]:
            return [
                Mention(
                    doc.doc_id,
                    base + start,
                    base + end,
                    surface,
                    entity_class,
                    key,
                    rule,
                    confidence,
                )
            ]

        _, is_person, entity_class = _name_facts(tuple(words), doc.language)
        if is_person:
            return mention("Person", "person-name", 0.8)
        if entity_class:
            return mention(entity_class, "name-head", 0.8)
        inner = _inner_name(words)
        if inner:
            # "Société de l'Université de Nîmes": the organisation named inside the run.
            inner_start = text.index(words[inner], start)
            return self._named(doc, base, text, inner_start, end, words[inner:], acronyms)
        head = _following_head(text, end)
        if head:
            # "the Danish government", "the Booster programme": the class word is part of
            # the name a reader would quote (resolution still joins it to "Booster").
            end += head[1]
            surface = text[start:end]
            return mention(head[0], "name-head-after", 0.7)
        context_class = _context_class(text, start, end)
        if context_class:
            return mention(context_class, "name-context", 0.7)
        preceding = _preceding_head(text, start)
        if preceding:
            entity_class, head_start = preceding
            if entity_class == "ResearchBody" and head_start is not None:
                # "au lycée Claret", "le master Design": a school's kind is part of its name.
                start = head_start
                surface = text[start:end]
            return mention(entity_class, "name-context", 0.7)
        if label_key(surface) in acronyms or _is_acronym(surface):
            return mention("?", "acronym", 0.7)
        if len(words) >= 2 or start > 0:
            # An untyped proper name: kept only if another mention of it is typed.
            return mention("?", "proper-name", 0.5)
        return []


@lru_cache(maxsize=1 << 15)
def _name_facts(words: tuple[str, ...], language: str) -> tuple[bool, bool, str | None]:
    """What the words of a name alone say (generic? a person? the class its head gives),
    once per distinct name: a text names the same things again and again."""
    names = list(words)
    return _is_generic(names), _person(names), classify_name(names, language)


_FOLLOWING_HEAD = re.compile(r"^\s*(?:'s\s+)?([a-z][\w-]*)(?:\s+([a-z][\w-]*))?")
_DESCRIPTION = re.compile(
    r"^\s*(?:,|\bis\b|\bwas\b|\best\b|\betait\b|\bhas been\b|\bremains\b)\s*(?:also\s+)?"
    r"(?:a|an|the|un|une|le|la|l')\s+((?:[\w'-]+\s+){0,4}[\w'-]+)"
)
_CALLED = re.compile(
    r"((?:[\w'-]+\s+){1,6})(?:called|named|known as|entitled|baptise|appele|intitule|nomme)e?s?"
    r"\s+(?:the\s+|le\s+|la\s+|l')?$"
)
# The end of `_CALLED` alone: cheap to search, and `_CALLED` (slow: it backtracks over up to
# six words at every position) runs only where it can match.
_CALLED_TAIL = re.compile(
    r"(?:called|named|known as|entitled|baptise|appele|intitule|nomme)e?s?"
    r"\s+(?:the\s+|le\s+|la\s+|l')?$"
)
_PRECEDING_HEAD = re.compile(
    r"\b(?:the|le|la|l'|du|de la|au|a|an|un|une)\s+(?:[a-z][\w-]*\s+){0,2}?([a-z][\w-]*)\s+"
    r"(?:(?:de|des|du|of)\s+)?(?:l')?$"
)


def _following_head(sentence: str, end: int) -> tuple[str, int] | None:
    """The class and length of a class word right after a name ("… programme")."""
    heads = naming_data().heads
    after = fold(sentence[end : end + 40])
    following = _FOLLOWING_HEAD.match(after)
    if not following:
        return None
    words = [w for w in following.groups() if w]
    pair = " ".join(words)
    if len(words) == 2 and pair in heads:
        return heads[pair].entity_class, following.end()
    if words[0] in heads:
        return heads[words[0]].entity_class, following.end(1)
    return None


def _context_class(sentence: str, start: int, end: int) -> str | None:
    """Type an unknown name by the words around it in its sentence: "the Booster
    programme", "SIILAB is a Living Lab", "la ville de X"."""
    heads = naming_data().heads
    after = fold(sentence[end : end + 100])
    described = _DESCRIPTION.match(after)
    if described:
        words = described.group(1).split()
        for i, word in enumerate(words):
            pair = f"{word} {words[i + 1]}" if i + 1 < len(words) else ""
            head = heads.get(pair) or heads.get(word)
            if head:
                return head.entity_class
    before = fold(sentence[max(0, start - 80) : start])
    called = _CALLED.search(before) if _CALLED_TAIL.search(before) else None
    if called:
        for word in reversed(called.group(1).split()):
            if word in heads:
                return heads[word].entity_class
    return None


# The last word before `end` with the spaces after it, `([a-z][\w-]*)\s+$` (the leftmost
# start: the first a-z letter of the run of word characters), matched on the reversed text.
_BEFORE_WORD_REVERSED = re.compile(r"\s+([\w-]*[a-z])")
_PRECEDING_SKIPPED = frozenset("de du des d' of the la le les l' a an un une".split())


def _preceding_head(sentence: str, start: int) -> tuple[str, int | None] | None:
    """The class word a name follows: "le réseau régional ERIC", "l'agence de design
    étrangeOrdinaire", "au lycée Claret"; with the head's offset when it is right before.

    Going back from the name, articles and "de"/"of" are skipped and one other word (an
    adjective, a field: "régional", "design") may stand between head and name.

    Examples
    --------
    >>> text = "avec le réseau régional ERIC"
    >>> _preceding_head(text, text.index("ERIC"))
    ('Network', None)
    >>> _preceding_head("au lycée Claret", 9)
    ('ResearchBody', 3)
    """
    if start < 2 or not sentence[start - 1].isspace():
        return None  # nothing, or a bracket or quote, before the name
    heads = naming_data().heads
    folded = fold(sentence[max(0, start - 60) : start])
    base = max(0, start - 60)
    # Words are read backwards from the name, so the text is reversed once and each word
    # matched where it ends (a forward search from the start rescans the text every time).
    backwards = folded[::-1]
    end = len(folded)
    other_words = 0
    for _ in range(6):
        word = _BEFORE_WORD_REVERSED.match(backwards, len(folded) - end)
        if not word:
            return None
        token = word.group(1)[::-1]
        word_start = len(folded) - word.end()
        bare = token.split("'")[-1]  # "l'agence" → "agence"
        head = heads.get(bare)
        if head:
            adjacent = end == len(folded) and bare == token
            entity_class = "Company" if bare in {"agence", "agency"} else head.entity_class
            return entity_class, base + word_start if adjacent else None
        if token in _PRECEDING_SKIPPED:
            end = word_start
            continue
        other_words += 1
        if other_words > 1:
            return None
        end = word_start
    return None


def _gazetteer_rule(label: str, text: str, start: int) -> str:
    """A common noun of the reference data ("citizens") written with a capital inside a
    sentence is a word of a longer name ("Espaces … Internet Citoyens"): it yields to it."""
    if label[:1].islower() and start > 0 and text[start : start + 1].isupper():
        return "gazetteer-in-name"
    return "gazetteer"


def _proper_words(sentences: list[list[Token]]) -> frozenset[str]:
    """Words the document capitalises inside sentences, where a capital marks a name."""
    known = _CAPITALISED.get  # inlined `_is_capitalised`: this runs for every word
    capitalised = {
        w
        for tokens in sentences
        for _, _, w in tokens[1:]
        if (c := known(w)) or (c is None and _is_capitalised(w))
    }
    return frozenset(fold(w).rstrip(".") for w in capitalised)


_UPPER = re.compile(r"[^\W\d_a-zß-ÿ]")  # letters that are not lower case
_LETTER = re.compile(r"[^\W\d_]")


_LOWER = re.compile(r"[a-zß-öø-ÿ]+")
_NOT_LOWER_BYTES = bytes(c for c in range(256) if not _LOWER.fullmatch(chr(c)))


def _is_shouting(text: str) -> bool:
    if text.count(" ") < 2:
        return False
    # Cheap exit first: a sentence that is 40 % lower-case letters cannot be 60 % capitals.
    # (The letters of `_LOWER` are all Latin-1: counted on bytes, without a regex pass.)
    lower = len(text.encode("latin-1", "ignore").translate(None, _NOT_LOWER_BYTES))
    if lower >= 0.4 * len(text):
        return False
    return len(_UPPER.findall(text)) > 0.6 * len(_LETTER.findall(text))


def _person(words: list[str]) -> bool:
    data = naming_data()
    names = [w for w in words if fold(w) not in _CONNECTORS]
    if len(names) < 2 or len(names) > 4:
        return False
    first = fold(names[0]).split("-")
    if not all(part in data.given_names for part in first) and fold(names[0]) not in _TITLES:
        return False
    # A sentence's full stop sticks to its last word ("… and Justin Cook."): not an initial.
    rest = [w[:-1] if len(w) > 2 and w.endswith(".") else w for w in names[1:]]
    return all(
        w[:1].isupper() and (w.isalpha() or re.fullmatch(r"[A-Z]\.", w) or "-" in w) for w in rest
    ) and not any(fold(w) in data.heads for w in rest)


_DEFINITION = re.compile(r"\(([^()]{2,120})\)")


def _acronym_definitions(doc: Document) -> dict[str, str]:
    """Pairs "Long Name (ACR)" / "ACR (Long Name)" of a document: each form's key → shared key."""
    pairs: dict[str, str] = {}
    for sentence in doc.sentences:
        text = sentence.text
        for match in _DEFINITION.finditer(text):
            inner = match.group(1).strip()
            before = text[: match.start()].rstrip(" –-")
            prev_words = re.findall(r"[\w’'\-.&]+", before)
            if _is_acronym(inner) and prev_words:
                long_form = _long_form(prev_words, inner) or _initials_long_form(prev_words, inner)
                if long_form:
                    pairs[label_key(long_form)] = label_key(inner)
                    pairs[label_key(inner)] = label_key(inner)
            elif prev_words and _is_acronym(prev_words[-1]) and len(inner.split()) >= 2:
                pairs[label_key(inner)] = label_key(prev_words[-1])
                pairs[label_key(prev_words[-1])] = label_key(prev_words[-1])
    return pairs


_ACRONYM_GLUE = _CONNECTORS | {"et", "and", "pour", "for", "a", "au", "aux", "in", "on"}


def _initials_long_form(words: list[str], acronym: str) -> str:
    """The words before "(ACR)" whose initials spell it, small words aside (after Schwartz
    and Hearst's long-form search): "Institut national supérieur du professorat et de
    l'éducation (INSPÉ)", whatever their case.

    Examples
    --------
    >>> words = "avec l'Institut national supérieur du professorat et de l'éducation".split()
    >>> _initials_long_form(words, "INSPÉ")
    "l'Institut national supérieur du professorat et de l'éducation"
    """
    letters = [c for c in fold(acronym) if c.isalpha()]
    taken: list[str] = []
    for word in reversed(words[-(2 * len(letters) + 3) :]):
        bare = _ELISION.sub("", fold(word))
        if not letters:
            break
        if fold(word) in _ACRONYM_GLUE:
            pass  # small words give no letter: "Direction de l'innovation … (DIPF)"
        elif bare[:1] == letters[-1]:
            letters.pop()
        else:
            return ""
        taken.insert(0, word)
    return " ".join(taken) if not letters else ""


def _is_acronym(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return 2 <= len(letters) <= 7 and sum(c.isupper() for c in letters) >= 2 and " " not in token


def _long_form(words: list[str], acronym: str) -> str:
    """The capitalised run of words just before "(ACR)", at most twice the acronym's length."""
    limit = 2 * len(acronym) + 2
    taken: list[str] = []
    for word in reversed(words[-limit:]):
        if _is_capitalised(word) or fold(word) in _CONNECTORS:
            taken.insert(0, word)
        else:
            break
    while taken and fold(taken[0]) in _CONNECTORS:
        taken.pop(0)
    capitals = [w for w in taken if _is_capitalised(w)]
    return " ".join(taken) if len(capitals) >= 2 else ""


_QUOTED = re.compile(r"[«“\"]\s*([^«»“”\"]{2,60}?)\s*[»”\"]")
_QUOTE_CONTEXT: tuple[tuple[str, str], ...] = (
    (r"\b(?:project|programme|program|projet|dispositif)s?\b", "Programme"),
    (
        r"\b(?:method\w*|methodolog\w*|model\w*|approach\w*|tools?|techniques?|outils?"
        r"|demarches?|approches?|modeles?|platforms?|plateformes?)\b",
        "Method",  # a digital platform is a tool the initiative uses (the schema's Method)
    ),
)
# A web address is a name whatever its case: “demarches-simplifiees.fr”.
_WEB_NAME = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:fr|com|org|net|eu|io|gouv\.fr)$")


def _quoted_names(doc: Document, base: int, text: str) -> list[Mention]:
    """Quoted names such as “SelfData project” or the “Mix” method, typed by nearby words."""
    mentions = []
    for match in _QUOTED.finditer(text):
        inner = match.group(1)
        if not (inner[:1].isupper() or _WEB_NAME.match(inner)) or len(inner.split()) > 6:
            continue
        window = fold(text[max(0, match.start() - 70) : match.end() + 25])
        for pattern, entity_class in _QUOTE_CONTEXT:
            if re.search(pattern, window):
                start, end = match.start(1), match.end(1)
                mentions.append(
                    Mention(
                        doc.doc_id,
                        base + start,
                        base + end,
                        inner,
                        entity_class,
                        label_key(inner),
                        "quoted-name",
                        0.6,
                    )
                )
                break
    return mentions


def _initiatives_of_known_bodies(found: list[Mention], text: str, base: int) -> list[Mention]:
    """ "Lab de Pôle emploi": a lab named after the known body that runs it. The run the
    naming rules found ("Lab de Pôle") stops inside the body's name; the whole is the lab's
    name, so it must not lose to the body's name it contains."""
    initiatives = [
        m for m in found if m.entity_class in {"Lab", "Programme"} and m.rule != "gazetteer"
    ]
    bodies = [
        m for m in found if m.rule == "gazetteer" and m.entity_class not in {"Lab", "Programme"}
    ]
    merged = []
    for lab in initiatives:
        for body in bodies:
            if lab.start < body.start < lab.end < body.end:
                surface = text[lab.start - base : body.end - base]
                merged.append(
                    Mention(
                        lab.doc_id,
                        lab.start,
                        body.end,
                        surface,
                        lab.entity_class,
                        label_key(surface),
                        lab.rule,
                        lab.confidence,
                    )
                )
    return merged


_PARENTHESIS = re.compile(r"\(([^()]{3,160})\)")
_ITEM = re.compile(r"[^,;/]+")
_ITEM_WORDS = re.compile(
    r"^(?:and |et |or |ou )?([a-zà-ÿ][a-zà-ÿ'-]*(?: [a-zà-ÿ][a-zà-ÿ'-]*){0,2})$"
)


def _enumerated_groups(doc: Document, base: int, text: str, found: list[Mention]) -> list[Mention]:
    """The other items of a list of groups in brackets after a group: in "vulnerable people
    (poor, elderly, undergraduate, immigrants…)" elderly and immigrants are known groups,
    so poor and undergraduate are groups of the same list."""
    groups = [m for m in found if m.entity_class == "BeneficiaryGroup"]
    mentions = []
    for match in _PARENTHESIS.finditer(text):
        opening = base + match.start()
        after_group = any(
            m.end <= opening and not text[m.end - base : match.start()].strip() for m in groups
        )
        inside = [m for m in groups if opening < m.start < base + match.end()]
        if not (after_group and inside):
            continue
        for item in _ITEM.finditer(match.group(1)):
            start = match.start(1) + item.start()
            raw = item.group()
            words = _ITEM_WORDS.match(raw.strip(" .…").removesuffix("etc").strip(" .…"))
            if not words or any(
                m.start < base + start + len(raw) and m.end > base + start for m in inside
            ):
                continue
            first = start + raw.index(words.group(1))
            surface = words.group(1)
            mentions.append(
                Mention(
                    doc.doc_id,
                    base + first,
                    base + first + len(surface),
                    surface,
                    "BeneficiaryGroup",
                    label_key(surface),
                    "group-enumeration",
                    0.6,
                )
            )
    return mentions


_GROUP_CUE = re.compile(
    r"\b(?:beneficiar(?:y|ies) (?:are|is|were|was|include|included)|main beneficiaries are"
    r"|(?:aimed at|intended for|targeted at|targets|targeting)"
    r"|beneficiaires (?:sont|etaient)|s'adresse (?:a|aux)|destinee?s? (?:a|aux))\s+"
)
_GROUP_CUE_WORDS = tuple(sorted(required_words(_GROUP_CUE.pattern) or ()))
_GROUP_ITEM = re.compile(
    r"\s*(?:and |or |et |ou |in particular |notamment |such as |including |comme )?"
    r"(?:the |les |des |aux |a |an |la |le |l'|de |du |d')?"
    r"([a-z][a-z'-]+(?: [a-z][a-z'-]+){0,2})"
    r"(?=\s*(?:[,;.:)]|$)|\s+(?:and|or|et|ou|who|that|which|qui|que|dont)\b)"
)
_NOT_GROUPS = frozenset(
    """all both many some several them those everyone everybody people public others tous
    twofold threefold""".split()
)


def _announced_groups(
    doc: Document, base: int, text: str, found: list[Mention], folded: str
) -> list[Mention]:
    """Groups named after a beneficiary cue though the reference data does not know them:
    "Its beneficiaries are federal employees and the veterans who …". The list runs while
    each item is a short lower-case phrase ended by a comma, "and"/"et", "who"/"qui" or
    the sentence's end; it stops at anything else ("minors aged 16 to 18" is no item)."""
    if not any(word in folded for word in _GROUP_CUE_WORDS):
        return []  # the cue regex has no literal start: a scan of every position is slow
    taken = [(m.start - base, m.end - base) for m in found]
    mentions = []
    for cue in _GROUP_CUE.finditer(folded):
        position = cue.end()
        while True:
            item = _GROUP_ITEM.match(folded, position)
            if not item:
                break
            start, end = item.span(1)
            surface = text[start:end]
            first = item.group(1).split()[0]
            if (
                first not in _NOT_GROUPS
                and not first.endswith("ly")  # "potentially all people", not a group
            ) and not any(a < end and b > start for a, b in taken):
                mentions.append(
                    Mention(
                        doc.doc_id,
                        base + start,
                        base + end,
                        surface,
                        "BeneficiaryGroup",
                        label_key(surface),
                        "group-after-cue",
                        0.6,
                    )
                )
            position = item.end()
            separator = re.match(r"\s*(?:,|and\b|or\b|et\b|ou\b)", folded[position:])
            if not separator:
                break
    return mentions


_RULE_PRIORITY = {"gazetteer": 0, "name-head": 1, "person-name": 1, "acronym": 2, "quoted-name": 3}


def _select(candidates: list[Mention]) -> list[Mention]:
    """Keep the best non-overlapping mentions: typed before untyped, longer first, then by
    rule priority (an untyped run "Pays de la Loire et PACA" must not hide two known names)."""
    ordered = sorted(
        candidates,
        key=lambda m: (
            m.entity_class == "?" or m.rule == "gazetteer-in-name",
            -(m.end - m.start),
            _RULE_PRIORITY.get(m.rule, 9),
            m.start,
        ),
    )
    chosen: list[Mention] = []
    for mention in ordered:
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)
