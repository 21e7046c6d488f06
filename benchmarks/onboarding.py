"""Benchmark: catching duplicates in a 50,000-row partner list against the 100k-people network.

    python benchmarks/onboarding.py                 # 50,000 rows against 100,000 people, 1,000,000 ties
    python benchmarks/onboarding.py --quick         # 2,000 rows against 2,000 people (a smoke run)

It generates the network in memory (`generate_network(people, ties, seed=1)`; its elements are
what matching needs) and a partner list of `--rows` rows in which `--planted` (5 %) are
near-duplicates of the network's organisations, in turn an accent, case, acronym, website and
typo variant (an acronym only of an organisation whose acronym no other one shares: an acronym
that names several is no duplicate anyone would plant). The other rows are new organisations
with invented names, whose initials spell no organisation's acronym.

Then `preview` (`find_duplicates`, the matching alone) runs `--repeat` times and the median
time is reported with the recall of the planted pairs and the precision of what was reported (a pair of two variants of the same organisation in the list is
right too). The baseline, in the same run: naive all-pairs `rapidfuzz.fuzz.ratio` in a Python
loop over a `--sample`-row sample of the list against as many organisations, its time per pair
extrapolated to every row against every organisation and every other row. Last, the import's
whole preview (`Imports.preview`: read the CSV, resolve names, match, validate, compare with the
store) of the list written as a chapter's CSV, against the network in an embedded store (built once
and kept in benchmarks/out/). Targets: preview <= 20 s, recall >= 0.95, precision >= 0.9, ratio
>= 20x. Results go to benchmarks/out/onboarding.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz

from partnergraph.analysis.folding import acronym, fold
from partnergraph.analysis.matching import Candidate, PossibleDuplicate, find_duplicates
from partnergraph.io.generate import generate_network
from partnergraph.schema import ORGANISATIONS, Kind

OUT = Path(__file__).parent / "out"
VARIANTS = ("accent", "case", "acronym", "website", "typo")
_ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "A": "Å", "E": "É", "O": "Ø"}
_SYLLABLES = ("ka", "ri", "mo", "ten", "vul", "sa", "dro", "pel", "qui", "zan", "bo", "lek", "ny", "fa",
              "gor", "hu", "jes", "wi", "tra", "os", "mir", "cen", "dal", "ube", "xo", "pra", "sti", "ol")
_KINDS = ("Society", "Institute", "Archive", "Library", "Network", "Trust", "Lab", "Collective", "Council",
          "Museum", "Foundation", "Alliance", "Press", "Centre", "Cooperative", "School")

Preview = Callable[[Sequence[Candidate], Sequence[Candidate]], list[PossibleDuplicate]]


def preview(incoming: Sequence[Candidate], existing: Sequence[Candidate]) -> list[PossibleDuplicate]:
    """Return the possible duplicates the import's preview shows (what this benchmark times)."""
    return find_duplicates(incoming, existing)


def existing_candidates(people: int, ties: int, seed: int) -> list[Candidate]:
    """Return the generated network's elements as matching sees them."""
    elements, _ = generate_network(people, ties, seed=seed)
    return [Candidate(row["id"], Kind.parse(row["kind"]), row["name"],
                      tuple(a for a in row.get("aliases", "").split(";") if a), row.get("website") or None,
                      row.get("email") or None) for row in elements]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 5))).capitalize()


def _typo(rng: random.Random, name: str) -> str:
    for _ in range(100):
        at = rng.randrange(len(name) - 1)
        if not (name[at].isalpha() and name[at + 1].isalpha()):
            continue
        how = rng.choice(("drop", "swap", "double", "replace"))
        if how == "drop":
            changed = name[:at] + name[at + 1:]
        elif how == "swap":
            changed = name[:at] + name[at + 1] + name[at] + name[at + 2:]
        elif how == "double":
            changed = name[:at] + name[at] + name[at:]
        else:
            changed = name[:at] + rng.choice("aeioutnrs") + name[at + 1:]
        if changed != name:
            return changed
    return name + "s"


def _accent(rng: random.Random, name: str) -> str:
    spots = [i for i, c in enumerate(name) if c in _ACCENTS]
    at = rng.choice(spots) if spots else 0
    return name[:at] + _ACCENTS.get(name[at], name[at]) + name[at + 1:]


def partner_list(existing: Sequence[Candidate], rows: int, planted: int, seed: int
                 ) -> tuple[list[Candidate], dict[str, str]]:
    """Return `rows` incoming partners, `planted` of them variants of organisations, and planted key -> original key."""
    rng = random.Random(seed)
    orgs = [c for c in existing if c.kind in ORGANISATIONS]
    counts: dict[str, int] = {}
    for org in orgs:
        initials = acronym(org.name)
        if initials:
            counts[initials] = counts.get(initials, 0) + 1
    unique_acronym = [o for o in orgs if (acronym(o.name) or "") and counts[acronym(o.name) or ""] == 1
                      and len(acronym(o.name) or "") >= 3]
    used = {fold(o.name) for o in existing}

    def new_name() -> str:
        # Initials that spell no organisation's acronym: the planted acronyms stay unambiguous.
        while True:
            name = f"{_word(rng)} {_word(rng)} {rng.choice(_KINDS)}"
            if fold(name) not in used and acronym(name) not in counts:
                used.add(fold(name))
                return name

    incoming: list[Candidate] = []
    truth: dict[str, str] = {}
    for i in range(rows):
        key = f"row-{i + 1:06d}"
        if i % max(1, rows // planted) == 0 and len(truth) < planted:
            variant = VARIANTS[len(truth) % len(VARIANTS)]
            original = rng.choice(unique_acronym if variant == "acronym" and unique_acronym else orgs)
            website = None
            if variant == "accent":
                name = _accent(rng, original.name)
            elif variant == "case":
                name = original.name.upper() if rng.random() < 0.5 else original.name.lower()
            elif variant == "acronym":
                name = (acronym(original.name) or original.name).upper()
            elif variant == "website":
                name = new_name()
                website = f"www.{(original.website or '').split('://')[-1]}/"
            else:
                name = _typo(rng, original.name)
            incoming.append(Candidate(key, Kind.PARTNER, name, website=website))
            truth[key] = original.key
            continue
        name = new_name()
        incoming.append(Candidate(key, Kind.PARTNER, name, website=f"https://{fold(name).replace(' ', '-')}.example.net"))
    return incoming, truth


def score(found: list[PossibleDuplicate], truth: dict[str, str]) -> dict[str, float]:
    """Return recall of the planted pairs and precision of the reported ones."""
    right = 0
    caught = set()
    for pair in found:
        original = truth.get(pair.incoming)
        if original is not None and pair.existing == original:
            right += 1
            caught.add(pair.incoming)
        elif original is not None and truth.get(pair.existing) == original:
            right += 1  # two variants of one organisation in the list
    return {"planted": len(truth), "reported": len(found), "caught": len(caught),
            "recall": len(caught) / len(truth) if truth else 1.0, "precision": right / len(found) if found else 1.0}


def naive_seconds_per_pair(incoming: Sequence[Candidate], existing: Sequence[Candidate], sample: int, seed: int) -> float:
    """Return the time per pair of naive all-pairs fuzzy matching (a Python loop over fuzz.ratio)."""
    rng = random.Random(seed)
    rows = [c.name for c in rng.sample(list(incoming), min(sample, len(incoming)))]
    orgs = [c.name for c in existing if c.kind in ORGANISATIONS]
    others = [rng.choice(orgs) for _ in range(sample)]
    start = time.perf_counter()
    for a in rows:
        for b in others:
            fuzz.ratio(a, b, score_cutoff=90)
    return (time.perf_counter() - start) / (len(rows) * len(others))


def network_store(people: int, ties: int, seed: int, out: Path) -> Path:
    """Return an embedded store holding the generated network, built once and kept in `out`."""
    from partnergraph.config import Settings
    from partnergraph.services import Workspace, generate

    path = out / f"onboarding-network-{people}-{ties}-{seed}.db"
    if not path.exists():
        folder = out / f"onboarding-network-{people}-{ties}-{seed}"
        generate(people, ties, seed, folder)
        start = time.perf_counter()
        with Workspace.open(Settings(db=str(path))) as ws:
            ws.data.import_path(folder)
        print(f"built the store {path.name} in {time.perf_counter() - start:.0f} s (kept for later runs)")
    return path


def write_list(incoming: Sequence[Candidate], path: Path) -> None:
    """Write the partner list as a chapter keeps it: a CSV file with its own headers."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Partner", "Website", "Status"])
        for row in incoming:
            writer.writerow([row.name, row.website or "", "active"])


def full_preview(store: Path, sheet: Path, incoming: Sequence[Candidate], truth: dict[str, str], repeat: int
                 ) -> tuple[list[float], dict[str, float]]:
    """Time the import's whole preview of `sheet` (read, resolve, match, validate, compare); score what it caught.

    A planted row is caught when the preview pairs it with its original or reads it as that element
    (a name equal apart from case and accents is the same name); a row that is not planted and is
    paired, or read as an existing element, is a false catch.
    """
    from partnergraph.config import Settings
    from partnergraph.services import Workspace

    runs, report = [], {}
    with Workspace.open(Settings(db=str(store))) as ws:
        for _ in range(repeat):
            start = time.perf_counter()
            report = ws.imports.preview(sheet).report
            runs.append(time.perf_counter() - start)
    # Rows are compared by name: a list that names one organisation twice (two rows with the same
    # acronym of it) is one element, paired once.
    created = report["created_ids"]
    paired: dict[str, set[str]] = {}
    for pair in report["possible_duplicates"]:
        paired.setdefault(pair["incoming"], set()).add(pair["existing"])
    name_of = {c.key: c.name for c in incoming}
    caught = sum(1 for key, original in truth.items()
                 if original in paired.get(name_of[key], ()) or name_of[key] not in created)
    found = {c.name for c in incoming if c.name in paired or c.name not in created}
    planted = {name_of[key] for key in truth}
    planted_found = len(found & planted)
    false = len(found - planted)
    return runs, {"recall": caught / max(1, len(truth)),
                  "precision": planted_found / max(1, planted_found + false), "pairs": len(report["possible_duplicates"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--share", type=float, default=0.05, help="share of planted near-duplicates")
    parser.add_argument("--sample", type=int, default=2_000, help="rows of the naive baseline's sample")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.quick:
        args.rows, args.people, args.ties, args.sample, args.repeat = 2_000, 2_000, 10_000, 300, 1

    start = time.perf_counter()
    existing = existing_candidates(args.people, args.ties, args.seed)
    incoming, truth = partner_list(existing, args.rows, round(args.rows * args.share), args.seed)
    orgs = sum(c.kind in ORGANISATIONS for c in existing)
    print(f"network: {len(existing):,} elements ({orgs:,} organisations); partner list: {len(incoming):,} rows, "
          f"{len(truth):,} planted near-duplicates; generated in {time.perf_counter() - start:.1f} s")

    runs, found = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        found = preview(incoming, existing)
        runs.append(time.perf_counter() - start)
    ours = statistics.median(runs)
    quality = score(found, truth)
    print(f"find_duplicates: median {ours:.2f} s over {len(runs)} runs; {quality['reported']:,} pairs reported; "
          f"recall {quality['recall']:.3f} ({quality['caught']:,}/{quality['planted']:,}), "
          f"precision {quality['precision']:.3f}")

    per_pair = naive_seconds_per_pair(incoming, existing, args.sample, args.seed)
    pairs = len(incoming) * orgs + len(incoming) * (len(incoming) - 1) // 2
    naive = per_pair * pairs
    print(f"naive all-pairs fuzz.ratio: {per_pair * 1e9:.0f} ns a pair on a {args.sample:,}-row sample, "
          f"x {pairs:,} pairs = {naive:,.0f} s extrapolated | ratio {naive / ours:.0f}x")
    args.out.mkdir(parents=True, exist_ok=True)
    store = network_store(args.people, args.ties, args.seed, args.out)
    sheet = args.out / f"onboarding-list-{args.rows}.csv"
    write_list(incoming, sheet)
    preview_runs, preview_quality = full_preview(store, sheet, incoming, truth, args.repeat)
    whole = statistics.median(preview_runs)
    print(f"import preview of the list (CSV) against the stored network: median {whole:.2f} s over "
          f"{len(preview_runs)} runs (target <= 20 s); recall {preview_quality['recall']:.3f}, "
          f"precision {preview_quality['precision']:.3f}; {preview_quality['pairs']:,} pairs to decide "
          f"| ratio against the naive baseline {naive / whole:.0f}x")
    record = {"preview_seconds": preview_runs, "preview_median_seconds": whole,
              "preview_recall": preview_quality["recall"], "preview_precision": preview_quality["precision"],
              "preview_ratio": naive / whole,"rows": len(incoming), "people": args.people, "ties": args.ties, "organisations": orgs,
              "ours_seconds": runs, "ours_median_seconds": ours, **quality,
              "baseline": "naive all-pairs rapidfuzz.fuzz.ratio, extrapolated", "baseline_ns_per_pair": per_pair * 1e9,
              "baseline_pairs": pairs, "baseline_seconds": naive, "ratio": naive / ours}
    (args.out / "onboarding.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
