"""`labatlas viz` and `labatlas figure` as a user runs them: files written, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from labatlas.cli import main


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr


def test_viz_defaults_write_out_labatlas_html(
    tmp_path: Path, built_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = _run("viz", "--store", str(built_store))
    page = tmp_path / "out" / "labatlas.html"
    assert code == 0, err
    assert page.is_file() and "<title>Full graph · labatlas</title>" in page.read_text("utf-8")
    assert err.startswith("wrote out/labatlas.html: Full graph, ")
    assert "left out: " in err


def test_viz_ego_takes_a_label_and_figure_takes_the_same_options(
    tmp_path: Path, built_store: Path
) -> None:
    store = ["--store", str(built_store)]
    code, err = _run("viz", "--view", "ego", "the SIILAB", "-o", str(tmp_path / "e.html"), *store)
    assert code == 0, err
    assert "Ego network of SIILAB (radius 1)" in (tmp_path / "e.html").read_text("utf-8")
    code, err = _run(
        "figure", "--view", "shared-partners", "--size-by", "betweenness", "--classes",
        "Initiative,Actor", "-o", str(tmp_path / "s.pdf"), *store,
    )  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["viz", "--view", "ego"], "the ego view needs an entity"),
        (["viz", "--view", "ego", "Atlantis"], "no entity named 'Atlantis'"),
        (["viz", "SIILAB"], "an entity is only for the ego view"),
        (["viz", "--classes", "Labs"], "--classes: unknown class 'Labs'"),
        (["viz", "--predicates", "funds"], "--predicates: unknown predicate 'funds'"),
        (["figure", "-o", "atlas.jpg"], "atlas.jpg: the figure's extension must be"),
        (["viz", "-o", "{file}/x.html"], "cannot write"),
    ],
)
def test_user_errors_are_one_line(
    tmp_path: Path,
    built_store: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    args = [a.replace("{file}", str(blocker)) for a in args]
    monkeypatch.chdir(tmp_path)
    code, err = _run(*args, "--store", str(built_store))
    assert code == 1
    assert err.startswith("labatlas: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_store_is_one_line(tmp_path: Path) -> None:
    code, err = _run("viz", "--store", str(tmp_path / "none"), "-o", str(tmp_path / "x.html"))
    assert code == 1 and "no labatlas store here" in err


def test_help_does_not_load_the_drawing_libraries() -> None:
    probe = (
        "import sys, labatlas.cli; "
        "print(sorted(m for m in ('matplotlib', 'playwright', 'labatlas.viz.views') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
