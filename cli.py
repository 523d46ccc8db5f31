"""The `labatlas` command line: build, query, export, stats."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from labatlas.cli_common import (
    CURATION_OPTION,
    STORE_OPTION,
    LabatlasError,
    P,
    R,
    fail_cleanly,
)

if TYPE_CHECKING:
    from pyoxigraph import Store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="labatlas")
def main() -> None:
    """Build and explore a knowledge graph of public innovation labs from case texts."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@STORE_OPTION
@click.option("--base", default=None, help="Base IRI for instances (a portal's own domain).")
@click.option("--quiet", "-q", is_flag=True, help="Print no progress or summary.")
@CURATION_OPTION
@fail_cleanly
def build(
    paths: tuple[Path, ...],
    store_dir: Path | None,
    base: str | None,
    quiet: bool,
    curation: Path | None,
) -> None:
    """Build the graph from PATHS (.txt/.md files or folders; default: the bundled corpus).

    The curation file (if there is one) is applied to what the texts say. The store is
    replaced only when the whole build succeeded.
    """
    from labatlas.loaders.pipeline import collect_sources, default_corpus

    files = collect_sources(list(paths) or [default_corpus()])
    _build_files(files, store_dir, base, quiet, curation)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@STORE_OPTION
@click.option("--base", default=None, help="Base IRI for instances (a portal's own domain).")
@click.option("--quiet", "-q", is_flag=True, help="Print no progress or summary.")
@CURATION_OPTION
@fail_cleanly
def ingest(
    files: tuple[Path, ...],
    store_dir: Path | None,
    base: str | None,
    quiet: bool,
    curation: Path | None,
) -> None:
    """Add FILES to the store, or replace the documents of files with the same names.

    Only the new texts are read again; the rest of the corpus comes from the extraction
    cache, so the result is the graph a full build of the same texts gives.
    """
    from labatlas.graph.store import Workspace, default_store_path
    from labatlas.loaders.pipeline import collect_sources

    workspace = Workspace(store_dir or default_store_path())
    known = workspace.read_sources()
    if not known:
        raise LabatlasError(
            f"{workspace.sources}: no record of the texts of this store; run `labatlas build`"
        )
    new = collect_sources(list(files))
    replaced = {p.name for p in new}
    _build_files(
        [p for p in known if p.name not in replaced] + new, store_dir, base, quiet, curation
    )


def _build_files(
    files: list[Path],
    store_dir: Path | None,
    base: str | None,
    quiet: bool,
    curation: Path | None,
) -> None:
    """Extract `files` (reusing cached work), apply curation, write the store atomically."""
    from labatlas.graph.store import Workspace, build_store, default_store_path, open_store
    from labatlas.loaders.cache import ExtractionCache
    from labatlas.loaders.curation import apply_curation, load_curation
    from labatlas.loaders.pipeline import extract_corpus

    started = time.perf_counter()
    workspace = Workspace(store_dir or default_store_path())

    def progress(path: Path) -> None:
        if not quiet:
            click.echo(f"reading {path}", err=True)

    missing = [p for p in files if not p.exists()]
    if missing:
        raise LabatlasError(f"{missing[0]}: no such file (recorded in {workspace.sources})")
    extraction = extract_corpus(files, on_file=progress, cache=ExtractionCache(workspace.cache))
    for reason in extraction.skipped_files:
        click.echo(f"labatlas: skipped {reason}", err=True)
    curation_file = curation or workspace.curation
    if curation_file.exists():
        records = apply_curation(extraction, load_curation(curation_file), str(curation_file))
        if not quiet:
            click.echo(f"applied {len(records)} curation entries from {curation_file}", err=True)
    elif curation:
        raise LabatlasError(f"{curation}: no such curation file")
    target = build_store(extraction, store_dir, base)
    workspace.write_sources(files)
    if not quiet:
        elapsed = time.perf_counter() - started
        click.echo(f"built {target} in {elapsed:.1f} s")
        _print_summary(open_store(target), top=10)


@main.command()
@STORE_OPTION
@click.option("--top", default=10, show_default=True, help="How many shared partners to list.")
@fail_cleanly
def stats(store_dir: Path | None, top: int) -> None:
    """Print what the store holds: documents, entities per class, relations, shared partners."""
    from labatlas.graph.store import open_store

    _print_summary(open_store(store_dir), top)


def _print_summary(store: Store, top: int) -> None:
    from labatlas.graph.stats import format_summary, summarize
    from labatlas.queries import format_result, load_query, run_query
    from labatlas.queries.library import QueryResult

    click.echo(format_summary(summarize(store)))
    shared = run_query(store, load_query("shared-partners"))
    wanted = ("actorLabel", "class", "initiatives", "initiativeLabels")
    columns = [shared.columns.index(c) for c in wanted]
    rows = tuple(tuple(row[i] for i in columns) for row in shared.rows[:top])
    click.echo("top shared partners:")
    click.echo(format_result(QueryResult(wanted, rows), "table"), nl=False)


@main.command()
@click.argument("name", required=False)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query parameter (repeatable); IRI parameters accept labels.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@STORE_OPTION
@click.option(
    "--endpoint", default=None, help="Run on this remote SPARQL endpoint instead of the store."
)
@click.option("--user", default=None, help="Login at --endpoint (HTTP Digest).")
@click.option("--password", default=None, help="Password of --user.")
@fail_cleanly
def query(
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    store_dir: Path | None,
    endpoint: str | None,
    user: str | None,
    password: str | None,
) -> None:
    """Run a library query by NAME, or any .rq FILE; without NAME, list the library.

    With --endpoint the query runs on a remote SPARQL 1.1 endpoint (labels given to
    --param are looked up there).
    """
    from labatlas.queries import format_result, library, load_query, stream_query, write_rows

    if name is None:
        for query_name, item in library().items():
            click.echo(f"{query_name:<24}{item.title}: {item.description}")
        return
    values = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep:
            raise LabatlasError(f"--param {param!r}: expected NAME=VALUE")
        values[key.strip()] = value
    chosen = load_query(name)
    if endpoint:
        from labatlas.graph.remote import Remote, RemoteError, run_remote_query

        try:
            result = run_remote_query(Remote(endpoint, None, user, password), chosen, values)
        except RemoteError as err:
            raise LabatlasError(str(err)) from err
        click.echo(format_result(result, fmt), nl=False)
        return
    from labatlas.graph.store import open_store

    # Written while it comes: an answer of millions of rows stays small.
    stream = stream_query(open_store(store_dir), chosen, values)
    write_rows(stream.columns, stream.rows, fmt, click.get_text_stream("stdout"))


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ttl", "nt", "trig", "jsonld"]),
    default="ttl",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--include-ontology", is_flag=True, help="Also write the ontology (TBox).")
@click.option("--include-inferred", is_flag=True, help="Also write the facts of `labatlas reason`.")
@click.option(
    "--base",
    default=None,
    help="Publish instances and graphs under this base IRI (default: the store's own).",
)
@click.option("--title", default=None, help="Dataset title (VoID/DCAT description).")
@click.option("--description", "summary", default=None, help="Dataset description.")
@click.option("--license", "license_iri", default=None, help="License IRI of the dataset.")
@click.option("--creator", default=None, help="Creator of the dataset (a name).")
@click.option("--dataset-version", default=None, help="Version of the dataset.")
@click.option("--issued", default=None, help="Issue date, YYYY-MM-DD (default: today).")
@click.option("--endpoint", default=None, help="SPARQL endpoint URL serving the dataset.")
@click.option("--no-description", is_flag=True, help="Write no VoID/DCAT description.")
@STORE_OPTION
@fail_cleanly
def export(
    fmt: str,
    output: Path,
    include_ontology: bool,
    include_inferred: bool,
    base: str | None,
    store_dir: Path | None,
    no_description: bool,
    **meta: str | None,
) -> None:
    """Write the graph as Turtle, N-Triples, TriG (one graph per document) or JSON-LD.

    The export carries a VoID + DCAT description of the dataset (counts, vocabularies,
    examples, licence) in the graph {base}graph/void.
    """
    import dataclasses
    import datetime

    from labatlas.graph.export import export_store
    from labatlas.graph.metadata import DatasetDescription
    from labatlas.graph.store import open_store

    fields = {
        "title": meta["title"],
        "description": meta["summary"],
        "license": meta["license_iri"],
        "creator": meta["creator"],
        "version": meta["dataset_version"],
        "endpoint": meta["endpoint"],
    }
    described = DatasetDescription(**{k: v for k, v in fields.items() if v is not None})
    if meta["issued"]:
        try:
            issued = datetime.date.fromisoformat(meta["issued"])
        except ValueError as err:
            raise LabatlasError(f"--issued {meta['issued']!r}: expected YYYY-MM-DD") from err
        described = dataclasses.replace(described, issued=issued)
    count = export_store(
        open_store(store_dir),
        output,
        fmt,
        None,
        include_ontology,
        publish_base=base,
        description=None if no_description else described,
        include_inferred=include_inferred,
    )
    click.echo(f"wrote {count} statements to {output}", err=True)


@main.command()
@click.argument("gold", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--brief", is_flag=True, help="Scores only, without misses and false positives.")
@fail_cleanly
def evaluate(gold: Path, paths: tuple[Path, ...], fmt: str, brief: bool) -> None:
    """Score extraction from PATHS (default: the bundled corpus) against a GOLD annotation.

    Prints precision, recall and F1 for entities (and class accuracy), for relations per
    predicate (strict) and with the involvement roles merged (relaxed), then what was
    missed and what was wrong, each with its sentence.
    """
    import json

    from labatlas.loaders.evaluation import evaluate as score
    from labatlas.loaders.evaluation import format_report, load_gold
    from labatlas.loaders.pipeline import extract_corpus

    report = score(extract_corpus(list(paths) or None), load_gold(gold))
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, details=not brief), nl=False)


@main.group()
def curate() -> None:
    """Write curation entries: decisions about the graph that survive every rebuild.

    Each command appends one entry (with who, when and why) to the curation file, after
    checking that the entities it names exist in the store. Run `labatlas build` to apply.
    """


def _curation_options(func: Callable[P, R]) -> Callable[P, R]:
    for option in reversed(
        [
            click.option("--who", default="", help="Who decides (name or ORCID)."),
            click.option("--why", default="", help="The reason, for the record."),
            CURATION_OPTION,
            STORE_OPTION,
        ]
    ):
        func = option(func)
    return func


def _append_entry(
    fields: dict[str, object],
    names: list[str],
    curation: Path | None,
    store_dir: Path | None,
    who: str,
    why: str,
) -> None:
    import datetime

    from labatlas.graph.store import Workspace, default_store_path, open_store
    from labatlas.loaders.curation import append_entry
    from labatlas.queries import find_entity

    store = open_store(store_dir)
    for name in names:
        find_entity(store, name)  # fails with close matches when the name is unknown
    path = curation or Workspace(store_dir or default_store_path()).curation
    entry = {**fields, "who": who, "when": datetime.date.today().isoformat(), "why": why}
    append_entry(path, {k: v for k, v in entry.items() if v != ""})
    click.echo(f"added a '{fields['action']}' entry to {path}; run `labatlas build` to apply it")


@curate.command("reject")
@click.argument("subject")
@click.argument("predicate")
@click.argument("obj", metavar="OBJECT")
@_curation_options
@fail_cleanly
def curate_reject(subject: str, predicate: str, obj: str, **options: Any) -> None:
    """Mark SUBJECT PREDICATE OBJECT as wrong (e.g. `reject SIILAB foundedBy R&D`)."""
    _check_predicate(predicate)
    fields = {"action": "reject", "subject": subject, "predicate": predicate, "object": obj}
    _append_entry(fields, [subject, obj], **options)


@curate.command("accept")
@click.argument("subject")
@click.argument("predicate")
@click.argument("obj", metavar="OBJECT")
@_curation_options
@fail_cleanly
def curate_accept(subject: str, predicate: str, obj: str, **options: Any) -> None:
    """Confirm SUBJECT PREDICATE OBJECT (its confidence becomes 1.0)."""
    _check_predicate(predicate)
    fields = {"action": "accept", "subject": subject, "predicate": predicate, "object": obj}
    _append_entry(fields, [subject, obj], **options)


@curate.command("add")
@click.argument("subject")
@click.argument("predicate")
@click.argument("obj", metavar="OBJECT")
@click.option("--evidence", default="", help="The sentence or source that states the fact.")
@_curation_options
@fail_cleanly
def curate_add(subject: str, predicate: str, obj: str, evidence: str, **options: Any) -> None:
    """Add a fact the extractor missed, between two entities of the graph."""
    _check_predicate(predicate)
    fields = {
        "action": "add",
        "subject": subject,
        "predicate": predicate,
        "object": obj,
        "evidence": evidence,
    }
    _append_entry(fields, [subject, obj], **options)


@curate.command("merge")
@click.argument("keep")
@click.argument("others", nargs=-1, required=True)
@_curation_options
@fail_cleanly
def curate_merge(keep: str, others: tuple[str, ...], **options: Any) -> None:
    """Merge OTHERS into KEEP: one entity, with every name as an alias."""
    _append_entry({"action": "merge", "entities": [keep, *others]}, [keep, *others], **options)


@curate.command("rename")
@click.argument("entity")
@click.argument("label")
@_curation_options
@fail_cleanly
def curate_rename(entity: str, label: str, **options: Any) -> None:
    """Give ENTITY a new preferred LABEL (the old one stays as an alias)."""
    _append_entry({"action": "rename", "entity": entity, "label": label}, [entity], **options)


@curate.command("retype")
@click.argument("entity")
@click.argument("entity_class", metavar="CLASS")
@_curation_options
@fail_cleanly
def curate_retype(entity: str, entity_class: str, **options: Any) -> None:
    """Change the class of ENTITY (e.g. `retype "Connected France Hub" Network`)."""
    from labatlas.loaders.model import ENTITY_CLASSES

    if entity_class not in ENTITY_CLASSES:
        raise LabatlasError(f"unknown class {entity_class!r}; one of {', '.join(ENTITY_CLASSES)}")
    fields = {"action": "retype", "entity": entity, "class": entity_class}
    _append_entry(fields, [entity], **options)


@curate.command("alias")
@click.argument("entity")
@click.argument("alias")
@click.option("--lang", default="", help="Language tag of the alias (en, fr).")
@_curation_options
@fail_cleanly
def curate_alias(entity: str, alias: str, lang: str, **options: Any) -> None:
    """Add another name of ENTITY."""
    fields = {"action": "alias", "entity": entity, "alias": alias, "lang": lang}
    _append_entry(fields, [entity], **options)


@curate.command("wikidata")
@click.argument("entity")
@click.argument("qid")
@_curation_options
@fail_cleanly
def curate_wikidata(entity: str, qid: str, **options: Any) -> None:
    """Record the Wikidata identifier of ENTITY (exported as owl:sameAs)."""
    _append_entry({"action": "wikidata", "entity": entity, "id": qid}, [entity], **options)


def _check_predicate(predicate: str) -> None:
    from labatlas.loaders.model import PREDICATES

    if predicate not in PREDICATES:
        raise LabatlasError(f"unknown predicate {predicate!r}; one of {', '.join(PREDICATES)}")


# Commands of the other stages. Each stage keeps its commands in `<stage>/commands.py`
# (heavy imports inside the functions, so `labatlas --help` stays fast) and is registered
# here, one line per command.
# -- stage commands --
from labatlas.graph.serve_commands import docs, pull, push, serve  # noqa: E402

main.add_command(docs)
main.add_command(serve)
main.add_command(push)
main.add_command(pull)

from labatlas.graph.linked_commands import reason as reason_command  # noqa: E402
from labatlas.graph.linked_commands import validate  # noqa: E402

main.add_command(validate)
main.add_command(reason_command)

from labatlas.graph.import_commands import import_command  # noqa: E402

main.add_command(import_command)

from labatlas.viz.commands import figure, viz  # noqa: E402

main.add_command(viz)
main.add_command(figure)

from labatlas.graph.commands import analyse, ego, paths  # noqa: E402

main.add_command(analyse)
main.add_command(paths)
main.add_command(ego)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
