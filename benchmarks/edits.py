"""Benchmark: the next question after an edit, caught up in place against a rebuild of the graph.

    python benchmarks/edits.py                          # 100,000 people, 1,000,000 ties
    python benchmarks/edits.py --people 10000 --ties 100000 --edits 20

It copies the embedded store that benchmarks/build.py imported (or generates and imports the
network itself), builds the analysis graph once through `Workspace.graph()`, then makes --edits
edits through the editing use cases (a partner's status, a logged interaction, a new tie, in
turn), each followed by one question (in turn `holders` of a partner, and an introduction path, which
also rebuilds the path index that the edit made stale), timed from the edit to the answer:

- ours:     `Workspace.graph()` applies the recorded edit to the graph it holds
- baseline: an edit, then `holders` in a workspace that rebuilds the graph from the store (what
            every edit cost before), --baseline-edits times

It prints the median of each and the ratio; results go to benchmarks/out/edits.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import time
from pathlib import Path

from partnergraph.config import Settings
from partnergraph.model import RelType
from partnergraph.services import Workspace, generate

WHO = {"actor": "benchmark", "source": "benchmarks/edits.py"}


def store_copy(out: Path, people: int, ties: int, seed: int) -> Path:
    """Return a fresh copy of the imported store of this size, importing it first if needed."""
    out.mkdir(parents=True, exist_ok=True)
    source = out / f"build-{people}-{ties}-{seed}.db"
    if not source.exists():
        network = out / f"network-{people}-{ties}-{seed}"
        if not network.exists():
            generate(people, ties, seed, network)
        with Workspace.open(Settings(db=str(source))) as ws:
            ws.import_path(network)
    copy = out / f"edits-{people}-{ties}-{seed}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, copy)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=30, help="edits answered by catching up")
    parser.add_argument("--baseline-edits", type=int, default=3, help="edits answered by a rebuild")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out",
                        help="folder for the network, the stores and edits.json")
    args = parser.parse_args()

    db = store_copy(args.out, args.people, args.ties, args.seed)
    settings = Settings(db=str(db))
    rng = random.Random(args.seed)
    with Workspace.open(settings) as ws:
        start = time.perf_counter()
        graph = ws.graph()
        first_build = time.perf_counter() - start
        nodes = list(graph.nodes(data="kind"))
        people = [n for n, kind in nodes if kind == "contact"]
        partners = [n for n, kind in nodes if kind == "partner"]
        print(f"{db.name}: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; "
              f"first build {first_build:.1f} s")
        ws.path(people[0], partners[0])  # the path index, built once as a server would have it

        def edit(i: int) -> None:
            kind = i % 3
            if kind == 0:
                ws.editing.update_element(rng.choice(partners), {"status": rng.choice(("active", "dormant"))}, **WHO)
            elif kind == 1:
                a, b = rng.sample(people, 2)
                ws.editing.log_interaction(a, b, on="2026-11-20", actor="benchmark")
            else:
                a, b = rng.sample(people, 2)
                if ws.store.get_connection(a, b, RelType.KNOWS) is None:
                    ws.editing.create_connection({"from": a, "to": b, "type": "KNOWS", "strength": "3"}, **WHO)

        ours: dict[str, list[float]] = {"holders": [], "path": []}
        for i in range(args.edits):
            question = "holders" if i % 2 == 0 else "path"
            started = time.perf_counter()
            edit(i)
            assert ws.graph() is graph, "the graph was rebuilt instead of caught up"
            if question == "holders":
                ws.holders(rng.choice(partners))
            else:
                ws.path(rng.choice(people), rng.choice(partners))
            ours[question].append(time.perf_counter() - started)

    baseline: list[float] = []
    for i in range(args.baseline_edits):
        with Workspace.open(settings) as editor:
            started = time.perf_counter()
            editor.editing.update_element(partners[i], {"status": "prospective"}, **WHO)
            edited = time.perf_counter() - started
        with Workspace.open(settings) as fresh:  # what every edit cost before: the next question rebuilds
            started = time.perf_counter()
            fresh.holders(rng.choice(partners))
            baseline.append(edited + time.perf_counter() - started)

    result = {
        "store": db.name, "nodes": len(nodes), "first_build_s": first_build,
        "holders_median_s": statistics.median(ours["holders"]), "holders_edits": len(ours["holders"]),
        "path_median_s": statistics.median(ours["path"]), "path_edits": len(ours["path"]),
        "baseline_median_s": statistics.median(baseline), "baseline_edits": len(baseline),
    }
    result["ratio_holders"] = result["baseline_median_s"] / result["holders_median_s"]
    result["ratio_path"] = result["baseline_median_s"] / result["path_median_s"]
    print(f"edit, then holders (caught up in place):         median {result['holders_median_s'] * 1e3:9,.0f} ms "
          f"({len(ours['holders'])} edits)  baseline/ours {result['ratio_holders']:,.0f}x")
    print(f"edit, then a path (caught up; path index anew):  median {result['path_median_s'] * 1e3:9,.0f} ms "
          f"({len(ours['path'])} edits)  baseline/ours {result['ratio_path']:,.1f}x")
    print(f"baseline: edit, then holders on a rebuilt graph: median {result['baseline_median_s'] * 1e3:9,.0f} ms "
          f"({len(baseline)} edits)")
    (args.out / "edits.json").write_text(json.dumps(result, indent=2))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
