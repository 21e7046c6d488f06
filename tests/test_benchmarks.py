"""The benchmark scripts run end to end on a small network (their figures are not checked here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_the_paths_benchmark_runs_and_reports_ratios(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "paths.py"), "--people", "300", "--ties", "1500",
                           "--pairs", "8", "--baseline-pairs", "8", "--simple-pairs", "3", "--yen-pairs", "8", "--out", str(tmp_path),
                           "--neo4j", "bolt://127.0.0.1:1"],  # no server there: the Cypher comparison is skipped
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "hop-shortest" in done.stdout and "ratio" in done.stdout
    assert "does not answer" in done.stdout and "the Cypher comparison is skipped" in done.stdout
    record = json.loads((tmp_path / "paths.json").read_text())
    assert set(record["results"]) == {"hop-shortest", "warmest", "k=5 distinct warm", "k=5 overlapping warm (Yen)"}
    assert all(r["ours"]["n"] == 8 and r["ratio_median"] > 0 for r in record["results"].values())


@pytest.mark.slow
def test_the_paths_with_events_benchmark_compares_the_same_pairs_with_and_without_events(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "paths_events.py"), "--scale", "0.003",
                           "--pairs", "8", "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "paths_events.json").read_text())
    assert record["events"] == 15 and record["attendances"] > 100
    assert set(record["results"]) == {"hop-shortest", "warmest"}
    assert all(r["with_events"]["n"] == r["without_events"]["n"] == 8 and r["ratio_p95"] > 0
               for r in record["results"].values())


@pytest.mark.slow
def test_the_export_view_benchmark_opens_the_page_offline_and_caps_the_baseline(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "export_view.py"), "--nodes", "120", "--runs", "1",
                           "--cap", "3", "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "export-view: 120 nodes" in done.stdout and "ratio" in done.stdout
    record = json.loads((tmp_path / "export_view.json").read_text())
    assert record["nodes"] == 120 and 0 < record["drawn_s"] <= record["clickable_s"] and record["ratio"] > 0


@pytest.mark.slow
def test_the_load_benchmark_serves_concurrent_clients_through_gunicorn_without_errors(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), "--people", "300", "--ties", "900",
                           "--clients", "4", "--seconds", "3", "--baseline-seconds", "1", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "load: 4 clients" in done.stdout and "errors: 0" in done.stdout
    record = json.loads((tmp_path / "load.json").read_text())["sqlite"]
    assert record["load"]["errors"] == 0
    assert set(record["load"]["endpoints"]) == {"path", "holders", "search", "graph"}
    assert all(e["requests"] > 0 for e in record["load"]["endpoints"].values())


@pytest.mark.slow
def test_the_mixed_load_benchmark_edits_as_an_editor_and_finds_every_acknowledged_edit(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), "--mix", "edits", "--people", "300",
                           "--ties", "900", "--clients", "4", "--seconds", "3", "--baseline-seconds", "1",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "acknowledged edits missing: 0" in done.stdout
    record = json.loads((tmp_path / "load.json").read_text())["sqlite-edits"]
    assert record["load"]["errors"] == 0 and record["edits_missing"] == 0
    assert {"create", "tie", "rev", "patch", "interaction"} <= set(record["load"]["endpoints"])
    assert record["baseline"] == "baseline: 4 clients reading only"


@pytest.mark.slow
def test_the_snapshots_benchmark_forks_after_each_edit_and_compares_with_a_copy(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "snapshots.py"), "--people", "300", "--ties",
                           "900", "--edits", "6", "--baseline-copies", "1", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((tmp_path / "snapshots.json").read_text())
    assert set(record["fork_ms"]) == {"new contact", "new tie", "property"} and record["graph_copy_ms"] > 0


@pytest.mark.slow
def test_the_build_benchmark_measures_both_ways_in_fresh_processes(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "build.py"), "--people", "300", "--ties", "1500",
                           "--runs", "1", "--memory-limit-gb", "4", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ratio baseline / ours" in done.stdout
    record = json.loads((tmp_path / "build-300-1500-1-e15.json").read_text())  # 15 events: one per 20 people
    ours, baseline = record["results"]["ours"], record["results"]["baseline"]
    assert ours["nodes"] == baseline["nodes"] > 300 and ours["edges"] == baseline["edges"] > 1500
    assert ours["peak_mb"] > 0 and ours["index_seconds"] >= 0 and not record["failures"]
    assert record["import"]["rows"] > 1500 and record["ratio_baseline_over_ours"]["build_seconds"] > 0


@pytest.mark.slow
def test_the_edits_benchmark_catches_up_after_each_edit_and_compares_with_a_rebuild(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "edits.py"), "--people", "300", "--ties", "1500",
                           "--edits", "8", "--baseline-edits", "1", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((tmp_path / "edits.json").read_text())
    assert set(record["ours"]) == {f"{q} after {k}" for q in ("holders", "path")
                                   for k in ("property", "interaction", "new tie", "new element")}
    assert all(r["edits"] == 1 and r["ratio"] > 0 for r in record["ours"].values())
    assert record["baseline_edits"] == 1 and record["path_index_build_s"] > 0


def test_the_streamed_graph_is_the_old_graph_in_every_detail(tmp_path):
    import importlib.util

    from partnergraph.config import Settings
    from partnergraph.services import Workspace, generate

    spec = importlib.util.spec_from_file_location("build_benchmark", ROOT / "benchmarks" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate(300, 1500, 1, tmp_path / "network")
    with Workspace.open(Settings(db=str(tmp_path / "graph.db"))) as workspace:
        workspace.data.import_path(tmp_path / "network")
        snapshot = workspace.store.snapshot()
        old, new = module.old_build_graph(snapshot.elements, snapshot.connections), workspace.cache.graph()
    assert list(new.nodes(data=True)) == list(old.nodes(data=True))
    assert all(list(new.nodes[n].items()) == list(old.nodes[n].items()) for n in old)
    assert all(list(new.adj[n]) == list(old.adj[n]) for n in old)
    assert list(new.edges(data=True)) == list(old.edges(data=True))
    assert all([list(r.items()) for r in new.edges[u, v]["relations"]] == [list(r.items()) for r in d["relations"]]
               for u, v, d in old.edges(data=True))
    assert new.graph["by_name"] == old.graph["by_name"]


@pytest.mark.slow
def test_the_json_import_benchmark_times_json_and_restore_against_csv(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "json_import.py"), "--rows", "600", "1200",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "JSON/CSV" in done.stdout and "target: within 2x" in done.stdout
    results = json.loads((tmp_path / "json_import.json").read_text())["results"]
    assert [r["rows"] > 400 for r in results] == [True, True]
    assert all(r["json_over_csv"] > 0 and r["restore_over_csv"] > 0 for r in results)


@pytest.mark.slow
def test_the_directory_benchmark_measures_routes_and_the_record_check_against_baselines():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "directory.py"), "--people", "300", "--ties",
                           "1500", "--runs", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "directory:" in done.stdout and "record check:" in done.stdout and done.stdout.count("ratio") == 2


@pytest.mark.slow
def test_the_onboarding_benchmark_reports_recall_precision_and_a_ratio(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "onboarding.py"), "--quick", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "recall" in done.stdout and "ratio" in done.stdout
    record = json.loads((tmp_path / "onboarding.json").read_text())
    assert record["rows"] == 2000 and record["planted"] == 100 and record["caught"] > 0
    assert 0 < record["precision"] <= 1 and record["ratio"] > 0


@pytest.mark.slow
def test_the_events_benchmark_ranks_events_and_briefs_on_a_small_network(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "events.py"), "--people", "400", "--ties", "2000",
                           "--events", "40", "--runs", "2", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "events --for" in done.stdout and "briefing" in done.stdout and "of the graph build" in done.stdout
    record = json.loads((tmp_path / "events.json").read_text())
    assert record["events"] == 40 and record["attendances"] > 0
    assert record["events_for"]["worst_ms"] > 0 and record["briefing"]["worst_ms"] > 0


@pytest.mark.slow
def test_the_cli_benchmark_times_cold_commands_against_the_baseline(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "cli.py"), "--people", "200", "--ties", "800",
                           "--runs", "1", "--baseline-runs", "1", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    for label in ("info", "holders (id)", "directory", "holders (name lookup)", "path, kept index", "path, first run"):
        assert label in done.stdout
    assert done.stdout.count("ratio") == 6
