"""Attack inputs: script payloads in every text field, Cypher-injection strings through every parameter.

Script payloads sit in every free-text field of every kind and relationship (names, ids, type,
region, website, tags, notes, email, phone, role, source, status) and every page and API answer is
read (the routes enumerated from the app's URL map): a payload shows as text, never as markup, and
a `javascript:` website never becomes a link. In a real Chromium the pages, the graph (labels,
tooltips, detail panel) and the path finder fire no dialog and hold no injected element.

Cypher-injection strings go through every CLI parameter, every import field and every viewer
path and query parameter, on both stores: the store holds exactly what it held, and a string that
was stored comes back as the same data.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlparse

import click
import pytest
from click.testing import CliRunner
from flask import Flask

from conftest import NEO4J_PASSWORD, PASSWORD, sign_in
from crawl import every_url
from partnergraph.cli import main
from partnergraph.config import Settings
from partnergraph.io.backup import content_digest
from partnergraph.io.standalone import SCRIPTS as STANDALONE_SCRIPTS
from partnergraph.model import Location, Row
from partnergraph.services import Workspace, accounts
from partnergraph.viewer import create_app

IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = '"><script>alert(2)</script>'
SVG = "'><svg onload=alert(3)>"
TEMPLATE = "{{7*7}}"
CLOSE = "</script><script>alert(4)</script>"
JS_URL = "javascript:alert(5)"
PAYLOADS = (IMG, BREAKOUT, SVG, TEMPLATE, CLOSE, JS_URL)
# Ids may hold anything but whitespace and ';'.
HOSTILE_IDS = {
    "affiliate": "javascript:alert(11)",
    "partner": 'x"><img/src=x/onerror=alert(12)>',
    "contact": "</script><svg/onload=alert(13)>",
    "issue": TEMPLATE,
}
SCRIPT_ELEMENTS = [
    {"id": HOSTILE_IDS["affiliate"], "kind": "affiliate", "name": BREAKOUT, "type": SVG, "region": IMG,
     "website": JS_URL, "status": CLOSE, "public": "true", "tags": f"{IMG};{TEMPLATE}", "notes": CLOSE,
     "issues": HOSTILE_IDS["issue"]},
    {"id": HOSTILE_IDS["partner"], "kind": "partner", "name": IMG, "type": BREAKOUT, "region": SVG,
     "website": " JavaScript:alert(6)", "status": "active", "public": "true", "tags": f"{CLOSE};{BREAKOUT}",
     "notes": IMG, "issues": HOSTILE_IDS["issue"]},
    {"id": HOSTILE_IDS["contact"], "kind": "contact", "name": SVG, "type": TEMPLATE, "region": BREAKOUT,
     "website": JS_URL, "email": IMG, "phone": BREAKOUT, "role": CLOSE, "tags": SVG, "notes": TEMPLATE,
     "member_of": HOSTILE_IDS["affiliate"]},
    {"id": HOSTILE_IDS["issue"], "kind": "issue", "name": CLOSE, "type": IMG, "notes": SVG, "tags": JS_URL},
]
SCRIPT_CONNECTIONS = [
    {"from": "cai", "to": HOSTILE_IDS["contact"], "type": "KNOWS", "strength": "5", "source": IMG, "notes": BREAKOUT,
     "last_contact": "2026-01"},
    {"from": HOSTILE_IDS["contact"], "to": HOSTILE_IDS["partner"], "type": "HOLDS", "strength": "4", "source": SVG,
     "notes": CLOSE},
    {"from": HOSTILE_IDS["contact"], "to": "cc", "type": "HOLDS", "strength": "2", "source": TEMPLATE},
    {"from": "ana", "to": HOSTILE_IDS["affiliate"], "type": "MEMBER_OF", "role": IMG, "notes": SVG},
    {"from": HOSTILE_IDS["affiliate"], "to": HOSTILE_IDS["partner"], "type": "PARTNERS_WITH", "status": BREAKOUT,
     "issues": HOSTILE_IDS["issue"], "source": CLOSE, "notes": JS_URL},
    {"from": "wmde", "to": HOSTILE_IDS["partner"], "type": "PARTNERS_WITH", "status": "active"},
]
ATTACK_QUERIES = [f"?q={quote(p)}" for p in PAYLOADS] + [
    "", "?limit=2000", "?group=issue", "?measure=betweenness&top=500", "?for=wmde",
    f"?region={quote(IMG)}&group=region", f"?region={quote(SVG)}", f"?status={quote(BREAKOUT)}",
]
ATTACK_PER_ELEMENT = [
    "?center={id}&depth={depth}&limit=2000",
    "?from=ana&to={id}&k=3&warm=1&q={id}&org={id}&partner={id}",
    "?issue={id}&group=issue&for={id}&via_issue={id}&avoid={id}",
]


def rows(elements: list[dict[str, str]], connections: list[dict[str, str]]) -> tuple[list[Row], list[Row]]:
    return ([Row(v, Location("attack", i + 2)) for i, v in enumerate(elements)],
            [Row(v, Location("attack", i + 2)) for i, v in enumerate(connections)])


def ids_of(workspace: Workspace) -> list[str]:
    return [e.id for e in workspace.store.snapshot().elements]


@pytest.fixture
def hostile(small: Workspace) -> Workspace:
    """Return the small network with a hostile element of every kind, tied to it by every relationship."""
    small.data.import_rows(*rows(SCRIPT_ELEMENTS, SCRIPT_CONNECTIONS))
    return small


@pytest.fixture
def signed_in(hostile: Workspace, db_url: str) -> Iterator[Any]:
    """Return a client signed in as an editor: it sees every field, personal ones too, and the edit forms."""
    app = create_app(Settings(db=db_url, neo4j_password=NEO4J_PASSWORD))
    client = app.test_client()
    sign_in(client, hostile, "editor")
    yield client
    app.extensions["partnergraph"].close()


@pytest.fixture
def public_app(hostile: Workspace, db_url: str) -> Iterator[Flask]:
    app = create_app(Settings(db=db_url, neo4j_password=NEO4J_PASSWORD), public=True)
    yield app
    app.extensions["partnergraph"].close()


# -- script payloads in HTML ------------------------------------------------------------------------


class Markup(HTMLParser):
    """Collect what a page would execute or follow: tags, event handlers, script tags, link targets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("img", "svg", "iframe", "object", "embed", "base", "frame"):
            self.problems.append(f"<{tag}> element")
        if tag == "script" and not ((values.get("src") or "").startswith("/static/")
                                    or values.get("type") == "application/json"):
            self.problems.append(f"inline script {values}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name in ("href", "src", "action", "formaction", "data") and value is not None:
                scheme = urlparse(value.strip()).scheme.lower()
                if scheme not in ("", "http", "https"):
                    self.problems.append(f"<{tag} {name}={value!r}> is no http(s) link")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def inlined_scripts(response) -> int:
    """Return how many inline scripts a page may hold: those the standalone page of a view inlines
    (a download, opened from a file: vis-network and its own scripts), none on a page the viewer serves."""
    attachment = response.headers.get("Content-Disposition", "").startswith("attachment")
    return len(STANDALONE_SCRIPTS) if attachment else 0


def check_html(url: str, body: str, inlined: int = 0) -> str:
    """Assert `body` holds no injected markup (and `inlined` inline scripts, its own); return its text (entities decoded)."""
    parser = Markup()
    parser.feed(body)
    parser.close()
    scripts = [p for p in parser.problems if p.startswith("inline script")]
    assert [p for p in parser.problems if p not in scripts] == [] and len(scripts) == inlined, (url, parser.problems)
    for payload in (IMG, BREAKOUT, SVG, CLOSE):
        assert payload not in body, (url, payload)
    return "".join(parser.text)


def test_script_payloads_show_as_text_on_every_page_and_in_every_answer(hostile, signed_in):
    app = signed_in.application
    shown_as_text: set[str] = set()
    read = 0
    for url in every_url(app, ids_of(hostile), queries=ATTACK_QUERIES, per_element=ATTACK_PER_ELEMENT,
                         param_queries=("", "?format=json", "?depth=2")):
        response = signed_in.get(url)
        read += 1
        assert response.status_code < 500, (url, response.status_code)
        if response.mimetype.endswith("spreadsheetml.sheet"):  # the import template: a download, never shown
            assert response.headers["Content-Disposition"].startswith("attachment")
            continue
        body = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            text = check_html(url, body, inlined_scripts(response))
            shown_as_text.update(p for p in PAYLOADS if p in text)
        else:  # JSON is data: served as JSON, never sniffed as HTML (and /kinds.css is the schema's colours)
            assert response.mimetype in ("application/json", "text/csv", "application/xml", "text/xml", "text/css"), (url, response.mimetype)
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert read > 500
    assert shown_as_text == set(PAYLOADS)  # every payload reached a page, as text


def test_a_hostile_element_round_trips_as_data_through_the_api(hostile, signed_in):
    for element in SCRIPT_ELEMENTS:
        found = signed_in.get("/api/nodes/" + quote(element["id"], safe="")).get_json()
        assert found["id"] == element["id"] and found["name"] == element["name"]
        for key in ("type", "region", "website", "email", "phone", "role", "notes"):
            if key in element:
                assert found["properties"][key] == element[key].strip() or found["properties"][key] == element[key]
    results = signed_in.get("/api/search?q=" + quote(IMG)).get_json()["results"]
    assert HOSTILE_IDS["partner"] in [r["id"] for r in results]
    knows = signed_in.get("/api/nodes/cai").get_json()["knows"]
    assert {"source": IMG, "notes": BREAKOUT}.items() <= next(k for k in knows if k["id"] == HOSTILE_IDS["contact"])["relation"].items()


def test_the_template_payload_is_not_evaluated(hostile, signed_in):
    page = signed_in.get("/issues/" + quote(TEMPLATE)).get_data(as_text=True)
    assert "<h1>" + CLOSE.replace("<", "&lt;").replace(">", "&gt;") + "</h1>" in page
    assert f'<span class="muted">{TEMPLATE}</span>' in page  # its id, shown as is, not 49
    contact = signed_in.get("/contacts/" + quote(HOSTILE_IDS["contact"], safe="")).get_data(as_text=True)
    assert f"<dd>{TEMPLATE}</dd>" in contact  # its notes


def test_a_javascript_website_never_becomes_a_link(hostile, signed_in, public_app):
    public = public_app.test_client()
    for client, url in ((public, "/"), (public, "/directory?group=issue"), (signed_in, "/directory"),
                        (public, "/partners/" + quote(HOSTILE_IDS["partner"], safe="")),
                        (signed_in, "/affiliates/" + quote(HOSTILE_IDS["affiliate"], safe=""))):
        page = client.get(url).get_data(as_text=True)
        check_html(url, page)
        assert 'href="javascript' not in page.lower() and "href=\" javascript" not in page.lower(), url
    entry = next(p for p in public.get("/api/directory").get_json()["partners"] if p["id"] == HOSTILE_IDS["partner"])
    assert entry["website"] is None
    assert entry["routes"][0]["url"] is None  # its affiliate's website is a javascript: URL too


def test_script_payloads_in_the_public_directory_show_as_text(public_app):
    client = public_app.test_client()
    for url in every_url(public_app, [HOSTILE_IDS["partner"], HOSTILE_IDS["affiliate"], HOSTILE_IDS["issue"]],
                         queries=ATTACK_QUERIES, per_element=ATTACK_PER_ELEMENT):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.mimetype == "text/html":
            check_html(url, response.get_data(as_text=True), inlined_scripts(response))
    home = client.get("/").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in home  # the hostile partner's name, as text


# -- script payloads in a real browser --------------------------------------------------------------

# `browser`: Debian's chromium, headless (tests/conftest.py).
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["img", "svg", "iframe", "object", "embed", "base"].includes(tag)) found.push("<" + tag + ">");
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) found.push(tag + " " + a.name);
      if (["href", "src", "action", "formaction"].includes(a.name) && /^\\s*(javascript|vbscript|data):/i.test(a.value)
          && !a.value.startsWith("data:image/png")) found.push(tag + " " + a.name + "=" + a.value);
    }
  }
  for (const s of document.scripts) {
    if (s.type !== "application/json" && !(s.src && new URL(s.src).pathname.startsWith("/static/"))) found.push("inline script");
  }
  return found;
}"""
READY = "() => window.partnergraphReady === true"


@pytest.fixture
def live(hostile: Workspace, db_url: str) -> Iterator[tuple[str, Flask]]:
    """Serve the hostile network on 127.0.0.1 with an editor's account; yield the base URL and the app."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: object) -> None:
            pass

    accounts.Accounts(hostile.store).create_account("editor", PASSWORD, "editor")  # sees the edit forms too
    app = create_app(Settings(db=db_url, neo4j_password=NEO4J_PASSWORD))
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    thread.join()
    app.extensions["partnergraph"].close()


@pytest.fixture
def page(browser, live):
    """Return a signed-in page; after the test, check that no dialog opened and nothing was refused."""
    base, _ = live
    context = browser.new_context(viewport={"width": 1300, "height": 850}, base_url=base)
    tab = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    # A CSP refusal is logged as a console error: it would mean a payload became a script.
    tab.on("console", lambda m: errors.append(m.text)
           if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    tab.goto("/login")
    tab.fill("input[name=name]", "editor")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("#login-form button[type=submit]")
    tab.wait_for_url(base + "/")
    yield tab
    context.close()
    assert dialogs == []
    assert errors == []


def assert_clean(tab, where: str) -> None:
    assert tab.evaluate(INJECTED) == [], where


def test_no_page_runs_a_payload_in_a_real_browser(page, live):
    _, app = live
    pages = [url for url in every_url(app, list(HOSTILE_IDS.values()), queries=["", "?q=" + quote(IMG)])
             if not url.startswith("/api/") and ".xlsx" not in url.split("?")[0]  # a download is no page
             and not url.startswith("/graph/download")]  # (the standalone page: tests/test_export_view.py)
    pages.append("/analytics/prospects?for=" + quote(HOSTILE_IDS["affiliate"], safe="") + "&partner="
                 + quote(HOSTILE_IDS["partner"], safe=""))
    shown = 0
    for url in pages:
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        page.wait_for_load_state("load")
        assert_clean(page, url)
        shown += 1
    assert shown > 20
    page.goto("/contacts/" + quote(HOSTILE_IDS["contact"], safe=""))
    assert page.locator("h1").inner_text() == SVG
    assert IMG in page.locator(".props").inner_text()  # the email, as text


def test_the_graph_shows_payloads_as_text_in_labels_tooltips_and_the_detail_panel(page):
    for element_id in HOSTILE_IDS.values():
        page.goto("/graph?center=" + quote(element_id, safe="") + "&depth=2")
        page.wait_for_function(READY)
        names = page.evaluate("() => window.partnergraphData.nodes.map(n => n.name)")  # drawn with fillText
        assert {IMG, BREAKOUT, SVG, CLOSE} <= set(names)
        point = page.evaluate("""(id) => {
            const net = window.partnergraphNetwork;
            return net.canvasToDOM(net.getPositions([id])[id]);
        }""", element_id)
        box = page.locator("#graph-canvas").bounding_box()
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        page.locator("div.vis-tooltip").wait_for(state="visible")  # the tooltip, built with textContent
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        page.locator("#graph-detail").wait_for(state="visible")
        page.locator("#detail-props dt", has_text="connections").wait_for()
        page.wait_for_timeout(200)  # the detail panel's properties arrive from /api/nodes
        assert_clean(page, element_id)
    page.goto("/graph?center=" + quote(HOSTILE_IDS["contact"], safe="") + "&depth=1")
    page.wait_for_function(READY)
    page.fill("#graph-search", "alert")
    page.locator("#graph-search-results button").first.wait_for()
    assert_clean(page, "graph search")


def test_the_path_finder_shows_payloads_as_text(page):
    page.goto("/path?from=ana&to=" + quote(HOSTILE_IDS["partner"], safe="") + "&k=3")
    page.locator("article.path").first.wait_for()
    page.wait_for_function("() => window.partnergraphPaths.length > 0")
    assert IMG in page.locator("#path-results").inner_text()
    drawn = page.evaluate("() => window.partnergraphPaths[0].body.data.nodes.get().map(n => n.label)")
    assert IMG in drawn
    assert_clean(page, "path")
    page.fill("#path-to", "<img")
    page.wait_for_timeout(500)  # the suggestions come from /api/search into a datalist
    assert_clean(page, "path suggestions")


# -- Cypher injection -------------------------------------------------------------------------------

INJECTIONS = (
    "'}) DETACH DELETE n //",
    '" OR 1=1 //',
    "$id",
    "`x`}) MATCH (m) DETACH DELETE m //",
    "\\u0027}) MATCH (m) DETACH DELETE m //",
    "\u0027 OR 1=1 //",
)
# Ids cannot hold whitespace: the same attacks, packed.
INJECTION_IDS = ("'})DETACH/**/DELETE/**/n//", '"OR/**/1=1//', "$id", "`x`})MATCH(m)DETACH/**/DELETE/**/m//",
                 "\\u0027})MATCH(m)DETACH/**/DELETE/**/m//", "\u0027OR/**/1=1//")


def digest(db_url: str) -> str:
    """Return the hash of everything a store holds, read afresh."""
    with Workspace.open(Settings(db=db_url, neo4j_password=NEO4J_PASSWORD)) as ws:
        snapshot = ws.store.snapshot()
        return content_digest(snapshot.elements, snapshot.connections)


def injection_rows() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    elements, connections = [], []
    for n, (text, ident) in enumerate(zip(INJECTIONS, INJECTION_IDS, strict=True)):
        elements.append({"id": ident, "kind": "partner", "name": text, "type": text, "region": text, "website": text,
                         "status": "active", "public": "true", "tags": text, "notes": text})
        elements.append({"id": f"{ident}-person", "kind": "contact", "name": f"{text} {n}", "email": text,
                         "phone": text, "role": text, "member_of": ident})
        connections.append({"from": f"{ident}-person", "to": ident, "type": "HOLDS", "strength": "3",
                            "source": text, "notes": text, "since": "2020-01"})
        connections.append({"from": "ana", "to": f"{ident}-person", "type": "KNOWS", "source": text, "notes": text})
        connections.append({"from": "wmde", "to": ident, "type": "PARTNERS_WITH", "status": text, "notes": text})
    return elements, connections


def test_injection_strings_import_as_data_and_touch_nothing_else(small, db_url):
    before = small.store.snapshot()
    elements, connections = injection_rows()
    small.data.import_rows(*rows(elements, connections))
    after = small.store.snapshot()
    imported = {e["id"] for e in elements}
    kept = [e for e in after.elements if e.id not in imported]
    kept_links = [c for c in after.connections if c.source not in imported and c.target not in imported]
    assert content_digest(kept, kept_links) == content_digest(before.elements, before.connections)
    stored = {e.id: e for e in after.elements}
    for row in elements:
        element = stored[row["id"]]
        assert element.name == row["name"]
        for key in ("type", "region", "website", "notes", "email", "phone", "role"):
            if key in row:
                assert element.props[key] == row[key], (row["id"], key)
    links = {c.key: c for c in after.connections}
    for text, ident in zip(INJECTIONS, INJECTION_IDS, strict=True):
        assert links[(f"{ident}-person", ident, "HOLDS")].props["source"] == text
        assert links[("wmde", ident, "PARTNERS_WITH")].props["status"] == text
    small.data.import_rows(*rows(elements, connections))  # idempotent, as any import
    assert digest(db_url) == content_digest(after.elements, after.connections)


def cli_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Yield every leaf command of the CLI with its words (e.g. ("user", "add"))."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from cli_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def injected_args(command: click.Command, text: str) -> list[str]:
    """Return arguments that put `text` into every text or path parameter; required others get a valid value."""
    args: list[str] = []
    for param in command.params:
        free = param.type.name in ("text", "path", "file", "filename")
        if isinstance(param, click.Argument):
            args.append(text if free else str(param.type.choices[0]) if isinstance(param.type, click.Choice) else "1")
        elif free:
            args += [param.opts[0], text]
        elif param.required:
            args += [param.opts[0], str(param.type.choices[0]) if isinstance(param.type, click.Choice) else "1"]
    return args


# Commands that would serve until stopped.
BLOCKING = {("serve",), ("demo",)}


def test_injection_through_every_cli_parameter_changes_nothing(small, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # commands that write files write here
    before = digest(db_url)
    runner = CliRunner(env={"NEO4J_PASSWORD": NEO4J_PASSWORD})
    ran = 0
    for words, command in cli_commands():
        if words in BLOCKING:
            continue
        for text in INJECTIONS:
            args = ["--db", db_url, *words, *injected_args(command, text)]
            result = runner.invoke(main, args, input=f"{PASSWORD}\n{PASSWORD}\ny\n")
            ran += 1
            assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.output)
            assert result.exit_code in (0, 1, 2), (args, result.output)
            assert "Traceback" not in result.output, args
    assert ran > 100
    assert digest(db_url) == before


def test_an_injected_account_name_is_refused_and_changes_no_account(small, db_url):
    runner = CliRunner(env={"NEO4J_PASSWORD": NEO4J_PASSWORD})
    added = runner.invoke(main, ["--db", db_url, "user", "add", "admin.1", "--role", "admin", "--password-stdin"],
                          input=f"{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    before = runner.invoke(main, ["--db", db_url, "user", "list", "--json"]).output
    for text in INJECTIONS:
        for words in (["user", "add", text, "--role", "viewer", "--password-stdin"], ["user", "remove", text],
                      ["user", "set-role", text, "viewer"], ["user", "disable", text]):
            result = runner.invoke(main, ["--db", db_url, *words], input=f"{PASSWORD}\ny\n")
            assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, (words, result.output)
    assert runner.invoke(main, ["--db", db_url, "user", "list", "--json"]).output == before


def test_injection_through_every_viewer_parameter_changes_nothing(small, db_url):
    elements, connections = injection_rows()
    small.data.import_rows(*rows(elements, connections))
    before = digest(db_url)
    app = create_app(Settings(db=db_url, neo4j_password=NEO4J_PASSWORD))
    try:
        client = app.test_client()
        sign_in(client, small, "viewer")
        queries = [""] + [
            "?" + "&".join(f"{name}={quote(text)}" for name in (
                "q", "center", "from", "to", "avoid", "via_issue", "to_issue", "to_region", "issue", "region",
                "status", "kind", "measure", "size", "org", "for", "partner", "group", "format", "types"))
            for text in INJECTIONS]
        per_element = ["?center={id}&depth=2", "?from=ana&to={id}&avoid={id}", "?q={id}&issue={id}&for={id}"]
        read = 0
        for url in every_url(app, [*INJECTIONS, *INJECTION_IDS], queries=queries, per_element=per_element):
            response = client.get(url)
            read += 1
            assert response.status_code < 500, (url, response.status_code, response.get_data(as_text=True)[:200])
        assert read > 300
        assert digest(db_url) == before
        for text, ident in zip(INJECTIONS, INJECTION_IDS, strict=True):  # and the strings come back as data
            found = client.get("/api/nodes/" + quote(ident, safe="")).get_json()
            assert found["id"] == ident and found["name"] == text and found["properties"]["notes"] == text
            results = client.get("/api/search?q=" + quote(text)).get_json()["results"]
            assert ident in [r["id"] for r in results]
            holders = client.get("/api/holders/" + quote(ident, safe="")).get_json()["holders"]
            assert [h["source"] for h in holders] == [text]
    finally:
        app.extensions["partnergraph"].close()


def test_injection_through_the_edit_api_is_stored_as_data_and_touches_nothing_else(small, db_url):
    from conftest import csrf_from

    before = small.store.snapshot()
    app = create_app(Settings(db=db_url, neo4j_password=NEO4J_PASSWORD))
    try:
        client = app.test_client()
        sign_in(client, small, "editor")
        headers = {"X-CSRF-Token": csrf_from(client.get("/"))}
        for text, ident in zip(INJECTIONS, INJECTION_IDS, strict=True):
            notes = {"provenance": text, "comment": text}
            created = client.post("/api/elements", headers=headers, json={
                "element": {"id": ident, "kind": "partner", "name": text, "notes": text, "region": text}, **notes})
            assert created.status_code == 201, created.get_json()
            path = "/api/elements/" + quote(ident, safe="")
            changed = client.patch(path, headers=headers, json={"element": {"type": text, "tags": [text]},
                                                                "rev": created.get_json()["rev"], **notes})
            assert changed.status_code == 200, changed.get_json()
            tie = client.post("/api/connections", headers=headers, json={
                "connection": {"from": "ana", "to": ident, "type": "HOLDS", "source": text, "notes": text}, **notes})
            assert tie.status_code == 201, tie.get_json()
            found = client.get(path).get_json()["element"]
            assert {k: found[k] for k in ("id", "name", "notes", "region", "type")} == {
                "id": ident, "name": text, "notes": text, "region": text, "type": text}
            history = client.get("/api/history/" + quote(ident, safe="")).get_json()["changes"]
            assert {c["source"] for c in history} == {text}
            # Injection through the ids of a read and of a delete that matches nothing.
            for method in (client.get, client.delete):
                answer = method("/api/connections?" + "&".join(
                    f"{k}={quote(v)}" for k, v in (("from", text), ("to", ident), ("type", "HOLDS"))), headers=headers)
                assert answer.status_code in (400, 404), answer.get_json()
        after = small.store.snapshot()
        ours = set(INJECTION_IDS)
        kept = [e for e in after.elements if e.id not in ours]
        kept_links = [c for c in after.connections if c.target not in ours]
        assert content_digest(kept, kept_links) == content_digest(before.elements, before.connections)
        assert len(after.elements) == len(before.elements) + len(INJECTION_IDS)
    finally:
        app.extensions["partnergraph"].close()


TRAVERSALS = (
    "/static/../pyproject.toml",
    "/static/..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/vendor/../../../pyproject.toml",
    "/static/..%5c..%5cpyproject.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/elements/..%2f..%2f..%2fetc%2fpasswd",
    "/contacts/../../../etc/passwd",
    "/api/nodes/..%2f..%2fpyproject.toml",
    "/history/..%2f..%2fpyproject.toml",
)


@pytest.mark.parametrize("url", TRAVERSALS)
def test_paths_in_urls_never_reach_files_outside_the_static_folder(editor_client, url):
    response = editor_client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code in (301, 302, 308, 400, 404), (url, response.status_code)
    assert "[project]" not in body and "root:x:0:0" not in body
