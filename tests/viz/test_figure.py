"""Static figures: the three formats, the same bytes every run, readable without colour."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from labatlas.cli import main
from labatlas.graph.network import AtlasNetwork, EvidenceInfo, NodeInfo, RelationInfo
from labatlas.loaders.model import ENTITY_CLASSES, PREDICATES
from labatlas.viz.figure import FigureError, figure_format, write_figure
from labatlas.viz.style import class_style, grey_value, predicate_style
from labatlas.viz.views import ViewOptions, build_view

SVG = "{http://www.w3.org/2000/svg}"


def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_svg_png_and_pdf_are_written(tmp_path: Path, network: AtlasNetwork) -> None:
    view = build_view(network, ViewOptions(view="ego", entity=_siilab(network)))
    svg = write_figure(view, tmp_path / "ego.svg")
    texts = _svg_texts(svg)
    assert "SIILAB" in texts  # the centre is always named
    assert {"Classes", "Relations"} <= set(texts)
    assert {e.predicate for e in view.edges} <= set(texts)
    assert {n.entity_class for n in view.nodes} <= set(texts)
    png = write_figure(view, tmp_path / "ego.png", dpi=72)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = write_figure(view, tmp_path / "sub" / "ego.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_the_same_command_writes_the_same_bytes(
    tmp_path: Path, built_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once here, once in a fresh interpreter with another hash seed: set order must not leak
    into the layout or the file."""
    args = ["figure", "--view", "communities", "--store", str(built_store), "-o"]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*args, "here.svg"])
    assert result.exit_code == 0, result.stderr
    other_seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "labatlas"), *args, "fresh.svg"],
        env={**os.environ, "PYTHONHASHSEED": other_seed},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "fresh.svg").read_bytes() == (tmp_path / "here.svg").read_bytes()


def test_pdf_has_no_date(tmp_path: Path, network: AtlasNetwork) -> None:
    view = build_view(network, ViewOptions(view="shared-partners"))
    first = write_figure(view, tmp_path / "a.pdf").read_bytes()
    assert b"CreationDate" not in first
    assert write_figure(view, tmp_path / "b.pdf").read_bytes() == first


def test_classes_and_relations_stay_distinct_in_greyscale() -> None:
    for a, b in itertools.combinations(ENTITY_CLASSES, 2):
        style_a, style_b = class_style(a), class_style(b)
        if style_a.marker == style_b.marker:
            assert abs(grey_value(style_a.color) - grey_value(style_b.color)) >= 0.08, (a, b)
    line_styles = {(predicate_style(p).dashes, predicate_style(p).width) for p in PREDICATES}
    assert len(line_styles) == len(PREDICATES)


def test_names_stay_text_in_the_svg(
    tmp_path: Path, hostile_network: AtlasNetwork, hostile: str
) -> None:
    view = build_view(hostile_network, ViewOptions(view="communities"))
    svg = write_figure(view, tmp_path / "hostile.svg")
    root = ET.parse(svg).getroot()  # still well-formed XML
    assert not [e for e in root.iter() if e.tag in {f"{SVG}script", f"{SVG}image"}]
    assert not [k for e in root.iter() for k in e.attrib if k.lower().startswith("on")]
    named = [t for t in _svg_texts(svg) if t.startswith("</script><script>")]
    assert named  # SIILAB (now hostile) is among the largest nodes, drawn as literal text


def test_dollar_signs_are_not_mathtext(tmp_path: Path) -> None:
    nodes = {
        "id:a": NodeInfo("id:a", "Fund $x$ & <b>", "Programme"),
        "id:b": NodeInfo("id:b", "Bank $1", "Company"),
    }
    evidence = EvidenceInfo("id:e", "Fund $x$ is funded by Bank $1.", "id:d", "Case", 0.9, "r")
    network = AtlasNetwork(nodes, [RelationInfo("id:a", "fundedBy", "id:b", [evidence])])
    for view in ("full", "communities"):
        svg = write_figure(build_view(network, ViewOptions(view=view)), tmp_path / f"{view}.svg")
        texts = _svg_texts(svg)
        assert "Fund $x$ & <b>" in texts and "Bank $1" in texts


def test_unknown_extension_is_refused() -> None:
    with pytest.raises(FigureError, match=r"atlas\.jpg: the figure's extension"):
        figure_format(Path("atlas.jpg"))


def _siilab(network: AtlasNetwork) -> str:
    return next(iri for iri, node in network.nodes.items() if node.label == "SIILAB")
