"""The `labatlas import` command: bulk load existing RDF files into the store."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from labatlas.cli_common import RDF_SYNTAX_OPTION, STORE_OPTION, fail_cleanly

if TYPE_CHECKING:
    from .importer import ImportedFile, ImportProgress

# Files smaller than this load in a second or two: no progress lines for them.
PROGRESS_MIN_BYTES = 8 * 1024 * 1024


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--graph",
    default=None,
    metavar="IRI",
    help="Named graph for the triples of every FILE (default: one graph per file, "
    ".../graph/import/NAME).",
)
@RDF_SYNTAX_OPTION
@STORE_OPTION
@click.option(
    "--no-compact",
    is_flag=True,
    help="Do not compact the store once loaded: a quicker import, slower queries after it.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print no progress or summary.")
@fail_cleanly
def import_command(
    files: tuple[Path, ...],
    graph: str | None,
    fmt: str | None,
    store_dir: Path | None,
    no_compact: bool,
    quiet: bool,
) -> None:
    """Load existing RDF FILES (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML).

    Each file goes to its own named graph (or the one --graph gives); the named graphs of
    TriG, N-Quads and JSON-LD files are kept. Importing a file again replaces what it wrote.
    The import is atomic: if any file is malformed, the store stays as it was.
    """
    from .importer import import_files, plan_import

    sources = plan_import(list(files), fmt, graph)
    progress = None if quiet else _ProgressPrinter()
    started = time.perf_counter()
    imported = import_files(sources, store_dir, on_progress=progress, compact=not no_compact)
    if progress:
        progress.finish()
    if not quiet:
        for item in imported:
            click.echo(_summary_line(item))
        steps = "loading" if no_compact else "loading and compacting"
        click.echo(f"store ready in {time.perf_counter() - started:.1f} s ({steps})")


def _summary_line(item: ImportedFile) -> str:
    rate = item.quads / item.seconds if item.seconds > 0 else 0.0
    where = f"{item.graphs:,} named graphs" if item.graphs > 1 else f"<{item.graph.value}>"
    return (
        f"imported {item.quads:,} triples from {item.path} into {where} "
        f"in {item.seconds:.1f} s ({rate:,.0f} triples/s)"
    )


class _ProgressPrinter:
    """Progress on stderr: one rewritten line on a terminal, a line per tenth otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last_tenth: dict[Path, int] = {}
        self.open_line = False

    def __call__(self, progress: ImportProgress) -> None:
        if progress.total < PROGRESS_MIN_BYTES:
            return
        share = progress.done / progress.total
        text = (
            f"importing {progress.path}: {share:.0%} "
            f"({progress.done / 2**20:,.0f} of {progress.total / 2**20:,.0f} MiB read)"
        )
        if progress.done >= progress.total:
            text += "; writing the indexes"
        if self.tty:
            click.echo(f"\r{text}", nl=False, err=True)
            self.open_line = True
        elif int(share * 10) > self.last_tenth.get(progress.path, 0):
            self.last_tenth[progress.path] = int(share * 10)
            click.echo(text, err=True)

    def finish(self) -> None:
        if self.open_line:
            click.echo("", err=True)
