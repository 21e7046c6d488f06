"""Benchmark: long analytics off the request path (the viewer's background jobs).

    python benchmarks/analytics_jobs.py --db /tmp/net20k.db                      # an existing store
    python benchmarks/analytics_jobs.py --people 20000 --ties 200000             # generated and imported first
    python benchmarks/analytics_jobs.py --db /tmp/net100k.db --ask '/api/communities'
    python benchmarks/analytics_jobs.py --db /tmp/net20k.db --each            # which analytics are long

With `--each`, it only times every analytics question the viewer asks, one after another in one
process, on the store's graph (built first), each against the time of a holders question (the
baseline: what is not long); `--skip` leaves out some (exact betweenness at 100k takes most of an hour).

Serves the store with `partnergraph serve` (a separate process, anonymous reading on) and
measures, in the same run:

1. **Baseline: the question in the request, as before.** The seconds `Questions` takes to
   answer the asked question in one process (what the request took before it answered, and
   what every other request waited behind the viewer's one lock meanwhile).
2. **The first answer now**: the seconds until the viewer answers the question (202, "computing")
   and until its answer is ready (polled), and the ratio of the first against the baseline.
3. **Readers meanwhile**: `--reads` requests (holders of a random partner, search) while the
   job computes, against the same requests with nothing computing (p50, p95, ratio).

Results also go to benchmarks/out/analytics_jobs.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlparse

from partnergraph.config import Settings
from partnergraph.services import Workspace
from partnergraph.services.options import (
    BrokersQuery,
    CentralityQuery,
    CommunitiesQuery,
    CoverageQuery,
    HoldersQuery,
    MetricsQuery,
    RisksQuery,
)

OUT = Path(__file__).parent / "out"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def get(port: int, url: str, method: str = "GET") -> tuple[int, float, bytes]:
    """Return the status, seconds and body of one request."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=3600)
    connection.request(method, url)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, time.perf_counter() - started, body


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def reads(port: int, partners: list[str], names: list[str], count: int, seed: int) -> list[float]:
    """Return the seconds of `count` reads (holders and search, alternately), failing on any error."""
    rng = random.Random(seed)
    times = []
    for i in range(count):
        if i % 2:
            url = "/api/holders/" + quote(rng.choice(partners), safe="")
        else:
            url = "/api/search?" + urlencode({"q": rng.choice(names)[:4]})
        status, seconds, _ = get(port, url)
        assert status == 200, (url, status)
        times.append(seconds)
    return times


def question_of(ask: str) -> tuple[str, Any]:
    """Return the `Questions` method and options that the API URL `ask` asks (as the viewer parses it)."""
    parsed = urlparse(ask)
    args = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    name = parsed.path.rsplit("/", 1)[-1]
    if name == "centrality":
        return name, CentralityQuery(args.get("measure", "degree"), top=int(args.get("top", 10)), personal=False)
    if name == "communities":
        return name, CommunitiesQuery(personal=False)
    if name == "coverage":
        return name, CoverageQuery()
    if name == "brokers":
        return name, BrokersQuery(personal=False)
    return "risks", RisksQuery()


EACH = {
    "holders": lambda q, partner: q.holders(HoldersQuery(partner)),
    "centrality degree": lambda q, _: q.centrality(CentralityQuery("degree", top=20)),
    "centrality pagerank": lambda q, _: q.centrality(CentralityQuery("pagerank", top=20)),
    "risks": lambda q, _: q.risks(RisksQuery()),
    "coverage": lambda q, _: q.coverage(CoverageQuery()),
    "coverage, public": lambda q, _: q.coverage(CoverageQuery(public=True)),
    "communities": lambda q, _: q.communities(CommunitiesQuery(top=50)),
    "centrality eigenvector": lambda q, _: q.centrality(CentralityQuery("eigenvector", top=20)),
    "brokers": lambda q, _: q.brokers(BrokersQuery(top=10)),
    "centrality closeness": lambda q, _: q.centrality(CentralityQuery("closeness", top=20)),
    "centrality betweenness": lambda q, _: q.centrality(CentralityQuery("betweenness", top=20)),
    "metrics": lambda q, _: q.metrics(MetricsQuery()),
}


def each(db: str, skip: list[str]) -> dict[str, float]:
    """Time every analytics question on the store, in one process, against a holders question."""
    times: dict[str, float] = {}
    with Workspace.open(Settings(db=db)) as ws:
        started = time.perf_counter()
        ws.cache.graph()
        print(f"{'building the graph':28s} {time.perf_counter() - started:9.2f} s", flush=True)
        with sqlite3.connect(db) as conn:
            partner = conn.execute("SELECT id FROM elements WHERE kind = 'Partner' LIMIT 1").fetchone()[0]
        for name, ask in EACH.items():
            if any(word in name for word in skip):
                continue
            started = time.perf_counter()
            ask(ws.questions, partner)
            times[name] = time.perf_counter() - started
            ratio = times[name] / max(times["holders"], 1e-6)
            print(f"{name:28s} {times[name]:9.2f} s   {ratio:10.0f}x holders", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing SQLite store (default: generate and import one)")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--ties", type=int, default=200_000)
    parser.add_argument("--ask", default="/api/centrality?measure=betweenness&top=20",
                        help="the long question, as an API URL")
    parser.add_argument("--reads", type=int, default=200, help="reads measured idle and while the job computes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--each", action="store_true", help="only time every analytics question, in one process")
    parser.add_argument("--skip", action="append", default=[], help="with --each: leave out questions naming this")
    args = parser.parse_args()
    if args.each:
        if not args.db:
            parser.error("--each needs --db")
        times = each(args.db, args.skip)
        OUT.mkdir(exist_ok=True)
        (OUT / "analytics_each.json").write_text(json.dumps({"db": args.db, "seconds": times}, indent=2) + "\n",
                                                 encoding="utf-8")
        return

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = str(Path(tmp) / "net.db")
            folder = str(Path(tmp) / "net")
            subprocess.run(["partnergraph", "generate", "--people", str(args.people), "--ties", str(args.ties),
                            "--seed", str(args.seed), "-o", folder], check=True)
            subprocess.run(["partnergraph", "--db", db, "import", folder], check=True)
        with sqlite3.connect(db) as conn:
            partners = [r[0] for r in conn.execute("SELECT id FROM elements WHERE kind = 'Partner'")]
            names = [r[0] for r in conn.execute("SELECT name FROM elements WHERE kind = 'Contact' LIMIT 2000")]

        # 1. Baseline: the question answered in one process, as the request did before.
        name, query = question_of(args.ask)
        with Workspace.open(Settings(db=db)) as ws:
            ws.cache.graph()
            started = time.perf_counter()
            getattr(ws.questions, name)(query)
            baseline = time.perf_counter() - started
        print(f"baseline: {name} in the request took {baseline:.2f} s", flush=True)

        port = free_port()
        env = {**os.environ, "PARTNERGRAPH_SECRET_KEY": "benchmark only, not a secret", "PARTNERGRAPH_DB": db}
        server = subprocess.Popen(["partnergraph", "serve", "--anonymous-read", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    status, warm, _ = get(port, "/api/holders/" + quote(partners[0], safe=""))
                    if status == 200:
                        break
                except OSError:
                    time.sleep(0.5)
            print(f"server ready (first read {warm:.1f} s)", flush=True)
            idle = reads(port, partners, names, args.reads, args.seed)

            status, first, _ = get(port, args.ask)
            asked = time.perf_counter() - first
            print(f"first answer: {status} in {first:.3f} s", flush=True)
            during = reads(port, partners, names, args.reads, args.seed + 1)
            still = get(port, args.ask, "HEAD")[0]
            while True:
                status, _, body = get(port, args.ask + ("&" if "?" in args.ask else "?") + "wait=30")
                if status == 200:
                    break
                assert status == 202, (status, body[:200])
            ready = time.perf_counter() - asked
        finally:
            server.terminate()
            server.wait(30)

    result = {
        "db": db, "ask": args.ask, "baseline_in_request_s": round(baseline, 3),
        "first_answer_s": round(first, 3), "first_answer_ratio": round(first / baseline, 4),
        "ready_after_s": round(ready, 2),
        "reads": args.reads, "computing_when_reads_ended": still == 202,
        "idle_p50_ms": round(percentile(idle, 0.5) * 1000, 1), "idle_p95_ms": round(percentile(idle, 0.95) * 1000, 1),
        "during_p50_ms": round(percentile(during, 0.5) * 1000, 1),
        "during_p95_ms": round(percentile(during, 0.95) * 1000, 1),
    }
    result["during_p95_ratio"] = round(result["during_p95_ms"] / result["idle_p95_ms"], 2)
    for key, value in result.items():
        print(f"{key:28s} {value}")
    OUT.mkdir(exist_ok=True)
    (OUT / "analytics_jobs.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
