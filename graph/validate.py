"""SHACL validation (pySHACL) of the store or of any RDF file against ``ontology/shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from pyoxigraph import RdfFormat, Store, serialize
from rdflib import RDFS, SKOS, URIRef
from rdflib.namespace import SH

from .export import _data_quads, store_base
from .rdf import PREFIXES, Namespaces


class ValidationInputError(ValueError):
    """A file to validate cannot be read (the message names it and says why)."""


@dataclass(frozen=True)
class Violation:
    """One SHACL result, with what a reader needs to find the faulty node."""

    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    severity: str

    def line(self) -> str:
        """One readable line: severity, the node by label and IRI, the path and the message.

        Examples
        --------
        >>> v = Violation("http://x/a", "SIILAB", "la:fundedBy", "http://x/b", "bad", "Violation")
        >>> v.line()
        'Violation: SIILAB <http://x/a> la:fundedBy http://x/b: bad'
        """
        where = " ".join(part for part in (self.path, self.value) if part)
        name = f"{self.focus_label} <{self.focus}>" if self.focus_label else f"<{self.focus}>"
        return f"{self.severity}: {name}{' ' + where if where else ''}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of validating one data graph: conforms, and the violations, sorted."""

    conforms: bool
    violations: tuple[Violation, ...]
    triples: int


def shapes_path() -> Path:
    """The SHACL shapes file shipped beside the ontology.

    Examples
    --------
    >>> shapes_path().name
    'shapes.ttl'
    """
    from labatlas.ontology import ontology_path

    return ontology_path().with_name("shapes.ttl")


def store_graph(store: Store) -> rdflib.Graph:
    """The data of the store (all graphs but the ontology and derived ones), merged."""
    ns = Namespaces(store_base(store))
    triples = sorted({q.triple for q in _data_quads(store, ns, include_ontology=False)}, key=str)
    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def file_graph(path: Path, fmt: str | None = None) -> rdflib.Graph:
    """Read any RDF file `labatlas import` reads (syntax `fmt` or from its suffix), graphs merged.

    Raises
    ------
    ValidationInputError
        Missing file, unknown suffix or a syntax error (with line and column).
    """
    from .importer import RdfImportError, read_rdf_file

    try:
        quads = read_rdf_file(path, fmt)
    except RdfImportError as err:
        raise ValidationInputError(str(err)) from err
    triples = sorted({quad.triple for quad in quads}, key=str)
    return rdflib.Graph().parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")


def _label(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    for predicate in (SKOS.prefLabel, RDFS.label):
        values = sorted(str(v) for v in graph.objects(node, predicate))
        if values:
            return values[0]
    return ""


def _short(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except ValueError:
            return str(node)
    return str(node)


def _violations(results: rdflib.Graph, data: rdflib.Graph) -> list[Violation]:
    out = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        out.append(
            Violation(
                focus=str(focus),
                focus_label=_label(data, focus),
                path=_short(data, path) if isinstance(path, URIRef) else "",
                value=_short(data, value),
                message=messages[0] if messages else "constraint not met",
                severity=severity,
            )
        )
    return sorted(out, key=lambda v: (v.focus_label.casefold(), v.focus, v.path, v.message))


def split_shapes(shapes: rdflib.Graph) -> tuple[rdflib.Graph, list[SparqlConstraint]]:
    """Separate the SPARQL-based constraints from the core shapes.

    pySHACL evaluates a SPARQL constraint once per focus node through rdflib's SPARQL engine,
    which takes minutes on the ~250 relation subjects of the seed graph (measured: 0.2–3 s
    per node); Oxigraph evaluates the same query for all focus nodes at once in milliseconds.

    Examples
    --------
    >>> core, sparql = split_shapes(rdflib.Graph().parse(shapes_path()))
    >>> len(sparql), (None, SH.sparql, None) in core
    (1, False)
    """
    core = rdflib.Graph()
    for triple in shapes:
        core.add(triple)
    constraints = []
    for shape, node in list(shapes.subject_objects(SH.sparql)):
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for decl in shapes.objects(node, SH.prefixes)
            for d in shapes.objects(decl, SH.declare)
        )
        select = str(shapes.value(node, SH.select))
        message = str(shapes.value(node, SH.message) or "SPARQL constraint not met")
        constraints.append(SparqlConstraint(str(shape), prefixes + select, message))
        core.remove((shape, SH.sparql, node))
    return core, constraints


@dataclass(frozen=True)
class SparqlConstraint:
    """A ``sh:sparql`` constraint: its shape, full SELECT text and message template."""

    shape: str
    select: str
    message: str

    def evaluate(self, data: Store) -> list[tuple[str, str, str, str]]:
        """Run the SELECT for every focus node at once; rows of (focus, path, value, message).

        ``$this`` becomes an ordinary variable, which is what pre-binding it to each target
        amounts to when the query's first pattern binds it to a subject of a target predicate.
        """
        from pyoxigraph import NamedNode as OxNode

        rows = []
        for row in data.query(self.select.replace("$this", "?this")):
            path, value = row["path"], row["value"]
            filled = self.message
            for name, term in (("path", path), ("value", value)):
                filled = filled.replace("{?" + name + "}", term.value if term else "")
            rows.append(
                (
                    row["this"].value,
                    path.value if isinstance(path, OxNode) else "",
                    value.value if value is not None else "",
                    filled,
                )
            )
        return rows


def _oxigraph_copy(data: rdflib.Graph) -> Store:
    store = Store()
    nt = data.serialize(format="nt", encoding="utf-8")
    store.load(nt, format=RdfFormat.N_TRIPLES)
    return store


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    """Validate `data` with pySHACL against the labatlas shapes and ontology.

    The ontology is mixed in (``ont_graph``) so that ``sh:class`` follows its subclass
    hierarchy; no other inference runs. The SPARQL-based constraints of the shapes run on
    Oxigraph (see :func:`split_shapes`).

    Parameters
    ----------
    data : rdflib.Graph

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> data = rdflib.Graph().parse(format="turtle", data='''
    ... @prefix la: <https://w3id.org/labatlas/ontology#> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... @prefix id: <https://w3id.org/labatlas/id/> .
    ... id:x a la:Person ; rdfs:label "Ann" .
    ... id:y a la:Lab ; rdfs:label "Y"@en ; skos:prefLabel "Y"@en ; la:fundedBy id:x .
    ... ''')
    >>> report = validate_graph(data)
    >>> report.conforms
    False
    >>> sorted({v.path for v in report.violations})
    ['la:fundedBy', 'rdfs:label', 'skos:prefLabel']
    """
    import pyshacl

    from labatlas.ontology import load_ontology

    for prefix, namespace in PREFIXES.items():
        data.bind(prefix, namespace, override=True, replace=True)
    core, sparql = split_shapes(rdflib.Graph().parse(shapes_path(), format="turtle"))
    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=core,
        ont_graph=load_ontology(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if isinstance(results, Exception):  # pySHACL returns, not raises, a broken shapes graph
        raise ValidationInputError(f"{shapes_path()}: {results}")
    violations = _violations(results, data)
    copy = _oxigraph_copy(data) if sparql else None
    for constraint in sparql:
        for focus, path, value, message in constraint.evaluate(copy):
            node = URIRef(focus)
            violations.append(
                Violation(
                    focus,
                    _label(data, node),
                    _short(data, URIRef(path)) if path else "",
                    _short(data, URIRef(value)) if value.startswith("http") else value,
                    message,
                    "Violation",
                )
            )
    violations.sort(key=lambda v: (v.focus_label.casefold(), v.focus, v.path, v.message))
    return ValidationReport(bool(conforms) and not violations, tuple(violations), len(data))
