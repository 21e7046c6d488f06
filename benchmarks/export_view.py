"""Time until the standalone page of a 1,000-node view is interactive in headless chromium, against pyvis's default page.

Generates a synthetic network (`partnergraph generate`) into a fresh embedded store and writes the
standalone page of its 1,000 best connected elements (`export-view --limit 1000`, every element)
to a file. Each run opens the file in a fresh browser context with every other request aborted
and measures, from navigation:

- "drawn": the network's first `afterDrawing` (window.partnergraphReady);
- "clickable": a click on the best connected node has opened its details panel.

Baseline, in the same run: pyvis's default page (`Network.write_html`, vis-network inlined as
`cdn_resources="in_line"` since a CDN is unreachable here) of the same nodes and edges, until its
stabilization progress bar reaches 100% (vis-network's stabilizationIterationsDone). Its physics
takes long: the wait is capped (--cap, 120 s) and a page that is not ready by then is reported as
"> cap" (the ratio is then an upper bound).

    python benchmarks/export_view.py [--nodes 1000] [--runs 3] [--baseline-runs 1] [--cap 120] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright
from pyvis.network import Network

from partnergraph.config import Settings
from partnergraph.schema import KIND_COLOURS, Kind
from partnergraph.services import Workspace, generate
from partnergraph.services.options import GraphQuery

CHROMIUM = "/usr/bin/chromium"
READY = "() => window.partnergraphReady === true"
# pyvis's page (more than 100 nodes) covers the graph with a progress bar until vis-network's
# stabilizationIterationsDone, then writes "100%": that is when it is usable.
PYVIS_READY = "() => { const t = document.getElementById('text'); return !!t && t.textContent === '100%'; }"


def pyvis_page(view: dict, path: Path) -> Path:
    """Write pyvis's default page for the nodes and edges of a view."""
    net = Network(height="850px", width="100%", cdn_resources="in_line")
    for n in view["nodes"]:
        net.add_node(n["id"], label=n["name"], title=f"{n['name']} ({n['kind']})",
                     color=KIND_COLOURS[Kind.parse(n["kind"])])
    for e in view["edges"]:
        net.add_edge(e["from"], e["to"], title=", ".join(e["types"]))
    net.write_html(str(path))
    return path


def offline_page(browser, path: Path):
    """Return a fresh page that may load `path` and nothing else, and the list of what else it tried."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    attempted: list[str] = []

    def only_the_file(route):
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()
    page.route("**/*", only_the_file)
    return context, page, attempted


def time_ours(browser, path: Path, node: str) -> dict[str, float]:
    """Open the standalone page; return seconds to drawn and to a click showing the details panel."""
    context, page, attempted = offline_page(browser, path)
    start = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function(READY, polling=10)
    drawn = time.perf_counter() - start
    point = page.evaluate("""(id) => { const n = window.partnergraphNetwork;
        return n.canvasToDOM(n.getPositions([id])[id]); }""", node)
    box = page.locator("#graph-canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.locator("#graph-detail").wait_for(state="visible")
    clickable = time.perf_counter() - start
    shown = page.evaluate("() => window.partnergraphData.nodes.length")
    context.close()
    if attempted:
        raise SystemExit(f"the standalone page asked for {attempted[:3]}")
    return {"drawn": drawn, "clickable": clickable, "nodes": shown}


def time_pyvis(browser, path: Path, cap: float) -> float | None:
    """Open pyvis's page; return seconds until its stabilization is done, or None past `cap`."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(path.as_uri())
    try:
        page.wait_for_function(PYVIS_READY, timeout=cap * 1000, polling=50)
        found: float | None = time.perf_counter() - start
    except PlaywrightTimeout:
        found = None
    context.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000, help="elements in the view")
    parser.add_argument("--runs", type=int, default=3, help="loads of our page (median)")
    parser.add_argument("--baseline-runs", type=int, default=1, help="loads of pyvis's page (median)")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds to wait for pyvis's page at most")
    parser.add_argument("--out", type=Path, default=None, help="write export_view.json here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        people = max(50, int(args.nodes * 1.1))
        generate(people, people * 3, 7, folder / "network")
        with Workspace.open(Settings(db=str(folder / "graph.db"))) as ws:
            ws.data.import_path(folder / "network")
            query = GraphQuery(limit=args.nodes, view="all")
            start = time.perf_counter()
            ws.sharing.write_view(folder / "view.html", query, personal=True)
            export_s = time.perf_counter() - start
            view = ws.sharing.view(query, personal=True)
        ours_file = folder / "view.html"
        busiest = max(view["nodes"], key=lambda n: n["degree"])["id"]
        theirs_file = pyvis_page(view, folder / "pyvis.html")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            ours = [time_ours(browser, ours_file, busiest) for _ in range(args.runs)]
            theirs = [time_pyvis(browser, theirs_file, args.cap) for _ in range(args.baseline_runs)]
            browser.close()
        drawn = statistics.median(r["drawn"] for r in ours)
        clickable = statistics.median(r["clickable"] for r in ours)
        capped = any(t is None for t in theirs)
        baseline = args.cap if capped else statistics.median(t for t in theirs if t is not None)
        result = {"nodes": ours[0]["nodes"], "edges": len(view["edges"]), "export_s": round(export_s, 3),
                  "file_mb": round(ours_file.stat().st_size / 1e6, 2), "drawn_s": round(drawn, 3),
                  "clickable_s": round(clickable, 3), "pyvis_default_s": None if capped else round(baseline, 3),
                  "pyvis_capped_at_s": args.cap if capped else None,
                  "ratio": round(clickable / baseline, 4), "ratio_is_upper_bound": capped, "runs": args.runs}
    said = f"> {args.cap:.0f} s (cap)" if capped else f"{baseline:.2f} s"
    print(f"export-view: {result['nodes']} nodes, {result['edges']} edges, written in {export_s:.2f} s "
          f"({result['file_mb']} MB); drawn in {drawn:.2f} s, clickable in {clickable:.2f} s (median of {args.runs}); "
          f"pyvis default page {said}; ratio {'<' if capped else ''}{clickable / baseline:.4f}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "export_view.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
