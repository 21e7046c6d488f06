"""The command line as users type it: every command, its --json shape, and its errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NEO4J_PASSWORD, SMALL


@pytest.fixture
def loaded(cli):
    result = cli("import", str(SMALL))
    assert result.exit_code == 0, result.output
    return cli


def test_import_reports_what_it_created_then_nothing_on_reimport(cli):
    first = cli("import", str(SMALL))
    assert first.exit_code == 0
    assert "15 elements created, 0 updated; 22 connections created, 0 updated" in first.output
    again = cli("import", str(SMALL))
    assert "0 elements created, 0 updated; 0 connections created, 0 updated" in again.output


def test_a_bad_import_lists_every_problem_and_exits_1(cli, tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "elements.csv").write_text("id,kind,name\na,contact,A\nb,ghost,B\nc,contact,\n")
    result = cli("import", str(tmp_path / "bad"))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].endswith("elements.csv:3: column 'kind': unknown kind 'ghost' (expected one of affiliate, partner, contact, issue, event)")
    assert lines[1].endswith("elements.csv:4: missing required column value: name")
    assert lines[2] == "error: import failed with 2 problems; nothing was changed"
    assert "Traceback" not in result.output


def test_holders_json_has_the_documented_shape(loaded):
    result = loaded("holders", "National Library of Freedonia", "--json")
    answer = json.loads(result.output)
    assert answer["partner"]["id"] == "lib"
    assert [h["id"] for h in answer["holders"]] == ["eli", "ben"]
    assert set(answer["holders"][0]) >= {"id", "name", "strength", "since", "last_contact", "affiliates"}


def test_holders_warns_when_a_partnership_hangs_on_one_person(loaded):
    result = loaded("holders", "cc")
    assert "Cai Chen (cai) strength 5" in result.output
    assert "warning: this partnership hangs on one person: Cai Chen" in result.output


def test_holders_marks_stale_ties_and_warns_when_only_stale_ties_hold(loaded):
    result = loaded("holders", "lib", "--as-of", "2026-11-15")
    assert result.output.splitlines() == [
        "National Library of Freedonia (lib, active)",
        "  Eli Cohen (eli) strength 4, since 2017-06, last contact 2026-10; no affiliate",
        "  Ben Okoro (ben) strength 2, since 2022-01, last contact 2024-05; Wikimedia Deutschland [stale]",
    ]
    later = json.loads(loaded("holders", "lib", "--as-of", "2028-06-01", "--json").output)
    assert [h["stale"] for h in later["holders"]] == [True, True]
    assert later["warnings"] == ["it hangs only on stale ties: no contact for over 12 months (last: 2026-10)"]


def test_path_json_has_the_documented_shape(loaded):
    answer = json.loads(loaded("path", "ana", "lib", "--warm", "-k", "2", "--overlap", "--as-of", "2026-11-15",
                               "--json").output)
    first = answer["paths"][0]
    assert [n["id"] for n in first["nodes"]] == ["ana", "ben", "eli", "lib"]
    assert set(first["nodes"][0]) >= {"id", "name", "kind"}
    assert set(first["hops"][0]) >= {"from", "to", "type", "why", "evidence", "cost"}
    assert first["hops"][0]["via"] == {"id": "wmde", "name": "Wikimedia Deutschland", "kind": "affiliate"}
    assert first["length"] == 3 and first["cost"] == 4.668 and first["warmth"] == "warm"
    assert first["rank_reason"] == "warmest: 3 hops, one tie of strength 5, through 1 shared organisation, last contact within 1 month"
    assert [[n["id"] for n in p["nodes"]] for p in answer["paths"]] == [["ana", "ben", "eli", "lib"], ["ana", "ben", "lib"]]


def test_path_prints_each_hop_with_why(loaded):
    result = loaded("path", "Ana Lima", "cc", "--as-of", "2026-11-15")
    assert result.output.splitlines() == [
        "path 1: 2 hops, warm (cost 3.805): Ana Lima -> Cai Chen -> Creative Commons",
        "  fewest hops: 2 hops, both ties strength 4+, every contact within 3 months",
        "  - Ana Lima knows Cai Chen (strength 4, since 2019-05, last contact 2026-09, source: Wikimania 2019)",
        "  - Cai Chen holds the relationship with Creative Commons (strength 5, since 2020-01, last contact 2026-08, source: partner meeting)",
    ]


def test_path_to_anyone_at_a_partner_on_an_issue_in_a_region(loaded):
    result = loaded("path", "ana", "--to-issue", "Open access", "--to-region", "Africa", "--json")
    [found] = json.loads(result.output)["paths"]
    assert found["nodes"][-1]["id"] == "uni"
    assert loaded("path", "ana").exit_code == 2  # neither TO nor a question
    assert loaded("path", "ana", "cc", "--types", "KNOWS,PARTNERS_WITH").exit_code == 2


def test_path_with_no_answer_exits_0_with_an_empty_list(loaded):
    result = loaded("path", "ana", "lib", "--avoid", "ben", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["paths"] == []
    assert loaded("path", "ana", "lib", "--max-hops", "1").output.startswith("no path")
    assert loaded("path", "ana", "cc", "--types", "MEMBER_OF,HOLDS").output.startswith("no path")


def test_path_to_an_unknown_id_exits_1_with_one_line(loaded):
    result = loaded("path", "ana", "nobody", "--json")
    assert result.exit_code == 1
    assert result.output == "error: no element with id or name 'nobody'\n"


def test_centrality_json_is_sorted_and_flags_sampling(loaded):
    answer = json.loads(loaded("centrality", "--measure", "pagerank", "--kind", "contact", "--top", "3", "--json").output)
    assert answer["measure"] == "pagerank" and answer["approximate"] is False
    scores = [r["score"] for r in answer["results"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 3
    assert {r["kind"] for r in answer["results"]} == {"contact"}
    sampled = json.loads(loaded("centrality", "--measure", "betweenness", "--sample", "5", "--seed", "1", "--json").output)
    assert sampled["approximate"] is True


def test_risks_lists_single_holders_and_stale_ties(loaded):
    result = loaded("risks", "--as-of", "2026-11-01")
    assert "partners nobody holds: 1" in result.output
    assert "Creative Commons (cc): Cai Chen" in result.output
    assert "ties without contact for over 12 months: 3" in result.output
    answer = json.loads(loaded("risks", "--as-of", "2026-11-01", "--stale-months", "24", "--json").output)
    assert [t["months"] for t in answer["stale_ties"]] == [33, 30]


def test_export_writes_the_file_and_says_so(loaded, tmp_path):
    result = loaded("export", "--format", "graphml", "-o", str(tmp_path / "g.graphml"))
    assert result.exit_code == 0 and (tmp_path / "g.graphml").exists()
    assert "wrote 15 elements and 22 connections" in result.output


def test_info_counts_the_store(loaded):
    counts = json.loads(loaded("info", "--json").output)["counts"]
    assert counts["Contact"] == 6 and counts["KNOWS"] == 4


@pytest.mark.parametrize("args", [
    ["centrality", "--measure", "fame"],
    ["export", "--format", "pdf", "-o", "x"],
    ["path", "ana"],
    ["holders"],
    ["path", "ana", "cc", "-k", "many"],
    ["path", "ana", "cc", "-k", "0"],
    ["path", "ana", "cc", "--max-hops", "0"],
    ["centrality", "--top", "0"],
])
def test_usage_errors_exit_2(loaded, args):
    assert loaded(*args).exit_code == 2


@pytest.mark.parametrize("args, message", [
    (["holders", "ana"], "error: 'ana' is a contact, not a partner"),
    (["holders", "nobody"], "error: no element with id or name 'nobody'"),
    (["centrality", "--measure", "degree", "--sample", "3"], "error: --sample applies to betweenness only"),
    (["import", "/no/such/folder"], "error: /no/such/folder: no such file or folder"),
])
def test_user_errors_exit_1_with_one_line(loaded, args, message):
    result = loaded(*args)
    assert result.exit_code == 1
    assert result.output == message + "\n"


def test_an_unsupported_store_url_is_a_user_error(tmp_path):
    from click.testing import CliRunner

    from partnergraph.cli import main

    result = CliRunner().invoke(main, ["--db", "postgres://x", "info"])
    assert result.exit_code == 1
    assert "unsupported store URL" in result.output


def test_a_file_that_is_not_a_database_is_a_user_error(tmp_path):
    from click.testing import CliRunner

    from partnergraph.cli import main

    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite at all, just text " * 50)
    result = CliRunner().invoke(main, ["--db", str(junk), "info"])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {junk}: not a partnergraph database")


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "partnergraph", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


def test_every_command_works_as_a_real_process(db_url, tmp_path):
    env = {"PARTNERGRAPH_DB": db_url, "NEO4J_PASSWORD": NEO4J_PASSWORD}
    assert run("import", str(SMALL), cwd=tmp_path, env=env).returncode == 0
    for args in (["holders", "lib", "--json"], ["path", "ana", "lib", "--warm", "-k", "2", "--json"],
                 ["centrality", "--measure", "closeness", "--json"], ["risks", "--json"], ["info", "--json"]):
        done = run(*args, cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        json.loads(done.stdout)
    done = run("export", "--format", "gexf", "-o", "out.gexf", cwd=tmp_path, env=env)
    assert done.returncode == 0 and (tmp_path / "out.gexf").exists()
    assert run("--help", cwd=tmp_path).stdout.startswith("Usage: partnergraph")


def test_a_real_process_fails_with_one_line_and_no_traceback(tmp_path):
    done = run("--db", str(tmp_path / "x.db"), "holders", "nobody", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "error: no element with id or name 'nobody'\n"
    assert not (tmp_path / "x.db").exists()


def test_demo_loads_the_demo_network_and_suggests_real_questions(cli):
    result = cli("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "31 affiliates, 80 partners, 401 people, 10 issues" in result.output
    suggested = next(line for line in result.output.splitlines() if " holders " in line)
    partner = suggested.split(" holders ")[1].split()[0]
    holders = json.loads(cli("holders", partner, "--json").output)
    assert len(holders["holders"]) == 1  # the demo points at a partnership that hangs on one person
    again = cli("demo", "--no-serve")
    assert "(0 elements and 0 connections new)" in again.output


def test_generate_writes_an_importable_network(cli, tmp_path):
    result = cli("generate", "--people", "300", "--ties", "1200", "--seed", "5", "-o", str(tmp_path / "net"))
    assert result.exit_code == 0, result.output
    imported = cli("import", str(tmp_path / "net"))
    assert imported.exit_code == 0, imported.output
    counts = json.loads(cli("info", "--json").output)["counts"]
    assert counts["Contact"] == 300 and counts["KNOWS"] + counts["HOLDS"] == 1200


def test_generate_writes_the_events_asked_for(cli, tmp_path):
    result = cli("generate", "--people", "200", "--ties", "800", "--events", "12", "-o", str(tmp_path / "net"))
    assert result.exit_code == 0, result.output
    assert "(12 events, " in result.output and " attendances)" in result.output
    none = cli("generate", "--people", "200", "--ties", "800", "--events", "0", "-o", str(tmp_path / "none"))
    assert "(0 events, 0 attendances)" in none.output
    assert cli("generate", "--people", "200", "--ties", "800", "--events", "-1", "-o", str(tmp_path / "x")).exit_code == 2


def test_generate_refuses_impossible_sizes(cli, tmp_path):
    result = cli("generate", "--people", "3", "--ties", "100", "-o", str(tmp_path / "net"))
    assert result.exit_code == 1
    assert result.output.startswith("error: ")


def test_demo_generate_and_a_bad_import_as_real_processes(tmp_path):
    env = {"PARTNERGRAPH_DB": str(tmp_path / "p.db")}
    demo = run("demo", "--no-serve", cwd=tmp_path, env=env)
    assert demo.returncode == 0 and "demo network loaded" in demo.stdout
    generated = run("generate", "--people", "50", "--ties", "100", "-o", "net", cwd=tmp_path)
    assert generated.returncode == 0 and (tmp_path / "net" / "elements.csv").exists()
    (tmp_path / "net" / "connections.csv").write_text("from,to,type\nnobody,c-000001,KNOWS\n")
    before = (tmp_path / "p.db").read_bytes()
    bad = run("import", "net", cwd=tmp_path, env=env)
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        "net/connections.csv:2: KNOWS from unknown id 'nobody'",
        "error: import failed with 1 problem; nothing was changed",
    ]
    assert (tmp_path / "p.db").read_bytes() == before


def test_sampling_every_node_is_exact_not_approximate(loaded):
    answer = json.loads(loaded("centrality", "--measure", "betweenness", "--sample", "1000", "--json").output)
    assert answer["approximate"] is False


def test_a_large_import_says_what_it_is_doing(cli, tmp_path):
    assert cli("generate", "--people", "3000", "--ties", "20000", "-o", str(tmp_path / "big")).exit_code == 0
    result = cli("import", str(tmp_path / "big"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("checking ") and lines[0].endswith(" rows...")
    assert "writing" in result.output and "," in lines[0]  # the count is written 23,456
    assert lines[-1].startswith(f"imported {tmp_path / 'big'}")
