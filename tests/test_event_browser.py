"""The events pages in a real browser (Debian's chromium, driven by Playwright; see tests/test_browser.py).

The small network with the events of tests/test_event_pages.py, served on 127.0.0.1. A signed-in
advocate ranks events for an affiliate, opens the event page, and prints a briefing; the graph
draws an event as a star in its own colour whatever the colour scheme.
"""

from __future__ import annotations

import pytest

from conftest import PASSWORD, settings_for
from partnergraph.services import Workspace, accounts
from partnergraph.viewer import create_app
from test_browser import CHROMIUM, READY, browser, checked_page, serve  # noqa: F401 (browser: a fixture)
from test_event_pages import add_events

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


@pytest.fixture
def page(browser, small: Workspace, db_url: str):  # noqa: F811 (browser: the fixture imported above)
    add_events(small)
    accounts.Accounts(small.store).create_account("advocate", PASSWORD, "viewer")
    app = create_app(settings_for(db_url, anonymous_read=True, secret_key="test secret key, not for production"))
    for base in serve(app):
        yield from checked_page(browser, base)


def sign_in(page) -> None:
    page.goto("/login")
    page.fill("input[name=name]", "advocate")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/")


def test_an_advocate_ranks_events_opens_one_and_prints_a_briefing(page):
    sign_in(page)
    page.click("nav >> text=Events")
    assert "Freedom Summit 2031" in page.locator("#events-upcoming").inner_text()
    page.select_option("select[name=for]", "wmde")
    page.click("#events-filters button[type=submit]")
    first = page.locator(".ranked-event").first
    assert first.get_attribute("data-id") == "summit" and "score " in first.inner_text()
    assert "1 held by nobody (Old Coalition)" in first.inner_text()
    first.locator("a", has_text="Freedom Summit 2031").click()
    assert "Old Coalition" in page.locator("#event-gaps").inner_text()
    assert "Ana Lima" in page.locator("#event-ours").inner_text()
    page.fill("#event-ours input[name=for]", "Ben Okoro")
    page.click("#event-ours button[type=submit]")
    assert page.locator("h1").inner_text() == "Briefing: Freedom Summit 2031"
    cc = page.locator('.briefing-partner[data-id="cc"]').inner_text()
    assert "ask Cai Chen (not at the event) to introduce you to Creative Commons" in cc
    page.emulate_media(media="print")  # printable: the briefing alone, no navigation or form
    assert not page.locator("header.topbar").is_visible() and not page.locator("#briefing-form").is_visible()
    assert page.locator('.briefing-partner[data-id="cc"]').is_visible()


def test_the_graph_draws_an_event_as_a_star_in_its_own_colour_in_every_scheme(page):
    page.goto("/graph?center=summit&depth=1")
    page.wait_for_function(READY)
    summit = page.evaluate("() => window.partnergraphData.nodes.get('summit')")
    assert summit["shape"] == "star" and summit["color"]["background"] == "#e11d48"
    for scheme in ("region", "community", "kind"):
        page.select_option("#graph-colour", scheme)
        colour = page.evaluate("() => window.partnergraphData.nodes.get('summit').color.background")
        assert colour == "#e11d48", scheme
        assert "event" in page.locator("#graph-legend").inner_text(), scheme
    # An anonymous reader: the event and its organisers, never a line to someone who attends.
    assert "ana" not in set(page.evaluate("() => window.partnergraphData.nodes.getIds()"))
