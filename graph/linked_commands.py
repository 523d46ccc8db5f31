"""Linked-data commands: validate (SHACL) and reason (HermiT or OWL-RL)."""

from __future__ import annotations

from pathlib import Path

import click

from labatlas.cli_common import RDF_SYNTAX_OPTION, STORE_OPTION, LabatlasError, fail_cleanly


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@STORE_OPTION
@click.option("--limit", default=50, show_default=True, help="Print at most this many lines.")
@RDF_SYNTAX_OPTION
@fail_cleanly
def validate(file: Path | None, store_dir: Path | None, limit: int, fmt: str | None) -> None:
    """Check the store, or any RDF FILE, against the labatlas SHACL shapes (pySHACL).

    Prints one line per violation with the label of the faulty node; exits with 1 when the
    data does not conform.
    """
    from labatlas.graph.store import open_store
    from labatlas.graph.validate import (
        ValidationInputError,
        file_graph,
        store_graph,
        validate_graph,
    )

    try:
        data = file_graph(file, fmt) if file else store_graph(open_store(store_dir))
        report = validate_graph(data)
    except ValidationInputError as err:
        raise LabatlasError(str(err)) from err
    for violation in report.violations[:limit]:
        click.echo(violation.line())
    hidden = len(report.violations) - limit
    if hidden > 0:
        click.echo(f"... and {hidden} more (--limit)")
    source = file or "the store"
    if report.conforms:
        click.echo(f"{source}: conforms ({report.triples} triples checked)")
        return
    click.echo(f"{source}: {len(report.violations)} violation(s) in {report.triples} triples")
    raise click.exceptions.Exit(1)


@click.command()
@click.option(
    "--engine",
    type=click.Choice(["hermit", "owlrl"]),
    default="hermit",
    show_default=True,
    help="hermit: HermiT through owlready2 (needs Java); owlrl: pure-Python OWL 2 RL.",
)
@click.option("--dry-run", is_flag=True, help="Report only; do not write the inferred graph.")
@STORE_OPTION
@fail_cleanly
def reason(engine: str, dry_run: bool, store_dir: Path | None) -> None:
    """Reason over ontology + data; write inferred facts into the graph {base}graph/inferred.

    Reports an inconsistency with the offending entities (exit 1). Inferred facts are the
    defined classes (la:Funder), inverses (la:funds), super-properties and superclass types.
    """
    from collections import Counter

    from labatlas.graph.inference import reason as run_reasoner
    from labatlas.graph.inference import write_inferred
    from labatlas.graph.store import open_store

    try:
        result = run_reasoner(open_store(store_dir), engine)
    except RuntimeError as err:  # no Java for HermiT
        raise LabatlasError(f"{err} (or use --engine owlrl)") from err
    click.echo(result.message)
    if not result.consistent:
        for problem in result.problems:
            click.echo(f"  {problem}")
        raise click.exceptions.Exit(1)
    by_predicate = Counter(t.predicate.value for t in result.inferred)
    for predicate, n in by_predicate.most_common():
        click.echo(f"  {n:>6}  {predicate}")
    if not dry_run:
        graph = write_inferred(open_store(store_dir, read_only=False), result.inferred)
        click.echo(f"wrote {len(result.inferred)} triples into graph <{graph.value}>")
