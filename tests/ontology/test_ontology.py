"""Tests of the labatlas ontology files and of HermiT consistency checking (real Java, no mocks)."""

from __future__ import annotations

import doctest
import importlib
from io import BytesIO
from pathlib import Path

import owlready2
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from labatlas.ontology import (
    LA,
    ONTOLOGY_IRI,
    ConsistencyReport,
    align_path,
    check_consistency,
    load_ontology,
    ontology_path,
    plain_triples,
)

la = Namespace(LA)
ID = "https://w3id.org/labatlas/id/"
ONTO = URIRef(ONTOLOGY_IRI)

CONTRACT_CLASSES = [
    "Initiative", "Lab", "Programme", "Actor", "PublicBody", "LocalAuthority", "StateBody",
    "Association", "Foundation", "Company", "ResearchBody", "Network", "Person", "Place",
    "BeneficiaryGroup", "Method", "Event", "Funder", "Assertion", "Evidence", "SourceDocument",
    "ExtractionRule",
]  # fmt: skip
LEAF_CLASSES = [
    "Lab", "Programme", "LocalAuthority", "StateBody", "Association", "Foundation", "Company",
    "ResearchBody", "Network", "Person", "Place", "BeneficiaryGroup", "Method", "Event",
]  # fmt: skip
RELATIONS = [
    "fundedBy", "foundedBy", "operatedBy", "hasPartner", "hasBeneficiary", "usesMethod",
    "locatedIn", "inspiredBy", "diffusedTo", "memberOf", "participatedIn", "subOrganizationOf",
]  # fmt: skip


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return load_ontology()


def _la_terms(g: rdflib.Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {
        s
        for kind in kinds
        for s in g.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(LA)
    }


def _langs(g: rdflib.Graph, s: URIRef, p: URIRef) -> set[str | None]:
    return {o.language for o in g.objects(s, p) if isinstance(o, Literal)}


def _individual(kind: str, slug: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug}")


# ---------------------------------------------------------------------------------------------
# Files and parsing
# ---------------------------------------------------------------------------------------------


def test_paths_point_at_the_files_next_to_the_package() -> None:
    package_dir = Path(importlib.import_module("labatlas.ontology").__file__).parent
    assert ontology_path() == package_dir / "labatlas.ttl"
    assert ontology_path().is_file()
    assert align_path() == package_dir / "align.ttl"
    assert align_path().is_file()


def test_header(onto: rdflib.Graph) -> None:
    assert (ONTO, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTO, OWL.versionIRI) == URIRef("https://w3id.org/labatlas/ontology/0.1.0")
    assert str(onto.value(ONTO, OWL.versionInfo)) == "0.1.0"
    assert {"en", "fr"} <= _langs(onto, ONTO, DCTERMS.title)
    assert {"en", "fr"} <= _langs(onto, ONTO, DCTERMS.description)
    assert onto.value(ONTO, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    creator = onto.value(ONTO, DCTERMS.creator)
    assert "labatlas contributors" in {str(o) for o in onto.objects(creator, None)} | {str(creator)}
    vann = Namespace("http://purl.org/vocab/vann/")
    assert str(onto.value(ONTO, vann.preferredNamespacePrefix)) == "la"


def test_no_imports_in_either_file(onto: rdflib.Graph) -> None:
    align = rdflib.Graph().parse(align_path(), format="turtle")
    assert not list(onto.triples((None, OWL.imports, None)))
    assert not list(align.triples((None, OWL.imports, None)))


def test_ontology_loads_in_owlready2_via_ntriples(onto: rdflib.Graph) -> None:
    world = owlready2.World()
    try:
        nt = onto.serialize(format="nt", encoding="utf-8")
        o = world.get_ontology(ONTOLOGY_IRI).load(fileobj=BytesIO(nt), format="ntriples")
        assert o.base_iri == LA
        assert o.Initiative in o.Lab.is_a
        assert o.PublicBody in o.LocalAuthority.is_a
        assert o.funds in [o.fundedBy.inverse_property]
        assert len(o.Funder.equivalent_to) == 1
        for name in CONTRACT_CLASSES:
            assert world[LA + name] is not None, name
        for name in RELATIONS:
            assert isinstance(world[LA + name], owlready2.ObjectPropertyClass), name
    finally:
        world.close()


# ---------------------------------------------------------------------------------------------
# Vocabulary contract
# ---------------------------------------------------------------------------------------------


def test_contract_terms_are_declared(onto: rdflib.Graph) -> None:
    for name in CONTRACT_CLASSES:
        assert (la[name], RDF.type, OWL.Class) in onto, name
    for name in [*RELATIONS, "funds", "founded", "operates", "partnerOf", "rule"]:
        assert (la[name], RDF.type, OWL.ObjectProperty) in onto, name
    for name in ["confidence", "section", "sourceFile", "firstLine", "lastLine", "sha256"]:
        assert (la[name], RDF.type, OWL.DatatypeProperty) in onto, name
    assert onto.value(la.confidence, RDFS.range) == rdflib.XSD.decimal
    assert onto.value(la.firstLine, RDFS.range) == rdflib.XSD.nonNegativeInteger
    assert onto.value(la.lastLine, RDFS.range) == rdflib.XSD.nonNegativeInteger
    assert onto.value(la.rule, RDFS.range) == la.ExtractionRule
    for scheme in (la.MethodScheme, la.BeneficiaryGroupScheme):
        assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
        assert {"en", "fr"} <= _langs(onto, scheme, RDFS.label)


def test_every_term_has_english_and_french_label_and_definition(onto: rdflib.Graph) -> None:
    terms = _la_terms(onto)
    assert len(terms) >= len(CONTRACT_CLASSES) + len(RELATIONS)
    missing = [
        (str(t), str(p), lang)
        for t in sorted(terms)
        for p in (RDFS.label, SKOS.definition)
        for lang in ("en", "fr")
        if lang not in _langs(onto, t, p)
    ]
    assert missing == []


def test_subclass_hierarchy(onto: rdflib.Graph) -> None:
    expected = {
        "Lab": {"Initiative"},
        "Programme": {"Initiative"},
        "PublicBody": {"Actor"},
        "LocalAuthority": {"PublicBody"},
        "StateBody": {"PublicBody"},
        "Association": {"Actor"},
        "Foundation": {"Actor"},
        "Company": {"Actor"},
        "ResearchBody": {"Actor"},
        "Network": {"Actor"},
        "Person": {"Actor"},
    }
    for child, parents in expected.items():
        for parent in parents:
            assert (la[child], RDFS.subClassOf, la[parent]) in onto, (child, parent)


def test_fundedby_is_inverse_of_funds(onto: rdflib.Graph) -> None:
    assert (la.fundedBy, OWL.inverseOf, la.funds) in onto
    assert (la.foundedBy, OWL.inverseOf, la.founded) in onto
    assert (la.operatedBy, OWL.inverseOf, la.operates) in onto
    assert (la.hasPartner, OWL.inverseOf, la.partnerOf) in onto
    # not symmetric (OOPS P28) and no transitive diffusion (P29)
    assert (la.hasPartner, RDF.type, OWL.SymmetricProperty) not in onto
    assert (la.diffusedTo, RDF.type, OWL.TransitiveProperty) not in onto


def test_one_domain_and_one_range_per_property(onto: rdflib.Graph) -> None:
    for prop in onto.subjects(RDF.type, OWL.ObjectProperty):
        if str(prop).startswith(LA):
            assert len(list(onto.objects(prop, RDFS.domain))) <= 1, prop
            assert len(list(onto.objects(prop, RDFS.range))) <= 1, prop


def test_domains_accept_what_the_extractor_produces(onto: rdflib.Graph) -> None:
    def members(prop: URIRef, which: URIRef) -> set[URIRef]:
        node = onto.value(prop, which)
        union = onto.value(node, OWL.unionOf)
        if union is None:
            return {node}
        return set(rdflib.collection.Collection(onto, union))

    assert la.Actor in members(la.locatedIn, RDFS.domain)
    assert la.Place in members(la.hasBeneficiary, RDFS.range)
    assert {la.Initiative, la.Place} <= members(la.diffusedTo, RDFS.range)
    assert {la.Initiative, la.Place} <= members(la.inspiredBy, RDFS.range)
    assert {la.Actor, la.Initiative} <= members(la.memberOf, RDFS.domain)
    assert {la.Actor, la.Initiative} <= members(la.memberOf, RDFS.range)
    assert {la.Actor, la.Initiative} <= members(la.participatedIn, RDFS.domain)


def test_leaf_classes_are_pairwise_disjoint(onto: rdflib.Graph) -> None:
    member_sets = [
        set(rdflib.collection.Collection(onto, onto.value(node, OWL.members)))
        for node in onto.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert {la[c] for c in LEAF_CLASSES} in member_sets
    top = {la.Initiative, la.Actor, la.Place, la.BeneficiaryGroup, la.Method, la.Event}
    assert top in member_sets


HARD_SUBCLASS = {
    "Initiative": ["https://schema.org/Project"],
    "Lab": ["http://www.w3.org/ns/org#Organization"],
    "Actor": ["http://www.w3.org/ns/prov#Agent", "http://xmlns.com/foaf/0.1/Agent"],
    "PublicBody": ["http://data.europa.eu/m8g/PublicOrganisation"],
    "Association": ["http://www.w3.org/ns/org#FormalOrganization"],
    "Foundation": ["http://www.w3.org/ns/org#FormalOrganization"],
    "Company": ["http://www.w3.org/ns/org#FormalOrganization"],
    "ResearchBody": ["http://www.w3.org/ns/org#Organization"],
    "Network": ["http://www.w3.org/ns/org#Organization"],
    "Person": ["http://xmlns.com/foaf/0.1/Person"],
    "Place": ["https://schema.org/Place", "http://purl.org/dc/terms/Location"],
    "BeneficiaryGroup": ["http://www.w3.org/2004/02/skos/core#Concept"],
    "Method": ["http://www.w3.org/2004/02/skos/core#Concept"],
    "Event": ["https://schema.org/Event"],
    "Assertion": [str(RDF.Statement), "http://www.w3.org/ns/prov#Entity"],
    "Evidence": ["http://www.w3.org/ns/prov#Entity"],
    "SourceDocument": ["http://www.w3.org/ns/prov#Entity"],
    "ExtractionRule": ["http://www.w3.org/ns/prov#Plan"],
}
HARD_SUBPROPERTY = {
    "fundedBy": ["https://schema.org/funder"],
    "foundedBy": ["https://schema.org/founder"],
    "hasBeneficiary": ["http://purl.org/dc/terms/audience"],
    "locatedIn": ["https://schema.org/location"],
    "inspiredBy": ["http://www.w3.org/ns/prov#wasInfluencedBy"],
    "memberOf": ["http://www.w3.org/ns/org#memberOf", "https://schema.org/memberOf"],
    "subOrganizationOf": ["http://www.w3.org/ns/org#subOrganizationOf"],
}


def test_hard_alignments_with_locally_declared_targets(onto: rdflib.Graph) -> None:
    for name, targets in HARD_SUBCLASS.items():
        for target in map(URIRef, targets):
            assert (la[name], RDFS.subClassOf, target) in onto, (name, target)
            assert (target, RDF.type, OWL.Class) in onto, target
    for name, targets in HARD_SUBPROPERTY.items():
        for target in map(URIRef, targets):
            assert (la[name], RDFS.subPropertyOf, target) in onto, (name, target)
            assert (target, RDF.type, OWL.ObjectProperty) in onto, target


def test_external_terms_carry_no_axioms_of_their_own(onto: rdflib.Graph) -> None:
    risky = (
        RDFS.domain, RDFS.range, RDFS.subClassOf, RDFS.subPropertyOf, OWL.disjointWith,
        OWL.equivalentClass, OWL.inverseOf,
    )  # fmt: skip
    for s, p, _ in onto:
        if isinstance(s, URIRef) and not str(s).startswith(LA):
            assert p not in risky, (s, p)


def test_align_holds_only_soft_alignments() -> None:
    align = rdflib.Graph().parse(align_path(), format="turtle")
    assert not list(align.triples((None, RDFS.subClassOf, None)))
    assert not list(align.triples((None, RDFS.subPropertyOf, None)))
    assert not list(align.triples((None, OWL.equivalentClass, None)))
    close = set(align.objects(la.Initiative, SKOS.closeMatch))
    assert URIRef("http://purl.org/cerif/frapo/Endeavour") in close
    assert URIRef("https://schema.org/audience") in set(
        align.objects(la.hasBeneficiary, SKOS.closeMatch)
    )
    assert (la.participatedIn, OWL.inverseOf, URIRef("https://schema.org/attendee")) in align


# ---------------------------------------------------------------------------------------------
# Reasoning (real HermiT on Java)
# ---------------------------------------------------------------------------------------------

DATA_TTL = """
@prefix la: <https://w3id.org/labatlas/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix initiative: <https://w3id.org/labatlas/id/initiative/> .
@prefix actor: <https://w3id.org/labatlas/id/actor/> .
@prefix place: <https://w3id.org/labatlas/id/place/> .
@prefix method: <https://w3id.org/labatlas/id/method/> .
@prefix group: <https://w3id.org/labatlas/id/beneficiary-group/> .
@prefix event: <https://w3id.org/labatlas/id/event/> .
@prefix doc: <https://w3id.org/labatlas/id/doc/> .
@prefix rule: <https://w3id.org/labatlas/id/rule/> .
@prefix assertion: <https://w3id.org/labatlas/id/assertion/> .
@prefix evidence: <https://w3id.org/labatlas/id/evidence/> .

<https://w3id.org/labatlas/graph/doc/demo> owl:imports <http://www.w3.org/ns/org#> .

initiative:demo-lab a la:Lab ;
    rdfs:label "Demo Lab"@en ; skos:prefLabel "Demo Lab"@en ; skos:altLabel "le labo démo"@fr ;
    la:fundedBy actor:demo-city ;
    la:hasPartner actor:demo-association ;
    la:locatedIn place:demo-town ;
    la:usesMethod method:service-design ;
    la:hasBeneficiary group:long-term-unemployed , place:demo-town ;
    la:participatedIn event:demo-week ;
    la:memberOf actor:demo-network .
initiative:demo-programme a la:Programme ;
    la:inspiredBy initiative:demo-lab , place:demo-town ;
    la:diffusedTo place:demo-town , initiative:demo-lab , actor:demo-city ;
    la:operatedBy actor:demo-person ;
    la:fundedBy initiative:demo-lab .
actor:demo-city a la:LocalAuthority ; rdfs:label "Demo City"@en ;
    la:locatedIn place:demo-town ;
    la:participatedIn event:demo-week .
actor:demo-association a la:Association ; rdfs:label "Demo Association"@en ;
    la:fundedBy actor:demo-company ;
    la:usesMethod method:service-design .
actor:demo-company a la:Company .
actor:demo-network a la:Network ; la:foundedBy initiative:demo-lab .
actor:demo-person a la:Person ; rdfs:label "Jane Demo"@en ;
    la:memberOf actor:demo-association .
actor:demo-directorate a la:StateBody ; la:subOrganizationOf actor:demo-ministry ;
    la:memberOf actor:demo-ministry .
actor:demo-ministry a la:StateBody .
place:demo-town a la:Place ; rdfs:label "Demo Town"@en .
method:service-design a la:Method ; skos:inScheme la:MethodScheme ;
    rdfs:label "service design"@en .
group:long-term-unemployed a la:BeneficiaryGroup ; skos:inScheme la:BeneficiaryGroupScheme .
event:demo-week a la:Event .

# the provenance layer, as the builder writes it (dropped before reasoning)
assertion:a1 a la:Assertion ; rdf:subject initiative:demo-lab ; rdf:predicate la:fundedBy ;
    rdf:object actor:demo-city ; prov:wasDerivedFrom evidence:e1 .
evidence:e1 a la:Evidence ; prov:wasQuotedFrom doc:demo ;
    nif:beginIndex "120"^^xsd:nonNegativeInteger ; nif:endIndex "180"^^xsd:nonNegativeInteger ;
    nif:anchorOf "The Demo Lab is funded by Demo City."@en ;
    la:section "Funding" ; la:rule rule:funded-by ; la:confidence 0.9 .
doc:demo a la:SourceDocument ; dcterms:title "Demo case" ; dcterms:language "en" ;
    la:sourceFile "000_demo.txt" ; la:firstLine 45 ; la:lastLine 76 ; la:sha256 "00ff" ;
    dcterms:subject initiative:demo-lab .
"""


@pytest.fixture(scope="module")
def demo_report() -> ConsistencyReport:
    data = rdflib.Graph().parse(data=DATA_TTL, format="turtle")
    return check_consistency(data)


def test_plain_triples_drops_provenance_and_imports() -> None:
    data = rdflib.Graph().parse(data=DATA_TTL, format="turtle")
    plain = plain_triples(data)
    assertion = _individual("assertion", "a1")
    evidence = _individual("evidence", "e1")
    assert not list(plain.triples((None, OWL.imports, None)))
    for pred in (RDF.subject, RDF.predicate, RDF.object):
        assert not list(plain.triples((None, pred, None)))
    for node in (assertion, evidence):
        assert not list(plain.triples((node, None, None)))
        assert not list(plain.triples((None, None, node)))
    lab, city = _individual("initiative", "demo-lab"), _individual("actor", "demo-city")
    assert (lab, la.fundedBy, city) in plain
    assert (_individual("doc", "demo"), la.firstLine, Literal(45)) in plain


def test_plain_triples_reads_all_graphs_of_a_dataset() -> None:
    ds = rdflib.Dataset()
    lab, city = _individual("initiative", "demo-lab"), _individual("actor", "demo-city")
    ds.graph(URIRef("https://w3id.org/labatlas/graph/doc/a")).add((lab, la.fundedBy, city))
    ds.graph(URIRef("https://w3id.org/labatlas/graph/doc/b")).add((lab, RDF.type, la.Lab))
    assert len(plain_triples(ds)) == 2


def test_demo_graph_is_consistent_under_hermit(demo_report: ConsistencyReport) -> None:
    assert demo_report.consistent, demo_report.message
    assert demo_report.message.startswith("consistent")


def test_local_authority_is_inferred_funder(demo_report: ConsistencyReport) -> None:
    city = str(_individual("actor", "demo-city"))
    company = str(_individual("actor", "demo-company"))
    lab = str(_individual("initiative", "demo-lab"))
    assert city in demo_report.inferred_funders
    # the lab funds the programme (an initiative) and is not an actor: not a Funder
    assert lab not in demo_report.inferred_funders
    # the company funds an association, not an initiative: not a Funder
    assert company not in demo_report.inferred_funders
    assert str(_individual("actor", "demo-association")) not in demo_report.inferred_funders
    assert demo_report.inferred_funders == sorted(demo_report.inferred_funders)


def test_person_that_is_also_a_state_body_is_inconsistent() -> None:
    data = rdflib.Graph()
    someone = _individual("actor", "someone")
    data.add((someone, RDF.type, la.Person))
    data.add((someone, RDF.type, la.StateBody))
    report = check_consistency(data)
    assert report.consistent is False
    assert report.inferred_funders == []
    assert report.message.startswith("inconsistent")


def test_range_clash_is_inconsistent() -> None:
    # la:usesMethod ranges over la:Method: a place as a method contradicts the disjointness
    data = rdflib.Graph()
    lab, town = _individual("initiative", "lab"), _individual("place", "town")
    data.add((lab, RDF.type, la.Lab))
    data.add((town, RDF.type, la.Place))
    data.add((lab, la.usesMethod, town))
    assert check_consistency(data).consistent is False


def test_missing_java_raises_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "labatlas-no-such-java-binary")
    with pytest.raises(RuntimeError, match=r"`java`.*make system"):
        check_consistency()


def test_report_is_frozen(demo_report: ConsistencyReport) -> None:
    with pytest.raises(AttributeError):
        demo_report.consistent = False  # type: ignore[misc]


@pytest.mark.parametrize("module", ["labatlas.ontology", "labatlas.ontology.reasoning"])
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
