"""Privacy, proved by crawling: no personal data in any public page, API answer, graph payload or export.

The network below puts a unique canary into every personal field: emails, phones, notes on
people, on organisations and on ties, and (for the public directory) the names, roles, tags and
ids of people, the sources of ties and the organisations not marked public. Every GET route of
the app, enumerated from its URL map so that routes added later are crawled too, is requested
with its path parameters filled with real ids of every kind and with the query strings its pages
use; no canary may appear in any answer. A canary in the request itself (an id in the path) may
come back in an error message: that echoes the reader, it reveals nothing.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import networkx as nx
import pytest
from flask import Flask

from conftest import NEO4J_PASSWORD
from crawl import every_url
from partnergraph.config import Settings
from partnergraph.io.directory import public_directory, safe_url
from partnergraph.io.export import FORMATS
from partnergraph.model import Location, Row
from partnergraph.services import Workspace, redact
from partnergraph.services.edit_checks import make_note
from partnergraph.services.options import CentralityQuery, CommunitiesQuery, CoverageQuery
from partnergraph.services.privacy import PERSONAL_FIELDS, PRIVATE_CONNECTION_PROPERTIES, FieldClass, field_class
from partnergraph.viewer import create_app

# Canaries: each value holds a token found nowhere else. Seen by no reader who is not signed in.
PERSONAL = {
    "zqemailuno": "zqemailuno@example.org", "zqemaildos": "zqemaildos@example.org",
    "zqemailtres": "zqemailtres@example.org",
    "zqphoneuno": "+99 zqphoneuno", "zqphonedos": "+99 zqphonedos",
    "zqpersonnoteuno": "zqpersonnoteuno: on leave", "zqpersonnotedos": "zqpersonnotedos",
    "zqorgnote": "zqorgnote about the board", "zqpartnernote": "zqpartnernote",
    "zqknowsnote": "zqknowsnote: met at a funeral", "zqholdsnote": "zqholdsnote",
    "zqmembernote": "zqmembernote", "zqpartnersnote": "zqpartnersnote",
    # Set by edits, so that the history of changes holds them too (before and after).
    "zqhistemail": "zqhistemail@example.org", "zqhistphone": "+99 zqhistphone", "zqhistnote": "zqhistnote",
    "zqhistknows": "zqhistknows",
    # Free text of the history and of ties (services.privacy.FIELD_CLASSES): tie sources, the
    # provenance and comment of changes, the note of a logged interaction (kept as its comment).
    "zqknowssource": "zqknowssource", "zqholdssource": "zqholdssource", "zqpartnerssource": "zqpartnerssource",
    "zqprovenanceuno": "zqprovenanceuno: a phone call", "zqprovenancedos": "zqprovenancedos",
    "zqcommentuno": "zqcommentuno: she asked us not to", "zqcommentdos": "zqcommentdos",
    "zqinteractionnote": "zqinteractionnote: worried about her job", "zqinteractionprov": "zqinteractionprov",
    "zqrevertcomment": "zqrevertcomment", "zqimportprov": "zqimportprov.xlsx", "zqimportcomment": "zqimportcomment",
    "zqattendsource": "zqattendsource: her badge scan", "zqattendnote": "zqattendnote",
}
# Attendance is personal as a whole (schema.PERSONAL_TYPES): not even its facts reach a reader who
# is not signed in. The canary attendance is the only one with role exhibitor; the type's name and
# the sections' keys ("attends", "attendees") are never said to such a reader either.
ATTENDANCE = {"exhibitor": "the canary attendance's role", "attends": "ATTENDS, or the attends section",
              '"attendees"': "the attendees section of /api/nodes"}
# Seen by readers of the private viewer, never in the public directory nor a public export.
NOT_PUBLIC = {
    "zqnameuno": "Uno Zqnameuno", "zqnamedos": "Dos Zqnamedos", "zqnametres": "Tres Zqnametres",
    "zqroleuno": "zqroleuno officer", "zqtaguno": "zqtaguno", "zqmemberrole": "zqmemberrole",
    "zqprivorg": "Hidden Zqprivorg", "zqprivpartner": "Secret Zqprivpartner", "zqprivissue": "Zqprivissue",
    "zqperson": "ids of people (zqperson-uno...)",
    # What a private organisation offers, and a private affiliate's role address.
    "zqprivoffer": "zqprivoffer", "zqprivlooks": "zqprivlooks", "zqprivaffmail": "zqprivaffmail@example.org",
    "zqprivevent": "Zqprivevent retreat",
}

ELEMENTS = [
    {"id": "aff-pub", "kind": "affiliate", "name": "Wikimedia Testland", "type": "chapter", "country": "DE",
     "region": "Europe", "public": "true", "website": "https://testland.example.org/", "issues": "iss-copy",
     "notes": PERSONAL["zqorgnote"], "public_email": "partnerships@testland.example.org"},
    {"id": "aff-priv", "kind": "affiliate", "name": NOT_PUBLIC["zqprivorg"], "region": "Africa", "public": "false",
     "public_email": NOT_PUBLIC["zqprivaffmail"]},
    {"id": "par-pub", "kind": "partner", "name": "Open Library Alliance", "type": "glam", "country": "FR",
     "region": "Europe", "status": "active", "public": "true", "website": "https://ola.example.org/",
     "issues": "iss-copy", "notes": PERSONAL["zqpartnernote"], "tags": "libraries",
     "offers": "Legal Expertise; digitisation", "looks_for": "funding"},
    {"id": "par-pub2", "kind": "partner", "name": "Digital Rights Network", "type": "ngo", "country": "KE",
     "region": "Africa", "status": "prospective", "public": "true", "issues": "iss-open"},
    {"id": "par-priv", "kind": "partner", "name": NOT_PUBLIC["zqprivpartner"], "region": "Europe",
     "status": "active", "public": "false", "issues": "iss-copy", "type": "museum",
     "offers": NOT_PUBLIC["zqprivoffer"], "looks_for": NOT_PUBLIC["zqprivlooks"]},
    {"id": "iss-copy", "kind": "issue", "name": "Copyright reform"},
    {"id": "iss-open", "kind": "issue", "name": "Open access"},
    {"id": "iss-priv", "kind": "issue", "name": NOT_PUBLIC["zqprivissue"], "public": "false"},
    {"id": "zqperson-uno", "kind": "contact", "name": NOT_PUBLIC["zqnameuno"], "country": "DE", "region": "Europe",
     "email": PERSONAL["zqemailuno"], "phone": PERSONAL["zqphoneuno"], "notes": PERSONAL["zqpersonnoteuno"],
     "role": NOT_PUBLIC["zqroleuno"], "tags": NOT_PUBLIC["zqtaguno"]},
    {"id": "zqperson-dos", "kind": "contact", "name": NOT_PUBLIC["zqnamedos"], "region": "Europe",
     "email": PERSONAL["zqemaildos"], "phone": PERSONAL["zqphonedos"], "notes": PERSONAL["zqpersonnotedos"],
     "member_of": "par-pub"},
    {"id": "zqperson-tres", "kind": "contact", "name": NOT_PUBLIC["zqnametres"], "region": "Africa",
     "email": PERSONAL["zqemailtres"], "member_of": "aff-priv"},
    # A public partner event, and a private one; who attends is personal.
    {"id": "ev-pub", "kind": "event", "name": "Testland Copyfest", "start": "2031-05-01", "end": "2031-05-02",
     "country": "DE", "region": "Europe", "public": "true", "issues": "iss-copy", "notes": PERSONAL["zqorgnote"]},
    {"id": "ev-priv", "kind": "event", "name": NOT_PUBLIC["zqprivevent"], "start": "2020-01-01", "public": "false"},
]
CONNECTIONS = [
    {"from": "zqperson-uno", "to": "zqperson-dos", "type": "KNOWS", "strength": "4", "since": "2019-05",
     "last_contact": "2026-01", "source": PERSONAL["zqknowssource"], "notes": PERSONAL["zqknowsnote"]},
    {"from": "zqperson-dos", "to": "par-pub", "type": "HOLDS", "strength": "3", "since": "2020-01",
     "last_contact": "2023-01", "source": PERSONAL["zqholdssource"], "notes": PERSONAL["zqholdsnote"]},
    {"from": "zqperson-tres", "to": "par-pub2", "type": "HOLDS", "strength": "2", "primary": "true"},
    # The contact of record of a public partner, for a public affiliate: the route names the team only.
    {"from": "zqperson-uno", "to": "par-pub2", "type": "HOLDS", "strength": "3", "primary": "true",
     "source": PERSONAL["zqholdssource"]},
    {"from": "zqperson-uno", "to": "aff-pub", "type": "MEMBER_OF", "role": NOT_PUBLIC["zqmemberrole"],
     "since": "2015-01", "notes": PERSONAL["zqmembernote"]},
    {"from": "aff-pub", "to": "par-pub", "type": "PARTNERS_WITH", "status": "active", "since": "2020-02",
     "issues": "iss-copy", "source": PERSONAL["zqpartnerssource"], "notes": PERSONAL["zqpartnersnote"]},
    {"from": "aff-pub", "to": "par-priv", "type": "PARTNERS_WITH", "status": "active"},
    {"from": "aff-priv", "to": "par-pub2", "type": "PARTNERS_WITH", "status": "informal"},
    {"from": "par-pub2", "to": "iss-priv", "type": "WORKS_ON"},
    {"from": "aff-pub", "to": "ev-pub", "type": "ORGANISES"},
    {"from": "par-pub", "to": "ev-priv", "type": "ORGANISES"},
    {"from": "zqperson-uno", "to": "ev-pub", "type": "ATTENDS", "role": "exhibitor", "status": "planned",
     "source": PERSONAL["zqattendsource"], "notes": PERSONAL["zqattendnote"]},
    {"from": "zqperson-dos", "to": "ev-priv", "type": "ATTENDS", "role": "exhibitor", "status": "attended"},
]
IDS = [e["id"] for e in ELEMENTS]
REGIONS = ("Europe", "Africa", "No region given")

# Query strings the pages and the API take, sent to every route without path parameters (a route
# ignores what it does not use). Per-element ones are built from IDS.
QUERIES = [
    "", "?q=zq", "?q=a", "?q=Uno", "?q=zqperson-uno", "?limit=2000", "?depth=3&limit=2000",
    "?view=overview&limit=2000", "?view=overview&kind=affiliate&kind=partner&kind=issue&type=ngo", "?view=all",
    "?size=degree&limit=2000", "?size=betweenness", "?measure=betweenness&top=500", "?measure=pagerank&kind=contact",
    "?kind=contact&top=500", "?kind=partner", "?status=active&status=prospective&status=dormant",
    "?seed=3&resolution=1.5&weighted=1&top=1000", "?top=1000", "?group=issue", "?group=region",
    "?for=aff-pub", "?for=aff-pub&issue=iss-open&region=Africa", "?org=par-pub",
    "?from=zqperson-uno&to=par-pub&warm=1&k=3", "?from=zqperson-uno&to_issue=iss-copy&to_region=Europe",
    "?from=zqperson-tres&to=zqperson-uno&k=5&overlap=1&current=1&via_issue=iss-copy",
    *(f"?format={fmt}" for fmt in FORMATS), *(f"?format={fmt}&public=1" for fmt in FORMATS),
    *(f"?region={quote(r)}&group=issue" for r in REGIONS),
    "?keep=zqperson-uno&drop=zqperson-dos", "?before=3&limit=2", "?next=/contacts/zqperson-uno",
    "?type=KNOWS&from=zqperson-uno&to=zqperson-dos&with=zqperson-dos&max_hops=3&types=KNOWS,HOLDS&rev=x",
    "?type=ATTENDS&from=zqperson-uno&to=ev-pub", "?when=past&as_of=2035-01-01&by=affiliate", "?when=upcoming&for=aff-pub", "?from=zqperson-uno&to=par-pub&types=ATTENDS,KNOWS,MEMBER_OF",
    "?include_issues=1&measure=betweenness&top=500&distribution=1", "?type=ngo&type=glam&include_issues=1",
    "?type=glam&offers=legal expertise", "?type=museum", "?offers=zqprivoffer", "?type=glam&group=issue",
    "?view=overview&colour=community&limit=2000",  # /graph/download: the standalone page of a view
    "?measure=closeness&top=500&wait=5",  # the API may wait for a long analysis (docs/json-api.md)
]
PER_ELEMENT = [
    "?center={id}&depth={depth}&limit=2000",
    "?q={id}&to={id}&from=zqperson-uno&org={id}&partner={id}&k=3&warm=1",
    "?issue={id}&group=issue&for=aff-pub&measure=degree&kind=partner",
    "?from={id}&to=par-pub&avoid=zqperson-dos",
    "?keep={id}&drop=zqperson-dos&with={id}&type=HOLDS&to={id}",
]


def canary_rows() -> tuple[list[Row], list[Row]]:
    return ([Row(values, Location("canaries", i + 2)) for i, values in enumerate(ELEMENTS)],
            [Row(values, Location("canaries", i + 2)) for i, values in enumerate(CONNECTIONS)])


@pytest.fixture
def canaries(workspace: Workspace) -> Workspace:
    """Return a workspace holding the canary network, and a history of edits to personal fields.

    The history's free text holds canaries too: the import's provenance and comment, each edit's
    provenance and comment, a logged interaction's note and provenance (which, as the interaction
    creates a tie, also becomes that tie's source), and a revert's comment.
    """
    note = make_note("editor", "import", PERSONAL["zqimportprov"], PERSONAL["zqimportcomment"])
    workspace.data.import_rows(*canary_rows(), note=note)
    edits = workspace.editing
    edits.update_element("zqperson-uno", {"email": PERSONAL["zqhistemail"], "phone": PERSONAL["zqhistphone"],
                                          "notes": PERSONAL["zqhistnote"]}, actor="editor",
                         source=PERSONAL["zqprovenanceuno"], comment=PERSONAL["zqcommentuno"])
    edits.update_connection("zqperson-uno", "zqperson-dos", "KNOWS", {"notes": PERSONAL["zqhistknows"]},
                            actor="editor", source=PERSONAL["zqprovenancedos"], comment=PERSONAL["zqcommentdos"])
    edits.update_element("zqperson-uno", {"email": PERSONAL["zqemailuno"], "phone": PERSONAL["zqphoneuno"],
                                          "notes": PERSONAL["zqpersonnoteuno"]}, actor="editor", source="a letter")
    edits.update_connection("zqperson-uno", "zqperson-dos", "KNOWS", {"notes": PERSONAL["zqknowsnote"]},
                            actor="editor", source="a letter")
    edits.log_interaction("zqperson-tres", "zqperson-uno", actor="editor", on="2026-02-01", strength=2,
                          note=PERSONAL["zqinteractionnote"], source=PERSONAL["zqinteractionprov"])
    change = edits.log_interaction("zqperson-dos", "zqperson-uno", actor="editor", on="2026-02-02",
                                   note="nothing to see", source="in passing")
    edits.revert(change.seq, actor="editor", comment=PERSONAL["zqrevertcomment"])
    return workspace


def anonymous_read_settings(db_url: str) -> Settings:
    """Return settings of a private viewer that lets visitors read without signing in."""
    return Settings(db=db_url, neo4j_password=NEO4J_PASSWORD, anonymous_read=True)


@pytest.fixture
def public_app(canaries: Workspace, db_url: str) -> Iterator[Flask]:
    app = create_app(Settings(db=db_url, neo4j_password=NEO4J_PASSWORD), public=True)
    yield app
    app.extensions["partnergraph"].close()


@pytest.fixture
def anonymous_app(canaries: Workspace, db_url: str) -> Iterator[Flask]:
    app = create_app(anonymous_read_settings(db_url))
    yield app
    app.extensions["partnergraph"].close()


def crawl(app: Flask) -> Iterator[str]:
    """Yield every GET URL of `app`, with the canary ids in its path parameters and typical queries."""
    return every_url(app, IDS, queries=QUERIES, per_element=PER_ELEMENT,
                     param_queries=("", "?format=json", "?format=csv", "?depth=2"))


def leaks(app: Flask, secrets: dict[str, str]) -> tuple[list[str], int]:
    """Return which canary tokens any answer holds (URL, status, token), and how many URLs were read."""
    client = app.test_client()
    found, count = [], 0
    for url in crawl(app):
        response = client.get(url)
        count += 1
        assert response.status_code < 500, (url, response.status_code, response.get_data(as_text=True)[:300])
        body = response.get_data().decode("utf-8", "replace").casefold()
        headers = str(response.headers).casefold()
        asked = unquote(url).casefold()
        for token in secrets:
            if token in asked:  # an error may echo what was asked
                continue
            if token in body or token in headers:
                found.append(f"{url} ({response.status_code}): {token}")
    return found, count


def test_no_public_page_api_answer_or_graph_payload_holds_anything_personal(public_app):
    found, count = leaks(public_app, {**PERSONAL, **NOT_PUBLIC, **ATTENDANCE})
    assert count > 1000  # the crawl reached every route, with every id
    assert found == [], "\n".join(found[:30])


def test_anonymous_readers_see_no_email_phone_or_notes_anywhere(anonymous_app):
    found, count = leaks(anonymous_app, {**PERSONAL, **ATTENDANCE})
    assert count > 1000
    assert found == [], "\n".join(found[:30])


def test_anonymous_readers_still_see_people_and_their_ties(anonymous_app):
    client = anonymous_app.test_client()
    person = client.get("/api/nodes/zqperson-uno").get_json()
    assert person["name"] == NOT_PUBLIC["zqnameuno"]
    assert "email" not in person["properties"] and "phone" not in person["properties"]
    assert person["properties"]["role"] == NOT_PUBLIC["zqroleuno"]
    assert [k["id"] for k in person["knows"]] == ["zqperson-dos", "zqperson-tres"]  # tres: by an interaction
    dos = next(k for k in person["knows"] if k["id"] == "zqperson-dos")
    assert dos["relation"]["strength"] == 4 and dos["relation"]["since"] == "2019-05"
    assert "notes" not in dos["relation"] and "source" not in dos["relation"]  # free text: personal
    hops = client.get("/api/path?from=zqperson-uno&to=par-pub").get_json()["paths"][0]["hops"]
    assert hops and all("notes" not in evidence and "source" not in evidence
                        for hop in hops for evidence in hop["evidence"])
    assert "Uno Zqnameuno knows Dos Zqnamedos (strength 4, since 2019-05" in hops[0]["why"]
    page = client.get("/contacts/zqperson-uno").get_data(as_text=True)
    assert NOT_PUBLIC["zqnameuno"] in page and "zqemailuno" not in page


def test_the_crawl_reaches_pages_with_path_parameters_of_every_kind(anonymous_app):
    urls = set(crawl(anonymous_app))
    for url in ("/contacts/zqperson-uno", "/partners/par-pub", "/affiliates/aff-priv", "/issues/iss-copy",
                "/api/nodes/zqperson-dos", "/api/holders/par-pub", "/api/graph?center=zqperson-uno&depth=3&limit=2000",
                "/api/directory?region=Africa&group=issue", "/directory?group=issue"):
        assert url in urls, url


def test_the_crawl_sends_every_query_parameter_the_viewer_reads():
    viewer = Path(__file__).resolve().parent.parent / "src" / "partnergraph" / "viewer"
    source = "".join(p.read_text(encoding="utf-8") for p in viewer.glob("*.py"))
    read = set(re.findall(r"(?:_arg|args\.get|args\.getlist|values\.get)\(\"([a-z_]+)\"", source))
    sent = {name for q in QUERIES + PER_ELEMENT for name in re.findall(r"[?&]([a-z_]+)=", q)}
    assert read - sent == set()


def test_redaction_removes_personal_fields_at_any_depth():
    result = {"id": "a", "properties": {"email": "x", "phone": "y", "notes": "z", "role": "r"},
              "knows": [{"id": "b", "relation": {"notes": "n", "strength": 3}}],
              "hops": [{"evidence": [{"type": "KNOWS", "notes": "n", "source": "s"}]}]}
    assert redact(result) == {"id": "a", "properties": {"role": "r"}, "knows": [{"id": "b", "relation": {"strength": 3}}],
                              "hops": [{"evidence": [{"type": "KNOWS"}]}]}
    change = {"edits": [{"fields": [{"field": "email", "before": "x", "after": "y"},
                                    {"field": "name", "before": "A", "after": "B"}],
                         "before": {"id": "a", "props": {"phone": "p", "role": "r"}}}]}
    assert redact(change) == {"edits": [{"fields": [{"field": "name", "before": "A", "after": "B"}],
                                         "before": {"id": "a", "props": {"role": "r"}}}]}
    assert result["properties"]["email"] == "x"  # a copy: the cached original is untouched


# -- exports ---------------------------------------------------------------------------------------


def exported_text(path: Path) -> str:
    if path.is_dir():
        return "".join(p.read_text(encoding="utf-8") for p in sorted(path.iterdir()))
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_public_export_in_every_format_holds_no_person_and_nothing_personal(canaries, db_url, tmp_path, fmt):
    from conftest import Cli

    out = tmp_path / ("export" if fmt == "csv" else f"export.{fmt}")
    result = Cli(db_url)("export", "--format", fmt, "--public", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = exported_text(out).casefold()
    assert [t for t in {**PERSONAL, **NOT_PUBLIC, **ATTENDANCE} if t in text] == []
    if fmt == "json":
        document = json.loads(out.read_text(encoding="utf-8"))
        kinds = {e["kind"] for e in document["elements"]}
        types = {c["type"] for c in document["connections"]}
        keys = {k for e in document["elements"] for k in e} | {k for c in document["connections"] for k in c}
    elif fmt == "csv":
        with open(out / "elements.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        with open(out / "connections.csv", encoding="utf-8") as handle:
            links = list(csv.DictReader(handle))
        kinds = {r["kind"] for r in rows}
        types = {c["type"] for c in links}
        # The import format's columns stay (the file must import); personal ones are empty everywhere.
        keys = {k for r in rows + links for k, v in r.items() if v}
    else:
        graph = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
        kinds = {d["kind"] for _, d in graph.nodes(data=True)}
        types = {d["relationship"] for _, _, d in graph.edges(data=True)}
        keys = {k for _, d in graph.nodes(data=True) for k in d} | {k for _, _, d in graph.edges(data=True) for k in d}
    assert kinds == {"affiliate", "partner", "issue", "event"}
    assert types == {"PARTNERS_WITH", "WORKS_ON", "ORGANISES"}  # never ATTENDS: attendance is personal
    assert not keys & {"email", "phone", "notes", "source"}


# -- the public directory --------------------------------------------------------------------------


def test_the_public_directory_lists_public_partners_by_region_and_issue_with_team_routes(public_app):
    client = public_app.test_client()
    found = client.get("/api/directory").get_json()
    assert [p["id"] for p in found["partners"]] == ["par-pub2", "par-pub"]  # by name
    ola = found["partners"][1]
    assert ola == {"id": "par-pub", "name": "Open Library Alliance", "kind": "partner", "type": "glam",
                   "type_label": "GLAM", "country": "FR", "region": "Europe", "status": "active",
                   "offers": ["Legal Expertise", "digitisation"], "looks_for": ["funding"],
                   "website": "https://ola.example.org/",
                   "issues": [{"id": "iss-copy", "name": "Copyright reform"}],
                   "routes": [{"team": "partnerships", "affiliate": {"id": "aff-pub", "name": "Wikimedia Testland"},
                               "text": "Contact the partnerships team of Wikimedia Testland",
                               "via": "partnership", "reason": "partners formally",
                               "email": "partnerships@testland.example.org", "url": "https://testland.example.org/"}]}
    # Its formal partner affiliate and the affiliate of one contact of record are not public; the
    # other contact of record belongs to a public one: the route names the team, never the person.
    assert found["partners"][0]["routes"] == [
        {"team": "partnerships", "affiliate": {"id": "aff-pub", "name": "Wikimedia Testland"},
         "text": "Contact the partnerships team of Wikimedia Testland", "via": "contact_of_record",
         "reason": "contact of record", "email": "partnerships@testland.example.org",
         "url": "https://testland.example.org/"}]
    assert found["by_region"] == [{"region": "Africa", "partners": ["par-pub2"]},
                                  {"region": "Europe", "partners": ["par-pub"]}]
    assert [g["issue"]["id"] for g in found["by_issue"]] == ["iss-copy", "iss-open"]
    narrowed = client.get("/api/directory?region=Europe&issue=Copyright reform").get_json()
    assert [p["id"] for p in narrowed["partners"]] == ["par-pub"]
    assert narrowed["filters"] == {"region": "Europe", "issue": "iss-copy", "type": None, "offers": None}
    assert client.get("/api/directory?issue=iss-priv").status_code == 404  # not a public issue


def test_the_public_viewer_opens_on_the_directory(public_app):
    client = public_app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert "Public directory" in home and "Contact the partnerships team of" in home
    assert 'href="https://testland.example.org/"' in home and 'href="https://ola.example.org/"' in home
    by_issue = client.get("/directory?group=issue&issue=iss-open").get_data(as_text=True)
    assert "Digital Rights Network" in by_issue and "Open Library Alliance" not in by_issue


def test_the_private_viewer_shows_the_same_directory(public_app, anonymous_app):
    public = public_app.test_client().get("/api/directory").get_json()
    assert anonymous_app.test_client().get("/api/directory").get_json() == public


def test_only_http_and_https_websites_become_links():
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert safe_url(" HTTP://example.org ") == "HTTP://example.org"
    for bad in ("javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<b>",
                "//evil.example", "vbscript:x", "http:/nohost", "example.org", "", None, 3, "http://[::1"):
        assert safe_url(bad) is None, bad


def test_an_ended_partnership_is_no_route_in(canaries):
    from datetime import date

    snapshot = canaries.store.snapshot()
    connections = [c for c in snapshot.connections]
    found = public_directory(snapshot.elements, connections, today=date(2026, 1, 1))
    assert found["partners"][1]["routes"]
    ended = [type(c)(c.source, c.target, c.type, {**c.props, "until": "2025-12"}) if c.source == "aff-pub" else c
             for c in connections]
    assert public_directory(snapshot.elements, ended, today=date(2026, 1, 1))["partners"][1]["routes"] == []
    this_month = [type(c)(c.source, c.target, c.type, {**c.props, "until": "2026-01"}) if c.source == "aff-pub" else c
                  for c in connections]
    assert public_directory(snapshot.elements, this_month, today=date(2026, 1, 15))["partners"][1]["routes"]


# -- signed in ---------------------------------------------------------------------------------------


def test_a_signed_in_viewer_sees_email_phone_and_notes(viewer_client):
    """The `viewer_client` fixture (tests/conftest.py) is signed in on the small network."""
    person = viewer_client.get("/api/nodes/ana").get_json()
    assert person["properties"]["email"] == "ana@example.org"
    assert person["properties"]["notes"] == "prefers Signal"
    assert "ana@example.org" in viewer_client.get("/contacts/ana").get_data(as_text=True)


def test_signing_in_shows_the_personal_data_that_anonymous_readers_do_not_see(canaries, db_url):
    from conftest import sign_in

    app = create_app(Settings(db=db_url, neo4j_password=NEO4J_PASSWORD))
    try:
        client = app.test_client()
        assert client.get("/api/nodes/zqperson-uno").status_code == 401  # no anonymous reading here
        sign_in(client, canaries, "viewer")
        person = client.get("/api/nodes/zqperson-uno").get_json()
        assert person["properties"]["email"] == PERSONAL["zqemailuno"]
        assert person["knows"][0]["relation"]["notes"] == PERSONAL["zqknowsnote"]
        page = client.get("/contacts/zqperson-uno").get_data(as_text=True)
        assert PERSONAL["zqphoneuno"] in page and PERSONAL["zqpersonnoteuno"] in page
        assert "zqknowsnote" in client.get("/api/path?from=zqperson-uno&to=par-pub").get_data(as_text=True)
        assert person["knows"][0]["relation"]["source"] == PERSONAL["zqknowssource"]
        attends = person["attends"][0]["relation"]  # attendance, whole, for signed-in readers
        assert attends["role"] == "exhibitor" and attends["source"] == PERSONAL["zqattendsource"]
        assert [a["id"] for a in client.get("/api/nodes/ev-pub").get_json()["attendees"]] == ["zqperson-uno"]
        # The history's free text is there for them: the crawl's canaries are really served.
        changes = client.get("/api/changes").get_data(as_text=True)
        history = client.get("/history/zqperson-uno").get_data(as_text=True)
        for token in ("zqprovenanceuno", "zqcommentuno", "zqinteractionnote", "zqinteractionprov",
                      "zqrevertcomment", "zqimportprov", "zqimportcomment"):
            assert token in changes, token
        for token in ("zqprovenanceuno", "zqcommentuno", "zqinteractionnote", "zqrevertcomment"):
            assert token in history, token
    finally:
        app.extensions["partnergraph"].close()


# -- reports ----------------------------------------------------------------------------------------

# The reports of the canary network: a dossier (its notes, holders, paths and history hold canaries)
# and the risks report, whole and for one affiliate.
REPORT_PAGES = ("/partners/par-pub/print", "/partners/par-pub/print?from=aff-pub", "/partners/par-pub2/print",
                "/analytics/risks/print", "/analytics/risks/print?for=aff-pub")


def test_reports_follow_the_field_rules_of_their_reader(canaries, anonymous_app, db_url):
    from conftest import Cli, sign_in

    canaries.editing.log_interaction("zqperson-dos", "par-pub", actor="editor", on="2026-03-01",
                                     note=PERSONAL["zqinteractionnote"], source=PERSONAL["zqinteractionprov"])
    # The command line reads as an editor: its dossier has the partner's notes, tie sources, the history's text.
    dossier = Cli(db_url)("report", "partner", "par-pub", "--format", "md").output
    for token in ("zqpartnernote", "zqknowssource", "zqinteractionnote"):
        assert token in dossier, token
    anonymous = anonymous_app.test_client()
    pages = {url: anonymous.get(url).get_data(as_text=True) for url in REPORT_PAGES}
    for url, page in pages.items():
        assert [t for t in PERSONAL if t in page.casefold()] == [], url
    assert NOT_PUBLIC["zqnamedos"] in pages["/partners/par-pub/print"]  # people and ties stay, as on their pages
    signed_in = anonymous_app.test_client()
    sign_in(signed_in, canaries, "viewer")
    page = signed_in.get("/partners/par-pub/print").get_data(as_text=True)
    for token in ("zqpartnernote", "zqknowssource", "zqinteractionnote"):
        assert token in page, token


def test_the_public_directory_prints_no_report(public_app):
    client = public_app.test_client()
    for url in REPORT_PAGES:
        assert client.get(url).status_code == 404, url


# -- field classes and the history's free text -----------------------------------------------------


def test_every_free_text_field_editors_write_is_classified_personal():
    for owner, name in (("element", "email"), ("element", "phone"), ("element", "notes"),
                        ("connection", "notes"), ("connection", "source"),
                        ("change", "source"), ("change", "comment")):
        assert field_class(owner, name).personal, (owner, name)
        assert name in PERSONAL_FIELDS
    assert field_class("element", "email") is FieldClass.CONTACT_DETAILS
    assert field_class("change", "comment") is FieldClass.FREE_TEXT
    for owner, name in (("element", "name"), ("element", "role"), ("connection", "strength"),
                        ("connection", "since"), ("change", "author"), ("change", "action")):
        assert field_class(owner, name) is FieldClass.FACT and name not in PERSONAL_FIELDS


def test_redaction_takes_provenance_comments_and_tie_sources_out_of_changes():
    change = {"seq": 3, "author": "ed", "action": "interaction", "source": "a call", "comment": "worried",
              "edits": [{"fields": [{"field": "source", "before": None, "after": "met at a funeral"},
                                    {"field": "last_contact", "before": None, "after": "2026-01"}],
                         "after": {"from": "a", "to": "b", "props": {"source": "met at a funeral"}}}]}
    assert redact(change) == {"seq": 3, "author": "ed", "action": "interaction",
                              "edits": [{"fields": [{"field": "last_contact", "before": None, "after": "2026-01"}],
                                         "after": {"from": "a", "to": "b", "props": {}}}]}


def test_hop_sentences_for_readers_without_personal_data_are_said_without_tie_sources():
    import networkx as nx

    from partnergraph.analysis.explain import describe_passage, describe_tie

    graph = nx.Graph()
    graph.add_nodes_from([("a", {"name": "A"}), ("b", {"name": "B"}), ("c", {"name": "C"})])
    tie = {"type": "KNOWS", "from": "a", "to": "b", "strength": 4, "since": "2019", "source": "a funeral"}
    hidden = PRIVATE_CONNECTION_PROPERTIES
    assert describe_tie(graph, "a", "b", tie) == "A knows B (strength 4, since 2019, source: a funeral)"
    assert describe_tie(graph, "a", "b", tie, hidden=hidden) == "A knows B (strength 4, since 2019)"
    assert describe_tie(graph, "a", "b", {"type": "KNOWS", "source": "x"}, hidden=hidden) == "A knows B"
    entered = {"type": "MEMBER_OF", "from": "a", "to": "c", "since": "2019", "source": "list"}
    left = {"type": "MEMBER_OF", "from": "b", "to": "c", "since": "2018", "source": "z"}
    assert describe_passage(graph, entered, left) == "A and B are both members of C (since 2019, source: list; z)"
    assert describe_passage(graph, entered, left, hidden=hidden) == "A and B are both members of C (since 2019)"


def test_anonymous_history_pages_and_the_changes_api_show_who_and_when_but_no_free_text(anonymous_app):
    client = anonymous_app.test_client()
    changes = client.get("/api/changes").get_json()["changes"]
    assert {c["action"] for c in changes} >= {"import", "update", "interaction", "revert"}
    for change in changes:
        assert "source" not in change and "comment" not in change and change["author"] == "editor"
    interaction = next(c for c in changes if c["action"] == "interaction")
    assert client.get(f"/api/changes/{interaction['seq']}").get_json().keys().isdisjoint({"source", "comment"})
    page = client.get("/history").get_data(as_text=True)
    assert "interaction" in page and "zqinteractionnote" not in page and "Comment:" not in page
    assert "Source:" not in page


# -- statistics in public mode -------------------------------------------------------------------------


def public_statistics(ws: Workspace) -> dict[str, object]:
    answers: dict[str, object] = {}
    for measure in ("degree", "betweenness", "closeness", "pagerank", "eigenvector"):
        for kind in (None, "partner"):
            answers[f"{measure}/{kind}"] = ws.questions.centrality(
                CentralityQuery(measure, kind=kind, top=None, public=True))
    answers["region"] = ws.questions.centrality(CentralityQuery("degree", region="Europe", top=None, public=True))
    answers["communities"] = ws.questions.communities(CommunitiesQuery(public=True))
    answers["coverage"] = ws.questions.coverage(CoverageQuery(statuses=("active", "prospective"), public=True))
    return answers


def test_public_centrality_is_computed_on_the_public_graph_and_reports_its_counts(canaries):
    public = canaries.browse.view_graph(public=True)
    found = canaries.questions.centrality(CentralityQuery("degree", top=None, public=True, include_issues=True))
    assert found["scope"]["nodes"] == public.number_of_nodes()
    assert found["scope"]["edges"] == public.number_of_edges()
    assert found["scope"]["nodes"] < canaries.cache.graph().number_of_nodes()
    assert {r["id"] for r in found["results"]} == set(public.nodes)
    n = public.number_of_nodes()
    for r in found["results"]:  # degree centrality is the public degree over n - 1, nothing else
        assert r["score"] == pytest.approx(public.degree(r["id"]) / (n - 1))
    with pytest.raises(Exception, match="zqprivissue|iss-priv"):
        canaries.questions.centrality(CentralityQuery("degree", issue="iss-priv", public=True))


def test_no_public_statistic_changes_when_only_private_facts_do(canaries):
    """A partner's private degree (how many people hold it) cannot be recovered from public answers."""
    before = public_statistics(canaries)
    people = [{"id": f"zqextra-{i}", "kind": "contact", "name": f"Extra {i}"} for i in range(7)]
    hidden = {"id": "par-hidden", "kind": "partner", "name": "Hidden partner", "region": "Europe",
              "status": "active", "issues": "iss-copy"}
    ties = [{"from": p["id"], "to": to, "type": "HOLDS", "strength": "3"} for p in people for to in ("par-pub", "par-pub2")]
    ties.append({"from": "aff-pub", "to": "par-hidden", "type": "PARTNERS_WITH", "status": "active"})
    canaries.data.import_rows([Row(v, Location("more", i + 2)) for i, v in enumerate([*people, hidden])],
                              [Row(v, Location("more", i + 2)) for i, v in enumerate(ties)])
    assert canaries.cache.graph().degree("par-pub") >= 9
    assert public_statistics(canaries) == before


def test_the_public_viewer_ranks_and_counts_the_public_graph_only(public_app, canaries):
    client = public_app.test_client()
    found = client.get("/api/centrality?measure=degree&top=500").get_json()
    public = canaries.browse.view_graph(public=True)
    assert (found["scope"]["nodes"], found["scope"]["edges"]) == (public.number_of_nodes(), public.number_of_edges())
