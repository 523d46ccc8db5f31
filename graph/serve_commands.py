"""Linked-data commands: docs (ontology pages), serve (SPARQL endpoint), push and pull."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from labatlas.cli_common import STORE_OPTION, LabatlasError, fail_cleanly

if TYPE_CHECKING:
    from labatlas.graph.rdf import Namespaces


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write index.html into.",
)
@fail_cleanly
def docs(output: Path) -> None:
    """Write the HTML documentation of the labatlas ontology (pyLODE), usable offline."""
    from labatlas.graph.docs import DocsError, write_ontology_docs
    from labatlas.ontology import ontology_path

    try:
        page = write_ontology_docs(ontology_path(), output)
    except DocsError as err:
        raise LabatlasError(str(err)) from err
    click.echo(f"wrote {page}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7878, show_default=True, type=int)
@STORE_OPTION
@click.option("--timeout", default=30.0, show_default=True, help="Seconds before a query gets 503.")
@click.option(
    "--max-rows", default=100_000, show_default=True, help="More rows or triples get 413."
)
@click.option("--allow-updates", is_flag=True, help="Accept SPARQL updates (needs --token).")
@click.option("--token", default=None, help="Bearer token that updates must carry.")
@click.option(
    "--base",
    default=None,
    help="Base IRI of the instances served under /id/ (default: the store's own).",
)
@click.option(
    "--graph-page/--no-graph-page",
    default=True,
    show_default=True,
    help="Serve the store's graph (as `labatlas viz` draws it) at /graph, linked from /.",
)
@fail_cleanly
def serve(
    host: str,
    port: int,
    store_dir: Path | None,
    timeout: float,
    max_rows: int,
    allow_updates: bool,
    token: str | None,
    base: str | None,
    graph_page: bool,
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint at /sparql, with an editor page at /.

    Instances {base}id/{kind}/{slug} are described at /id/{kind}/{slug} (Turtle or HTML). The
    graph page at /graph is drawn on its first request (a large store takes a while).
    """
    from labatlas.graph.server import ServerConfig, make_server
    from labatlas.graph.store import open_store
    from labatlas.viz.page import store_page

    if allow_updates and not token:
        raise LabatlasError("--allow-updates needs --token (updates must be authenticated)")
    store = open_store(store_dir, read_only=not allow_updates)
    config = ServerConfig(timeout, max_rows, allow_updates, token, base)
    render_graph = (lambda: store_page(store)) if graph_page else None
    try:
        server = make_server(store, config, host, port, render_graph)
    except OSError as err:
        raise LabatlasError(f"{host}:{port}: cannot listen ({err.strerror})") from err
    click.echo(f"SPARQL endpoint on http://{host}:{server.server_address[1]}/sparql", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()


@click.command()
@click.option("--endpoint", required=True, help="SPARQL endpoint URL (query and update).")
@click.option(
    "--graph",
    "graph_iri",
    default=None,
    help="Named graph to replace (default: {base}graph/published).",
)
@click.option(
    "--document",
    default=None,
    metavar="ID",
    help="Push only this document's graph (IRI or id, see `labatlas query documents`).",
)
@click.option(
    "--ontology/--no-ontology",
    default=True,
    show_default=True,
    help="Send the labatlas ontology with the data (queries reading classes need it).",
)
@click.option(
    "--graph-store",
    default=None,
    help="Graph Store Protocol URL (default: the endpoint; Virtuoso: /sparql-graph-crud-auth).",
)
@click.option("--user", default=None, help="Login (HTTP Basic or Digest).")
@click.option("--password", default=None, help="Password of --user.")
@STORE_OPTION
@fail_cleanly
def push(
    endpoint: str,
    graph_iri: str | None,
    document: str | None,
    ontology: bool,
    graph_store: str | None,
    user: str | None,
    password: str | None,
    store_dir: Path | None,
) -> None:
    """Replace a named graph of a remote triple store with the store's export.

    Sends one Graph Store Protocol PUT (N-Triples); if the server has no Graph Store endpoint,
    sends SPARQL Update INSERTs in batches into a staging graph, then moves it over the
    target, so a push that fails leaves the remote graph as it was.
    """
    from labatlas.graph.export import store_base
    from labatlas.graph.remote import Remote, RemoteError, push_triples, store_triples
    from labatlas.graph.store import open_store

    store = open_store(store_dir, read_only=True)
    graph = graph_iri or store_base(store) + "graph/published"
    remote = Remote(endpoint, graph_store, user, password)
    try:
        triples = store_triples(store, endpoint, ontology, document)
        report = push_triples(remote, triples, graph, _print_progress)
    except (RemoteError, ValueError) as err:  # ValueError: --graph is not an IRI
        raise LabatlasError(str(err)) from err
    click.echo(
        f"pushed {report.triples} triples into <{report.graph}> "
        f"({report.method}, {report.requests} request(s))"
    )


def _print_progress(sent: int, total: int) -> None:
    click.echo(f"  sent {sent}/{total} triples", err=True)


@click.command()
@click.argument("query_file", metavar="QUERY", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--endpoint", required=True, help="SPARQL endpoint URL.")
@click.option(
    "--graph",
    "graph_iri",
    default=None,
    help="Named graph of the store to replace (default: {base}graph/pull/QUERY-NAME).",
)
@click.option("--user", default=None, help="Login (HTTP Basic or Digest).")
@click.option("--password", default=None, help="Password of --user.")
@STORE_OPTION
@fail_cleanly
def pull(
    query_file: Path,
    endpoint: str,
    graph_iri: str | None,
    user: str | None,
    password: str | None,
    store_dir: Path | None,
) -> None:
    """Load the answer of a CONSTRUCT or DESCRIBE QUERY (a .rq file) on a remote endpoint.

    The triples replace one named graph of the store (e.g. Wikidata facts about reference
    entities), atomically: a failed pull leaves the store as it was.
    """
    import tempfile

    from labatlas.graph.importer import import_files, plan_import
    from labatlas.graph.rdf import slugify
    from labatlas.graph.remote import Remote, RemoteError, fetch_graph

    if not query_file.is_file():
        raise LabatlasError(f"{query_file}: no such query file")
    graph = graph_iri or _base_of(store_dir).graph(f"pull/{slugify(query_file.stem)}").value
    with tempfile.TemporaryDirectory(prefix="labatlas-pull-") as folder:
        try:
            answer = fetch_graph(
                Remote(endpoint, None, user, password), query_file.read_text(), Path(folder)
            )
        except RemoteError as err:
            raise LabatlasError(f"{query_file}: {err}") from err
        (imported,) = import_files(plan_import([answer], None, graph), store_dir)
    click.echo(f"pulled {imported.quads} triples into <{graph}>")


def _base_of(store_dir: Path | None) -> Namespaces:
    """The namespaces of the store at `store_dir` (the default ones for a store not made yet)."""
    from labatlas.graph.export import store_base
    from labatlas.graph.rdf import Namespaces
    from labatlas.graph.store import StoreError, open_store

    try:
        return Namespaces(store_base(open_store(store_dir)))
    except StoreError:
        return Namespaces()
