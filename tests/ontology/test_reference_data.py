"""Checks on the reference gazetteer in ontology/reference/*.csv.

The gazetteer is hand-curated general knowledge of the field (actors, initiatives,
places, methods, beneficiary groups, events). These tests keep it well-formed and,
above all, unambiguous: a surface form (label or alt label) must point to a single
entity once case, accents, apostrophes and a leading article are folded away, because
the matcher folds text the same way before looking names up.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "ontology" / "reference"

HEADER = ["id", "class", "label", "lang", "alt_labels", "wikidata"]

CLASSES = {
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
}

# Classes each file may hold, and the smallest row count that still means "broad coverage".
FILES = {
    "actors.csv": (CLASSES - {"Place", "BeneficiaryGroup", "Method", "Event"}, 400),
    "initiatives.csv": ({"Lab", "Programme"}, 60),
    "places.csv": ({"Place"}, 350),
    "methods.csv": ({"Method"}, 60),
    "beneficiary_groups.csv": ({"BeneficiaryGroup"}, 40),
    "events.csv": ({"Event"}, 25),
}

LANGS = {"en", "fr"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID_RE = re.compile(r"^Q\d+$")
ALT_RE = re.compile(r"^(?P<text>[^@]+?)(?:@(?P<lang>[A-Za-z-]+))?$")
# Same leading articles and possessive as loaders.text.label_key, the key names are merged on.
LEADING_ARTICLE_RE = re.compile(r"^(?:(?:the|a|an|la|le|les|un|une|des|du|de la)\s+|l'|de l')")
POSSESSIVE_RE = re.compile(r"(?:'s|s')$")

# Surface forms that are ordinary words (or pronouns) in English or French: as a label
# or an alt label they would match almost any text once the matcher folds case. The
# matcher compares all-capital acronyms case-exactly ("WHO", "UN", "MAP"), so those are
# allowed; a name of one or two tokens needs a capital in the text, which is why place
# names such as "Nord" or "Lot" are fine while capitalised common words are not (sentence
# starts, "the State", "Région" in French).
GENERIC_FORMS = {
    "state",
    "government",
    "region",
    "agency",
    "city",
    "ministry",
    "department",
    "council",
    "etat",
    "gouvernement",
    "agence",
    "ville",
    "ministere",
    "departement",
    "conseil",
    "administration",
    "lab",
    "labo",
    "laboratoire",
    "programme",
    "program",
    "network",
    "reseau",
    "fondation",
    "foundation",
    "association",
    "university",
    "universite",
    "us",
    "un",
    "une",
    "who",
    "has",
    "bit",
    "six",
    "face",
    "map",
    "total",
    "leader",
    "men",
    "eye",
    "sip",
    "ce",
    "les",
    "la",
    "le",
    "the",
    "a",
    "on",
    "it",
    "centre",
    "reunion",
    "mars",
    "agile",
    "evaluation",
    "workshop",
    "atelier",
    "ateliers",
    "design",
    "innovation",
    "public",
    "users",
    "user",
    "make sense",
    "lift",
    # homonyms of other well-known names: a president's surname, a historic province
    "hollande",
    "dauphine",
}
# "users" is fine as the preferred label of the beneficiary group of that name, nowhere else.
GENERIC_LABEL_EXCEPTIONS = {"users"}


def fold(text: str) -> str:
    """Case, accent, apostrophe and whitespace folding (what the matcher ignores)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.casefold()).strip()


def fold_article(text: str) -> str:
    """fold() plus removal of a leading article and possessive, like label_key()."""
    key = LEADING_ARTICLE_RE.sub("", fold(text).replace('"', " "), count=1).strip(" .,;:-'")
    return POSSESSIVE_RE.sub("", key).strip()


def is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def split_alts(value: str) -> list[tuple[str, str | None]]:
    if not value:
        return []
    out = []
    for raw in value.split("|"):
        m = ALT_RE.match(raw)
        assert m is not None, f"unparsable alt label {raw!r}"
        out.append((m.group("text"), m.group("lang")))
    return out


def load(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = []
        for lineno, values in enumerate(reader, start=2):
            assert len(values) == len(header), f"{name}:{lineno}: {len(values)} fields"
            rows.append(dict(zip(header, values, strict=True), _file=name, _line=str(lineno)))
    return header, rows


@pytest.fixture(scope="module")
def tables() -> dict[str, list[dict[str, str]]]:
    return {name: load(name)[1] for name in FILES}


@pytest.fixture(scope="module")
def all_rows(tables) -> list[dict[str, str]]:
    return [row for rows in tables.values() for row in rows]


def where(row: dict[str, str]) -> str:
    return f"{row['_file']}:{row['_line']} ({row['id']})"


@pytest.mark.parametrize("name", sorted(FILES))
def test_file_exists_is_utf8_and_has_exact_header(name):
    path = REFERENCE_DIR / name
    assert path.is_file(), f"missing {path}"
    path.read_bytes().decode("utf-8")  # raises if not UTF-8
    header, _ = load(name)
    assert header == HEADER


@pytest.mark.parametrize("name", sorted(FILES))
def test_minimum_row_count(tables, name):
    minimum = FILES[name][1]
    assert len(tables[name]) >= minimum, f"{name}: {len(tables[name])} rows < {minimum}"


@pytest.mark.parametrize("name", sorted(FILES))
def test_classes_are_valid_for_their_file(tables, name):
    allowed = FILES[name][0]
    bad = [f"{where(r)}: {r['class']!r}" for r in tables[name] if r["class"] not in allowed]
    assert not bad, "\n".join(bad)


def test_ids_are_slugs_and_unique_across_files(all_rows):
    bad = [where(r) for r in all_rows if not ID_RE.match(r["id"])]
    assert not bad, "ids must be lowercase ascii slugs:\n" + "\n".join(bad)
    seen: dict[str, str] = {}
    dupes = []
    for r in all_rows:
        if r["id"] in seen:
            dupes.append(f"{r['id']}: {seen[r['id']]} and {where(r)}")
        seen.setdefault(r["id"], where(r))
    assert not dupes, "duplicate ids:\n" + "\n".join(dupes)


def test_labels_are_present_and_trimmed(all_rows):
    bad = []
    for r in all_rows:
        for field in ("id", "class", "label", "lang"):
            if not r[field].strip():
                bad.append(f"{where(r)}: empty {field}")
        for field in HEADER:
            if r[field] != r[field].strip():
                bad.append(f"{where(r)}: surrounding whitespace in {field}")
    assert not bad, "\n".join(bad)


def test_langs_are_valid(all_rows):
    bad = [f"{where(r)}: {r['lang']!r}" for r in all_rows if r["lang"] not in LANGS]
    assert not bad, "\n".join(bad)


def test_alt_labels_are_well_formed(all_rows):
    bad = []
    for r in all_rows:
        if (
            r["alt_labels"].startswith("|")
            or r["alt_labels"].endswith("|")
            or "||" in r["alt_labels"]
        ):
            bad.append(f"{where(r)}: empty alt label")
            continue
        for text, lang in split_alts(r["alt_labels"]):
            if lang is not None and lang not in LANGS:
                bad.append(f"{where(r)}: alt {text!r} has language @{lang}")
            if text != text.strip() or not text.strip():
                bad.append(f"{where(r)}: alt {text!r} is empty or padded")
    assert not bad, "\n".join(bad)


def test_no_redundant_variants_within_an_entity(all_rows):
    """No alt label that only differs from another form of the same entity by case/accents."""
    bad = []
    for r in all_rows:
        forms = [r["label"]] + [t for t, _ in split_alts(r["alt_labels"])]
        seen: dict[str, str] = {}
        for form in forms:
            key = fold(form)
            if key in seen:
                bad.append(f"{where(r)}: {form!r} duplicates {seen[key]!r}")
            seen.setdefault(key, form)
    assert not bad, "\n".join(bad)


def test_no_surface_form_shared_by_two_entities(all_rows):
    """A label or alt label must name one entity only, after case/accent/article folding.

    There is deliberately no allow-list: genuinely ambiguous short forms (e.g. a CNAM
    that is both a university and a health-insurance fund) are given to one entity only
    and left out of the other.
    """
    owners: dict[str, set[str]] = defaultdict(set)
    examples: dict[str, list[str]] = defaultdict(list)
    for r in all_rows:
        forms = [r["label"]] + [t for t, _ in split_alts(r["alt_labels"])]
        for form in forms:
            key = fold_article(form)
            if r["id"] not in owners[key]:
                owners[key].add(r["id"])
                examples[key].append(f"{form!r} in {where(r)}")
    clashes = [
        f"{key!r}: " + "; ".join(examples[key]) for key, ids in owners.items() if len(ids) > 1
    ]
    assert not clashes, "surface forms shared by several entities:\n" + "\n".join(sorted(clashes))


def test_no_generic_words_as_surface_forms(all_rows):
    bad = []
    for r in all_rows:
        forms = [("label", r["label"])] + [("alt", t) for t, _ in split_alts(r["alt_labels"])]
        for kind, form in forms:
            key = fold_article(form)
            if is_acronym(form):
                continue  # matched case-exactly by the gazetteer
            if key in GENERIC_FORMS and not (kind == "label" and key in GENERIC_LABEL_EXCEPTIONS):
                bad.append(f"{where(r)}: {kind} {form!r} is a generic word")
    assert not bad, "\n".join(bad)


def test_wikidata_ids_are_well_formed_and_unique(all_rows):
    bad = [
        f"{where(r)}: {r['wikidata']!r}"
        for r in all_rows
        if r["wikidata"] and not QID_RE.match(r["wikidata"])
    ]
    assert not bad, "\n".join(bad)
    seen: dict[str, str] = {}
    dupes = []
    for r in all_rows:
        q = r["wikidata"]
        if q and q in seen:
            dupes.append(f"{q}: {seen[q]} and {where(r)}")
        if q:
            seen.setdefault(q, where(r))
    assert not dupes, "one Wikidata item used for two entities:\n" + "\n".join(dupes)


def test_french_regions_and_departements_are_covered(tables):
    """Spot checks that the territorial backbone is complete, not a sample."""
    place_ids = {r["id"] for r in tables["places.csv"]}
    regions = {
        "auvergne-rhone-alpes",
        "bourgogne-franche-comte",
        "bretagne",
        "centre-val-de-loire",
        "corse",
        "grand-est",
        "hauts-de-france",
        "ile-de-france",
        "normandie",
        "nouvelle-aquitaine",
        "occitanie",
        "pays-de-la-loire",
        "provence-alpes-cote-d-azur",
        "guadeloupe",
        "martinique",
        "guyane",
        "la-reunion",
        "mayotte",
    }
    assert regions <= place_ids, sorted(regions - place_ids)
    actor_ids = {r["id"] for r in tables["actors.csv"]}
    assert {
        "region-" + s for s in regions - {"corse", "martinique", "guyane", "mayotte", "la-reunion"}
    } <= actor_ids
    departement_councils = [i for i in actor_ids if i.startswith("cd-")]
    assert len(departement_councils) >= 95


def test_key_field_actors_and_their_variants_resolve(all_rows):
    """The forms the project's users rely on must resolve to the expected entity."""
    index: dict[str, str] = {}
    for r in all_rows:
        for form in [r["label"]] + [t for t, _ in split_alts(r["alt_labels"])]:
            index.setdefault(fold_article(form), r["id"])
    expected = {
        "La 27e Région": "la-27e-region",
        "27th Region": "la-27e-region",
        "La 27ème Région": "la-27e-region",
        "DRJSCS": "drjscs",
        "Regional Directorate of Youth, Sports and Social Cohesion": "drjscs",
        "Unis-Cité": "unis-cite",
        "PACA": "provence-alpes-cote-d-azur",
        "Région Sud": "region-provence-alpes-cote-d-azur",
        "Grand Lyon": "metropole-de-lyon",
        "MEL": "metropole-europeenne-de-lille",
        "Pôle emploi": "france-travail",
        "FSE": "esf",
        "FEDER": "erdf",
        "TZCLD": "territoires-zero-chomeur",
        "Marseilles": "marseille",
        "co-conception": "co-design",
        "décrocheurs scolaires": "school-dropouts",
    }
    wrong = {
        form: (index.get(fold_article(form)), want)
        for form, want in expected.items()
        if index.get(fold_article(form)) != want
    }
    assert not wrong, wrong
