"""Benchmark: JSON import and restore against the CSV import of the same rows, at growing sizes.

    python benchmarks/json_import.py                           # 10k, 40k and 160k rows, SQLite
    python benchmarks/json_import.py --rows 2000 4000 --store neo4j

For each size it generates a synthetic network (`partnergraph.io.generate`) of about that many
rows (elements plus connection rows), writes it as a CSV folder, and in the same run times, each
into a fresh store: the CSV import, the JSON import of the same graph (`export --format json`) and
the restore of its backup (`backup`), end to end (read, check, write). It prints the seconds, the
ratios JSON/CSV and restore/CSV (target: within 2x), and the seconds per 1,000 rows across sizes
(linear: about constant). Reading the files is also timed alone. Results also go to
benchmarks/out/json_import.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from partnergraph.config import Settings
from partnergraph.io.export import write_csv_folder
from partnergraph.io.generate import generate_network
from partnergraph.io.reader import read_rows
from partnergraph.services import Workspace

OUT = Path(__file__).parent / "out"


def timed(work):
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def fresh(args, work: Path, name: str) -> Workspace:
    """Return a workspace on an empty store."""
    if args.store == "neo4j":
        ws = Workspace.open(Settings(db=args.neo4j, neo4j_password=os.environ.get("NEO4J_PASSWORD", "partnergraph")))
        ws.store.clear()
        return ws
    return Workspace.open(Settings(db=str(work / f"{name}.db")))


def network_of(rows: int, seed: int) -> tuple[list, list]:
    """Return a generated network of about `rows` rows (people and ties scaled together)."""
    people = max(20, rows // 10)
    elements, connections = generate_network(people, max(0, rows // 2), seed=seed)
    scale = rows / (len(elements) + len(connections))
    return generate_network(max(20, round(people * scale)), max(0, round(rows // 2 * scale)), seed=seed)


def measure(args, rows: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="pg-json-bench-"))
    try:
        elements, connections = network_of(rows, args.seed)
        write_csv_folder(work / "network", elements, connections)
        total = len(elements) + len(connections)
        with fresh(args, work, "csv") as ws:
            _, csv_seconds = timed(lambda: ws.data.import_path(work / "network"))
            ws.data.export("json", work / "network.json")
            ws.data.backup(work / "network.backup.json")
        with fresh(args, work, "json") as ws:
            _, json_seconds = timed(lambda: ws.data.import_path(work / "network.json"))
        with fresh(args, work, "restore") as ws:
            _, restore_seconds = timed(lambda: ws.data.restore(work / "network.backup.json"))
        _, read_csv = timed(lambda: read_rows(work / "network"))
        _, read_json = timed(lambda: read_rows(work / "network.json"))
        return {"rows": total, "csv_seconds": csv_seconds, "json_seconds": json_seconds,
                "restore_seconds": restore_seconds, "read_csv_seconds": read_csv, "read_json_seconds": read_json,
                "json_over_csv": json_seconds / csv_seconds, "restore_over_csv": restore_seconds / csv_seconds}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 40_000, 160_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", choices=("sqlite", "neo4j"), default="sqlite")
    parser.add_argument("--neo4j", default=os.environ.get("PARTNERGRAPH_TEST_NEO4J", "bolt://127.0.0.1:7687"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    print(f"store: {args.store}; each import into a fresh store, end to end (read, check, write)")
    print(f"{'rows':>9} {'CSV s':>8} {'JSON s':>8} {'restore s':>10} {'JSON/CSV':>9} {'restore/CSV':>12} "
          f"{'JSON s/1k rows':>15} {'read CSV s':>11} {'read JSON s':>12}")
    measure(args, 500)  # warm up: imports, caches; not reported
    results = []
    for rows in args.rows:
        r = measure(args, rows)
        results.append(r)
        print(f"{r['rows']:>9,} {r['csv_seconds']:>8.2f} {r['json_seconds']:>8.2f} {r['restore_seconds']:>10.2f} "
              f"{r['json_over_csv']:>8.2f}x {r['restore_over_csv']:>11.2f}x {1000 * r['json_seconds'] / r['rows']:>15.3f} "
              f"{r['read_csv_seconds']:>11.2f} {r['read_json_seconds']:>12.2f}")
    worst = max(max(r["json_over_csv"], r["restore_over_csv"]) for r in results)
    print(f"ratio to the CSV import, worst: {worst:.2f}x (target: within 2x)")
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = (last["json_seconds"] / first["json_seconds"]) / (last["rows"] / first["rows"])
        print(f"JSON import time grew {last['json_seconds'] / first['json_seconds']:.1f}x for "
              f"{last['rows'] / first['rows']:.1f}x the rows (1.0 per row = linear: {growth:.2f})")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "json_import.json").write_text(json.dumps({"store": args.store, "results": results}, indent=2))


if __name__ == "__main__":
    main()
