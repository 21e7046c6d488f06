"""The command line answers cold: from the store's indexes and files kept beside it, exactly as from the whole graph.

Every answer here is compared with the one the analysis graph gives (`Questions`, `Browse`),
on both stores, for every partner of the demo network and of the hand-made one.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest

from conftest import SMALL, settings_for
from partnergraph.analysis.graph import resolve
from partnergraph.config import Settings
from partnergraph.model import Connection, Element, Kind, NoPath, PartnergraphError, RelType, UnknownNode
from partnergraph.records import Edit
from partnergraph.services import Workspace
from partnergraph.services.cold import ColdAnswers
from partnergraph.services.edit_checks import make_note
from partnergraph.services.options import HoldersQuery, PathQuery
from partnergraph.services.store_files import StoreFiles

DAYS = (None, date(2024, 1, 1))


@pytest.fixture
def demo(db_url: str, tmp_path: Path):
    """Return a workspace holding the demo network, its files kept in a temporary folder."""
    with Workspace.open(settings_for(db_url, cache_dir=tmp_path / "cache")) as ws:
        ws.data.load_demo()
        yield ws


def partners(ws: Workspace) -> list[str]:
    return sorted(n for n, kind in ws.cache.graph().nodes(data="kind") if kind == "partner")


def test_an_advocate_asking_who_holds_any_partner_gets_the_whole_graphs_answer(demo: Workspace):
    found = partners(demo)
    assert len(found) > 10
    for partner in found:
        for day in DAYS:
            query = HoldersQuery(partner, today=day, stale_months=12)
            assert demo.cold.holders(query) == demo.questions.holders(query), (partner, day)


def test_the_hand_made_partners_holders_cold_are_the_whole_graphs(small: Workspace):
    for partner in partners(small):
        query = HoldersQuery(partner, today=date(2026, 11, 1), stale_months=6)
        assert small.cold.holders(query) == small.questions.holders(query), partner


def same_directory(ws: Workspace) -> None:
    assert ws.cold.directory() == ws.browse.directory()
    whole = ws.browse.directory()
    for region in whole["regions"][:3]:
        assert ws.cold.directory(region=region) == ws.browse.directory(region=region)
    for issue in whole["issues"][:3]:
        for ref in (issue["id"], issue["name"].upper()):
            assert outcome(lambda r: ws.cold.directory(issue=r), ref) == \
                outcome(lambda r: ws.browse.directory(issue=r), ref)
    assert ws.cold.directory(type="museum", offers="legal expertise") == \
        ws.browse.directory(type="museum", offers="legal expertise")


def test_the_public_directory_cold_is_the_whole_graphs(demo: Workspace):
    same_directory(demo)


def test_the_hand_made_public_directory_cold_is_the_whole_graphs(small: Workspace):
    same_directory(small)


def outcome(find, ref):
    try:
        return find(ref)
    except (UnknownNode, NoPath, PartnergraphError) as exc:
        return f"error: {type(exc).__name__}: {exc}"


def test_names_typed_on_the_command_line_resolve_as_everywhere(small: Workspace):
    graph = small.cache.graph()
    refs = ["cc", "Creative Commons", "creative commons", "  cc ", "CREATIVE", "Wikimedia", "wikimedia d",
            "Ana Lima", "ana", "Natl Library", "nothing like it", "", "Eli", "crea", "Wikimedia Kenya UG"]
    for ref in refs:
        assert outcome(small.cold.resolve, ref) == outcome(lambda r: resolve(graph, r), ref), ref


def test_an_alias_and_an_ambiguous_name_resolve_as_on_the_graph(workspace: Workspace):
    workspace.data.import_rows(*rows([
        {"id": "a1", "kind": "partner", "name": "Twin", "aliases": "EDRi;Digital Rights"},
        {"id": "a2", "kind": "partner", "name": "Twin"},
        {"id": "a3", "kind": "affiliate", "name": "Édition Libre", "aliases": "twin"},
    ]))
    graph = workspace.cache.graph()
    for ref in ("Twin", "twin", "edri", "digital", "edition libre", "EDITION", "Tw", "Twine"):
        assert outcome(workspace.cold.resolve, ref) == outcome(lambda r: resolve(graph, r), ref), ref
    assert outcome(workspace.cold.resolve, "Twin").startswith("error: UnknownNode: 'Twin' names 2 elements")


def rows(elements: list[dict[str, str]]):
    from partnergraph.model import Location, Row

    return [Row(v, Location("elements", i + 2)) for i, v in enumerate(elements)], []


def test_the_name_index_is_kept_beside_the_store_and_made_again_after_an_edit(small: Workspace, tmp_path: Path):
    files = small.cold.files
    path = files.path("names")
    assert path is not None
    assert small.cold.resolve("creative") == "cc"
    version = small.store.version()
    assert path.is_file() and files.load("names", version) is not None
    note = make_note("test", "create")
    small.store.apply([Edit(None, Element("zz", Kind.PARTNER, "Zephyr Trust", {}))], note)
    assert files.load("names", small.store.version()) is None  # made for the version before
    assert small.cold.resolve("zeph") == "zz"
    assert files.load("names", small.store.version()) is not None


def test_info_counts_what_the_store_holds_after_every_change(small: Workspace):
    assert small.cold.counts() == small.store.counts()
    assert small.cold.counts() == small.store.counts()  # from the kept file
    small.store.apply([Edit(None, Element("zz", Kind.PARTNER, "Zephyr Trust", {}))], make_note("test", "create"))
    assert small.cold.counts()["Partner"] == small.store.counts()["Partner"] == 5


def test_a_damaged_name_index_is_ignored_with_a_warning(small: Workspace, caplog: pytest.LogCaptureFixture):
    assert small.cold.resolve("creative") == "cc"
    path = small.cold.files.path("names")
    path.write_bytes(b"PK\x03\x04 not a zip at all")
    later = ColdAnswers(small.store, small.cold.files)  # the next command, in a new process, reads the file
    with caplog.at_level(logging.WARNING, logger="partnergraph"):
        assert later.resolve("creative") == "cc"
    assert "cannot be read" in caplog.text
    assert small.cold.files.load("names", small.store.version()) is not None  # made again


def test_a_file_of_another_database_is_never_taken_for_this_ones(tmp_path: Path):
    settings = Settings(db=str(tmp_path / "a.db"))
    with Workspace.open(settings) as first:
        first.data.import_rows(*rows([{"id": "p1", "kind": "partner", "name": "Alpha"}]))
        assert first.cold.resolve("alp") == "p1"
        kept = first.cold.files.path("names").read_bytes()
    (tmp_path / "a.db").unlink()
    with Workspace.open(settings) as second:
        second.data.import_rows(*rows([{"id": "p2", "kind": "partner", "name": "Beta"}]))
        assert second.store.version() == "1"  # the same version as the first database had
        second.cold.files.path("names").write_bytes(kept)
        assert second.cold.resolve("bet") == "p2"


def test_neo4j_keeps_its_files_under_the_cache_folder_by_server_and_database(tmp_path: Path):
    from partnergraph.store.neo4j import Neo4jStore

    store = Neo4jStore("bolt://db.example.org:7688", password="x", database="people")
    try:
        assert StoreFiles(store, tmp_path).path("paths") == \
            tmp_path / "neo4j" / "db.example.org_7688" / "people" / "store.paths.npz"
        assert StoreFiles(store, None).path("paths") is None
    finally:
        store.close()


def test_holders_info_and_directory_on_the_command_line(cli, db_url: str):
    assert cli("import", str(SMALL)).exit_code == 0
    result = cli("holders", "creative commons", "--json")
    assert result.exit_code == 0, result.output
    assert [h["id"] for h in json.loads(result.output)["holders"]] == ["cai"]
    result = cli("holders", "nothing of the sort")
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: no element with id or name 'nothing of the sort'")
    info = json.loads(cli("info", "--json").output)
    assert info["counts"]["Partner"] == 4 and info["counts"]["KNOWS"] == 4
    directory = json.loads(cli("directory", "--json").output)
    assert [p["id"] for p in directory["partners"]] == ["cc", "lib", "old"]  # uni is not public


def people(ws: Workspace) -> list[str]:
    return sorted(n for n, kind in ws.cache.graph().nodes(data="kind") if kind == "contact")


def test_a_path_asked_cold_through_the_kept_index_is_the_whole_graphs(demo: Workspace):
    everyone, orgs = people(demo), partners(demo)
    pairs = [(everyone[i], everyone[-1 - i]) for i in range(0, len(everyone) // 2, len(everyone) // 16)]
    pairs += [(everyone[i], orgs[i % len(orgs)]) for i in range(0, len(everyone), len(everyone) // 6)]
    queries = [PathQuery(a, b, warm=warm, k=k, today=day)
               for a, b in pairs for warm, k, day in ((False, 1, None), (True, 3, None), (True, 2, date(2024, 3, 1)))]
    queries += [PathQuery(everyone[0], None, to_region="Europe", warm=True, k=2),
                PathQuery(everyone[3], None, to_issue="open access", warm=True),
                PathQuery(everyone[5], everyone[-5], types=["KNOWS"], current=True, avoid=[everyone[9]]),
                PathQuery(everyone[5], everyone[-5], personal=False, overlap=True, k=3)]
    first = demo.cold.path(queries[0])  # no file yet: built from the whole graph and kept
    assert demo.cold.files.load("paths", demo.store.version()) is not None
    assert first == demo.questions.path(queries[0])
    for query in queries:
        assert outcome(demo.cold.path, query) == outcome(demo.questions.path, query), query


def test_a_kept_path_index_is_made_again_after_an_edit(small: Workspace):
    query = PathQuery("ana", "fay", warm=True)
    before = small.cold.path(query)
    assert before == small.questions.path(query)
    kept = small.store.version()
    small.store.apply([Edit(None, Connection("ana", "fay", RelType.KNOWS, {"strength": 5}))],
                      make_note("test", "create"))
    after = small.cold.path(query)
    assert after == small.questions.path(query)
    assert [n["id"] for n in after["paths"][0]["nodes"]] == ["ana", "fay"]
    assert small.cold.files.load("paths", kept) is None and small.cold.files.load("paths", small.store.version())


def test_a_kept_path_index_of_another_day_answers_and_keeps_todays_costs(small: Workspace):
    from partnergraph.services.path_answers import index_lists

    query = PathQuery("ana", "fay", warm=True, k=2)
    small.cold.path(query)  # keeps the index, with today's costs
    version = small.store.version()
    index = small.cache.path_graph().graph["path_index"]
    small.cold.files.save("paths", version, index_lists(index, date(2020, 1, 1)))
    assert small.cold.path(query) == small.questions.path(query)
    assert small.cold.files.load("paths", version)["day"].tolist() == [date.today().toordinal()]
    assert small.cold.path(query) == small.questions.path(query)
