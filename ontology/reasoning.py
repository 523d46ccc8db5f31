"""OWL 2 DL consistency checking of labatlas data with HermiT (through owlready2).

The reasoner sees the labatlas ontology plus the *plain* triples of the data: statement nodes
(``la:Assertion``, ``rdf:subject``/``rdf:predicate``/``rdf:object``), evidence nodes
(``la:Evidence``) and ``owl:imports`` are dropped first, because reified statements pun
property IRIs (not OWL 2 DL) and ``owl:imports`` of a web IRI breaks offline loading.
owlready2 does not read Turtle, so the triples travel as N-Triples. One call runs one JVM.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import owlready2
import rdflib
from rdflib import OWL, RDF, BNode, Literal, URIRef
from rdflib.graph import ConjunctiveGraph

__all__ = ["ConsistencyReport", "check_consistency", "plain_triples"]

_LA = "https://w3id.org/labatlas/ontology#"
_PROVENANCE_CLASSES = frozenset(
    {URIRef(_LA + "Assertion"), URIRef(_LA + "Evidence"), RDF.Statement}
)
_REIFICATION_PREDICATES = frozenset({RDF.subject, RDF.predicate, RDF.object})

# owlready2 writes the reasoner input to a NamedTemporaryFile(delete=False) and only removes it
# when HermiT succeeds, so every inconsistent graph would leave a copy of the data in /tmp.
# Reasoning therefore runs with owlready2's temporary files redirected into a private directory
# that is always removed. The lock keeps concurrent checks in one process from mixing them up.
_REASONER_LOCK = threading.Lock()


@dataclass(frozen=True)
class ConsistencyReport:
    """Outcome of one HermiT run over the ontology and a data graph.

    Attributes
    ----------
    consistent : bool
        ``False`` when HermiT proves a contradiction (e.g. one individual in two disjoint
        classes). HermiT does not say which individual; bisect the data per document, or use
        owlrl, to find it.
    inferred_funders : list of str
        IRIs of the individuals that the reasoner classifies as ``la:Funder``, sorted.
        Empty when the graph is inconsistent.
    message : str
        A one-line human-readable summary (triple counts, timings, unsatisfiable classes).
    """

    consistent: bool
    inferred_funders: list[str] = field(default_factory=list)
    message: str = ""


def _triples(data: rdflib.Graph) -> Iterator[tuple[Any, Any, Any]]:
    """Yield every triple of ``data``, from all named graphs when it is a dataset."""
    if isinstance(data, ConjunctiveGraph):
        for s, p, o, _ in data.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from data.triples((None, None, None))


def plain_triples(data: rdflib.Graph) -> rdflib.Graph:
    """Return the plain triples of ``data``: what a DL reasoner may be given.

    Drops the provenance layer and anything that breaks OWL 2 DL or offline loading:
    statement nodes (typed ``la:Assertion`` or ``rdf:Statement``, or subject of
    ``rdf:subject``/``rdf:predicate``/``rdf:object``), evidence nodes (typed ``la:Evidence``),
    every triple in which such a node is the subject or the object, ``owl:imports`` triples,
    and RDF 1.2 triple terms that are not rdflib terms.

    Parameters
    ----------
    data : rdflib.Graph
        The data; a ``Dataset``/``ConjunctiveGraph`` contributes the triples of all its graphs.

    Returns
    -------
    rdflib.Graph
        A new in-memory graph with the kept triples.

    Examples
    --------
    >>> import rdflib
    >>> from labatlas.ontology import plain_triples
    >>> data = rdflib.Graph().parse(format="turtle", data='''
    ... @prefix la: <https://w3id.org/labatlas/ontology#> .
    ... @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    ... @prefix prov: <http://www.w3.org/ns/prov#> .
    ... @prefix id: <https://w3id.org/labatlas/id/> .
    ... <https://w3id.org/labatlas/id/initiative/lab> la:fundedBy id:city .
    ... id:a1 a la:Assertion ; rdf:subject <https://w3id.org/labatlas/id/initiative/lab> ;
    ...     rdf:predicate la:fundedBy ; rdf:object id:city ; prov:wasDerivedFrom id:e1 .
    ... id:e1 a la:Evidence ; la:confidence 0.9 .
    ... ''')
    >>> len(data), len(plain_triples(data))
    (8, 1)
    """
    triples = [
        (s, p, o)
        for s, p, o in _triples(data)
        if all(isinstance(term, (URIRef, BNode, Literal)) for term in (s, p, o))
    ]
    dropped_nodes = {
        s
        for s, p, o in triples
        if p in _REIFICATION_PREDICATES or (p == RDF.type and o in _PROVENANCE_CLASSES)
    }
    out = rdflib.Graph()
    for s, p, o in triples:
        if p == OWL.imports or p in _REIFICATION_PREDICATES:
            continue
        if s in dropped_nodes or o in dropped_nodes:
            continue
        out.add((s, p, o))
    return out


class _TempfileIn:
    """Stand-in for the ``tempfile`` module that creates named files inside one directory."""

    def __init__(self, directory: str) -> None:
        self._directory = directory

    def NamedTemporaryFile(self, *args: Any, **kwargs: Any) -> Any:  # the stdlib name
        kwargs.setdefault("dir", self._directory)
        return tempfile.NamedTemporaryFile(*args, **kwargs)


def _require_java() -> None:
    if shutil.which(owlready2.JAVA_EXE) is None:
        raise RuntimeError(
            f"HermiT needs a Java runtime, but the `java` executable ({owlready2.JAVA_EXE!r}) "
            "was not found on PATH. Install one with the project's setup script "
            "(`make system`, which runs .ci/install-system-deps.sh and installs Debian's "
            "default-jre-headless), or `sudo apt-get install default-jre-headless`; "
            "or point owlready2.JAVA_EXE at a java binary."
        )


def _run_hermit(world: owlready2.World) -> None:
    """Run HermiT once on ``world``; owlready2's temporary files never outlive the call."""
    module = owlready2.reasoning
    with _REASONER_LOCK, tempfile.TemporaryDirectory(prefix="labatlas-hermit-") as tmp:
        original = getattr(module, "tempfile", None)
        if original is not None:
            module.tempfile = _TempfileIn(tmp)
        try:
            owlready2.sync_reasoner_hermit(
                world,
                infer_property_values=False,
                debug=0,
                ignore_unsupported_datatypes=True,
            )
        except FileNotFoundError as exc:  # java vanished between the check and the call
            raise RuntimeError(
                f"HermiT could not start the `java` executable ({exc}); install a Java "
                "runtime with `make system` (Debian's default-jre-headless)."
            ) from exc
        finally:
            if original is not None:
                module.tempfile = original


def check_consistency(data: rdflib.Graph | None = None) -> ConsistencyReport:
    """Check the ontology, plus optional data, for consistency with the HermiT reasoner.

    The data is reduced to its plain triples (see :func:`plain_triples`), merged with the
    ontology, handed to owlready2 as N-Triples in a fresh ``World``, and classified by HermiT
    in a single JVM call. Individuals that the reasoner places in the defined class
    ``la:Funder`` (an actor that funds an initiative) are reported.

    Parameters
    ----------
    data : rdflib.Graph, optional
        Instance data (entities, relation triples; provenance nodes are ignored). A
        ``Dataset``/``ConjunctiveGraph`` contributes all its named graphs. ``None`` checks
        the ontology alone.

    Returns
    -------
    ConsistencyReport
        ``consistent``, the sorted ``inferred_funders`` IRIs, and a summary ``message``.

    Raises
    ------
    RuntimeError
        If no Java runtime (``java``) is available to run HermiT.
    owlready2.OwlReadyJavaError
        If HermiT fails for another reason than an inconsistency.

    Examples
    --------
    >>> import rdflib
    >>> from labatlas.ontology import check_consistency
    >>> data = rdflib.Graph().parse(format="turtle", data='''
    ... @prefix la: <https://w3id.org/labatlas/ontology#> .
    ... @prefix initiative: <https://w3id.org/labatlas/id/initiative/> .
    ... @prefix actor: <https://w3id.org/labatlas/id/actor/> .
    ... initiative:lab a la:Lab ; la:fundedBy actor:city .
    ... actor:city a la:LocalAuthority .
    ... ''')
    >>> report = check_consistency(data)
    >>> report.consistent
    True
    >>> report.inferred_funders
    ['https://w3id.org/labatlas/id/actor/city']
    """
    from . import ONTOLOGY_IRI, load_ontology  # here, not at the top: the package imports us

    _require_java()
    t0 = time.perf_counter()
    graph = load_ontology()
    n_ontology = len(graph)
    n_data = n_kept = 0
    if data is not None:
        n_data = len(data)
        kept = plain_triples(data)
        n_kept = len(kept)
        graph += kept
    ntriples = graph.serialize(format="nt", encoding="utf-8")

    world = owlready2.World()
    try:
        world.get_ontology(ONTOLOGY_IRI).load(fileobj=BytesIO(ntriples), format="ntriples")
        t1 = time.perf_counter()
        try:
            _run_hermit(world)
        except owlready2.OwlReadyInconsistentOntologyError:
            t2 = time.perf_counter()
            return ConsistencyReport(
                consistent=False,
                inferred_funders=[],
                message=(
                    f"inconsistent: HermiT found a contradiction in the ontology "
                    f"({n_ontology} triples) + {n_kept} plain data triples (of {n_data}); "
                    "it does not name the culprit — look for an individual typed with two "
                    "disjoint classes or a relation whose domain/range clashes with an asserted "
                    f"type (bisect per document, or run owlrl) "
                    f"[prepare {t1 - t0:.2f} s, HermiT {t2 - t1:.2f} s]"
                ),
            )
        t2 = time.perf_counter()
        funder = world[_LA + "Funder"]
        funders = sorted({ind.iri for ind in funder.instances()}) if funder is not None else []
        unsatisfiable = sorted(getattr(c, "iri", str(c)) for c in world.inconsistent_classes())
    finally:
        world.close()
    message = (
        f"consistent: ontology ({n_ontology} triples) + {n_kept} plain data triples "
        f"(of {n_data}); {len(funders)} inferred funder(s)"
    )
    if unsatisfiable:
        message += f"; unsatisfiable classes: {', '.join(unsatisfiable)}"
    message += f" [prepare {t1 - t0:.2f} s, HermiT {t2 - t1:.2f} s]"
    return ConsistencyReport(consistent=True, inferred_funders=funders, message=message)
