"""Page generation time and the browser's time to a stable layout, for `labatlas viz`.

Run: ``.venv/bin/python -m bench.viz_bench [--repeat 3] [--json out/bench-viz.json]``
(from the repository root; needs Debian's chromium at /usr/bin/chromium).

Two graphs: the bundled corpus (built into a temporary store) and a generated network of
1,500 nodes (`labatlas.viz.synthetic`, the size limit of a page). For each it reports

* generation: reading the network from the store, building the view (selection, measures,
  layout), rendering the HTML, in seconds (median of ``--repeat`` runs);
* browser: headless Chromium, offline, from navigation start to the page's ``atlas.stable``
  (the layout settled and drawn), median of ``--repeat`` loads;
* baseline, measured in the same run on the same machine: the same nodes and edges drawn by
  the same vis-network build with its default options (what pyvis writes: physics on from
  random positions, 1000 stabilisation iterations, dynamic smooth edges), timed to
  ``stabilizationIterationsDone``, cut off at ``--baseline-timeout`` seconds.

The ratio browser/baseline is the number to watch; absolute seconds depend on the machine
(2 shared cores and software rendering here). No timed assertions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from labatlas.graph.network import AtlasNetwork, load_network
from labatlas.graph.store import build_store, open_store
from labatlas.loaders.pipeline import extract_corpus
from labatlas.viz.page import render_page, script_json, vis_network_js
from labatlas.viz.synthetic import synthetic_network
from labatlas.viz.views import ViewOptions, build_view

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}

# The baseline page: vis-network's defaults, as pyvis writes them (without its CDN links).
_BASELINE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>baseline</title></head>
<body style="margin:0"><div id="g" style="width:1280px;height:800px"></div>
<script type="application/json" id="d">{data}</script>
<script>{vis}</script>
<script>
const d = JSON.parse(document.getElementById("d").textContent);
const network = new vis.Network(document.getElementById("g"),
  {{nodes: new vis.DataSet(d.nodes), edges: new vis.DataSet(d.edges)}}, {{}});
network.once("stabilizationIterationsDone", () => {{ window.stableAt = performance.now(); }});
</script></body></html>"""


@dataclass(frozen=True)
class Result:
    """The medians for one graph."""

    graph: str
    nodes: int
    edges: int
    load_seconds: float
    view_seconds: float
    render_seconds: float
    page_bytes: int
    browser_stable_seconds: float
    baseline_stable_seconds: float | None  # None: not stable within the timeout

    @property
    def generation_seconds(self) -> float:
        return self.load_seconds + self.view_seconds + self.render_seconds


def _median_time(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def _browser_seconds(browser: Browser, path: Path, ready: str, timeout_s: float) -> float | None:
    """Seconds from navigation start until `ready` (a JS expression giving a time) is set."""
    context = browser.new_context(offline=True, viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_function(f"() => {ready} != null", timeout=timeout_s * 1000)
        return page.evaluate(ready) / 1000
    except Exception as err:  # a timeout is a result here, not a failure
        if "Timeout" not in type(err).__name__ + str(err):
            raise
        return None
    finally:
        context.close()


def _baseline_page(network: AtlasNetwork, path: Path) -> Path:
    graph = network.multigraph()
    data = {
        "nodes": [{"id": n, "label": d["label"]} for n, d in sorted(graph.nodes(data=True))],
        "edges": [{"from": s, "to": o} for s, o, _ in sorted(graph.edges(keys=True))],
    }
    path.write_text(
        _BASELINE.format(data=script_json(data), vis=vis_network_js()), encoding="utf-8"
    )
    return path


def measure(
    name: str,
    load: Callable[[], AtlasNetwork],
    browser: Browser,
    folder: Path,
    repeat: int,
    baseline_timeout: float,
) -> Result:
    """Time generation and browser for one graph."""
    load_s, network = _median_time(load, repeat)
    view_s, view = _median_time(lambda: build_view(network, ViewOptions()), repeat)
    render_s, page = _median_time(lambda: render_page(view), repeat)
    path = folder / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    loads = [
        _browser_seconds(browser, path, "window.atlas && atlas.stableAt", 120)
        for _ in range(repeat)
    ]
    if None in loads:
        raise RuntimeError(f"{path}: the page did not reach a stable layout within 120 s")
    baseline = _browser_seconds(
        browser,
        _baseline_page(network, folder / f"{name}-baseline.html"),
        "window.stableAt",
        baseline_timeout,
    )
    return Result(
        graph=name,
        nodes=len(view.nodes),
        edges=len(view.edges),
        load_seconds=round(load_s, 3),
        view_seconds=round(view_s, 3),
        render_seconds=round(render_s, 3),
        page_bytes=len(page.encode("utf-8")),
        browser_stable_seconds=round(statistics.median(loads), 3),
        baseline_stable_seconds=None if baseline is None else round(baseline, 3),
    )


def format_results(results: list[Result], baseline_timeout: float) -> str:
    """A plain table of the results, with the ratio to the baseline."""
    lines = [
        f"{'graph':<12}{'nodes':>7}{'edges':>7}{'load s':>9}{'view s':>9}{'html s':>9}"
        f"{'page MB':>9}{'browser s':>11}{'vis-defaults s':>16}{'ratio':>8}"
    ]
    for r in results:
        if r.baseline_stable_seconds is None:
            baseline, ratio = (
                f">{baseline_timeout:g}",
                f"<{r.browser_stable_seconds / baseline_timeout:.3f}",
            )
        else:
            baseline = f"{r.baseline_stable_seconds:.2f}"
            ratio = f"{r.browser_stable_seconds / r.baseline_stable_seconds:.3f}"
        lines.append(
            f"{r.graph:<12}{r.nodes:>7}{r.edges:>7}{r.load_seconds:>9.3f}{r.view_seconds:>9.3f}"
            f"{r.render_seconds:>9.3f}{r.page_bytes / 1e6:>9.2f}{r.browser_stable_seconds:>11.2f}"
            f"{baseline:>16}{ratio:>8}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=1500, help="size of the generated graph")
    parser.add_argument("--baseline-timeout", type=float, default=90.0)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        store = open_store(build_store(extract_corpus(), folder / "store"))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results = [
            measure(
                "seed",
                lambda: load_network(store),
                browser,
                folder,
                args.repeat,
                args.baseline_timeout,
            ),
            measure(
                "generated",
                lambda: synthetic_network(args.nodes),
                browser,
                folder,
                args.repeat,
                args.baseline_timeout,
            ),
        ]
        browser.close()
    print(format_results(results, args.baseline_timeout))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
