"""Sign-in, roles, API tokens and CSRF for the viewer; the admin pages that manage accounts.

`install(app, settings)` puts a gate in front of every request: it finds who is asking (a signed
session cookie, or `Authorization: Bearer <API token>`), sends anonymous visitors to /login
unless anonymous reading is on, and refuses state changes (POST, PUT, PATCH, DELETE) made with
the cookie but without the session's CSRF token. Views that change something add
`@require_role("editor")` (or "admin"), and change it only on POST (PATCH, DELETE): GET, HEAD and
OPTIONS never change anything (the gate answers HEAD exactly as GET, without the body). In public
mode there are no accounts at all.
"""

from __future__ import annotations

import functools
import hmac
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from partnergraph.config import Settings
from partnergraph.model import PartnergraphError
from partnergraph.records import Account
from partnergraph.services import accounts
from partnergraph.viewer.common import state

log = logging.getLogger("partnergraph.auth")
auth = Blueprint("auth", __name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ANONYMOUS_API_ERROR = "sign in or send an API token"
CSRF_ERROR = "missing or wrong CSRF token"
# Browsers keep Secure cookies from these over plain http (checked with Debian's chromium).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MIN_SECRET_KEY = 16


@dataclass
class AuthState:
    """The app's sign-in settings (the sign-in limit counts in the store: `Accounts.login_limiter`)."""

    public: bool
    anonymous_read: bool
    secure_cookies: bool
    session_seconds: float


def _auth_state() -> AuthState:
    return current_app.extensions["partnergraph.auth"]


def install(app: Flask, settings: Settings) -> None:
    """Configure sessions and register the gate, the CSRF check and (unless public) the sign-in pages."""
    public = app.extensions["partnergraph"].public
    # Flask would turn debug mode on from FLASK_DEBUG: never here, it shows tracebacks to visitors.
    app.debug = False
    app.secret_key = _secret_key(settings)
    hours = min(settings.session_hours, 24 * 365)
    app.config.update(
        SESSION_COOKIE_NAME="partnergraph_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=hours),
        # The cookie is signed once, at sign-in: its age is the session's age (checked on every
        # request), and responses do not each carry a fresh Set-Cookie.
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.extensions["partnergraph.auth"] = AuthState(public, settings.anonymous_read, settings.secure_cookies,
                                                    hours * 3600)
    app.add_template_global(csrf_token)
    app.add_template_global(current_user)
    if not public:
        app.register_blueprint(auth)
    app.before_request(_gate)
    app.after_request(_no_store)


def _secret_key(settings: Settings) -> str:
    """Return the key that signs session cookies: PARTNERGRAPH_SECRET_KEY, else one made for this run.

    A key made for this run is all a viewer on this machine alone needs (`partnergraph demo`,
    `serve` on 127.0.0.1): it says nothing. Served beyond this machine, or by a WSGI server that
    may run several workers, it says in plain words what a per-run key means (docs/operations.md).
    """
    if settings.secret_key is not None:
        if len(settings.secret_key) < MIN_SECRET_KEY:
            raise PartnergraphError(f"PARTNERGRAPH_SECRET_KEY must have at least {MIN_SECRET_KEY} characters "
                                    "(make one with: python -c 'import secrets; print(secrets.token_hex(32))')")
        return settings.secret_key
    if not settings.public and not settings.local_only:
        log.warning(per_run_key_warning(settings))
    return secrets.token_hex(32)


def per_run_key_warning(settings: Settings) -> str:
    """Return the warning about a per-run sign-in key, for a viewer served beyond this machine."""
    where = (f"This viewer listens on {settings.listen_host}, beyond this machine" if settings.listen_host
             else "This viewer runs under a WSGI server (such as gunicorn)")
    return (f"{where}, and PARTNERGRAPH_SECRET_KEY is not set: it signs people in with a key made for this run, "
            "so everyone is signed out whenever it restarts, and with several workers (gunicorn --workers 2 "
            "or more) each worker would sign out the people the others signed in. Set PARTNERGRAPH_SECRET_KEY "
            "to the same long random secret everywhere: python -c 'import secrets; print(secrets.token_hex(32))'")


# -- who is asking --------------------------------------------------------------------------------


def current_user() -> Account | None:
    """Return the account of the current request (session or API token), or None."""
    return g.get("user")


def actor() -> str:
    """Return who makes the current request, for audit entries: the account name."""
    user = current_user()
    return user.name if user is not None else "anonymous"


def csrf_token() -> str:
    """Return the session's CSRF token, creating it on first use (a template global)."""
    if _auth_state().public:
        return ""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and "text/html" not in request.accept_mimetypes.values()


def _json_error(status: int, message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="partnergraph"'
    return response


def _here() -> str:
    """Return the path and query of this request, to come back to after signing in."""
    return request.full_path.rstrip("?") if request.query_string else request.path


def safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site (not //host, no scheme), else "/"."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 32 or c == "\\" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    if parts.path in ("/login", "/logout"):
        return "/"
    return target


def _login_redirect() -> Response:
    # Only a GET can be repeated after signing in; a form posted anonymously starts over at home.
    target = _here() if request.method in ("GET", "HEAD") else None
    return redirect(url_for("auth.login", next=target) if target and target != "/" else url_for("auth.login"))


def _open_path() -> bool:
    path = request.path
    return path in ("/healthz", "/login", "/favicon.ico", "/kinds.css") or path.startswith("/static/")


def _load_user() -> Response | None:
    """Set g.user from an API token or the session; answer 401 to a wrong token."""
    g.user = None
    g.auth_via = None
    scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
    # Other schemes (a proxy's Basic auth passed through) are not ours to judge.
    if scheme.lower() == "bearer":
        with state().workspace() as ws:
            account = ws.accounts.account_for_token(secret.strip())
        if account is None:
            return _json_error(401, "invalid or revoked API token")
        g.user, g.auth_via = account, "token"
        return None
    name = session.get("user")
    if not name:
        return None
    with state().workspace() as ws:
        account = ws.accounts.find(name)
    expired = time.time() - float(session.get("since", 0)) > _auth_state().session_seconds
    if (account is None or account.disabled or expired
            or not hmac.compare_digest(str(session.get("fp", "")), accounts.password_fingerprint(account))):
        # Removed, disabled, password changed, or simply too old: this session is over.
        session.clear()
        return None
    g.user, g.auth_via = account, "session"
    return None


def _csrf_ok() -> bool:
    expected = session.get("csrf")
    given = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


def _gate() -> Response | None:
    if request.method == "HEAD":
        # HEAD is GET without the body (werkzeug drops it, from the WSGI environ): a view that
        # tells GET from the rest must never take a HEAD for a change.
        request.method = "GET"
    config = _auth_state()
    if config.public:
        g.user = None
        g.auth_via = None
        if request.method not in SAFE_METHODS and request.routing_exception is None:
            abort(404, description="not available in the public directory")
        return None
    if request.path.startswith("/static/"):
        g.user = None
        g.auth_via = None
        return None
    refused = _load_user()
    if refused is not None:
        return refused
    if g.user is None and not config.anonymous_read and not _open_path():
        if request.path.startswith("/api/"):
            return _json_error(401, ANONYMOUS_API_ERROR)
        return _login_redirect()
    if (request.method not in SAFE_METHODS and g.auth_via != "token" and request.routing_exception is None
            and not _csrf_ok()):
        # An API token travels in a header no other site can make a browser send: no CSRF
        # token needed. A cookie travels by itself, so cookie (and anonymous) changes need one.
        log.warning("refused %s %s from %s: %s", request.method, request.path, request.remote_addr, CSRF_ERROR)
        if _wants_json():
            return _json_error(400, CSRF_ERROR)
        abort(400, description=f"{CSRF_ERROR}: reload the page and try again")
    return None


def _no_store(response: Response) -> Response:
    # Pages of a private viewer hold private data, for a signed-in account or an anonymous reader
    # alike (anonymous reading is for a trusted network, not for caches on the way): no cache may
    # keep them. Static files and the public directory stay cacheable.
    if (not _auth_state().public and not request.path.startswith("/static/")
            and "Cache-Control" not in response.headers):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def require_role(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return a view decorator that lets only accounts with `role` (or a higher one) through.

    Anonymous: pages redirect to /login?next=..., the API answers 401. Too low a role: 403.
    """
    accounts.check_role(role)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if _auth_state().public:
                abort(404, description="not available in the public directory")
            user = current_user()
            if user is None:
                return _json_error(401, ANONYMOUS_API_ERROR) if _wants_json() else _login_redirect()
            if not accounts.allows(user.role, role):
                message = f"this needs the {role} role; {user.name} is a {user.role}"
                if _wants_json():
                    return _json_error(403, message)
                abort(403, description=message)
            return view(*args, **kwargs)
        return guarded
    return decorate


# -- signing in and out -----------------------------------------------------------------------------


def _plain_http_warning() -> str | None:
    """Say why signing in cannot work when Secure cookies are sent over plain HTTP to another host."""
    host = urlsplit(f"//{request.host}").hostname or ""
    if _auth_state().secure_cookies and not request.is_secure and host not in LOOPBACK_HOSTS:
        return ("This viewer is reached over plain HTTP, but its session cookie is marked Secure, so the browser "
                "will not keep it: serve it over HTTPS (or set PARTNERGRAPH_SECURE_COOKIES=0 on a trusted network).")
    return None


def _render_login(target: str, status: int = 200, error: str | None = None, name: str = "") -> Response:
    response = current_app.make_response((render_template("login.html", next=target, error=error, name=name,
                                                          http_warning=_plain_http_warning()), status))
    return response


@auth.route("/login", methods=["GET", "POST"])
def login() -> Any:
    target = safe_next(request.values.get("next"))
    if request.method != "POST":  # GET (and HEAD): the form; only a POST is a sign-in attempt
        if current_user() is not None:
            return redirect(target)
        return _render_login(target)
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    keys = {"address": request.remote_addr or "unknown", "name": name.lower()}
    # The attempt is noted in the store before the slow password check: concurrent guesses, in
    # this process or another, cannot all pass a check that counts only finished ones.
    with state().workspace() as ws:
        limiter = ws.accounts.login_limiter()
        attempt = limiter.reserve(keys)
        found = ws.accounts.find(name) if attempt.allowed and accounts.NAME_PATTERN.fullmatch(name) else None
    if not attempt.allowed:
        wait = attempt.wait
        minutes = max(1, math.ceil(wait / 60))
        when = time.strftime("%H:%M UTC", time.gmtime(time.time() + wait))
        response = _render_login(target, 429, f"Too many failed sign-ins. Try again in {minutes} minute"
                                              f"{'s' if minutes != 1 else ''} (after {when}).", name)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    # The slow password check runs outside the workspace lock, so other requests go on meanwhile.
    account = accounts.verify_account(found, password)
    if account is None:
        log.warning("failed sign-in as %r from %s", name[:64], request.remote_addr)
        return _render_login(target, 401, "Wrong name or password (or the account is disabled).", name)
    with state().workspace() as ws:
        ws.accounts.login_limiter().succeeded(attempt)
        account = ws.accounts.upgrade_hash(account, password)  # an old-format hash gets a new one
    # A new session (new CSRF token too): nothing set before signing in carries over.
    session.clear()
    session.permanent = True
    session.update(user=account.name, fp=accounts.password_fingerprint(account), since=int(time.time()),
                   csrf=secrets.token_urlsafe(32))
    log.info("%s signed in from %s", account.name, request.remote_addr)
    return redirect(target, 303)


@auth.post("/logout")
def logout() -> Any:
    user = current_user()
    session.clear()
    if user is not None:
        log.info("%s signed out", user.name)
    return redirect(url_for("auth.login"), 303)
