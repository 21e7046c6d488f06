"""Benchmark: import a generated network into each store, against a naive row-by-row import.

    python benchmarks/import_rate.py                      # 100,000 people, 1,000,000 ties, both stores
    python benchmarks/import_rate.py --people 10000 --ties 100000 --store sqlite

For each store it clears the store, imports the whole network in one upsert and prints
elements/s, connections/s and rows/s (elements and connections together). On SQLite an upsert is
one transaction of batched statements; on Neo4j it is staged in small transactions and published
in one (docs/stores.md#imports-in-neo4j). Two baselines are measured in the same run on the same
store: a sample of 10,000 rows imported naively, one transaction per row; and, on Neo4j, the way
before staging, one transaction of batched statements, at a size that fits its heap (every
element and the first connections, `--baseline-rows` rows in all; it needed about 10 GB of heap
for 100,000 people and 1,000,000 ties). Reading and validating the files is timed apart, as it is
the same for every store. Results also go to benchmarks/out/import_rate.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from partnergraph.config import Settings
from partnergraph.io.export import write_csv_folder
from partnergraph.io.generate import generate_network
from partnergraph.io.reader import read_rows
from partnergraph.model import Dataset, validate_dataset
from partnergraph.store import open_store

OUT = Path(__file__).parent / "out"


def timed(work):
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


class PhaseClock:
    """Note when the element rows of an upsert are all written (progress counts rows)."""

    def __init__(self, elements: int):
        self.elements = elements
        self.written = 0
        self.start = time.perf_counter()
        self.elements_done = self.start

    def progress(self, rows: int) -> None:
        before = self.written
        self.written += rows
        if before < self.elements <= self.written:
            self.elements_done = time.perf_counter()


def naive_rates(store, dataset: Dataset, sample: int) -> tuple[float, float]:
    """Import `sample` elements, then `sample` connections, one transaction per row."""
    elements = dataset.elements[:sample]
    ids = {e.id for e in elements}
    connections = [c for c in dataset.connections if c.source in ids and c.target in ids][:sample]
    if len(connections) < sample:  # not enough among the sampled elements: take any whose ends exist
        connections = dataset.connections[:sample]
        needed = {c.source for c in connections} | {c.target for c in connections}
        elements = [e for e in dataset.elements if e.id in needed][:max(sample, len(needed))]
    store.clear()
    _, element_seconds = timed(lambda: [store.upsert(Dataset([e], [])) for e in elements[:sample]])
    store.upsert(Dataset(elements, []))  # the ends of the sampled connections, batched
    _, connection_seconds = timed(lambda: [store.upsert(Dataset([], [c])) for c in connections])
    return min(sample, len(elements)) / element_seconds, len(connections) / connection_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=10_000, help="rows in the naive baseline")
    parser.add_argument("--baseline-rows", type=int, default=300_000,
                        help="rows of Neo4j's single-transaction baseline (it must fit in the heap)")
    parser.add_argument("--store", choices=("sqlite", "neo4j", "both"), default="both")
    parser.add_argument("--neo4j", default=os.environ.get("PARTNERGRAPH_TEST_NEO4J", "bolt://127.0.0.1:7687"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    (elements, connections), seconds = timed(lambda: generate_network(args.people, args.ties, seed=args.seed))
    write_csv_folder(work / "network", elements, connections)
    print(f"generated {len(elements):,} elements and {len(connections):,} connection rows in {seconds:.1f} s")
    (rows, read_seconds) = timed(lambda: read_rows(work / "network"))
    dataset, validate_seconds = timed(lambda: validate_dataset(*rows))
    n_elements, n_connections = len(dataset.elements), len(dataset.connections)
    print(f"read {read_seconds:.1f} s, validated {validate_seconds:.1f} s: "
          f"{n_elements:,} elements, {n_connections:,} connections (incl. member_of/issues columns)")

    urls = {"sqlite": str(work / "bench.db"), "neo4j": args.neo4j}
    stores = ["sqlite", "neo4j"] if args.store == "both" else [args.store]
    results = {"people": args.people, "ties": args.ties, "elements": n_elements, "connections": n_connections,
               "read_seconds": read_seconds, "validate_seconds": validate_seconds, "stores": {}}
    for name in stores:
        store = open_store(Settings(db=urls[name], neo4j_password=os.environ.get("NEO4J_PASSWORD", "partnergraph")))
        try:
            naive_e, naive_c = naive_rates(store, dataset, args.sample)
            single = None
            if name == "neo4j":
                part = Dataset(dataset.elements, dataset.connections[:max(0, args.baseline_rows - n_elements)])
                store.clear()
                _, seconds = timed(lambda s=store, d=part: s.upsert(d, single_transaction=True))
                single = {"rows": len(part.elements) + len(part.connections), "seconds": seconds}
            store.clear()
            phase = PhaseClock(n_elements)
            _, write_seconds = timed(lambda s=store, p=phase: s.upsert(dataset, p.progress))
            _, again_seconds = timed(lambda s=store: s.upsert(dataset))
        finally:
            store.close()
        # Elements are written first, then connections, in the same transaction.
        element_seconds = phase.elements_done - phase.start
        rate_e = n_elements / element_seconds
        rate_c = n_connections / (write_seconds - element_seconds)
        total = read_seconds + validate_seconds + write_seconds
        rate = (n_elements + n_connections) / write_seconds
        results["stores"][name] = {
            "write_seconds": write_seconds, "reimport_seconds": again_seconds,
            "elements_per_s": rate_e, "connections_per_s": rate_c, "rows_per_s": rate,
            "end_to_end_seconds": total,
            "naive_elements_per_s": naive_e, "naive_connections_per_s": naive_c,
        }
        how = "staged in small transactions, published in one" if name == "neo4j" else "one batched transaction"
        print(f"\n{name}: {n_elements + n_connections:,} rows ({how}) in {write_seconds:.1f} s: {rate:,.0f} rows/s "
              f"(re-import of the same data: {again_seconds:.1f} s, end to end with reading: {total:.1f} s)")
        if single:
            single_rate = single["rows"] / single["seconds"]
            results["stores"][name]["single_transaction"] = single | {"rows_per_s": single_rate}
            print(f"  rows:        {rate:>10,.0f} /s   one-transaction baseline ({single['rows']:,} rows) "
                  f"{single_rate:>8,.0f} /s   ratio {rate / single_rate:6.2f}x")
        print(f"  elements:    {rate_e:>10,.0f} /s   naive one-transaction-per-row baseline {naive_e:>8,.0f} /s   "
              f"ratio {rate_e / naive_e:6.1f}x")
        print(f"  connections: {rate_c:>10,.0f} /s   naive one-transaction-per-row baseline {naive_c:>8,.0f} /s   "
              f"ratio {rate_c / naive_c:6.1f}x")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak:,.0f} MB")
    OUT.mkdir(exist_ok=True)
    (OUT / "import_rate.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
