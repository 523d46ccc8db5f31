"""The page as a file: self-contained, escaped, locked down by its CSP, reproducible."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from labatlas.graph.network import AtlasNetwork
from labatlas.viz.page import (
    VIS_NETWORK,
    DocumentInfo,
    render_page,
    vis_network_js,
    write_page,
)
from labatlas.viz.views import ViewOptions, build_view

ASSETS = VIS_NETWORK.parent


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def _parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    return parser


def _csp(elements: _Elements) -> str:
    metas = [a for t, a in elements.tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    return metas[0]["content"] or ""


@pytest.fixture(scope="module")
def page(network: AtlasNetwork, documents: dict[str, DocumentInfo]) -> str:
    return render_page(build_view(network, ViewOptions()), documents)


def test_page_loads_nothing_from_elsewhere(page: str) -> None:
    elements = _parse(page)
    linked = [(tag, attrs) for tag, attrs in elements.tags if "src" in attrs or "href" in attrs]
    assert linked == []
    assert not any(tag in {"link", "iframe", "object", "embed", "base"} for tag, _ in elements.tags)
    assert "@import" not in page
    assert set(re.findall(r"url\(\"?(\w+):", page)) <= {"data"}
    csp = _csp(elements)
    assert "default-src 'none'" in csp and "connect-src" not in csp


def test_only_the_pages_own_scripts_may_run(page: str) -> None:
    elements = _parse(page)
    csp = _csp(elements)
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    runnable = [text for attrs, text in elements.scripts if attrs.get("type") != "application/json"]
    assert len(runnable) == 2  # vis-network and the page's script
    digests = {base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() for t in runnable}
    assert digests == allowed
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_corpus_text_never_becomes_markup(hostile_network: AtlasNetwork, hostile: str) -> None:
    for view in ("full", "communities"):
        page = render_page(build_view(hostile_network, ViewOptions(view=view)))
        assert hostile not in page
        elements = _parse(page)
        assert [tag for tag, _ in elements.tags].count("script") == 3
        assert not [tag for tag, _ in elements.tags if tag == "img"]
        handlers = [(t, k) for t, attrs in elements.tags for k in attrs if k.startswith("on")]
        assert handlers == []
        data = json.loads(next(t for a, t in elements.scripts if a.get("id") == "atlas-data"))
        labels = {n["label"] for n in data["nodes"]}
        assert hostile in labels  # the text itself survives, to be shown as text


def test_community_legend_escapes_names(hostile_network: AtlasNetwork, hostile: str) -> None:
    page = render_page(build_view(hostile_network, ViewOptions(view="communities")))
    legend = page.split('id="legend-communities"')[1].split("</ul>")[0]
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=1" in legend


def test_same_view_gives_the_same_page(
    network: AtlasNetwork, documents: dict[str, DocumentInfo], page: str
) -> None:
    assert render_page(build_view(network, ViewOptions()), documents) == page


def test_evidence_names_its_document_file_and_lines(page: str) -> None:
    data = json.loads(next(t for a, t in _parse(page).scripts if a.get("id") == "atlas-data"))
    quoted = data["documents"]
    assert quoted and all(d["title"] for d in quoted.values())
    with_files = [d for d in quoted.values() if d["file"]]
    assert with_files and all(re.fullmatch(r"\d+–\d+", d["lines"]) for d in with_files)
    cited = {ev["document"] for e in data["edges"] for ev in e["evidence"]}
    assert cited == set(quoted)


def test_vendored_vis_network_is_the_published_file() -> None:
    readme = (ASSETS / "README.md").read_text(encoding="utf-8")
    recorded = re.search(r"sha256 of `vis-network.min.js`: `([0-9a-f]{64})`", readme).group(1)
    assert hashlib.sha256(VIS_NETWORK.read_bytes()).hexdigest() == recorded
    assert (ASSETS / "LICENSE-MIT").is_file() and (ASSETS / "LICENSE-APACHE-2.0").is_file()
    inlined = vis_network_js()
    assert "sourceMappingURL" not in inlined and "</script" not in inlined.lower()


def test_write_page_creates_the_folder(tmp_path: Path, network: AtlasNetwork) -> None:

    target = write_page(
        build_view(network, ViewOptions(view="diffusion")), tmp_path / "a" / "d.html"
    )
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
