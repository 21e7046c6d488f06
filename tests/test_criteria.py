"""Partnership criteria, prospective partners and metric exports, as analysts and small groups use them.

Scores on tests/data/small are worked out by hand from the default criteria file
(src/partnergraph/analysis/criteria.toml): shared issue 1.5 each, free-knowledge tag 2, an
advocacy type 1.5 (glam only on a movement issue), affiliate in the region 1, status active 1.5 /
prospective 0.5 / dormant -1, someone holds it warmly (strength >= 4) 2, or only knows someone
there that well 1. Missing data (no tags, type, status, region or issue) is unknown: 0 points.
"""

from __future__ import annotations

import json
import math
import re
import tomllib

import networkx as nx
import pytest

from conftest import SMALL, settings_for
from partnergraph.analysis.criteria import default_text, parse_criteria, score, score_all
from partnergraph.analysis.graph import build_graph
from partnergraph.analysis.metrics import COLUMNS, node_metrics
from partnergraph.analysis.suggest import proximity, suggest
from partnergraph.io.reader import read_rows
from partnergraph.model import Connection, Element, Kind, PartnergraphError, RelType, WrongKind, validate_dataset


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    dataset = validate_dataset(*read_rows(SMALL))
    return build_graph(dataset.elements, dataset.connections)


@pytest.fixture(scope="module")
def default():
    return parse_criteria()


def test_the_default_criteria_file_is_documented_and_complete():
    text = default_text()
    settings = tomllib.loads(text)
    assert set(settings) == {"approve_at", "shared_issues", "values", "advocacy", "regional_presence", "status",
                             "warm_ties", "conflict_of_interest", "proximity"}
    # Every section says what it does, in a comment right above or below its header.
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("["):
            assert lines[number + 1].startswith("#") or lines[number - 1].startswith("#"), line
    assert "free-knowledge" in settings["values"]["tags"] and settings["conflict_of_interest"]["veto"] is True


def test_every_partner_gets_a_score_with_its_reasons(graph, default):
    scored = score_all(graph, default)
    # The library has no tags: at 6.5 it could still reach 8.5 with free-knowledge values, so the
    # verdict waits for the data. The press is prospective and nobody holds it warmly: below.
    assert [(s["id"], s["score"], s["verdict"], s["meets_criteria"]) for s in scored] == [
        ("cc", 9.5, "meets", True), ("lib", 6.5, "unknown", False), ("uni", 4.5, "below", False),
        ("old", 0.5, "below", False)]
    cc = {r["criterion"]: (r["points"], r["why"]) for r in scored[0]["reasons"]}
    assert cc["shared_issues"] == (1.5, "works on 1 of the movement's issues: Copyright reform")
    assert cc["values"] == (2.0, "tagged free-knowledge")
    assert cc["regional_presence"] == (1.0, "1 affiliate in North America")
    assert cc["warm_ties"] == (2.0, "Cai Chen holds the relationship with Creative Commons (strength 5)")
    assert cc["advocacy"] == (1.5, "ngo: counts as an advocacy partner")
    lib = {r["criterion"]: r["why"] for r in scored[1]["reasons"]}
    # Ben holds the library only weakly (2), but knows Eli, who works there, well (5).
    assert lib["warm_ties"] == ("Ben Okoro knows Eli Cohen of National Library of Freedonia (strength 5); "
                                "nobody holds the relationship that warmly")
    assert lib["advocacy"] == "glam working on the movement's issues: counts as an advocacy partner"
    assert scored[1]["unknown"] == ["values"]
    with pytest.raises(WrongKind):
        score(graph, "ana", default)


def test_a_group_writes_its_own_criteria_over_the_defaults(graph):
    strict = parse_criteria("approve_at = 10\n[status]\ndormant = -5\nformal = 3\n", "ours.toml")
    assert strict.source == "ours.toml" and strict["values"]["points"] == 2.0  # untouched keys keep defaults
    scored = {s["id"]: s for s in score_all(graph, strict)}
    assert scored["cc"]["meets_criteria"] is False and scored["old"]["score"] == 1.5 - 5.0


@pytest.mark.parametrize("text, message", [
    ("approve_at = 'high'", "ours.toml: approve_at: expected a number"),
    ("[values]\ntags = 'open'", "ours.toml: values.tags: expected a list of strings"),
    ("[values]\ncolour = 1", "ours.toml: unknown key values.colour"),
    ("budget = 3", "ours.toml: unknown key 'budget'"),
    ("approve_at = ", "ours.toml: Invalid value"),
])
def test_a_broken_criteria_file_is_a_clear_error(text, message):
    with pytest.raises(PartnergraphError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_criteria(text, "ours.toml")


def conflicted_network() -> nx.Graph:
    issue = Element("oa", Kind.ISSUE, "Open access")
    orgs = [Element("aff", Kind.AFFILIATE, "Chapter", {"region": "Europe"}),
            Element("good", Kind.PARTNER, "Good Library", {"region": "Europe", "status": "active", "tags": ["open-access"]}),
            Element("bad", Kind.PARTNER, "Tobacco Heritage Trust",
                    {"region": "Europe", "status": "active", "tags": ["open-access", "tobacco"]}),
            Element("far", Kind.PARTNER, "Far Archive", {"region": "Asia", "status": "active"})]
    people = [Element("p", Kind.CONTACT, "Pat"), Element("q", Kind.CONTACT, "Quinn")]
    ties = [Connection("aff", "oa", RelType.WORKS_ON), Connection("good", "oa", RelType.WORKS_ON),
            Connection("bad", "oa", RelType.WORKS_ON), Connection("far", "oa", RelType.WORKS_ON),
            Connection("p", "aff", RelType.MEMBER_OF), Connection("q", "bad", RelType.MEMBER_OF),
            Connection("p", "q", RelType.KNOWS, {"strength": 5}), Connection("p", "far", RelType.HOLDS, {"strength": 4})]
    return build_graph([issue, *orgs, *people], ties)


def test_a_listed_conflict_of_interest_vetoes_whatever_else_scores(default):
    g = conflicted_network()
    bad = score(g, "bad", default)
    # 1.5 issue + 2 values + 1 region + 1.5 active + 1 (Pat knows Quinn, who works there) - 10
    # conflict; no type recorded, so advocacy is unknown.
    assert bad["score"] == -3.0 and bad["vetoed"] is True and bad["meets_criteria"] is False
    assert bad["verdict"] == "vetoed" and bad["unknown"] == ["advocacy"]
    assert bad["reasons"][-1]["why"] == "conflict of interest: tagged tobacco"
    lenient = parse_criteria("approve_at = 7\n[conflict_of_interest]\npoints = 0\nveto = false\n")
    assert score(g, "bad", lenient)["meets_criteria"] is True


def test_an_affiliate_gets_ranked_explained_prospects(graph, default):
    found = suggest(graph, "wmde", default)
    # Wikimedia Deutschland already partners with Creative Commons: never suggested.
    assert [s["id"] for s in found] == ["lib", "uni", "old"]
    lib = found[0]
    # Criteria from WMDE's side: no shared issue (copyright vs open access), so a GLAM does not
    # count as an advocacy partner for it; same region 1, active 1.5, Ben (of WMDE) knows Eli (of
    # the library) 1 = 3.5; Adamic-Adar through Ben: 1/ln 3.
    assert lib["criteria_score"] == 3.5
    assert lib["adamic_adar"] == pytest.approx(1 / math.log(3))
    assert lib["rank_score"] == pytest.approx(3.5 + 1 / math.log(3) + 1, abs=1e-6)
    assert lib["why"] == ["in Europe, like Wikimedia Deutschland", "status active",
                          "Ben Okoro knows Eli Cohen of National Library of Freedonia (strength 5); "
                          "nobody holds the relationship that warmly",
                          "shares 1 neighbour with Wikimedia Deutschland: Ben Okoro"]
    [(_, _, expected)] = nx.adamic_adar_index(graph, [("wmde", "lib")])
    assert lib["adamic_adar"] == pytest.approx(expected)


def test_suggestions_filter_by_issue_and_region_and_put_vetoed_last(default):
    g = conflicted_network()
    found = suggest(g, "aff", default, issue="oa")
    # Far Archive: issue 1.5 + active 1.5 + Pat holds it 2, plus Adamic-Adar 1/ln 4 (the issue) +
    # 1/ln 3 (Pat) + 1 for Pat = 7.63. Good Library: 1.5 + 2 + 1 + 1.5 + 1/ln 4 = 6.72.
    assert [s["id"] for s in found] == ["far", "good", "bad"] and found[-1]["vetoed"] is True
    assert found[0]["rank_score"] == pytest.approx(5 + 1 / math.log(4) + 1 / math.log(3) + 1, abs=1e-6)
    assert found[1]["rank_score"] == pytest.approx(6 + 1 / math.log(4), abs=1e-6)
    assert [s["id"] for s in suggest(g, "aff", default, region="asia")] == ["far"]
    # Shared issues come from the graph: the issue is a common neighbour, weighted by its popularity.
    near = proximity(g, "aff", "good")
    assert near["shared_issues"] == ["oa"] and near["adamic_adar"] == pytest.approx(1 / math.log(4))
    with pytest.raises(WrongKind):
        suggest(g, "good", default)
    with pytest.raises(WrongKind):
        suggest(g, "aff", default, issue="good")


def test_metrics_table_holds_every_measure_and_the_community(graph):
    table = node_metrics(graph)
    assert table["cai"]["betweenness"] == pytest.approx(nx.betweenness_centrality(graph)["cai"])
    assert table["cai"]["constraint"] == 0.25 and table["cai"]["effective_size"] == 4.0
    assert table["copyright"]["community"] is None and table["copyright"]["constraint"] is None
    assert {row["community"] for n, row in table.items() if graph.nodes[n]["kind"] != "issue"} == {1, 2, 3, 4}
    assert set(table["ana"]) == set(COLUMNS)


# -- through the stores and the command line --------------------------------------------------------

@pytest.fixture
def loaded(cli):
    assert cli("import", str(SMALL)).exit_code == 0
    return cli


def test_criteria_and_suggest_on_the_command_line(loaded, tmp_path):
    answer = json.loads(loaded("criteria", "--json").output)
    assert answer["criteria"] == "default" and answer["approve_at"] == 8.5
    assert [r["id"] for r in answer["results"]] == ["cc", "lib", "uni", "old"]
    one = loaded("criteria", "Creative Commons")
    assert "  9.5  Creative Commons (cc): meets the criteria" in one.output
    assert "      +0 conflict_of_interest: no conflict of interest listed" in one.output
    assert tomllib.loads(loaded("criteria", "--print-default").output)["approve_at"] == 8.5
    (tmp_path / "ours.toml").write_text("approve_at = 20\n")
    strict = json.loads(loaded("criteria", "--criteria", str(tmp_path / "ours.toml"), "--json").output)
    assert not any(r["meets_criteria"] for r in strict["results"])
    suggested = json.loads(loaded("suggest", "--for", "Wikimedia Deutschland", "--region", "Europe", "--json").output)
    assert [s["id"] for s in suggested["suggestions"]] == ["lib"] and suggested["for"]["id"] == "wmde"
    text = loaded("suggest", "--for", "wmke", "--issue", "Copyright reform")
    assert text.output.splitlines()[:2] == ["prospective partners for Wikimedia Kenya User Group:",
                                            "  1. Creative Commons (cc), North America, score 5.00"]


@pytest.mark.parametrize("args, message", [
    (["suggest", "--for", "ana"], "error: 'ana' is a contact, not an affiliate"),
    (["criteria", "ana"], "error: 'ana' is a contact, not an organisation"),
    (["criteria", "--criteria", "/no/such.toml"], "error: /no/such.toml: no such criteria file"),
    (["suggest", "--for", "wmde", "--issue", "cc"], "error: 'cc' is a partner, not an issue"),
])
def test_criteria_and_suggest_errors_are_one_line(loaded, args, message):
    result = loaded(*args)
    assert result.exit_code == 1 and result.output == message + "\n"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_gephi_exports_carry_every_metric_and_the_community(loaded, tmp_path, fmt):
    path = tmp_path / f"metrics.{fmt}"
    result = loaded("metrics", "--format", fmt, "-o", str(path))
    assert result.exit_code == 0, result.output
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(path)
    assert g.number_of_nodes() == 15
    structure = nx.Graph(g.to_undirected())
    expected = nx.betweenness_centrality(structure)
    for node in ("cai", "ana", "lib"):
        assert g.nodes[node]["betweenness"] == pytest.approx(expected[node], abs=1e-9)
        assert int(g.nodes[node]["community"]) >= 1
    assert g.nodes["cai"]["constraint"] == 0.25 and g.nodes["cai"]["kind"] == "contact"
    assert g.nodes["cc"]["pagerank"] == pytest.approx(nx.pagerank(structure)["cc"], abs=1e-6)


def test_metric_tables_as_csv_and_json(loaded, tmp_path):
    assert loaded("metrics", "--format", "csv", "-o", str(tmp_path / "m.csv")).exit_code == 0
    lines = (tmp_path / "m.csv").read_text().splitlines()
    assert lines[0] == "id,kind,name," + ",".join(COLUMNS) and len(lines) == 16
    assert loaded("metrics", "--format", "json", "-o", str(tmp_path / "m.json"), "--sample", "5", "--seed", "1").exit_code == 0
    document = json.loads((tmp_path / "m.json").read_text())
    cai = next(row for row in document["elements"] if row["id"] == "cai")
    assert cai["effective_size"] == 4.0 and document["columns"] == list(COLUMNS)
    assert loaded("metrics", "--format", "csv", "-o", str(tmp_path / "nowhere" / "m.csv")).exit_code == 1


# -- criteria that mean something (issue 16, item 9) ------------------------------------------------

def sparse_network() -> nx.Graph:
    """Return a chapter's own data: a key privacy ally recorded without status, issues, type or tags."""
    elements = [Element("issue-privacy", Kind.ISSUE, "Privacy"),
                Element("aff", Kind.AFFILIATE, "Chapter", {"region": "Europe"}),
                Element("ally", Kind.PARTNER, "Privacy Ally", {"region": "Europe"}),
                Element("museum", Kind.PARTNER, "City Museum", {"region": "Europe", "status": "active", "type": "Museum",
                                                                "tags": ["local-history"]}),
                Element("archive", Kind.PARTNER, "Privacy Archive", {"region": "Europe", "status": "active",
                                                                     "type": "archive"}),
                Element("p", Kind.CONTACT, "Pat")]
    ties = [Connection("aff", "issue-privacy", RelType.WORKS_ON), Connection("archive", "issue-privacy", RelType.WORKS_ON),
            Connection("museum", "aff", RelType.PARTNERS_WITH), Connection("p", "aff", RelType.MEMBER_OF),
            Connection("p", "ally", RelType.HOLDS, {"strength": 5})]
    return build_graph(elements, ties)


def test_missing_data_is_unknown_and_asks_for_it(default):
    ally = score(sparse_network(), "ally", default)
    reasons = {r["criterion"]: r for r in ally["reasons"]}
    # Held warmly (2) and nearby (1): everything else is missing, never failed.
    assert ally["score"] == 3.0 and ally["unknown"] == ["shared_issues", "values", "advocacy", "status"]
    assert ally["verdict"] == "unknown" and ally["meets_criteria"] is False
    for name in ally["unknown"]:
        assert reasons[name]["points"] == 0 and reasons[name]["unknown"] is True
        assert "to judge" in reasons[name]["why"], reasons[name]["why"]
    assert reasons["status"]["why"] == "no status recorded: record it (active, prospective or dormant) to judge this"
    assert reasons["shared_issues"]["why"].startswith("no issue recorded: link it to the issues it works on")
    assert reasons["warm_ties"]["unknown"] is False
    # With the data recorded the verdict is known, whichever way it goes.
    strict = parse_criteria("approve_at = 20\n")
    assert score(sparse_network(), "ally", strict)["verdict"] == "below"


def test_a_criteria_file_says_which_types_count_as_advocacy_partners(default):
    g = sparse_network()
    # By default GLAM counts when it works on one of the movement's issues: the archive does, the museum not.
    archive = {r["criterion"]: r for r in score(g, "archive", default)["reasons"]}["advocacy"]
    assert (archive["points"], archive["why"]) == (1.5, "glam working on the movement's issues: counts as an advocacy partner")
    museum = {r["criterion"]: r for r in score(g, "museum", default)["reasons"]}["advocacy"]
    assert museum["points"] == 0 and museum["unknown"] is True  # no issue recorded: it may yet work on one
    assert "record its issues" in museum["why"]
    glam_always = parse_criteria('[advocacy]\ntypes = ["GLAM", "ngo"]\ntypes_on_movement_issue = []\n', "ours.toml")
    assert {r["criterion"]: r for r in score(g, "museum", glam_always)["reasons"]}["advocacy"]["points"] == 1.5
    never = parse_criteria('[advocacy]\ntypes = ["ngo"]\ntypes_on_movement_issue = []\n')
    assert {r["criterion"]: r for r in score(g, "archive", never)["reasons"]}["advocacy"]["why"] == \
        "glam does not count as an advocacy partner (the criteria's advocacy types)"
    with pytest.raises(PartnergraphError, match="ours.toml: advocacy.types: expected a list of strings"):
        parse_criteria('[advocacy]\ntypes = "glam"\n', "ours.toml")


@pytest.fixture
def demo(cli):
    assert cli("demo", "--no-serve").exit_code == 0
    return cli


def test_the_default_criteria_separate_the_demo_partners(demo):
    answer = json.loads(demo("criteria", "--explain-distribution", "--json").output)
    spread, results = answer["distribution"], answer["results"]
    meets = [r for r in results if r["meets_criteria"]]
    assert spread["count"] == len(results) == 80 and spread["verdicts"]["meets"] == len(meets)
    assert 0 < len(meets) < len(results) / 2  # fewer than half meet them
    assert spread["verdicts"]["below"] > 0 and sum(spread["verdicts"].values()) == 80
    assert sum(bar["count"] for bar in spread["histogram"]) == 80 and len(spread["histogram"]) >= 5
    assert [bar["score"] for bar in spread["histogram"]] == sorted({r["score"] for r in results}, reverse=True)
    # The reasons say why: a partner below the bar lost points on a criterion it was judged on.
    below = next(r for r in results if r["verdict"] == "below")
    assert any(not reason["unknown"] and reason["points"] <= 0 for reason in below["reasons"])
    # The demo records no tags: values are unknown for every partner, never a failure.
    values = next(c for c in spread["criteria"] if c["criterion"] == "values")
    assert values == {"criterion": "values", "gained": 0, "none": 0, "lost": 0, "unknown": 80}
    text = demo("criteria", "--explain-distribution").output
    assert f"  meets the criteria: {len(meets)}\n" in text and "how the scores spread:" in text
    top = spread["histogram"][0]
    assert re.search(rf"^ +{top['score']:g} +{top['count']}  #+ ", text, re.M)
    assert "Took points" in text and "Unknown" in text
    one = demo("criteria", "par-0001").output
    assert "? values: no tags recorded: tag its values" in one


def test_the_prospects_page_shows_how_scores_spread(demo, db_url):
    from partnergraph.viewer import create_app

    app = create_app(settings_for(db_url, anonymous_read=True))
    try:
        client = app.test_client()
        spread = client.get("/api/criteria?distribution=1").get_json()["distribution"]
        page = client.get("/analytics/prospects").get_data(as_text=True)
    finally:
        app.extensions["partnergraph"].close()
    assert f"{spread['verdicts']['meets']} of 80 partners meet the criteria" in page
    assert 'id="criteria-spread"' in page and "not enough data to tell" in page
