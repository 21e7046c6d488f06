"""The viewer in a real browser: Debian's chromium driven by Playwright, against a live server.

Each test serves the small network (plus a partner with a hostile name) from a real store on
127.0.0.1 and checks what a user sees and does. Every page also must log no console error, open no
dialog, and send no request to any host other than 127.0.0.1.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import settings_for
from partnergraph.model import Location, Row
from partnergraph.services import Workspace
from partnergraph.viewer import create_app

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

HOSTILE = "<img src=x onerror=alert(1)>"
READY = "() => window.partnergraphReady === true"


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def server(small: Workspace, db_url: str):
    """Serve the small network (and a hostile name) on 127.0.0.1 and a free port; yield the base URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: object) -> None:
            pass

    small.data.import_rows(
        [Row({"id": "evil", "kind": "partner", "name": HOSTILE, "region": "Europe", "status": "active"},
             Location("test", 2))],
        [Row({"from": "cai", "to": "evil", "type": "HOLDS", "strength": "3"}, Location("test", 2))])
    app = create_app(settings_for(db_url, anonymous_read=True))
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
    app.extensions["partnergraph"].close()


@pytest.fixture
def page(browser, server):
    """Return a fresh page; after the test, check it logged no error and stayed on 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1300, "height": 850}, base_url=server)
    page = context.new_page()
    errors: list[str] = []
    hosts: set[str] = set()
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname or urlparse(r.url).scheme))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()
    assert errors == []
    assert dialogs == []
    assert hosts <= {"127.0.0.1", "data", "blob"}, hosts


def wait_for_nodes(page, count: int) -> None:
    page.wait_for_function("n => window.partnergraphReady === true && window.partnergraphData.nodes.length === n",
                           arg=count)


def node_ids(page) -> set[str]:
    return set(page.evaluate("() => window.partnergraphData.nodes.getIds()"))


def click_node(page, node_id: str) -> None:
    """Click where vis drew a node, as a user would."""
    point = page.evaluate("""(id) => {
        const net = window.partnergraphNetwork;
        return net.canvasToDOM(net.getPositions([id])[id]);
    }""", node_id)
    box = page.locator("#graph-canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_the_graph_draws_the_ego_network_of_an_element(page):
    page.goto("/graph?center=cai&depth=1")
    page.wait_for_function(READY)
    assert node_ids(page) == {"cai", "ana", "dia", "cc", "wmf", "evil"}
    drawn = page.evaluate("() => Object.keys(window.partnergraphNetwork.getPositions())")
    assert set(drawn) == node_ids(page)
    assert "6 elements" in page.locator("#graph-message").inner_text()
    page.select_option("#graph-depth", "2")
    page.wait_for_function(READY)
    assert {"wmde", "uni"} <= node_ids(page)


def test_clicking_a_node_opens_its_details_then_expand_and_open_its_page(page):
    page.goto("/graph?center=cai&depth=1")
    page.wait_for_function(READY)
    click_node(page, "cc")
    detail = page.locator("#graph-detail")
    detail.wait_for(state="visible")
    assert page.locator("#detail-name").inner_text() == "Creative Commons"
    assert page.locator("#detail-open").get_attribute("href") == "/partners/cc"
    page.locator("#detail-props dt", has_text="issues").wait_for()  # filled from /api/nodes/cc
    page.click("#detail-expand")
    page.wait_for_function(READY)
    assert {"wmde", "copyright"} <= node_ids(page)
    page.click("#detail-open")
    page.wait_for_url("**/partners/cc")
    assert page.locator("h1").inner_text() == "Creative Commons"


def test_filters_change_the_view(page):
    page.goto("/graph")
    page.wait_for_function(READY)
    assert len(node_ids(page)) == 16
    page.uncheck("input[name=kind][value=contact]")
    wait_for_nodes(page, 10)  # a filter reloads the view a moment later: wait for the new one
    kinds = set(page.evaluate("() => window.partnergraphData.nodes.map(n => n.raw.kind)"))
    assert kinds == {"affiliate", "partner", "issue"}
    page.select_option("#graph-region", "Africa")
    wait_for_nodes(page, 4)
    assert node_ids(page) == {"wmke", "uni", "copyright", "open-access"}
    page.check("input[name=kind][value=contact]")
    page.select_option("#graph-region", "")
    page.fill("#graph-limit", "5")
    page.locator("#graph-limit").dispatch_event("change")
    wait_for_nodes(page, 5)
    assert len(node_ids(page)) == 5
    assert "Showing 5 of 16 elements" in page.locator("#graph-message").inner_text()


def test_search_focuses_an_element_and_shows_it(page):
    page.goto("/graph?center=cai&depth=1")
    page.wait_for_function(READY)
    page.fill("#graph-search", "Eli Co")
    page.locator("#graph-search-results button", has_text="Eli Cohen").click()
    page.locator("#detail-name", has_text="Eli Cohen").wait_for()
    page.wait_for_function(READY)
    assert "eli" in node_ids(page)


def test_the_path_finder_shows_the_path_hop_by_hop_and_as_a_graph(page):
    page.goto("/partners/cc")
    page.click("text=Find a path to this partner")
    page.fill("#path-from", "Ana Lima")
    page.click("button:has-text('Find paths')")
    first = page.locator("article.path").first
    first.wait_for()
    assert "Path 1" in first.inner_text()
    assert "Ana Lima knows Cai Chen" in first.locator(".hops").inner_text()
    drawn = page.evaluate("() => window.partnergraphPaths[0].body.data.nodes.getIds()")
    assert drawn == ["ana", "cai", "cc"]


def test_hostile_names_show_as_text_in_the_graph_and_the_pages(page):
    page.goto("/graph?center=evil&depth=1")
    page.wait_for_function(READY)
    click_node(page, "evil")
    page.locator("#graph-detail").wait_for(state="visible")
    assert page.locator("#detail-name").inner_text() == HOSTILE
    page.goto("/partners/evil")
    assert page.locator("h1").inner_text() == HOSTILE
    assert page.locator("img").count() == 0


def test_the_current_view_exports_as_png(page):
    page.goto("/graph?center=ana&depth=2")
    page.wait_for_function(READY)
    png = page.evaluate("() => window.partnergraphExportPng()")
    assert png.startswith("data:image/png;base64,") and len(png) > 5000
    with page.expect_download() as download:
        page.click("#graph-png")
    assert download.value.suggested_filename == "partnergraph-ana.png"


def test_home_search_leads_to_a_partner_page(page):
    page.goto("/")
    assert page.locator(".figure").count() >= 4
    page.fill("input[name=q] >> nth=1", "Freedonia")
    page.press("input[name=q] >> nth=1", "Enter")
    page.click("text=National Library of Freedonia")
    assert page.locator("h1").inner_text() == "National Library of Freedonia"
    assert "Eli Cohen" in page.locator("table.holders").inner_text()


def test_the_coverage_heat_map_colours_each_cell_by_its_number_of_partners(page):
    page.goto("/analytics/coverage")
    table = page.locator("#coverage")
    assert table.locator("tbody tr").count() == 2  # copyright, open access
    covered = table.locator("td.heat-1")
    assert covered.count() == 2 and covered.first.inner_text() == "1"
    assert covered.first.get_attribute("title") == "Creative Commons"
    # The colours come from the stylesheet (no inline style): a gap and a covered cell differ.
    background = "(el) => getComputedStyle(el).backgroundColor"
    gap = table.locator("td.heat-0").first.evaluate(background)
    assert covered.first.evaluate(background) == "rgb(227, 236, 251)" and gap == "rgb(251, 227, 225)"
    page.hover("nav .navmenu > a")
    page.click("nav .navmenu-items >> text=Communities")
    page.wait_for_url("**/analytics/communities")
    assert page.locator("article.community").count() >= 4


def test_the_directory_filters_by_region_issue_type_and_offer(page, small):
    small.editing.update_element("lib", {"offers": "venues; Legal expertise"}, actor="t", source="test")
    small.editing.update_element("cc", {"offers": "campaigning; legal expertise"}, actor="t", source="test")
    page.goto("/directory")
    names = page.locator(".directory-entry h3")
    assert sorted(names.all_inner_texts()) == ["Creative Commons", "National Library of Freedonia", "Old Coalition"]
    assert page.locator("select[name=type] option").all_inner_texts() == ["every type", "Coalition", "GLAM", "NGO"]
    assert page.locator("select[name=offers] option").all_inner_texts() == [
        "anything", "campaigning", "legal expertise", "venues"]

    page.select_option("select[name=type]", "glam")
    page.click("#directory-filters button[type=submit]")
    page.wait_for_url("**type=glam**")
    assert names.all_inner_texts() == ["National Library of Freedonia"]
    assert page.locator("#directory-count").inner_text() == "1 partner"

    page.select_option("select[name=type]", "")
    page.select_option("select[name=offers]", "legal expertise")
    page.click("#directory-filters button[type=submit]")
    page.wait_for_url("**offers=legal**")
    assert sorted(names.all_inner_texts()) == ["Creative Commons", "National Library of Freedonia"]

    page.select_option("select[name=region]", "North America")
    page.select_option("select[name=issue]", "copyright")
    page.click("#directory-filters button[type=submit]")
    page.wait_for_url("**region=North**")
    assert names.all_inner_texts() == ["Creative Commons"]
    routes = page.locator("#partner-cc .routes li").all_inner_texts()
    assert any("Wikimedia Deutschland" in r and "partners formally" in r for r in routes)
    assert any("Wikimedia Foundation" in r and "1 person holds it" in r for r in routes)
    assert "Cai" not in page.content()  # the holder is counted, never named

    # An offer chip narrows to that offer.
    page.click("#partner-cc .offers a.chip:has-text('campaigning')")
    page.wait_for_url("**offers=campaigning**")
    assert names.all_inner_texts() == ["Creative Commons"]
