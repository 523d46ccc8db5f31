"""`labatlas publish` and `labatlas remote-query` against a real Virtuoso on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from labatlas.cli import main
from labatlas.graph.remote import Remote, RemoteError, run_remote_query, store_triples
from labatlas.queries import load_query, run_query

VIRTUOSO = shutil.which("virtuoso-t")
pytestmark = pytest.mark.skipif(VIRTUOSO is None, reason="virtuoso-t is not installed")

INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
"""


@dataclass(frozen=True)
class Virtuoso:
    http: str  # http://127.0.0.1:{port}

    @property
    def endpoint(self) -> str:
        return self.http + "/sparql-auth"

    @property
    def graph_store(self) -> str:
        return self.http + "/sparql-graph-crud-auth"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/sparql?" + urlencode({"query": "ASK {}"}), timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A fresh Virtuoso with its own database folder and ports; stopped after the module."""
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Virtuoso(f"http://127.0.0.1:{http_port}")
    try:
        deadline = time.monotonic() + 60
        while not _ready(server.http):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Virtuoso did not start: {(folder / 'virtuoso.log').read_text()}")
            time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


def _count(virtuoso: Virtuoso, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    url = virtuoso.http + "/sparql?" + urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.read().decode().splitlines()[1])


def _publish(virtuoso: Virtuoso, store_dir: Path, graph: str, *extra: str) -> str:
    args = ["publish", "--endpoint", virtuoso.endpoint, "--graph", graph]
    args += ["--store", str(store_dir), "--user", "dba", *extra]
    result = CliRunner().invoke(main, args)
    return result.output if result.exit_code == 0 else f"exit {result.exit_code}: {result.output}"


def test_publish_by_graph_store_put(virtuoso: Virtuoso, built_store: Path, store):
    graph = "urn:labatlas:test:gsp"
    output = _publish(
        virtuoso, built_store, graph, "--password", "dba", "--graph-store", virtuoso.graph_store
    )
    expected = len(store_triples(store, virtuoso.endpoint))
    assert f"published {expected} triples" in output and "graph-store" in output, output
    assert _count(virtuoso, graph) == expected


def test_publish_falls_back_to_insert_data(virtuoso: Virtuoso, built_store: Path, store):
    graph = "urn:labatlas:test:update"
    no_graph_store = virtuoso.http + "/no-graph-store-here"
    for _ in range(2):  # twice: the graph is replaced, not appended to
        output = _publish(
            virtuoso, built_store, graph, "--password", "dba", "--graph-store", no_graph_store
        )
        assert "(update," in output, output
    assert _count(virtuoso, graph) == len(store_triples(store, virtuoso.endpoint))


def test_wrong_password_is_one_clear_error(virtuoso: Virtuoso, built_store: Path):
    output = _publish(virtuoso, built_store, "urn:labatlas:test:denied", "--password", "nope")
    assert output.startswith("exit 1: labatlas: error:"), output
    assert "401" in output
    assert "Traceback" not in output


def test_remote_query_matches_the_local_runner(virtuoso: Virtuoso, built_store: Path, store):
    graph = "urn:labatlas:test:gsp"
    if _count(virtuoso, graph) == 0:
        _publish(virtuoso, built_store, graph, "--password", "dba")
    query = load_query("shared-partners")
    local = run_query(store, query)
    remote = run_remote_query(Remote(virtuoso.http + "/sparql"), query, {})
    # The export holds no ontology, so ?class differs; actors and their counts must not.
    wanted = ("actor", "initiatives")

    def pairs(columns, rows) -> set[tuple[str, int]]:
        at = [columns.index(c) for c in wanted]
        return {
            (
                str(getattr(r[at[0]], "value", r[at[0]])),
                int(str(getattr(r[at[1]], "value", r[at[1]]))),
            )
            for r in rows
        }

    assert pairs(remote.columns, remote.rows) == pairs(local.columns, local.rows)
    assert len(remote.rows) >= 2

    result = CliRunner().invoke(
        main,
        [
            "remote-query",
            "shared-partners",
            "--endpoint",
            virtuoso.http + "/sparql",
            "--param",
            "min=3",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    at_least_three = {a for a, n in pairs(local.columns, local.rows) if n >= 3}
    lines = result.output.strip().splitlines()[1:]
    assert len(lines) == len(at_least_three)


def test_remote_query_reports_an_unreachable_endpoint():
    with pytest.raises(RemoteError, match=r"127\.0\.0\.1"):
        run_remote_query(
            Remote(f"http://127.0.0.1:{_free_port()}/sparql"), load_query("funders"), {}
        )
