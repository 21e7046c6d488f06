"""The print views: a partner's dossier and the risks report, as the `report` command writes them.

The same data as `partnergraph report` (services/reports.py), inside the viewer's frame; the
viewer's print style (web/static/print.css) drops the navigation and repeats table heads on
paper. Anonymous readers of a private viewer get no personal field; the public directory has no
print views (they are about people).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from partnergraph.services.reports import PartnerReportQuery, RisksReportQuery
from partnergraph.viewer.common import as_allowed, personal_data_allowed, private_only, state, text_arg

print_pages = Blueprint("print_pages", __name__)


@print_pages.get("/partners/<path:partner_id>/print")
def partner(partner_id: str) -> Any:
    """Show a partner's dossier to print; ?from=AFFILIATE chooses whose people's paths it shows."""
    private_only()
    query = PartnerReportQuery(partner_id, source=text_arg("from"), personal=personal_data_allowed())
    with state().workspace() as ws:
        report = as_allowed(ws.reports.partner(query))
    return render_template("report_print.html", r=report, body="reports/partner.html",
                           title=f"{report['partner']['name']}: partner dossier")


@print_pages.get("/analytics/risks/print")
def risks() -> Any:
    """Show the risks report to print; ?for=AFFILIATE narrows it to one affiliate."""
    private_only()
    query = RisksReportQuery(text_arg("for"), personal=personal_data_allowed())
    with state().workspace() as ws:
        report = as_allowed(ws.reports.risks(query))
    return render_template("report_print.html", r=report, body="reports/risks.html", title="Relationships at risk")
