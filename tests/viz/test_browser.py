"""The pages in a real browser: Debian's Chromium, headless, offline, driven by Playwright.

Each page is opened from disk with the network off and every request recorded. The seed
page is the one `labatlas viz` writes with its defaults; a screenshot of it (with SIILAB
clicked) replaces viz/screenshot.png, the README's, when LABATLAS_UPDATE_SCREENSHOT=1.
"""

from __future__ import annotations

import io
import json
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

import labatlas.viz
from labatlas.cli import main
from labatlas.graph.network import AtlasNetwork
from labatlas.viz.page import write_page
from labatlas.viz.synthetic import synthetic_network
from labatlas.viz.views import ViewOptions, build_view

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOT = Path(labatlas.viz.__file__).parent / "screenshot.png"
SIILAB = "https://w3id.org/labatlas/id/initiative/siilab"


@dataclass
class Opened:
    """A page and everything it did: console messages, errors, requests, dialogs."""

    page: Page
    url: str
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_quiet(self) -> None:
        """No console error, no script error, no dialog, no request but the page itself."""
        assert [m for m in self.console if m[0] in {"error", "warning"}] == []
        assert self.errors == [] and self.dialogs == []
        assert set(self.requests) == {self.url}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run .ci/install-system-deps.sh (Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextmanager
def open_offline(browser: Browser, path: Path) -> Iterator[Opened]:
    context = browser.new_context(offline=True, viewport=VIEWPORT)
    page = context.new_page()
    opened = Opened(page, path.resolve().as_uri())
    page.on("console", lambda m: opened.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    page.goto(opened.url)
    page.wait_for_function("() => window.atlas && window.atlas.stable", timeout=60_000)
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture(scope="module")
def seed_page_file(tmp_path_factory: pytest.TempPathFactory, built_store: Path) -> Path:
    """The page of the README's first command: `labatlas viz` with its defaults."""
    target = tmp_path_factory.mktemp("viz") / "out" / "labatlas.html"
    result = CliRunner().invoke(main, ["viz", "--store", str(built_store), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def seed(browser: Browser, seed_page_file: Path) -> Iterator[Opened]:
    with open_offline(browser, seed_page_file) as opened:
        yield opened


def _click_node(page: Page, iri: str) -> None:
    page.evaluate("id => atlas.network.focus(id, {scale: 1.6, animation: false})", iri)
    _click_canvas(page, page.evaluate("id => atlas.network.getPosition(id)", iri))


def _click_canvas(page: Page, canvas_point: dict[str, float]) -> None:
    point = page.evaluate("p => atlas.network.canvasToDOM(p)", canvas_point)
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def test_seed_page_opens_offline_quietly(seed: Opened) -> None:
    seed.assert_quiet()
    assert seed.url.startswith("file://")


def test_data_set_holds_every_node_and_relation(seed: Opened, network: AtlasNetwork) -> None:
    graph = network.multigraph()
    counts = seed.page.evaluate(
        "[atlas.nodes.length, atlas.edges.length, atlas.nodeView.length, atlas.edgeView.length]"
    )
    assert counts == [graph.number_of_nodes(), graph.number_of_edges()] * 2
    assert seed.page.text_content("#counts") == (
        f"{graph.number_of_nodes()} nodes and {graph.number_of_edges()} relations"
    )


def test_legend_lists_the_classes_and_relations_drawn(seed: Opened, network: AtlasNetwork) -> None:
    graph = network.multigraph()
    classes = {cls for _, cls in graph.nodes(data="cls")}
    predicates = {p for _, _, p in graph.edges(keys=True)}
    page = seed.page
    assert page.locator("#legend-classes li").count() == len(classes)
    assert page.locator("#legend-predicates li").count() == len(predicates)
    shown = set(page.locator("#legend-classes li span:not(.n)").all_text_contents())
    assert shown == classes
    assert page.locator("#legend-predicates svg line").count() == len(predicates)
    assert page.locator("#legend-classes").is_visible()


def test_screenshot_for_the_readme(seed: Opened, tmp_path: Path) -> None:
    """Taken first, on the layout as it settled, with SIILAB clicked and the pointer away.

    Written to a temporary file; with LABATLAS_UPDATE_SCREENSHOT=1 it replaces the README's
    viz/screenshot.png (a test run does not otherwise touch the source tree).
    """
    page = seed.page
    _click_node(page, SIILAB)
    assert page.locator("#details").get_attribute("data-id") == SIILAB
    page.evaluate("atlas.network.fit({animation: false})")
    box = page.locator("#graph").bounding_box()
    page.mouse.move(box["x"] + 4, box["y"] + 4)  # off every node and edge: no tooltip
    page.locator("div.vis-tooltip").wait_for(state="hidden", timeout=5_000)
    png = page.screenshot()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (VIEWPORT["width"], VIEWPORT["height"])
    # 256 colours keep the drawing legible at a size that belongs in a repository.
    target = SCREENSHOT if os.environ.get("LABATLAS_UPDATE_SCREENSHOT") else tmp_path / "shot.png"
    image.quantize(colors=256, dither=Image.Dither.NONE).save(target, optimize=True)
    assert target.stat().st_size < 200_000
    seed.assert_quiet()


def test_clicking_a_node_shows_its_names_ties_and_evidence(
    seed: Opened, network: AtlasNetwork
) -> None:
    page = seed.page
    _click_node(page, SIILAB)
    details = page.locator("#details")
    assert details.get_attribute("data-kind") == "node"
    assert details.get_attribute("data-id") == SIILAB
    assert page.text_content("#details h3") == "SIILAB"
    assert page.text_content("#details dd.cls") == "Lab"
    assert set(network.nodes[SIILAB].aliases) <= set(
        page.text_content("#details dd.aliases").split("; ")
    )
    quoted = set(page.locator("#details .evidence blockquote").all_text_contents())
    expected = {
        e.sentence for r in network.relations if SIILAB in (r.subject, r.object) for e in r.evidence
    }
    assert quoted == expected
    sources = " ".join(page.locator("#details .evidence .source").all_text_contents())
    assert "000_0036d6103ff19532.txt, lines " in sources and "rule " in sources
    ties = page.locator("#details ul.ties button").all_text_contents()
    others = {r.object for r in network.relations if r.subject == SIILAB}
    others |= {r.subject for r in network.relations if r.object == SIILAB}
    assert sorted(ties) == sorted(network.nodes[i].label for i in others)
    seed.assert_quiet()


def test_clicking_an_edge_shows_its_evidence(seed: Opened, network: AtlasNetwork) -> None:
    page = seed.page
    data = page.evaluate("atlas.data")
    degree = {n["id"]: n["degree"] for n in data["nodes"]}
    edge = next(e for e in data["edges"] if degree[e["from"]] == 1 and degree[e["to"]] == 1)
    page.evaluate("e => atlas.network.fit({nodes: [e.from, e.to], animation: false})", edge)
    a, b = (
        page.evaluate("id => atlas.network.getPosition(id)", n) for n in (edge["from"], edge["to"])
    )
    _click_canvas(page, {"x": (a["x"] + b["x"]) / 2, "y": (a["y"] + b["y"]) / 2})
    details = page.locator("#details")
    assert details.get_attribute("data-kind") == "edge"
    assert details.get_attribute("data-id") == edge["id"]
    assert page.text_content("#details dd.predicate") == edge["predicate"]
    relation = next(
        r
        for r in network.relations
        if (r.subject, r.predicate, r.object) == (edge["from"], edge["predicate"], edge["to"])
    )
    quoted = page.locator("#details .evidence blockquote").all_text_contents()
    assert quoted == [e.sentence for e in relation.evidence]


def test_filters_by_class_relation_and_degree(seed: Opened) -> None:
    page = seed.page
    total = page.evaluate("atlas.nodes.length")
    places = page.evaluate("atlas.nodes.get().filter(n => n.cls === 'Place').length")
    page.uncheck("input[data-class=Place]")
    assert page.evaluate("atlas.nodeView.length") == total - places
    assert page.evaluate(
        "atlas.edgeView.get().every(e => atlas.nodes.get(e.from).cls !== 'Place' && "
        "atlas.nodes.get(e.to).cls !== 'Place')"
    )
    page.uncheck("input[data-predicate=usesMethod]")
    assert page.evaluate("atlas.edgeView.get().every(e => e.predicate !== 'usesMethod')")
    page.fill("#min-degree", "3")
    degrees = page.evaluate(
        "(() => { const d = {}; for (const e of atlas.edgeView.get()) {"
        " d[e.from] = (d[e.from] || 0) + 1; d[e.to] = (d[e.to] || 0) + 1; }"
        " return atlas.nodeView.getIds().map(id => d[id] || 0); })()"
    )
    assert degrees and min(degrees) >= 3
    assert page.text_content("#counts").startswith(f"Showing {len(degrees)} of {total} nodes")
    page.click("#show-all")
    assert page.evaluate("atlas.nodeView.length") == total
    assert page.is_checked("input[data-class=Place]")


def test_search_finds_an_entity_by_alias(seed: Opened, network: AtlasNetwork) -> None:
    page = seed.page
    labels = {iri: _fold(n.label) for iri, n in network.nodes.items()}
    shown = set(page.evaluate("atlas.nodes.getIds()"))
    iri, alias = next(
        (iri, alias)
        for iri in sorted(shown)
        for alias in network.nodes[iri].aliases
        if len(alias) > 4
        and not any(_fold(alias) in label for label in labels.values())
        and sum(_fold(alias) in _fold(a) for i in shown for a in network.nodes[i].aliases) == 1
    )
    page.fill("#search", alias)
    page.press("#search", "Enter")
    assert page.locator("#details").get_attribute("data-id") == iri
    assert (
        page.locator("#search-results button")
        .first.text_content()
        .startswith(network.nodes[iri].label)
    )


def test_layout_stands_still_once_stable_until_physics_is_ticked(seed: Opened) -> None:
    page = seed.page
    before = page.evaluate("atlas.network.getPositions()")
    page.wait_for_timeout(600)
    assert page.evaluate("atlas.network.getPositions()") == before
    assert not page.is_checked("#physics")
    assert page.evaluate("atlas.network.physics.options.enabled") is False
    page.check("#physics")
    assert page.evaluate("atlas.network.physics.options.enabled") is True
    page.uncheck("#physics")
    assert page.evaluate("atlas.network.physics.options.enabled") is False


def test_hostile_names_render_as_text_and_run_nothing(
    browser: Browser, tmp_path: Path, hostile_network: AtlasNetwork, hostile: str
) -> None:
    path = write_page(build_view(hostile_network, ViewOptions()), tmp_path / "hostile.html")
    with open_offline(browser, path) as opened:
        page = opened.page
        _click_node(page, SIILAB)
        assert page.text_content("#details h3") == hostile
        quoted = page.locator("#details .evidence blockquote").all_text_contents()
        assert quoted and set(quoted) == {hostile}
        box = page.locator("#graph").bounding_box()
        point = page.evaluate(
            "id => atlas.network.canvasToDOM(atlas.network.getPosition(id))", SIILAB
        )
        page.mouse.move(box["x"] + point["x"] + 1, box["y"] + point["y"] + 1)
        tooltip = page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        assert hostile in tooltip.inner_text()
        page.fill("#search", "</script")
        assert page.locator("#search-results button").first.text_content().startswith(hostile)
        injected = page.evaluate(
            "({pwned: window.__pwned === undefined ? null : window.__pwned,"
            " scripts: document.scripts.length, images: document.images.length,"
            " tooltipTags: [...document.querySelector('div.vis-tooltip').children]"
            "   .map(c => c.tagName).filter(t => t !== 'BR'),"
            " handlers: [...document.querySelectorAll('*')].flatMap(el =>"
            "   [...el.attributes].map(a => a.name).filter(n => n.startsWith('on')))})"
        )
        assert injected == {
            "pwned": None,
            "scripts": 3,
            "images": 0,
            "tooltipTags": [],
            "handlers": [],
        }
        opened.assert_quiet()


def test_large_view_is_reduced_and_says_so(browser: Browser, tmp_path: Path) -> None:
    path = write_page(build_view(synthetic_network(1800), ViewOptions()), tmp_path / "big.html")
    with open_offline(browser, path) as opened:
        page = opened.page
        assert page.evaluate("[atlas.nodes.length, atlas.network.physics.options.enabled]") == [
            1500,
            False,
        ]
        left_out = page.text_content("#left-out")
        assert "300 of 1800 nodes" in left_out and "1500 with the most relations" in left_out
        data = json.loads(page.text_content("#atlas-data"))
        assert data["big"] is True and data["physics"] is False
        opened.assert_quiet()
