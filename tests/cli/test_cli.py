"""The command line as a user runs it: real store on disk, real files, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from labatlas.cli import main


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_prints_a_summary_and_query_answers(runner: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    code, out, _ = _run(runner, "build", "--store", store)
    assert code == 0
    assert "documents:" in out and "relations by predicate:" in out and "top shared partners" in out
    code, out, _ = _run(runner, "query", "shared-partners", "--store", store, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert all(int(r["initiatives"]) >= 2 for r in rows)
    code, out, _ = _run(runner, "export", "-o", str(tmp_path / "a.ttl"), "--store", store)
    assert code == 0 and (tmp_path / "a.ttl").stat().st_size > 1000


def test_query_parameters_accept_labels_and_are_bound_not_pasted(
    runner: CliRunner, built_store: Path
) -> None:
    store = str(built_store)
    code, out, _ = _run(
        runner, "query", "shared-partners", "--store", store, "--param", "min=1", "--format", "csv"
    )
    assert code == 0
    everyone = out.count("\n")
    hostile = "2) } } INSERT DATA { <x:a> <x:b> <x:c> } #"
    code, _, err = _run(
        runner, "query", "shared-partners", "--store", store, "--param", f"min={hostile}"
    )
    assert code != 0 and "not a number" in err
    code, out, err = _run(
        runner,
        "query",
        "funders",
        "--store",
        store,
        "--param",
        'initiative=SIILAB" } UNION { ?x ?y ?z',
    )
    assert code != 0 and "no entity named" in err
    assert everyone > 3


@pytest.mark.parametrize("name", ["evidence", "documents", "diffusion"])
def test_csv_and_json_are_the_library_answer_written_as_it_comes(
    runner: CliRunner, built_store: Path, store, name: str
) -> None:
    """CSV and JSON are written row by row (a big answer never sits in memory); read back,
    they are the library's answer, sentences with commas, quotes and accents included."""
    import csv
    import io

    from labatlas.queries import load_query, run_query, term_text

    expected = run_query(store, load_query(name))
    texts = [[term_text(v) for v in row] for row in expected.rows]
    assert texts
    args = ["query", name, "--store", str(built_store), "--format"]
    code, out, _ = _run(runner, *args, "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [list(expected.columns), *texts]
    code, out, _ = _run(runner, *args, "json")
    assert code == 0
    assert json.loads(out) == [dict(zip(expected.columns, row, strict=True)) for row in texts]


def test_empty_answer_is_an_empty_list_and_a_header(runner: CliRunner, built_store: Path) -> None:
    args = ["query", "funders", "--store", str(built_store), "--param"]
    absent = "initiative=https://w3id.org/labatlas/id/initiative/no-such-initiative"
    code, out, _ = _run(runner, *args, absent, "--format", "json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = _run(runner, *args, absent, "--format", "csv")
    assert code == 0 and out.startswith("initiative,initiativeLabel,") and out.count("\n") == 1


def test_unknown_query_lists_the_library(runner: CliRunner, built_store: Path) -> None:
    code, _, err = _run(runner, "query", "shared-partner", "--store", str(built_store))
    assert code == 1
    assert "did you mean shared-partners" in err and err.count("\n") == 1


def test_sparql_syntax_error_names_file_line_and_column(
    runner: CliRunner, built_store: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE {\n  ?x ?y \n}\n", encoding="utf-8")
    code, _, err = _run(runner, "query", str(bad), "--store", str(built_store))
    assert code == 1
    assert str(bad) in err and "line 3" in err and "column" in err


def test_missing_file_empty_corpus_and_binary_file(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, _, err = _run(runner, "build", str(tmp_path / "nope.txt"), "--store", str(store))
    assert code == 1 and "nope.txt: no such file" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = _run(runner, "build", str(empty), "--store", str(store))
    assert code == 1 and "empty corpus" in err
    (empty / "blob.txt").write_bytes(b"\x00\x01binary")
    (empty / "case.txt").write_text("The Lab of Nantes is funded by the City of Nantes.\n")
    code, _, err = _run(runner, "build", str(empty), "--store", str(store))
    assert code == 0 and "skipped" in err and "blob.txt: binary file" in err
    assert not store.with_name("nope").exists()


def test_failed_build_keeps_the_previous_store(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert _run(runner, "build", "--store", str(store), "-q")[0] == 0
    before = _run(runner, "query", "shared-partners", "--store", str(store))[1]
    code, _, _ = _run(runner, "build", str(tmp_path / "missing"), "--store", str(store))
    assert code == 1
    assert _run(runner, "query", "shared-partners", "--store", str(store))[1] == before


def test_query_without_a_store_says_how_to_make_one(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = _run(runner, "query", "funders", "--store", str(tmp_path / "none"))
    assert code == 1 and "labatlas build" in err


def test_query_runs_without_loading_the_extraction_pipeline(built_store: Path) -> None:
    # The pipeline's rules and gazetteers cost every `labatlas query` tens of milliseconds;
    # its errors are still caught, by the commands that load it (see the build tests above).
    probe = (
        "import sys\n"
        "from labatlas.cli import main\n"
        "try:\n"
        f"    main(['query', 'funders', '--store', {str(built_store)!r}])\n"
        "except SystemExit as done:\n"
        "    assert done.code in (0, None), done.code\n"
        "print('LOADED', 'labatlas.loaders.pipeline' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "LOADED False" in done.stderr
    assert "initiative" in done.stdout  # the answer's header: the query did run
