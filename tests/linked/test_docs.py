"""`labatlas docs`: the pyLODE page of the ontology, real pyLODE, checked for offline use."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from labatlas.cli import main
from labatlas.graph.docs import DocsError, ontology_html, remote_resources

LA = "https://w3id.org/labatlas/ontology#"


class _Sections(HTMLParser):
    """Text of each <div id=...> of the page, by id (pyLODE puts one entity per div)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self._stack: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div":
            self._stack.append(dict(attrs).get("id"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        for section in self._stack:
            if section:
                self.text[section] = self.text.get(section, "") + data


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("docs")
    result = CliRunner().invoke(main, ["docs", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    written = folder / "index.html"
    assert written.stat().st_size > 10_000
    return written.read_text(encoding="utf-8")


def _section_of(page: str, iri: str) -> str:
    sections = _Sections()
    sections.feed(page)
    for text in sections.text.values():
        if re.search(rf"^\s*{re.escape(iri)}\s*$", text, re.MULTILINE):
            return text
    raise AssertionError(f"no section of the page documents {iri}")


@pytest.mark.parametrize(
    ("name", "english", "french"),
    [("Lab", "lab", "laboratoire d'innovation"), ("Funder", "funder", "financeur")],
)
def test_page_documents_class_with_both_labels(page: str, name: str, english: str, french: str):
    section = _section_of(page, LA + name)
    assert english in section.lower()
    assert french in section.lower()


def test_page_loads_nothing_from_the_network(page: str):
    assert remote_resources(page) == []
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", page, re.IGNORECASE)


def test_remote_resources_finds_what_a_browser_would_fetch():
    page = (
        '<link rel="stylesheet" href="https://cdn.example/s.css">'
        '<link rel="alternate" href="https://example.org/x.ttl">'
        '<a href="https://example.org/">a link</a>'
        '<script src="//cdn.example/x.js"></script><script src="local.js"></script>'
    )
    assert remote_resources(page) == ["https://cdn.example/s.css", "//cdn.example/x.js"]


def test_unreadable_ontology_is_a_clear_error(tmp_path: Path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix : <http://x#> . :a :b", encoding="utf-8")
    with pytest.raises(DocsError, match=r"broken\.ttl"):
        ontology_html(broken)
