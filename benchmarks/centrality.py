"""Benchmark: betweenness centrality, exact and sampled, on the compiled kernel against NetworkX.

    python benchmarks/centrality.py                                   # the figures of docs/benchmarks.md
    python benchmarks/centrality.py --people 2000 --ties 20000 --big-people 20000 --big-ties 200000   # quick

Four measurements, every baseline taken in the same run:

1. Agreement: exact betweenness from partnergraph (igraph kernel) and from
   `nx.betweenness_centrality` on a graph small enough for NetworkX (`--check-people`); the largest
   difference must be <= 1e-9.
2. Exact, movement-sized (`--people`, `--ties`): the kernel's exact betweenness, timed. NetworkX's
   exact time is estimated from `nx.betweenness_centrality` with `--probe-k` sampled sources times
   n / probe-k (Brandes' algorithm does the same work per source); `--full-baseline` runs it in full
   instead (about 25 minutes at 10,000 people). The kernel is also run with the same probe-k and
   seed: the same sources, so the scores must agree within 1e-9, and that ratio is a same-k ratio.
3. Sampling quality on that graph: sampled (`--k`) against exact, Spearman's rho over all
   elements and the overlap of the top 50 (both must be >= 0.9).
4. Sampled at scale (`--big-people`, `--big-ties`): the kernel with `--k` sources (must take
   <= 5 minutes), and both the kernel and `nx.betweenness_centrality` with `--baseline-k` sources
   and the same seed (default: `--k`), whose ratio is printed and whose scores must agree.

Results also go to benchmarks/out/centrality.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import networkx as nx
from scipy.stats import spearmanr

from partnergraph.analysis.centrality import centrality, kernel_available
from partnergraph.analysis.graph import build_graph
from partnergraph.io.generate import generate_network
from partnergraph.model import Location, Row, validate_dataset

OUT = Path(__file__).parent / "out"
TOP = 50


def timed(work):
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def network(people: int, ties: int, seed: int) -> tuple[nx.Graph, float]:
    """Return the analysis graph of a generated network, and the seconds it took to build."""
    def build() -> nx.Graph:
        elements, connections = generate_network(people, ties, seed=seed)
        dataset = validate_dataset([Row(e, Location("generated:elements", i)) for i, e in enumerate(elements)],
                                   [Row(c, Location("generated:connections", i)) for i, c in enumerate(connections)])
        return build_graph(dataset.elements, dataset.connections)
    return timed(build)


def largest_difference(a: dict, b: dict) -> float:
    return max(abs(a[n] - b[n]) for n in a)


def top(scores: dict, size: int = TOP) -> set:
    return set(sorted(scores, key=lambda n: (-scores[n], n))[:size])


def say(text: str) -> None:
    print(text, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--ties", type=int, default=100_000)
    parser.add_argument("--big-people", type=int, default=100_000)
    parser.add_argument("--big-ties", type=int, default=1_000_000)
    parser.add_argument("--check-people", type=int, default=1_500, help="people in the exact agreement check")
    parser.add_argument("--k", type=int, default=1_000, help="sampled sources for approximate betweenness")
    parser.add_argument("--baseline-k", type=int, default=None, help="sources for the NetworkX baseline at scale")
    parser.add_argument("--probe-k", type=int, default=200, help="sources for estimating NetworkX's exact time")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--full-baseline", action="store_true", help="run NetworkX's exact betweenness in full")
    args = parser.parse_args()
    baseline_k = args.baseline_k or args.k
    if not kernel_available():
        raise SystemExit("igraph is not installed: nothing to compare (pip install igraph)")
    report: dict = {"machine": f"{platform.machine()}, {platform.python_version()}", "networkx": nx.__version__}

    # 1. Exact agreement where NetworkX is quick enough.
    small, _ = network(args.check_people, args.check_people * 10, args.seed)
    ours, ours_s = timed(lambda: centrality(small, "betweenness", backend="igraph"))
    theirs, theirs_s = timed(lambda: nx.betweenness_centrality(small))
    diff = largest_difference(ours, theirs)
    report["agreement"] = {"nodes": small.number_of_nodes(), "edges": small.number_of_edges(),
                           "kernel_s": ours_s, "networkx_s": theirs_s, "max_difference": diff}
    say(f"exact agreement on {small.number_of_nodes():,} nodes / {small.number_of_edges():,} edges: "
        f"max |difference| {diff:.1e} (kernel {ours_s:.2f} s, NetworkX {theirs_s:.1f} s, {theirs_s / ours_s:.0f}x)")
    assert diff <= 1e-9

    # 2. Exact betweenness on a movement-sized graph.
    graph, build_s = network(args.people, args.ties, args.seed)
    n = graph.number_of_nodes()
    say(f"movement-sized graph: {args.people:,} people, {args.ties:,} ties -> {n:,} nodes, "
        f"{graph.number_of_edges():,} edges (built in {build_s:.1f} s)")
    exact, exact_s = timed(lambda: centrality(graph, "betweenness"))
    probe, probe_s = timed(lambda: nx.betweenness_centrality(graph, k=args.probe_k, seed=args.seed))
    same, same_s = timed(lambda: centrality(graph, "betweenness", sample=args.probe_k, seed=args.seed))
    probe_diff = largest_difference(same, probe)
    estimate = probe_s * n / args.probe_k
    entry = {"nodes": n, "edges": graph.number_of_edges(), "kernel_exact_s": exact_s,
             "probe_k": args.probe_k, "networkx_probe_s": probe_s, "kernel_probe_s": same_s,
             "probe_max_difference": probe_diff, "networkx_exact_estimate_s": estimate}
    say(f"  exact betweenness, kernel: {exact_s:.1f} s (target <= 60 s)")
    say(f"  k={args.probe_k}: NetworkX {probe_s:.1f} s, kernel {same_s:.2f} s: {probe_s / same_s:.0f}x; "
        f"max |difference| {probe_diff:.1e}")
    say(f"  NetworkX exact, estimated from k={args.probe_k}: {estimate / 60:.1f} min -> kernel {estimate / exact_s:.0f}x faster")
    assert probe_diff <= 1e-9
    if args.full_baseline:
        full, full_s = timed(lambda: nx.betweenness_centrality(graph))
        entry.update(networkx_exact_s=full_s, exact_max_difference=largest_difference(exact, full))
        say(f"  NetworkX exact, measured: {full_s / 60:.1f} min ({full_s / exact_s:.0f}x); "
            f"max |difference| {entry['exact_max_difference']:.1e}")
    report["exact"] = entry

    # 3. How good sampling is, against exact on the same graph.
    sampled, sampled_s = timed(lambda: centrality(graph, "betweenness", sample=args.k, seed=args.seed))
    nodes = sorted(graph)
    rho = spearmanr([exact[v] for v in nodes], [sampled[v] for v in nodes]).statistic
    overlap = len(top(exact) & top(sampled)) / TOP
    report["quality"] = {"k": args.k, "kernel_s": sampled_s, "spearman": rho, "top50_overlap": overlap}
    say(f"  sampled k={args.k} against exact: Spearman {rho:.3f}, top-{TOP} overlap {overlap:.2f} (targets >= 0.9), "
        f"{sampled_s:.1f} s")

    # 4. Sampled betweenness at scale.
    big, big_build_s = network(args.big_people, args.big_ties, args.seed)
    say(f"large graph: {args.big_people:,} people, {args.big_ties:,} ties -> {big.number_of_nodes():,} nodes, "
        f"{big.number_of_edges():,} edges (built in {big_build_s:.1f} s)")
    _, big_s = timed(lambda: centrality(big, "betweenness", sample=args.k, seed=args.seed))
    say(f"  sampled k={args.k}, kernel: {big_s:.1f} s (target <= 300 s)")
    if baseline_k == args.k:
        ours_big, ours_big_s = None, big_s
    else:
        ours_big, ours_big_s = timed(lambda: centrality(big, "betweenness", sample=baseline_k, seed=args.seed))
    theirs_big, theirs_big_s = timed(lambda: nx.betweenness_centrality(big, k=baseline_k, seed=args.seed))
    if ours_big is None:
        ours_big = centrality(big, "betweenness", sample=args.k, seed=args.seed)
    big_diff = largest_difference(ours_big, theirs_big)
    report["sampled_at_scale"] = {"nodes": big.number_of_nodes(), "edges": big.number_of_edges(), "build_s": big_build_s,
                                  "k": args.k, "kernel_s": big_s, "baseline_k": baseline_k,
                                  "kernel_baseline_k_s": ours_big_s, "networkx_baseline_k_s": theirs_big_s,
                                  "max_difference": big_diff}
    say(f"  k={baseline_k}: NetworkX {theirs_big_s:.1f} s, kernel {ours_big_s:.1f} s: {theirs_big_s / ours_big_s:.0f}x; "
        f"max |difference| {big_diff:.1e}")
    assert big_diff <= 1e-9

    OUT.mkdir(exist_ok=True)
    (OUT / "centrality.json").write_text(json.dumps(report, indent=2) + "\n")
    say(f"wrote {OUT / 'centrality.json'}")


if __name__ == "__main__":
    main()
