"""The Flask viewer: pages and a JSON API over one store, served by the app itself, offline.

`create_app(settings)` builds the app; `serve(app, host, port)` runs it (the CLI's `serve` and
`demo`); gunicorn runs `partnergraph.viewer:create_app()`, which reads settings from the
environment through `partnergraph.config`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from partnergraph import config
from partnergraph.model import PartnergraphError, StoreError, UnknownNode
from partnergraph.services import Workspace
from partnergraph.viewer.common import WEB_ROOT, ViewerState, describe_error

# No inline script or style, nothing from another host; images may be data: (vis-network's
# CSS icons) and blob: (PNG export). vis-network sets element styles from script (CSSOM), which
# a style-src without 'unsafe-inline' allows.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SERVER_HEADER = "partnergraph"


def create_app(settings: config.Settings | None = None, *, public: bool | None = None) -> Flask:
    """Return the viewer app on the store of `settings` (default: from the environment)."""
    from partnergraph.viewer import auth
    from partnergraph.viewer.account_pages import account_pages
    from partnergraph.viewer.api import api
    from partnergraph.viewer.edit_api import edit_api
    from partnergraph.viewer.edit_pages import edit
    from partnergraph.viewer.event_pages import event_api, event_pages
    from partnergraph.viewer.import_pages import imports
    from partnergraph.viewer.pages import pages
    from partnergraph.viewer.print_pages import print_pages
    from partnergraph.viewer.shares import shares

    settings = settings or config.from_env()
    app = Flask(__name__, template_folder=str(WEB_ROOT / "templates"), static_folder=str(WEB_ROOT / "static"),
                static_url_path="/static")
    app.json.sort_keys = False  # keep the documented key order of the JSON shapes
    app.extensions["partnergraph"] = ViewerState(Workspace.open(settings),
                                                 settings.public if public is None else public)

    @app.before_request
    def pin_a_snapshot() -> None:
        # First of the hooks: sign-in (auth.install) already reads accounts in the request.
        reading = app.extensions["partnergraph"].request(writes=request.method not in ("GET", "HEAD", "OPTIONS"))
        reading.__enter__()
        g.partnergraph_reading = reading

    @app.teardown_request
    def unpin_the_snapshot(exc: BaseException | None) -> None:
        reading = g.pop("partnergraph_reading", None)
        if reading is not None:
            reading.__exit__(None, None, None)

    app.register_blueprint(pages)
    app.register_blueprint(print_pages)  # /partners/<id>/print, /analytics/risks/print
    app.register_blueprint(api, url_prefix="/api")
    app.register_blueprint(edit)  # editing pages, history and revert (/edit/..., /history/...)
    app.register_blueprint(edit_api, url_prefix="/api")
    app.register_blueprint(imports)  # /edit/import: upload, preview, confirm
    app.register_blueprint(shares)  # /graph/download: a view as one HTML file
    app.register_blueprint(event_pages)  # /events, briefings, /analytics/attendance
    app.register_blueprint(event_api, url_prefix="/api")
    auth.install(app, settings)  # sessions, the sign-in gate, CSRF, /login
    if not app.extensions["partnergraph"].public:  # the public directory has no accounts, as no sign-in
        app.register_blueprint(account_pages)  # /accounts: the admin's pages

    @app.get("/healthz")
    def healthz() -> Any:
        state: ViewerState = app.extensions["partnergraph"]
        with state.workspace() as ws:
            ws.version()  # proves the store answers
        return jsonify({"status": "ok", "public": state.public})

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def wants_json() -> bool:
        return request.path.startswith("/api/") or request.path == "/healthz"

    def error(status: int, message: str) -> Any:
        if wants_json():
            return jsonify({"error": message}), status
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(UnknownNode)
    def unknown(exc: UnknownNode) -> Any:
        return error(404, str(exc))

    @app.errorhandler(StoreError)
    def store_down(exc: StoreError) -> Any:
        return error(503, str(exc))

    @app.errorhandler(PartnergraphError)
    def user_error(exc: PartnergraphError) -> Any:
        return error(400, describe_error(exc))

    @app.errorhandler(UnicodeError)
    def not_text(exc: UnicodeError) -> Any:
        # Text no store can hold (a lone surrogate from a \ud800 escape in an uploaded file): the
        # store's transaction rolled back. The message names the character escaped, never as is.
        problem = str(exc).encode("ascii", "backslashreplace").decode()
        app.logger.warning("refused %s %s: %s", request.method, request.path, problem)
        return error(400, f"the input is not valid Unicode text: {problem}")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        return error(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def crash(exc: Exception) -> Any:
        app.logger.exception("unexpected error on %s", request.path)
        return error(500, "internal error: the server log has the details")

    return app


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 5000) -> Any:
    """Return werkzeug's threaded server for `app`, sending `Server: partnergraph` (no versions)."""
    from werkzeug.serving import WSGIRequestHandler
    from werkzeug.serving import make_server as werkzeug_server

    class Handler(WSGIRequestHandler):
        # Not "Werkzeug/x.y Python/3.z": versions only help someone choose an exploit. (gunicorn
        # sends "Server: gunicorn", without its version.)
        def version_string(self) -> str:
            return SERVER_HEADER

    return werkzeug_server(host, port, app, threaded=True, request_handler=Handler)


def serve(app: Flask, host: str = "127.0.0.1", port: int = 5000) -> None:
    """Serve `app` with werkzeug's threaded server until interrupted."""
    server = make_server(app, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["partnergraph"].close()
