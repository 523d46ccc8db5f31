"""`labatlas import`: real files into a real Oxigraph store on disk, atomic, one graph per file.

The round-trip tests use the 10k-quad generated graph (bench/generator.py): every library
query must give the same rows through the Python API, through the CLI, and on a fresh store
built by importing the export of the first one. So must a store built from the bundled
corpus (`labatlas build`), exported and imported again.
"""

from __future__ import annotations

import fcntl
import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, Quad, Store

from labatlas.bench.generator import write_graph
from labatlas.bench.run import focused_parameters, top_entities
from labatlas.cli import main
from labatlas.graph import importer
from labatlas.graph.importer import RdfImportError, import_files, import_graph_iri, plan_import
from labatlas.graph.store import open_store
from labatlas.queries import library, run_query
from labatlas.queries.format import term_text

EX = "https://example.org/"
ONTOLOGY = NamedNode("https://w3id.org/labatlas/graph/ontology")
TURTLE = f"""@prefix ex: <{EX}> .
ex:lab ex:partner ex:city , ex:university .
ex:lab ex:label "A lab" .
"""


def _graph(name: str) -> NamedNode:
    return NamedNode(f"https://w3id.org/labatlas/graph/import/{name}")


def _quads(store_path: Path) -> set[Quad]:
    store = open_store(store_path)
    return set(store.quads_for_pattern(None, None, None))


def _in_graph(store_path: Path, graph: NamedNode) -> set[tuple[str, str, str]]:
    store = open_store(store_path)
    return {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in store.quads_for_pattern(None, None, None, graph)
    }


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- formats, graphs


def test_a_new_store_gets_the_file_in_its_own_graph_and_the_ontology(tmp_path: Path) -> None:
    source = tmp_path / "opsi cases.ttl"
    source.write_text(TURTLE, encoding="utf-8")
    imported = import_files(plan_import([source]), tmp_path / "store")
    assert [(i.graph, i.quads) for i in imported] == [(_graph("opsi-cases"), 3)]
    store = open_store(tmp_path / "store")
    assert store.contains_named_graph(ONTOLOGY)
    assert len(list(store.quads_for_pattern(None, None, None, ONTOLOGY))) > 50
    assert (EX + "lab", EX + "label", "A lab") in _in_graph(
        tmp_path / "store", _graph("opsi-cases")
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.nt", f'<{EX}s> <{EX}p> "o" .\n<{EX}s> <{EX}p> <{EX}t> .\n'),
        ("a.jsonld", json.dumps({"@id": EX + "s", EX + "p": [{"@value": "o"}, {"@id": EX + "t"}]})),
        (
            "a.rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}s"><ex:p>o</ex:p>'
            f'<ex:p rdf:resource="{EX}t"/></rdf:Description></rdf:RDF>',
        ),
    ],
)
def test_triple_formats_by_extension(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    import_files(plan_import([tmp_path / name]), tmp_path / "store")
    assert _in_graph(tmp_path / "store", _graph("a")) == {
        (EX + "s", EX + "p", "o"),
        (EX + "s", EX + "p", EX + "t"),
    }


def test_dataset_formats_keep_their_graphs_and_the_default_graph_goes_to_the_file_graph(
    tmp_path: Path,
) -> None:
    trig = f"<{EX}s> <{EX}p> <{EX}o> .\n<{EX}g1> {{ <{EX}s> <{EX}p> <{EX}o1> }}\n"
    nquads = f"<{EX}s> <{EX}p> <{EX}o2> <{EX}g2> .\n"
    (tmp_path / "a.trig").write_text(trig, encoding="utf-8")
    (tmp_path / "b.nq").write_text(nquads, encoding="utf-8")
    import_files(plan_import([tmp_path / "a.trig", tmp_path / "b.nq"]), tmp_path / "store")
    assert _in_graph(tmp_path / "store", _graph("a")) == {(EX + "s", EX + "p", EX + "o")}
    assert _in_graph(tmp_path / "store", NamedNode(EX + "g1")) == {(EX + "s", EX + "p", EX + "o1")}
    assert _in_graph(tmp_path / "store", NamedNode(EX + "g2")) == {(EX + "s", EX + "p", EX + "o2")}


def test_gzip_and_an_explicit_format_and_graph(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "dump.data.gz", "wt", encoding="utf-8") as handle:
        handle.write(TURTLE)
    graph = "https://example.org/graph/census"
    import_files(plan_import([tmp_path / "dump.data.gz"], "ttl", graph), tmp_path / "store")
    assert len(_in_graph(tmp_path / "store", NamedNode(graph))) == 3


def test_unknown_syntax_missing_file_bad_graph_and_name_clash_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x", encoding="utf-8")
    with pytest.raises(RdfImportError, match=r"a\.csv: unknown extension '\.csv'; use --format"):
        plan_import([tmp_path / "a.csv"])
    with pytest.raises(RdfImportError, match="no such file"):
        plan_import([tmp_path / "missing.ttl"])
    (tmp_path / "a.ttl").write_text(TURTLE, encoding="utf-8")
    with pytest.raises(RdfImportError, match="not an absolute IRI"):
        plan_import([tmp_path / "a.ttl"], graph="my graph")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.nt").write_text("", encoding="utf-8")
    with pytest.raises(RdfImportError, match="would both go to graph"):
        plan_import([tmp_path / "a.ttl", tmp_path / "sub" / "a.nt"])
    # with one --graph for all files, sharing it is what was asked
    assert len(plan_import([tmp_path / "a.ttl", tmp_path / "sub" / "a.nt"], graph=EX + "g")) == 2


def test_graph_name_ignores_folder_and_syntax() -> None:
    assert import_graph_iri(Path("/x/Lab Census.nq.gz")) == import_graph_iri(Path("lab census.ttl"))


# --------------------------------------------------------------------------- replace, atomic


def test_reimport_replaces_what_the_file_wrote_and_nothing_else(tmp_path: Path) -> None:
    store = tmp_path / "store"
    (tmp_path / "cases.ttl").write_text(TURTLE, encoding="utf-8")
    (tmp_path / "other.nt").write_text(f"<{EX}x> <{EX}p> <{EX}y> .\n", encoding="utf-8")
    import_files(plan_import([tmp_path / "cases.ttl", tmp_path / "other.nt"]), store)
    (tmp_path / "cases.ttl").write_text(f"<{EX}lab> <{EX}partner> <{EX}new> .", encoding="utf-8")
    imported = import_files(plan_import([tmp_path / "cases.ttl"]), store)
    assert imported[0].quads == 1
    assert _in_graph(store, _graph("cases")) == {(EX + "lab", EX + "partner", EX + "new")}
    assert _in_graph(store, _graph("other")) == {(EX + "x", EX + "p", EX + "y")}


def test_reimport_of_a_dataset_replaces_its_named_graphs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    path = tmp_path / "d.nq"
    path.write_text(f"<{EX}s> <{EX}p> <{EX}old> <{EX}g> .\n", encoding="utf-8")
    import_files(plan_import([path]), store)
    path.write_text(f"<{EX}s> <{EX}p> <{EX}new> <{EX}g> .\n", encoding="utf-8")
    import_files(plan_import([path]), store)
    assert _in_graph(store, NamedNode(EX + "g")) == {(EX + "s", EX + "p", EX + "new")}


def test_a_malformed_file_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = tmp_path / "store"
    (tmp_path / "good.ttl").write_text(TURTLE, encoding="utf-8")
    import_files(plan_import([tmp_path / "good.ttl"]), store)
    before = _quads(store)
    (tmp_path / "good.ttl").write_text(f"<{EX}a> <{EX}b> <{EX}c> .", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text(f'<{EX}a> <{EX}b> <{EX}c> .\n<{EX}a> <{EX}b> "open .\n', encoding="utf-8")
    code, _, err = _cli("import", str(tmp_path / "good.ttl"), str(bad), "--store", str(store))
    assert code != 0
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{bad}: syntax error at line 2, column 49: Unexpected end of file" in err
    assert _quads(store) == before  # good.ttl, loaded first, is not half-applied either
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".store.lock", "bad.ttl", "good.ttl", "store"]
    )


def test_syntax_error_lines_count_from_the_start_of_the_file_when_it_is_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 1)
    lines = [f"<{EX}s{i}> <{EX}p> <{EX}o{i}> .\n" for i in range(400)]
    lines[300] = f"<{EX}s300> <{EX}p> oops .\n"
    path = tmp_path / "big.nt"
    path.write_text("".join(lines), encoding="utf-8")
    source = plan_import([path])[0]
    assert len(importer._readers(source, 2)) == 2  # the error sits in the second piece
    with pytest.raises(RdfImportError, match=r"big\.nt: syntax error at line 301, column 52"):
        import_files([source], tmp_path / "store", workers=2)
    assert not (tmp_path / "store").exists()
    lines[300] = f"<{EX}s300> <{EX}p> <{EX}o300> .\n"
    path.write_text("".join(lines), encoding="utf-8")
    imported = import_files(plan_import([path]), tmp_path / "store", workers=2)
    assert imported[0].quads == 400


def test_files_with_blank_nodes_are_never_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 1)
    lines = [f"_:b <{EX}p> <{EX}o{i}> .\n" for i in range(200)]
    path = tmp_path / "blank.nt"
    path.write_text("".join(lines), encoding="utf-8")
    assert len(importer._readers(plan_import([path])[0], 2)) == 1
    import_files(plan_import([path]), tmp_path / "store", workers=2)
    subjects = {
        q.subject
        for q in open_store(tmp_path / "store").quads_for_pattern(None, NamedNode(EX + "p"), None)
    }
    assert len(subjects) == 1  # one blank node, as in the file


def test_compacting_after_the_load_changes_no_quad(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 1)  # two pieces, two sorted runs
    lines = [f'<{EX}s{i % 50}> <{EX}p{i % 7}> "{i}" <{EX}g{i % 3}> .\n' for i in range(600)]
    path = tmp_path / "runs.nq"
    path.write_text("".join(lines), encoding="utf-8")
    stores = {}
    for flags in ([], ["--no-compact"]):
        stores[bool(flags)] = tmp_path / f"store{len(flags)}"
        code, out, _ = _cli("import", str(path), "--store", str(stores[bool(flags)]), *flags)
        assert code == 0 and "store ready in" in out
    data = [{q for q in _quads(store) if q.graph_name != ONTOLOGY} for store in stores.values()]
    assert data[0] == data[1] and len(data[0]) == 600  # the ontology's blank nodes differ


def test_a_second_import_into_the_same_store_at_once_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text(TURTLE, encoding="utf-8")
    with (tmp_path / ".store.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(RdfImportError, match="another import is writing this store"):
            import_files(plan_import([tmp_path / "a.ttl"]), tmp_path / "store")


def test_cli_prints_one_summary_line_per_file(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text(TURTLE, encoding="utf-8")
    code, out, _ = _cli("import", str(tmp_path / "a.ttl"), "--store", str(tmp_path / "s"))
    assert code == 0
    assert out.startswith(f"imported 3 triples from {tmp_path / 'a.ttl'} into <")
    code, _, err = _cli(
        "import", str(tmp_path / "a.ttl"), "--format", "nq", "-q", "--store", str(tmp_path / "s")
    )
    assert code != 0 and "syntax error" in err  # Turtle read as N-Quads


# --------------------------------------------------------------------------- round trip


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 10k generated graph imported through the CLI."""
    folder = tmp_path_factory.mktemp("generated")
    graph = write_graph(folder / "labatlas-10k.nq", 10_000, seed=7)
    code, _, err = _cli("import", str(graph.path), "--store", str(folder / "store"), "-q")
    assert code == 0, err
    return folder / "store"


def _workloads(store: Store) -> list[tuple[str, dict[str, str]]]:
    tops = top_entities(store)
    runs = []
    for name, query in library().items():
        runs.append((name, {}))
        example = focused_parameters(query.example, tops)
        if example:
            runs.append((name, example))
    return runs


def _normal(rows: list[list[str]]) -> list[tuple[str, ...]]:
    """Rows as text, with ' | '-joined cells as sorted sets (GROUP_CONCAT has no order)."""
    normal = [tuple(" | ".join(sorted(cell.split(" | "))) for cell in row) for row in rows]
    return sorted(normal)


def _api_rows(store: Store, name: str, params: dict[str, str]) -> list[tuple[str, ...]]:
    result = run_query(store, library()[name], params)
    return _normal([[term_text(v) for v in row] for row in result.rows])


def _cli_rows(store_path: Path, name: str, params: dict[str, str]) -> list[tuple[str, ...]]:
    args = ["query", name, "--store", str(store_path), "--format", "json"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    code, out, err = _cli(*args)
    assert code == 0, err
    return _normal([list(record.values()) for record in json.loads(out)])


@pytest.mark.parametrize("fmt", ["trig", "ttl"])
def test_queries_answer_alike_through_api_cli_and_a_reimported_export(
    generated_store: Path, tmp_path: Path, fmt: str
) -> None:
    original = open_store(generated_store)
    exported = tmp_path / f"export.{fmt}"
    code, _, err = _cli(
        "export", "--format", fmt, "-o", str(exported), "--store", str(generated_store)
    )
    assert code == 0, err
    code, _, err = _cli("import", str(exported), "--store", str(tmp_path / "copy"), "-q")
    assert code == 0, err
    copy = open_store(tmp_path / "copy")
    workloads = _workloads(original)
    assert len(workloads) >= 2 * 10
    nonempty = 0
    for name, params in workloads:
        expected = _api_rows(original, name, params)
        nonempty += bool(expected)
        assert _api_rows(copy, name, params) == expected, f"{name} {params} after {fmt}"
        if fmt == "trig":  # the CLI once is enough
            assert _cli_rows(generated_store, name, params) == expected, f"{name} {params}"
    assert nonempty >= len(workloads) - 2


@pytest.mark.parametrize("fmt", ["trig", "ttl"])
def test_importing_an_export_of_a_built_store_answers_as_the_original(
    built_store: Path, tmp_path: Path, fmt: str
) -> None:
    """`labatlas build` -> `labatlas export` -> `labatlas import` into a new store: same answers."""
    exported = tmp_path / f"labatlas.{fmt}"
    code, _, err = _cli("export", "--format", fmt, "-o", str(exported), "--store", str(built_store))
    assert code == 0, err
    code, _, err = _cli("import", str(exported), "--store", str(tmp_path / "copy"), "-q")
    assert code == 0, err
    original, copy = open_store(built_store), open_store(tmp_path / "copy")
    for name, query in library().items():
        for params in ({}, dict(re.findall(r"--param (\w+)=(\S+)", query.example))):
            expected = _api_rows(original, name, params)
            assert expected or params, f"{name}: the whole graph answers nothing"
            assert _api_rows(copy, name, params) == expected, f"{name} {params} after {fmt}"


def test_the_format_option_offers_exactly_the_syntaxes_the_importer_reads() -> None:
    from labatlas.cli_common import RDF_SYNTAX_OPTION
    from labatlas.graph.importer import FORMAT_CHOICES

    @RDF_SYNTAX_OPTION
    def command(fmt: str | None) -> None: ...

    (option,) = command.__click_params__
    assert tuple(option.type.choices) == FORMAT_CHOICES
    for choice in FORMAT_CHOICES:
        importer.detect_format(Path("x.data"), choice)  # each is a syntax the importer knows
