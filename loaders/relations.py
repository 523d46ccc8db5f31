"""Relations from cue phrases, labelled lists and the document's subject, with evidence."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from .model import (
    ACTOR_CLASSES,
    INITIATIVE_CLASSES,
    ORGANISATION_CLASSES,
    Document,
    Entity,
    Evidence,
    Mention,
    Relation,
    Sentence,
)
from .text import fold, required_words

_ORGS = ORGANISATION_CLASSES | INITIATIVE_CLASSES
_PLACE_OR_INITIATIVE = INITIATIVE_CLASSES | {"Place"}
# Which object classes each predicate takes (a Place named as an actor becomes its authority).
OBJECT_CLASSES: dict[str, frozenset[str]] = {
    "fundedBy": ACTOR_CLASSES | {"Place"},
    "foundedBy": ACTOR_CLASSES | {"Place"},
    "operatedBy": ACTOR_CLASSES | {"Place"},
    "hasPartner": ACTOR_CLASSES | {"Place"},
    "hasBeneficiary": frozenset({"BeneficiaryGroup", "Place"}),
    "usesMethod": frozenset({"Method"}),
    "locatedIn": frozenset({"Place"}),
    "inspiredBy": _PLACE_OR_INITIATIVE,
    "diffusedTo": _PLACE_OR_INITIATIVE,
    "memberOf": _ORGS,
    "participatedIn": frozenset({"Event"}),
}
ACTOR_ROLES = frozenset({"fundedBy", "foundedBy", "operatedBy", "hasPartner"})


@dataclass(frozen=True)
class Cue:
    """A phrase announcing a relation: the objects follow it in the sentence."""

    name: str
    predicate: str
    pattern: re.Pattern[str]
    confidence: float
    words: re.Pattern[str]

    def finditer(self, folded: str) -> list[re.Match[str]]:
        """The cue's matches; the regex runs only if one of its words is in the text."""
        if not self.words.search(folded):
            return []
        return list(self.pattern.finditer(folded))


def _cue(name: str, predicate: str, pattern: str, confidence: float = 0.85) -> Cue:
    words = re.compile("|".join(re.escape(w) for w in literal_words(pattern)))
    return Cue(name, predicate, re.compile(pattern), confidence, words)


def literal_words(pattern: str) -> tuple[str, ...]:
    """The words of three letters or more written literally in a regex.

    Every cue alternative contains one, so a sentence holding none of them cannot match and
    the (slow) regex is skipped; a test checks this on the whole corpus.

    Examples
    --------
    >>> literal_words(r"\\b(?:co-?)?(?:funded|led) by\\b")
    ('funded', 'led')
    """
    without_escapes = re.sub(r"\\.", " ", pattern)
    without_lookarounds = re.sub(r"\(\?<?[!=][^)]*\)", " ", without_escapes)
    without_optional = re.sub(r"[a-z'](?:\?|\*|\{0,\d*\})", " ", without_lookarounds)
    return tuple(dict.fromkeys(re.findall(r"[a-z']{3,}", without_optional)))


# Patterns run on folded text (lower case, no accents, straight quotes).
CUES: tuple[Cue, ...] = (
    _cue(
        "funded-by",
        "fundedBy",
        r"\b(?:co-?)?(?:funded|financed|sponsored|subsidi[sz]ed|supported financially)"
        r"(?: \w+)? (?:by|with|thanks to)\b",
    ),
    _cue("supported-by", "fundedBy", r"\b(?:supported|backed) by\b", 0.6),
    _cue(
        "funders-list",
        "fundedBy",
        r"(?<!as )(?<!as a )(?<!as the )\b(?:other |private |public |local )*funders?\b",
    ),
    _cue("funds-from", "fundedBy", r"\b(?:funding|funds|grants?|budget|subsidies) (?:from|of)\b"),
    _cue(
        "finance-par",
        "fundedBy",
        r"\b(?:co-?)?(?:finance|subventionne|soutenu)e?s? (?:\w+ )?par\b|\bfinanceurs?\b"
        r"|\bavec le soutien (?:financier )?(?:de|du|des)\b|\bfinancement (?:de|du|des)\b",
    ),
    _cue(
        "created-by",
        "foundedBy",
        r"\b(?:created|founded|co-?founded|launched|initiated|set up|established|started)"
        r"(?: (?:in|on) [\w ]{1,20}?)? by\b|\bfounders?\b|\bat the initiative of\b"
        r"|\b(?:an|the) initiative of\b",
    ),
    _cue(
        "cree-par",
        "foundedBy",
        r"\b(?:cree|fonde|lance|initie|impulse)e?s? (?:en \d{4} )?par\b|\bfondateurs?\b"
        r"|\ba l'initiative (?:de|du|des)\b|\bune initiative (?:de|du|des)\b",
    ),
    _cue(
        "managed-by",
        "operatedBy",
        r"\b(?:managed|run|operated|led|hosted|coordinated|piloted|carried|driven|steered"
        r"|animated|held|implemented|headed|provided|delivered|organi[sz]ed) by\b"
        r"|\bunder the (?:responsibility|leadership|management|coordination) of\b",
    ),
    _cue(
        "porte-par",
        "operatedBy",
        r"\b(?:porte|pilote|gere|anime|coordonne|mene|propulse|heberge|conduit|organise)e?s? par\b"
        r"|\bsous la (?:responsabilite|direction|houlette|coordination) (?:de|du|des)\b",
    ),
    _cue(
        "within",
        "operatedBy",
        r"\b(?:embarquee?s?|integree?s?|hebergee?s?|embedded|housed|hosted)"
        r" (?:au sein|dans|in|within)"
        r"(?: (?:de|du|des))?\b",
        0.6,
    ),
    _cue(
        "in-partnership-with",
        "hasPartner",
        r"\b(?:in )?partnership with\b|\bin collaboration with\b|\bpartners?\b"
        r"|\bstakeholders? (?:included|include|are|were)\b|\bconnects\b|\binvolves?\b"
        r"|\bwith the support of\b|\bin cooperation with\b"
        r"|\b(?:co-)?developed with\b|\btogether with\b|\bpowered by\b"
        r"|\b(?:works?|worked|working|collaborates?|collaborated) (?:closely )?with\b"
        r"|\b(?:carried out|conducted) with\b",
    ),
    _cue("team-list", "operatedBy", r"\b(?:team|equipe|staff)\s*:", 0.7),
    _cue(
        "en-partenariat-avec",
        "hasPartner",
        r"\ben partenariat avec\b|\bpartenaires?\b|\bassociant\b|\bavec le concours (?:de|du|des)\b"
        r"|\bavec l'appui (?:de|du|des)\b|\ben lien avec\b|\baux cotes (?:de|du|des)\b"
        r"|\b(?:travaille|collabore)(?:nt)? (?:etroitement )?avec\b",
    ),
    _cue(
        "member-of",
        "memberOf",
        r"\bmembers? of\b|\bbelongs? to\b|\bregistered in\b|\bjoined\b"
        r"|\bunder the (?:authority|supervision|tutelage|aegis) of\b"
        r"|\bmembre (?:de|du|des)\b|\bfait partie (?:de|du|des)\b"
        r"|\bsous (?:la tutelle|l'autorite|l'egide) (?:de|du|des)\b",
    ),
    _cue("under", "memberOf", r"\bunder the\b", 0.6),
    _cue(
        "inspired-by",
        "inspiredBy",
        r"\binspired (?:by|from)\b|\bcopied from\b|\bmodell?ed (?:on|after)\b|\bbased on the model"
        r"|\bimported from\b|\badapted from\b|\binspiree?s? (?:de|du|des|par)\b"
        r"|\bsur le modele (?:de|du|des)\b|\bcopiee?s? (?:de|sur)\b",
    ),
    _cue(
        "transferred-to",
        "diffusedTo",
        r"\b(?:transferred|extended|replicated|spread|diffused|disseminated|rolled out|scaled up"
        r"|deployed|exported|generali[sz]ed|expanded|experimented)"
        r" (?:to|in|into|across|at|over|on|throughout)\b"
        r"|\bessaim\w*\b|\b(?:etendue?s?|deployee?s?|transferee?s?|generalisee?s?|diffusee?s?)"
        r" (?:a|dans|en|au|aux|sur)\b"
        r"|\b(?:passer|passe|passent|passant|passe) le relais\b|\bhand(?:ed|s|ing)? over to\b"
        r"|\b(?:used|adopted|taken up|reused|copied) by (?:other |several |many )?(?:\w+ )?"
        r"(?:labs|cities|countries|regions|governments|administrations|municipalities)\b",
    ),
    _cue(
        "diffusion-of",
        "diffusedTo",
        r"\b(?:diffusion|dissemination|scaling up|scale-up|replicat\w+|transfer|spread"
        r"|essaimage|changement d'echelle|duplication)\b",
        0.6,
    ),
    _cue(
        "pilot-sites",
        "diffusedTo",
        r"\bpilot (?:cities|sites|territories|regions|municipalities|areas)\b"
        r"|\b(?:villes|sites|territoires|collectivites|regions) pilotes\b",
        0.7,
    ),
    _cue(
        "targeted-at",
        "hasBeneficiary",
        r"\bbeneficiar(?:y|ies)\b|\btarget(?:s|ed|ing)?\b|\baimed at\b|\bintended for\b"
        r"|\bfor the benefit of\b|\baddress(?:ed|es)\b|\bbeneficiaires?\b|\bpublics? cibles?\b"
        r"|\ba destination (?:de|des|du)\b|\bdestinee?s? (?:a|aux)\b|\bau profit (?:de|des|du)\b",
    ),
    _cue(
        "took-part-in",
        "participatedIn",
        r"\bparticipat(?:ed|ion|es)\b|\btook part\b|\bduring\b|\bparticipe\w*\b"
        r"|\blors (?:de|du|des)\b|\bpendant\b",
    ),
)
# Active voice, actor first: "la 27e Région a mené le programme La Transfo".
ACTIVE_CUES: tuple[Cue, ...] = (
    _cue(
        "actor-founded",
        "foundedBy",
        r"\b(?:created|founded|co-?founded|launched|set up|initiated|established"
        r"|a (?:cree|fonde|lance|initie)|ont (?:cree|fonde|lance|initie)"
        r"|(?:cree|fonde|lance)(?:nt)?)\b",
        0.75,
    ),
    _cue(
        "actor-runs",
        "operatedBy",
        r"\b(?:runs|ran|manages|managed|leads|led|operates|operated|hosts|hosted|coordinates"
        r"|coordinated|conducts|conducted|carries out|carried out|pilots|piloted"
        r"|conduire|conduit|conduisent|mener|porter|piloter|animer"
        r"|a (?:mene|pilote|porte|coordonne|anime|organise)|ont (?:mene|pilote|porte|coordonne)"
        r"|(?:mene|pilote|porte|coordonne|anime)(?:nt)?)\b",
        0.75,
    ),
    _cue(
        "actor-funds",
        "fundedBy",
        r"\b(?:funds|funded|finances|financed|co-?finances|sponsors|sponsored"
        r"|a (?:finance|cofinance|subventionne)|(?:finance|cofinance|subventionne)(?:nt)?)\b",
        0.75,
    ),
)
_METHOD_WORDS = re.compile(
    r"\b(?:methods?|methodolog\w+|tools?|approach\w*|using|uses?|used|thanks to|inspired"
    r"|methodes?|outils?|demarches?|approches?|utilis\w+|grace a)\b"
)
_LOCATION_BEFORE = re.compile(
    r"(?:\b(?:in|at|based in|located in|from|throughout|across|all over|a|en|au|aux|dans|sur"
    r"|near|partout en|dans toute la)\s+(?:the\s+)?)$"
)
_AS_ROLE = re.compile(
    r"^\s*[(,]\s*(?:as|en tant que|comme) (?:a |the |le |la |l')?(?:main |principal )?"
    r"(funder|financeur|founder|fondateur|operator|operateur|architect|architecte|manager"
    r"|coordinator|coordinateur|host|leader|pilot|pilote|porteur|partner|partenaire)s?\b"
)
_ROLE_PREDICATE = {
    "funder": "fundedBy",
    "financeur": "fundedBy",
    "founder": "foundedBy",
    "fondateur": "foundedBy",
    "partner": "hasPartner",
    "partenaire": "hasPartner",
}
_HOSTING = re.compile(
    r"^(?:\s+[\w-]+){0,2}\s*,\s*(?:which is |qui )?"
    r"(?:hosting|running|managing|leading|coordinating|operating|carrying|heberge|porte|pilote|anime|gere|coordonne)\w*\s+(?:this|the|these|ce|cette|le|la)\b"
)
_ANAPHOR = re.compile(
    r"\b(?:the|this|that|these|le|la|ce|cette|l')\s*(?:operation|programme|program|project|projet"
    r"|experiment|experimentation|initiative|scheme|network|dispositif|lab|labo|living lab|method"
    r"|methode|approach|demarche|model|modele)s?\b"
)
_PASSIVE_AFTER = re.compile(r"e?s? (?:par|by)\b")
# English only: a French "Il"/"Elle" is as often a person ("Il rejoint en cela F. Pallez …").
_PRONOUN_START = re.compile(r"^(?:it|its)\b")


def _points_back(folded: str) -> bool:
    """Whether a sentence speaks of an initiative named before: "the programme", "It is
    housed in …"."""
    return bool(_PRONOUN_START.match(folded) or _ANAPHOR.search(folded))


_PARTNER_SECTIONS = re.compile(r"stakeholder|partner|partenaire|acteurs|governance|gouvernance")
_AFFILIATION_GAP = re.compile(r"^\s*(?:[,(]|\bde\b|\bfrom\b|\bof\b|\bdu\b|\bat\b)[^.;]{0,60}$")


@dataclass(frozen=True)
class Resolved:
    """A mention with the entity it resolved to."""

    mention: Mention
    key: str
    entity_class: str


def extract_relations(
    doc: Document,
    resolved: list[Resolved],
    subject: str | None,
) -> list[Relation]:
    """Extract the relations stated in one document.

    Parameters
    ----------
    doc : Document
    resolved : list of Resolved
        The document's mentions in text order, with their entities.
    subject : str or None
        Key of the initiative the document is about; it stands in for "the programme",
        "the Living Lab" and for sentences that name no initiative.

    Returns
    -------
    list of Relation
    """
    relations: list[Relation] = []
    salient = subject
    open_list: _OpenList | None = None  # a "Funders:" label, where it is and how far it goes
    by_sentence = _mentions_by_sentence(doc, resolved)
    folded_doc = fold(doc.text)  # same length: each sentence's folded text is a slice
    for sentence in doc.sentences:
        here = by_sentence.get(sentence.index, [])
        folded = folded_doc[sentence.start : sentence.end]
        # "The operation is co-financed by …" speaks of the initiative last named.
        owner = salient if here and _ANAPHOR.search(folded) else subject
        line = doc.text.rfind("\n", 0, sentence.start)
        # A sentence that names nothing matters only as the label of a list ("Funders:").
        cues = _cue_matches(folded) if here or ":" in folded else []
        item = open_list.item(doc, sentence, line) if open_list else ""
        if item == "inline" and not cues:
            cues = [(0, 0, open_list.cue)]  # "partners: -A -B": the dash items on its line
        elif item == "block":
            cues = [(0, 0, open_list.cue), *cues]  # "Team:" then one item per line
        if here:
            relations.extend(_sentence_relations(doc, sentence, here, owner, cues, folded))
        label = _list_label(sentence.text, cues) or _introducing_label(folded, cues)
        if label:
            block = folded.rstrip().endswith(":")
            open_list = _OpenList(label, line, block, sentence.end)
        elif item == "block":
            open_list = _OpenList(open_list.cue, open_list.line, True, sentence.end)
        elif open_list and open_list.line != line:
            open_list = None
        named = [r.key for r in here if r.entity_class in INITIATIVE_CLASSES]
        salient = named[-1] if named else salient
    return _without_passing_mentions(_without_weak_partners(relations))


_VERB_CUES = frozenset(
    {"funded-by", "finance-par", "created-by", "cree-par", "managed-by", "porte-par"}
)


@dataclass(frozen=True)
class _OpenList:
    """A list label: its cue, the line it sits on, whether it ends its line (then the items
    are the following list lines) and where the list has reached."""

    cue: Cue
    line: int
    block: bool
    reached: int

    def item(self, doc: Document, sentence: Sentence, line: int) -> str:
        """How `sentence` continues the list: "inline", "block" or "" (it does not)."""
        if line == self.line:
            return "inline" if _is_list_item(doc, sentence) else ""
        between = doc.text[self.reached : sentence.start]
        if self.block and "\n" in between and _LIST_GAP.fullmatch(between):
            return "block" if _is_list_item(doc, sentence) else ""
        return ""


_LIST_GAP = re.compile(r"[\s•\-–—*·]*")


def _without_passing_mentions(relations: list[Relation]) -> list[Relation]:
    """Drop a group or method named once in passing ("by students of the university"): kept
    when a cue states it or the document comes back to it."""
    sentences: dict[tuple[str, str, str], set[int]] = {}
    for r in relations:
        sentences.setdefault((r.subject, r.predicate, r.object), set()).add(r.evidence.start)
    return [
        r
        for r in relations
        if r.evidence.rule not in _PASSING_RULES
        or len(sentences[(r.subject, r.predicate, r.object)]) > 1
    ]


_PASSING_RULES = frozenset({"group-mention", "method-mention"})


def _without_weak_partners(relations: list[Relation]) -> list[Relation]:
    """Drop "stakeholder" partnerships of a pair the document gives a sharper role
    (founder, funder, operator): the section heading is weaker evidence than the verb."""
    roles = {
        (r.subject, r.object) for r in relations if r.predicate in ACTOR_ROLES - {"hasPartner"}
    }
    return [
        r
        for r in relations
        if not (r.evidence.rule == "stakeholder-section" and (r.subject, r.object) in roles)
    ]


def _mentions_by_sentence(doc: Document, resolved: list[Resolved]) -> dict[int, list[Resolved]]:
    """Group the document's mentions by the sentence they sit in (both are in text order)."""
    starts = [s.start for s in doc.sentences]
    grouped: dict[int, list[Resolved]] = {}
    for r in resolved:
        index = bisect_right(starts, r.mention.start) - 1
        if index >= 0 and r.mention.start < doc.sentences[index].end:
            grouped.setdefault(doc.sentences[index].index, []).append(r)
    return grouped


def _list_label(text: str, cues: list[tuple[int, int, Cue]]) -> Cue | None:
    """The cue of a labelled list ("Funders: A, B", "partners: – A – B") in a sentence."""
    for start, end, cue in reversed(cues):
        if text[end : end + 3].lstrip().startswith(":") or text[start:end].rstrip().endswith(":"):
            return cue
    return None


def _introducing_label(folded: str, cues: list[tuple[int, int, Cue]]) -> Cue | None:
    """The cue of a sentence that announces a list ("… who ran the programme:", "The lab is
    funded by three partners:"): its one relation cue, or its one active verb of a role."""
    if not folded.rstrip().endswith(":"):
        return None
    # Verbs only: a noun ("… with their partners during two years:") names no list.
    verbs = [cue for _, _, cue in cues if cue.name in _VERB_CUES]
    if len({cue.predicate for cue in verbs}) == 1:
        return verbs[0]
    if verbs:
        return None
    active = [cue for cue in _ACTIVE_INDEX.candidates(folded) if cue.pattern.search(folded)]
    return active[0] if len(active) == 1 else None


def _is_list_item(doc: Document, sentence: Sentence) -> bool:
    before = doc.text[max(0, sentence.start - 3) : sentence.start]
    return bool(re.search(r"[-–•]\s*$", before)) or sentence.text[:1] in "-–•"


def _sentence_relations(
    doc: Document,
    sentence: Sentence,
    here: list[Resolved],
    subject: str | None,
    cues: list[tuple[int, int, Cue]],
    folded: str,
) -> list[Relation]:
    found, claimed = _affiliations(doc, sentence, here, folded)
    found.extend(_qualified_places(doc, sentence, here, folded, claimed))
    found.extend(_belongings(doc, sentence, here, folded, claimed))
    for index, (start, end, cue) in enumerate(cues):
        limit = cues[index + 1][0] if index + 1 < len(cues) else len(folded)
        objects = [
            r
            for r in here
            if end <= r.mention.start - sentence.start < limit
            and r.mention.start not in claimed
            and r.entity_class in OBJECT_CLASSES[cue.predicate]
        ]
        owner = _cue_owner(here, sentence, start, subject, cue)
        named_owner = _owner_after_noun_cue(folded, sentence, end, objects)
        inner_end = -1
        if named_owner:
            # "the private funders of Unis-Cité (e.g. A, B), C": A and B fund Unis-Cité (and,
            # inside a list of the same kind, the initiative too); C is back in the outer list.
            objects = [r for r in objects if r is not named_owner]
            inner_end = _parenthesis_end(folded, named_owner.mention.end - sentence.start)
        outer_same_kind = index > 0 and cues[index - 1][2].predicate == cue.predicate
        for r in objects:
            offset = r.mention.start - sentence.start
            locative = _LOCATION_BEFORE.search(folded[max(0, offset - 40) : offset])
            if r.entity_class == "Place" and locative and cue.predicate in _WHO_NOT_WHERE:
                continue  # "… partners throughout France": where, not who
            predicate = _role_override(folded, r, sentence) or cue.predicate
            owners = [owner]
            if named_owner and offset < inner_end:
                owners = [named_owner.key, owner] if outer_same_kind else [named_owner.key]
            for who in owners:
                found.extend(_relation(doc, sentence, who, predicate, r, cue.name, cue.confidence))
            claimed.add(r.mention.start)
    found.extend(_active_voice(doc, sentence, here, folded, claimed))
    owner = _owner(here, sentence, len(folded), subject)
    owner_named = any(r.key == owner for r in here) or _points_back(folded)
    unclaimed = [r for r in here if r.mention.start not in claimed]
    listed = Counter(r.entity_class for r in unclaimed)
    for r in unclaimed:
        located = _located_organisation(here, r, folded, sentence)
        if located:
            found.extend(_relation(doc, sentence, located, "locatedIn", r, "based-in", 0.7))
            continue
        roles = _default_roles(folded, sentence, r, owner_named, listed[r.entity_class] > 1)
        for predicate, rule, confidence in roles:
            found.extend(_relation(doc, sentence, owner, predicate, r, rule, confidence))
    return found


_WHO_NOT_WHERE = ACTOR_ROLES | {"hasBeneficiary"}
# "other regions in France", "policy labs in Denmark": the place is where those others are.
_OTHER_PLACES = re.compile(
    r"\b(?:regions|cities|countries|territories|towns|municipalities|areas|labs|communes"
    r"|villes|pays|territoires|collectivites|departements|departments|places|sites)"
    r"\s+(?:in|at|en|a|au|aux|dans|sur|of|de|du|des)\s+(?:the\s+)?$"
)
_QUALIFIER_GAP = re.compile(
    r"^\s*\)?\s*,?\s*(?:which is |qui est )?"
    r"(?:(?:based|located|headquartered|basee?s?|situee?s?|implantee?s?|installee?s?)\s+)?"
    r"(?:(?:office|offices|team|lab|unit|programme|program|project|initiative|network|agency"
    r"|headquarters|studio|branch|campus)\s+)?"
    r"(?:in|at|a|au|en|dans|of|de|du|d')\s*(?:the\s+)?$"
)


def _neighbours_joined_by(
    here: list[Resolved], sentence: Sentence, folded: str, gap_pattern: re.Pattern[str]
) -> Iterator[tuple[Resolved, Resolved, str]]:
    """Consecutive mentions of `sentence` and the folded text between them, when it matches."""
    for first, second in pairwise(here):
        gap = folded[first.mention.end - sentence.start : second.mention.start - sentence.start]
        if gap_pattern.match(gap):
            yield first, second, gap


def _qualified_places(
    doc: Document, sentence: Sentence, here: list[Resolved], folded: str, claimed: set[int]
) -> list[Relation]:
    """A place right after what it qualifies: "MindLab in Denmark", "(INSPÉ) de Paris" locate
    the organisation or initiative; "the inhabitants of Mexico City", "les jeunes de PACA"
    only say which group. Either way the place is no object of the sentence's cues.
    """
    found: list[Relation] = []
    for before, place, _ in _neighbours_joined_by(here, sentence, folded, _QUALIFIER_GAP):
        if place.entity_class != "Place" or before.entity_class not in _QUALIFIED:
            continue
        claimed.add(place.mention.start)
        if before.entity_class != "BeneficiaryGroup":
            found.extend(_relation(doc, sentence, before.key, "locatedIn", place, "based-in", 0.7))
    return found


_QUALIFIED = ORGANISATION_CLASSES | INITIATIVE_CLASSES | {"Event", "BeneficiaryGroup"}
_OF_GAP = re.compile(r"^\s*(?:of|de|du|des|d')\s*(?:the\s+|la\s+|l')?$")


def _belongings(
    doc: Document, sentence: Sentence, here: list[Resolved], folded: str, claimed: set[int]
) -> list[Relation]:
    """An initiative or a unit named with its organisation: "le Lab de Pôle emploi", "the
    Booster programme of Unis-Cité" (run by it), "the d.school of Stanford University",
    "le master … de l'Université de Nîmes" (part of it)."""
    found: list[Relation] = []
    for part, whole, _ in _neighbours_joined_by(here, sentence, folded, _OF_GAP):
        if whole.entity_class not in ORGANISATION_CLASSES or part.mention.start in claimed:
            continue
        if part.entity_class in INITIATIVE_CLASSES:
            relation = _relation(doc, sentence, part.key, "operatedBy", whole, "part-of", 0.6)
        elif part.entity_class in ORGANISATION_CLASSES:
            relation = _relation(doc, sentence, part.key, "memberOf", whole, "part-of", 0.6)
        else:
            continue
        found.extend(relation)
        claimed.add(whole.mention.start)
    return found


def _active_voice(
    doc: Document, sentence: Sentence, here: list[Resolved], folded: str, claimed: set[int]
) -> list[Relation]:
    """ACTOR verb INITIATIVE, with nothing named between actor and verb."""
    found: list[Relation] = []
    for cue in _ACTIVE_INDEX.candidates(folded):
        for match in cue.pattern.finditer(folded):
            actors = [r for r in here if r.mention.end - sentence.start <= match.start()]
            after = [r for r in here if r.mention.start - sentence.start >= match.end()]
            if not actors or not after or actors[-1].entity_class not in ACTOR_CLASSES:
                continue
            if _PASSIVE_AFTER.match(folded, match.end()):
                continue  # "financé par …" (folded: "finance par") is the passive voice
            gap = folded[actors[-1].mention.end - sentence.start : match.start()]
            target = after[0]
            between = folded[match.end() : target.mention.start - sentence.start]
            if len(gap) > 25 or len(between) > 40 or target.entity_class not in INITIATIVE_CLASSES:
                continue
            actor = actors[-1]
            found.extend(
                _relation(doc, sentence, target.key, cue.predicate, actor, cue.name, cue.confidence)
            )
            claimed.add(actor.mention.start)
    return found


def _cue_owner(
    here: list[Resolved], sentence: Sentence, before: int, subject: str | None, cue: Cue
) -> str | None:
    """Who a cue speaks of; for "under the authority of" it is the body just named."""
    if cue.predicate == "memberOf":
        named = [
            r for r in here if r.entity_class in _ORGS and r.mention.start - sentence.start < before
        ]
        if named:
            return named[-1].key
    return _owner(here, sentence, before, subject)


_OF = re.compile(r"^\s*(?:of|de|du|des|d')\s*(?:the\s+|la\s+|l')?$")


def _parenthesis_end(folded: str, after: int) -> int:
    """End of the parenthesis opening right after `after`, or of the sentence if none does."""
    opening = folded.find("(", after)
    if opening == -1 or opening - after > 3:
        return len(folded)
    closing = folded.find(")", opening)
    return closing if closing != -1 else len(folded)


def _owner_after_noun_cue(
    folded: str, sentence: Sentence, cue_end: int, objects: list[Resolved]
) -> Resolved | None:
    if not objects or objects[0].entity_class not in _ORGS:
        return None
    gap = folded[cue_end : objects[0].mention.start - sentence.start]
    return objects[0] if _OF.match(gap) else None


_BASED_IN = re.compile(
    r"^\s*,?\s*(?:which is |qui est )?"
    r"(?:based|located|headquartered|basee?s?|situee?s?|implantee?s?)"
    r"\s+(?:in|at|a|en|au|dans)\s+(?:the\s+)?$"
    r"|^\s*,?\s*(?:in|a)\s+$"
)


def _located_organisation(
    here: list[Resolved], place: Resolved, folded: str, sentence: Sentence
) -> str | None:
    """The organisation a place locates: "Invivo Design Studio, basée à Marseille"."""
    if place.entity_class != "Place":
        return None
    before = [r for r in here if r.mention.end <= place.mention.start]
    if not before or before[-1].entity_class not in ORGANISATION_CLASSES:
        return None
    gap = folded[before[-1].mention.end - sentence.start : place.mention.start - sentence.start]
    return before[-1].key if _BASED_IN.match(gap) else None


class CueIndex:
    """Which cues a sentence can match, from the runs of letters it contains.

    Every match of a cue holds one of its `required_words` (three letters or more, else
    all its `literal_words`), and such a word always lies inside one run of ``[a-z']``
    letters of the folded text: so the cues worth running are those with a word inside
    one of the sentence's runs. What each run contains is worked out once per process (a
    text's vocabulary is small), which makes the prefilter one regex pass per sentence
    instead of one search per cue.

    Parameters
    ----------
    cues : tuple of Cue

    Examples
    --------
    >>> names = [c.name for c in CueIndex(CUES).candidates("it was co-financed by the city")]
    >>> "funded-by" in names, "took-part-in" in names
    (True, False)
    """

    _RUN = re.compile(r"[a-z']{3,}")

    def __init__(self, cues: tuple[Cue, ...]) -> None:
        self.cues = cues
        self._words = [
            (w, 1 << i)
            for i, c in enumerate(cues)
            for w in sorted(required_words(c.pattern.pattern) or literal_words(c.pattern.pattern))
        ]
        self._runs: dict[str, int] = {}  # a run of letters → the bits of the cues it may start
        self._lists: dict[int, tuple[Cue, ...]] = {}  # bits → the cues, in declared order

    def _of_run(self, run: str) -> int:
        found = 0
        for word, bit in self._words:
            if word in run:
                found |= bit
        self._runs[run] = found
        return found

    def candidates(self, folded: str) -> tuple[Cue, ...]:
        """The cues whose required words occur in `folded`, in their declared order."""
        known = self._runs.get
        bits = 0
        for run in set(self._RUN.findall(folded)):
            found = known(run)
            bits |= self._of_run(run) if found is None else found
        cues = self._lists.get(bits)
        if cues is None:
            cues = self._lists[bits] = tuple(c for i, c in enumerate(self.cues) if bits >> i & 1)
        return cues


def _cue_matches(folded: str) -> list[tuple[int, int, Cue]]:
    """The cue phrases of a sentence, leftmost-longest and not overlapping."""
    matches = [
        (m.start(), m.end(), cue)
        for cue in _CUE_INDEX.candidates(folded)
        for m in cue.pattern.finditer(folded)
    ]
    matches.sort(key=lambda item: (item[0], -item[1]))
    kept: list[tuple[int, int, Cue]] = []
    for item in matches:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept


def _owner(
    here: list[Resolved], sentence: Sentence, before: int, subject: str | None
) -> str | None:
    """The initiative a cue speaks of: the last one named before it, unless "the lab" or
    "the programme" stands between them (then the one the text is about), else the document's."""
    named = [
        r
        for r in here
        if r.entity_class in INITIATIVE_CLASSES and r.mention.start - sentence.start < before
    ]
    if not named:
        return subject
    between = fold(sentence.text[named[-1].mention.end - sentence.start : before])
    return subject if subject and _ANAPHOR.search(between) else named[-1].key


def _role_override(folded: str, r: Resolved, sentence: Sentence) -> str | None:
    """A role stated right after an actor: "X (as funder)", "X, hosting this network"."""
    after = folded[r.mention.end - sentence.start :]
    match = _AS_ROLE.match(after)
    if match:
        return _ROLE_PREDICATE.get(match.group(1), "operatedBy")
    return "operatedBy" if _HOSTING.match(after) else None


def _default_roles(
    folded: str, sentence: Sentence, r: Resolved, owner_named: bool, listed: bool = False
) -> list[tuple[str, str, float]]:
    """Relations implied without a cue: methods, groups served, places, events, stakeholders."""
    offset = r.mention.start - sentence.start
    override = _role_override(folded, r, sentence)
    if override and r.entity_class in OBJECT_CLASSES[override]:
        return [(override, "as-role", 0.85)]
    if r.entity_class == "Method":
        if _METHOD_WORDS.search(folded):
            return [("usesMethod", "method-cue", 0.7)]
        # A list of methods is a statement of the methods used, not a word in passing.
        return [
            ("usesMethod", "method-list", 0.6) if listed else ("usesMethod", "method-mention", 0.5)
        ]
    if r.entity_class == "BeneficiaryGroup":
        if listed:  # "vulnerable people (poor, elderly, immigrants…)"
            return [("hasBeneficiary", "group-list", 0.6)]
        return [("hasBeneficiary", "group-mention", 0.5)]
    if r.entity_class == "Event":
        return [("participatedIn", "event-mention", 0.5)]
    if (
        r.entity_class == "Place"
        and owner_named  # "à Saint-Etienne" in a sentence about someone else is not a location
        and _LOCATION_BEFORE.search(folded[max(0, offset - 40) : offset])
        and not _OTHER_PLACES.search(folded[max(0, offset - 40) : offset])
    ):
        return [("locatedIn", "in-place", 0.6)]
    if r.entity_class in ACTOR_CLASSES - {"Person"} and _PARTNER_SECTIONS.search(
        fold(sentence.section)
    ):
        return [("hasPartner", "stakeholder-section", 0.5)]
    return []


_LEADER_WORDS = re.compile(
    r"\b(?:director|head|manager|coordinator|leader|directeur|directrice|responsable"
    r"|coordinat\w*|pilote|animat\w*|chef|cheffe|lead)\b"
)
_FOUNDER_WORDS = re.compile(r"\b(?:co-?)?(?:fondat\w*|found\w*)")


def _affiliations(
    doc: Document, sentence: Sentence, here: list[Resolved], folded: str
) -> tuple[list[Relation], set[int]]:
    """A person closely followed by an organisation: "Anna L., de la Région" is a member of
    it; "Romain Thévenet, designer et co-fondateur de La 27e Région" founded it.

    Returns the relations and the start offsets of the organisations they used.
    """
    found: list[Relation] = []
    claimed: set[int] = set()
    for person, nxt, gap in _neighbours_joined_by(here, sentence, folded, _AFFILIATION_GAP):
        if person.entity_class != "Person" or nxt.entity_class not in _ORGS:
            continue
        person_as_object = Resolved(person.mention, person.key, "Person")
        if _FOUNDER_WORDS.search(gap):
            found.extend(
                _relation(
                    doc, sentence, nxt.key, "foundedBy", person_as_object, "person-founder", 0.7
                )
            )
        elif _LEADER_WORDS.search(gap) and nxt.entity_class in INITIATIVE_CLASSES:
            found.extend(
                _relation(
                    doc, sentence, nxt.key, "operatedBy", person_as_object, "person-leads", 0.7
                )
            )
        else:
            found.extend(_relation(doc, sentence, person.key, "memberOf", nxt, "affiliation", 0.6))
        claimed.add(nxt.mention.start)
    return found, claimed


def _relation(
    doc: Document,
    sentence: Sentence,
    owner: str | None,
    predicate: str,
    r: Resolved,
    rule: str,
    confidence: float,
) -> list[Relation]:
    if owner is None or owner == r.key:
        return []
    obj = r.key
    if r.entity_class == "Place" and predicate in ACTOR_ROLES | {"memberOf"}:
        obj = authority_key(r.key)
    evidence = Evidence(
        doc_id=doc.doc_id,
        section=sentence.section,
        start=sentence.start,
        end=sentence.end,
        sentence=sentence.text,
        language=doc.language,
        rule=rule,
        confidence=confidence,
    )
    return [Relation(owner, predicate, obj, evidence)]


def authority_key(place_key: str) -> str:
    """Key of the local authority that governs a place (a city that funds is an actor)."""
    return f"{place_key}#authority"


def authority_entity(place: Entity) -> Entity:
    """The local authority of a place, named like it."""
    return Entity(authority_key(place.key), "LocalAuthority", place.label, place.label_lang)


_CUE_INDEX = CueIndex(CUES)
_ACTIVE_INDEX = CueIndex(ACTIVE_CUES)
