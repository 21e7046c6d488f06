"""Time until the viewer's graph is interactive in headless chromium, against pyvis's default page.

Loads the demo network into a fresh embedded store, serves the viewer on 127.0.0.1 and measures,
from navigation to "interactive" (window.partnergraphReady: laid out, physics settled or off):

- an ego graph of 500 elements (depth 3 around the best connected person, capped at 500);
- the whole demo graph, everyone (/graph?view=all);
- the overview of organisations that /graph opens on (people folded into the links).

Baseline, in the same run: pyvis's default page (`Network.write_html`, vis-network inlined as
`cdn_resources="in_line"` since a CDN is unreachable here) for the same nodes and edges, until its
stabilization progress bar reaches 100% (vis-network's stabilizationIterationsDone).

Each case starts a fresh app and server (empty caches: the analysis graph and the layout are
built by the first request) and a fresh browser context (nothing cached): that first load is
printed as "cold". Then the median of --runs loads of the same page ("warm": the server's caches
are filled). pyvis's page is a static file with nothing to warm up: the median of
--baseline-runs loads (each takes over a minute here: vis-network simulates physics for ~500
nodes). --screenshots DIR saves what each case shows.

    python benchmarks/viewer.py [--runs 3] [--baseline-runs 1] [--json benchmarks/out/viewer.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from pyvis.network import Network
from werkzeug.serving import WSGIRequestHandler, make_server

from partnergraph.config import Settings
from partnergraph.services import Workspace, demo_rows
from partnergraph.services.options import CentralityQuery, GraphQuery
from partnergraph.viewer import create_app

CHROMIUM = "/usr/bin/chromium"
COLORS = {"affiliate": "#3b6fd8", "partner": "#e07b00", "contact": "#1f9d8b", "issue": "#8e5bd8"}


class Quiet(WSGIRequestHandler):
    def log_request(self, *args: object) -> None:
        pass


def pyvis_page(graph: dict, folder: Path, name: str) -> Path:
    """Write pyvis's default page for the nodes and edges of an /api/graph answer."""
    net = Network(height="850px", width="100%", cdn_resources="in_line")
    for n in graph["nodes"]:
        net.add_node(n["id"], label=n["name"], title=f"{n['name']} ({n['kind']})", color=COLORS[n["kind"]])
    for e in graph["edges"]:
        net.add_edge(e["from"], e["to"], title=", ".join(e["types"]))
    path = folder / f"{name}.html"
    net.write_html(str(path))
    return path


def timed(page, url: str, ready: str, timeout_s: float = 120.0) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ready, timeout=timeout_s * 1000, polling=20)
    return time.perf_counter() - start


def serve(settings: Settings) -> tuple[object, object, str]:
    """Start a fresh app (empty caches) on 127.0.0.1 and a free port; return it, its server and base URL."""
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.server_port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm loads of our page per case (median)")
    parser.add_argument("--baseline-runs", type=int, default=1, help="loads of pyvis's page per case (median)")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures to this file.")
    parser.add_argument("--screenshots", type=Path, default=None, help="Save a PNG of each case here.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = Settings(db=str(folder / "demo.db"), anonymous_read=True)  # timed pages, no sign-in
        with Workspace.open(settings) as ws:
            ws.data.import_rows(*demo_rows())
            person = ws.questions.centrality(CentralityQuery("degree", kind="contact", top=1))["results"][0]["id"]
            ego = ws.browse.ego_graph(GraphQuery(person, depth=3, limit=500))
            whole = ws.browse.ego_graph(GraphQuery(limit=1000, view="all"))
            overview = ws.browse.ego_graph(GraphQuery(limit=1000, view="overview"))
        cases = [
            ("ego graph", f"/graph?center={person}&depth=3&limit=500", ego, "ego"),
            ("whole demo graph", "/graph?view=all&limit=1000", whole, "whole"),
            ("overview", "/graph", overview, "overview"),
        ]
        results = []
        ours_ready = "() => window.partnergraphReady === true"
        # pyvis's page (more than 100 nodes) covers the graph with a progress bar until vis-network's
        # stabilizationIterationsDone, then writes "100%" and fades it out: that is when it is usable.
        pyvis_ready = "() => { const t = document.getElementById('text'); return !!t && t.textContent === '100%'; }"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            for label, path, graph, name in cases:
                app, server, base = serve(settings)
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                cold = timed(page, base + path, ours_ready)
                ours = [timed(page, base + path, ours_ready) for _ in range(args.runs)]
                shown = page.evaluate("() => window.partnergraphData.nodes.length")
                if args.screenshots:
                    args.screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(args.screenshots / f"{name}.png"))
                server.shutdown()
                app.extensions["partnergraph"].close()
                baseline_file = pyvis_page(graph, folder, name)
                theirs = [timed(page, baseline_file.as_uri(), pyvis_ready, 900.0) for _ in range(args.baseline_runs)]
                context.close()
                mine, base_time = statistics.median(ours), statistics.median(theirs)
                results.append({"case": label, "nodes": shown, "edges": len(graph["edges"]),
                                "partnergraph_s": round(mine, 3), "partnergraph_cold_s": round(cold, 3),
                                "pyvis_default_s": round(base_time, 3), "ratio": round(mine / base_time, 3),
                                "cold_ratio": round(cold / base_time, 3)})
                print(f"{label}: {shown} nodes, {len(graph['edges'])} edges: partnergraph warm {mine:.2f} s, "
                      f"cold {cold:.2f} s; pyvis default page {base_time:.2f} s; "
                      f"ratio warm {mine / base_time:.3f}, cold {cold / base_time:.3f}")
            browser.close()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"runs": args.runs, "baseline_runs": args.baseline_runs,
                                         "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
