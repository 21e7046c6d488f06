"""Benchmark: the next question after an edit, caught up in place against a rebuild of the graph.

    python benchmarks/edits.py                          # 100,000 people, 1,000,000 ties
    python benchmarks/edits.py --people 10000 --ties 100000 --edits 20

It copies the embedded store that benchmarks/build.py imported (or generates and imports the
network itself), builds the analysis graph once through `Workspace.cache.graph()`, then makes --edits
edits through the editing use cases, four kinds in turn: a partner's status (a property), a logged
interaction on an existing tie (its strength and last contact), a new KNOWS tie, a new contact;
each followed by one question, `holders` of a partner or an introduction path (which needs the
path index: updated in place by every kind of edit), timed from the edit to the answer:

- ours:     `Workspace.cache.graph()` applies the recorded edit to a fork of the graph it holds
            (the next snapshot), and to its path index
- baseline: an edit, then `holders` in a workspace that rebuilds the graph from the store (what
            every edit cost before), --baseline-edits times
- path index baseline: building the path index of the graph anew, with its costs for today (what
            the first path question after a new tie or element cost before the index was updated
            in place)

It prints the median of each and the ratio; results go to benchmarks/out/edits.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from partnergraph.analysis.path_index import build_path_index
from partnergraph.config import Settings
from partnergraph.model import RelType
from partnergraph.services import Workspace, generate
from partnergraph.services.options import HoldersQuery, PathQuery

KINDS = ("property", "interaction", "new tie", "new element")
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
            ws.data.import_path(network)
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
        graph = ws.cache.graph()
        first_build = time.perf_counter() - start
        nodes = list(graph.nodes(data="kind"))
        people = [n for n, kind in nodes if kind == "contact"]
        partners = [n for n, kind in nodes if kind == "partner"]
        print(f"{db.name}: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; "
              f"first build {first_build:.1f} s")
        ws.questions.path(PathQuery(people[0], partners[0]))  # the path index, built once as a server would have it
        started = time.perf_counter()
        build_path_index(graph).costs(date.today())
        index_build = time.perf_counter() - started

        ties = [(u, v) for u, v, data in graph.edges(data="relations")
                if any(r["type"] == "KNOWS" for r in data)][:10_000]

        def edit(kind: str) -> None:
            if kind == "property":
                ws.editing.update_element(rng.choice(partners), {"status": rng.choice(("active", "dormant"))}, **WHO)
            elif kind == "interaction":  # on a tie that exists: its last contact and strength move
                a, b = rng.choice(ties)
                ws.editing.log_interaction(a, b, on="2026-11-20", strength=rng.randint(1, 5), actor="benchmark")
            elif kind == "new element":
                number = len(people)
                people.append(f"new-person-{number}")
                ws.editing.create_element("contact", {"id": people[-1], "name": f"New Person {number}"}, **WHO)
            else:  # a new tie
                while True:
                    a, b = rng.sample(people, 2)
                    if ws.store.get_connection(a, b, RelType.KNOWS) is None:
                        break
                ws.editing.create_connection({"from": a, "to": b, "type": "KNOWS", "strength": "3"}, **WHO)

        rebuilds = ws.cache.rebuilds  # each edit must be caught up (on a fork), never rebuilt
        ours: dict[str, list[float]] = {f"{question} after {kind}": [] for question in ("holders", "path")
                                        for kind in KINDS}
        for i in range(args.edits):
            kind = KINDS[i % len(KINDS)]
            question = "holders" if (i // len(KINDS)) % 2 == 0 else "path"
            if question == "path":  # as a server that answers paths has it: the index ready, frozen
                ws.questions.path(PathQuery(rng.choice(people), rng.choice(partners)))
            started = time.perf_counter()
            edit(kind)
            ws.cache.graph()
            assert ws.cache.rebuilds == rebuilds, "the graph was rebuilt instead of caught up"
            if question == "holders":
                ws.questions.holders(HoldersQuery(rng.choice(partners)))
            else:
                ws.questions.path(PathQuery(rng.choice(people), rng.choice(partners)))
            ours[f"{question} after {kind}"].append(time.perf_counter() - started)

    baseline: list[float] = []
    for i in range(args.baseline_edits):
        with Workspace.open(settings) as editor:
            started = time.perf_counter()
            editor.editing.update_element(partners[i], {"status": "prospective"}, **WHO)
            edited = time.perf_counter() - started
        with Workspace.open(settings) as fresh:  # what every edit cost before: the next question rebuilds
            started = time.perf_counter()
            fresh.questions.holders(HoldersQuery(rng.choice(partners)))
            baseline.append(edited + time.perf_counter() - started)

    base = statistics.median(baseline)
    result: dict[str, Any] = {"store": db.name, "nodes": len(nodes), "first_build_s": first_build,
                              "baseline_median_s": base, "baseline_edits": len(baseline),
                              "path_index_build_s": index_build, "ours": {}}
    print(f"{'edit, then a question':36} {'median':>10} {'edits':>6} {'baseline / ours':>16}")
    for name, seconds in ours.items():
        if seconds:
            median = statistics.median(seconds)
            result["ours"][name] = {"median_s": median, "edits": len(seconds), "ratio": base / median}
            against = index_build + median if name.startswith("path after new") else base
            print(f"{name:36} {median * 1e3:8,.0f} ms {len(seconds):6} {against / median:15,.1f}x")
    print(f"{'baseline: holders, graph rebuilt':36} {base * 1e3:8,.0f} ms {len(baseline):6}")
    print(f"{'baseline: path index built anew':36} {index_build * 1e3:8,.0f} ms {1:6}   "
          "(path after a new tie or element: ratio against it plus the answer)")
    (args.out / "edits.json").write_text(json.dumps(result, indent=2))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
