"""Every kind of recorded edit updates the path index in place, and it answers as a rebuilt one.

On the hand-made conference network (tests/data/events), each step edits the store through the
workspace's editing service: create, patch and delete of each kind of element and of each
relationship type, changed periods and event dates, an attendance's status, a merge and a revert.
After each, the workspace's graph has caught up without a rebuild and keeps the same path index
object, which must hold what an index built afresh from the store holds (compared by ids, since
numbers differ: removals leave tombstones and additions take the next number), and every pair of
people and organisations must get the same paths from both. Both stores.
"""

from __future__ import annotations

from datetime import date
from itertools import permutations
from typing import Any

import networkx as nx
import pytest

from conftest import EVENTS_NETWORK
from partnergraph.analysis.graph import build_graph
from partnergraph.analysis.path_index import PathIndex, build_path_index
from partnergraph.analysis.paths import introduction_paths
from partnergraph.model import NoPath
from partnergraph.services import Workspace

WHO = {"actor": "ana", "source": "test"}
TODAY = date(2026, 6, 1)  # the day of the conference network's README


def canonical(index: PathIndex) -> dict[str, Any]:
    """Return what an index holds, by ids instead of numbers, in its orders, with its costs as of TODAY."""
    costs = index.costs(TODAY)
    ids = index.ids

    def key(relation: dict[str, Any]) -> tuple[str, str, str]:
        return (relation["from"], relation["to"], relation["type"])

    def attachment(a: int) -> tuple:
        return (key(index.att_relation[a]), dict(index.att_relation[a]), ids[index.att_person[a]],
                ids[index.att_org[a]], index.att_holds[a], index.att_event[a], index.att_start[a],
                index.att_end[a], costs.side[a], costs.arrival[a])

    live = index.node_order
    assert sorted(index.number.values()) == sorted(live)  # every live node has its number, no tombstone does
    assert [index.node_rank[n] for n in live] == list(range(len(live)))
    assert [index.att_rank[a] for a in index.att_order] == list(range(len(index.att_order)))
    return {
        "nodes": [(ids[n], index.kinds[n]) for n in live],
        "knows": {ids[n]: [(ids[other], key(index.tie_relation[t]), dict(index.tie_relation[t]),
                            index.tie_current[t], costs.tie[t]) for other, t in index.knows[n]] for n in live},
        "attachments": [attachment(a) for a in index.att_order],
        "person_atts": {ids[n]: [key(index.att_relation[a]) for a in index.person_atts[n]] for n in live},
        "org_atts": {ids[n]: [key(index.att_relation[a]) for a in index.org_atts[n]] for n in live},
        "events": {ids[n]: dates for n, dates in index.events.items()},
        "went": {ids[n]: [key(index.att_relation[a]) for a in went] for n, went in costs.went.items()},
        "org_issues": {ids[n]: issues for n, issues in index.org_issues.items()},
    }


def answers(graph: nx.Graph) -> dict[tuple[str, str], Any]:
    """Return the two warmest paths between every two people and organisations, and the hop-shortest from people."""
    ends = sorted(n for n, kind in graph.nodes(data="kind") if kind in ("contact", "affiliate", "partner"))
    found: dict[tuple[str, str, bool], Any] = {}
    for source, target in permutations(ends, 2):
        for warm, k in ((False, 1), (True, 2)) if graph.nodes[source]["kind"] == "contact" else ((True, 2),):
            try:
                paths = introduction_paths(graph, source, target, warm=warm, k=k, today=TODAY)
                found[source, target, warm] = [(p.nodes, [(h.type, h.why, h.via) for h in p.hops], p.cost)
                                               for p in paths]
            except NoPath:
                found[source, target, warm] = None
    return found


def rebuilt(ws: Workspace) -> nx.Graph:
    snapshot = ws.store.snapshot()
    return build_graph(snapshot.elements, snapshot.connections)


@pytest.fixture
def conference(workspace: Workspace) -> Workspace:
    workspace.data.import_path(EVENTS_NETWORK)
    return workspace


def test_an_editor_s_edits_of_every_kind_update_the_path_index_as_a_rebuild_would(conference: Workspace):
    ws, edits = conference, conference.editing
    graph = ws.cache.path_graph()
    index = graph.graph["path_index"]
    index.costs(TODAY)  # costs cached for a day must follow the edits too
    steps = [
        # New elements of every kind a path reads, then their relationships of every type.
        lambda: edits.create_element("contact", {"id": "c-eve", "name": "Eve Eze"}, **WHO),
        lambda: edits.create_element("partner", {"id": "par-zed", "name": "Zed Trust", "country": "KE"}, **WHO),
        lambda: edits.create_element("affiliate", {"id": "aff-aa", "name": "Wikimedia AA"}, **WHO),
        lambda: edits.create_element("event", {"id": "ev-new", "name": "New Meetup", "start": "2025-05-02"}, **WHO),
        lambda: edits.create_connection({"from": "c-eve", "to": "c-dan", "type": "KNOWS", "strength": "4",
                                         "last_contact": "2026-04"}, **WHO),
        lambda: edits.create_connection({"from": "c-eve", "to": "aff-aa", "type": "MEMBER_OF",
                                         "since": "2020-01"}, **WHO),
        lambda: edits.create_connection({"from": "c-ana", "to": "aff-aa", "type": "MEMBER_OF",
                                         "since": "2019-01", "until": "2021-06"}, **WHO),
        lambda: edits.create_connection({"from": "c-eve", "to": "par-zed", "type": "HOLDS", "strength": "3"}, **WHO),
        lambda: edits.create_connection({"from": "c-eve", "to": "par-zed", "type": "MEMBER_OF"}, **WHO),
        lambda: edits.create_connection({"from": "c-eve", "to": "ev-summit25", "type": "ATTENDS",
                                         "status": "attended"}, **WHO),
        lambda: edits.create_connection({"from": "c-eve", "to": "ev-new", "type": "ATTENDS"}, **WHO),
        lambda: edits.create_connection({"from": "p-nina", "to": "ev-new", "type": "ATTENDS"}, **WHO),
        lambda: edits.create_connection({"from": "par-zed", "to": "iss-oa", "type": "WORKS_ON"}, **WHO),
        lambda: edits.create_connection({"from": "par-zed", "to": "ev-new", "type": "ORGANISES"}, **WHO),
        # Properties and periods.
        lambda: edits.update_connection("c-eve", "c-dan", "KNOWS", {"strength": "2"}, **WHO),
        lambda: edits.update_connection("c-eve", "c-dan", "KNOWS", {"until": "2026-05"}, **WHO),
        lambda: edits.update_connection("c-ana", "aff-aa", "MEMBER_OF", {"until": ""}, **WHO),
        lambda: edits.update_connection("c-eve", "aff-aa", "MEMBER_OF", {"since": "2022-03"}, **WHO),
        lambda: edits.update_connection("c-ben", "ev-summit25", "ATTENDS", {"status": "attended"}, **WHO),
        lambda: edits.update_element("ev-summit25", {"start": "2025-04-10", "end": "2025-04-12"}, **WHO),
        lambda: edits.update_element("ev-new", {"start": "2026-09-01"}, **WHO),
        lambda: edits.update_element("p-olga", {"name": "Olga Ostrova"}, **WHO),
        lambda: edits.log_interaction("c-eve", "p-nina", on="2026-05-20", strength=3, actor="ana"),
        # Removals: each relationship type, an edge that keeps another relationship, whole elements.
        lambda: edits.delete_connection("c-eve", "par-zed", "HOLDS", **WHO),
        lambda: edits.delete_connection("c-ana", "p-olga", "KNOWS", **WHO),
        lambda: edits.delete_connection("c-dan", "ev-summit25", "ATTENDS", **WHO),
        lambda: edits.delete_connection("c-ana", "aff-aa", "MEMBER_OF", **WHO),
        lambda: edits.delete_connection("par-zed", "iss-oa", "WORKS_ON", **WHO),
        lambda: edits.delete_element("ev-new", **WHO),
        lambda: edits.delete_element("c-eve", **WHO),
        lambda: edits.revert(ws.store.history(limit=1)[0].seq, actor="ana"),  # Eve and her ties are back
        lambda: ws.merges.merge("c-cat", "c-eve", **WHO),
        lambda: edits.delete_element("par-zed", **WHO),
    ]
    for number, step in enumerate(steps):
        step()
        assert ws.cache.path_graph() is graph, f"step {number}: rebuilt"
        assert graph.graph["path_index"] is index, f"step {number}: the path index was built again"
        fresh = rebuilt(ws)
        assert canonical(index) == canonical(build_path_index(fresh)), f"step {number}"
        assert answers(graph) == answers(fresh), f"step {number}"
    assert len(index.ids) > len(index.number)  # removed elements are tombstones
    # Its base fields are all a saved index needs: `derive` makes the rest.
    derived = ("number", "node_rank", "att_rank", "_costs")
    loaded = PathIndex(**{name: value for name, value in vars(index).items() if name not in derived})
    loaded.derive()
    assert canonical(loaded) == canonical(index)
