"""Fixtures of the visualisation tests: the seed network read from the real store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pyoxigraph import Store

from labatlas.graph.network import AtlasNetwork, load_network
from labatlas.viz.page import DocumentInfo, load_documents

SIILAB = "https://w3id.org/labatlas/id/initiative/siilab"


@pytest.fixture(scope="session")
def network(store: Store) -> AtlasNetwork:
    """The bundled corpus's network, read once from the real on-disk store."""
    return load_network(store)


@pytest.fixture(scope="session")
def documents(store: Store) -> dict[str, DocumentInfo]:
    """Title, file and lines of the bundled corpus's documents."""
    return load_documents(store)


# Closes the data block, opens a script, an image that would fetch, and an event handler in a
# quoted attribute: each would set window.__pwned (or make a request) if it ever became HTML.
HOSTILE = (
    '</script><script>window.__pwned=1</script><img src="https://example.org/x.png" '
    'onerror="window.__pwned=2">"onmouseover="window.__pwned=3" & <!-- $x$'
)


@pytest.fixture(scope="session")
def hostile() -> str:
    """A name written to break out of HTML, JSON, attributes and mathtext."""
    return HOSTILE


@pytest.fixture(scope="session")
def hostile_network(network: AtlasNetwork) -> AtlasNetwork:
    """The seed network with SIILAB's label, aliases, sentences and titles made hostile."""
    siilab = network.nodes[SIILAB]
    nodes = dict(network.nodes)
    nodes[SIILAB] = replace(siilab, label=HOSTILE, aliases=(HOSTILE + " alias",))
    relations = []
    for relation in network.relations:
        if SIILAB in (relation.subject, relation.object):
            evidence = [replace(e, sentence=HOSTILE, title=HOSTILE) for e in relation.evidence]
            relation = replace(relation, evidence=evidence)
        relations.append(relation)
    return AtlasNetwork(nodes, relations)
