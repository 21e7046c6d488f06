"""Benchmark: building the analysis graph (time, memory) at a size, against the old way in the same run.

    python benchmarks/build.py                                   # 100,000 people, 1,000,000 ties
    python benchmarks/build.py --people 1000000 --ties 10000000 --no-baseline --runs 1
    python benchmarks/build.py --people 300 --ties 1500 --runs 1 --out /tmp/b    # a quick check
    python benchmarks/build.py --events 0                        # the same network without events

It generates the network (`generate --people N --ties M --events E --seed S`; E defaults to the
generator's one event per twenty people) under --out, unless a complete folder of that size is
there already, and imports it into an embedded store there (kept, with its import figures, for
the next run). Generation and import run in subprocesses of their own,
so that their time and peak memory are theirs. The import reads the CSV files in parts of
--import-rows rows, each part one `Workspace.data.import_rows` transaction, so that a network of ten
million ties is never held whole (a plain `partnergraph import` holds and validates all rows
before writing anything, which is what makes it all-or-nothing).

Then each measurement runs in a fresh subprocess, --runs times:

- ours: `Workspace.cache.graph()`, which streams elements and connections out of one read transaction
  of the store into the builder (`GraphStore.stream`) and shares repeated strings;
- baseline: the old way, `store.snapshot()` (every row as Element/Connection objects, sorted)
  then the builder as it was before streaming (kept below as `old_build_graph`).

Each reports the wall time of the build, the process's peak memory (VmHWM), the memory the graph
keeps once built (resident memory after the build minus before it), and the time to build the
path index that introduction paths search (`analysis.path_index`) with the peak after it. Every
subprocess runs under an address-space limit (--memory-limit-gb, and never more than what the
machine has available less 2 GB), so a build that does not fit fails with a MemoryError in that
process instead of waking the kernel's OOM killer on a shared machine. Figures are medians over
the runs; the ratios are baseline over ours. Results go to --out/build-N-M-S.json.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx

OUT = Path(__file__).parent / "out"
MB = 2**20


# -- the subprocess side ---------------------------------------------------------------------------

def status_mb(field: str) -> float:
    """Return a memory figure of this process from /proc/self/status (VmHWM, VmRSS) in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024 / MB
    # Not Linux: ru_maxrss (KB on Linux, bytes on macOS) is the peak; there is no current figure.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def old_build_graph(elements, connections) -> nx.Graph:
    """Return the analysis graph as `build_graph` built it before streaming (the baseline)."""
    graph = nx.Graph()
    for element in elements:
        graph.add_node(element.id, **element.props, kind=element.kind.slug, name=element.name)
    for conn in connections:
        relation: dict[str, Any] = {"type": conn.type.value, "from": conn.source, "to": conn.target, **conn.props}
        if graph.has_edge(conn.source, conn.target):
            graph.edges[conn.source, conn.target]["relations"].append(relation)
        else:
            graph.add_edge(conn.source, conn.target, relations=[relation])
    by_name: dict[str, list[str]] = {}
    for node, name in graph.nodes(data="name"):
        by_name.setdefault(name, []).append(node)
    graph.graph["by_name"] = by_name
    return graph


def work_generate(args: argparse.Namespace) -> dict[str, Any]:
    from partnergraph.services import generate

    partial = args.folder.with_name(args.folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    start = time.perf_counter()
    sizes = generate(args.people, args.ties, args.seed, partial, events=args.events)
    seconds = time.perf_counter() - start
    partial.rename(args.folder)  # only a finished folder gets the name that later runs reuse
    return {**sizes, "seconds": seconds, "peak_mb": status_mb("VmHWM")}


def csv_parts(path: Path, size: int):
    """Yield the rows of a CSV file of the import format as lists of at most `size` Rows."""
    from partnergraph.model import Location, Row

    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        part: list[Row] = []
        for values in reader:
            part.append(Row(values, Location(str(path), reader.line_num)))
            if len(part) == size:
                yield part
                part = []
        if part:
            yield part


def work_import(args: argparse.Namespace) -> dict[str, Any]:
    from partnergraph.config import Settings
    from partnergraph.services import Workspace

    start = time.perf_counter()
    rows = 0
    transactions = 0
    with Workspace.open(Settings(db=str(args.db))) as workspace:
        # Elements first (organisations come before the people who are members of them), then
        # connections, whose ends are then all in the store.
        for name, is_elements in (("elements.csv", True), ("connections.csv", False)):
            for part in csv_parts(args.folder / name, args.import_rows):
                workspace.data.import_rows(part, []) if is_elements else workspace.data.import_rows([], part)
                rows += len(part)
                transactions += 1
        counts = workspace.store.counts()
    return {"rows": rows, "transactions": transactions, "seconds": time.perf_counter() - start,
            "peak_mb": status_mb("VmHWM"), "counts": counts}


def work_build(args: argparse.Namespace) -> dict[str, Any]:
    from partnergraph.analysis.path_index import path_index
    from partnergraph.config import Settings
    from partnergraph.services import Workspace

    workspace = Workspace.open(Settings(db=str(args.db)))
    workspace.store.version()  # open the file before measuring
    gc.collect()
    before = status_mb("VmRSS")
    start = time.perf_counter()
    if args.work == "ours":
        graph = workspace.cache.graph()
    else:
        snapshot = workspace.store.snapshot()
        graph = old_build_graph(snapshot.elements, snapshot.connections)
        del snapshot
        gc.collect()
        gc.freeze()  # as the graph cache settles its graph
    build_seconds = time.perf_counter() - start
    build_peak = status_mb("VmHWM")
    graph_mb = status_mb("VmRSS") - before
    start = time.perf_counter()
    path_index(graph)
    index_seconds = time.perf_counter() - start
    record = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
              "build_seconds": build_seconds, "peak_mb": build_peak, "graph_mb": graph_mb,
              "start_mb": before, "index_seconds": index_seconds, "peak_with_index_mb": status_mb("VmHWM")}
    workspace.close()
    return record


# -- the parent side -----------------------------------------------------------------------------

def available_gb() -> float:
    """Return the memory the machine can still give (MemAvailable) in GB."""
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    return float("inf")


def run(args: argparse.Namespace, work: str, *extra: str) -> dict[str, Any]:
    """Run one measurement in a fresh, memory-limited subprocess; return its record or its failure."""
    limit_gb = min(args.memory_limit_gb, available_gb() - 2)
    if limit_gb < 1:
        return {"failed": f"not started: only {available_gb():.1f} GB available on this machine"}
    limit = int(limit_gb * 2**30)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    command = [sys.executable, __file__, "--work", work, "--people", str(args.people), "--ties", str(args.ties),
               "--seed", str(args.seed), "--events", str(args.events), "--out", str(args.out), "--import-rows", str(args.import_rows), *extra]
    done = subprocess.run(command, capture_output=True, text=True, preexec_fn=cap)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"failed": f"exit {done.returncode} under a {limit_gb:.1f} GB address-space limit: {last}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def median(records: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--events", type=int, default=None, help="events to generate (default: people / 20)")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per way; figures are medians")
    parser.add_argument("--no-baseline", action="store_true", help="skip the old way (for sizes it cannot hold)")
    parser.add_argument("--import-rows", type=int, default=1_000_000, help="rows per import transaction")
    parser.add_argument("--memory-limit-gb", type=float, default=16.0,
                        help="address-space limit of every subprocess (also capped by available memory - 2 GB)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the network, the store and the JSON")
    parser.add_argument("--work", choices=("generate", "import", "ours", "baseline"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    out: Path = args.out
    if args.events is None:
        from partnergraph.io.generate_events import default_event_count

        args.events = default_event_count(args.people)
    name = f"{args.people}-{args.ties}-{args.seed}-e{args.events}"
    args.folder = out / f"network-{name}"
    args.db = out / f"build-{name}.db"
    if args.work:
        work = {"generate": work_generate, "import": work_import}.get(args.work, work_build)
        print(json.dumps(work(args)))
        return

    out.mkdir(parents=True, exist_ok=True)
    print(f"{available_gb():.1f} GB available; every subprocess limited to "
          f"{min(args.memory_limit_gb, available_gb() - 2):.1f} GB of address space")
    generation: dict[str, Any] = {"reused": str(args.folder)}
    if not (args.folder / "connections.csv").exists():
        generation = run(args, "generate")
        if "failed" in generation:
            sys.exit(f"generation failed: {generation['failed']}")
        print(f"generated {args.folder} in {generation['seconds']:.1f} s (peak {generation['peak_mb']:,.0f} MB)")
    else:
        print(f"reusing {args.folder}")
    import_file = out / f"build-{name}-import.json"
    if not args.db.exists() or not import_file.exists():
        args.db.unlink(missing_ok=True)
        imported = run(args, "import")
        if "failed" in imported:
            args.db.unlink(missing_ok=True)
            sys.exit(f"import failed: {imported['failed']}")
        import_file.write_text(json.dumps(imported, indent=2))
    else:
        imported = {**json.loads(import_file.read_text()), "reused": str(args.db)}
    print(f"import: {imported['rows']:,} rows in {imported['transactions']} transactions of up to "
          f"{args.import_rows:,} rows, {imported['seconds']:.1f} s (peak {imported['peak_mb']:,.0f} MB)"
          + (" [from the run that made the store]" if "reused" in imported else ""))

    ways = {"ours": "streamed (GraphStore.stream), shared strings"}
    if not args.no_baseline:
        ways["baseline"] = "snapshot() + old build_graph"
    records: dict[str, list[dict[str, Any]]] = {way: [] for way in ways}
    failures: dict[str, str] = {}
    for _ in range(args.runs):
        for way in ways:  # alternate, so that drift in the machine's load hits both alike
            if way in failures:
                continue
            found = run(args, way)
            if "failed" in found:
                failures[way] = found["failed"]
            else:
                records[way].append(found)

    summary: dict[str, dict[str, Any]] = {}
    for way, found in records.items():
        if found:
            summary[way] = {key: median(found, key) for key in
                            ("build_seconds", "peak_mb", "graph_mb", "index_seconds", "peak_with_index_mb")}
            summary[way].update(runs=len(found), nodes=found[0]["nodes"], edges=found[0]["edges"])
    shape = next(iter(summary.values()), {"nodes": 0, "edges": 0})
    print(f"analysis graph of {args.people:,} people, {args.ties:,} ties ({shape['nodes']:,} nodes, "
          f"{shape['edges']:,} edges); medians of {args.runs} fresh processes per way")
    print(f"{'way':<48} {'build':>9} {'peak':>10} {'graph keeps':>12} {'path index':>11} {'peak w/ index':>14}")
    for way, label in ways.items():
        if way in summary:
            s = summary[way]
            print(f"{label:<48} {s['build_seconds']:>7.1f} s {s['peak_mb']:>7,.0f} MB {s['graph_mb']:>9,.0f} MB "
                  f"{s['index_seconds']:>9.1f} s {s['peak_with_index_mb']:>11,.0f} MB")
        else:
            print(f"{label:<48} failed: {failures.get(way)}")
    ratios: dict[str, float] = {}
    if "ours" in summary and "baseline" in summary:
        ours, base = summary["ours"], summary["baseline"]
        ratios = {"build_seconds": base["build_seconds"] / ours["build_seconds"],
                  "peak_mb": base["peak_mb"] / ours["peak_mb"], "graph_mb": base["graph_mb"] / ours["graph_mb"]}
        print(f"{'ratio baseline / ours':<48} {ratios['build_seconds']:>7.2f} x {ratios['peak_mb']:>7.2f} x  "
              f"{ratios['graph_mb']:>9.2f} x")
    record = {"people": args.people, "ties": args.ties, "events": args.events, "seed": args.seed, "runs": args.runs,
              "generation": generation, "import": imported, "ways": ways, "results": summary,
              "all_runs": records, "failures": failures, "ratio_baseline_over_ours": ratios,
              "memory_limit_gb": args.memory_limit_gb, "python": sys.version.split()[0],
              "networkx": nx.__version__, "cpus": os.cpu_count()}
    (out / f"build-{name}.json").write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
