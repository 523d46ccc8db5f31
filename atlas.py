"""The Python API for notebooks: the graph, its NetworkX views, the query library, the analyses.

One `Atlas` holds one read-only handle on a store built by ``labatlas build``; everything
else (the rdflib view, the NetworkX graphs, the analyses) is computed from it on demand.
Entities are named the way the command line names them: a label, an alias or an IRI.

Examples
--------
>>> import tempfile, pathlib
>>> from labatlas.loaders import extract_corpus
>>> from labatlas.graph.store import build_store
>>> path = build_store(extract_corpus(), pathlib.Path(tempfile.mkdtemp()) / "store")
>>> atlas = open_atlas(path)
>>> [row["actorLabel"] for row in atlas.query("shared-partners")][:2]
['Agence du Service Civique', 'Anaïs Triolet']
>>> g = atlas.network("bipartite")
>>> g.nodes["https://w3id.org/labatlas/id/actor/unis-cite"]["label"]
'Unis-Cité'
>>> [p.actor.label for p in atlas.shared_partners().partners if p.actor.label == "La 27e Région"]
['La 27e Région']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Only the standard library at import time: the package root re-exports `open_atlas`, and
# `labatlas --help` imports the package root; NetworkX, Oxigraph and rdflib load on first use.
if TYPE_CHECKING:
    import networkx as nx
    import rdflib
    from pyoxigraph import Store

    from labatlas.graph import analysis
    from labatlas.graph.network import AtlasNetwork, NodeInfo

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {
    XSD + "integer": int,
    XSD + "nonNegativeInteger": int,
    XSD + "int": int,
    XSD + "long": int,
    XSD + "decimal": float,
    XSD + "double": float,
    XSD + "float": float,
}


def open_atlas(path: str | Path | None = None) -> Atlas:
    """Open the store built by ``labatlas build`` (default: ``$LABATLAS_STORE``).

    Parameters
    ----------
    path : str or Path, optional
        The store folder.

    Returns
    -------
    Atlas

    Raises
    ------
    labatlas.graph.store.StoreError
        No store there (run ``labatlas build`` first).
    """
    from labatlas.graph.store import open_store

    folder = Path(path) if path is not None else None
    store = open_store(folder)
    return Atlas(folder, store)


@dataclass
class Atlas:
    """A store opened for analysis: ``graph`` (rdflib), ``network()`` (NetworkX),
    ``query()`` (the SPARQL library) and the analyses of the command line.
    """

    path: Path | None
    store: Store

    @cached_property
    def data(self) -> AtlasNetwork:
        """Entities and relations with their evidence, read once from the store."""
        from labatlas.graph.network import load_network

        return load_network(self.store)

    @cached_property
    def graph(self) -> rdflib.Dataset:
        """The store as an rdflib `Dataset`; the union of all graphs is the default graph.

        It wraps the atlas's own read-only handle rather than opening the folder again.
        """
        from labatlas.graph.store import rdflib_dataset

        return rdflib_dataset(store=self.store)

    def network(self, kind: str = "full", **options: Any) -> nx.Graph:
        """A NetworkX view: ``bipartite``, ``initiatives``, ``actors``, ``diffusion``, ``full``.

        Options (``roles``, ``min_confidence``, ...) go to the matching method of
        `labatlas.graph.network.AtlasNetwork`, where each view is documented.
        """
        return self.data.projection(kind, **options)

    def query(self, name: str, **params: object) -> list[dict[str, object]]:
        """Run a library query (or a ``.rq`` file) and return its rows as plain Python values.

        Parameters are given by name (``min=3``, ``initiative="SIILAB"``); IRI parameters
        accept labels. Numbers come back as int or float, IRIs and other values as str,
        unbound values as None.
        """
        from labatlas.queries import load_query, run_query

        result = run_query(
            self.store, load_query(name), {key: str(value) for key, value in params.items()}
        )
        return [
            {column: _python(value) for column, value in zip(result.columns, row, strict=True)}
            for row in result.rows
        ]

    def entity(self, name: str) -> NodeInfo:
        """The entity named by a label, an alias or an IRI (close matches in the error)."""
        from labatlas.graph.analysis import find_node

        return find_node(self.store, self.data, name)

    def shared_partners(
        self,
        min_initiatives: int = 2,
        roles: Iterable[str] | None = None,
        min_confidence: float = 0.0,
    ) -> analysis.SharedPartners:
        """Actors ranked by the number of initiatives (see `analysis.shared_partners`);
        all four involvement roles count unless `roles` names some.
        """
        from labatlas.graph.analysis import shared_partners
        from labatlas.graph.network import INVOLVEMENT

        chosen = INVOLVEMENT if roles is None else tuple(roles)
        return shared_partners(self.data, min_initiatives, chosen, min_confidence)

    def brokers(self, projection: str = "bipartite", **options: Any) -> analysis.BrokerReport:
        """Betweenness and communities bridged (see `analysis.brokers`)."""
        from labatlas.graph.analysis import brokers

        return brokers(self.data, projection, **options)

    def communities(
        self, projection: str = "bipartite", **options: Any
    ) -> analysis.CommunityPartition:
        """Louvain communities with a fixed seed (see `analysis.communities`)."""
        from labatlas.graph.analysis import communities

        return communities(self.data, projection, **options)

    def similar(self, initiative: str, min_confidence: float = 0.0) -> analysis.SimilarInitiatives:
        """Initiatives sharing partners, methods, beneficiaries (see `analysis.similar`)."""
        from labatlas.graph.analysis import similar

        return similar(self.data, self.entity(initiative).iri, min_confidence)

    def paths(self, source: str, target: str, **options: Any) -> analysis.PathReport:
        """Paths between two entities, or why none (see `analysis.paths`)."""
        from labatlas.graph.analysis import paths

        ends = (self.entity(source).iri, self.entity(target).iri)
        return paths(self.data, *ends, **options)

    def diffusion(
        self, root: str | None = None, min_confidence: float = 0.0
    ) -> analysis.DiffusionReport:
        """Diffusion cascades from a root or from all roots (see `analysis.diffusion`)."""
        from labatlas.graph.analysis import diffusion

        iri = self.entity(root).iri if root is not None else None
        return diffusion(self.data, iri, min_confidence)

    def ego(self, entity: str, depth: int = 2, **options: Any) -> analysis.EgoNetwork:
        """The neighbourhood of an entity, as rows and a graph (see `analysis.ego`)."""
        from labatlas.graph.analysis import ego

        return ego(self.data, self.entity(entity).iri, depth, **options)


def _python(term: object | None) -> object:
    """An RDF term of a result as a plain Python value."""
    from pyoxigraph import BlankNode, Literal, NamedNode

    if isinstance(term, Literal):
        convert = _NUMBERS.get(term.datatype.value)
        if convert is not None:
            try:
                return convert(term.value)
            except ValueError:
                return term.value
        if term.datatype.value == XSD + "boolean":
            return term.value == "true"
        return term.value
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term
