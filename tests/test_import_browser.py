"""An editor brings a spreadsheet in a real browser: upload, preview, decide a duplicate, confirm (both stores)."""

from __future__ import annotations

from pathlib import Path

from partnergraph.services import Workspace
from test_browser import browser, checked_page, server  # noqa: F401 - the browser tests' fixtures

PASSWORD = "a long enough test password"
SHEET = ("Partner,Status,Held by,Since,Strength,Issues,Follow-up owner\n"
         "Creative Commons Inc.,active,Ana Lima,March 2021,high,copyright reform,Ben\n"
         "Digital Freedom League,active,Ana Lima,2019,medium,Open access,\n")


def test_an_editor_uploads_a_sheet_previews_it_merges_a_duplicate_and_confirms(browser, server, small: Workspace,  # noqa: F811
                                                                              tmp_path: Path):
    small.accounts.create_account("chapter.editor", PASSWORD, "editor")
    sheet = tmp_path / "our-partners.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    for page in checked_page(browser, server):
        page.goto("/login")
        page.fill("input[name=name]", "chapter.editor")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(server + "/")
        page.goto("/edit/import")
        assert page.locator("a.template-link").count() == 1
        page.set_input_files("#f-file", str(sheet))
        page.fill("#f-from_affiliate", "Wikimedia Deutschland")
        page.fill("#f-provenance", "the partner list we keep")
        page.click("form.editform button[type=submit]")
        preview = page.locator("section.import-preview")
        preview.wait_for()
        assert "Nothing has been written yet" in page.content()
        assert page.locator("tr[data-counts=elements] td").first.inner_text() == "2"  # the league, and CC Inc. unless merged
        assert "Follow-up owner" in page.locator("ul.warnings").inner_text()
        row = page.locator("table.duplicates tr[data-pair]")
        assert row.count() == 1 and "Creative Commons" in row.inner_text()
        assert small.store.get("digital-freedom-league") is None  # a preview writes nothing
        # Confirming without a decision keeps the preview and asks for one.
        page.click("form.import-confirm button[type=submit]")
        page.locator("text=still undecided").wait_for()
        page.locator("table.duplicates input[value=merge]").check()
        page.click("form.import-confirm button[type=submit]")
        page.locator("p.done").wait_for(timeout=60_000)
        assert "Imported:" in page.locator("p.done").inner_text()
        page.goto("/partners/digital-freedom-league")
        assert "Wikimedia Deutschland's partner list (our-partners.csv)" in page.locator("p.provenance").inner_text()
        assert "Creative Commons Inc." in small.store.get("cc").props["aliases"]
