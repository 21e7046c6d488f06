"""The graph's overview (organisations, people folded into the links) and the path finder's words.

On tests/data/small (drawn in its README), on both stores: cai is a member of wmf and holds cc,
dia is a member of wmke and holds uni, ben is a member of wmde and holds lib; wmde partners with
cc and wmke with uni.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import settings_for
from partnergraph.analysis.overview import organisation_overview, overview_communities
from partnergraph.analysis.warmth import LUKEWARM, WARM, warmth_word
from partnergraph.model import Location, Row
from partnergraph.services import Workspace
from partnergraph.services.options import GraphQuery, InvalidOption, PathQuery
from partnergraph.viewer import create_app


def links(overview) -> dict[tuple[str, str], dict]:
    return {tuple(sorted((u, v))): data for u, v, data in overview.edges(data=True)}


def test_the_overview_folds_people_into_links_between_organisations(small: Workspace):
    overview = organisation_overview(small.cache.graph())
    assert set(overview) == {"wmf", "wmde", "wmke", "cc", "lib", "uni", "old"}
    found = links(overview)
    assert set(found) == {("cc", "wmf"), ("cc", "wmde"), ("uni", "wmke"), ("lib", "wmde")}
    assert found[("cc", "wmf")]["people"] == {"cai": {"wmf": "MEMBER_OF", "cc": "HOLDS"}}
    assert found[("cc", "wmde")]["people"] == {} and found[("cc", "wmde")]["types"] == ["PARTNERS_WITH"]
    assert found[("uni", "wmke")]["types"] == ["HOLDS", "MEMBER_OF", "PARTNERS_WITH"]  # schema table order
    assert found[("uni", "wmke")]["partnership"]["status"] == "informal"
    # eli is a member of lib and holds it: one organisation, no link; ana is at wmde alone.
    assert overview.nodes["lib"]["people"] == 2 and overview.nodes["wmde"]["people"] == 2
    assert overview.nodes["cc"]["ties"] == 2 and overview.nodes["old"]["ties"] == 0


def test_ended_memberships_do_not_link_organisations_and_issues_join_when_asked(small: Workspace):
    small.data.import_rows([], [Row({"from": "ana", "to": "cc", "type": "MEMBER_OF", "until": "2020-01"},
                                    Location("test", 2))])
    graph = small.cache.graph()
    assert ("cc", "wmde") in links(organisation_overview(graph))  # the formal partnership, not ana
    assert links(organisation_overview(graph))[("cc", "wmde")]["people"] == {}
    with_issues = organisation_overview(graph, issues=True)
    assert {"copyright", "open-access"} <= set(with_issues)
    assert links(with_issues)[("copyright", "wmde")]["types"] == ["WORKS_ON"]
    partners_only = organisation_overview(graph, keep=lambda n: graph.nodes[n]["kind"] == "partner")
    assert set(partners_only) == {"cc", "lib", "uni", "old"} and partners_only.number_of_edges() == 0


def test_overview_communities_are_seeded_and_numbered_largest_first(small: Workspace):
    overview = organisation_overview(small.cache.graph())
    found = overview_communities(overview)
    assert found == overview_communities(overview) and set(found) == set(overview)
    assert found["wmke"] == found["uni"] and found["wmf"] == found["cc"]
    sizes = [list(found.values()).count(c) for c in sorted(set(found.values()))]
    assert sizes == sorted(sizes, reverse=True)


@pytest.fixture
def client(small: Workspace, db_url: str):
    app = create_app(settings_for(db_url, anonymous_read=True))
    yield app.test_client()
    app.extensions["partnergraph"].close()


def test_api_graph_view_overview_gives_organisations_and_the_people_on_each_link(client):
    answer = client.get("/api/graph?view=overview").get_json()
    assert answer["view"] == "overview" and answer["physics"] is False and answer["center"] is None
    assert {n["kind"] for n in answer["nodes"]} == {"affiliate", "partner"}
    assert all({"x", "y", "degree", "people", "community"} <= set(n) for n in answer["nodes"])
    edge = next(e for e in answer["edges"] if (e["from"], e["to"]) == ("cc", "wmf"))
    assert edge["types"] == ["HOLDS", "MEMBER_OF"]
    assert [(p["id"], p["name"], p["ties"]) for p in edge["people"]] == [
        ("cai", "Cai Chen", {"cc": "HOLDS", "wmf": "MEMBER_OF"})]
    formal = next(e for e in answer["edges"] if (e["from"], e["to"]) == ("cc", "wmde"))
    assert formal["partnership"] == {"status": "active", "since": "2020-02", "issues": ["copyright"]}
    with_issues = client.get("/api/graph?view=overview&kind=affiliate&kind=partner&kind=issue").get_json()
    assert "issue" in {n["kind"] for n in with_issues["nodes"]}


def test_api_graph_keeps_its_whole_graph_without_a_view_and_filters_by_organisation_type(client):
    whole = client.get("/api/graph").get_json()
    assert whole == {**client.get("/api/graph?view=all").get_json()}
    assert "contact" in {n["kind"] for n in whole["nodes"]} and whole["view"] == "all"
    glam = client.get("/api/graph?view=overview&type=library").get_json()  # "library" reads as glam
    assert [n["id"] for n in glam["nodes"]] == ["lib"]
    everyone = client.get("/api/graph?type=GLAM&kind=partner").get_json()
    assert [n["id"] for n in everyone["nodes"]] == ["lib"]
    refused = client.get("/api/graph?view=overview&center=cai")
    assert refused.status_code == 400 and "view overview has no centre" in refused.get_json()["error"]
    assert "view must be one of overview, all" in client.get("/api/graph?view=hairball").get_json()["error"]


def test_the_public_overview_links_organisations_by_formal_partnerships_only(small: Workspace, db_url: str):
    app = create_app(settings_for(db_url, public=True))
    try:
        answer = app.test_client().get("/api/graph?view=overview").get_json()
    finally:
        app.extensions["partnergraph"].close()
    assert "uni" not in {n["id"] for n in answer["nodes"]}  # not public
    assert [(e["from"], e["to"], e["people"]) for e in answer["edges"]] == [("cc", "wmde", [])]
    assert all(n["people"] == 0 for n in answer["nodes"])


def test_graph_options_check_the_view():
    with pytest.raises(InvalidOption, match="view must be one of"):
        GraphQuery(view="hairball")
    assert GraphQuery(view="all", center="cai").center == "cai"


def test_path_costs_read_as_warmth_words_on_a_documented_scale():
    assert [warmth_word(c) for c in (1, WARM, WARM + 0.01, LUKEWARM, LUKEWARM + 0.01, 30)] == [
        "warm", "warm", "lukewarm", "lukewarm", "cold", "cold"]


def test_each_path_says_how_warm_it_is_and_why_it_ranks_there(small: Workspace):
    found = small.questions.path(PathQuery("ana", "lib", k=2, overlap=True, today=date(2026, 11, 15)))
    first, second = found["paths"]
    assert [n["id"] for n in first["nodes"]] == ["ana", "ben", "lib"]
    assert first["warmth"] == "lukewarm" and first["rank_reason"] == (
        "fewest hops: 2 hops, one tie of strength 2, through 1 shared organisation, last contact 2 years ago")
    assert second["rank_reason"].startswith("next fewest hops: 3 hops")
    to_question = small.questions.path(PathQuery("ana", to_issue="Open access", to_region="Africa"))
    assert to_question["paths"][0]["nodes"][-1]["id"] == "uni" and to_question["paths"][0]["warmth"] in (
        "warm", "lukewarm", "cold")
