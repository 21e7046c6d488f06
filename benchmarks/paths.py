"""Benchmark: introduction paths at 100k people, against NetworkX's path functions on the same pairs.

    python benchmarks/paths.py                                  # 100,000 people, 1,000,000 ties
    python benchmarks/paths.py --people 10000 --ties 100000 --pairs 100
    python benchmarks/paths.py --neo4j bolt://127.0.0.1:7687    # and against Cypher on that Neo4j (its data is replaced)

It generates the network (`generate --people N --ties M --seed 1`), imports it into an embedded
store under benchmarks/out/ (kept for the next run), and builds the analysis graph once through
`Workspace.cache.graph()`, reporting its build time and memory. Then, in-process, over random pairs of
people that are connected:

- hop-shortest (`introduction_paths`)         vs `nx.shortest_path` on the analysis graph
- warmest (`warm=True`)                       vs `nx.dijkstra_path` with the tie-strength weight
- 5 distinct warm paths (`k=5, warm=True`)    vs the first 5 of `nx.shortest_simple_paths`

With `--neo4j URL`, the same pairs are also asked of that Neo4j in Cypher, over the same
network (imported with the load benchmark's code, `benchmarks/load.py`, unless the server holds
it already; `--neo4j-people`/`--neo4j-ties` import a smaller network when the server's heap
cannot take the full one: then the pairs are that network's, asked of both):

- hop-shortest  vs `shortestPath` over KNOWS|MEMBER_OF|HOLDS|ATTENDS (benchmarks/cypher/find_shortest_path.cypher)
- warmest       vs `allShortestPaths` ranked by a cost reduced over the path (find_warmest_path.cypher):
                the closest plain Cypher comes, since the local server has neither GDS nor APOC for a
                weighted shortest path; it is the cheapest of the fewest-hop paths, not the warmest

A server that does not answer is skipped with a note.

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

import neo4j
import networkx as nx
from load import prepare  # benchmarks/load.py: the load benchmark's import into a store

from partnergraph.analysis.path_index import path_index
from partnergraph.analysis.paths import introduction_paths
from partnergraph.analysis.warmth import edge_cost
from partnergraph.config import Settings
from partnergraph.io.reader import read_rows
from partnergraph.model import NoPath, StoreError
from partnergraph.services import Workspace, generate
from partnergraph.store.neo4j import Neo4jStore

OUT = Path(__file__).parent / "out"
CYPHER = Path(__file__).parent / "cypher"
IMPORT_PART = 20_000  # rows per transaction when the server's heap cannot take one import


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


class CypherPaths:
    """The same network in a Neo4j, asked for paths in Cypher."""

    def __init__(self, url: str, password: str):
        self.driver = neo4j.GraphDatabase.driver(url, auth=("neo4j", password))
        self.queries = {name: (CYPHER / f"{name}.cypher").read_text() for name in ("find_shortest_path",
                                                                                  "find_warmest_path")}

    def ask(self, name: str, source: str, target: str) -> list[str]:
        records, _, _ = self.driver.execute_query(self.queries[name], source=source, target=target)
        return records[0]["ids"] if records else []

    def __enter__(self) -> CypherPaths:
        return self

    def __exit__(self, *exc: object) -> None:
        self.driver.close()


def cypher_session(args: argparse.Namespace) -> CypherPaths | None:
    """Return the Neo4j holding the benchmark's network (importing it if needed), or None with a note."""
    if not args.neo4j:
        return None
    try:
        with Neo4jStore(args.neo4j, password=args.neo4j_password) as store:
            counts = store.counts()
    except Exception as exc:  # any failure to connect: the comparison is skipped, not the benchmark
        print(f"Neo4j at {args.neo4j} does not answer ({type(exc).__name__}): the Cypher comparison is skipped")
        return None
    with Workspace.open(Settings(db=str(args.out / f"paths-{args.people}-{args.ties}-{args.seed}.db"))) as ours:
        wanted = ours.store.counts()
    if counts != wanted:
        started = time.perf_counter()
        try:
            prepare(argparse.Namespace(store="neo4j", neo4j=args.neo4j, neo4j_password=args.neo4j_password,
                                       out=args.out, people=args.people, ties=args.ties, seed=args.seed))
        except StoreError as exc:  # one transaction too big for the server's heap: in parts instead
            print(f"Neo4j: {exc}; importing in parts of {IMPORT_PART:,} rows instead")
            import_in_parts(args)
        print(f"Neo4j: imported the network in {time.perf_counter() - started:.1f} s")
    return CypherPaths(args.neo4j, args.neo4j_password)


def import_in_parts(args: argparse.Namespace) -> None:
    """Import the benchmark's network into the Neo4j of `args` in parts (each its own transaction)."""
    folder = args.out / f"network-{args.people}-{args.ties}-{args.seed}"
    elements, connections = read_rows(folder)
    with Workspace.open(Settings(db=args.neo4j, neo4j_password=args.neo4j_password)) as workspace:
        workspace.store.clear()
        for start in range(0, len(elements), IMPORT_PART):
            workspace.data.import_rows(elements[start:start + IMPORT_PART], [])
        for start in range(0, len(connections), IMPORT_PART):
            workspace.data.import_rows([], connections[start:start + IMPORT_PART])


def compare_with_cypher(cypher: CypherPaths, pairs: list[tuple[str, str]], graph: nx.Graph,
                        results: dict[str, dict], args: argparse.Namespace) -> None:
    """Time the Cypher questions on the same pairs, and print them against ours."""
    for name, query, ours in (("hop-shortest", "find_shortest_path", lambda s, t: introduction_paths(graph, s, t)),
                              ("warmest", "find_warmest_path",
                               lambda s, t: introduction_paths(graph, s, t, warm=True))):
        for s, t in pairs[:3]:  # warm the server's caches and query plans, as for ours
            cypher.ask(query, s, t)
        theirs, mine, found = [], [], 0
        for s, t in pairs:  # in turn, so that the machine's noise falls on both
            started = time.perf_counter()
            found += bool(cypher.ask(query, s, t))
            theirs.append(time.perf_counter() - started)
            started = time.perf_counter()
            ours(s, t)
            mine.append(time.perf_counter() - started)
        base, ours_now = summary(theirs), summary(mine)
        results[name]["cypher"] = {"query": query, "times": base, "ours_same_run": ours_now, "found": found,
                                   "ratio_median": base["median_ms"] / ours_now["median_ms"],
                                   "ratio_p95": base["p95_ms"] / ours_now["p95_ms"]}
        print(f"{name:<26} median {ours_now['median_ms']:8.2f} ms  p95 {ours_now['p95_ms']:8.2f} ms  "
              f"({ours_now['n']} pairs) | Cypher {query} median {base['median_ms']:8.2f} ms  "
              f"p95 {base['p95_ms']:8.2f} ms ({found} found) | ratio "
              f"{results[name]['cypher']['ratio_median']:.1f}x median, {results[name]['cypher']['ratio_p95']:.1f}x p95")


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
    parser.add_argument("--neo4j", help="also ask the same pairs of this Neo4j in Cypher (its data is replaced)")
    parser.add_argument("--neo4j-password", default="partnergraph")
    parser.add_argument("--neo4j-people", type=int, help="a smaller network for Neo4j (default: --people)")
    parser.add_argument("--neo4j-ties", type=int, help="its ties (default: --ties)")
    args = parser.parse_args()
    if args.neo4j_people is not None and args.neo4j_people != args.people:
        # Neo4j's heap takes a smaller network only: run the whole comparison at that size.
        args.people, args.ties = args.neo4j_people, args.neo4j_ties or args.ties

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

    cypher = cypher_session(args)
    if cypher is not None:
        with cypher:
            compare_with_cypher(cypher, pairs, graph, results, args)

    record = {"people": args.people, "ties": args.ties, "seed": args.seed,
              "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
              "graph_build_seconds": build_seconds, "graph_mb": graph_mb,
              "index_build_seconds": index_seconds, "costs_seconds": costs_seconds, "index_mb": index_mb,
              "results": results}
    (out / "paths.json").write_text(json.dumps(record, indent=2))
    workspace.close()


if __name__ == "__main__":
    main()
