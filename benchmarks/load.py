"""Load: concurrent clients against the viewer's JSON API served by gunicorn, on a generated network.

    python benchmarks/load.py                                   # SQLite, 100,000 people, 1,000,000 ties
    python benchmarks/load.py --store neo4j                     # the local Neo4j (its data is replaced)
    python benchmarks/load.py --people 300 --ties 900 --clients 4 --seconds 3   # a quick check
    python benchmarks/load.py --mix edits --people 20000 --ties 200000 --clients 30   # 12% edits

It generates the network (`generate --people N --ties M --seed S`) under --out (kept for the next
run), imports it into the store (SQLite: the file benchmarks/paths.py also builds, reused when
present; Neo4j: cleared first, then one import), starts gunicorn on 127.0.0.1 and a free port
(`partnergraph.viewer:create_app()`, settings from the environment as in docker-compose.yml) and
warms every worker up (each builds its own analysis graph). Then:

- baseline: one client, one request at a time, for --baseline-seconds;
- load: --clients concurrent clients for --seconds, each a loop of keep-alive requests that stops
  by itself when the time is up.

Each request picks one of four endpoints at random, with random valid ids from the generated
network: /api/path (two people), /api/holders (a partner), /api/search (the start of a name) and
/api/graph (the depth-1 ego network of a person, partner or affiliate). Traffic goes to 127.0.0.1
only. The script prints requests/s, p50/p95/p99 per endpoint and overall, the errors (anything
but 200, or no answer), and the throughput's ratio to the one-client baseline; the figures go to
--out/load.json under the store's name.

With `--mix edits`, --edit-share of the requests (12%) are edits through the editing API with an
editor's token (benchmarks/load_edits.py: create a contact, tie it to someone, PATCH it with the
`rev` read first, log an interaction), the rest the reads above. The baseline is then the same
clients reading only, measured first in the same run; the SQLite store is a copy of the imported
file, so the edits never reach the file benchmarks/paths.py reuses. At the end every acknowledged
edit is checked in the store and in the viewer's graph (`/api/graph` around each new contact);
the figures go to --out/load.json under "<store>-edits".
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

from load_edits import Acknowledged, EditStory, editor_token, graph_url, verify  # benchmarks/ is the script's folder

from partnergraph.config import Settings
from partnergraph.model import Kind
from partnergraph.services import Workspace, generate
from partnergraph.store.neo4j import Neo4jStore

OUT = Path(__file__).parent / "out"
ENDPOINTS = ("path", "holders", "search", "graph")
HOST = "127.0.0.1"


class Ids:
    """Valid ids of the generated network, to draw requests from."""

    def __init__(self, folder: Path):
        self.people: list[str] = []
        self.partners: list[str] = []
        self.centres: list[str] = []
        self.names: list[str] = []
        with open(folder / "elements.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                kind = row["kind"].lower()
                if kind == "contact":
                    self.people.append(row["id"])
                elif kind == "partner":
                    self.partners.append(row["id"])
                if kind in ("contact", "partner", "affiliate"):
                    self.centres.append(row["id"])
                self.names.append(row["name"])

    def url(self, endpoint: str, rng: random.Random) -> str:
        """Return a request to `endpoint` with random valid parameters."""
        if endpoint == "path":
            source, target = rng.sample(self.people, 2)
            return "/api/path?" + urlencode({"from": source, "to": target})
        if endpoint == "holders":
            return "/api/holders/" + quote(rng.choice(self.partners), safe="")
        if endpoint == "search":
            name = rng.choice(self.names)
            return "/api/search?" + urlencode({"q": name[: rng.randint(3, 6)]})
        return "/api/graph?" + urlencode({"center": rng.choice(self.centres), "depth": 1})


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _holds(store: Neo4jStore, folder: Path) -> bool:
    """Tell whether the store holds as many elements as the network's elements.csv (the same network)."""
    with open(folder / "elements.csv", newline="", encoding="utf-8") as handle:
        rows = sum(1 for _ in csv.DictReader(handle))
    counts = store.counts()
    return sum(counts[kind.value] for kind in Kind) == rows


def prepare(args: argparse.Namespace) -> tuple[str, Path]:
    """Generate the network and fill the store if needed; return the store URL and the CSV folder."""
    folder = args.out / f"network-{args.people}-{args.ties}-{args.seed}"
    if not (folder / "elements.csv").exists():
        started = time.perf_counter()
        generate(args.people, args.ties, args.seed, folder)
        print(f"generated {folder} in {time.perf_counter() - started:.1f} s", flush=True)
    if args.store == "sqlite":
        # The same file benchmarks/paths.py builds and keeps: one import serves both benchmarks.
        db = args.out / f"paths-{args.people}-{args.ties}-{args.seed}.db"
        url = str(db)
        if db.exists():
            return _edited_copy(db, args), folder
    else:
        url = args.neo4j
        with Neo4jStore(url, password=args.neo4j_password) as store:
            if args.keep and _holds(store, folder):
                print(f"{url} holds the network already (--keep): not imported again", flush=True)
                return url, folder
            store.clear()  # the benchmark replaces whatever the shared server held
    started = time.perf_counter()
    with Workspace.open(Settings(db=url, neo4j_password=args.neo4j_password)) as workspace:
        workspace.data.import_path(folder)
    print(f"imported the network into {url} in {time.perf_counter() - started:.1f} s", flush=True)
    return (_edited_copy(Path(url), args) if args.store == "sqlite" else url), folder


def _edited_copy(db: Path, args: argparse.Namespace) -> str:
    """Return the store to serve: the imported file itself, or a copy of it for a run that edits."""
    if args.mix != "edits":
        return str(db)
    copy = db.with_name(f"load-edits-{db.name}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
        if Path(f"{db}{suffix}").exists():
            shutil.copyfile(f"{db}{suffix}", f"{copy}{suffix}")
    return str(copy)


class Gunicorn:
    """gunicorn serving the viewer on 127.0.0.1, started and stopped by this script."""

    def __init__(self, url: str, args: argparse.Namespace):
        self.port = free_port()
        env = {**os.environ, "PARTNERGRAPH_DB": url, "NEO4J_PASSWORD": args.neo4j_password,
               "PARTNERGRAPH_ANONYMOUS_READ": "1"}  # the load is anonymous reading
        env.pop("PARTNERGRAPH_PUBLIC", None)
        self.log_path = args.out / f"load-gunicorn-{args.store}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        # gthread workers: each worker holds its own analysis graph (memory), its threads take
        # turns on the workspace lock while sockets and JSON encoding overlap. The timeout is
        # generous because a worker's first request builds its graph (20-30 s at 100k people).
        command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{self.port}",
                   "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "300",
                   "--keep-alive", "30", "--backlog", "2048", "partnergraph.viewer:create_app()"]
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_listening(self, timeout: float = 60.0) -> None:
        """Return once /healthz answers 200; raise if gunicorn exits or the time is up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}: see {self.log_path}")
            try:
                if request(new_connection(self.port, 5), "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s: see {self.log_path}")

    def stop(self) -> None:
        """Stop gunicorn (SIGTERM, then SIGKILL after 30 s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def new_connection(port: int, timeout: float) -> http.client.HTTPConnection:
    """Return a connection to the server on 127.0.0.1 (loopback only)."""
    return http.client.HTTPConnection(HOST, port, timeout=timeout)


def request(connection: http.client.HTTPConnection, url: str, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Send one request on `connection` and return the status and the body."""
    connection.request(method, url, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.read()


class Client:
    """One client: a keep-alive connection that reconnects when the server closed it between requests."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.connection = new_connection(port, timeout)
        self.used = False
        self.reconnects = 0

    def get(self, url: str, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Return the status and body of `url`; a reused connection closed by the server is retried once."""
        try:
            status, body = request(self.connection, url, method, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not self.used:
                raise
            # gunicorn closes idle keep-alive connections; that is not an error of the request.
            self.connection.close()
            self.connection = new_connection(self.port, self.timeout)
            self.reconnects += 1
            status, body = request(self.connection, url, method, body, headers)
        self.used = True
        return status, body

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def run_clients(port: int, ids: Ids, clients: int, seconds: float, seed: int,
                timeout: float, edits: tuple[str, str, float] | None = None) -> dict[str, object]:
    """Run `clients` concurrent request loops for `seconds`; return the timings, errors and reconnects.

    With `edits` (an editor's token, a tag for this run's ids, the share of edits), that share
    of each client's requests are the steps of its `EditStory`; what they saved is returned too.
    """
    samples: list[tuple[str, float]] = []
    errors: list[str] = []
    reconnects = 0
    acknowledged = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(number: int) -> None:
        nonlocal reconnects
        rng = random.Random(seed * 1000 + number)
        story = EditStory(edits[0], ids.people, edits[1], number, rng) if edits else None
        client = Client(port, timeout)
        mine: list[tuple[str, float]] = []
        failed: list[str] = []
        while time.monotonic() < deadline:
            method, body, headers = "GET", None, None
            if story is not None and rng.random() < edits[2]:  # type: ignore[index]
                endpoint, method, url, body = story.next_request()
                headers = story.headers
            else:
                endpoint = rng.choice(ENDPOINTS)
                url = ids.url(endpoint, rng)
            started = time.perf_counter()
            try:
                status, answer = client.get(url, method, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                failed.append(f"{method} {url}: {type(exc).__name__}: {exc}")
                client.close()
                client = Client(port, timeout)
                if story is not None and headers is not None:
                    story.answered(endpoint, 599, b"")
                continue
            elapsed = time.perf_counter() - started
            ok = status == 200 if headers is None else story.answered(endpoint, status, answer)  # type: ignore[union-attr]
            if not ok:
                failed.append(f"{method} {url}: {status} {answer[:200]!r}")
            else:
                mine.append((endpoint, elapsed))
        client.close()
        with lock:
            samples.extend(mine)
            errors.extend(failed)
            reconnects += client.reconnects
            if story is not None:
                acknowledged.append(story.done)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(loop, n) for n in range(clients)]:
            future.result()
    return {"samples": samples, "errors": errors, "reconnects": reconnects,
            "seconds": time.monotonic() - started, "acknowledged": acknowledged}


def percentile(ordered: list[float], q: float) -> float:
    """Return the q-th percentile (nearest rank) of sorted values, in ms."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] * 1e3


def summarise(run: dict[str, object]) -> dict[str, object]:
    """Return requests/s and p50/p95/p99 (ms) per endpoint and overall, and the error count."""
    samples: list[tuple[str, float]] = run["samples"]  # type: ignore[assignment]
    seconds: float = run["seconds"]  # type: ignore[assignment]

    def stats(times: list[float]) -> dict[str, float]:
        ordered = sorted(times)
        return {"requests": len(ordered), "rps": round(len(ordered) / seconds, 1),
                "p50_ms": round(percentile(ordered, 50), 1), "p95_ms": round(percentile(ordered, 95), 1),
                "p99_ms": round(percentile(ordered, 99), 1),
                "mean_ms": round(statistics.fmean(ordered) * 1e3, 1) if ordered else float("nan")}

    names = list(ENDPOINTS) + sorted({name for name, _ in samples} - set(ENDPOINTS))
    per = {e: stats([t for name, t in samples if name == e]) for e in names}
    errors: list[str] = run["errors"]  # type: ignore[assignment]
    return {"seconds": round(seconds, 1), "overall": stats([t for _, t in samples]), "endpoints": per,
            "errors": len(errors), "error_examples": errors[:10], "reconnects": run["reconnects"]}


def warm_up(port: int, ids: Ids, args: argparse.Namespace) -> float:
    """Send rounds of concurrent requests until every worker answers quickly; return the seconds it took.

    A worker's first request builds its analysis graph (20-40 s at 100,000 people), its first
    path the path index. Rounds of 2 x workers x threads concurrent requests of every endpoint
    reach every worker; the server is warm when three rounds in a row answer every request
    within 5 s (the requests of a round queue for the workers, so a second or so is normal).
    """
    started = time.monotonic()
    width = 2 * args.workers * args.threads
    quick_rounds = 0
    rng = random.Random(args.seed)
    while quick_rounds < 3:
        if time.monotonic() - started > args.warmup_timeout:
            raise SystemExit(f"the server was still slow after {args.warmup_timeout:.0f} s of warm-up")
        urls = [ids.url(ENDPOINTS[i % len(ENDPOINTS)], rng) for i in range(width)]

        def one(url: str) -> float:
            connection = new_connection(port, args.warmup_timeout)
            try:
                begun = time.perf_counter()
                status, body = request(connection, url)
                if status != 200:
                    raise SystemExit(f"warm-up request {url} answered {status}: {body[:300]!r}")
                return time.perf_counter() - begun
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=width) as pool:
            slowest = max(pool.map(one, urls))
        quick_rounds = quick_rounds + 1 if slowest < 5.0 else 0
        print(f"  warm-up round: slowest {slowest:.2f} s", flush=True)
    return time.monotonic() - started


def show(label: str, summary: dict[str, object]) -> None:
    """Print one run's figures."""
    print(f"{label} ({summary['seconds']} s):")
    rows = [("overall", summary["overall"])] + list(summary["endpoints"].items())  # type: ignore[union-attr]
    for name, s in rows:
        print(f"  {name:<11} {s['requests']:>7} requests  {s['rps']:>7.1f} req/s  p50 {s['p50_ms']:>7.1f} ms  "
              f"p95 {s['p95_ms']:>7.1f} ms  p99 {s['p99_ms']:>7.1f} ms")
    print(f"  errors: {summary['errors']}  (keep-alive reconnects: {summary['reconnects']})")
    for example in summary["error_examples"]:  # type: ignore[union-attr]
        print(f"    {example}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("sqlite", "neo4j"), default="sqlite")
    parser.add_argument("--neo4j", default="bolt://127.0.0.1:7687", help="Neo4j URL for --store neo4j")
    parser.add_argument("--neo4j-password", default="partnergraph")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000,
                        help="KNOWS ties (Neo4j's imports are staged: its default 4 GB heap fits 1,000,000)")
    parser.add_argument("--keep", action="store_true",
                        help="Neo4j: keep the network the server holds (as import_rate.py leaves it) if its "
                             "element count matches, instead of clearing and importing it again")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--baseline-seconds", type=float, default=10.0, help="one client alone, first")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (one per core)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a client waits for an answer")
    parser.add_argument("--warmup-timeout", type=float, default=900.0)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--mix", choices=("reads", "edits"), default="reads",
                        help="edits: --edit-share of the requests edit, with the same clients reading only as baseline")
    parser.add_argument("--edit-share", type=float, default=0.12)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    # A plain `kill` also stops gunicorn (the finally below) instead of leaving it running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    url, folder = prepare(args)
    ids = Ids(folder)
    edits = None
    if args.mix == "edits":
        edits = (editor_token(url, args.neo4j_password), f"{int(time.time()) % 10**6}", args.edit_share)
    server = Gunicorn(url, args)
    missing: list[str] = []
    try:
        server.wait_until_listening()
        print(f"gunicorn on http://{HOST}:{server.port}/ ({args.workers} workers x {args.threads} threads), "
              f"store {url}; warming up", flush=True)
        warm_seconds = warm_up(server.port, ids, args)
        if edits is None:
            label = "baseline: 1 client"
            baseline = summarise(run_clients(server.port, ids, 1, args.baseline_seconds, args.seed + 1, args.timeout))
        else:  # the same clients reading only, then with edits
            label = f"baseline: {args.clients} clients reading only"
            baseline = summarise(run_clients(server.port, ids, args.clients, args.baseline_seconds, args.seed + 1,
                                             args.timeout))
        show(label, baseline)
        run = run_clients(server.port, ids, args.clients, args.seconds, args.seed + 2, args.timeout, edits)
        loaded = summarise(run)
        show(f"load: {args.clients} clients" + (f", {args.edit_share:.0%} edits" if edits else ""), loaded)
        if edits is not None:
            missing = check_edits(server.port, url, args, run["acknowledged"], edits[0])  # type: ignore[arg-type]
    finally:
        server.stop()
    ratio = loaded["overall"]["rps"] / baseline["overall"]["rps"] if baseline["overall"]["rps"] else float("nan")
    print(f"throughput: {ratio:.2f}x the baseline's ({label}); errors {loaded['errors']}"
          + (f"; acknowledged edits missing: {len(missing)}" if edits else ""))
    for problem in missing[:10]:
        print(f"    {problem}")

    record_path = args.out / "load.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    record[args.store if edits is None else f"{args.store}-edits"] = {
        "store": args.store, "people": args.people, "ties": args.ties, "seed": args.seed, "mix": args.mix,
        "edit_share": args.edit_share if edits else 0, "clients": args.clients, "seconds": args.seconds,
        "workers": args.workers, "threads": args.threads, "cpus": os.cpu_count(),
        "warm_up_seconds": round(warm_seconds, 1), "baseline": label, "baseline_run": baseline,
        "load": loaded, "throughput_ratio_vs_baseline": round(ratio, 2), "edits_missing": len(missing),
    }
    record_path.write_text(json.dumps(record, indent=2) + "\n")
    if loaded["errors"] or missing:
        sys.exit(1)


def check_edits(port: int, url: str, args: argparse.Namespace, acknowledged: list, token: str) -> list[str]:
    """Return the acknowledged edits that the store or the viewer's graph lacks (see load_edits.verify)."""
    client = Client(port, args.timeout)
    headers = {"Authorization": f"Bearer {token}"}  # an editor reads their own writes: the newest snapshot

    def visible(contact: str) -> set[str] | None:
        status, body = client.get(graph_url(contact), headers=headers)
        return {node["id"] for node in json.loads(body)["nodes"]} if status == 200 else None

    try:
        return verify(url, args.neo4j_password, Acknowledged.joined(acknowledged), visible)
    finally:
        client.close()


if __name__ == "__main__":
    main()
