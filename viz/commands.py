"""`labatlas viz` and `labatlas figure`: the visualisation stage's commands.

Heavy modules (NetworkX, matplotlib, the store) are imported inside the commands, so
`labatlas --help` stays fast. Import this module through `labatlas.cli`, which registers it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from labatlas.cli_common import STORE_OPTION, LabatlasError, fail_cleanly

if TYPE_CHECKING:
    from pyoxigraph import Store

    from .views import ViewGraph

# Same values as labatlas.viz.views.VIEWS / SIZE_MEASURES (kept literal here so that --help
# does not import NetworkX; a test checks they agree).
VIEW_CHOICES = ("full", "shared-partners", "ego", "diffusion", "communities")
SIZE_CHOICES = ("degree", "betweenness")


def _view_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options `viz` and `figure` share: which view, which filters, what sizes nodes."""
    decorators = [
        click.argument("entity", required=False),
        click.option(
            "--view",
            type=click.Choice(VIEW_CHOICES),
            default="full",
            show_default=True,
            help="What to draw; `--view ego NAME` centres on an entity (label or alias).",
        ),
        click.option(
            "--radius", type=int, default=1, show_default=True, help="Ego view: hops from NAME."
        ),
        click.option(
            "--min-confidence",
            type=click.FloatRange(0.0, 1.0),
            default=0.0,
            show_default=True,
            help="Keep relations whose best evidence has at least this confidence.",
        ),
        click.option(
            "--classes",
            multiple=True,
            metavar="CLASS[,CLASS…]",
            help="Only these classes (or Initiative, Actor, PublicBody, Organisation).",
        ),
        click.option(
            "--predicates",
            multiple=True,
            metavar="PREDICATE[,…]",
            help="Only these relations (local names, e.g. fundedBy,hasPartner).",
        ),
        click.option(
            "--size-by",
            type=click.Choice(SIZE_CHOICES),
            default="degree",
            show_default=True,
            help="What node size shows.",
        ),
        click.option(
            "--max-nodes",
            type=click.IntRange(1),
            default=1500,
            show_default=True,
            help="Larger views keep only this many nodes, those with the most relations.",
        ),
        STORE_OPTION,
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


@click.command()
@_view_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("out/labatlas.html"),
    show_default=True,
    help="The HTML file to write (one file, everything inlined).",
)
@fail_cleanly
def viz(output: Path, **view_args: Any) -> None:
    """Write an interactive page of the graph: one HTML file that works offline.

    Nodes are coloured by class and sized by degree (or betweenness); click one to see its
    names, ties and evidence sentences; filter by class, relation and degree; search by name.
    """
    from labatlas.graph.store import open_store

    from .page import load_documents, write_page

    store = open_store(view_args.pop("store_dir"))
    view = _build_view(store, **view_args)
    _write(output, lambda: write_page(view, output, load_documents(store)))
    _report(output, view)


@click.command()
@_view_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("out/labatlas.svg"),
    show_default=True,
    help="Extension .svg, .png or .pdf.",
)
@click.option(
    "--labels", type=click.IntRange(0), default=25, show_default=True, help="Nodes named."
)
@fail_cleanly
def figure(output: Path, labels: int, **view_args: Any) -> None:
    """Write a static figure of the graph for papers (SVG, PNG or PDF, fixed-seed layout).

    The same command gives the same file; classes and relations stay distinct in greyscale.
    """
    from labatlas.graph.store import open_store

    from .figure import FigureError, figure_format, write_figure

    try:
        figure_format(output)
    except FigureError as err:
        raise LabatlasError(str(err)) from err
    view = _build_view(open_store(view_args.pop("store_dir")), **view_args)
    _write(output, lambda: write_figure(view, output, labels))
    _report(output, view)


def _build_view(
    store: Store,
    entity: str | None,
    view: str,
    radius: int,
    min_confidence: float,
    classes: tuple[str, ...],
    predicates: tuple[str, ...],
    size_by: str,
    max_nodes: int,
) -> ViewGraph:
    from labatlas.graph.network import load_network
    from labatlas.queries import find_entity

    from .views import ViewError, ViewOptions, build_view, parse_classes, parse_predicates

    if entity and view != "ego":
        raise LabatlasError(f"'{entity}': an entity is only for the ego view (--view ego NAME)")
    try:
        options = ViewOptions(
            view=view,
            entity=find_entity(store, entity).value if entity else None,
            radius=radius,
            min_confidence=min_confidence,
            classes=parse_classes(classes),
            predicates=parse_predicates(predicates),
            size_by=size_by,
            max_nodes=max_nodes,
        )
        return build_view(load_network(store), options)
    except ViewError as err:
        raise LabatlasError(str(err)) from err


def _write(output: Path, write: Callable[[], Path]) -> None:
    try:
        write()
    except OSError as err:
        raise LabatlasError(f"{output}: cannot write ({err.strerror or err})") from err


def _report(output: Path, view: ViewGraph) -> None:
    click.echo(
        f"wrote {output}: {view.title}, {len(view.nodes)} nodes, {len(view.edges)} relations",
        err=True,
    )
    for line in view.left_out:
        click.echo(f"  left out: {line}", err=True)
