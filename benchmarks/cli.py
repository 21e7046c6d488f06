"""Benchmark: the command line answering cold, against the code before it did (the baseline), in one run.

    PYTHONPATH=src python benchmarks/cli.py                                   # 100,000 people, 1,000,000 ties
    PYTHONPATH=src python benchmarks/cli.py --people 2000 --ties 20000 --runs 1   # a quick check
    PYTHONPATH=src NEO4J_PASSWORD=... python benchmarks/cli.py --db bolt://127.0.0.1:7687   # a loaded Neo4j

Generates the network (`generate --people N --ties M --seed 1`) and imports it into an
embedded store under --out (kept for the next run), or uses the store --db names as it is.
Then times each command as a user runs it: a fresh `python -m partnergraph` process, from its
start to its exit (Python's start and imports included), output thrown away; the median of
--runs. The same commands run on the same store with the baseline's code: a git worktree of
--baseline (default: where this branch left main, `git merge-base HEAD main`), whose command
line imports every command's modules, and answers holders, directory and path from the whole
analysis graph, built anew by each process (info only counts, as here).

- info, holders PARTNER (an id), directory, holders NAME (a forgiving lookup: a partner's
  name in lower case), path FROM TO --warm with the kept path index (after one untimed run
  made it), and the same path as the first run after a write (no kept index: it is built
  from the whole graph and kept, one run).

Prints each figure and the ratio ours / baseline. The files kept for a Neo4j store go to
--out/cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from partnergraph.config import Settings
from partnergraph.model import Kind
from partnergraph.services import Workspace, generate
from partnergraph.services.cold import ColdAnswers
from partnergraph.store import is_neo4j_url

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def run(src: Path, db: str, args: list[str], env: dict[str, str]) -> float:
    """Return the wall time of one fresh `partnergraph` process with `src` first on the path."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "partnergraph", "--db", db, *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env={**env, "PYTHONPATH": str(src)}, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return seconds


def median(src: Path, db: str, args: list[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(run(src, db, args, env) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per command (ours)")
    parser.add_argument("--baseline-runs", type=int, default=3, help="fresh processes per command (baseline)")
    parser.add_argument("--baseline", default=None, help="git revision of the baseline (default: merge-base with main)")
    parser.add_argument("--db", default=None, help="a loaded store to use instead of generating one")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the store and the kept files")
    args = parser.parse_args()

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    db = args.db
    if db is None:
        db = str(out / f"cli-{args.people}-{args.ties}-{args.seed}.db")
        if not Path(db).exists():
            folder = out / f"network-{args.people}-{args.ties}-{args.seed}"
            generate(args.people, args.ties, args.seed, folder)
            with Workspace.open(Settings(db=db)) as workspace:
                workspace.data.import_path(folder)
    env = {**os.environ, "PARTNERGRAPH_CACHE_DIR": str(out / "cache")}
    settings = Settings(db=db, neo4j_password=os.environ.get("NEO4J_PASSWORD"), cache_dir=out / "cache")
    cold = ColdAnswers.open(settings)
    store = cold.store
    partners, people = store.ids_of([Kind.PARTNER]), store.ids_of([Kind.CONTACT])
    partner = partners[len(partners) // 3]
    name = store.get(partner).name.lower()
    source, target = people[len(people) // 7], people[len(people) * 5 // 7]
    counts = store.counts()
    print(f"store {db}: {sum(counts[k] for k in ('Contact', 'Partner', 'Affiliate', 'Issue', 'Event')):,} elements, "
          f"{sum(v for k, v in counts.items() if k.isupper()):,} connections, version {store.version()}")

    baseline = args.baseline or subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True,
                                               text=True, check=True).stdout.strip()
    ours = ROOT / "src"
    commands = [("info", ["info"]), ("holders (id)", ["holders", partner]), ("directory", ["directory"]),
                ("holders (name lookup)", ["holders", name]), ("path, kept index", ["path", source, target, "--warm"])]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), baseline], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            print(f"baseline: {baseline[:12]} (a worktree, whole graph per process); ours: {ours}")
            for args_ in (["info"], ["holders", name], ["path", source, target, "--warm"]):
                run(ours, db, args_, env)  # untimed: makes the kept files of this version
            rows = []
            for label, command in commands:
                mine = median(ours, db, command, env, args.runs)
                theirs = median(tree / "src", db, command, env, args.baseline_runs)
                rows.append((label, mine, theirs))
                print(f"{label:24} ours {mine:7.2f} s   baseline {theirs:7.2f} s   ratio {mine / theirs:.3f}", flush=True)
            kept = cold.files.path("paths")
            if kept is not None and kept.exists():
                kept.unlink()
            mine = run(ours, db, ["path", source, target, "--warm"], env)
            theirs = next(t for label, _, t in rows if label == "path, kept index")
            print(f"{'path, first run':24} ours {mine:7.2f} s   baseline {theirs:7.2f} s   ratio {mine / theirs:.3f} "
                  "(builds and keeps the index; one run)")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False,
                           capture_output=True)
            cold.close()
    if not is_neo4j_url(db) and args.db is None:
        print(f"(the store and its kept files stay in {out} for the next run)")


if __name__ == "__main__":
    main()
