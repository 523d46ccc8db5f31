"""`labatlas push`, `query --endpoint` and `pull` against a real Virtuoso on 127.0.0.1."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, Store

from labatlas.cli import main
from labatlas.graph.rdf import Namespaces
from labatlas.graph.remote import (
    Remote,
    RemoteError,
    resolve_remote_name,
    run_remote_query,
    store_triples,
    substitute_variables,
)
from labatlas.graph.store import write_store
from labatlas.queries import find_entity, library, load_query, run_query
from labatlas.queries.format import term_text
from labatlas.queries.library import bind_values

from .conftest import Virtuoso, comparable_rows, free_port

PUSHED = "urn:labatlas:test:gsp"


def _count(virtuoso: Virtuoso, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    url = virtuoso.http + "/sparql?" + urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.read().decode().splitlines()[1])


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _push(virtuoso: Virtuoso, store_dir: Path, graph: str, *extra: str) -> tuple[int, str]:
    return _cli(
        "push", "--endpoint", virtuoso.endpoint, "--graph", graph,
        "--store", str(store_dir), "--user", "dba", *extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso, built_store: Path) -> str:
    """The seed graph, with the ontology, pushed once through the Graph Store Protocol."""
    code, output = _push(
        virtuoso, built_store, PUSHED, "--password", "dba", "--graph-store", virtuoso.graph_store
    )
    assert code == 0, output
    return output


def test_push_by_graph_store_put(virtuoso: Virtuoso, pushed: str, store: Store) -> None:
    expected = len(store_triples(store, virtuoso.endpoint))
    # One PUT, or (when the server drops a PUT body this large) staged update batches.
    assert f"pushed {expected} triples" in pushed, pushed
    assert "(graph-store, 1 request(s))" in pushed or "(update," in pushed, pushed
    assert _count(virtuoso, PUSHED) == expected


def test_push_falls_back_to_batched_updates(virtuoso: Virtuoso, built_store: Path, store) -> None:
    graph = "urn:labatlas:test:update"
    no_graph_store = virtuoso.http + "/no-graph-store-here"
    for _ in range(2):  # twice: the graph is replaced, not appended to
        code, output = _push(
            virtuoso, built_store, graph, "--password", "dba", "--graph-store", no_graph_store
        )
        assert code == 0 and "(update," in output, output
        assert "sent " in output  # progress, one line per batch
    assert _count(virtuoso, graph) == len(store_triples(store, virtuoso.endpoint))
    staging = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    staging += 'FILTER(STRSTARTS(STR(?g), "urn:labatlas:staging:")) }'
    answer = run_remote_query(Remote(virtuoso.http + "/sparql"), _adhoc(staging))
    assert answer.rows == (("0",),)  # the staging graph was moved, not left behind


def test_push_one_document(virtuoso: Virtuoso, built_store: Path, store: Store) -> None:
    documents = run_query(store, load_query("documents"))
    first = term_text(documents.rows[0][0])
    code, output = _push(
        virtuoso, built_store, "urn:labatlas:test:doc", "--password", "dba",
        "--graph-store", virtuoso.graph_store, "--document", first.rsplit("/", 1)[-1],
    )  # fmt: skip
    assert code == 0, output
    graph = NamedNode(first.replace("/id/doc/", "/graph/doc/"))
    in_store = list(store.quads_for_pattern(None, None, None, graph))
    assert _count(virtuoso, "urn:labatlas:test:doc") == len(in_store) > 0
    code, output = _push(virtuoso, built_store, "urn:x", "--document", "no-such-document")
    assert code == 1 and "no document 'no-such-document'" in output


def test_wrong_password_is_one_clear_error_and_writes_nothing(
    virtuoso: Virtuoso, built_store: Path
) -> None:
    code, output = _push(virtuoso, built_store, "urn:labatlas:test:denied", "--password", "nope")
    assert code == 1 and output.startswith("labatlas: error:"), output
    assert "401" in output and "Traceback" not in output
    assert len(output.strip().splitlines()) == 1
    assert _count(virtuoso, "urn:labatlas:test:denied") == 0


def _example_params(example: str) -> dict[str, str]:
    return dict(re.findall(r"--param (\w+)=(\S+)", example))


def _cases() -> list[object]:
    """Each query without parameters, with its example's, and with each of those alone when
    the example gives several (every branch of a query that tests which ones are given)."""
    cases = []
    for name, item in library().items():
        example = _example_params(item.example)
        cases += [pytest.param(name, {}, id=f"{name}-all")]
        cases += [pytest.param(name, example, id=f"{name}-example")]
        if len(example) > 1:
            cases += [
                pytest.param(name, {key: value}, id=f"{name}-{key}")
                for key, value in example.items()
            ]
    return cases


CASES = _cases()


@pytest.mark.parametrize(("name", "params"), CASES)
def test_every_library_query_answers_on_virtuoso_as_locally(
    virtuoso: Virtuoso, pushed: str, store: Store, name: str, params: dict[str, str]
) -> None:
    query = load_query(name)
    local = run_query(store, query, params)
    remote = run_remote_query(Remote(virtuoso.http + "/sparql"), query, params)
    assert remote.columns == local.columns
    assert comparable_rows(remote.rows) == comparable_rows(local.rows)
    assert local.rows, f"{name} {params}: an empty answer would prove nothing"


def test_query_endpoint_from_the_cli_resolves_labels_remotely(
    virtuoso: Virtuoso, pushed: str, store: Store
) -> None:
    code, output = _cli(
        "query", "funders", "--endpoint", virtuoso.http + "/sparql",
        "--param", "initiative=SIILAB", "--format", "csv",
    )  # fmt: skip
    assert code == 0, output
    local = run_query(store, load_query("funders"), {"initiative": "SIILAB"})
    assert len(output.strip().splitlines()) == 1 + len(local.rows)
    code, output = _cli(
        "query", "funders", "--endpoint", virtuoso.http + "/sparql",
        "--param", "initiative=No Such Lab",
    )  # fmt: skip
    assert code == 1 and "no entity named 'No Such Lab'" in output


@pytest.mark.parametrize(
    "name", ["Unis-Cite", "UNIS-CITÉ", "the Unis-Cité’s", "La 27e Region", "universite de nimes"]
)
def test_remote_names_match_whatever_their_case_and_accents(
    virtuoso: Virtuoso, pushed: str, store: Store, name: str
) -> None:
    remote = Remote(virtuoso.http + "/sparql")
    assert resolve_remote_name(remote, name) == find_entity(store, name)


def test_pull_loads_a_construct_into_its_own_graph(
    virtuoso: Virtuoso, pushed: str, tmp_path: Path
) -> None:
    query = tmp_path / "funders-of.rq"
    query.write_text(
        "PREFIX la: <https://w3id.org/labatlas/ontology#>\n"
        "CONSTRUCT { ?i la:fundedBy ?f } WHERE { ?i la:fundedBy ?f }\n"
    )
    store_dir = tmp_path / "store"
    for _ in range(2):  # again: replaces the graph
        code, output = _cli(
            "pull", str(query), "--endpoint", virtuoso.http + "/sparql",
            "--store", str(store_dir),
        )  # fmt: skip
        assert code == 0, output
    graph = NamedNode("https://w3id.org/labatlas/graph/pull/funders-of")
    assert f"into <{graph.value}>" in output
    pulled = Store.read_only(str(store_dir))
    funded = {(q.subject, q.object) for q in pulled.quads_for_pattern(None, None, None, graph)}
    remote = run_remote_query(Remote(virtuoso.http + "/sparql"), load_query("funders"))
    assert {(s.value, o.value) for s, o in funded} == {(r[0], r[2]) for r in remote.rows}
    assert int(re.search(r"pulled (\d+) triples", output).group(1)) == len(funded) > 0


def test_pull_names_its_graph_under_the_base_of_the_store(
    virtuoso: Virtuoso, pushed: str, tmp_path: Path
) -> None:
    ns = Namespaces("https://data.example.org/")
    write_store(tmp_path / "store", [], ns)
    query = tmp_path / "labels.rq"
    query.write_text(
        "CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
        "WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 5"
    )
    code, output = _cli(
        "pull", str(query), "--endpoint", virtuoso.http + "/sparql",
        "--store", str(tmp_path / "store"),
    )  # fmt: skip
    assert code == 0 and "into <https://data.example.org/graph/pull/labels>" in output, output


def test_pull_refuses_a_select_before_sending_it(tmp_path: Path) -> None:
    query = tmp_path / "select.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }")
    code, output = _cli(
        "pull", str(query), "--endpoint", f"http://127.0.0.1:{free_port()}/sparql",
        "--store", str(tmp_path / "store"),
    )  # fmt: skip
    assert code == 1 and "only a CONSTRUCT or DESCRIBE" in output
    assert not (tmp_path / "store").exists()


def test_unreachable_endpoint_is_one_line_after_retries(built_store: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"
    code, output = _cli("query", "funders", "--endpoint", endpoint)
    assert code == 1 and "127.0.0.1" in output and "after 3 attempts" in output
    assert len(output.strip().splitlines()) == 1
    code, output = _cli("push", "--endpoint", endpoint, "--store", str(built_store))
    assert code == 1 and "cannot connect" in output and "after 3 attempts" in output
    with pytest.raises(RemoteError, match=r"127\.0\.0\.1"):
        run_remote_query(Remote(endpoint), load_query("funders"))


def _adhoc(text: str):  # type: ignore[no-untyped-def]
    """A SELECT outside the library, in the form `run_remote_query` takes."""
    from labatlas.queries.library import LibraryQuery

    return LibraryQuery("adhoc", Path("adhoc.rq"), text, "", "", (), "")


@pytest.mark.parametrize(("name", "params"), [pytest.param(*c.values, id=c.id) for c in CASES])
def test_written_in_parameters_answer_as_substitution_does(
    store: Store, name: str, params: dict[str, str]
) -> None:
    """What a remote endpoint is sent, run on the local store, answers as `run_query` does."""
    query = load_query(name)
    local = run_query(store, query, params)
    bound = bind_values(query, params, lambda label: find_entity(store, label))
    text = substitute_variables(query.text, {v.value: str(t) for v, t in bound.items()})
    solutions = store.query(text, use_default_graph_as_union=True)
    columns = tuple(v.value for v in solutions.variables)
    assert columns == local.columns
    assert comparable_rows(tuple(tuple(row) for row in solutions)) == comparable_rows(local.rows)
