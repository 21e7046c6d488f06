"""Attendance over time: our people at partner events per year, only attended counting, and the partners met.

The hand-made conference network is drawn in tests/data/events/README.md; today is 2026-06-01.
2024: the Open Forum (Africa, open access; Libre Library organises, Lars attended): Dan attended,
Ana only registered. 2025: the Rights Summit (Europe, copyright; Open Rights Watch organises,
Otto of Old Press attended): Ana and Dan attended, Ben only planned. 2026: the Rights Summit
2026, Ana registered; the Small Meetup has no partner, so Ben's plan there does not count at all.
"""

from __future__ import annotations

import json
from datetime import date

import networkx as nx
import pytest

from conftest import EVENTS_NETWORK
from partnergraph.analysis.attendance_trend import attendance_trend
from partnergraph.analysis.graph import build_graph
from partnergraph.io.reader import read_rows
from partnergraph.model import PartnergraphError, validate_dataset

TODAY = date(2026, 6, 1)
NOTHING = {"people": 0, "attendances": 0, "partners_met": 0, "planned": 0}


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    dataset = validate_dataset(*read_rows(EVENTS_NETWORK))
    return build_graph(dataset.elements, dataset.connections)


def rows(result: dict) -> dict[str, list[dict[str, int]]]:
    return {g["name"]: g["counts"] for g in result["groups"]}


def test_an_analyst_sees_attended_apart_from_planned_per_year_by_region(graph):
    result = attendance_trend(graph, today=TODAY)
    assert result["years"] == [2024, 2025, 2026]
    assert rows(result) == {
        "Europe": [NOTHING, {"people": 2, "attendances": 2, "partners_met": 2, "planned": 1},
                   {**NOTHING, "planned": 1}],
        "Africa": [{"people": 1, "attendances": 1, "partners_met": 1, "planned": 1}, NOTHING, NOTHING],
    }
    assert [g["name"] for g in result["groups"]] == ["Europe", "Africa"]  # most people first
    assert result["total"][2] == {**NOTHING, "planned": 1}


def test_by_affiliate_a_person_counts_for_their_affiliate(graph):
    found = rows(attendance_trend(graph, by="affiliate", today=TODAY))
    assert found["Wikimedia DE"] == [{**NOTHING, "planned": 1},
                                     {"people": 1, "attendances": 1, "partners_met": 2, "planned": 1},
                                     {**NOTHING, "planned": 1}]
    assert found["Wikimedia KE"][:2] == [{"people": 1, "attendances": 1, "partners_met": 1, "planned": 0},
                                         {"people": 1, "attendances": 1, "partners_met": 2, "planned": 0}]


def test_by_issue_and_from_a_year(graph):
    result = attendance_trend(graph, by="issue", from_year=2025, today=TODAY)
    assert result["years"] == [2025, 2026]
    assert [(g["id"], g["name"]) for g in result["groups"]] == [("iss-copy", "Copyright")]
    assert result["groups"][0]["counts"][0]["people"] == 2


def test_once_the_event_is_over_a_registration_with_no_status_change_is_still_not_attendance(graph):
    # A year on, Ana's registration for the 2026 summit still says registered: planned, not attended.
    later = attendance_trend(graph, today=date(2027, 6, 1))
    assert later["total"][2] == {**NOTHING, "planned": 1}
    with pytest.raises(PartnergraphError):
        attendance_trend(graph, by="country")


def test_the_attendance_command_prints_the_json_contract_and_a_table(events_cli):
    done = events_cli("attendance", "--by", "affiliate", "--from", "2024", "--as-of", "2026-06-01", "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["by"] == "affiliate" and result["from_year"] == 2024 and result["years"] == [2024, 2025, 2026]
    assert {g["id"] for g in result["groups"]} == {"aff-de", "aff-ke"}
    text = events_cli("attendance", "--as-of", "2026-06-01")
    assert text.exit_code == 0
    assert text.output.splitlines()[1].split() == ["Region", "2024", "2025", "2026"]
    assert "Europe  0 (0)  2 (2)  0 (0)" in text.output
    assert "registered or planned, not counted above: 2024: 1, 2025: 1, 2026: 1" in text.output
    assert events_cli("attendance", "--by", "country").exit_code == 2
