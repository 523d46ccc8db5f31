"""Extraction and build throughput on the bundled corpus and on the corpus repeated to ~20 MB.

Run: ``.venv/bin/python -m labatlas.bench.extraction [--target-mb 20] [--json FILE]``.
Reports wall and CPU seconds and MB/s for extraction alone and for the store build that
follows it (quads written, through Oxigraph's bulk loader), so the ratio between the two
sizes shows whether the method scales linearly, and the machine's load average, since the
numbers of a shared machine mean little without it. No timed assertions: the numbers are
for the README and the issue notes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from labatlas.graph.store import build_store, open_store
from labatlas.loaders.gazetteer import default_gazetteer
from labatlas.loaders.mentions import naming_data
from labatlas.loaders.pipeline import default_corpus, extract_corpus


@dataclass(frozen=True)
class Measure:
    """One timed run."""

    corpus: str
    megabytes: float
    documents: int
    relations: int
    extract_wall_s: float
    extract_cpu_s: float
    build_wall_s: float
    build_cpu_s: float
    quads: int

    @property
    def extract_mb_per_s(self) -> float:
        return self.megabytes / self.extract_cpu_s

    @property
    def total_mb_per_s(self) -> float:
        return self.megabytes / (self.extract_wall_s + self.build_wall_s)


def repeated_corpus(folder: Path, target_mb: float) -> Path:
    """Copy the bundled texts under new names until the folder holds about `target_mb`."""
    texts = sorted(default_corpus().glob("*.txt"))
    size = sum(p.stat().st_size for p in texts)
    copies = max(1, round(target_mb * 1_000_000 / size))
    for n in range(copies):
        for text in texts:
            shutil.copyfile(text, folder / f"copy{n:04d}_{text.name}")
    return folder


def measure(name: str, folder: Path) -> Measure:
    """Extract and build `folder` once, timing each stage."""
    megabytes = sum(p.stat().st_size for p in folder.glob("*.txt")) / 1_000_000
    wall, cpu = time.perf_counter(), time.process_time()
    extraction = extract_corpus([folder])
    extract_wall, extract_cpu = time.perf_counter() - wall, time.process_time() - cpu
    with tempfile.TemporaryDirectory() as store_dir:
        wall, cpu = time.perf_counter(), time.process_time()
        build_store(extraction, Path(store_dir) / "store")
        build_wall, build_cpu = time.perf_counter() - wall, time.process_time() - cpu
        quads = len(open_store(Path(store_dir) / "store"))
    return Measure(
        name,
        round(megabytes, 2),
        len(extraction.documents),
        len(extraction.relations),
        round(extract_wall, 2),
        round(extract_cpu, 2),
        round(build_wall, 2),
        round(build_cpu, 2),
        quads,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-mb", type=float, default=20.0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    load = os.getloadavg()
    # Reference data is loaded once per process, before any text: not extraction work.
    default_gazetteer()
    naming_data()
    # The first run starts with empty per-word memo tables, as a new corpus would; the
    # second is warm, like the repeated corpus after its first copy.
    results = [measure("bundled, first run", default_corpus())]
    results.append(measure("bundled corpus", default_corpus()))
    with tempfile.TemporaryDirectory() as tmp:
        results.append(
            measure(
                f"repeated to ~{args.target_mb:g} MB", repeated_corpus(Path(tmp), args.target_mb)
            )
        )
    header = (
        f"{'corpus':<24}{'MB':>7}{'docs':>7}{'relations':>10}{'extract s':>10}{'cpu s':>7}"
        f"{'MB/s':>7}{'build s':>9}{'cpu s':>7}{'quads':>9}{'all MB/s':>9}"
    )
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores shared)")
    print(header)
    for m in results:
        print(
            f"{m.corpus:<24}{m.megabytes:>7.2f}{m.documents:>7}{m.relations:>10}"
            f"{m.extract_wall_s:>10.2f}{m.extract_cpu_s:>7.2f}{m.extract_mb_per_s:>7.2f}"
            f"{m.build_wall_s:>9.2f}{m.build_cpu_s:>7.2f}{m.quads:>9}{m.total_mb_per_s:>9.2f}"
        )
    ratio = results[-1].extract_mb_per_s / results[1].extract_mb_per_s
    print(f"throughput ratio large/small: {ratio:.2f} (1.0 = linear scaling)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        rows = [{**asdict(m), "extract_mb_per_s": round(m.extract_mb_per_s, 3)} for m in results]
        summary = {"runs": rows, "ratio": round(ratio, 3), "load_average": load}
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
