"""What a researcher checks first in the graph of the bundled corpus."""

from __future__ import annotations

from labatlas.loaders.model import Extraction
from labatlas.loaders.text import label_key
from labatlas.queries import find_entity, load_query, run_query


def _key(extraction: Extraction, name: str) -> str:
    found = [
        k
        for k, e in extraction.entities.items()
        if label_key(name)
        in {label_key(e.label)} | {label_key(a) for v in e.alt_labels.values() for a in v}
    ]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def _facts(extraction: Extraction) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in extraction.relations}


def test_siilab_document_is_about_siilab_founded_by_the_drjscs(extraction: Extraction) -> None:
    siilab, drjscs = _key(extraction, "SIILAB"), _key(extraction, "DRJSCS")
    siilab_docs = [d for d in extraction.documents if "The SIILAB was created" in d.text]
    assert len(siilab_docs) == 2  # the case in 000 and its duplicate 001
    assert all(extraction.subjects[d.doc_id] == siilab for d in siilab_docs)
    assert (siilab, "foundedBy", drjscs) in _facts(extraction)
    assert extraction.entities[drjscs].entity_class == "StateBody"


def test_melting_potes_and_booster_are_operated_by_unis_cite(extraction: Extraction) -> None:
    unis_cite = _key(extraction, "Unis-Cité")
    assert extraction.entities[unis_cite].entity_class == "Association"
    facts = _facts(extraction)
    for name in ("Melting Potes", "Booster"):
        assert (_key(extraction, name), "operatedBy", unis_cite) in facts, name


def test_la_transfo_is_tied_to_bloomberg_philanthropies(extraction: Extraction) -> None:
    transfo = _key(extraction, "La Transfo")
    bloomberg = _key(extraction, "Bloomberg Philanthropies")
    assert extraction.entities[bloomberg].entity_class == "Foundation"
    tied = {(s, o) for s, _, o in _facts(extraction)}
    assert (transfo, bloomberg) in tied


def test_spelling_variants_resolve_to_one_entity(extraction: Extraction) -> None:
    unis_cite = extraction.entities[_key(extraction, "Unis-Cité")]
    aliases = {a for v in unis_cite.alt_labels.values() for a in v} | {unis_cite.label}
    assert {"Unis-Cité", "Unis-cité"} <= aliases
    region = extraction.entities[_key(extraction, "La 27e Région")]
    aliases = {label_key(a) for v in region.alt_labels.values() for a in v}
    assert label_key("27th Region") in aliases


def test_shared_partners_names_each_expected_partner_once(store) -> None:
    result = run_query(store, load_query("shared-partners"))
    actors = [row[result.columns.index("actor")] for row in result.rows]
    for expected in ("Unis-Cité", "DRJSCS", "La 27e Région", "27th Region", "Unis-cité"):
        assert actors.count(find_entity(store, expected)) == 1, expected


def test_cue_prefilter_never_hides_a_match(extraction: Extraction) -> None:
    from labatlas.loaders.relations import ACTIVE_CUES, CUES, CueIndex
    from labatlas.loaders.text import fold

    sentences = [fold(s.text) for d in extraction.documents for s in d.sentences]
    sentences.append("the lab was co-financed by the city and run in partenariat with it")
    indexes = CueIndex(CUES), CueIndex(ACTIVE_CUES)
    for sentence in sentences:
        candidates = {c.name for index in indexes for c in index.candidates(sentence)}
        for cue in CUES + ACTIVE_CUES:
            full = [m.span() for m in cue.pattern.finditer(sentence)]
            assert [m.span() for m in cue.finditer(sentence)] == full, (cue.name, sentence)
            assert not full or cue.name in candidates, (cue.name, sentence)


def test_general_patterns_on_a_text_outside_the_corpus() -> None:
    """A case written for this test (not from the corpus): the rules must carry over."""
    from pathlib import Path

    from labatlas.loaders.pipeline import extract_corpus

    text = Path(__file__).parents[1] / "data" / "texts" / "gironde-case.txt"
    ex = extract_corpus([text])
    labels = {k: e.label for k, e in ex.entities.items()}
    facts = {(labels[r.subject], r.predicate, labels[r.object]) for r in ex.relations}
    lab = "Lab Civique de Gironde"
    assert ex.entities[next(k for k, v in labels.items() if v == lab)].entity_class == "Lab"
    assert {
        (lab, "foundedBy", "Ville de Bordeaux"),
        (lab, "fundedBy", "European Regional Development Fund"),
        (lab, "hasPartner", "Université de Bordeaux"),
        (lab, "usesMethod", "design thinking"),
        (lab, "hasBeneficiary", "jobseekers"),
        (lab, "inspiredBy", "MindLab"),
        (lab, "diffusedTo", "Toulouse"),
        (lab, "operatedBy", "Marie Dupont"),
    } <= facts


FRENCH_POST = """mai 3 2019

Le Lab des Possibles, un an après

Billet publié par Léa B.

Ouvert en 2018 à Brest, le Lab des Possibles est porté par la Direction de l'innovation \
publique du Finistère (DIPF) et financé par la Fondation de France. Ses bénéficiaires sont \
les aidants familiaux et les agents d'accueil.

Cette année, voici l'équipe qui a animé le Lab des Possibles :

  • Hugo Martin, designer de l'agence Les Fabricants
  • Léa Bernard, sociologue
"""


def test_how_french_posts_are_written(tmp_path) -> None:
    """A post invented for this test: names in sentence case and their acronym, groups the
    reference data does not know, a list of people announced by a verb and a colon."""
    from labatlas.loaders.pipeline import extract_corpus

    path = tmp_path / "post.txt"
    path.write_text(FRENCH_POST, encoding="utf-8")
    ex = extract_corpus([path])
    names = {
        k: {e.label} | {a for v in e.alt_labels.values() for a in v} for k, e in ex.entities.items()
    }
    facts = {
        (ex.entities[r.subject].label, r.predicate, a)
        for r in ex.relations
        for a in names[r.object]
    }
    lab = "Lab des Possibles"
    assert {
        (lab, "operatedBy", "DIPF"),
        (lab, "operatedBy", "Direction de l'innovation publique du Finistère"),
        (lab, "fundedBy", "Fondation de France"),
        (lab, "locatedIn", "Brest"),
        (lab, "hasBeneficiary", "agents d'accueil"),
        (lab, "operatedBy", "Hugo Martin"),
        (lab, "operatedBy", "Léa Bernard"),
        ("Hugo Martin", "memberOf", "Les Fabricants"),
    } <= facts
    assert ex.entities[next(k for k, v in names.items() if "Les Fabricants" in v)].entity_class == (
        "Company"
    )
