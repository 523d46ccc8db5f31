"""Network analysis commands: ``labatlas analyse ...``, ``labatlas paths``, ``labatlas ego``.

NetworkX and the store are imported inside the commands, so ``labatlas --help`` stays fast.
Tables put labels first; ``--format csv`` adds the IRIs (one row per item, several values
joined by " | "), ``--format json`` writes the whole result with its parameters.
"""

from __future__ import annotations

import functools
import json
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from labatlas.cli_common import STORE_OPTION, LabatlasError, fail_cleanly

if TYPE_CHECKING:
    from pyoxigraph import Store

    from labatlas.graph.analysis import (
        BrokerReport,
        CommunityPartition,
        DiffusionReport,
        EgoNetwork,
        PathReport,
        SharedPartners,
        SimilarInitiatives,
    )
    from labatlas.graph.network import AtlasNetwork
    from labatlas.queries.library import QueryResult

P = ParamSpec("P")
R = TypeVar("R")

# Kept here rather than imported, so that building the CLI does not import NetworkX;
# tests/cli/test_analyse_cli.py checks they match labatlas.graph.network / .analysis.
ROLES = ("fundedBy", "foundedBy", "operatedBy", "hasPartner")
PROJECTION_CHOICES = ("bipartite", "initiatives", "actors", "full")
KIND_CHOICES = ("all", "initiatives", "actors")
VIA_CHOICES = ("diffusion", "partners", "any")
# loaders.model.ENTITY_CLASSES, spelled out: importing the loaders package here would put
# it on the start-up path of every command (`labatlas --help` 0.07 s -> 0.12 s).
CLASSES = (
    "Lab",
    "Programme",
    "LocalAuthority",
    "StateBody",
    "Association",
    "Foundation",
    "Company",
    "ResearchBody",
    "Network",
    "Person",
    "Place",
    "BeneficiaryGroup",
    "Method",
    "Event",
)
PREDICATES = (
    *ROLES,
    "hasBeneficiary",
    "usesMethod",
    "locatedIn",
    "inspiredBy",
    "diffusedTo",
    "memberOf",
    "participatedIn",
)

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: labels for reading; csv: one row per item with IRIs; json: the whole result.",
)
CONFIDENCE_OPTION = click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Keep relations whose best evidence has at least this confidence.",
)


def _analysis_command(func: Callable[P, R]) -> Callable[P, R]:
    """One clear line, no traceback, for the errors of the store, the queries and analyses."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from labatlas.graph.analysis import AnalysisError

        try:
            return fail_cleanly(func)(*args, **kwargs)
        except AnalysisError as err:
            raise LabatlasError(str(err)) from err

    return wrapper


def _open(store_dir: Path | None) -> tuple[Store, AtlasNetwork]:
    from labatlas.graph.network import load_network
    from labatlas.graph.store import open_store

    store = open_store(store_dir)
    return store, load_network(store)


# --------------------------------------------------------------------------- output


def _cell(value: object) -> object:
    """A value for one CSV or table cell: several values joined, floats kept short."""
    if isinstance(value, tuple | list):
        return " | ".join(str(_cell(v)) for v in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def _table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], footer: str, width: int = 60
) -> str:
    """An aligned table (the query library's), ending with our own footer line."""
    from labatlas.queries import format_result
    from labatlas.queries.library import QueryResult

    cells = tuple(tuple(_cell(v) for v in row) for row in rows)
    text = format_result(QueryResult(tuple(columns), cells), "table", max_width=width)
    return "\n".join([*text.rstrip("\n").split("\n")[:-1], footer]) + "\n"


def _csv(records: QueryResult) -> str:
    from labatlas.queries import format_result
    from labatlas.queries.library import QueryResult

    rows = tuple(tuple(_cell(v) for v in row) for row in records.rows)
    return format_result(QueryResult(records.columns, rows), "csv")


def _json(result: object) -> str:
    from labatlas.graph.analysis import plain

    return json.dumps(plain(result), ensure_ascii=False, indent=2) + "\n"


def _emit(result: Any, fmt: str, table: Callable[[], str]) -> None:
    if fmt == "json":
        click.echo(_json(result), nl=False)
    elif fmt == "csv":
        click.echo(_csv(result.records()), nl=False)
    else:
        click.echo(table(), nl=False)


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def _quote(sentence: str) -> str:
    return _wrap(f"“{' '.join(sentence.split())}”", "       ")


# --------------------------------------------------------------------------- analyse


@click.group()
def analyse() -> None:
    """Network analyses: shared partners, brokers, communities, similar initiatives, diffusion.

    Every subcommand reads the store once, builds the NetworkX view it needs and prints a
    table (labels), CSV (with IRIs) or JSON (everything, with the parameters used).
    """


@analyse.command("shared-partners")
@click.option(
    "--min",
    "min_initiatives",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Fewest initiatives an actor must be involved in.",
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(ROLES, case_sensitive=False),
    help="Count only these roles (repeatable; default: all four).",
)
@CONFIDENCE_OPTION
@FORMAT_OPTION
@STORE_OPTION
@_analysis_command
def shared_partners_command(
    min_initiatives: int,
    roles: tuple[str, ...],
    min_confidence: float,
    fmt: str,
    store_dir: Path | None,
) -> None:
    """Actors ranked by the number of initiatives they fund, found, operate or partner."""
    from labatlas.graph.analysis import shared_partners

    _, network = _open(store_dir)
    chosen = tuple(r for r in ROLES if r.lower() in {x.lower() for x in roles}) or ROLES
    result = shared_partners(network, min_initiatives, chosen, min_confidence)
    _emit(result, fmt, lambda: _shared_partners_table(result))


def _shared_partners_table(result: SharedPartners) -> str:
    rows = []
    for p in result.partners:
        for n, item in enumerate(p.involvements):
            first = n == 0
            rows.append(
                (
                    p.actor.label if first else "",
                    p.actor.entity_class if first else "",
                    p.count if first else "",
                    item.initiative.label,
                    ", ".join(item.roles),
                )
            )
    roles = "all" if set(result.roles) == set(ROLES) else ", ".join(result.roles)
    footer = (
        f"{len(result.partners)} actors involved in {result.min_initiatives} or more "
        f"initiatives (roles: {roles}; min confidence {result.min_confidence:g})"
    )
    return _table(("actor", "class", "initiatives", "initiative", "roles"), rows, footer)


@analyse.command("brokers")
@click.option(
    "--projection",
    type=click.Choice(PROJECTION_CHOICES),
    default="bipartite",
    show_default=True,
    help="The graph betweenness is computed on.",
)
@click.option(
    "--kind",
    type=click.Choice(KIND_CHOICES),
    default="all",
    show_default=True,
    help="List all entities, or only initiatives or actors.",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many to list."
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="Estimate betweenness from K random sources (for graphs of thousands of nodes).",
)
@click.option("--seed", default=42, show_default=True, help="Seed of the sample and Louvain.")
@CONFIDENCE_OPTION
@FORMAT_OPTION
@STORE_OPTION
@_analysis_command
def brokers_command(
    projection: str,
    kind: str,
    top: int,
    sample: int | None,
    seed: int,
    min_confidence: float,
    fmt: str,
    store_dir: Path | None,
) -> None:
    """Who brokers between otherwise separate groups: betweenness and communities bridged."""
    from labatlas.graph.analysis import brokers, undirected_projection

    _, network = _open(store_dir)
    size = undirected_projection(network, projection, min_confidence).number_of_nodes()
    if sample is None and size > 3000:
        click.echo(
            f"labatlas: exact betweenness on {size} nodes may take minutes; "
            "--sample 200 estimates it from 200 sources (time grows with the sample)",
            err=True,
        )
    result = brokers(network, projection, sample, seed, min_confidence, top, kind)
    _emit(result, fmt, lambda: _brokers_table(result))


def _brokers_table(result: BrokerReport) -> str:
    names = {c.index: c.name for c in result.partition.communities}
    rows = [
        (
            rank,
            b.node.label,
            b.node.entity_class,
            f"{b.betweenness:.4f}",
            f"{b.raw_betweenness:.1f}",
            b.degree,
            "; ".join(f"{i} {names[i]}" for i in b.connects),
        )
        for rank, b in enumerate(result.brokers, start=1)
    ]
    how = f"estimated from {result.sample} sources" if result.sample else "exact"
    footer = (
        f"betweenness ({how}) on the {result.projection} projection: {result.nodes} nodes, "
        f"{result.edges} edges; communities: Louvain (seed {result.seed}), "
        f"modularity {result.partition.modularity:.3f}"
    )
    columns = ("rank", "label", "class", "normalised", "raw", "degree", "connects communities")
    return _table(columns, rows, footer)


@analyse.command("communities")
@click.option(
    "--projection",
    type=click.Choice(PROJECTION_CHOICES),
    default="bipartite",
    show_default=True,
    help="The graph to partition.",
)
@click.option("--seed", default=42, show_default=True, help="Louvain's random seed.")
@click.option(
    "--resolution",
    type=click.FloatRange(min=0.0, min_open=True),
    default=1.0,
    show_default=True,
    help="Above 1: smaller communities; below 1: larger ones.",
)
@click.option(
    "--min-size",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Print communities of at least this size (table only).",
)
@CONFIDENCE_OPTION
@FORMAT_OPTION
@STORE_OPTION
@_analysis_command
def communities_command(
    projection: str,
    seed: int,
    resolution: float,
    min_size: int,
    min_confidence: float,
    fmt: str,
    store_dir: Path | None,
) -> None:
    """Modularity communities (Louvain, fixed seed), with their members and what they share."""
    from labatlas.graph.analysis import communities

    _, network = _open(store_dir)
    result = communities(network, projection, seed, resolution, min_confidence)
    _emit(result, fmt, lambda: _communities_text(result, min_size))


def _communities_text(result: CommunityPartition, min_size: int) -> str:
    shown = [c for c in result.communities if len(c.members) >= min_size]
    lines = []
    for c in shown:
        lines.append(f"{c.index}. {c.name} ({len(c.members)} members)")
        lines.append(_wrap(c.description))
        members = ", ".join(f"{m.label} ({m.entity_class})" for m in c.members)
        lines.append(_wrap(f"members: {members}"))
        lines.append("")
    hidden = len(result.communities) - len(shown)
    lines.append(
        f"{len(shown)} communities of {min_size} or more members"
        + (f" ({hidden} smaller not shown)" if hidden else "")
        + f" on the {result.projection} projection; Louvain seed {result.seed}, "
        f"resolution {result.resolution:g}, modularity {result.modularity:.3f}"
    )
    return "\n".join(lines) + "\n"


@analyse.command("similar")
@click.argument("initiative")
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many to list."
)
@CONFIDENCE_OPTION
@FORMAT_OPTION
@STORE_OPTION
@_analysis_command
def similar_command(
    initiative: str, top: int, min_confidence: float, fmt: str, store_dir: Path | None
) -> None:
    """Initiatives ranked by the partners, methods and beneficiaries they share with INITIATIVE.

    INITIATIVE is a label, an alias or an IRI.
    """
    from dataclasses import replace

    from labatlas.graph.analysis import find_node, similar

    store, network = _open(store_dir)
    target = find_node(store, network, initiative)
    result = similar(network, target.iri, min_confidence)
    result = replace(result, similar=result.similar[:top])
    _emit(result, fmt, lambda: _similar_table(result))


def _similar_table(result: SimilarInitiatives) -> str:
    rows = []
    for s in result.similar:
        shared = "; ".join(
            f"{f.facet}: {', '.join(n.label for n in f.shared)}" for f in s.facets if f.shared
        )
        counts = [len(s.facet(name).shared) for name in ("partners", "methods", "beneficiaries")]
        rows.append(
            (s.node.label, s.node.entity_class, f"{s.jaccard:.3f}", s.shared, *counts, shared)
        )
    footer = (
        f"{len(rows)} initiatives sharing partners, methods or beneficiaries with "
        f"{result.target.label} (Jaccard on all three together)"
    )
    columns = ("initiative", "class", "jaccard", "shared", "partners", "methods", "benef.", "what")
    return _table(columns, rows, footer, width=70)


@analyse.command("diffusion")
@click.argument("root", required=False)
@CONFIDENCE_OPTION
@FORMAT_OPTION
@STORE_OPTION
@_analysis_command
def diffusion_command(
    root: str | None, min_confidence: float, fmt: str, store_dir: Path | None
) -> None:
    """Diffusion cascades (inspiredBy/diffusedTo) from ROOT, or from every root.

    A root is an entity no diffusion relation points to. With ROOT, the cascade also shows
    where ROOT's own model came from.
    """
    from labatlas.graph.analysis import diffusion, find_node

    store, network = _open(store_dir)
    iri = find_node(store, network, root).iri if root else None
    result = diffusion(network, iri, min_confidence)
    _emit(result, fmt, lambda: _diffusion_text(result))


def _diffusion_text(result: DiffusionReport) -> str:
    lines = []
    for c in result.cascades:
        lines.append(f"{c.root.label}: reach {c.reach}, depth {c.depth}")
        for u in c.upstream:
            lines.append(f"  came from: {u.origin.label} -> {u.recipient.label} ({u.predicate})")
            lines.extend(_quote(e.sentence) for e in u.evidence[:1])
        if not c.steps:
            where = "starts from" if c.upstream else "starts from or leads to"
            lines.append(f"  no diffusion relation (inspiredBy, diffusedTo) {where} it")
        for s in c.steps:
            lines.append(f"  {s.depth}. {s.origin.label} -> {s.recipient.label} ({s.predicate})")
            lines.extend(_quote(e.sentence) for e in s.evidence[:1])
        lines.append("")
    if not result.cascades:
        lines.append("no inspiredBy or diffusedTo relation in the graph")
    lines.append(
        f"{len(result.cascades)} cascade(s); edges read origin -> recipient "
        f"(“B inspiredBy A” is A -> B); min confidence {result.min_confidence:g}"
    )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- paths


@click.command("paths")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option(
    "--max-length",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Longest path, in hops.",
)
@click.option(
    "--via",
    type=click.Choice(VIA_CHOICES),
    default="any",
    show_default=True,
    help="diffusion: inspiredBy/diffusedTo, origin to recipient; partners: the four "
    "involvement roles; any: all relations.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="At most this many paths.",
)
@click.option(
    "--avoid",
    multiple=True,
    type=click.Choice(CLASSES),
    metavar="CLASS",
    help="Do not pass through entities of this class (repeatable), e.g. Method, Place, "
    "BeneficiaryGroup: hubs that make everything look close.",
)
@CONFIDENCE_OPTION
@FORMAT_OPTION
@STORE_OPTION
@_analysis_command
def paths(
    source: str,
    target: str,
    max_length: int,
    via: str,
    limit: int,
    avoid: tuple[str, ...],
    min_confidence: float,
    fmt: str,
    store_dir: Path | None,
) -> None:
    """The paths between FROM and TO, with every hop's relation and evidence sentence.

    FROM and TO are labels, aliases or IRIs. When there is no path, the command says why and
    lists what each end is connected to.
    """
    from labatlas.graph.analysis import find_node
    from labatlas.graph.analysis import paths as find_paths

    store, network = _open(store_dir)
    ends = [find_node(store, network, name).iri for name in (source, target)]
    result = find_paths(network, *ends, max_length, via, limit, min_confidence, avoid)
    if fmt == "csv" and result.reason:
        click.echo(f"labatlas: no path: {result.reason}", err=True)
    _emit(result, fmt, lambda: _paths_text(result))


def _paths_text(result: PathReport) -> str:
    lines = []
    for number, path in enumerate(result.paths, start=1):
        lines.append(f"path {number} ({path.length} hops): " + " -> ".join(path.labels))
        for step, hop in enumerate(path.hops, start=1):
            for s in hop.statements:
                lines.append(f"  {step}. {s.subject.label} {s.predicate} {s.object.label}")
                best = max(s.evidence, key=lambda e: e.confidence, default=None)
                if best is not None:
                    lines.append(_quote(best.sentence))
                    lines.append(f"       [{best.title or best.document}; {best.confidence:g}]")
        lines.append("")
    if not result.paths:
        avoid = f", avoiding {', '.join(result.avoid)}" if result.avoid else ""
        lines.append(
            f"no path from {result.source.label} to {result.target.label} within "
            f"{result.max_length} hops via {result.via}{avoid}:"
        )
        lines.append(_wrap(result.reason, "  "))
        for end, links in (
            (result.source, result.source_links),
            (result.target, result.target_links),
        ):
            lines.append("")
            lines.append(
                f"{end.label} is connected to:" if links else f"{end.label} has no relation"
            )
            lines.extend(f"  {link.text}" for link in links)
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- ego


@click.command("ego")
@click.argument("entity")
@click.option(
    "--depth", type=click.IntRange(min=1), default=2, show_default=True, help="Radius, in hops."
)
@click.option(
    "--relation",
    "relations",
    multiple=True,
    type=click.Choice(PREDICATES),
    metavar="RELATION",
    help="Follow only this relation, e.g. hasPartner (repeatable; default: all 11).",
)
@click.option(
    "--export",
    "export_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the neighbourhood as GraphML (.graphml) or GEXF (.gexf) for Gephi.",
)
@CONFIDENCE_OPTION
@FORMAT_OPTION
@STORE_OPTION
@_analysis_command
def ego(
    entity: str,
    depth: int,
    relations: tuple[str, ...],
    export_path: Path | None,
    min_confidence: float,
    fmt: str,
    store_dir: Path | None,
) -> None:
    """The neighbourhood of ENTITY (a label, alias or IRI) within --depth hops."""
    from labatlas.graph.analysis import ego as neighbourhood
    from labatlas.graph.analysis import find_node
    from labatlas.graph.network import GRAPH_FORMATS, write_graph

    if export_path is not None and export_path.suffix.lower() not in GRAPH_FORMATS:
        raise LabatlasError(f"{export_path}: --export writes .graphml or .gexf files")
    store, network = _open(store_dir)
    center = find_node(store, network, entity)
    result = neighbourhood(network, center.iri, depth, relations or None, min_confidence)
    if export_path is not None:
        try:
            write_graph(result.graph, export_path)
        except OSError as err:
            raise LabatlasError(f"{export_path}: cannot write ({err.strerror})") from err
        kind = GRAPH_FORMATS[export_path.suffix.lower()]
        click.echo(f"wrote {export_path} ({kind}, {len(result.graph)} nodes)", err=True)
    _emit(result, fmt, lambda: _ego_table(result))


def _ego_table(result: EgoNetwork) -> str:
    rows = [
        (m.distance, m.node.label, m.node.entity_class, "; ".join(k.text for k in m.links))
        for m in result.members
    ]
    footer = (
        f"{len(result.members)} entities within {result.depth} hops of {result.center.label}; "
        f"{result.graph.number_of_edges()} relations among them"
    )
    return _table(("distance", "entity", "class", "linked by"), rows, footer, width=90)
