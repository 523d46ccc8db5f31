"""Static figures of a view for papers: SVG, PNG or PDF, deterministic and greyscale-safe.

The figure uses the view's own positions (a spring layout with a fixed seed), so it matches
the interactive page. Classes differ by marker shape per family and by grey value within a
family; predicates differ by dash pattern and line width (see `labatlas.viz.style`), so the
figure still reads when printed in black and white. The same view and options give the same
bytes: no dates in the metadata and a fixed SVG id salt.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from pathlib import Path

import numpy as np
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from labatlas.loaders.model import ENTITY_CLASSES, PREDICATES

from .style import OTHER_COMMUNITY_COLOR, class_style, legend_order, predicate_style
from .views import ViewGraph, VizEdge, VizNode

FIGURE_FORMATS: tuple[str, ...] = ("svg", "png", "pdf")
DEFAULT_LABELS = 25
_RC = {
    "svg.hashsalt": "labatlas",
    "svg.fonttype": "none",  # text stays text: searchable and editable in the SVG
    "pdf.fonttype": 42,
    "lines.scale_dashes": False,  # dash lengths in points, as in the style table
    "font.family": "DejaVu Sans",
}
_METADATA = {
    "svg": {"Date": None, "Creator": "labatlas"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "labatlas"},
    "png": {"Software": "labatlas"},
}
_EDGE_GREY = "#3a3a3a"


class FigureError(ValueError):
    """A figure cannot be written as asked (the message names the file and the problem)."""


def figure_format(path: Path) -> str:
    """Return the format a path asks for by its extension.

    Raises
    ------
    FigureError
        The extension is not .svg, .png or .pdf.

    Examples
    --------
    >>> figure_format(Path("atlas.PDF"))
    'pdf'
    """
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FIGURE_FORMATS:
        raise FigureError(f"{path}: the figure's extension must be .svg, .png or .pdf")
    return suffix


def write_figure(view: ViewGraph, path: Path, labels: int = DEFAULT_LABELS, dpi: int = 200) -> Path:
    """Draw `view` and save it to `path` (format from the extension; folder created).

    Parameters
    ----------
    view : ViewGraph
    path : Path
        ``.svg``, ``.png`` or ``.pdf``.
    labels : int
        How many nodes get a name: the largest ones (by the view's size measure), plus the
        centre of an ego view.
    dpi : int
        Resolution of a PNG.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> from labatlas.graph.network import AtlasNetwork, EvidenceInfo, NodeInfo, RelationInfo
    >>> from labatlas.viz.views import ViewOptions, build_view
    >>> nodes = {"id:a": NodeInfo("id:a", "Lab A", "Lab"),
    ...          "id:c": NodeInfo("id:c", "City", "LocalAuthority")}
    >>> ev = EvidenceInfo("id:e", "Funded by the City.", "id:d", "Case", 0.9, "r")
    >>> view = build_view(AtlasNetwork(nodes, [RelationInfo("id:a", "fundedBy", "id:c", [ev])]),
    ...                   ViewOptions())
    >>> out = write_figure(view, Path(tempfile.mkdtemp()) / "f.svg")
    >>> "fundedBy" in out.read_text()
    True
    """
    fmt = figure_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with rc_context(_RC):
        figure = draw_figure(view, labels)
        figure.savefig(path, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return path


def draw_figure(view: ViewGraph, labels: int = DEFAULT_LABELS) -> Figure:
    """Draw `view` on a new matplotlib Figure (no pyplot, no global state).

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure = Figure(figsize=(11.0, 7.6))
    axes = figure.add_axes((0.01, 0.08, 0.71, 0.84))
    axes.set_axis_off()
    axes.set_aspect("equal")
    positions = {n.iri: (n.x, -n.y) for n in view.nodes}  # the page's y axis points down
    sizes = _marker_areas(view)
    _draw_edges(axes, view.edges, positions, sizes)
    _draw_nodes(axes, view, positions, sizes)
    _frame(axes, positions)
    _draw_labels(axes, view, positions, labels)
    _legends(figure, view)
    _captions(figure, view)
    return figure


def _marker_areas(view: ViewGraph) -> dict[str, float]:
    """Marker area in pt², 18 to 260, growing with the square root of the size measure."""
    values = {n.iri: view.size_value(n) for n in view.nodes}
    top = max(values.values(), default=0.0) or 1.0
    return {iri: 18 + 242 * math.sqrt(max(value, 0.0) / top) for iri, value in values.items()}


def _edge_path(edge: VizEdge, positions: dict[str, tuple[float, float]]) -> np.ndarray:
    """A straight segment, or for the k-th parallel relation a quadratic curve bent aside."""
    start = np.array(positions[edge.source], dtype=float)
    end = np.array(positions[edge.target], dtype=float)
    if edge.parallel == 0:
        return np.vstack([start, end])
    side = 1 if edge.parallel % 2 else -1
    direction = end - start
    normal = np.array([-direction[1], direction[0]])
    bend = start + direction / 2 + side * 0.2 * math.ceil(edge.parallel / 2) * normal
    t = np.linspace(0, 1, 16)[:, None]
    return (1 - t) ** 2 * start + 2 * (1 - t) * t * bend + t**2 * end


def _draw_edges(
    axes: Axes,
    edges: tuple[VizEdge, ...],
    positions: dict[str, tuple[float, float]],
    sizes: dict[str, float],
) -> None:
    """One line collection per predicate (its dashes and width), then the arrow heads."""
    paths = [_edge_path(edge, positions) for edge in edges]
    by_predicate: dict[str, list[np.ndarray]] = defaultdict(list)
    for edge, path in zip(edges, paths, strict=True):
        by_predicate[edge.predicate].append(path)
    for predicate in sorted(by_predicate):
        style = predicate_style(predicate)
        axes.add_collection(
            LineCollection(
                by_predicate[predicate],
                colors=style.color,
                linewidths=style.width * 0.6,
                linestyles=[(0, style.dashes) if style.dashes else "solid"],
                alpha=0.85,
                zorder=1,
            )
        )
    span = _span(positions)
    heads = [
        _arrow_head(path, span, sizes[edge.target]) for edge, path in zip(edges, paths, strict=True)
    ]
    axes.add_collection(PolyCollection(heads, facecolors=_EDGE_GREY, edgecolors="none", zorder=2))


def _arrow_head(path: np.ndarray, span: float, target_area: float) -> np.ndarray:
    """A small triangle just short of the target marker, pointing along the path's end."""
    tip_back = span * (0.004 + 0.0009 * math.sqrt(target_area))
    end, before = path[-1], path[-2]
    direction = end - before
    length = float(np.hypot(*direction)) or 1.0
    unit = direction / length
    tip = end - unit * tip_back
    size = span * 0.009
    base = tip - unit * size
    normal = np.array([-unit[1], unit[0]]) * size * 0.45
    return np.vstack([tip, base + normal, base - normal])


def _draw_nodes(
    axes: Axes, view: ViewGraph, positions: dict[str, tuple[float, float]], sizes: dict[str, float]
) -> None:
    by_class: dict[str, list[VizNode]] = defaultdict(list)
    for node in view.nodes:
        by_class[node.entity_class].append(node)
    colours = {c.number: c.color for c in view.communities}
    for cls in sorted(by_class):
        style = class_style(cls)
        members = by_class[cls]
        if view.communities:
            fill = [colours.get(n.community, OTHER_COMMUNITY_COLOR) for n in members]
        else:
            fill = [style.color] * len(members)
        axes.scatter(
            [positions[n.iri][0] for n in members],
            [positions[n.iri][1] for n in members],
            s=[sizes[n.iri] * (1.4 if style.marker == "*" else 1.0) for n in members],
            marker=style.marker,
            c=fill,
            edgecolors="#1d1d1d",
            linewidths=[2.0 if n.iri == view.options.entity else 0.6 for n in members],
            zorder=3,
        )


def _draw_labels(
    axes: Axes, view: ViewGraph, positions: dict[str, tuple[float, float]], count: int
) -> None:
    """Name up to `count` nodes, largest first (the ego centre always), skipping any name
    that would overlap one already placed."""
    ranked = sorted(
        view.nodes,
        key=lambda n: (n.iri != view.options.entity, -view.size_value(n), n.label, n.iri),
    )
    renderer = FigureCanvasAgg(axes.figure).get_renderer()
    offset = _span(positions) * 0.018
    # A translucent box rather than a stroke halo: path effects would turn the SVG's text
    # into outlines, and names must stay text (searchable, editable, escaped by matplotlib).
    backdrop = {
        "boxstyle": "round,pad=0.12",
        "facecolor": "white",
        "edgecolor": "none",
        "alpha": 0.75,
    }
    placed: list[Bbox] = []
    for node in ranked:
        if len(placed) >= count:
            break
        x, y = positions[node.iri]
        text = axes.text(
            x,
            y + offset,
            _short(node.label, 34),
            fontsize=6.5,
            ha="center",
            va="bottom",
            color="#111111",
            bbox=backdrop,
            parse_math=False,  # a "$" in a name is text, not mathtext
            zorder=4,
        )
        box = text.get_window_extent(renderer=renderer).expanded(1.04, 1.15)
        if any(box.overlaps(other) for other in placed):
            text.remove()
            continue
        placed.append(box)


def _span(positions: dict[str, tuple[float, float]]) -> float:
    if not positions:
        return 1.0
    xy = np.array(list(positions.values()))
    return float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1.0))


def _frame(axes: Axes, positions: dict[str, tuple[float, float]]) -> None:
    if not positions:
        axes.set_xlim(-1, 1)
        axes.set_ylim(-1, 1)
        return
    xy = np.array(list(positions.values()))
    margin = _span(positions) * 0.06
    axes.set_xlim(xy[:, 0].min() - margin, xy[:, 0].max() + margin)
    axes.set_ylim(xy[:, 1].min() - margin, xy[:, 1].max() + margin * 1.6)


def _legends(figure: Figure, view: ViewGraph) -> None:
    """Classes (or, when colour means community, class families by shape), relations, and
    communities, in columns right of the drawing."""
    by_community = bool(view.communities)
    predicates = legend_order({e.predicate for e in view.edges}, PREDICATES)
    columns = [
        ("Shapes" if by_community else "Classes", _shape_handles(view, by_community)),
        ("Relations", [_line_handle(p) for p in predicates]),
    ]
    top = 0.92
    for title, handles in columns:
        if not handles:
            continue
        _legend(figure, handles, title, (0.735, top))
        top -= 0.032 * (len(handles) + 1.5)
    if by_community:
        _legend(figure, _community_handles(view), "Communities", (0.855, 0.92), fontsize=6.5)


def _legend(
    figure: Figure,
    handles: list[Line2D],
    title: str,
    anchor: tuple[float, float],
    fontsize: float = 7.5,
) -> None:
    figure.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=anchor,
        title=title,
        fontsize=fontsize,
        title_fontsize=8,
        frameon=False,
        handlelength=2.6,
    )


def _marker_handle(marker: str, fill: str, label: str, size: float = 8) -> Line2D:
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=marker,
        markersize=size * 1.25 if marker == "*" else size,
        markerfacecolor=fill,
        markeredgecolor="#1d1d1d",
        markeredgewidth=0.6,
        label=_escape_math(label),
    )


def _shape_handles(view: ViewGraph, by_family: bool) -> list[Line2D]:
    classes = legend_order({n.entity_class for n in view.nodes}, ENTITY_CLASSES)
    if not by_family:
        return [_marker_handle(class_style(c).marker, class_style(c).color, c) for c in classes]
    families = list(dict.fromkeys(class_style(c).family for c in classes))
    marker = {class_style(c).family: class_style(c).marker for c in classes}
    return [_marker_handle(marker[f], "#d0d0d0", f) for f in families]


def _line_handle(predicate: str) -> Line2D:
    style = predicate_style(predicate)
    return Line2D(
        [],
        [],
        color=style.color,
        linewidth=style.width * 0.8,
        linestyle=(0, style.dashes) if style.dashes else "solid",
        label=predicate,
    )


def _community_handles(view: ViewGraph) -> list[Line2D]:
    coloured = [c for c in view.communities if c.color != OTHER_COMMUNITY_COLOR]
    handles = [
        _marker_handle("o", c.color, f"{c.number} ({c.size}): {_short(c.top_labels[0], 16)}", 7)
        for c in coloured
    ]
    rest = [c for c in view.communities if c.color == OTHER_COMMUNITY_COLOR]
    if rest:
        nodes = sum(c.size for c in rest)
        handles.append(_marker_handle("o", OTHER_COMMUNITY_COLOR, f"{len(rest)} more ({nodes})", 7))
    return handles


def _captions(figure: Figure, view: ViewGraph) -> None:
    figure.text(0.015, 0.965, view.title, fontsize=12, weight="bold", parse_math=False)
    counts = f"{len(view.nodes)} nodes, {len(view.edges)} relations. {view.description}"
    figure.text(0.015, 0.935, textwrap.fill(counts, 150), fontsize=7.5, va="top", parse_math=False)
    footnote = [f"Left out: {line}" for line in view.left_out] + list(view.notes)
    footnote.append(f"Node size: {view.options.size_by}.")
    figure.text(
        0.015,
        0.012,
        "\n".join(textwrap.fill(line, 170) for line in footnote),
        fontsize=6,
        color="#333333",
        va="bottom",
        parse_math=False,
    )


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _escape_math(text: str) -> str:
    """Legend labels go through mathtext: a "$" from a name must stay a dollar sign."""
    return text.replace("$", r"\$")
