"""A SPARQL 1.1 Protocol endpoint over the store, with a YASGUI page and dereferenceable IRIs.

The editor page at / links the graph page at /graph when the server is given one to render.

Results of SELECT/ASK are negotiated among SPARQL JSON, SPARQL XML, CSV and TSV; CONSTRUCT and
DESCRIBE among Turtle and N-Triples. Queries run on the union of the named graphs, like the
query library. A query that outlives ``timeout`` seconds answers 503; one with more than
``max_rows`` rows (or triples) answers 413 (nothing is truncated silently).
"""

from __future__ import annotations

import hmac
import html
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from labatlas.graph.export import store_base
from labatlas.graph.rdf import PREFIXES, RDFS, SKOS

if TYPE_CHECKING:
    from labatlas.queries import LibraryQuery

STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain"}
RESULT_TYPES = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_TYPES = {"text/turtle": RdfFormat.TURTLE, "application/n-triples": RdfFormat.N_TRIPLES}
DESCRIPTION_TYPES = ["text/turtle", "text/html", "application/n-triples"]
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class ServerConfig:
    """How the endpoint behaves.

    ``base`` is the base IRI of the instances: GET /id/{kind}/{slug} describes
    {base}id/{kind}/{slug}; without it, the base the store was built with.
    ``token`` is required (as ``Authorization: Bearer``) for updates, which are refused unless
    ``allow_updates``.
    """

    timeout: float = 30.0
    max_rows: int = 100_000
    allow_updates: bool = False
    token: str | None = None
    base: str | None = None


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, media type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def text_reply(status: int, message: str) -> Reply:
    """A plain-text answer (errors and refusals)."""
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def preferred_type(accept: str, offered: list[str]) -> str | None:
    """Return the offered media type the Accept header prefers, or None if it accepts none.

    Parameters
    ----------
    accept : str
        The Accept header ("" accepts anything).
    offered : list of str
        Media types the server can produce, the default first.

    Examples
    --------
    >>> preferred_type("text/csv;q=0.5, application/sparql-results+xml", ["text/csv",
    ...     "application/sparql-results+xml"])
    'application/sparql-results+xml'
    >>> preferred_type("text/*", ["application/json", "text/csv"])
    'text/csv'
    >>> preferred_type("image/png", ["text/csv"]) is None
    True
    """
    if not accept.strip():
        return offered[0]
    best: tuple[float, int, str] | None = None
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        media = media.strip().lower()
        quality = _quality(params)
        for rank, candidate in enumerate(offered):
            if quality > 0 and _matches(media, candidate):
                key = (quality, -rank, candidate)
                best = key if best is None or key > best else best
    return best[2] if best else None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def _matches(pattern: str, media: str) -> bool:
    if pattern in ("*/*", media):
        return True
    return pattern.endswith("/*") and media.startswith(pattern[:-1])


class Endpoint:
    """Answers SPARQL requests on one store; used by the HTTP handler, testable without it."""

    def __init__(self, store: Store, config: ServerConfig) -> None:
        self.store = store
        self.config = config
        self.base = config.base or store_base(store)

    def query(self, text: str, accept: str) -> Reply:
        """Run a SPARQL query within the time limit and serialise it as the client accepts."""
        return _within(self.config.timeout, lambda: self._answer(text, accept))

    def update(self, text: str, authorization: str) -> Reply:
        """Run a SPARQL update if updates are enabled and the bearer token matches."""
        if not self.config.allow_updates or not self.config.token:
            return text_reply(403, "updates are disabled on this endpoint")
        given = authorization.removeprefix("Bearer ").strip()
        if not authorization.startswith("Bearer ") or not hmac.compare_digest(
            given.encode(), self.config.token.encode()
        ):
            return text_reply(403, "updates need the endpoint's bearer token")

        def run() -> Reply:
            self.store.update(text)
            return Reply(204, "text/plain", b"")

        return _within(self.config.timeout, run)

    def _answer(self, text: str, accept: str) -> Reply:
        try:
            results = self.store.query(text, use_default_graph_as_union=True)
        except SyntaxError as err:
            return text_reply(400, f"SPARQL syntax error: {err}")
        if isinstance(results, QueryTriples):
            return self._graph_reply(results, accept)
        chosen = preferred_type(accept, list(RESULT_TYPES))
        if chosen is None:
            return text_reply(406, "acceptable result types: " + ", ".join(RESULT_TYPES))
        if isinstance(results, QuerySolutions) and _longer_than(results, self.config.max_rows):
            return self._too_large("rows")
        if isinstance(results, QuerySolutions):  # counted once; run again to serialise
            results = self.store.query(text, use_default_graph_as_union=True)
        assert isinstance(results, QuerySolutions | QueryBoolean)
        body = results.serialize(format=RESULT_TYPES[chosen])
        return Reply(200, chosen + "; charset=utf-8", body or b"")

    def _graph_reply(self, triples: QueryTriples, accept: str) -> Reply:
        chosen = preferred_type(accept, list(GRAPH_TYPES))
        if chosen is None:
            return text_reply(406, "acceptable graph types: " + ", ".join(GRAPH_TYPES))
        kept = []
        for triple in triples:
            if len(kept) == self.config.max_rows:
                return self._too_large("triples")
            kept.append(triple)
        body = serialize(kept, format=GRAPH_TYPES[chosen], prefixes=PREFIXES)
        return Reply(200, chosen + "; charset=utf-8", body or b"")

    def _too_large(self, what: str) -> Reply:
        limit = self.config.max_rows
        return text_reply(413, f"the result has more than {limit} {what}; add a LIMIT")

    def describe(self, path: str, accept: str) -> Reply:
        """Describe the instance {base}{path} (all its triples as subject) as Turtle or HTML."""
        subject = NamedNode(self.base + path.lstrip("/"))
        triples = sorted(
            {
                Triple(q.subject, q.predicate, q.object)
                for q in self.store.quads_for_pattern(subject, None, None, None)
            },
            key=str,
        )
        if not triples:
            return text_reply(404, f"nothing is known about <{subject.value}>")
        chosen = preferred_type(accept, DESCRIPTION_TYPES)
        if chosen is None:
            return text_reply(406, "acceptable types: " + ", ".join(DESCRIPTION_TYPES))
        if chosen == "text/html":
            page = describe_html(subject, triples, self._labels(triples))
            return Reply(200, "text/html; charset=utf-8", page.encode("utf-8"))
        body = serialize(triples, format=GRAPH_TYPES[chosen], prefixes=PREFIXES)
        return Reply(200, chosen + "; charset=utf-8", body or b"")

    def _labels(self, triples: list[Triple]) -> dict[str, str]:
        """A preferred label for every IRI the description mentions that has one."""
        labels = {}
        for term in {t.object for t in triples} | {t.predicate for t in triples}:
            if isinstance(term, NamedNode):
                label = self._label(term)
                if label:
                    labels[term.value] = label
        return labels

    def _label(self, node: NamedNode) -> str | None:
        for predicate in (SKOS + "prefLabel", RDFS + "label"):
            for quad in self.store.quads_for_pattern(node, NamedNode(predicate), None, None):
                return quad.object.value
        return None


def _longer_than(solutions: QuerySolutions, limit: int) -> bool:
    return any(count > limit for count, _ in enumerate(solutions, start=1))


def _within(seconds: float, work: Callable[[], Reply]) -> Reply:
    """Run `work` in a worker thread; answer 503 if it has not finished after `seconds`.

    Oxigraph cannot cancel a running query, so the worker (a daemon thread) runs on to its
    end in the background; its answer is dropped.
    """
    outcome: list[Reply] = []

    def run() -> None:
        try:
            outcome.append(work())
        except (OSError, ValueError, RuntimeError) as err:  # evaluation errors of Oxigraph
            outcome.append(text_reply(400, f"SPARQL error: {err}"))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        return text_reply(503, f"the query did not finish within {seconds:g} s")
    return outcome[0]


def describe_html(subject: NamedNode, triples: list[Triple], labels: dict[str, str]) -> str:
    """An HTML page listing the triples of `subject`; every text from the data is escaped.

    Examples
    --------
    >>> from pyoxigraph import Literal
    >>> s = NamedNode("https://w3id.org/labatlas/id/actor/x")
    >>> page = describe_html(s, [Triple(s, NamedNode(RDFS + "label"), Literal("<b>X</b>"))], {})
    >>> "&lt;b&gt;X&lt;/b&gt;" in page and "<b>X" not in page
    True
    """
    title = labels.get(subject.value) or _own_label(triples) or subject.value
    cells = ((_term_html(t.predicate, labels), _term_html(t.object, labels)) for t in triples)
    rows = "\n".join(f"<tr><td>{p}</td><td>{o}</td></tr>" for p, o in cells)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p><code>{html.escape(subject.value)}</code></p>\n"
        f"<table>\n<tr><th>property</th><th>value</th></tr>\n{rows}\n</table>\n</body></html>\n"
    )


def _own_label(triples: list[Triple]) -> str | None:
    for triple in triples:
        if triple.predicate.value in (SKOS + "prefLabel", RDFS + "label"):
            return triple.object.value
    return None


def _term_html(term: object, labels: dict[str, str]) -> str:
    if isinstance(term, NamedNode):
        shown = labels.get(term.value) or term.value
        return f'<a href="{html.escape(term.value)}">{html.escape(shown)}</a>'
    return html.escape(str(term))


def runnable_text(query: LibraryQuery, store: Store) -> str:
    """The text of a library query with its default parameter values written in.

    The library binds parameters by substitution; a client of the endpoint sends plain text,
    so the defaults are written in as RDF terms (`labatlas.graph.remote.substitute_variables`).

    Examples
    --------
    >>> from labatlas.queries import load_query
    >>> text = runnable_text(load_query("shared-partners"), Store())
    >>> '("2"^^<http://www.w3.org/2001/XMLSchema#integer> AS ?min)' in text
    True
    """
    from labatlas.graph.remote import substitute_variables
    from labatlas.queries.library import bind_values, find_entity

    bound = bind_values(query, {}, lambda name: find_entity(store, name))
    values = {variable.value: str(term) for variable, term in bound.items()}
    return substitute_variables(query.text, values)


class GraphPage:
    """The page at /graph, rendered by `render` on its first request and kept.

    Rendering reads the whole store into a network, so it waits until someone asks; requests
    arriving meanwhile wait for the same rendering instead of starting their own.

    Examples
    --------
    >>> page = GraphPage(lambda: "<p>graph</p>")
    >>> page.reply().body
    b'<p>graph</p>'
    """

    def __init__(self, render: Callable[[], str]) -> None:
        self._render = render
        self._body: bytes | None = None
        self._lock = threading.Lock()

    def reply(self) -> Reply:
        """The page (rendered now if it is the first request)."""
        with self._lock:
            if self._body is None:
                self._body = self._render().encode("utf-8")
        return Reply(200, "text/html; charset=utf-8", self._body)


def editor_page(queries: list[tuple[str, str, str]], graph_link: bool = False) -> str:
    """The page at /: a YASGUI editor on /sparql, one tab per (name, title, text) query.

    Parameters
    ----------
    queries : list of (name, title, text)
    graph_link : bool
        Link the graph page at /graph.

    Examples
    --------
    >>> page = editor_page([("q", "A </script> title", "SELECT * {}")], graph_link=True)
    >>> "</script> title" in page, '<a href="/graph">' in page
    (False, True)
    """
    tabs = [{"name": name, "title": title, "query": text} for name, title, text in queries]
    # "<" escaped so that no query text can close the <script> element it sits in.
    data = json.dumps(tabs, ensure_ascii=False).replace("<", "\\u003c")
    graph = ' <a href="/graph">See the graph</a> of the store.' if graph_link else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>labatlas SPARQL endpoint</title>
<link rel="stylesheet" href="/static/yasgui.min.css">
<script src="/static/yasgui.min.js"></script>
</head><body>
<h1>labatlas SPARQL endpoint</h1>
<p>Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol). One tab per query of the library.
{graph}</p>
<div id="yasgui"></div>
<script type="application/json" id="library">{data}</script>
<script>
const library = JSON.parse(document.getElementById("library").textContent);
const endpoint = new URL("/sparql", window.location.href).href;
const yasgui = new Yasgui(document.getElementById("yasgui"), {{
  requestConfig: {{endpoint: endpoint, method: "POST"}},
  copyEndpointOnNewTab: true,
  persistenceId: null,
  // class/property completion asks lov.linkeddata.es: keep the page offline.
  yasqe: {{autocompleters: ["prefixes", "variables"]}},
}});
for (const item of library) {{
  yasgui.addTab(false, {{name: item.name, yasqe: {{value: item.query}},
    requestConfig: {{endpoint: endpoint}}}});
}}
</script>
</body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    """Routes: / (editor), /graph, /static/*, /sparql (GET, POST), /id/* (dereferencing)."""

    endpoint: Endpoint
    page: bytes
    graph_page: GraphPage | None
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/":
            self._send(Reply(200, "text/html; charset=utf-8", self.page))
        elif url.path == "/graph" and self.graph_page:
            self._send(self.graph_page.reply())
        elif url.path.startswith("/static/"):
            self._send(_static(url.path.removeprefix("/static/")))
        elif url.path == "/sparql":
            self._send(self._sparql(parse_qs(url.query)))
        elif url.path.startswith("/id/"):
            self._send(self.endpoint.describe(url.path, self.headers.get("Accept", "")))
        else:
            self._send(text_reply(404, f"no such page: {url.path}"))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(text_reply(404, f"no such endpoint: {url.path}"))
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media == FORM_TYPE:
            self._send(self._sparql(parse_qs(body)))
        elif media == "application/sparql-query":
            self._send(self.endpoint.query(body, self.headers.get("Accept", "")))
        elif media == "application/sparql-update":
            self._send(self.endpoint.update(body, self.headers.get("Authorization", "")))
        else:
            self._send(text_reply(415, f"unsupported Content-Type {media!r}"))

    def _sparql(self, fields: dict[str, list[str]]) -> Reply:
        if "update" in fields:
            return self.endpoint.update(fields["update"][0], self.headers.get("Authorization", ""))
        if "query" not in fields:
            return text_reply(400, "missing 'query' (or 'update') parameter")
        return self.endpoint.query(fields["query"][0], self.headers.get("Accept", ""))

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet; the command prints the address once."""


def _static(name: str) -> Reply:
    """A vendored file of graph/static/ (only plain names: no path can leave the folder)."""
    path = STATIC_DIR / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return text_reply(404, f"no such file: {name}")
    content_type = STATIC_TYPES.get(path.suffix, "application/octet-stream")
    return Reply(200, content_type + "; charset=utf-8", path.read_bytes())


def make_server(
    store: Store,
    config: ServerConfig,
    host: str,
    port: int,
    render_graph: Callable[[], str] | None = None,
) -> ThreadingHTTPServer:
    """Create (not start) the HTTP server; port 0 picks a free port (see ``server_address``).

    Parameters
    ----------
    store : pyoxigraph.Store
        Opened read-only, or writable if ``config.allow_updates``.
    config : ServerConfig
    host, port : str, int
    render_graph : callable, optional
        Renders the HTML page served at /graph (and linked from /); no such page without it.

    Returns
    -------
    ThreadingHTTPServer
        Call ``serve_forever()`` to run it and ``shutdown()`` to stop it.
    """
    from labatlas.queries import library

    queries = [(item.name, item.title, runnable_text(item, store)) for item in library().values()]
    page = editor_page(queries, graph_link=render_graph is not None)
    handler = type(
        "LabatlasHandler",
        (_Handler,),
        {
            "endpoint": Endpoint(store, config),
            "page": page.encode("utf-8"),
            "graph_page": GraphPage(render_graph) if render_graph else None,
        },
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
