"""`labatlas analyse ...`, `labatlas paths` and `labatlas ego` as a researcher runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from labatlas.cli import main
from labatlas.graph import analysis, commands, network

DRJSCS = "Direction régionale de la jeunesse, des sports et de la cohésion sociale"


@pytest.fixture()
def run(built_store: Path):
    """Run `labatlas ARGS --store <the session store>`: (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, [*args, "--store", str(built_store)])
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_shared_partners_table_names_the_actors_their_initiatives_and_roles(run) -> None:
    code, out, _ = run("analyse", "shared-partners")
    assert code == 0
    lines = out.splitlines()
    for actor, initiatives in (
        ("Unis-Cité", ("Booster", "Melting Potes")),
        ("La 27e Région", ("La Transfo", "Re•acteur Public")),
    ):
        start = next(i for i, line in enumerate(lines) if line.startswith(actor + " "))
        block = "\n".join(lines[start : start + len(initiatives)])
        assert all(name in block for name in initiatives)
    assert "https://" not in out  # labels for reading; IRIs are in csv and json
    assert "actors involved in 2 or more initiatives" in lines[-1]


def test_shared_partners_csv_and_json_carry_the_iris(run) -> None:
    code, out, _ = run("analyse", "shared-partners", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    drjscs = next(r for r in rows if r["actorLabel"] == DRJSCS)
    assert drjscs["actor"].endswith("/actor/drjscs")
    assert set(drjscs["initiativeLabels"].split(" | ")) == {"Booster programme", "SIILAB"}
    code, out, _ = run("analyse", "shared-partners", "--format", "json")
    data = json.loads(out)
    assert data["min_initiatives"] == 2 and len(data["partners"]) == len(rows)
    assert data["partners"][0]["involvements"][0]["initiative"]["iri"].startswith("https://")


def test_role_filter(run) -> None:
    code, out, _ = run("analyse", "shared-partners", "--role", "operatedBy", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"La 27e Région", "Unis-Cité"} <= {r["actorLabel"] for r in rows}
    assert {r["roles"] for r in rows} == {"operatedBy"}
    code, _, err = run("analyse", "shared-partners", "--role", "usesMethod")
    assert code != 0 and "usesMethod" in err


def test_brokers_top_five_with_the_communities_they_connect(run) -> None:
    code, out, _ = run("analyse", "brokers", "--top", "5", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5
    scores = [float(r["betweenness"]) for r in rows]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    code, out, _ = run("analyse", "brokers", "--top", "5")
    assert "modularity" in out.splitlines()[-1] and "exact" in out.splitlines()[-1]
    code, out, _ = run("analyse", "brokers", "--sample", "20", "--seed", "1", "--format", "json")
    assert json.loads(out)["sample"] == 20


def test_communities_list_members_and_what_they_share(run) -> None:
    code, out, _ = run("analyse", "communities")
    assert code == 0 and "members:" in out and "modularity" in out
    code, out, _ = run("analyse", "communities", "--projection", "actors", "--format", "json")
    data = json.loads(out)
    assert data["projection"] == "actors" and data["seed"] == 42
    again = json.loads(
        run("analyse", "communities", "--projection", "actors", "--format", "json")[1]
    )
    assert again == data


def test_similar_initiatives(run) -> None:
    code, out, _ = run("analyse", "similar", "SIILAB", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and "SIILAB" not in {r["label"] for r in rows}
    jaccard = [float(r["jaccard"]) for r in rows]
    assert jaccard == sorted(jaccard, reverse=True)
    code, _, err = run("analyse", "similar", "SIILABB")
    assert code == 1 and "no entity named 'SIILABB'" in err and "SIILAB" in err
    assert err.count("\n") == 1


def test_paths_with_evidence_sentences(run) -> None:
    code, out, _ = run("paths", "La Transfo", "Re•acteur Public", "--via", "partners")
    assert code == 0
    assert out.startswith("path 1 (2 hops): La Transfo -> La 27e Région -> Re•acteur Public")
    assert "La Transfo operatedBy La 27e Région" in out and "“" in out
    code, out, _ = run("paths", "La Transfo", "Re•acteur Public", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["sentence"] and r["evidence"] for r in rows)


def test_no_path_says_why_and_what_each_end_touches(run) -> None:
    code, out, _ = run("paths", "MindLab", "Paris", "--via", "diffusion")
    assert code == 0
    assert "no path from MindLab to Paris within 4 hops via diffusion" in out
    assert "MindLab is connected to:" in out and "Paris is connected to:" in out
    code, out, err = run("paths", "MindLab", "Paris", "--via", "diffusion", "--format", "csv")
    assert out.splitlines()[0].startswith("path,hop,") and len(out.splitlines()) == 1
    assert "no path" in err
    data = json.loads(run("paths", "MindLab", "Paris", "--via", "diffusion", "--format", "json")[1])
    assert data["paths"] == [] and data["reason"] and data["source_links"]


def test_diffusion_from_quebec_reaches_maia(run) -> None:
    code, out, _ = run("analyse", "diffusion", "Quebec")
    assert code == 0
    header, first_step = out.splitlines()[:2]
    assert header.startswith("Québec: reach ")
    # The first hop is the one the text states: MAIA was copied from the Québec model.
    assert first_step.startswith("  1. Québec -> Méthode d'action pour l'intégration")
    assert "copied from" in out
    code, out, _ = run("analyse", "diffusion", "--format", "json")
    roots = {c["root"]["label"] for c in json.loads(out)["cascades"]}
    assert "Québec" in roots


def test_ego_table_and_gephi_export(run, tmp_path: Path) -> None:
    target = tmp_path / "ego.graphml"
    code, out, err = run("ego", "La 27e Région", "--depth", "1", "--export", str(target))
    assert code == 0 and f"wrote {target}" in err
    graph = nx.read_graphml(target)
    rows = out.splitlines()[2:-1]
    assert len(rows) == graph.number_of_nodes()
    assert {graph.nodes[n]["label"] for n in graph} >= {"La 27e Région", "La Transfo"}
    code, _, err = run("ego", "La 27e Région", "--export", str(tmp_path / "ego.png"))
    assert code == 1 and ".graphml or .gexf" in err


def test_hostile_names_are_looked_up_not_pasted(run) -> None:
    code, _, err = run("paths", 'SIILAB" } UNION { ?x ?y ?z', "Paris")
    assert code == 1 and "no entity named" in err


def test_choices_match_the_library() -> None:
    """The CLI keeps its own copies of the names (so that --help does not import NetworkX)."""
    assert commands.ROLES == network.INVOLVEMENT
    assert commands.PROJECTION_CHOICES == analysis.COMMUNITY_PROJECTIONS
    assert tuple(analysis.KINDS) == commands.KIND_CHOICES
    assert tuple(analysis.VIA) == commands.VIA_CHOICES
    from labatlas.loaders.model import PREDICATES

    assert set(commands.PREDICATES) == set(PREDICATES)
    assert set(commands.CLASSES) == network.INITIATIVE_CLASSES | network.ACTOR_CLASSES | {
        "Place",
        "BeneficiaryGroup",
        "Method",
        "Event",
    }


def test_the_command_line_loads_without_networkx() -> None:
    code = "import sys, labatlas.cli; print('networkx' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
