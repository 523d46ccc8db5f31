"""Publishing the graph to a remote triple store, and running library queries on one.

Publishing first tries a SPARQL 1.1 Graph Store Protocol PUT of the N-Triples export (one
request, replaces the graph); if the server has no Graph Store endpoint there, it clears the
graph and sends SPARQL Update ``INSERT`` requests in batches.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, Triple, serialize

from labatlas.queries import LibraryQuery, QueryResult

BATCH_SIZE = 500  # Virtuoso 7 refused 2000 per INSERT (its SQL of it passed 10000 lines)
TIMEOUT = 60.0
# Answers meaning "no Graph Store Protocol here" (rather than "not allowed"): try updates.
_NO_GRAPH_STORE = {400, 404, 405, 406, 415, 501}


class RemoteError(RuntimeError):
    """The remote store refused a request or cannot be reached (the message says which)."""


@dataclass(frozen=True)
class Remote:
    """A remote SPARQL service: its query/update endpoint, Graph Store endpoint and login."""

    endpoint: str
    graph_store: str | None = None
    user: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class PublishReport:
    """What `publish` did: how ("graph-store" or "update"), how many triples, into which graph."""

    method: str
    triples: int
    graph: str
    requests: int


def _opener(remote: Remote) -> urllib.request.OpenerDirector:
    """An opener answering Basic or Digest challenges (Virtuoso's -auth endpoints use Digest)."""
    if not remote.user:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    for url in {remote.endpoint, remote.graph_store or remote.endpoint}:
        passwords.add_password(None, url, remote.user, remote.password or "")
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(passwords),
        urllib.request.HTTPBasicAuthHandler(passwords),
    )


def _send(remote: Remote, request: urllib.request.Request) -> int:
    """Send `request`; return its status. Raises RemoteError for connection failures."""
    try:
        with _opener(remote).open(request, timeout=TIMEOUT) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", errors="replace").strip()[:300]
        if err.code in _NO_GRAPH_STORE and request.get_method() == "PUT":
            return err.code
        raise RemoteError(f"{request.full_url}: HTTP {err.code} {err.reason}: {detail}") from err
    except urllib.error.URLError as err:
        raise RemoteError(f"{request.full_url}: cannot connect ({err.reason})") from err
    except TimeoutError as err:  # raised while reading the answer, not wrapped in URLError
        raise RemoteError(
            f"{request.full_url}: no answer within {TIMEOUT:g} s (for Virtuoso, pass "
            "--graph-store http://HOST:PORT/sparql-graph-crud-auth)"
        ) from err


def graph_store_url(base: str, graph: str) -> str:
    """The Graph Store Protocol URL of `graph` (indirect identification, ``?graph=``).

    Examples
    --------
    >>> graph_store_url("http://127.0.0.1:8890/sparql-graph-crud-auth", "https://x.org/g")
    'http://127.0.0.1:8890/sparql-graph-crud-auth?graph=https%3A%2F%2Fx.org%2Fg'
    """
    separator = "&" if "?" in base else "?"
    return base + separator + urlencode({"graph": graph})


def insert_batches(triples: Sequence[Triple], graph: str, size: int = BATCH_SIZE) -> Iterator[str]:
    """SPARQL updates inserting `triples` into `graph`, about `size` triples each.

    ``INSERT {...} WHERE {}`` rather than ``INSERT DATA``: Virtuoso refuses blank nodes in
    INSERT DATA. Each request makes its blank nodes afresh, so all the triples that share a
    blank node go into the same request. Terms are written by pyoxigraph (N-Triples syntax,
    escaped), never pasted as raw text.

    Examples
    --------
    >>> t = Triple(NamedNode("urn:a"), NamedNode("urn:b"), Literal('say "hi" }'))
    >>> next(insert_batches([t], "urn:g"))
    'INSERT { GRAPH <urn:g> {\\n<urn:a> <urn:b> "say \\\\"hi\\\\" }" .\\n} } WHERE {}'
    >>> b = BlankNode("x")
    >>> ts = [Triple(NamedNode("urn:a"), NamedNode("urn:p"), b), Triple(NamedNode("urn:c"),
    ...       NamedNode("urn:p"), NamedNode("urn:d")), Triple(b, NamedNode("urn:q"), Literal("1"))]
    >>> [u.count(" .\\n") for u in insert_batches(ts, "urn:g", size=1)]
    [2, 1]
    """
    target = NamedNode(graph)  # rejects an IRI that is not one
    batch: list[Triple] = []
    for group in blank_node_groups(triples):
        if batch and len(batch) + len(group) > size:
            yield _insert(target, batch)
            batch = []
        batch.extend(group)
    if batch:
        yield _insert(target, batch)


def _insert(graph: NamedNode, triples: list[Triple]) -> str:
    lines = "".join(f"{t} .\n" for t in triples)
    return f"INSERT {{ GRAPH {graph} {{\n{lines}}} }} WHERE {{}}"


def blank_node_groups(triples: Sequence[Triple]) -> list[list[Triple]]:
    """Split `triples` into groups such that triples sharing a blank node are in one group.

    Triples without blank nodes are groups of one, in their order.
    """
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    def blanks(triple: Triple) -> list[str]:
        return [t.value for t in (triple.subject, triple.object) if isinstance(t, BlankNode)]

    for triple in triples:
        nodes = blanks(triple)
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    groups: dict[str, list[Triple]] = {}
    for index, triple in enumerate(triples):
        nodes = blanks(triple)
        key = "_:" + root(nodes[0]) if nodes else str(index)
        groups.setdefault(key, []).append(triple)
    return list(groups.values())


def _update(remote: Remote, update: str) -> None:
    request = urllib.request.Request(
        remote.endpoint,
        data=urlencode({"update": update}).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    _send(remote, request)


def publish_triples(remote: Remote, triples: Sequence[Triple], graph: str) -> PublishReport:
    """Replace `graph` on the remote store with `triples`.

    Parameters
    ----------
    remote : Remote
    triples : sequence of pyoxigraph.Triple
    graph : str
        IRI of the named graph to write.

    Returns
    -------
    PublishReport

    Raises
    ------
    RemoteError
        The server refused (e.g. 401/403: wrong login) or cannot be reached.
    """
    body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    put = urllib.request.Request(
        graph_store_url(remote.graph_store or remote.endpoint, graph),
        data=body,
        headers={"Content-Type": "application/n-triples"},
        method="PUT",
    )
    status = _send(remote, put)
    if status < 300:
        return PublishReport("graph-store", len(triples), graph, 1)
    _update(remote, f"CLEAR SILENT GRAPH {NamedNode(graph)}")
    batches = list(insert_batches(triples, graph))
    for update in batches:
        _update(remote, update)
    return PublishReport("update", len(triples), graph, 1 + len(batches))


def store_triples(store: Store, endpoint: str) -> list[Triple]:
    """The triples of the N-Triples export of `store`, with its VoID/DCAT description."""
    from labatlas.graph.export import export_quads
    from labatlas.graph.metadata import DatasetDescription

    quads = export_quads(store, description=DatasetDescription(endpoint=endpoint))
    return sorted({q.triple for q in quads}, key=str)


def run_remote_query(
    remote: Remote, query: LibraryQuery, values: dict[str, NamedNode | Literal]
) -> QueryResult:
    """Run a library SELECT on the remote endpoint with SPARQLWrapper.

    Parameter values are appended as a trailing ``VALUES`` block of RDF terms written by
    pyoxigraph, so a value can never change the query's structure.

    Returns
    -------
    QueryResult
        Values are the bindings' lexical forms (str), None when unbound.
    """
    from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(remote.endpoint)
    client.setQuery(with_values(query.text, values))
    client.setReturnFormat(JSON)
    client.setMethod(POST)
    client.setTimeout(int(TIMEOUT))
    if remote.user:
        client.setHTTPAuth(DIGEST)
        client.setCredentials(remote.user, remote.password or "")
    try:
        answer = client.queryAndConvert()
    except (SPARQLWrapperException, urllib.error.URLError) as err:
        raise RemoteError(f"{remote.endpoint}: {query.name}: {err}") from err
    columns = tuple(answer["head"]["vars"])
    rows = tuple(
        tuple(b[c]["value"] if c in b else None for c in columns)
        for b in answer["results"]["bindings"]
    )
    return QueryResult(columns, rows)


def with_values(text: str, values: dict[str, NamedNode | Literal]) -> str:
    """`text` with a trailing ``VALUES`` block binding `values` (pyoxigraph term syntax).

    Examples
    --------
    >>> with_values("SELECT ?x WHERE { ?x ?p ?y }", {"y": Literal('a" } DROP ALL #')})
    'SELECT ?x WHERE { ?x ?p ?y }\\nVALUES (?y) { ("a\\\\" } DROP ALL #") }'
    """
    if not values:
        return text
    names = " ".join(f"?{name}" for name in values)
    terms = " ".join(str(term) for term in values.values())
    return f"{text.rstrip()}\nVALUES ({names}) {{ ({terms}) }}"
