"""Publishing commands: docs (ontology pages), serve (SPARQL endpoint), publish, remote-query."""

from __future__ import annotations

from pathlib import Path

import click

from labatlas.cli_common import STORE_OPTION, LabatlasError, fail_cleanly


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
@click.option("--base", default=None, help="Base IRI of the instances served under /id/.")
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
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint at /sparql, with an editor page at /.

    Instances {base}id/{kind}/{slug} are described at /id/{kind}/{slug} (Turtle or HTML).
    """
    from labatlas.graph.rdf import DEFAULT_BASE
    from labatlas.graph.server import ServerConfig, make_server
    from labatlas.graph.store import open_store

    if allow_updates and not token:
        raise LabatlasError("--allow-updates needs --token (updates must be authenticated)")
    config = ServerConfig(timeout, max_rows, allow_updates, token, base or DEFAULT_BASE)
    store = open_store(store_dir, read_only=not allow_updates)
    try:
        server = make_server(store, config, host, port)
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
    "--graph-store",
    default=None,
    help="Graph Store Protocol URL (default: the endpoint; Virtuoso: /sparql-graph-crud-auth).",
)
@click.option("--user", default=None, help="Login (HTTP Basic or Digest).")
@click.option("--password", default=None, help="Password of --user.")
@STORE_OPTION
@fail_cleanly
def publish(
    endpoint: str,
    graph_iri: str | None,
    graph_store: str | None,
    user: str | None,
    password: str | None,
    store_dir: Path | None,
) -> None:
    """Replace a named graph of a remote triple store with the export of the store.

    Sends one Graph Store Protocol PUT (N-Triples); if the server has no Graph Store endpoint,
    clears the graph and sends SPARQL Update INSERTs in batches.
    """
    from labatlas.graph.export import store_base
    from labatlas.graph.remote import Remote, RemoteError, publish_triples, store_triples
    from labatlas.graph.store import open_store

    store = open_store(store_dir)
    graph = graph_iri or store_base(store) + "graph/published"
    try:
        report = publish_triples(
            Remote(endpoint, graph_store, user, password), store_triples(store, endpoint), graph
        )
    except (RemoteError, ValueError) as err:  # ValueError: --graph is not an IRI
        raise LabatlasError(str(err)) from err
    click.echo(
        f"published {report.triples} triples into <{report.graph}> "
        f"({report.method}, {report.requests} request(s))"
    )


@click.command("remote-query")
@click.argument("name")
@click.option("--endpoint", required=True, help="SPARQL endpoint URL.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query parameter (repeatable); IRI parameters take IRIs or prefixed names.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--user", default=None, help="Login (HTTP Digest).")
@click.option("--password", default=None, help="Password of --user.")
@fail_cleanly
def remote_query(
    name: str,
    endpoint: str,
    params: tuple[str, ...],
    fmt: str,
    user: str | None,
    password: str | None,
) -> None:
    """Run the library query NAME (or a .rq FILE) on a remote SPARQL endpoint."""
    from pyoxigraph import Store

    from labatlas.graph.remote import Remote, RemoteError, run_remote_query
    from labatlas.queries import format_result, load_query
    from labatlas.queries.library import bind_values

    given = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep:
            raise LabatlasError(f"--param {param!r}: expected NAME=VALUE")
        given[key.strip()] = value
    chosen = load_query(name)
    # An empty local store: IRI values must be IRIs or prefixed names, not labels.
    bound = bind_values(chosen, given, Store())
    try:
        result = run_remote_query(
            Remote(endpoint, None, user, password),
            chosen,
            {variable.value: term for variable, term in bound.items()},
        )
    except RemoteError as err:
        raise LabatlasError(str(err)) from err
    click.echo(format_result(result, fmt), nl=False)
