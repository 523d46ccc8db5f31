"""A seeded generator of graphs in the labatlas vocabulary, from 10 thousand to millions of triples.

The graphs have the shape `labatlas build` writes (see graph/rdf.py): one named graph per
source document, every entity typed with its most specific class and labelled in every graph
that mentions it, and every relation as a plain triple, a statement node (`la:Assertion`,
shared by all documents that state the fact) and evidence nodes with sentence, offsets,
section, rule and confidence. What real corpora add at scale is here too:

* heavy-tailed involvement: actors are drawn by a Zipf law, so a few funders and networks are
  involved in thousands of initiatives at a million triples while most actors appear once
  or twice;
* places, methods and beneficiary groups drawn the same way (capitals and design thinking
  are everywhere, most places and methods are rare);
* diffusion links towards a few hub initiatives, memberships of networks, events;
* initiatives described by two or three documents that repeat some facts, so the same
  triple sits in several named graphs (the trap of Oxigraph's union default graph);
* labels with accents, acronyms as alternative labels, a few entities labelled in two
  languages.

The output is N-Quads, one line per quad, written without building a graph in memory.
The same seed and size give the same file, byte for byte.

Run ``python -m labatlas.bench.generator --triples 100000 -o graph.nq``.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240
CACHE_DIR = Path(__file__).resolve().parent / ".cache"

BASE = "https://w3id.org/labatlas/"
LA = "https://w3id.org/labatlas/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
DCTERMS = "http://purl.org/dc/terms/"

# Mean quads per document, measured on generated graphs: sizes the entity pools up front.
_QUADS_PER_DOCUMENT = 190

_SYLLABLES = (
    "ka lo ve ra mi no ta si du re an el or is ul be ga fi po ze "
    "mar tel vin sor dal ker bri nau ost lun"
).split()
_FIRST_NAMES = (
    "Anna Stéphane Zoë José Marta Jonas Ingrid Pedro Amélie Luca Sofía Kasper Hélène Tomás "
    "Nadia Björn Inès Marco Eva Joaquín"
).split()
_METHODS = (
    "design thinking",
    "ethnography",
    "prototyping",
    "co-design",
    "service design",
    "user research",
    "behavioural insights",
    "living lab",
    "hackathon",
    "systems thinking",
    "strategic foresight",
    "data science",
    "randomised controlled trials",
    "participatory budgeting",
    "citizen panels",
    "design fiction",
    "agile development",
    "open data",
    "crowdsourcing",
    "journey mapping",
)
_GROUPS = (
    "civil servants",
    "citizens",
    "young people",
    "elderly people",
    "job seekers",
    "migrants",
    "small businesses",
    "students",
    "patients",
    "farmers",
    "people with disabilities",
    "local elected officials",
)
_ACTOR_CLASSES = (
    ("StateBody", 15),
    ("LocalAuthority", 15),
    ("Association", 14),
    ("Foundation", 8),
    ("Company", 15),
    ("ResearchBody", 12),
    ("Network", 6),
    ("Person", 15),
)
# Which involvement an actor of each class usually has, as (predicate, weight) pairs.
_ROLES: dict[str, tuple[tuple[str, int], ...]] = {
    "StateBody": (("fundedBy", 5), ("foundedBy", 2), ("operatedBy", 2), ("hasPartner", 4)),
    "LocalAuthority": (("fundedBy", 4), ("foundedBy", 2), ("operatedBy", 2), ("hasPartner", 4)),
    "Association": (("operatedBy", 2), ("hasPartner", 6), ("foundedBy", 1)),
    "Foundation": (("fundedBy", 6), ("hasPartner", 3)),
    "Company": (("operatedBy", 2), ("hasPartner", 6)),
    "ResearchBody": (("hasPartner", 7), ("operatedBy", 1), ("foundedBy", 1)),
    "Network": (("hasPartner", 5), ("fundedBy", 1)),
    "Person": (("foundedBy", 6), ("operatedBy", 2), ("hasPartner", 1)),
}
_RULES: dict[str, tuple[str, ...]] = {
    "fundedBy": ("funded-by", "funders-of", "supported-by"),
    "foundedBy": ("created-by", "founded-by"),
    "operatedBy": ("run-by", "hosted-within"),
    "hasPartner": ("partners-list", "works-with", "in-partnership-with"),
    "hasBeneficiary": ("serves", "for-group"),
    "usesMethod": ("uses-method", "method-list"),
    "locatedIn": ("based-in", "located-in"),
    "inspiredBy": ("inspired-by", "modelled-on"),
    "diffusedTo": ("diffused-to", "replicated-in"),
    "memberOf": ("member-of",),
    "participatedIn": ("took-part-in",),
}
_SENTENCES: dict[str, str] = {
    "fundedBy": "{s} is funded by {o}.",
    "foundedBy": "{s} was created by {o} and its founders.",
    "operatedBy": "{s} is run by {o}.",
    "hasPartner": "{s} works in partnership with {o}.",
    "hasBeneficiary": "{s} designs its services for {o}.",
    "usesMethod": "The teams of {s} rely on {o}.",
    "locatedIn": "{s} is based in {o}.",
    "inspiredBy": "{s} was inspired by {o}.",
    "diffusedTo": "The model of {s} travelled to {o}.",
    "memberOf": "{s} is a member of {o}.",
    "participatedIn": "{s} took part in {o}.",
}
_SECTIONS: dict[str, str] = {
    "fundedBy": "Funding",
    "foundedBy": "History",
    "operatedBy": "Governance",
    "hasPartner": "Stakeholders & Beneficiaries",
    "hasBeneficiary": "Stakeholders & Beneficiaries",
    "usesMethod": "Methods",
    "locatedIn": "Overview",
    "inspiredBy": "Diffusion",
    "diffusedTo": "Diffusion",
    "memberOf": "Networks",
    "participatedIn": "Events",
}
_CONFIDENCES = ("0.60", "0.70", "0.75", "0.80", "0.85", "0.90", "0.95")


@dataclass(frozen=True)
class Entity:
    """One generated thing: IRI, most specific class and labels."""

    iri: str
    entity_class: str
    label: str
    lang: str = "en"
    alt_labels: tuple[str, ...] = ()
    second_label: tuple[str, str] | None = None  # (text, language): a label in another language


@dataclass(frozen=True)
class Fact:
    """A relation between two generated entities."""

    subject: Entity
    predicate: str
    object: Entity


@dataclass
class Pool:
    """Entities that are drawn with Zipf weights: the first ones are the popular ones."""

    entities: list[Entity]
    cumulative: list[float] = field(default_factory=list)

    @classmethod
    def zipf(cls, entities: list[Entity], exponent: float) -> Pool:
        weights = itertools.accumulate(
            1.0 / (rank + 1) ** exponent for rank in range(len(entities))
        )
        return cls(entities, list(weights))

    def draw(self, rng: random.Random, count: int) -> list[Entity]:
        """Up to `count` distinct entities, popular ones more likely, in draw order."""
        total = self.cumulative[-1]
        chosen: dict[str, Entity] = {}
        for _ in range(count * 3):
            index = bisect.bisect_left(self.cumulative, rng.random() * total)
            entity = self.entities[min(index, len(self.entities) - 1)]
            chosen.setdefault(entity.iri, entity)
            if len(chosen) == count:
                break
        return list(chosen.values())


@dataclass(frozen=True)
class GeneratedGraph:
    """What a generator run wrote."""

    path: Path
    quads: int
    documents: int
    initiatives: int
    seed: int


class _Names:
    """Unique, pronounceable names from a seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def word(self) -> str:
        count = self.rng.choice((2, 2, 3, 3, 4))
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(count)).capitalize()

    def unique(self, make: Sequence[str], extra: str = "") -> str:
        """A label from one of the `make` templates ({w} is a word), never given before."""
        for attempt in itertools.count():
            template = self.rng.choice(make)
            label = template.format(w=self.word(), v=self.word(), first=self.first())
            if attempt > 20:
                label = f"{label} {attempt}"
            if label not in self.taken:
                self.taken.add(label)
                return label
        raise AssertionError("unreachable")

    def first(self) -> str:
        return self.rng.choice(_FIRST_NAMES)


_TEMPLATES: dict[str, tuple[str, ...]] = {
    "Lab": (
        "{w} Innovation Lab",
        "{w} Lab",
        "Laboratorio {w}",
        "{w} Policy Lab",
        "La Fabrique {w}",
    ),
    "Programme": ("{w} Programme", "Transfo {w}", "{w} Challenge", "{w} Fellowship"),
    "StateBody": ("Ministry of {w}", "{w} Digital Agency", "{w} Treasury", "Caisse {w}"),
    "LocalAuthority": ("Région {w}", "City of {w}", "{w} County Council", "Département {w}"),
    "Association": ("{w} Association", "Collectif {w}", "Friends of {w}"),
    "Foundation": ("Fondation {w}", "{w} Foundation", "{w} Trust"),
    "Company": ("{w} Consulting", "{w} SAS", "{w} Studio", "{w} Labs Ltd"),
    "ResearchBody": ("University of {w}", "{w} Institute", "Université {w}-{v}"),
    "Network": ("{w} Network", "European {w} Network", "Réseau {w}"),
    "Person": ("{first} {w}",),
    "Place": ("{w}", "{w}-sur-Mer", "San {w}", "{w}borg"),
    "Method": ("{w} method", "{w} mapping"),
    "BeneficiaryGroup": ("{w} residents", "{w} entrepreneurs"),
    "Event": ("{w} Summit", "{w} Festival", "{w} Forum"),
}
_KIND = {
    "Lab": "initiative",
    "Programme": "initiative",
    "Place": "place",
    "Method": "method",
    "BeneficiaryGroup": "beneficiary-group",
    "Event": "event",
}


def _slug(label: str) -> str:
    from labatlas.graph.rdf import slugify

    return slugify(label)


def _entity(names: _Names, entity_class: str, label: str | None = None) -> Entity:
    rng = names.rng
    label = label or names.unique(_TEMPLATES[entity_class])
    kind = _KIND.get(entity_class, "actor")
    alt: tuple[str, ...] = ()
    if kind in {"actor", "initiative"} and entity_class != "Person" and rng.random() < 0.3:
        acronym = "".join(w[0] for w in label.split() if w[0].isupper())
        alt = (acronym,) if len(acronym) > 1 else (f"the {label}",)
    lang = (
        "fr" if label.split()[0] in {"Région", "Fondation", "Collectif", "La", "Réseau"} else "en"
    )
    second = None
    if rng.random() < 0.04:
        other = "en" if lang == "fr" else "fr"
        second = (f"{label} ({other.upper()})", other)
    return Entity(f"{BASE}id/{kind}/{_slug(label)}", entity_class, label, lang, alt, second)


def _unique_iris(entities: list[Entity]) -> list[Entity]:
    """Slugs of different labels may clash ("Région X" / "Region X"): suffix the later ones."""
    taken: set[str] = set()
    result = []
    for entity in entities:
        iri, n = entity.iri, 2
        while iri in taken:
            iri, n = f"{entity.iri}-{n}", n + 1
        taken.add(iri)
        result.append(entity if iri == entity.iri else _with_iri(entity, iri))
    return result


def _with_iri(entity: Entity, iri: str) -> Entity:
    return Entity(
        iri, entity.entity_class, entity.label, entity.lang, entity.alt_labels, entity.second_label
    )


@dataclass
class _World:
    """Every entity of a generated graph, in pools sized for the wanted number of quads."""

    initiatives: Pool
    actors: Pool
    networks: Pool
    places: Pool
    methods: Pool
    groups: Pool
    events: Pool


def _world(rng: random.Random, target_quads: int) -> _World:
    names = _Names(rng)
    documents = max(10, target_quads // _QUADS_PER_DOCUMENT)
    n_initiatives = max(8, int(documents / 1.25))
    classes = [c for c, _ in _ACTOR_CLASSES]
    weights = [w for _, w in _ACTOR_CLASSES]
    actor_classes = rng.choices(classes, weights, k=max(20, int(n_initiatives * 2.2)))
    actors = _unique_iris([_entity(names, c) for c in actor_classes])
    initiatives = _unique_iris(
        [
            _entity(names, rng.choice(("Lab", "Lab", "Lab", "Programme")))
            for _ in range(n_initiatives)
        ]
    )
    methods = [_entity(names, "Method", m) for m in _METHODS]
    methods += [_entity(names, "Method") for _ in range(max(0, n_initiatives // 40 - len(methods)))]
    groups = [_entity(names, "BeneficiaryGroup", g) for g in _GROUPS]
    groups += [_entity(names, "BeneficiaryGroup") for _ in range(n_initiatives // 100)]
    places = _unique_iris([_entity(names, "Place") for _ in range(max(20, n_initiatives // 8))])
    events = [_entity(names, "Event") for _ in range(max(10, n_initiatives // 30))]
    return _World(
        initiatives=Pool.zipf(initiatives, 1.1),
        actors=Pool.zipf(actors, 1.1),
        networks=Pool.zipf([a for a in actors if a.entity_class == "Network"], 1.0),
        places=Pool.zipf(places, 1.1),
        methods=Pool.zipf(_unique_iris(methods), 1.0),
        groups=Pool.zipf(_unique_iris(groups), 0.9),
        events=Pool.zipf(_unique_iris(events), 0.8),
    )


def _facts(rng: random.Random, world: _World, initiative: Entity) -> list[Fact]:
    """Everything the documents about one initiative say about it."""
    facts: list[Fact] = []
    involved = world.actors.draw(rng, rng.choice((1, 2, 3, 3, 4, 4, 5, 6, 8, 12)))
    for actor in involved:
        roles = _ROLES[actor.entity_class]
        predicates = rng.choices([p for p, _ in roles], [w for _, w in roles], k=2)
        facts.append(Fact(initiative, predicates[0], actor))
        if predicates[1] != predicates[0] and rng.random() < 0.12:
            facts.append(Fact(initiative, predicates[1], actor))
    for place in world.places.draw(rng, 2 if rng.random() < 0.05 else 1):
        facts.append(Fact(initiative, "locatedIn", place))
    for method in world.methods.draw(rng, rng.choice((0, 1, 1, 2, 3))):
        facts.append(Fact(initiative, "usesMethod", method))
    for group in world.groups.draw(rng, rng.choice((0, 1, 1, 2))):
        facts.append(Fact(initiative, "hasBeneficiary", group))
    facts.extend(_diffusion(rng, world, initiative))
    if world.networks.entities and rng.random() < 0.2:
        facts.append(Fact(initiative, "memberOf", world.networks.draw(rng, 1)[0]))
    if rng.random() < 0.25:
        facts.append(Fact(initiative, "participatedIn", world.events.draw(rng, 1)[0]))
    return facts


def _diffusion(rng: random.Random, world: _World, initiative: Entity) -> list[Fact]:
    facts = []
    if rng.random() < 0.12:
        origin = world.initiatives.draw(rng, 1)[0]
        if origin.iri != initiative.iri:
            facts.append(Fact(initiative, "inspiredBy", origin))
    if rng.random() < 0.08:
        pool = world.initiatives if rng.random() < 0.7 else world.places
        recipient = pool.draw(rng, 1)[0]
        if recipient.iri != initiative.iri:
            facts.append(Fact(initiative, "diffusedTo", recipient))
    return facts


def _iri(value: str) -> str:
    return f"<{value}>"


def _literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{text}"@{lang}'
    if datatype:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def _count(value: int) -> str:
    return _literal(str(value), datatype=XSD + "nonNegativeInteger")


def _assertion_iri(fact: Fact) -> str:
    # The same digest as graph.rdf.assertion_iri, so statement nodes look like a real build's.
    key = f"{fact.subject.iri} {LA}{fact.predicate} {fact.object.iri}"
    return f"{BASE}id/assertion/{hashlib.sha1(key.encode()).hexdigest()[:16]}"


class _Document:
    """The quads of one source document, each written once, in its own named graph."""

    def __init__(self, doc_id: str) -> None:
        self.graph = f"{BASE}graph/doc/{doc_id}"
        self.node = f"{BASE}id/doc/{doc_id}"
        self.lines: dict[str, None] = {}
        self.offset = 0

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.setdefault(f"{_iri(s)} {_iri(p)} {o} {_iri(self.graph)} .\n")

    def entity(self, entity: Entity) -> None:
        self.add(entity.iri, RDF + "type", _iri(LA + entity.entity_class))
        label = _literal(entity.label, entity.lang)
        self.add(entity.iri, RDFS + "label", label)
        self.add(entity.iri, SKOS + "prefLabel", label)
        for alias in entity.alt_labels:
            self.add(entity.iri, SKOS + "altLabel", _literal(alias, entity.lang))
        if entity.second_label:
            self.add(entity.iri, RDFS + "label", _literal(*entity.second_label))

    def fact(self, fact: Fact, rule: str, confidence: str) -> None:
        s, o = fact.subject.iri, fact.object.iri
        predicate = LA + fact.predicate
        sentence = _SENTENCES[fact.predicate].format(s=fact.subject.label, o=fact.object.label)
        start, end = self.offset, self.offset + len(sentence)
        self.offset = end + 1
        statement = _assertion_iri(fact)
        evidence = f"{self.node.replace('/id/doc/', '/id/evidence/')}/{start}-{end}/{rule}"
        rule_iri = f"{BASE}id/rule/{rule}"
        self.add(s, predicate, _iri(o))
        self.add(statement, RDF + "type", _iri(LA + "Assertion"))
        self.add(statement, RDF + "subject", _iri(s))
        self.add(statement, RDF + "predicate", _iri(predicate))
        self.add(statement, RDF + "object", _iri(o))
        self.add(statement, PROV + "wasDerivedFrom", _iri(evidence))
        self.add(evidence, RDF + "type", _iri(LA + "Evidence"))
        self.add(evidence, PROV + "wasQuotedFrom", _iri(self.node))
        self.add(evidence, NIF + "referenceContext", _iri(self.node))
        self.add(evidence, NIF + "beginIndex", _count(start))
        self.add(evidence, NIF + "endIndex", _count(end))
        self.add(evidence, NIF + "anchorOf", _literal(sentence, "en"))
        self.add(evidence, LA + "section", _literal(_SECTIONS[fact.predicate]))
        self.add(evidence, LA + "rule", _iri(rule_iri))
        self.add(evidence, LA + "confidence", _literal(confidence, datatype=XSD + "decimal"))
        self.add(rule_iri, RDF + "type", _iri(LA + "ExtractionRule"))
        self.add(rule_iri, RDFS + "label", _literal(rule))


def _document_lines(
    rng: random.Random, initiative: Entity, facts: list[Fact], number: int, part: int
) -> list[str]:
    digest = hashlib.sha1(initiative.iri.encode()).hexdigest()[:16]
    doc = _Document(f"{number:03d}-{digest}-{part:02d}")
    first_line = rng.randint(1, 400)
    doc.add(doc.node, RDF + "type", _iri(LA + "SourceDocument"))
    doc.add(doc.node, RDF + "type", _iri(NIF + "Context"))
    doc.add(doc.node, DCTERMS + "title", _literal(f"{initiative.label}: case study {part}", "en"))
    doc.add(doc.node, DCTERMS + "language", _literal("en"))
    doc.add(doc.node, LA + "sourceFile", _literal(f"{number:03d}_{digest}.txt"))
    doc.add(doc.node, LA + "firstLine", _count(first_line))
    doc.add(doc.node, LA + "lastLine", _count(first_line + rng.randint(10, 90)))
    sha = hashlib.sha256(f"{digest}-{part}".encode()).hexdigest()
    doc.add(doc.node, LA + "sha256", _literal(sha))
    doc.add(doc.node, DCTERMS + "subject", _iri(initiative.iri))
    for fact in facts:
        doc.entity(fact.subject)
        doc.entity(fact.object)
        rules = _RULES[fact.predicate]
        for rule in rng.sample(rules, min(len(rules), 2 if rng.random() < 0.15 else 1)):
            doc.fact(fact, rule, rng.choice(_CONFIDENCES))
    return list(doc.lines)


def _documents_of(rng: random.Random, facts: list[Fact]) -> list[list[Fact]]:
    """Split an initiative's facts over one to three documents; later ones repeat some."""
    count = rng.choices((1, 2, 3), (80, 16, 4))[0]
    parts = [facts]
    for _ in range(count - 1):
        repeated = [f for f in facts if rng.random() < 0.5]
        parts.append(repeated or facts[:1])
    return parts


def generate(target_quads: int, seed: int = DEFAULT_SEED) -> Iterator[str]:
    """Yield N-Quads lines of a labatlas-shaped graph of about `target_quads` quads.

    Documents are written until the count reaches `target_quads`; the last document may
    overshoot it by a few hundred quads.

    Parameters
    ----------
    target_quads : int
    seed : int

    Yields
    ------
    str
        One N-Quads line, newline included.

    Examples
    --------
    >>> lines = list(generate(2000, seed=1))
    >>> 2000 <= len(lines) < 3000
    True
    >>> lines == list(generate(2000, seed=1))
    True
    """
    rng = random.Random(seed)
    world = _world(rng, target_quads)
    written = 0
    for number in itertools.count():
        initiative = world.initiatives.entities[number % len(world.initiatives.entities)]
        facts = _facts(rng, world, initiative)
        for part, doc_facts in enumerate(_documents_of(rng, facts), start=1):
            lines = _document_lines(rng, initiative, doc_facts, number, part)
            yield from lines
            written += len(lines)
        if written >= target_quads:
            return


def write_graph(path: Path, target_quads: int, seed: int = DEFAULT_SEED) -> GeneratedGraph:
    """Write a generated graph to `path` as N-Quads (the file appears only when complete).

    Parameters
    ----------
    path : Path
    target_quads : int
    seed : int

    Returns
    -------
    GeneratedGraph
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    quads, documents, initiatives = 0, 0, set()
    subject = f" <{DCTERMS}subject> "
    with partial.open("w", encoding="utf-8", newline="\n") as handle:
        for line in generate(target_quads, seed):
            handle.write(line)
            quads += 1
            if subject in line:  # one per document: its subject initiative
                documents += 1
                initiatives.add(line.split(subject, 1)[1].split(" ", 1)[0])
    os.replace(partial, path)
    return GeneratedGraph(path, quads, documents, len(initiatives), seed)


def cached_graph(target_quads: int, seed: int = DEFAULT_SEED, cache_dir: Path = CACHE_DIR) -> Path:
    """Return the generated graph file for this size and seed, generating it once.

    The file name carries the generator version, so a change of the generator never
    reuses a stale file.
    """
    path = cache_dir / f"labatlas-{target_quads}-seed{seed}-v{GENERATOR_VERSION}.nq"
    if not path.exists():
        write_graph(path, target_quads, seed)
    return path


def main(argv: list[str] | None = None) -> None:
    """Command line: write one generated graph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, required=True, help="about how many quads")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("-o", "--output", type=Path, required=True, help="N-Quads file to write")
    args = parser.parse_args(argv)
    graph = write_graph(args.output, args.triples, args.seed)
    print(
        f"wrote {graph.quads} quads, {graph.documents} documents about "
        f"{graph.initiatives} initiatives to {graph.path}"
    )


if __name__ == "__main__":
    main()
