"""Inferred facts: HermiT (through owlready2) or pure-Python OWL-RL (owlrl), into their own graph.

Both engines see the ontology plus the *plain* triples of the store (no statement or evidence
nodes, see :func:`labatlas.ontology.plain_triples`). Inferred facts about instances are written
into the named graph ``{base}graph/inferred``: the library queries run over the union of all
graphs and so include them; a query leaves them out with ``FROM``/``GRAPH`` clauses naming the
document graphs, and an export includes them only with ``--include-inferred``.

- ``hermit``: HermiT decides consistency and classifies the defined classes (``la:Funder``);
  inverses, super-properties and superclass types (which owlready2 does not write back,
  FIELD-NOTES A.5) come from SPARQL rules over the ontology, run by Oxigraph.
- ``owlrl``: the OWL 2 RL closure computed by owlrl, for machines without Java.

On inconsistency HermiT names no culprit, so the OWL-RL closure is computed to name them.
"""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, Triple
from pyoxigraph import parse as ox_parse
from rdflib import OWL, RDF, RDFS, BNode, URIRef

from .export import store_base
from .rdf import LA, Namespaces

ENGINES = ("hermit", "owlrl")
_AGENT_ONT = "http://www.daml.org/2002/03/agents/agent-ont#"
_ERROR = URIRef(_AGENT_ONT + "ErrorMessage")
# Types every OWL individual has: true, and noise in a portal.
_TRIVIAL_TYPES = frozenset({OWL.Thing, OWL.NamedIndividual, RDFS.Resource})

# Entailments HermiT does not write back, as rules over the ontology (in the default graph).
_RULES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
CONSTRUCT { ?s ?q ?o } WHERE {
  { ?s ?p ?o . ?p rdfs:subPropertyOf+ ?q . }
  UNION { ?o ?p ?s . ?p owl:inverseOf ?q . }
  UNION { ?o ?p ?s . ?q owl:inverseOf ?p . }
  UNION { ?s a ?c . ?c rdfs:subClassOf+ ?o . BIND(rdf:type AS ?q) }
  FILTER(isIRI(?s) && isIRI(?q) && !isBlank(?o))
}
"""


@dataclass(frozen=True)
class Inference:
    """What a reasoning run found: consistency, the culprits, and the new instance facts."""

    engine: str
    consistent: bool
    inferred: tuple[Triple, ...]
    problems: tuple[str, ...]
    message: str


def _is_instance(term: object, ns: Namespaces) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(f"{ns.base}id/")


def _to_oxigraph(triples: list[tuple[URIRef, URIRef, rdflib.term.Node]]) -> list[Triple]:
    graph = rdflib.Graph()
    for triple in triples:
        graph.add(triple)
    data = graph.serialize(format="nt", encoding="utf-8")
    return list(ox_parse(data, format=RdfFormat.N_TRIPLES))


def _new_instance_facts(
    closure: rdflib.Graph, asserted: rdflib.Graph, ns: Namespaces
) -> list[Triple]:
    """Facts of the closure about instances that are not asserted and not trivial."""
    kept = []
    for s, p, o in closure:
        if not _is_instance(s, ns) or isinstance(o, BNode) or (s, p, o) in asserted:
            continue
        if p == RDF.type and o in _TRIVIAL_TYPES:
            continue
        if p == OWL.sameAs and s == o:
            continue
        kept.append((s, p, o))
    return sorted(_to_oxigraph(kept), key=str)


def owlrl_closure(data: rdflib.Graph) -> tuple[rdflib.Graph, list[str]]:
    """The OWL 2 RL closure of ontology + `data`, and owlrl's inconsistency messages.

    Examples
    --------
    >>> data = rdflib.Graph().parse(format="turtle", data='''
    ... @prefix la: <https://w3id.org/labatlas/ontology#> .
    ... <https://w3id.org/labatlas/id/actor/y> a la:Person , la:StateBody .
    ... ''')
    >>> _, problems = owlrl_closure(data)
    >>> any("id/actor/y" in p for p in problems)
    True
    """
    import owlrl

    from labatlas.ontology import load_ontology

    graph = load_ontology() + data
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    problems = sorted(
        " ".join(str(o) for o in graph.objects(error, URIRef(_AGENT_ONT + "error")))
        for error in graph.subjects(RDF.type, _ERROR)
    )
    return graph, problems


def rule_closure(data: rdflib.Graph) -> rdflib.Graph:
    """Superclass types, inverses and super-properties of `data` under the ontology (SPARQL).

    Examples
    --------
    >>> data = rdflib.Graph().parse(format="turtle", data='''
    ... @prefix la: <https://w3id.org/labatlas/ontology#> .
    ... <https://w3id.org/labatlas/id/initiative/x> a la:Lab ;
    ...     la:fundedBy <https://w3id.org/labatlas/id/actor/y> .
    ... ''')
    >>> facts = {(str(p).rsplit("#", 1)[-1], str(o).rsplit("/", 1)[-1])
    ...          for s, p, o in rule_closure(data)}
    >>> ("funds", "x") in facts and ("type", "la:Initiative".replace("la:", "ontology#")) in facts
    True
    """
    from labatlas.ontology import load_ontology

    store = Store()
    both = load_ontology() + data
    store.load(both.serialize(format="nt", encoding="utf-8"), format=RdfFormat.N_TRIPLES)
    rules = _RULES.replace("PREFIX owl:", "PREFIX rdf: <" + str(RDF) + ">\nPREFIX owl:")
    out = rdflib.Graph()
    out.parse(data=store.query(rules).serialize(format=RdfFormat.N_TRIPLES), format="nt")
    return out


def reason(store: Store, engine: str = "hermit") -> Inference:
    """Reason over the store's data with `engine`; return the inferred instance facts.

    Parameters
    ----------
    store : pyoxigraph.Store
    engine : {"hermit", "owlrl"}

    Returns
    -------
    Inference
    """
    from labatlas.ontology import check_consistency, plain_triples

    from .validate import store_graph

    if engine not in ENGINES:
        raise ValueError(f"unknown reasoner {engine!r}; one of {', '.join(ENGINES)}")
    ns = Namespaces(store_base(store))
    data = plain_triples(store_graph(store))
    if engine == "owlrl":
        closure, problems = owlrl_closure(data)
        facts = [] if problems else _new_instance_facts(closure, data, ns)
        return _result(engine, not problems, facts, problems, len(data))
    report = check_consistency(data)
    if not report.consistent:
        _, problems = owlrl_closure(data)
        return _result(engine, False, [], problems or [report.message], len(data))
    closure = rule_closure(data)
    for funder in report.inferred_funders:
        closure.add((URIRef(funder), RDF.type, URIRef(LA + "Funder")))
    return _result(engine, True, _new_instance_facts(closure, data, ns), [], len(data))


def _result(
    engine: str, consistent: bool, facts: list[Triple], problems: list[str], n_data: int
) -> Inference:
    if consistent:
        message = f"{engine}: consistent; {len(facts)} inferred triples from {n_data} plain triples"
    else:
        message = f"{engine}: INCONSISTENT ({len(problems)} problem(s)) in {n_data} plain triples"
    return Inference(engine, consistent, tuple(facts), tuple(problems), message)


def write_inferred(store: Store, facts: tuple[Triple, ...]) -> NamedNode:
    """Replace the graph ``{base}graph/inferred`` of the store with `facts`; return its name."""
    graph = Namespaces(store_base(store)).graph("inferred")
    store.remove_graph(graph)
    store.extend([Quad(t.subject, t.predicate, t.object, graph) for t in facts])
    store.flush()
    return graph
