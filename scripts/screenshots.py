"""Take the screenshots of the docs (docs/images/*.png) from the real viewer in headless Chromium.

    PYTHONPATH=src python scripts/screenshots.py                 # writes docs/images/
    PYTHONPATH=src python scripts/screenshots.py --out /tmp/shots

Loads the demo network into a temporary embedded store (`partnergraph --db TMP demo --no-serve`),
serves the viewer (`partnergraph.viewer.create_app`, anonymous reading on, as `partnergraph demo`
does) on 127.0.0.1 and a free port, and drives Debian's chromium with Playwright
(executable_path=/usr/bin/chromium; never `playwright install`). Run it again after a change to
the viewer, look at the pictures, and commit them (docs/contributing.md says when).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from partnergraph import config
from partnergraph.cli import main
from partnergraph.services import Workspace
from partnergraph.viewer import create_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
READY = "() => window.partnergraphReady === true"

# Click the middle of the overview's line that the most people make, as a reader would.
CLICK_BUSIEST_LINK = """() => {
    const net = window.partnergraphNetwork;
    const edge = window.partnergraphData.edges.get().sort((a, b) => b.raw.people.length - a.raw.people.length)[0];
    const at = net.getPositions([edge.from, edge.to]);
    const middle = net.canvasToDOM({ x: (at[edge.from].x + at[edge.to].x) / 2, y: (at[edge.from].y + at[edge.to].y) / 2 });
    const box = document.getElementById("graph-canvas").getBoundingClientRect();
    return { x: box.left + middle.x, y: box.top + middle.y };
}"""

# (file name, page, what to wait for: a CSS selector, or READY for the graph's own signal)
SHOTS = [
    ("home.png", "/", "main"),
    ("graph.png", "/graph", READY),
    ("graph-link.png", "/graph", READY),
    ("partner.png", "/partners/par-0001", "main"),
    ("path.png", "/path?from=Aiko+Novak&to=Nordic+Digital+Rights+Forum&warm=1&k=3", "article.path"),
    ("coverage.png", "/analytics/coverage", "main"),
    ("directory.png", "/directory", "main"),
    ("print-view.png", "/partners/par-0008/print?from=aff-0025", "article.report"),
]
# Pages printed to PDF, pictured as Chromium's PDF viewer shows the first page: (file name, page).
PRINTED = [("report-dossier.png", "/partners/par-0008/print?from=aff-0025")]


def printed(page, out: Path, tmp: str) -> list[Path]:
    """Print each PRINTED page to an A4 PDF (print.css lays it out) and picture its first page."""
    written = []
    for name, url in PRINTED:
        page.goto(url)
        pdf = Path(tmp) / f"{name}.pdf"
        page.pdf(path=str(pdf), format="A4")
        page.set_viewport_size({"width": 900, "height": 1200})
        page.goto(pdf.as_uri() + "#toolbar=0&navpanes=0&view=Fit")
        page.wait_for_timeout(2500)  # the PDF viewer draws the page
        target = out / name
        page.screenshot(path=str(target))
        written.append(target)
        print(f"wrote {target} ({target.stat().st_size // 1024} KB) from {url}, printed to PDF")
    return written
# Taken signed in (after the import preview signs in): attendance is personal data.
SIGNED_IN_SHOTS = [
    ("events.png", "/events?for=aff-0002", "#ranked"),
    ("event.png", "/events/ev-pacific-open-access-conference", "#event-gaps"),
    ("briefing.png", "/events/ev-pacific-open-access-conference/briefing?for=Pieter+Abiodun", ".briefing-partner"),
    ("attendance.png", "/analytics/attendance", "#attendance-chart"),
]


# The import preview: a chapter's sheet as it is kept, one partner another chapter brought under another name.
SHEET = ("Partner,Type,Country,Region,Issues,Held by,Since,Strength,Last contact,Status,Follow-up owner\n"
         "Nordic Digital Rights Forum e.V.,NGO,Norway,Europe,open access,Aiko Novak,March 2021,high,2026-10,active,Uri\n"
         "Open Archive Lindmark,Museum,Denmark,Europe,Open access,Aiko Novak and Mara Ek,2019,medium,,active,\n")
EDITOR = ("screenshots.editor", "screenshots only, not a password")


def import_preview(page, out: Path, tmp: str) -> Path:
    """Sign in as an editor, upload the sheet, and take the preview page."""
    sheet = Path(tmp) / "wm-lindmark-partners.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    page.goto("/login")
    page.fill("input[name=name]", EDITOR[0])
    page.fill("input[name=password]", EDITOR[1])
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/edit/import")
    page.set_input_files("#f-file", str(sheet))
    page.fill("#f-from_affiliate", "Wikimedia Lindmark")
    page.fill("#f-provenance", "the partner list we keep")
    page.click("form.editform button[type=submit]")
    page.locator("section.import-preview").wait_for(timeout=60_000)
    target = out / "import-preview.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def computing(page, app, out: Path) -> Path:
    """Take /analytics while its betweenness waits behind a long job (as on a large network): "Computing …"."""
    gate = threading.Event()
    jobs = app.extensions["partnergraph"].ws.jobs
    for worker in range(jobs.workers):
        long_job = jobs.ask("a long analysis", ("screenshots", worker), lambda: gate.wait(60))
        while long_job.state == "queued":  # a worker has it: what the page asks next waits behind them
            long_job.done.wait(0.01)
    try:
        page.goto("/analytics?measure=closeness")
        page.locator(".computing").first.wait_for(timeout=10_000)
        page.wait_for_timeout(2200)  # the seconds count on
        target = out / "computing.png"
        page.screenshot(path=str(target))
    finally:
        gate.set()
    page.locator("#centrality").wait_for(timeout=30_000)  # then the page shows the table by itself
    return target


class Quiet(WSGIRequestHandler):
    def log_request(self, *args: object) -> None:
        pass


def take(out: Path, width: int, height: int) -> list[Path]:
    """Write the screenshots into `out` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.db")
        main(["--db", db, "demo", "--no-serve"], standalone_mode=False)
        with Workspace.open(config.from_env().with_db(db)) as ws:
            ws.accounts.create_account(*EDITOR, "editor")
        settings = replace(config.from_env().with_db(db), anonymous_read=True,
                           secret_key="screenshots only, not a secret")
        app = create_app(settings)
        httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{httpd.server_port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": width, "height": height}, base_url=base)
                for name, url, ready in SHOTS:
                    page.goto(url)
                    if ready == READY:
                        page.wait_for_function(READY, timeout=60_000)
                        page.wait_for_timeout(1500)  # let the drawing settle
                        if name == "graph-link.png":
                            point = page.evaluate(CLICK_BUSIEST_LINK)
                            page.mouse.click(point["x"], point["y"])
                            page.locator("#detail-people li").first.wait_for(timeout=10_000)
                            page.mouse.move(1, 1)  # no tooltip over the picture
                    else:
                        page.locator(ready).first.wait_for(timeout=60_000)
                    target = out / name
                    page.screenshot(path=str(target))
                    written.append(target)
                    print(f"wrote {target} ({target.stat().st_size // 1024} KB) from {url}")
                written.append(computing(page, app, out))
                print(f"wrote {written[-1]} ({written[-1].stat().st_size // 1024} KB) from /analytics, computing")
                written += printed(page, out, tmp)
                page.set_viewport_size({"width": width, "height": height})
                target = import_preview(page, out, tmp)
                written.append(target)
                print(f"wrote {target} ({target.stat().st_size // 1024} KB) from /edit/import")
                for name, url, ready in SIGNED_IN_SHOTS:
                    page.goto(url)
                    page.locator(ready).first.wait_for(timeout=60_000)
                    target = out / name
                    page.screenshot(path=str(target))
                    written.append(target)
                    print(f"wrote {target} ({target.stat().st_size // 1024} KB) from {url}")
                browser.close()
        finally:
            httpd.shutdown()
            thread.join()
            app.extensions["partnergraph"].close()
    return written


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="folder to write")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args()
    take(args.out, args.width, args.height)


if __name__ == "__main__":
    cli()
