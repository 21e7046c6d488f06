"""Sharing what one sees: `export-view` and "Download as HTML" (one HTML file of a view), and Gephi files
(GEXF, GraphML) that carry the viewer's picture.

The standalone page is opened in the real headless Chromium with the network blocked: every
request but the file itself is aborted, and none may be attempted. The small network
(tests/data/small) gets a partner with a hostile name, held by cai.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import networkx as nx
import pytest

from conftest import Cli, settings_for, sign_in
from partnergraph.model import Location, Row
from partnergraph.schema import KIND_COLOURS, Kind
from partnergraph.services import Workspace
from partnergraph.services.options import GraphQuery
from partnergraph.viewer import create_app

HOSTILE = "<img src=x onerror=alert(1)>"
DATA = re.compile(r'<script type="application/json" id="standalone-data">(.*?)</script>', re.S)
SMALL_IDS = {"wmf", "wmde", "wmke", "cc", "lib", "uni", "old", "ana", "ben", "cai", "dia", "eli", "fay",
             "copyright", "open-access"}


def hex_colour(kind: str) -> str:
    return KIND_COLOURS[Kind.parse(kind)]


def page_data(html: str) -> dict:
    """Return the view a standalone page embeds: pyvis's nodes and edges, options, details."""
    return json.loads(DATA.search(html).group(1))


@pytest.fixture
def hostile(small: Workspace) -> Workspace:
    """Return the small network with a partner whose name is markup, held by cai."""
    small.data.import_rows(
        [Row({"id": "evil", "kind": "partner", "name": HOSTILE, "region": "Europe", "status": "active"},
             Location("test", 2))],
        [Row({"from": "cai", "to": "evil", "type": "HOLDS", "strength": "3"}, Location("test", 2))])
    return small


# -- the command ------------------------------------------------------------------------------------


def test_an_advocate_exports_a_partners_network_as_one_file_with_the_graph_pages_view(small: Workspace, db_url,
                                                                                    tmp_path):
    out = tmp_path / "cc.html"
    result = Cli(db_url)("export-view", "-o", str(out), "--center", "Creative Commons", "--depth", "2")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote ") and str(out) in result.output
    html = out.read_text(encoding="utf-8")
    # Nothing from another host: no src or href attribute at all, vis-network inlined.
    assert not re.search(r"<(script|link|img)[^>]*\b(src|href)=", html)
    assert "vis.Network" in html and "Content-Security-Policy" in html
    data = page_data(html)
    expected = small.browse.ego_graph(GraphQuery(center="cc", depth=2, physics_limit=0))
    assert {n["id"] for n in data["nodes"]} == {n["id"] for n in expected["nodes"]} == {
        "cc", "cai", "wmde", "copyright", "ana", "dia", "wmf", "ben"}
    assert {(e["from"], e["to"]) for e in data["edges"]} == {(e["from"], e["to"]) for e in expected["edges"]}
    where = {n["id"]: (n["x"], n["y"]) for n in expected["nodes"]}
    for node in data["nodes"]:
        # The server layout's positions, physics off; coloured by kind as the graph page opens a centre.
        assert (node["x"], node["y"]) == where[node["id"]] and node["physics"] is False
        assert node["color"]["background"] == hex_colour(data["details"][node["id"]]["kind"])
    assert data["options"]["physics"] == {"enabled": False}
    assert "holds the relationship with" in html and "Shapes" in html  # the legend
    # Sized by connections in the view: cai and wmde have 4 (the largest), ben 1 (the smallest).
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    assert sizes["cai"] == sizes["wmde"] == 34.0 and sizes["ben"] == 6.0


def test_the_command_refuses_bad_input_in_one_line_and_writes_nothing(small: Workspace, db_url, tmp_path):
    cli = Cli(db_url)
    out = tmp_path / "x.html"
    for args, message in ((["--center", "nobody-at-all"], "nobody-at-all"),
                          (["--overview", "--center", "cc"], "--overview"),
                          (["--depth", "9", "--center", "cc"], "--depth")):
        result = cli("export-view", "-o", str(out), *args)
        assert result.exit_code in (1, 2), result.output
        assert message in result.output and "Traceback" not in result.output
        assert not out.exists()
    result = cli("export-view", "-o", str(tmp_path / "no-such-folder" / "x.html"))
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "does not exist" in result.output
    result = cli("export-view", "-o", str(tmp_path))
    assert result.exit_code in (1, 2) and not list(tmp_path.glob("*.partial"))


def test_an_editors_file_holds_contact_details_and_a_public_file_no_person(small: Workspace, db_url, tmp_path):
    cli = Cli(db_url)
    mine, public = tmp_path / "mine.html", tmp_path / "public.html"
    assert cli("export-view", "-o", str(mine), "--center", "ana").exit_code == 0
    details = page_data(mine.read_text(encoding="utf-8"))["details"]
    rows = dict(map(tuple, details["ana"]["rows"]))
    assert rows["email"] == "ana@example.org" and rows["notes"] == "prefers Signal" and "phone" in rows
    result = cli("export-view", "-o", str(public), "--public")
    assert result.exit_code == 0, result.output
    html = public.read_text(encoding="utf-8")
    data = page_data(html)
    assert {d["kind"] for d in data["details"].values()} <= {"affiliate", "partner", "issue"}
    assert "uni" not in data["details"] and "cc" in data["details"]  # uni is not public
    for secret in ("Ana Lima", "Cai Chen", "@", "prefers Signal", "+49"):
        assert secret not in html.split('id="standalone-data">')[1].split("</script>")[0], secret
    assert "no people" in html


# -- in the browser ---------------------------------------------------------------------------------


def open_offline(browser, path: Path):
    """Open a file with every other request aborted; return the page, its errors and what it tried to fetch."""
    page = browser.new_page(viewport={"width": 1300, "height": 850})
    errors: list[str] = []
    attempted: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def only_the_file(route):
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()
    page.route("**/*", only_the_file)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.partnergraphReady === true")
    return page, errors, attempted, dialogs


def click_node(page, node_id: str) -> None:
    point = page.evaluate("""(id) => {
        const net = window.partnergraphNetwork;
        return net.canvasToDOM(net.getPositions([id])[id]);
    }""", node_id)
    box = page.locator("#graph-canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_file_opens_offline_and_a_click_shows_the_details_with_names_as_text(hostile: Workspace, browser,
                                                                              tmp_path):
    out = tmp_path / "everything.html"
    hostile.sharing.write_view(out, GraphQuery(), personal=True)
    page, errors, attempted, dialogs = open_offline(browser, out)
    try:
        assert set(page.evaluate("() => window.partnergraphData.nodes.getIds()")) == SMALL_IDS | {"evil"}
        assert page.evaluate("() => document.querySelectorAll('img').length") == 0
        labels = page.evaluate("() => window.partnergraphLabels().map((l) => l.text)")
        assert HOSTILE in labels  # drawn on the canvas as text
        click_node(page, "evil")
        page.locator("#graph-detail").wait_for(state="visible")
        assert page.locator("#detail-name").text_content() == HOSTILE
        assert page.locator("#detail-kind").text_content() == "partner"
        props = page.locator("#detail-props").inner_text()
        assert "Held by" in props and "Cai Chen" in props
        click_node(page, "cc")
        page.wait_for_function("() => document.getElementById('detail-name').textContent === 'Creative Commons'")
        props = page.locator("#detail-props").inner_text()
        assert "Held by\tCai Chen" in props or "Held by\nCai Chen" in props
        assert "Issues" in props and "Copyright reform" in props
        page.mouse.move(0, 0)
        box = page.locator("#graph-canvas").bounding_box()
        point = page.evaluate("""() => { const n = window.partnergraphNetwork;
            return n.canvasToDOM(n.getPositions(['evil']).evil); }""")
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        page.locator("div.vis-tooltip").wait_for(state="visible")
        assert HOSTILE in page.locator("div.vis-tooltip").inner_text()
        assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    finally:
        page.close()
    assert errors == [] and dialogs == []
    assert attempted == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_graph_pages_button_downloads_the_view_shown(small: Workspace, db_url, browser, tmp_path):
    from werkzeug.serving import make_server

    app = create_app(settings_for(db_url, secret_key="test secret key, not for production", anonymous_read=True))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(accept_downloads=True, base_url=f"http://127.0.0.1:{httpd.server_port}")
    try:
        page = context.new_page()
        page.goto("/graph?center=cc&depth=1")
        page.wait_for_function("() => window.partnergraphReady === true")
        page.select_option("#graph-colour", "region")
        href = page.locator("#graph-html").get_attribute("href")
        assert href.startswith("/graph/download?") and "center=cc" in href and "colour=region" in href
        with page.expect_download() as info:
            page.click("#graph-html")
        saved = tmp_path / "saved.html"
        info.value.save_as(saved)
        assert info.value.suggested_filename == "partnergraph-cc.html"
        data = page_data(saved.read_text(encoding="utf-8"))
        shown = set(page.evaluate("() => window.partnergraphData.nodes.getIds()"))
        assert {n["id"] for n in data["nodes"]} == shown == {"cc", "cai", "wmde", "copyright"}
        colours = page.evaluate("() => window.partnergraphData.nodes.get().map((n) => [n.id, n.color.background])")
        assert {n["id"]: n["color"]["background"] for n in data["nodes"]} == dict(colours)  # the same picture
    finally:
        context.close()
        httpd.shutdown()
        thread.join()
        app.extensions["partnergraph"].close()


# -- in the viewer ----------------------------------------------------------------------------------


def test_the_viewer_downloads_the_view_as_an_attachment_with_what_the_reader_may_see(small: Workspace, db_url):
    app = create_app(settings_for(db_url, secret_key="test secret key, not for production", anonymous_read=True))
    try:
        anonymous = app.test_client()
        for method in ("GET", "HEAD"):
            answer = anonymous.open("/graph/download?center=ana&depth=1", method=method)
            assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
            assert answer.headers["Content-Disposition"] == 'attachment; filename="partnergraph-ana.html"'
            assert answer.mimetype == "text/html"
        details = page_data(anonymous.get("/graph/download?center=ana").get_data(as_text=True))["details"]
        rows = dict(map(tuple, details["ana"]["rows"]))
        assert rows["Member of"] == "Wikimedia Deutschland" and not {"email", "phone", "notes"} & set(rows)
        for bad in ("?depth=9&center=ana", "?kind=bogus", "?colour=bogus", "?center=ana&view=overview"):
            answer = anonymous.get("/graph/download" + bad)
            assert answer.status_code == 400, bad
        assert anonymous.get("/graph/download?center=nobody-at-all").status_code == 404
        assert anonymous.post("/graph/download").status_code in (400, 405)
        signed_in = app.test_client()
        sign_in(signed_in, small, "viewer")
        details = page_data(signed_in.get("/graph/download?center=ana").get_data(as_text=True))["details"]
        assert dict(map(tuple, details["ana"]["rows"]))["email"] == "ana@example.org"
        overview = signed_in.get("/graph/download?view=overview&kind=affiliate&kind=partner&colour=community")
        assert overview.headers["Content-Disposition"] == 'attachment; filename="partnergraph-overview.html"'
        assert {n["id"] for n in page_data(overview.get_data(as_text=True))["nodes"]} == {
            "wmf", "wmde", "wmke", "cc", "lib", "uni", "old"}
        # The pages offer it: the graph page (its script points it at the view shown) and each element's page.
        assert 'id="graph-html"' in signed_in.get("/graph").get_data(as_text=True)
        assert "/graph/download?center=cc" in signed_in.get("/partners/cc").get_data(as_text=True)
    finally:
        app.extensions["partnergraph"].close()


def test_who_attended_an_event_stays_out_of_the_file_of_a_reader_who_is_not_signed_in(small: Workspace, db_url):
    small.data.import_rows(
        [Row({"id": "summit", "kind": "event", "name": "Open Summit", "start": "2026-05-01", "region": "Europe"},
             Location("test", 2))],
        [Row({"from": "ana", "to": "summit", "type": "ATTENDS", "status": "attended"}, Location("test", 3)),
         Row({"from": "wmde", "to": "summit", "type": "ORGANISES"}, Location("test", 4))])
    app = create_app(settings_for(db_url, secret_key="test secret key, not for production", anonymous_read=True))
    try:
        anonymous, signed_in = app.test_client(), app.test_client()
        sign_in(signed_in, small, "viewer")
        mine = page_data(signed_in.get("/graph/download?center=summit").get_data(as_text=True))
        theirs = page_data(anonymous.get("/graph/download?center=summit").get_data(as_text=True))
    finally:
        app.extensions["partnergraph"].close()
    assert {n["id"] for n in mine["nodes"]} == {"summit", "wmde", "ana"}
    assert dict(map(tuple, mine["details"]["summit"]["rows"]))["Attendees"] == "Ana Lima"
    assert next(n for n in mine["nodes"] if n["id"] == "summit")["shape"] == "star"
    # Ana was shown only because she attended: she goes, with the line and the section.
    assert {n["id"] for n in theirs["nodes"]} == {"summit", "wmde"}
    rows = dict(map(tuple, theirs["details"]["summit"]["rows"]))
    assert rows["connections"] == "1" and rows["Organisers"] == "Wikimedia Deutschland" and "Attendees" not in rows
    assert all("ATTENDS" not in e["types"] for e in theirs["edge_details"])


def test_the_public_viewer_downloads_the_public_directory_only(small: Workspace, db_url):
    app = create_app(settings_for(db_url), public=True)
    try:
        html = app.test_client().get("/graph/download").get_data(as_text=True)
        kinds = {d["kind"] for d in page_data(html)["details"].values()}
        assert kinds <= {"affiliate", "partner", "issue"} and "Cai Chen" not in html
    finally:
        app.extensions["partnergraph"].close()


# -- Gephi ------------------------------------------------------------------------------------------


def test_gephi_opens_a_gexf_export_at_the_viewers_positions_and_colours(small: Workspace, db_url, tmp_path):
    cli = Cli(db_url)
    out = tmp_path / "graph.gexf"
    assert cli("export", "--format", "gexf", "-o", str(out)).exit_code == 0
    graph = nx.read_gexf(out)
    viewer = small.browse.ego_graph(GraphQuery(view="all", limit=2000, physics_limit=0))
    where = {n["id"]: (n["x"], n["y"]) for n in viewer["nodes"]}
    assert set(graph) == set(where) == SMALL_IDS
    for node, data in graph.nodes(data=True):
        viz = data["viz"]
        # Gephi's y axis points up, the browser's down: y is negated so the picture is the right way up.
        assert (viz["position"]["x"], -viz["position"]["y"]) == pytest.approx(where[node])
        colour = hex_colour(data["kind"])
        assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == tuple(
            int(colour[i:i + 2], 16) for i in (1, 3, 5))
        assert 6.0 <= viz["size"] <= 34.0
    assert graph.nodes["cai"]["viz"]["size"] == 34.0  # the best connected (5 connections)
    assert cli("export", "--format", "gexf", "--no-layout", "-o", str(out)).exit_code == 0
    assert "viz" not in nx.read_gexf(out).nodes["cai"]


def test_graphml_and_metrics_files_carry_the_picture_when_asked(small: Workspace, db_url, tmp_path):
    cli = Cli(db_url)
    plain, drawn, metrics = tmp_path / "plain.graphml", tmp_path / "drawn.graphml", tmp_path / "metrics.gexf"
    assert cli("export", "--format", "graphml", "-o", str(plain)).exit_code == 0
    assert "x" not in nx.read_graphml(plain).nodes["cai"]
    assert cli("export", "--format", "graphml", "--layout", "-o", str(drawn)).exit_code == 0
    cai = nx.read_graphml(drawn).nodes["cai"]
    assert (cai["r"], cai["g"], cai["b"], cai["size"]) == (0x1f, 0x9d, 0x8b, 34.0)
    layout = small.sharing.whole_layout()
    assert (cai["x"], -cai["y"]) == pytest.approx(layout["cai"])
    assert cli("metrics", "--format", "gexf", "-o", str(metrics)).exit_code == 0
    node = nx.read_gexf(metrics).nodes["cai"]
    assert "betweenness" in node and node["viz"]["size"] == 34.0
    result = cli("export", "--format", "json", "--layout", "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 1 and "layout applies to GraphML and GEXF" in result.output
    assert not (tmp_path / "x.json").exists()


def test_a_public_gexf_is_drawn_from_the_public_graph_alone(small: Workspace, db_url, tmp_path):
    out = tmp_path / "public.gexf"
    assert Cli(db_url)("export", "--format", "gexf", "--public", "-o", str(out)).exit_code == 0
    graph = nx.read_gexf(out)
    public = small.sharing.whole_layout(public=True)
    assert set(graph) == set(public) and "cai" not in graph
    for node, data in graph.nodes(data=True):
        assert (data["viz"]["position"]["x"], -data["viz"]["position"]["y"]) == pytest.approx(public[node])
