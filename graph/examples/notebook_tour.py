"""A tour of the Python API, cell by cell as in a notebook.

Run it on the store of ``labatlas build`` (or on the bundled corpus, built into a temporary
folder when there is no store yet)::

    python graph/examples/notebook_tour.py [STORE]

Each section is what you would type into one notebook cell.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import networkx as nx

from labatlas.atlas import Atlas, open_atlas
from labatlas.graph.network import write_graph
from labatlas.graph.store import StoreError, build_store
from labatlas.loaders import extract_corpus


def open_or_build(path: Path | None) -> Atlas:
    """The atlas of an existing store, or of the bundled corpus built into a temporary folder."""
    try:
        return open_atlas(path)
    except StoreError:
        folder = Path(tempfile.mkdtemp(prefix="labatlas-tour-")) / "store"
        print(f"(no store at {path or 'the default place'}: building the bundled corpus)")
        return open_atlas(build_store(extract_corpus(), folder))


def tour(atlas: Atlas, out: Path) -> None:
    """Print what each part of the API gives, and write one graph for Gephi into `out`."""
    # 1. The query library, as rows of plain Python values.
    print("## shared partners (SPARQL library)")
    for row in atlas.query("shared-partners", min=2):
        print(f"{row['actorLabel']:<45} {row['initiatives']}  {row['initiativeLabels']}")

    # 2. The same question through NetworkX, with each actor's roles.
    print("\n## shared partners with roles (NetworkX)")
    for partner in atlas.shared_partners().partners:
        roles = "; ".join(
            f"{i.initiative.label}: {', '.join(i.roles)}" for i in partner.involvements
        )
        print(f"{partner.actor.label:<45} {roles}")

    # 3. The projections are ordinary NetworkX graphs: use any NetworkX algorithm on them.
    actors = atlas.network("actors")
    print(
        f"\n## actor co-involvement graph: {actors.number_of_nodes()} actors, "
        f"{actors.number_of_edges()} links, density {nx.density(actors):.3f}"
    )
    strongest = max(actors.edges(data=True), key=lambda e: e[2]["weight"])
    print(
        "strongest link:",
        actors.nodes[strongest[0]]["label"],
        "--",
        actors.nodes[strongest[1]]["label"],
        f"({strongest[2]['weight']} initiatives)",
    )

    # 4. Brokers and the communities they bridge.
    report = atlas.brokers("bipartite", top=5)
    print(f"\n## brokers (modularity {report.partition.modularity:.3f})")
    for broker in report.brokers:
        print(f"{broker.node.label:<45} {broker.betweenness:.4f}  communities {broker.connects}")

    # 5. How a model travelled, and a path with its evidence (or why there is none).
    print("\n## diffusion from Québec")
    for cascade in atlas.diffusion("Québec").cascades:
        for step in cascade.steps:
            print(
                f"{step.origin.label} -> {step.recipient.label} ({step.predicate}): "
                f"{step.evidence[0].sentence}"
            )
    print("\n## MindLab to Paris, through diffusion relations")
    found = atlas.paths("MindLab", "Paris", via="diffusion")
    print(found.reason or " -> ".join(found.paths[0].labels))

    # 6. Plain SPARQL through rdflib, for those who prefer it.
    labs = atlas.graph.query(
        "PREFIX la: <https://w3id.org/labatlas/ontology#> "
        "SELECT (COUNT(DISTINCT ?lab) AS ?n) WHERE { ?lab a la:Lab }"
    )
    print(f"\n## rdflib: {next(iter(labs))[0]} labs")

    # 7. An ego network, written for Gephi.
    neighbourhood = atlas.ego("La 27e Région", depth=2)
    target = out / "la-27e-region.gexf"
    write_graph(neighbourhood.graph, target)
    print(f"\n## wrote {target} ({len(neighbourhood.members)} entities)")


def main(argv: list[str]) -> None:
    """Open (or build) the store named on the command line and take the tour."""
    atlas = open_or_build(Path(argv[0]) if argv else None)
    tour(atlas, Path(tempfile.mkdtemp(prefix="labatlas-tour-out-")))


if __name__ == "__main__":
    main(sys.argv[1:])
