"""Benchmark: the public directory with its routes, and the import's contact-of-record check, against baselines.

    PYTHONPATH=src python benchmarks/directory.py                       # 20,000 people, 100,000 ties
    PYTHONPATH=src python benchmarks/directory.py --people 300 --ties 1500 --runs 1   # a quick check

Generates a network (`generate_network`, seeded), marks the strongest holder of every partner as
its contact of record, imports it into a temporary embedded store, builds the analysis graph once,
then measures in this process (medians over --runs):

- directory: the whole public directory as `Browse.directory` builds it (the public view of a
  snapshot, plus each public partner's routes on the analysis graph); baseline: the directory
  from the public view alone, formal partnerships only (what it was before routes);
- record check: `import_record_problems` over every HOLDS and MEMBER_OF of the network (a
  re-import of all of it, every contact of record checked); baseline: `validate_dataset` of the
  same rows, which every import runs anyway.

Prints each figure and the ratio ours / baseline.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from partnergraph.analysis.contact_of_record import routes
from partnergraph.config import Settings
from partnergraph.io import directory as directories
from partnergraph.io.generate import generate_network
from partnergraph.model import Kind, Location, Row, validate_dataset
from partnergraph.services import Workspace
from partnergraph.services.partnership_checks import import_record_problems
from partnergraph.services.privacy import public_view


def timed(work: Callable[[], Any], runs: int) -> float:
    """Return the median wall time of `work` in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--ties", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    elements, connections = generate_network(args.people, args.ties, seed=args.seed)
    best: dict[str, dict[str, str]] = {}
    for row in connections:
        if row["type"] == "HOLDS" and int(row["strength"] or 0) > int(best.get(row["to"], {}).get("strength") or 0):
            best[row["to"]] = row
    for row in best.values():
        row["primary"] = "true"
    element_rows = [Row(v, Location("elements", i + 2)) for i, v in enumerate(elements)]
    connection_rows = [Row(v, Location("connections", i + 2)) for i, v in enumerate(connections)]
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Settings(db=str(Path(tmp) / "b.db"))) as ws:
        ws.data.import_rows(element_rows, connection_rows)
        graph = ws.cache.graph()
        snapshot = ws.store.snapshot()
        today = date.today()

        def ours() -> None:
            kept, links = public_view(snapshot.elements, snapshot.connections)
            found = {e.id: routes(graph, e.id, today=today) for e in kept if e.kind is Kind.PARTNER}
            directories.public_directory(kept, links, today=today, routes=found)

        def baseline() -> None:
            directories.public_directory(*public_view(snapshot.elements, snapshot.connections), today=today)

        dataset = validate_dataset(element_rows, connection_rows, ws.store.existing_kinds(
            [str(r.values["id"]) for r in element_rows]))
        check = timed(lambda: import_record_problems(graph, dataset.elements, dataset.connections,
                                                      element_rows, connection_rows), args.runs)
        validate = timed(lambda: validate_dataset(element_rows, connection_rows), args.runs)
        with_routes, without = timed(ours, args.runs), timed(baseline, args.runs)
    print(f"network: {args.people:,} people, {args.ties:,} ties, {len(best):,} contacts of record")
    print(f"directory: {with_routes * 1000:.1f} ms with routes, {without * 1000:.1f} ms formal only "
          f"(ratio {with_routes / without:.2f})")
    print(f"record check: {check * 1000:.1f} ms, validate_dataset {validate * 1000:.1f} ms "
          f"(ratio {check / validate:.2f})")


if __name__ == "__main__":
    main()
