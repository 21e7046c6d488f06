"""Benchmark: introduction paths at 100k people, against NetworkX's path functions on the same pairs.

    python benchmarks/paths.py                                  # 100,000 people, 1,000,000 ties
    python benchmarks/paths.py --people 10000 --ties 100000 --pairs 100

It generates the network (`generate --people N --ties M --seed 1`), imports it into an embedded
store under benchmarks/out/ (kept for the next run), and builds the analysis graph once through
`Workspace.cache.graph()`, reporting its build time and memory. Then, in-process, over random pairs of
people that are connected:

- hop-shortest (`introduction_paths`)         vs `nx.shortest_path` on the analysis graph
- warmest (`warm=True`)                       vs `nx.dijkstra_path` with the tie-strength weight
- 5 distinct warm paths (`k=5, warm=True`)    vs the first 5 of `nx.shortest_simple_paths`

Our functions do more than the baselines (time-aware co-membership, explanations for every hop,
no shared intermediaries); the baselines walk organisation nodes freely. Each line prints the
median and p95 in ms and the ratio of the baseline's median and p95 over ours. The slow
baselines run on the first --baseline-pairs pairs only. Results go to benchmarks/out/paths.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import time
from datetime import date
from itertools import islice
from pathlib import Path

import networkx as nx

from partnergraph.analysis.path_index import path_index
from partnergraph.analysis.paths import introduction_paths
from partnergraph.analysis.warmth import edge_cost
from partnergraph.config import Settings
from partnergraph.model import NoPath
from partnergraph.services import Workspace, generate

OUT = Path(__file__).parent / "out"


def rss_mb() -> float:
    """Return this process's resident memory in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {"median_ms": statistics.median(ordered) * 1e3,
            "p95_ms": ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] * 1e3,
            "n": len(ordered)}


def connected_pairs(people: list[str], count: int, seed: int, ask) -> list[tuple[str, str]]:
    """Return up to `count` random pairs of `people` (seeded) for which `ask(s, t)` raises no NoPath."""
    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    for _ in range(100 * count):
        if len(pairs) == count:
            break
        s, t = rng.sample(people, 2)
        try:
            ask(s, t)
        except NoPath:
            continue
        pairs.append((s, t))
    return pairs


def strength_weight(u: str, v: str, data: dict) -> float:
    return edge_cost(data["relations"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=200, help="connected pairs to time")
    parser.add_argument("--baseline-pairs", type=int, default=200,
                        help="pairs on which the slow baselines (dijkstra_path, shortest_simple_paths) run")
    parser.add_argument("--simple-pairs", type=int, default=30,
                        help="pairs on which nx.shortest_simple_paths runs (seconds per pair at 100k)")
    parser.add_argument("--yen-pairs", type=int, default=50,
                        help="pairs for the overlapping (Yen) alternatives, which have no target of their own")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the store and paths.json")
    args = parser.parse_args()

    out = args.out
    out.mkdir(exist_ok=True)
    db = out / f"paths-{args.people}-{args.ties}-{args.seed}.db"
    if not db.exists():
        folder = out / f"network-{args.people}-{args.ties}-{args.seed}"
        generate(args.people, args.ties, args.seed, folder)
        with Workspace.open(Settings(db=str(db))) as workspace:
            seconds = timed(lambda: workspace.data.import_path(folder))
        print(f"imported the generated network into {db} in {seconds:.1f} s")

    workspace = Workspace.open(Settings(db=str(db)))
    before = rss_mb()
    build_seconds = timed(workspace.cache.graph)
    graph = workspace.cache.graph()
    graph_mb = rss_mb() - before
    index_seconds = timed(lambda: path_index(graph))
    costs_seconds = timed(lambda: path_index(graph).costs(date.today()))
    gc.freeze()  # as the graph cache does once the index is built: it lives as long as the graph
    index_mb = rss_mb() - before - graph_mb
    print(f"analysis graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; "
          f"built in {build_seconds:.1f} s (+{graph_mb:,.0f} MB); path index {index_seconds:.1f} s, "
          f"its costs as of today {costs_seconds:.1f} s (+{index_mb:,.0f} MB for both)")
    reuse = timed(workspace.cache.graph)
    print(f"asking again without a write reuses it: {reuse * 1e3:.1f} ms")

    people = sorted(n for n, kind in graph.nodes(data="kind") if kind == "contact")
    pairs = connected_pairs(people, args.pairs, args.seed, lambda s, t: introduction_paths(graph, s, t))

    results: dict[str, dict] = {}

    def measure(name: str, ours, theirs, baseline: str, baseline_pairs: int, our_pairs: int | None = None) -> None:
        ours_s = [timed(lambda s=s, t=t: ours(s, t)) for s, t in pairs[:our_pairs]]
        theirs_s = [timed(lambda s=s, t=t: theirs(s, t)) for s, t in pairs[:baseline_pairs]]
        mine, base = summary(ours_s), summary(theirs_s)
        results[name] = {"ours": mine, "baseline": baseline, "baseline_times": base,
                         "ratio_median": base["median_ms"] / mine["median_ms"], "ratio_p95": base["p95_ms"] / mine["p95_ms"]}
        print(f"{name:<26} median {mine['median_ms']:8.2f} ms  p95 {mine['p95_ms']:8.2f} ms  ({mine['n']} pairs) | "
              f"{baseline} median {base['median_ms']:9.2f} ms  p95 {base['p95_ms']:9.2f} ms ({base['n']} pairs) | "
              f"ratio {results[name]['ratio_median']:.1f}x median, {results[name]['ratio_p95']:.1f}x p95")

    measure("hop-shortest", lambda s, t: introduction_paths(graph, s, t),
            lambda s, t: nx.shortest_path(graph, s, t), "nx.shortest_path", args.pairs)
    measure("warmest", lambda s, t: introduction_paths(graph, s, t, warm=True),
            lambda s, t: nx.dijkstra_path(graph, s, t, weight=strength_weight), "nx.dijkstra_path", args.baseline_pairs)
    measure("k=5 distinct warm", lambda s, t: introduction_paths(graph, s, t, warm=True, k=5),
            lambda s, t: list(islice(nx.shortest_simple_paths(graph, s, t, weight=strength_weight), 5)),
            "nx.shortest_simple_paths", args.simple_pairs)
    measure("k=5 overlapping warm (Yen)", lambda s, t: introduction_paths(graph, s, t, warm=True, k=5, overlap=True),
            lambda s, t: list(islice(nx.shortest_simple_paths(graph, s, t, weight=strength_weight), 5)),
            "nx.shortest_simple_paths", min(args.simple_pairs, 10), args.yen_pairs)

    record = {"people": args.people, "ties": args.ties, "seed": args.seed,
              "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
              "graph_build_seconds": build_seconds, "graph_mb": graph_mb,
              "index_build_seconds": index_seconds, "costs_seconds": costs_seconds, "index_mb": index_mb,
              "results": results}
    (out / "paths.json").write_text(json.dumps(record, indent=2))
    workspace.close()


if __name__ == "__main__":
    main()
