"""The interactive page: one self-contained HTML file that works offline.

vis-network's standalone build (vendored in ``assets/``), the page's CSS and script and the
view's data are all inlined, and a Content-Security-Policy forbids every network request, so
the page opens from disk with the network off. Corpus text reaches the page in two ways only:
HTML-escaped (title, legend, notes) or as JSON in a data block with ``<``, ``>`` and ``&``
written as ``\\u`` escapes, which the script puts into the document with ``textContent``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyoxigraph import Store

from labatlas import __version__
from labatlas.loaders.model import ENTITY_CLASSES, PREDICATES

from .style import (
    OTHER_COMMUNITY_COLOR,
    UNKNOWN_CLASS_STYLE,
    UNKNOWN_PREDICATE_STYLE,
    ClassStyle,
    PredicateStyle,
    class_family,
    class_style,
    legend_order,
    predicate_style,
)
from .views import ViewGraph

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
VIS_NETWORK = HERE / "assets" / "vis-network.min.js"
VIS_NETWORK_VERSION = "10.1.5"
# Above this many nodes the browser does not run physics: positions come from Python.
PHYSICS_NODE_LIMIT = 300
# Legend fill of class shapes when colour means community.
NEUTRAL_FILL = "#d0d0d0"


@dataclass(frozen=True)
class DocumentInfo:
    """Where an evidence sentence comes from: title, file and line range of the document."""

    iri: str
    title: str
    source_file: str = ""
    first_line: int | None = None
    last_line: int | None = None

    @property
    def lines(self) -> str:
        """The line range as ``first–last`` (empty when unknown)."""
        if self.first_line is None or self.last_line is None:
            return ""
        return f"{self.first_line}–{self.last_line}"


def load_documents(store: Store) -> dict[str, DocumentInfo]:
    """Read title, source file and lines of every document (the `documents` library query).

    Parameters
    ----------
    store : pyoxigraph.Store

    Returns
    -------
    dict
        DocumentInfo by document IRI.
    """
    from labatlas.queries import load_query, run_query

    result = run_query(store, load_query("documents"))
    documents: dict[str, DocumentInfo] = {}
    for row in result.rows:
        cells = dict(zip(result.columns, row, strict=True))
        first, last = _text(cells["firstLine"]), _text(cells["lastLine"])
        iri = cells["document"].value
        documents.setdefault(
            iri,
            DocumentInfo(
                iri=iri,
                title=_text(cells["title"]),
                source_file=_text(cells["sourceFile"]),
                first_line=int(first) if first else None,
                last_line=int(last) if last else None,
            ),
        )
    return documents


def _text(term: object | None) -> str:
    return getattr(term, "value", "") if term is not None else ""


def script_json(value: object) -> str:
    """Serialise `value` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the JavaScript line separators become ``\\u`` escapes, so no
    string can close the element or open a comment.

    Examples
    --------
    >>> script_json({"label": "</script><script>alert(1)</script>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def render_page(view: ViewGraph, documents: Mapping[str, DocumentInfo] | None = None) -> str:
    """Render a view as a self-contained HTML page.

    Parameters
    ----------
    view : ViewGraph
    documents : mapping of str to DocumentInfo, optional
        Source file and lines of the documents quoted by the evidence (see `load_documents`);
        without it the page names documents by their title only.

    Returns
    -------
    str
        The page; the same view gives the same text.

    Examples
    --------
    >>> from labatlas.graph.network import AtlasNetwork, EvidenceInfo, NodeInfo, RelationInfo
    >>> from labatlas.viz.views import ViewOptions, build_view
    >>> nodes = {"id:a": NodeInfo("id:a", "<b>Lab</b>", "Lab"),
    ...          "id:c": NodeInfo("id:c", "City", "LocalAuthority")}
    >>> ev = EvidenceInfo("id:e", "Funded by the City.", "id:d", "Case", 0.9, "r")
    >>> page = render_page(build_view(AtlasNetwork(nodes, [
    ...     RelationInfo("id:a", "fundedBy", "id:c", [ev])]), ViewOptions()))
    >>> "<b>Lab" in page, "\\\\u003cb\\\\u003eLab" in page, "https://" in page.split("<body>")[0]
    (False, True, False)
    """
    app_js = (TEMPLATES / "page.js").read_text(encoding="utf-8")
    vis_js = vis_network_js()
    colour_by_community = view.options.view == "communities"
    values = {
        "csp": html.escape(_content_security_policy([vis_js, app_js])),
        "version": html.escape(__version__),
        "title": html.escape(view.title),
        "css": (TEMPLATES / "page.css").read_text(encoding="utf-8"),
        "description": html.escape(view.description),
        "counts": html.escape(f"{len(view.nodes)} nodes and {len(view.edges)} relations"),
        "left_out": _left_out_html(view),
        "class_heading": "Classes (shape)" if colour_by_community else "Classes",
        "class_legend": _class_legend(view, colour_by_community),
        "predicate_legend": _predicate_legend(view),
        "community_legend": _community_legend(view),
        "size_by": html.escape(view.options.size_by),
        "notes": _notes_html(view),
        "data": script_json(_page_data(view, documents or {})),
        "vis_js": vis_js,
        "app_js": app_js,
    }
    return _fill((TEMPLATES / "page.html").read_text(encoding="utf-8"), values)


def store_page(store: Store) -> str:
    """The page `labatlas viz` writes with its default options: the store's full graph.

    Parameters
    ----------
    store : pyoxigraph.Store

    Returns
    -------
    str
        The page, as `render_page` gives it.

    Examples
    --------
    >>> "vis-network" in store_page(Store())
    True
    """
    from labatlas.graph.network import load_network

    from .views import ViewOptions, build_view

    return render_page(build_view(load_network(store), ViewOptions()), load_documents(store))


def write_page(
    view: ViewGraph, path: Path, documents: Mapping[str, DocumentInfo] | None = None
) -> Path:
    """Render `view` and write it to `path` (creating its folder); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(view, documents), encoding="utf-8")
    return path


@cache
def vis_network_js() -> str:
    """The vendored vis-network build, without its source-map comment (the map is not shipped)."""
    text = VIS_NETWORK.read_text(encoding="utf-8")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)


def _fill(template: str, values: Mapping[str, str]) -> str:
    """Replace every ``{{ name }}`` in one pass, so inserted text is never read as a marker."""
    return re.sub(r"\{\{ (\w+) \}\}", lambda m: values[m.group(1)], template)


def _content_security_policy(scripts: list[str]) -> str:
    """No network at all; only the page's own inline scripts run (by hash)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    )
    return (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; "
        "img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _page_data(view: ViewGraph, documents: Mapping[str, DocumentInfo]) -> dict:
    classes = sorted({n.entity_class for n in view.nodes})
    predicates = sorted({e.predicate for e in view.edges})
    return {
        "nodes": [
            {
                "id": n.iri,
                "label": n.label,
                "cls": n.entity_class,
                "aliases": list(n.aliases),
                "degree": n.degree,
                "betweenness": n.betweenness,
                "community": n.community,
                "value": view.size_value(n),
                "x": n.x,
                "y": n.y,
            }
            for n in view.nodes
        ],
        "edges": [
            {
                "id": f"e{number}",
                "from": e.source,
                "to": e.target,
                "predicate": e.predicate,
                "confidence": e.confidence,
                "parallel": e.parallel,
                "evidence": [
                    {
                        "sentence": ev.sentence,
                        "document": ev.document,
                        "rule": ev.rule,
                        "confidence": ev.confidence,
                    }
                    for ev in e.evidence
                ],
            }
            for number, e in enumerate(view.edges)
        ],
        "documents": _documents_data(view, documents),
        "classes": {c: _class_data(class_style(c)) for c in classes},
        "unknownClass": _class_data(UNKNOWN_CLASS_STYLE),
        "predicates": {p: _predicate_data(predicate_style(p)) for p in predicates},
        "unknownPredicate": _predicate_data(UNKNOWN_PREDICATE_STYLE),
        "classCounts": Counter(n.entity_class for n in view.nodes),
        "predicateCounts": Counter(e.predicate for e in view.edges),
        "families": {
            family: [c for c in ENTITY_CLASSES if class_family(c) == family]
            for family in ("Initiative", "Actor")
        },
        "colorBy": "community" if view.options.view == "communities" else "class",
        "communityColors": {str(c.number): c.color for c in view.communities},
        "otherCommunityColor": OTHER_COMMUNITY_COLOR,
        "centre": view.options.entity if view.options.view == "ego" else None,
        "physics": 0 < len(view.nodes) <= PHYSICS_NODE_LIMIT,
        "big": len(view.nodes) > PHYSICS_NODE_LIMIT,
    }


def _documents_data(view: ViewGraph, documents: Mapping[str, DocumentInfo]) -> dict:
    quoted: dict[str, dict[str, str]] = {}
    for edge in view.edges:
        for ev in edge.evidence:
            known = documents.get(ev.document)
            quoted.setdefault(
                ev.document,
                {
                    "title": (known.title if known else "") or ev.title,
                    "file": known.source_file if known else "",
                    "lines": known.lines if known else "",
                },
            )
    return quoted


def _class_data(style: ClassStyle) -> dict[str, str]:
    return {"color": style.color, "shape": style.shape}


def _predicate_data(style: PredicateStyle) -> dict[str, object]:
    return {"color": style.color, "dashes": list(style.dashes), "width": style.width}


def _class_legend(view: ViewGraph, neutral: bool) -> str:
    counts = Counter(n.entity_class for n in view.nodes)
    ordered = legend_order(counts, ENTITY_CLASSES)
    items = []
    for cls in ordered:
        style = class_style(cls)
        swatch = _shape_svg(style.shape, NEUTRAL_FILL if neutral else style.color)
        items.append(
            f'<li><label><input type="checkbox" data-class="{html.escape(cls)}" checked>'
            f"{swatch}<span>{html.escape(cls)}</span>"
            f'<span class="n">{counts[cls]}</span></label></li>'
        )
    return "".join(items)


def _predicate_legend(view: ViewGraph) -> str:
    counts = Counter(e.predicate for e in view.edges)
    ordered = legend_order(counts, PREDICATES)
    items = []
    for predicate in ordered:
        items.append(
            f'<li><label><input type="checkbox" data-predicate="{html.escape(predicate)}" '
            f"checked>{_line_svg(predicate_style(predicate))}<span>{html.escape(predicate)}"
            f'</span><span class="n">{counts[predicate]}</span></label></li>'
        )
    return "".join(items)


def _community_legend(view: ViewGraph) -> str:
    if not view.communities:
        return ""
    shown = [c for c in view.communities if c.color != OTHER_COMMUNITY_COLOR]
    rest = [c for c in view.communities if c.color == OTHER_COMMUNITY_COLOR]
    items = [
        f"<li>{_shape_svg('dot', c.color)}<span>{c.number} · {c.size} nodes: "
        f'<span class="members">{html.escape(", ".join(c.top_labels))}</span></span></li>'
        for c in shown
    ]
    if rest:
        items.append(
            f"<li>{_shape_svg('dot', OTHER_COMMUNITY_COLOR)}<span>{len(rest)} smaller "
            f"communities ({sum(c.size for c in rest)} nodes)</span></li>"
        )
    return (
        "<h2>Communities (colour)</h2>"
        f'<ul id="legend-communities" class="legend">{"".join(items)}</ul>'
    )


def _left_out_html(view: ViewGraph) -> str:
    if not view.left_out:
        return '<p id="left-out">Left out: nothing.</p>'
    items = "".join(f"<li>{html.escape(line)}</li>" for line in view.left_out)
    return f'<div id="left-out"><strong>Left out:</strong><ul>{items}</ul></div>'


def _notes_html(view: ViewGraph) -> str:
    options = view.options
    settings = [
        f"view {options.view}",
        f"minimum confidence {options.min_confidence:g}",
        f"node size by {options.size_by}",
        f"layout seed {options.seed}",
    ]
    if options.view == "ego":
        settings.append(f"radius {options.radius}")
    if options.predicates:
        settings.append("predicates " + ", ".join(sorted(options.predicates)))
    lines = [
        *view.notes,
        "Browser physics: "
        + (
            "settles the layout once, then stops (tick Physics to let nodes move again)."
            if 0 < len(view.nodes) <= PHYSICS_NODE_LIMIT
            else f"off for a graph of more than {PHYSICS_NODE_LIMIT} nodes."
        ),
        f"Generated by labatlas {__version__} with vis-network {VIS_NETWORK_VERSION}: "
        + "; ".join(settings)
        + ".",
    ]
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


_SHAPES: dict[str, str] = {
    "dot": '<circle cx="8" cy="8" r="5.5"/>',
    "diamond": '<polygon points="8,1.5 14.5,8 8,14.5 1.5,8"/>',
    "square": '<rect x="2.5" y="2.5" width="11" height="11"/>',
    "triangle": '<polygon points="8,2 14,13.5 2,13.5"/>',
    "triangleDown": '<polygon points="2,2.5 14,2.5 8,14"/>',
    "star": (
        '<polygon points="8,1 9.8,6 15,6 10.8,9.2 12.4,14.5 8,11.3 3.6,14.5 5.2,9.2 1,6 6.2,6"/>'
    ),
}


def _shape_svg(shape: str, color: str) -> str:
    body = _SHAPES.get(shape, _SHAPES["dot"])
    return (
        f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
        f'<g fill="{html.escape(color)}" stroke="#333" stroke-width="1">{body}</g></svg>'
    )


def _line_svg(style: PredicateStyle) -> str:
    dash = f' stroke-dasharray="{" ".join(map(str, style.dashes))}"' if style.dashes else ""
    return (
        f'<svg width="34" height="12" viewBox="0 0 34 12" aria-hidden="true">'
        f'<line x1="1" y1="6" x2="27" y2="6" stroke="{html.escape(style.color)}" '
        f'stroke-width="{style.width}"{dash}/>'
        f'<polygon points="33,6 26,2.5 26,9.5" fill="{html.escape(style.color)}"/></svg>'
    )
