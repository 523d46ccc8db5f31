"""The SPARQL endpoint (`labatlas serve`): a real server on 127.0.0.1 over a real store."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from labatlas.graph.docs import loaded_resources
from labatlas.graph.rdf import Namespaces
from labatlas.graph.remote import Remote, run_remote_query
from labatlas.graph.server import (
    Reply,
    ServerConfig,
    _within,
    make_server,
    runnable_text,
    text_reply,
)
from labatlas.graph.store import open_store, write_store
from labatlas.queries import library, load_query, run_query
from labatlas.viz.page import store_page

from .conftest import comparable_rows

LA = "https://w3id.org/labatlas/ontology#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SIILAB = "https://w3id.org/labatlas/id/initiative/siilab"
TOKEN = "t0ken-for-tests"
SPARQL_NS = "{http://www.w3.org/2005/sparql-results#}"


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: str


def _request(url: str, data: bytes | None = None, **headers: str) -> Answer:
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            body = response.read().decode("utf-8")
            return Answer(response.status, response.headers["Content-Type"], body)
    except urllib.error.HTTPError as err:
        return Answer(err.code, err.headers["Content-Type"], err.read().decode("utf-8"))


def _serve(store_path: Path, config: ServerConfig, graph_page: bool = False) -> Iterator[str]:
    store = open_store(store_path, read_only=not config.allow_updates)
    render = (lambda: store_page(store)) if graph_page else None
    server = make_server(store, config, "127.0.0.1", 0, render)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def url(built_store: Path) -> Iterator[str]:
    """A read-only endpoint on the shared store, with its graph page (as `labatlas serve`)."""
    yield from _serve(built_store, ServerConfig(timeout=20), graph_page=True)


@pytest.fixture(scope="module")
def writable_url(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An endpoint accepting updates, on a copy of the store (the shared one stays intact)."""
    copy = tmp_path_factory.mktemp("writable") / "store"
    shutil.copytree(built_store, copy)
    yield from _serve(copy, ServerConfig(timeout=20, allow_updates=True, token=TOKEN))


def _query_url(base: str, query: str) -> str:
    return f"{base}/sparql?query={quote(query)}"


def _json_rows(body: str) -> list[tuple[str | None, ...]]:
    results = json.loads(body)
    columns = results["head"]["vars"]
    return [
        tuple(b[c]["value"] if c in b else None for c in columns)
        for b in results["results"]["bindings"]
    ]


def _shared_partners(store) -> tuple[str, list[tuple[str | None, ...]]]:
    query = load_query("shared-partners")
    expected = run_query(store, query)
    rows = [tuple(None if t is None else t.value for t in row) for row in expected.rows]
    return runnable_text(query, store), rows


def test_select_by_get_and_post_gives_the_runner_rows(url: str, store):
    text, expected = _shared_partners(store)
    assert len(expected) >= 2
    json_type = "application/sparql-results+json"
    by_get = _request(_query_url(url, text), Accept=json_type)
    form = urlencode({"query": text}).encode()
    by_form = _request(
        f"{url}/sparql",
        form,
        Accept=json_type,
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    by_body = _request(
        f"{url}/sparql",
        text.encode(),
        Accept=json_type,
        **{"Content-Type": "application/sparql-query"},
    )
    for answer in (by_get, by_form, by_body):
        assert answer.status == 200, answer.body
        assert answer.content_type.startswith(json_type)
        assert _json_rows(answer.body) == expected


def test_csv_and_xml_are_negotiated(url: str, store):
    text, expected = _shared_partners(store)
    as_csv = _request(_query_url(url, text), Accept="text/csv")
    assert as_csv.content_type.startswith("text/csv")
    table = list(csv.reader(io.StringIO(as_csv.body)))
    assert table[0] == list(run_query(store, load_query("shared-partners")).columns)
    assert [row[1] for row in table[1:]] == [row[1] for row in expected]

    accept = "text/csv;q=0.5, application/sparql-results+xml"
    as_xml = _request(_query_url(url, text), Accept=accept)
    assert as_xml.content_type.startswith("application/sparql-results+xml")
    results = ET.fromstring(as_xml.body).iter(f"{SPARQL_NS}result")
    assert len(list(results)) == len(expected)

    assert _request(_query_url(url, text), Accept="image/png").status == 406


def test_construct_gives_turtle(url: str, store):
    query = f"CONSTRUCT {{ ?lab a <{LA}Lab> }} WHERE {{ ?lab a <{LA}Lab> }}"
    answer = _request(_query_url(url, query), Accept="text/turtle")
    assert answer.status == 200
    assert answer.content_type.startswith("text/turtle")
    triples = set(parse(answer.body.encode(), format=RdfFormat.TURTLE))
    labs = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, NamedNode(LA + "Lab"))}
    assert len(triples) == len(labs) > 0
    assert NamedNode(SIILAB) in {t.subject for t in triples}


def test_ask_is_answered(url: str):
    answer = _request(_query_url(url, f"ASK {{ <{SIILAB}> a <{LA}Lab> }}"))
    assert json.loads(answer.body)["boolean"] is True


def test_syntax_error_is_400_with_the_parser_message(url: str):
    answer = _request(_query_url(url, "SELECT ?x WHERE { ?x ?y }"))
    assert answer.status == 400
    assert "syntax error" in answer.body.lower()
    assert "1:" in answer.body  # Oxigraph's line:column


def test_updates_are_refused_without_the_token(url: str, writable_url: str):
    update = f'INSERT DATA {{ <{SIILAB}> <{RDFS_LABEL.value}> "added" }}'
    form = {"Content-Type": "application/sparql-update"}
    assert _request(f"{url}/sparql", update.encode(), **form).status == 403
    with_token = {**form, "Authorization": f"Bearer {TOKEN}"}
    assert _request(f"{url}/sparql", update.encode(), **with_token).status == 403
    assert _request(f"{writable_url}/sparql", update.encode(), **form).status == 403
    wrong = {**form, "Authorization": "Bearer nope"}
    assert _request(f"{writable_url}/sparql", update.encode(), **wrong).status == 403
    ask = f'ASK {{ <{SIILAB}> <{RDFS_LABEL.value}> "added" }}'
    assert json.loads(_request(_query_url(writable_url, ask)).body)["boolean"] is False


def test_update_with_the_token_is_applied(writable_url: str):
    update = f'INSERT DATA {{ <{SIILAB}> <{RDFS_LABEL.value}> "added by update" }}'
    encoded = urlencode({"update": update}).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": f"Bearer {TOKEN}",
    }
    assert _request(f"{writable_url}/sparql", encoded, **headers).status == 204
    ask = f'ASK {{ <{SIILAB}> <{RDFS_LABEL.value}> "added by update" }}'
    assert json.loads(_request(_query_url(writable_url, ask)).body)["boolean"] is True


def test_dereferencing_gives_turtle(url: str, store):
    answer = _request(f"{url}/id/initiative/siilab", Accept="text/turtle")
    assert answer.status == 200
    assert answer.content_type.startswith("text/turtle")
    triples = set(parse(answer.body.encode(), format=RdfFormat.TURTLE))
    stored = {
        (q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(NamedNode(SIILAB), None, None)
    }
    assert {(t.subject, t.predicate, t.object) for t in triples} == stored
    assert _request(f"{url}/id/initiative/no-such-thing").status == 404


def test_dereferencing_gives_escaped_html(writable_url: str):
    hostile = '<script>alert("x")</script>'
    update = f"INSERT DATA {{ <{SIILAB}> <{RDFS_LABEL.value}> {Literal(hostile)} }}"
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    assert _request(f"{writable_url}/sparql", update.encode(), **headers).status == 204
    answer = _request(f"{writable_url}/id/initiative/siilab", Accept="text/html,*/*;q=0.1")
    assert answer.content_type.startswith("text/html")
    assert "SIILAB" in answer.body
    assert hostile not in answer.body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in answer.body


def test_editor_page_is_served_from_local_files(url: str):
    page = _request(f"{url}/")
    assert page.status == 200
    loaded = loaded_resources(page.body)
    assert loaded, "the page loads the editor's script and style"
    for resource in loaded:
        assert not resource.lower().startswith(("http:", "https:", "//"))
        assert _request(f"{url}{resource}").status == 200
    for name in library():
        assert f'"name": "{name}"' in page.body
    assert _request(f"{url}/static/../server.py").status == 404


def test_editor_page_links_the_graph_page_of_the_store(url: str, store):
    editor = _request(f"{url}/")
    assert '<a href="/graph">' in editor.body
    graph = _request(f"{url}/graph")
    assert graph.status == 200 and graph.content_type.startswith("text/html")
    assert graph.body == store_page(store), "the page `labatlas viz` writes for this store"
    assert "SIILAB" in graph.body


def test_no_graph_page_no_link(writable_url: str):
    assert '<a href="/graph">' not in _request(f"{writable_url}/").body
    assert _request(f"{writable_url}/graph").status == 404


def test_dereferencing_uses_the_base_the_store_was_built_with(tmp_path: Path):
    ns = Namespaces("https://data.example.org/")
    lab = ns.id("initiative/city-lab")
    write_store(tmp_path / "store", [Quad(lab, RDFS_LABEL, Literal("City Lab"), ns.graph("d"))], ns)
    served = _serve(tmp_path / "store", ServerConfig(timeout=20))
    base = next(served)
    try:
        answer = _request(f"{base}/id/initiative/city-lab", Accept="text/turtle")
    finally:
        served.close()
    assert answer.status == 200, answer.body
    triples = list(parse(answer.body, format=RdfFormat.TURTLE))
    assert [t.subject.value for t in triples] == ["https://data.example.org/id/initiative/city-lab"]


def test_too_many_rows_is_413(built_store: Path):
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
    config = ServerConfig(max_rows=5)
    serving = _serve(built_store, config)
    server_url = next(serving)
    try:
        answer = _request(_query_url(server_url, query))
        assert answer.status == 413
        assert "more than 5 rows" in answer.body
        assert _request(_query_url(server_url, query + " LIMIT 5")).status == 200
        construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        assert _request(_query_url(server_url, construct)).status == 413
    finally:
        serving.close()  # runs the generator's finally: the server stops


def test_slow_work_gives_503():
    release = threading.Event()

    def blocked() -> Reply:
        release.wait(10)
        return text_reply(200, "done")

    try:
        assert _within(0.05, blocked).status == 503
    finally:
        release.set()
    assert _within(5, lambda: text_reply(200, "done")).status == 200


def test_sparqlwrapper_queries_the_endpoint_as_a_remote_user(url: str, store) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    text, expected = _shared_partners(store)
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery(text)
    client.setReturnFormat(JSON)
    assert _json_rows(json.dumps(client.queryAndConvert())) == expected
    client.setQuery(f"CONSTRUCT {{ <{SIILAB}> ?p ?o }} WHERE {{ <{SIILAB}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    described = parse(client.queryAndConvert(), format=RdfFormat.TURTLE)
    assert {t.object for t in described if t.predicate == RDFS_LABEL} == {
        q.object for q in store.quads_for_pattern(NamedNode(SIILAB), RDFS_LABEL, None)
    }


def test_every_library_query_answers_through_the_endpoint_as_locally(url: str, store) -> None:
    remote = Remote(f"{url}/sparql")
    for item in library().values():
        given = dict(re.findall(r"--param (\w+)=(\S+)", item.example))
        local = run_query(store, item, given)
        answer = run_remote_query(remote, item, given)
        assert answer.columns == local.columns, item.name
        assert comparable_rows(answer.rows) == comparable_rows(local.rows), item.name
