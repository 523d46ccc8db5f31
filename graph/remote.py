"""Pushing the graph to a remote triple store, querying one, and pulling from one.

Pushing first tries a SPARQL 1.1 Graph Store Protocol PUT of the N-Triples export (one
request, replaces the graph); if the server has no Graph Store endpoint there, it sends
SPARQL Update ``INSERT`` requests in batches into a staging graph and then moves that over
the target, so a push that fails half-way leaves the target graph as it was.
"""

from __future__ import annotations

import base64
import contextlib
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from labatlas.queries import LibraryQuery, QueryResult

BATCH_SIZE = 500  # Virtuoso 7 refused 2000 per INSERT (its SQL of it passed 10000 lines)
TIMEOUT = 60.0
ATTEMPTS = 3  # connection failures are retried, after 0.5 s then 1 s; HTTP errors are not
RETRY_PAUSE = 0.5
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
class PushReport:
    """What `push_triples` did: how ("graph-store" or "update"), how many triples, where."""

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


def _send(remote: Remote, request: urllib.request.Request) -> tuple[bytes, str]:
    """Send `request`; return the answer's body and media type (without parameters).

    Connection failures are retried `ATTEMPTS` times in all, then raise RemoteError, as does
    an HTTP error status. A PUT answered with a status meaning "no Graph Store Protocol here"
    raises `_NoGraphStore` instead, so the caller can fall back to SPARQL Update.
    """
    for attempt in range(ATTEMPTS):
        try:
            return _send_once(remote, request)
        except _Unreachable as err:
            if attempt + 1 == ATTEMPTS:
                raise RemoteError(f"{err} after {ATTEMPTS} attempts") from err
            time.sleep(RETRY_PAUSE * 2**attempt)
    raise AssertionError("unreachable")  # the loop returns or raises


class _Unreachable(Exception):
    """The server could not be reached (worth another attempt)."""


class _NoGraphStore(Exception):
    """The server has no Graph Store Protocol endpoint at the URL tried."""


def _send_once(remote: Remote, request: urllib.request.Request) -> tuple[bytes, str]:
    try:
        with _opener(remote).open(request, timeout=TIMEOUT) as response:
            media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            return response.read(), media
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", errors="replace").strip()[:300]
        if err.code in _NO_GRAPH_STORE and request.get_method() == "PUT":
            raise _NoGraphStore(err.code) from err
        raise RemoteError(f"{request.full_url}: HTTP {err.code} {err.reason}: {detail}") from err
    except urllib.error.URLError as err:
        raise _Unreachable(f"{request.full_url}: cannot connect ({err.reason})") from err
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


@dataclass(frozen=True)
class UpdateBatch:
    """One SPARQL Update request and the number of triples it inserts."""

    text: str
    size: int


def insert_batches(
    triples: Sequence[Triple], graph: str, size: int = BATCH_SIZE
) -> Iterator[UpdateBatch]:
    """SPARQL updates inserting `triples` into `graph`, about `size` triples each.

    ``INSERT {...} WHERE {}`` rather than ``INSERT DATA``: Virtuoso refuses blank nodes in
    INSERT DATA. Each request makes its blank nodes afresh, so all the triples that share a
    blank node go into the same request. Terms are written by pyoxigraph (N-Triples syntax,
    escaped), never pasted as raw text.

    Examples
    --------
    >>> t = Triple(NamedNode("urn:a"), NamedNode("urn:b"), Literal('say "hi" }'))
    >>> next(insert_batches([t], "urn:g")).text
    'INSERT { GRAPH <urn:g> {\\n<urn:a> <urn:b> "say \\\\"hi\\\\" }" .\\n} } WHERE {}'
    >>> b = BlankNode("x")
    >>> ts = [Triple(NamedNode("urn:a"), NamedNode("urn:p"), b), Triple(NamedNode("urn:c"),
    ...       NamedNode("urn:p"), NamedNode("urn:d")), Triple(b, NamedNode("urn:q"), Literal("1"))]
    >>> [u.size for u in insert_batches(ts, "urn:g", size=1)]
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


def _insert(graph: NamedNode, triples: list[Triple]) -> UpdateBatch:
    lines = "".join(f"{t} .\n" for t in triples)
    return UpdateBatch(f"INSERT {{ GRAPH {graph} {{\n{lines}}} }} WHERE {{}}", len(triples))


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


def push_triples(
    remote: Remote,
    triples: Sequence[Triple],
    graph: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> PushReport:
    """Replace `graph` on the remote store with `triples`.

    Parameters
    ----------
    remote : Remote
    triples : sequence of pyoxigraph.Triple
    graph : str
        IRI of the named graph to write.
    on_progress : callable, optional
        Called with (triples sent, all triples) after each request.

    Returns
    -------
    PushReport

    Raises
    ------
    RemoteError
        The server refused (e.g. 401/403: wrong login) or cannot be reached. The target
        graph is then as it was: batches go to a staging graph, moved over it at the end.
    """
    target = NamedNode(graph)  # rejects an IRI that is not one
    _check_login(remote)
    body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    put = urllib.request.Request(
        graph_store_url(remote.graph_store or remote.endpoint, graph),
        data=body,
        headers={"Content-Type": "application/n-triples"},
        method="PUT",
    )
    _authorize(remote, put)
    try:
        _send_once(remote, put)
    except (_NoGraphStore, _Unreachable):
        # No Graph Store Protocol there, or the server dropped a body this large (the login
        # check above reached it): updates carry small bodies.
        return _push_by_update(remote, triples, target, on_progress)
    if on_progress:
        on_progress(len(triples), len(triples))
    return PushReport("graph-store", len(triples), graph, 1)


def _authorize(remote: Remote, request: urllib.request.Request) -> None:
    """Give `request` its Authorization header before it is sent with its large body.

    Sent plainly, a body of megabytes meets a 401 challenge that the server (Virtuoso) sends
    before reading it and then closes the connection: the client sees a broken pipe, never
    the challenge. So a body-less request of the same URL fetches the challenge first.
    """
    if not remote.user:
        return
    probe = urllib.request.Request(request.full_url, method="HEAD")
    try:
        with urllib.request.urlopen(probe, timeout=TIMEOUT):
            return  # no login asked for here
    except urllib.error.HTTPError as err:
        challenge = err.headers.get("WWW-Authenticate", "")
    except (urllib.error.URLError, TimeoutError):
        return  # the request itself will report it
    scheme, _, params = challenge.partition(" ")
    if scheme.lower() == "digest":
        handler = urllib.request.HTTPDigestAuthHandler()
        handler.add_password(None, request.full_url, remote.user, remote.password or "")
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
        answer = handler.get_authorization(request, fields)
        if answer:
            request.add_unredirected_header("Authorization", f"Digest {answer}")
    elif scheme.lower() == "basic":
        token = base64.b64encode(f"{remote.user}:{remote.password or ''}".encode()).decode()
        request.add_unredirected_header("Authorization", f"Basic {token}")


def _check_login(remote: Remote) -> None:
    """Ask the endpoint an empty ASK with the login, so a wrong one is told as such.

    Sent first because a server refusing a large PUT may close the connection before it has
    read the body, which the client sees as a broken pipe rather than as the 401.
    """
    request = urllib.request.Request(
        remote.endpoint,
        data=urlencode({"query": "ASK {}"}).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    _send(remote, request)


def _push_by_update(
    remote: Remote,
    triples: Sequence[Triple],
    target: NamedNode,
    on_progress: Callable[[int, int], None] | None,
) -> PushReport:
    staging = NamedNode(f"urn:labatlas:staging:{uuid.uuid4()}")
    sent = requests = 0
    try:
        for batch in insert_batches(triples, staging.value):
            _update(remote, batch.text)
            sent += batch.size
            requests += 1
            if on_progress:
                on_progress(sent, len(triples))
        _update(remote, f"MOVE SILENT GRAPH {staging} TO GRAPH {target}")
    except RemoteError:
        _drop_quietly(remote, staging)
        raise
    return PushReport("update", len(triples), target.value, requests + 2)  # + PUT tried, MOVE


def _drop_quietly(remote: Remote, graph: NamedNode) -> None:
    """Remove a staging graph after a failure; if even that fails, the first error matters."""
    with contextlib.suppress(RemoteError):
        _update(remote, f"DROP SILENT GRAPH {graph}")


def store_triples(
    store: Store, endpoint: str, include_ontology: bool = True, document: str | None = None
) -> list[Triple]:
    """The triples a push sends: the export of `store`, or one document's graph.

    Parameters
    ----------
    store : pyoxigraph.Store
    endpoint : str
        Recorded as the dataset's SPARQL endpoint in its VoID/DCAT description.
    include_ontology : bool
        Send the labatlas ontology too, so that queries reading classes answer remotely as
        they do locally.
    document : str, optional
        Only the graph of this document (its IRI or id, as `labatlas query documents`
        shows them), without ontology or description.

    Raises
    ------
    RemoteError
        The store has no such document.
    """
    from labatlas.graph.export import export_quads, store_base
    from labatlas.graph.metadata import DatasetDescription
    from labatlas.graph.rdf import Namespaces

    if document is not None:
        ns = Namespaces(store_base(store))
        graph = ns.document_graph(document.rstrip("/").rsplit("/", 1)[-1])
        if not store.contains_named_graph(graph):
            raise RemoteError(f"no document {document!r} in the store (labatlas query documents)")
        quads = store.quads_for_pattern(None, None, None, graph)
        return sorted({q.triple for q in quads}, key=str)
    quads = export_quads(
        store, include_ontology=include_ontology, description=DatasetDescription(endpoint=endpoint)
    )
    return sorted({q.triple for q in quads}, key=str)


def run_remote_query(
    remote: Remote, query: LibraryQuery, given: dict[str, str] | None = None
) -> QueryResult:
    """Run a library SELECT on the remote endpoint with SPARQLWrapper.

    Parameters
    ----------
    remote : Remote
    query : LibraryQuery
    given : dict, optional
        Parameter values as strings, by name, as ``labatlas query --param`` takes them; an
        entity's label is looked up on the remote store (`resolve_remote_name`).

    Returns
    -------
    QueryResult
        Values are the bindings' lexical forms (str), None when unbound.

    Raises
    ------
    RemoteError
        The endpoint refused the query or cannot be reached.
    """
    from labatlas.queries.library import bind_values

    bound = bind_values(query, given or {}, lambda name: resolve_remote_name(remote, name))
    values = {variable.value: str(term) for variable, term in bound.items()}
    text = substitute_variables(query.text, values)
    answer = _select(remote, text, query.name)
    columns = tuple(answer["head"]["vars"])
    rows = tuple(
        tuple(b[c]["value"] if c in b else None for c in columns)
        for b in answer["results"]["bindings"]
    )
    return QueryResult(columns, rows)


def _select(remote: Remote, text: str, what: str) -> dict:
    """The SPARQL JSON results of the SELECT `text`, through SPARQLWrapper, with retries."""
    from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(remote.endpoint)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    client.setMethod(POST)
    client.setTimeout(int(TIMEOUT))
    if remote.user:
        client.setHTTPAuth(DIGEST)
        client.setCredentials(remote.user, remote.password or "")
    for attempt in range(ATTEMPTS):
        try:
            return client.queryAndConvert()
        except urllib.error.HTTPError as err:
            raise RemoteError(f"{remote.endpoint}: {what}: HTTP {err.code} {err.reason}") from err
        except SPARQLWrapperException as err:
            raise RemoteError(f"{remote.endpoint}: {what}: {err}") from err
        except urllib.error.URLError as err:
            if attempt + 1 == ATTEMPTS:
                raise RemoteError(
                    f"{remote.endpoint}: {what}: cannot connect ({err.reason}) "
                    f"after {ATTEMPTS} attempts"
                ) from err
            time.sleep(RETRY_PAUSE * 2**attempt)
    raise AssertionError("unreachable")  # the loop returns or raises


# The entities `find_entity` matches locally: not the ontology's terms, not the documents.
_LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX la: <https://w3id.org/labatlas/ontology#>
SELECT DISTINCT ?entity ?label WHERE {
  { ?entity rdfs:label ?label } UNION { ?entity skos:altLabel ?label }
  FILTER(isIRI(?entity) && REGEX(STR(?label), ?pattern, "i"))
  FILTER(!STRSTARTS(STR(?entity), STR(la:)))
  FILTER NOT EXISTS { ?entity a la:SourceDocument }
}"""


def resolve_remote_name(remote: Remote, name: str) -> NamedNode:
    """The entity of the remote store whose label or alias matches `name`.

    Only the labels containing the longest word of `name`, with or without its accents, are
    fetched, so a large store is not read whole; matching then ignores case, accents and
    articles as locally.

    Raises
    ------
    QueryError
        No entity or several have that name.
    RemoteError
        The endpoint cannot be reached.
    """
    from labatlas.queries.library import match_entity

    pattern = accent_blind_pattern(max(re.findall(r"\w+", name) or [""], key=len))
    text = substitute_variables(_LABELS, {"pattern": str(Literal(pattern))})
    answer = _select(remote, text, f"label {name!r}")
    pairs = [(b["entity"]["value"], b["label"]["value"]) for b in answer["results"]["bindings"]]
    return match_entity(pairs, name)


def accent_blind_pattern(word: str) -> str:
    """A SPARQL regular expression (for the "i" flag) matching `word` whatever its accents.

    Each letter becomes the alternatives of the letters that fold to it
    (`labatlas.loaders.text.fold`), in both cases, so the server needs no Unicode case folding
    of its own. Virtuoso 7 matches the bytes of UTF-8 and misreads non-ASCII letters in the
    pattern, so an accented letter there is also any two bytes (".."): the pattern may let
    through a few more labels, which the exact match afterwards sorts out.

    Examples
    --------
    >>> pattern = accent_blind_pattern("cite")
    >>> [bool(re.fullmatch(pattern, w)) for w in ("Cité", "CITÉ", "cite", "cote")]
    [True, True, True, False]
    >>> bool(re.fullmatch(pattern, "cité".encode().decode("latin-1")))  # as Virtuoso sees it
    True
    """
    from labatlas.loaders.text import fold

    classes = _accent_classes()  # letters outside the classes (digits, "_") stand for themselves
    return "".join(classes.get(char, char) for char in fold(word))


@cache
def _accent_classes() -> dict[str, str]:
    from labatlas.loaders.text import fold

    variants: dict[str, list[str]] = {}
    for code in range(0xC0, 0x180):  # Latin-1 Supplement and Latin Extended-A
        char = chr(code)
        if fold(char) != char and fold(char).isascii() and fold(char).isalpha():
            variants.setdefault(fold(char), []).append(char)
    return {
        base: "(" + "|".join([base, base.upper(), *chars, ".."]) + ")"
        for base, chars in variants.items()
    }


# Answers of a CONSTRUCT we can load, by media type, with the file extension they get.
_GRAPH_TYPES = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "ttl",
    "application/rdf+xml": "rdf",
    "application/ld+json": "jsonld",
}


def fetch_graph(remote: Remote, query_text: str, folder: Path) -> Path:
    """Run a CONSTRUCT or DESCRIBE on the remote endpoint; save its answer in `folder`.

    Parameters
    ----------
    remote : Remote
    query_text : str
        The query; it is parsed here first, so a syntax error is reported with its line
        and column before anything is sent.
    folder : Path

    Returns
    -------
    Path
        ``folder/pulled.EXT``, EXT telling the syntax the server answered in.

    Raises
    ------
    RemoteError
        Not a CONSTRUCT/DESCRIBE, a syntax error, or the endpoint refused or is unreachable.
    """
    try:
        kind = Store().query(query_text)
    except SyntaxError as err:
        raise RemoteError(f"query: SPARQL syntax error: {err}") from err
    if not isinstance(kind, QueryTriples):
        raise RemoteError("query: only a CONSTRUCT or DESCRIBE query gives triples to load")
    request = urllib.request.Request(
        remote.endpoint,
        data=urlencode({"query": query_text}).encode("utf-8"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8",
        },
        method="POST",
    )
    body, media = _send(remote, request)
    extension = _GRAPH_TYPES.get(media)
    if extension is None:
        raise RemoteError(f"{remote.endpoint}: answered {media or 'no type'}, not RDF triples")
    target = folder / f"pulled.{extension}"
    target.write_bytes(body)
    return target


_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                   |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
      | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s(){}\[\],;.]*)?)
      | (?P<other>[\s\S])""",
    re.VERBOSE,
)
_GROUP_ORDER = {"GROUP", "ORDER"}
_PLACED_CLAUSES = {"projection", "group", "order"}
_CLAUSE_END = {"HAVING", "LIMIT", "OFFSET", "VALUES", "WHERE"}


@dataclass
class _Scope:
    """One SELECT: the parameters bound in it and where its parser is."""

    bound: set[str]
    braces: int  # brace depth of the group holding this SELECT (0: the query itself)
    clause: str = "projection"  # projection, body, or a solution modifier (group, order)
    parens: int = 0
    after_as: bool = False
    # Parameters a sub-SELECT of this one projects: in scope, so this one's projection,
    # GROUP BY and ORDER BY keep them as variables. Known only once the body is read, so
    # those places are written at the end of the scope: (index in the output, variable,
    # clause).
    in_scope: set[str] = field(default_factory=set)
    pending: list[tuple[int, str, str]] = field(default_factory=list)

    def close(self, out: list[str], values: dict[str, str]) -> None:
        """Write the projection, GROUP BY and ORDER BY places of the parameters."""
        for at, name, clause in self.pending:
            if name in self.in_scope:
                out[at] = f"?{name}"
            elif clause == "projection":
                out[at] = f"({values[name]} AS ?{name})"
            else:
                out[at] = f"({values[name]})"


def substitute_variables(text: str, values: dict[str, str]) -> str:
    """`text` with the parameter variables replaced by RDF terms, scope by scope.

    This is what Oxigraph's ``substitutions`` do, written out for any SPARQL 1.1 server: a
    variable is replaced in the query and in every sub-SELECT that projects it (there it
    becomes ``(TERM AS ?v)``, so the column stays), and left alone in a sub-SELECT that does
    not (a variable of the same name there is another one). In ``GROUP BY`` and ``ORDER BY``
    it becomes ``(TERM)``; where a sub-SELECT already projects it, a SELECT keeps the
    variable in its projection, ``GROUP BY`` and ``ORDER BY``. `values` are terms already
    written by pyoxigraph (escaped), so a value can never change the query's structure.

    Raises
    ------
    ValueError
        The query assigns a parameter itself (``AS ?v``), so it cannot also be given.

    Examples
    --------
    >>> q = "SELECT ?a ?n { { SELECT ?n { ?a ?p ?n } } ?a ?q ?n } ORDER BY ?a"
    >>> substitute_variables(q, {"a": "<urn:x>"})
    'SELECT (<urn:x> AS ?a) ?n { { SELECT ?n { ?a ?p ?n } } <urn:x> ?q ?n } ORDER BY (<urn:x>)'
    """
    out: list[str] = []
    scopes = [_Scope(set(values), 0, clause="prologue")]
    braces = 0
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    for index, (kind, token) in enumerate(tokens):
        scope = scopes[-1]
        upper = token.upper() if kind == "word" else ""
        if upper == "SELECT":
            projected = _projection(tokens, index + 1)
            if scope.clause == "prologue":  # the query itself: bound all through
                scopes[-1] = _Scope(scope.bound, braces)
            else:
                bound = scope.bound if projected is None else scope.bound & projected
                scope.in_scope |= bound
                scopes.append(_Scope(bound, braces))
            out.append(token)
            continue
        if token == "{":
            braces += 1
            if scope.clause == "projection" and scope.parens == 0:
                scope.clause = "body"
        elif token == "}":
            braces -= 1
            if braces < scope.braces:
                scopes.pop().close(out, values)
        elif token == "(":
            scope.parens += 1
        elif token == ")":
            scope.parens -= 1
        elif upper == "WHERE" and scope.parens == 0:
            scope.clause = "body"
        elif upper in _GROUP_ORDER and scope.parens == 0 and braces == scope.braces:
            scope.clause = upper.lower()
        elif upper in _CLAUSE_END and braces == scope.braces:
            scope.clause = "modifier"
        elif upper == "AS":
            scope.after_as = True
            out.append(token)
            continue
        if kind == "var" and token[1:] in scope.bound:  # a parameter, in its scope
            if scope.after_as:
                raise ValueError(f"the query assigns {token} itself; it cannot be given")
            if scope.clause in _PLACED_CLAUSES and scope.parens == 0:
                scope.pending.append((len(out), token[1:], scope.clause))
            else:
                token = values[token[1:]]
        if kind != "comment" and not token.isspace():
            scope.after_as = False
        out.append(token)
    for scope in reversed(scopes):
        scope.close(out, values)
    return "".join(out)


def _projection(tokens: list[tuple[str | None, str]], start: int) -> set[str] | None:
    """The variables a SELECT projects (its tokens from `start`); None for ``SELECT *``."""
    projected: set[str] = set()
    parens = 0
    after_as = False
    for kind, token in tokens[start:]:
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif parens == 0 and (token == "{" or token.upper() == "WHERE"):
            break
        elif parens == 0 and token == "*":
            return None
        elif kind == "var" and (parens == 0 or after_as):
            projected.add(token[1:])
        if kind != "comment" and not token.isspace():
            after_as = kind == "word" and token.upper() == "AS"
    return projected
