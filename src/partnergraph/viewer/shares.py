"""Sharing a view from the viewer: the graph page's "Download as HTML" (docs/viewer.md#download-as-html)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response

from partnergraph.services.sharing import COLOUR_BY
from partnergraph.viewer.common import choice_arg, graph_query, personal_data_allowed, state

shares = Blueprint("shares", __name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@shares.get("/graph/download")
def download_view() -> Any:
    """Answer the standalone page of a view as an attachment: the /api/graph options, and colour=region|kind|community.

    It holds what the reader may see: personal fields only for a signed-in user, the public
    directory alone in public mode (services/sharing.py).
    """
    query = graph_query(public=state().public)
    colour = choice_arg("colour", COLOUR_BY, None)
    with state().workspace() as ws:
        page, found = ws.sharing.view_page(query, personal=personal_data_allowed(), colour_by=colour)
    about = _UNSAFE.sub("-", found["center"]["id"]).strip("-")[:60] if found.get("center") else ""
    name = f"partnergraph-{about or found.get('view') or 'graph'}.html"
    return Response(page, mimetype="text/html", headers={"Content-Disposition": f'attachment; filename="{name}"'})
