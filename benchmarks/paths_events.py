"""Benchmark: introduction paths with events, against the same network without them.

    python benchmarks/paths_events.py                        # 100,000 people, 1,000,000 ties, 5,000 events, 200,000 attendances
    python benchmarks/paths_events.py --scale 0.1 --pairs 100  # a tenth of each

It generates the network without events (`generate_network(people, ties, seed, events=0)`), adds seeded events to the
same rows (`add_events`: a few big conferences, some mid-sized meetings, many small ones; past
and upcoming; mostly attended, some registered or planned), and builds two analysis graphs in
memory: without the events (the baseline) and with them. Over random pairs of people connected
in the baseline, each question is timed on both graphs in turn (alternating which goes first, so
that the machine's noise falls on both):

- hop-shortest (`introduction_paths`)
- warmest (`warm=True`)

Each line prints the median and p95 in ms with and without events, and the ratio of the two p95s
(the target: at most 1.2, a regression of at most 20%). Results go to benchmarks/out/paths_events.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time
from datetime import date
from pathlib import Path

import networkx as nx
from paths import connected_pairs, summary, timed  # benchmarks/paths.py: the same pairs and figures, the same way

from partnergraph.analysis.graph import build_graph
from partnergraph.analysis.path_index import path_index
from partnergraph.analysis.paths import introduction_paths
from partnergraph.io.generate import REGIONS, connection_row, element_row, generate_network
from partnergraph.model import Location, NoPath, Row, validate_dataset

OUT = Path(__file__).parent / "out"
TODAY = date(2026, 11, 1)  # the generator's reference day: its dates, and these events', are relative to it


def add_events(elements: list[dict[str, str]], connections: list[dict[str, str]], *, events: int,
               attendances: int, seed: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return event rows and ATTENDS rows for the contacts of `elements` (seeded; about `attendances` in all).

    One event in 500 is a big conference (about 1.5% of attendances each), one in 20 a meeting of
    a few hundred, the rest small meetings sharing what is left. One in six is upcoming (2027);
    past attendance is mostly `attended`, with some left without a status (read by the dates)
    and some that stayed `registered`; upcoming attendance is `registered` or `planned`.
    """
    rng = random.Random(seed)
    people = [row["id"] for row in elements if row["kind"] == "contact"]
    big, medium = max(1, events // 500), events // 20
    small = max(0, events - big - medium)
    big_size = min(len(people), max(2, int(attendances * 0.015)))
    medium_size = min(len(people), max(2, int(attendances * 0.25 / max(medium, 1))))
    left = max(0, attendances - big * big_size - medium * medium_size)
    small_mean = max(2, left // max(small, 1))
    countries = [(region, country) for region, codes in REGIONS.items() for country in codes]
    event_rows, attend_rows = [], []
    for number in range(events):
        size = big_size if number < big else medium_size if number < big + medium else \
            max(2, min(len(people), int(rng.uniform(0.3, 1.7) * small_mean)))
        upcoming = rng.random() < 1 / 6
        year = 2027 if upcoming else rng.randint(2012, 2026)
        month = rng.randint(1, 12 if year < 2026 else 10)
        start = f"{year}-{month:02d}-{rng.randint(1, 25):02d}"
        end = f"{start[:8]}{int(start[8:]) + rng.randint(0, 3):02d}"
        region, country = countries[int(rng.random() * len(countries))]
        event = f"ev-{number:05d}"
        event_rows.append(element_row(id=event, kind="event", name=f"Event {number}", start=start, end=end,
                                      country=country, region=region))
        for person in rng.sample(people, size):
            if upcoming:
                status = "planned" if rng.random() < 0.5 else "registered"
            else:
                status = rng.choices(("attended", "", "registered"), weights=(80, 15, 5))[0]
            role = "speaker" if rng.random() < 0.05 else ""
            attend_rows.append(connection_row(person, event, "ATTENDS", status=status, role=role))
    return event_rows, attend_rows


def analysis_graph(elements: list[dict[str, str]], connections: list[dict[str, str]]) -> nx.Graph:
    """Return the analysis graph of validated rows, its path index built and its costs for TODAY computed."""
    dataset = validate_dataset([Row(v, Location("elements", i)) for i, v in enumerate(elements)],
                               [Row(v, Location("connections", i)) for i, v in enumerate(connections)])
    graph = build_graph(dataset.elements, dataset.connections)
    path_index(graph).costs(TODAY)
    return graph


def ask(graph: nx.Graph, s: str, t: str, warm: bool) -> None:
    try:
        introduction_paths(graph, s, t, warm=warm, today=TODAY)
    except NoPath:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--attendances", type=int, default=200_000)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies people, ties, events and attendances")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=200, help="connected pairs to time")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for paths_events.json")
    args = parser.parse_args()
    people, ties = int(args.people * args.scale), int(args.ties * args.scale)
    events, attendances = max(1, int(args.events * args.scale)), int(args.attendances * args.scale)

    elements, connections = generate_network(people, ties, seed=args.seed, events=0)  # the events are added below
    event_rows, attend_rows = add_events(elements, connections, events=events, attendances=attendances, seed=args.seed)
    build = time.perf_counter()
    base = analysis_graph(elements, connections)
    base_seconds = time.perf_counter() - build
    build = time.perf_counter()
    with_events = analysis_graph(elements + event_rows, connections + attend_rows)
    events_seconds = time.perf_counter() - build
    gc.freeze()  # as the graph cache does: both graphs live as long as the run
    sizes = sorted(with_events.degree(e) for e in with_events if with_events.nodes[e].get("kind") == "event")
    print(f"{people:,} people, {ties:,} ties; {len(event_rows):,} events ({len(attend_rows):,} attendances, "
          f"largest {sizes[-1]:,}, median {sizes[len(sizes) // 2]:,}); graphs and indexes built in "
          f"{base_seconds:.1f} s without events, {events_seconds:.1f} s with")

    contacts = sorted(n for n, kind in base.nodes(data="kind") if kind == "contact")
    pairs = connected_pairs(contacts, args.pairs, args.seed, lambda s, t: introduction_paths(base, s, t, today=TODAY))

    results: dict[str, dict] = {}
    for name, warm in (("hop-shortest", False), ("warmest", True)):
        without, within = [], []
        through = 0
        for i, (s, t) in enumerate(pairs):
            order = ((base, without), (with_events, within)) if i % 2 == 0 else ((with_events, within), (base, without))
            for graph, into in order:
                into.append(timed(lambda g=graph, s=s, t=t, w=warm: ask(g, s, t, w)))
            found = introduction_paths(with_events, s, t, warm=warm, today=TODAY)[0]
            through += any(h.type == "ATTENDS" for h in found.hops)
        a, b = summary(without), summary(within)
        ratio = b["p95_ms"] / a["p95_ms"]
        results[name] = {"without_events": a, "with_events": b, "ratio_p95": ratio,
                         "ratio_median": b["median_ms"] / a["median_ms"], "paths_through_events": through}
        print(f"{name:<13} without events median {a['median_ms']:7.2f} ms  p95 {a['p95_ms']:7.2f} ms | "
              f"with events median {b['median_ms']:7.2f} ms  p95 {b['p95_ms']:7.2f} ms | "
              f"ratio {results[name]['ratio_median']:.2f}x median, {ratio:.2f}x p95 (target <= 1.20) "
              f"({len(pairs)} pairs, {through} through an event)")

    args.out.mkdir(parents=True, exist_ok=True)
    record = {"people": people, "ties": ties, "events": len(event_rows), "attendances": len(attend_rows),
              "seed": args.seed, "today": TODAY.isoformat(), "build_seconds_without": base_seconds,
              "build_seconds_with": events_seconds, "results": results}
    (args.out / "paths_events.json").write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
