"""Benchmark: the next snapshot after an edit (a fork with the edit applied) against a full copy of the graph.

    python benchmarks/snapshots.py                          # 100,000 people, 1,000,000 ties
    python benchmarks/snapshots.py --people 20000 --ties 200000

On a copy of the imported store (benchmarks/edits.py's `store_copy`), a workspace builds its first
snapshot with the path index, the name index and the anonymous readers' graph, as a running viewer
has them. Then --edits edits through the editing use cases, three kinds in turn (a new contact, a
new KNOWS tie, a property), each followed by `cache.snapshot()`, which applies the recorded edit to
a fork of the current snapshot (`partnergraph.analysis.fork`) and publishes it. Baseline, same run:
what a snapshot made by copying would cost, `graph.copy()` of the analysis graph alone (NetworkX's
copy of its dicts; the path index and the other views would come on top), --baseline-copies times.
It prints the medians and their ratio; results go to benchmarks/out/snapshots.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from edits import store_copy  # benchmarks/ is the script's folder

from partnergraph.config import Settings
from partnergraph.services import Workspace

WHO = {"actor": "benchmark", "source": "benchmarks/snapshots.py"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--baseline-copies", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()

    db = store_copy(args.out, args.people, args.ties, args.seed)
    with Workspace.open(Settings(db=str(db))) as ws:
        started = time.perf_counter()
        graph = ws.cache.path_graph()
        ws.cache.name_index()
        ws.browse.view_graph(personal=False)
        print(f"{db.name}: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; "
              f"first snapshot {time.perf_counter() - started:.1f} s", flush=True)
        person = next(n for n, kind in graph.nodes(data="kind") if kind == "contact")
        times: dict[str, list[float]] = {"new contact": [], "new tie": [], "property": []}
        for i in range(args.edits):
            kind = list(times)[i % 3]
            contact = f"bench-{i // 3}"
            if kind == "new contact":
                ws.editing.create_element("contact", {"id": contact, "name": f"Bench {i // 3}"}, **WHO)
            elif kind == "new tie":
                ws.editing.create_connection({"from": contact, "to": person, "type": "KNOWS"}, **WHO)
            else:
                ws.editing.update_element(contact, {"role": f"role {i}"}, **WHO)
            begun = time.perf_counter()
            snapshot = ws.cache.snapshot()
            times[kind].append(time.perf_counter() - begun)
            assert not snapshot.rebuilt
        copies = []
        for _ in range(args.baseline_copies):
            begun = time.perf_counter()
            ws.cache.graph().copy()
            copies.append(time.perf_counter() - begun)
    baseline = statistics.median(copies)
    results = {kind: round(statistics.median(t) * 1e3, 1) for kind, t in times.items()}
    for kind, ms in results.items():
        print(f"  {kind:<12} next snapshot (fork + edit): median {ms:8.1f} ms   copy / fork: "
              f"{baseline * 1e3 / ms:6.1f}x")
    print(f"  baseline: graph.copy() median {baseline * 1e3:.1f} ms (graph only)")
    record = {"people": args.people, "ties": args.ties, "edits": args.edits, "fork_ms": results,
              "graph_copy_ms": round(baseline * 1e3, 1)}
    (args.out / "snapshots.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
