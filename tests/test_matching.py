"""Names that mean the same element: possible duplicates, near-duplicate values and forgiving lookups.

The rules are in docs/import-format.md#duplicates and docs/cli.md (lookups). The pure functions
are checked on hand-made candidates; lookups and search through the CLI, the viewer and both stores.
"""

from __future__ import annotations

import json

import pytest

from conftest import settings_for
from partnergraph.analysis.graph import build_graph, name_index, resolve, update_graph
from partnergraph.analysis.matching import (
    Candidate,
    NameIndex,
    acronym,
    domain,
    find_duplicates,
    fold,
    near_duplicate_values,
)
from partnergraph.model import Dataset, Element, Location, Row, UnknownNode
from partnergraph.schema import Kind
from partnergraph.services import Workspace
from partnergraph.services.edit_checks import ValidationError
from partnergraph.services.options import SearchQuery
from partnergraph.viewer import create_app

P, A, C, ISSUE = Kind.PARTNER, Kind.AFFILIATE, Kind.CONTACT, Kind.ISSUE
EDRI = Candidate("p-edri", P, "European Digital Rights", website="https://edri.org")
NDRF = Candidate("p-ndrf", P, "Nordic Digital Rights Forum e.V.", website="https://www.ndrf.example.org/")
ANA = Candidate("c-ana", C, "Ana Lima", email="ana@example.org")
STORE = [EDRI, NDRF, ANA, Candidate("i-copy", ISSUE, "Copyright reform")]


def pairs(incoming: list[Candidate], existing: list[Candidate] = STORE) -> set[tuple[str, str, str]]:
    return {(d.incoming, d.existing, d.reason) for d in find_duplicates(incoming, existing)}


def test_names_fold_apart_from_case_accents_punctuation_and_legal_suffix():
    assert fold("The Nordic Digital-Rights Forum e.V.") == fold("nordic digital rights forum") == "nordic digital rights forum"
    assert fold("Ärzte & Freunde gGmbH") == "arzte and freunde"
    assert fold("Wikimedia Foundation") == "wikimedia foundation"  # a foundation is part of the name
    assert fold("GmbH") == "gmbh"  # a name that is only a legal form keeps it
    assert acronym("European Digital Rights") == "edr" and acronym("Access to Knowledge Kenya") == "akk"
    assert acronym("Wikimedia") is None
    assert domain("https://www.Example.org/about/") == domain("example.org/") == "example.org"
    assert domain("not a site") is None


@pytest.mark.parametrize(("incoming", "reason"), [
    (Candidate("n1", P, "nordic digital rights forum"), "same name apart from case/accents/punctuation/legal suffix"),
    (Candidate("n1", P, "Nordic Digital Rights Forum gGmbH"), "same name apart from case/accents/punctuation/legal suffix"),
    (Candidate("n1", A, "Nórdic Digital Rights Forum"), "same name apart from case/accents/punctuation/legal suffix"),
    (Candidate("n1", P, "NDRF Norden", website="ndrf.example.org"), "same website domain ndrf.example.org"),
    (Candidate("n1", P, "Nordic Digital Rigths Forum"), "similar names (96%)"),
])
def test_each_rule_pairs_an_incoming_row_with_the_store(incoming, reason):
    assert pairs([incoming]) == {("n1", "p-ndrf", reason)}


def test_an_acronym_matches_its_expansion_with_one_lower_case_letter_more():
    assert pairs([Candidate("n1", P, "EDRi")]) == {("n1", "p-edri", "'EDRi' is the acronym of 'European Digital Rights'")}
    assert pairs([Candidate("n1", P, "EDR")]) == {("n1", "p-edri", "'EDR' is the acronym of 'European Digital Rights'")}
    assert pairs([Candidate("n1", P, "EDRX")]) == set()  # a capital is another acronym
    assert pairs([Candidate("n1", P, "Edri")]) == set()  # not written as an acronym


def test_people_pair_by_email_and_only_with_people():
    found = pairs([Candidate("n1", C, "A. Lima", email="ANA@example.org"), Candidate("n2", P, "Ana Lima")])
    assert found == {("n1", "c-ana", "same email")}


def test_rows_of_one_file_pair_with_each_other_the_later_as_incoming():
    rows = [Candidate("r1", P, "Open Heritage Trust"), Candidate("r2", P, "open heritage trust"),
            Candidate("r3", ISSUE, "copyright-reform")]
    assert pairs(rows) == {("r2", "r1", "same name apart from case/accents/punctuation/legal suffix"),
                           ("r3", "i-copy", "same name apart from case/accents/punctuation/legal suffix")}


def test_the_same_id_or_the_exact_name_and_kind_is_the_same_element_not_a_pair():
    assert pairs([Candidate("p-ndrf", P, "NDRF renamed"), Candidate("n2", P, "Nordic Digital Rights Forum e.V."),
                  Candidate("n3", P, "Nordic Digital Rights Forum e.V.")]) == set()


def test_a_pair_is_reported_once_with_its_strongest_reason():
    found = find_duplicates([Candidate("n1", P, "nordic digital rights forum", website="http://ndrf.example.org")], STORE)
    assert [(d.existing, d.existing_name, d.reason, d.score) for d in found] == [
        ("p-ndrf", "Nordic Digital Rights Forum e.V.", "same name apart from case/accents/punctuation/legal suffix", 1.0)]


def test_similar_names_name_only_the_closest_element():
    existing = [Candidate("a", P, "Alara Digital Rights Forum"), Candidate("b", P, "Alava Digital Rights Forum")]
    assert pairs([Candidate("n1", P, "Alara Digital Right Forum")], existing) == {("n1", "a", "similar names (98%)")}
    # The same folded name says which element it is: no similar names beside it.
    assert pairs([Candidate("n1", P, "ALARA DIGITAL RIGHTS FORUM")], existing) == {
        ("n1", "a", "same name apart from case/accents/punctuation/legal suffix")}


def test_near_duplicate_values_of_a_vocabulary():
    found = near_duplicate_values(["GLAM", "Latin America & Caribbean", "Copyright reform", "Europe"],
                                  ["glam", "Latin America", "copyright-reform", "Europe", "Africa", "Copyrite reform"])
    assert found == [("glam", "GLAM", "the same apart from case/accents/punctuation"),
                     ("Latin America", "Latin America & Caribbean",
                      "'Latin America' is the start of 'Latin America & Caribbean'"),
                     ("copyright-reform", "Copyright reform", "the same apart from case/accents/punctuation"),
                     ("Copyrite reform", "Copyright reform", "similar spelling (90%)")]
    assert near_duplicate_values([], ["Open access", "open access"]) == [
        ("open access", "Open access", "the same apart from case/accents/punctuation")]


INDEX = NameIndex.from_candidates([
    Candidate("ndrf", P, "Nordic Digital Rights Forum", aliases=("NDRF",)),
    Candidate("nordic", A, "Wikimedia Norden"),  # an id that is also a prefix of a name
    Candidate("ecole", P, "École Numérique"),
    Candidate("lib1", P, "City Library"), Candidate("lib2", P, "City Library"),
    Candidate("ana", C, "Ana Lima"), Candidate("anab", C, "Ana Bell"),
])


@pytest.mark.parametrize(("ref", "key"), [
    ("nordic", "nordic"),  # 1. the exact id, before any prefix
    ("nordic digital rights forum", "ndrf"),  # 2. the name in any case
    ("ecole numerique", "ecole"),  # ... and without accents
    ("ndrf", "ndrf"),  # 3. an alias
    ("Nordic D", "ndrf"),  # 4. a unique prefix
    ("ana l", "ana"),
])
def test_lookups_try_id_name_alias_and_unique_prefix_in_turn(ref, key):
    assert INDEX.lookup(ref) == key


def test_a_lookup_that_names_several_elements_lists_them_with_ids():
    with pytest.raises(UnknownNode, match=r"^'city library' names 2 elements: City Library \(lib1\), "
                                          r"City Library \(lib2\); use an id$"):
        INDEX.lookup("city library")
    with pytest.raises(UnknownNode, match=r"'Ana' names 2 elements: Ana Bell \(anab\), Ana Lima \(ana\)"):
        INDEX.lookup("Ana")
    assert INDEX.lookup("Ana L", kinds=[C]) == "ana"


def test_a_lookup_that_finds_nothing_suggests_the_three_closest():
    with pytest.raises(UnknownNode, match=r"^no element with id or name 'Nordik Digital'; did you mean: "
                                          r"Nordic Digital Rights Forum \(ndrf\)\?$"):
        INDEX.lookup("Nordik Digital")
    many = NameIndex.from_candidates(Candidate(f"a{i}", C, name) for i, name in
                                     enumerate(("Ana Lima", "Ana Lime", "Ana Limo", "Ana Lina", "Bo Chen")))
    with pytest.raises(UnknownNode, match=r"did you mean: Ana Lima \(a0\), Ana Lime \(a1\), Ana Limo \(a2\)\?$"):
        many.lookup("Anna Lima")
    assert INDEX.closest("Ana Lma")[0] == "ana" and len(INDEX.closest("Ana Lma", 2)) == 2
    with pytest.raises(UnknownNode, match=r"^no element with id or name 'zzzz'$"):  # nothing close: no suggestion
        INDEX.lookup("zzzz")
    assert "Ana Lima (ana)" not in str(pytest.raises(UnknownNode, INDEX.lookup, "Ana Lma", kinds=[P]).value)


def test_the_graphs_name_index_follows_edits_without_a_rebuild():
    graph = build_graph([Element("p1", P, "Old Name"), Element("p2", P, "Other")], [])
    index = name_index(graph)
    update_graph(graph, [(Element("p1", P, "Old Name"), Element("p1", P, "New Name", {"aliases": ["Nouveau"]})),
                         (None, Element("p3", P, "Third"))])
    assert name_index(graph) is index
    assert [resolve(graph, ref) for ref in ("new name", "nouveau", "thi")] == ["p1", "p1", "p3"]
    with pytest.raises(UnknownNode, match=r"^no element with id or name 'New Nmae'; did you mean: New Name \(p1\)\?$"):
        resolve(graph, "New Nmae")
    with pytest.raises(UnknownNode, match=r"^no element with id or name 'Old Name'$"):
        resolve(graph, "Old Name")


# -- through the CLI, the viewer and both stores ----------------------------------------------------

def test_holders_takes_a_name_in_any_case_or_a_unique_prefix_on_the_demo(cli):
    assert cli("demo", "--no-serve").exit_code == 0
    for ref in ("nordic digital rights forum", "Nordic"):
        done = cli("holders", ref, "--json")
        assert done.exit_code == 0, done.output
        assert json.loads(done.output)["partner"]["id"] == "par-0001"
    done = cli("holders", "Nordik Digital Rihgts")
    assert done.exit_code == 1
    assert done.output.startswith("error: no element with id or name 'Nordik Digital Rihgts'; did you mean: "
                                  "Nordic Digital Rights Forum (par-0001)")
    assert done.output.count("\n") == 1


def with_aliases(workspace: Workspace) -> None:
    workspace.data.import_rows([
        Row({"id": "edri", "kind": "partner", "name": "European Digital Rights", "aliases": "EDRi;Digital Rights EU",
             "offers": "legal expertise;policy research", "looks_for": "venues", "type": "ngo", "public": "true"},
            Location("t", 2)),
        Row({"id": "kb", "kind": "partner", "name": "Royal Collections", "type": "GLAM", "public": "true"},
            Location("t", 3)),
        Row({"id": "edwin", "kind": "contact", "name": "Edwin Ridley", "aliases": "Ed Ridley"}, Location("t", 4)),
    ], [])


def test_search_finds_by_alias_offer_and_type_on_both_stores(small):
    with_aliases(small)
    for search in (lambda text: [e.id for e in small.store.search(text)],
                   lambda text: [e["id"] for e in small.browse.search(SearchQuery(text))]):
        assert search("edri") == ["edri"]  # an alias
        assert search("legal expertise") == ["edri"] and search("venues") == ["edri"]  # offers, looks for
        assert sorted(search("glam")) == ["kb", "lib"]  # the type, in any case
        assert search("library") == ["lib", "kb"]  # names first, then the type "library" spells
    public = [e["id"] for e in small.browse.search(SearchQuery("ridley", public=True))]
    assert public == [] and [e["id"] for e in small.browse.search(SearchQuery("ed ridley"))] == ["edwin"]


def test_the_path_finder_and_the_api_answer_did_you_mean(small, db_url):
    with_aliases(small)
    app = create_app(settings_for(db_url, anonymous_read=True))
    client = app.test_client()
    answer = client.get("/api/path?from=ana%20lim&to=creativ%20commons")  # prefix, then a typo
    assert answer.status_code == 404
    assert answer.get_json()["error"].startswith("no element with id or name 'creativ commons'; "
                                                 "did you mean: Creative Commons (cc)")
    assert client.get("/api/path?from=ana%20lima&to=creative%20COMMONS").status_code == 200
    assert client.get("/api/nodes/edri").get_json()["id"] == "edri"  # an alias
    page = client.get("/path?from=Ana+Lima&to=Creativ+Commons").get_data(as_text=True)
    assert "did you mean: Creative Commons (cc)" in page
    app.extensions["partnergraph"].close()


def test_public_suggestions_never_name_a_person(small, db_url):
    with_aliases(small)
    app = create_app(settings_for(db_url), public=True)
    answer = app.test_client().get("/api/nodes/Edwin%20Ridly")
    assert answer.status_code == 404 and "Edwin Ridley" not in answer.get_data(as_text=True)
    assert "did you mean: European Digital Rights (edri)" in app.test_client().get("/api/nodes/Europan").get_json()["error"]
    app.extensions["partnergraph"].close()
    private = create_app(settings_for(db_url, anonymous_read=True))  # who may see people is told of them
    assert "Edwin Ridley (edwin)" in private.test_client().get("/api/nodes/Edwin%20Ridly").get_json()["error"]
    private.extensions["partnergraph"].close()


def test_edit_forms_take_names_forgivingly(small):
    assert small.editing.lookup("ana lima").id == "ana"
    assert small.editing.lookup("Creative").id == "cc"
    with pytest.raises(UnknownNode, match="did you mean: Creative Commons"):
        small.editing.lookup("Creativ Comons")
    small.store.upsert(Dataset([Element("x1", P, "Creative Commons")], []))
    with pytest.raises(UnknownNode, match=r"'Creative Commons' names 2 elements: Creative Commons \(cc\)"):
        small.editing.lookup("Creative Commons")


def test_a_lookup_for_a_file_can_leave_prefixes_out():
    assert INDEX.lookup("Nordic D") == "ndrf"
    with pytest.raises(UnknownNode, match="did you mean: Nordic Digital Rights Forum"):
        INDEX.lookup("Nordic D", prefix=False)


def test_a_merge_takes_names_forgivingly_and_says_what_was_meant(small):
    plan = small.merges.plan("creative commons", "Old Coal")
    assert (plan.keep.id, plan.drop.id) == ("cc", "old")
    with pytest.raises(ValidationError) as refused:
        small.merges.plan("Creativ Comons", "old")
    assert refused.value.errors["keep"] == ["no element with id or name 'Creativ Comons'; "
                                            "did you mean: Creative Commons (cc)?"]
