"""Printable reports: `report partner`, `report risks`, the viewer's print views, and printing them to PDF.

Answers are pinned on the hand-made network of tests/data/small (drawn in its README), judged as
of 2026-11-15, plus a few rows each test adds for what it checks.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from conftest import Cli, settings_for, sign_in
from partnergraph.io.reports import markdown_text
from partnergraph.model import Location, Row
from partnergraph.services import Workspace
from partnergraph.viewer import create_app

AS_OF = "2026-11-15"
HOSTILE = "<img src=x onerror=alert(1)>|*x*"


def rows(elements: list[dict[str, str]], connections: list[dict[str, str]]) -> tuple[list[Row], list[Row]]:
    here = Location("test", 2)
    return [Row(e, here) for e in elements], [Row(c, here) for c in connections]


def history_day(ws: Workspace, element: str) -> str:
    """Return the day of the newest recorded change about `element` (the day the test ran)."""
    return ws.editing.history(element)["changes"][0]["at"][:10]


def body_and_footer(text: str) -> tuple[str, str]:
    body, _, footer = text.rpartition("\n---\n")
    return body, footer


@pytest.fixture
def dossier(small: Workspace) -> Workspace:
    """The small network with a logged interaction (cai and cc) and an edit of what cc offers."""
    small.editing.log_interaction("cai", "cc", actor="editor", on="2026-11-02", note="planned the summit | *together*",
                                  source="a call")
    small.editing.update_element("cc", {"offers": ["legal expertise", "venues"]}, actor="editor", source="their site")
    return small


def test_an_advocate_prints_a_partner_dossier_in_markdown(dossier: Workspace, cli: Cli):
    answer = cli("report", "partner", "cc", "--format", "md", "--as-of", AS_OF)
    assert answer.exit_code == 0, answer.output
    body, footer = body_and_footer(answer.output)
    day = history_day(dossier, "cc")
    assert body == f"""# Creative Commons: partner dossier

cc · active · ngo · US · North America

> **Warning:** this partnership hangs on one person: Cai Chen

## Contact of record

No one is the contact of record.

## Who holds the relationship

| Person | Affiliates | Strength | Warmth | Since | Last contact | State |
|---|---|--:|--:|---|---|---|
| Cai Chen | Wikimedia Foundation | 5 | 1.0 | 2020-01 | 2026-11-02 | current |

Warmth is the cost of asking them (lower is warmer). Stale: no contact for over 12 months.

## Affiliates involved

| Affiliate | Through | Holders | Partnership |
|---|---|--:|---|
| Wikimedia Deutschland | partnership | 0 | active, since 2020-02 (Copyright reform) |
| Wikimedia Foundation | holders | 1 | none |

## Issues

- Copyright reform

## What it offers

- legal expertise
- venues

## Warmest paths

### From Wikimedia Deutschland's people

1. **Ana Lima → Cai Chen → Creative Commons** (warm, cost 4.327, 3 hops)
    - Ana Lima is a member of Wikimedia Deutschland (board member, since 2015-01)
    - Ana Lima knows Cai Chen (strength 4, since 2019-05, last contact 2026-09, source: Wikimania 2019)
    - Cai Chen holds the relationship with Creative Commons (strength 5, since 2020-01, last contact 2026-11-02, \
source: partner meeting)

## History

| When | Who | What | Details |
|---|---|---|---|
| {day} | editor | update | updated Creative Commons: offers – → legal expertise, venues |
| {day} | editor | interaction | planned the summit \\| \\*together\\*; updated Cai Chen HOLDS Creative Commons: \
last contact 2026-08 → 2026-11-02 |
"""
    assert footer == f"partnergraph · Partner dossier · as of {AS_OF} · source: {markdown_text(dossier.url)}\n"


def test_the_dossier_shows_the_paths_from_the_affiliate_the_advocate_chooses(small: Workspace, cli: Cli):
    answer = cli("report", "partner", "Creative", "--from", "Wikimedia Foundation", "--format", "md", "--as-of", AS_OF)
    assert answer.exit_code == 0, answer.output
    paths = answer.output.split("## Warmest paths\n\n")[1].split("## History")[0]
    assert paths == """### From Wikimedia Foundation's people

1. **Cai Chen → Creative Commons** (warm, cost 2.477, 2 hops)
    - Cai Chen is a member of Wikimedia Foundation
    - Cai Chen holds the relationship with Creative Commons (strength 5, since 2020-01, last contact 2026-08, \
source: partner meeting)

"""
    wrong = cli("report", "partner", "cc", "--from", "cc")
    assert wrong.exit_code == 1 and wrong.output == "error: 'cc' is a partner, not an affiliate\n"


@pytest.fixture
def risky(small: Workspace) -> Workspace:
    """The small network plus: cai also holds lib (two holds), and Nordic Press Office, which wmde partners
    with and nobody holds, has a member Gus whom Ana knows."""
    small.data.import_rows(*rows(
        [{"id": "npo", "kind": "partner", "name": "Nordic Press Office", "region": "Europe", "status": "active"},
         {"id": "gus", "kind": "contact", "name": "Gus Berg", "region": "Europe", "member_of": "npo"}],
        [{"from": "cai", "to": "lib", "type": "HOLDS", "strength": "3", "last_contact": "2026-10"},
         {"from": "wmde", "to": "npo", "type": "PARTNERS_WITH", "status": "active"},
         {"from": "ana", "to": "gus", "type": "KNOWS", "strength": "4", "last_contact": "2026-10"}]))
    return small


def test_the_risks_report_groups_risks_by_region_each_with_a_next_step(risky: Workspace, cli: Cli):
    answer = cli("report", "risks", "--overload", "1", "--format", "md", "--as-of", AS_OF)
    assert answer.exit_code == 0, answer.output
    body, footer = body_and_footer(answer.output)
    assert body == """# Relationships at risk

As of 2026-11-15: 4 partners at risk · 3 stale ties · 1 overloaded holder. A tie is stale after 12 months \
without contact; a holder is overloaded above 1 partnership.

## Africa

### Partners at risk

| Partner | Status | Risk | Next step |
|---|---|---|---|
| University of Nairobi Press | prospective | held by one person: Dia Mwangi | Ask Dia Mwangi to bring in a colleague \
from Wikimedia Kenya User Group |

## Europe

### Partners at risk

| Partner | Status | Risk | Next step |
|---|---|---|---|
| Nordic Press Office | active | held by nobody | Ana Lima could take it on, introduced through Gus Berg (warm path) |

### Stale ties

| Between | And | Type | Last contact | Months | Next step |
|---|---|---|---|--:|---|
| Ben Okoro | National Library of Freedonia | HOLDS | 2024-05 | 30 | Eli Cohen is in touch with National Library \
of Freedonia: let them carry it, or Ben Okoro renews contact |
| Eli Cohen | Fay Wu | KNOWS | 2025-01 | 22 | Eli Cohen to get back in touch with Fay Wu |

## Latin America \\& Caribbean

### Partners at risk

| Partner | Status | Risk | Next step |
|---|---|---|---|
| Old Coalition | dormant | held by nobody; dormant (status is dormant) | No affiliate partners with it and nobody \
holds it: decide whether to revive or close it |

## North America

### Partners at risk

| Partner | Status | Risk | Next step |
|---|---|---|---|
| Creative Commons | active | held by one person: Cai Chen | Ask Cai Chen to bring in a colleague from Wikimedia \
Foundation |

### Stale ties

| Between | And | Type | Last contact | Months | Next step |
|---|---|---|---|--:|---|
| Cai Chen | Dia Mwangi | KNOWS | 2024-02 | 33 | Cai Chen to get back in touch with Dia Mwangi |

### Overloaded holders

| Person | Holds | Held by them alone | Next step |
|---|--:|---|---|
| Cai Chen | 2 | Creative Commons | Hand over what Cai Chen holds alone (Creative Commons) to colleagues from \
Wikimedia Foundation |
"""
    assert footer == f"partnergraph · Relationships at risk · as of {AS_OF} · source: {markdown_text(risky.url)}\n"


def test_the_risks_report_for_one_affiliate_keeps_its_partners_and_people(risky: Workspace, cli: Cli):
    answer = cli("report", "risks", "--for", "wmde", "--format", "md", "--as-of", AS_OF)
    assert answer.exit_code == 0, answer.output
    headings = [line for line in answer.output.splitlines() if line.startswith("#")]
    # wmde partners with cc and npo; Ben (a member) holds lib, gone stale. Africa and old are not wmde's.
    assert headings == ["# Relationships at risk: Wikimedia Deutschland", "## Europe", "### Partners at risk",
                        "### Stale ties", "## North America", "### Partners at risk"]
    assert "| Ben Okoro | National Library of Freedonia | HOLDS |" in answer.output
    assert "Eli Cohen | Fay Wu" not in answer.output and "Old Coalition" not in answer.output


def test_an_html_report_is_one_self_contained_page_that_shows_names_as_text(small: Workspace, cli: Cli,
                                                                             tmp_path: Path):
    small.data.import_rows(*rows([{"id": "evil", "kind": "partner", "name": HOSTILE, "region": "Europe"}], []))
    target = tmp_path / "risks.html"
    answer = cli("report", "risks", "-o", str(target), "--as-of", AS_OF)
    assert answer.exit_code == 0 and answer.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<style>" in page and "@media print" in page
    assert "&lt;img src=x onerror=alert(1)&gt;|*x*" in page and "<img" not in page
    assert "<script" not in page and "<link" not in page and "src=" not in page.replace("&lt;img src=x", "")
    assert f"as of {AS_OF} · source: {small.url}" in page
    markdown = cli("report", "risks", "--format", "md", "--as-of", AS_OF).output
    row = next(line for line in markdown.splitlines() if "onerror" in line)
    assert row.startswith("| \\<img src=x onerror=alert(1)\\>\\|\\*x\\* |  | held by nobody |")
    assert row.replace("\\|", "").count("|") == 5  # the name's pipe does not add a column


@pytest.mark.parametrize("args, code, message", [
    (("partner", "nobody-at-all"), 1, "error: no element with id or name 'nobody-at-all'"),
    (("partner", "cai"), 1, "error: 'cai' is a contact, not a partner"),
    (("risks", "--for", "cc"), 1, "error: 'cc' is a partner, not an affiliate"),
    (("risks", "--format", "pdf"), 2, "Invalid value for '--format'"),
    (("risks", "--overload", "0"), 2, "--overload must be at least 1"),
    (("partner", "cc", "-o", "no/such/folder/x.html"), 1, "error: no/such/folder/x.html: No such file or directory"),
])
def test_a_bad_report_request_fails_in_one_line_and_writes_nothing(small: Workspace, cli: Cli, args, code, message,
                                                                   tmp_path: Path, monkeypatch):
    work = tmp_path / "out"
    work.mkdir()
    monkeypatch.chdir(work)
    answer = cli("report", *args)
    assert answer.exit_code == code, answer.output
    assert message in answer.output and "Traceback" not in answer.output
    if code == 1:
        assert answer.output.count("\n") == 1
    assert list(work.iterdir()) == []


# -- the viewer's print views ---------------------------------------------------------------------


@pytest.fixture
def anonymous_app(dossier: Workspace, db_url: str):
    app = create_app(settings_for(db_url, anonymous_read=True))
    yield app
    app.extensions["partnergraph"].close()


def test_the_print_views_show_the_report_and_personal_fields_only_to_signed_in_readers(anonymous_app,
                                                                                     dossier: Workspace):
    anonymous = anonymous_app.test_client()
    page = anonymous.get("/partners/cc/print").get_data(as_text=True)
    assert "Creative Commons" in page and "Cai Chen" in page and "Ana Lima → Cai Chen → Creative Commons" in page
    assert f"source: {dossier.url}" in page
    for personal in ("partner meeting", "Wikimania 2019", "planned the summit", "a call", "their site"):
        assert personal not in page, personal
    editor = anonymous_app.test_client()
    sign_in(editor, dossier, "editor")
    page = editor.get("/partners/cc/print").get_data(as_text=True)
    assert "partner meeting" in page and "planned the summit | *together*" in page
    risks = anonymous.get("/analytics/risks/print?for=wmde").get_data(as_text=True)
    assert "Relationships at risk: Wikimedia Deutschland" in risks and "Ben Okoro" in risks


def test_the_print_views_are_linked_answer_head_and_refuse_bad_requests(anonymous_app):
    client = anonymous_app.test_client()
    assert 'href="/partners/cc/print"' in client.get("/partners/cc").get_data(as_text=True)
    assert 'href="/analytics/risks/print"' in client.get("/analytics").get_data(as_text=True)
    for url in ("/partners/cc/print", "/analytics/risks/print"):
        head = client.head(url)
        assert head.status_code == 200 and head.data == b""
        assert client.post(url).status_code == 405
    assert client.get("/partners/no-such-partner/print").status_code == 404
    assert client.get("/partners/cai/print").status_code == 400
    assert client.get("/partners/cc/print?from=cai").status_code == 400
    assert client.get("/analytics/risks/print?for=cc").status_code == 400


def test_the_public_directory_has_no_print_views(small: Workspace, db_url: str):
    app = create_app(settings_for(db_url), public=True)
    try:
        client = app.test_client()
        assert client.get("/partners/cc/print").status_code == 404
        assert client.get("/analytics/risks/print").status_code == 404
    finally:
        app.extensions["partnergraph"].close()


# -- printing to PDF in the real browser ----------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


def pdf_pages(url: str) -> list[str]:
    """Return the text of each page of `url` printed to PDF (A4) by headless Chromium."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    pypdf = pytest.importorskip("pypdf", reason="pip install pypdf (the test extra)")
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: apt-get install chromium")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(url)
            document = page.pdf(format="A4")
        finally:
            browser.close()
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(document)).pages]


def test_the_printed_risks_report_repeats_table_heads_and_the_footer_on_every_page(small: Workspace, db_url: str):
    # Forty partners each held by one person gone quiet: tables longer than a page.
    people = [{"id": f"p{i:02}", "kind": "contact", "name": f"Person {i:02}", "region": "Europe"} for i in range(40)]
    partners = [{"id": f"org{i:02}", "kind": "partner", "name": f"Organisation {i:02}", "region": "Europe",
                 "status": "active"} for i in range(40)]
    holds = [{"from": f"p{i:02}", "to": f"org{i:02}", "type": "HOLDS", "strength": "2", "last_contact": "2023-01"}
             for i in range(40)]
    small.data.import_rows(*rows(people + partners, holds))
    from test_browser import serve  # the live server of the browser tests

    for base in serve(create_app(settings_for(db_url, anonymous_read=True))):
        pages = pdf_pages(base + "/analytics/risks/print")
    assert len(pages) >= 3
    for number, text in enumerate(pages, 1):
        footer = f"partnergraph · Relationships at risk · as of {date.today()} · source: {small.url}"
        assert "".join(footer.split()) in "".join(text.split()), number  # a long store URL wraps
        assert "Path finder" not in text and "Back to analytics" not in text, number  # no navigation on paper
        assert "Next step" in text, number  # every page is a table's continuation: its head repeats
    everything = " ".join(" ".join(pages).split())  # a cell's words wrap onto lines
    assert all(f"Organisation {i:02}" in everything for i in range(40))
    assert "Relationships at risk" in pages[0] and "Creative Commons" in everything
