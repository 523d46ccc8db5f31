"""Resolving a name to an entity: labels and aliases, normalised; documents and terms aside."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

from labatlas.queries import QueryError, find_entity

ID = "https://w3id.org/labatlas/id/"
LA = "https://w3id.org/labatlas/ontology#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ALT = NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
UNIS = NamedNode(ID + "actor/unis-cite")
REGION = NamedNode(ID + "initiative/la-27e-region")
DOC = NamedNode(ID + "doc/case-01")


@pytest.fixture(scope="module")
def store() -> Store:
    graph = "https://w3id.org/labatlas/graph/doc/"
    one, two = NamedNode(graph + "1"), NamedNode(graph + "2")
    facts = [
        (UNIS, LABEL, Literal("Unis-Cité", language="fr")),
        (UNIS, ALT, Literal("Unis Cite")),
        (REGION, LABEL, Literal("La 27e Région", language="fr")),
        (REGION, LABEL, Literal("La 27e Région", language="fr")),  # in a second document
        (DOC, RDF_TYPE, NamedNode(LA + "SourceDocument")),
        (DOC, LABEL, Literal("27e Région")),  # a document is not an entity
        (NamedNode(LA + "Lab"), LABEL, Literal("Lab", language="en")),  # nor a class
        (BlankNode("ghost"), LABEL, Literal("Ghost")),
        (NamedNode(ID + "actor/bll-1"), LABEL, Literal("BLL")),
        (NamedNode(ID + "actor/bll-2"), ALT, Literal("B.L.L.")),
        (NamedNode(ID + "actor/bll-2"), LABEL, Literal("bll", language="en")),
    ]
    s = Store()
    s.extend(Quad(*fact, one if i % 2 else two) for i, fact in enumerate(facts))
    return s


@pytest.mark.parametrize(
    "name, entity",
    [
        ("Unis-Cité", UNIS),
        ("UNIS-CITE", UNIS),
        ("unis cite", UNIS),  # the alias
        ("the Unis-Cité’s", UNIS),
        ("27e Region", REGION),  # a document has this label too: not an entity
        ("  la 27E RÉGION ", REGION),
        (UNIS.value, UNIS),  # an IRI of the store names itself
    ],
)
def test_a_label_alias_or_iri_names_its_entity(store: Store, name: str, entity: NamedNode) -> None:
    assert find_entity(store, name) == entity


def test_a_name_of_two_entities_lists_both(store: Store) -> None:
    with pytest.raises(QueryError, match="names several entities") as raised:
        find_entity(store, "Bll")
    assert ID + "actor/bll-1" in str(raised.value) and ID + "actor/bll-2" in str(raised.value)


@pytest.mark.parametrize("name", ["Lab", "Ghost", ID + "actor/nobody", "Atlantis"])
def test_classes_blank_nodes_and_unknown_names_are_not_entities(store: Store, name: str) -> None:
    with pytest.raises(QueryError, match=f"no entity named '{name}'"):
        find_entity(store, name)


def test_a_misspelt_name_suggests_entity_labels_only(store: Store) -> None:
    with pytest.raises(QueryError) as raised:
        find_entity(store, "Unis-Citte")
    message = str(raised.value)
    assert "close matches: Unis-Cité" in message
    with pytest.raises(QueryError) as raised:
        find_entity(store, "Labb")
    assert "close matches" not in str(raised.value)  # "Lab" labels a class, not an entity
