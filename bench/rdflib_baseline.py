"""The rdflib side of the benchmark, run in its own process (own memory, killable).

It parses the same N-Quads file into an in-memory ``rdflib.Dataset`` whose default graph is
the union of its graphs (as the library queries see the Oxigraph store), adds the labatlas
ontology, runs the same `.rq` texts with the same parameter values (``initBindings``) and
serializes the union as Turtle and N-Triples. Every operation has a time cap (SIGALRM:
rdflib is pure Python, so the alarm interrupts it); one that hits the cap is reported as
such. Input is JSON on stdin, output JSON in the file named by the first argument.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

# A run shorter than this is repeated (median of `repeats` after the first run); a longer one
# is reported alone, so a slow baseline does not take `repeats` times the cap.
REPEAT_BELOW_SECONDS = 1.0


class CapReached(BaseException):
    """The operation ran longer than the cap.

    A BaseException: rdflib's Turtle serializer catches Exception around its steps, and
    carried on for four minutes past a 60 s cap when this was one.
    """


@dataclass(frozen=True)
class QueryTask:
    """One query to time: its name, workload label, text and parameter values."""

    name: str
    workload: str
    text: str
    bindings: dict[str, list[str]]  # variable -> ["iri", value] or ["literal", value, datatype]


@dataclass
class BaselineTask:
    """What the parent asks for."""

    graph_file: str
    ontology_files: list[str]
    cap_seconds: float
    repeats: int
    queries: list[QueryTask]
    serialize: list[str] = field(default_factory=lambda: ["turtle", "nt"])
    repeat_below: float = REPEAT_BELOW_SECONDS
    load_cap_seconds: float = 60.0


@dataclass(frozen=True)
class Measured:
    """Seconds of one operation (median when repeated), or None when it hit the cap."""

    name: str
    workload: str
    seconds: float | None
    runs: int
    rows: int | None = None
    capped: bool = False


@dataclass
class BaselineResult:
    """Everything measured on rdflib."""

    rdflib_version: str
    load_seconds: float | None
    triples: int | None
    queries: list[Measured]
    serialize: list[Measured]
    peak_rss_mib: float


def _alarm(signum: int, frame: object) -> None:
    raise CapReached


def _capped(call, cap: float):  # type: ignore[no-untyped-def]
    """Run `call` under a wall-clock cap; return (seconds, value) or raise CapReached."""
    signal.setitimer(signal.ITIMER_REAL, cap)
    started = time.perf_counter()
    try:
        value = call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - started, value


def _measure(name: str, workload: str, call, task: BaselineTask) -> Measured:  # type: ignore[no-untyped-def]
    try:
        first, value = _capped(call, task.cap_seconds)
    except CapReached:
        return Measured(name, workload, None, 1, capped=True)
    rows = value if isinstance(value, int) else None
    if first >= task.repeat_below:
        return Measured(name, workload, first, 1, rows)
    runs = sorted(_capped(call, task.cap_seconds)[0] for _ in range(task.repeats))
    return Measured(name, workload, runs[len(runs) // 2], task.repeats, rows)


def _terms(bindings: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    import rdflib

    terms = {}
    for name, spec in bindings.items():
        if spec[0] == "iri":
            terms[name] = rdflib.URIRef(spec[1])
        else:
            terms[name] = rdflib.Literal(spec[1], datatype=rdflib.URIRef(spec[2]))
    return terms


def run_baseline(task: BaselineTask) -> BaselineResult:
    """Load, query and serialize on rdflib as `task` says."""
    import rdflib

    signal.signal(signal.SIGALRM, _alarm)
    dataset = rdflib.Dataset(default_union=True)
    try:
        load_seconds, _ = _capped(
            lambda: _load(dataset, task.graph_file, task.ontology_files), task.load_cap_seconds
        )
    except CapReached:
        return BaselineResult(rdflib.__version__, None, None, [], [], _peak_rss())
    queries = [_time_query(dataset, q, task) for q in task.queries]
    serialized = [_time_serialize(dataset, fmt, task) for fmt in task.serialize]
    return BaselineResult(
        rdflib.__version__, load_seconds, len(dataset), queries, serialized, _peak_rss()
    )


def _load(dataset, graph_file: str, ontology_files: list[str]) -> None:  # type: ignore[no-untyped-def]
    import rdflib

    dataset.parse(graph_file, format="nquads")
    ontology = dataset.graph(rdflib.URIRef("https://w3id.org/labatlas/graph/ontology"))
    for path in ontology_files:
        ontology.parse(path, format="turtle")


def _time_query(dataset, query: QueryTask, task: BaselineTask) -> Measured:  # type: ignore[no-untyped-def]
    bindings = _terms(query.bindings)

    def run() -> int:
        return len(list(dataset.query(query.text, initBindings=bindings)))

    return _measure(query.name, query.workload, run, task)


def _time_serialize(dataset, fmt: str, task: BaselineTask) -> Measured:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"out.{fmt}"

        def run() -> None:
            dataset.serialize(destination=str(target), format=fmt)

        return _measure(fmt, "serialize", run, task)


def _peak_rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Read a BaselineTask as JSON on stdin, write a BaselineResult as JSON to argv[1]."""
    raw = json.load(sys.stdin)
    raw["queries"] = [QueryTask(**q) for q in raw["queries"]]
    result = run_baseline(BaselineTask(**raw))
    Path(sys.argv[1]).write_text(json.dumps(asdict(result)), encoding="utf-8")


if __name__ == "__main__":
    main()
