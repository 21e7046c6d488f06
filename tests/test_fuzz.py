"""No 500 from input (issue 14): generated requests to every route, generated rows to the import readers.

Hypothesis sends every route of the app (enumerated from Flask's URL map, so a route added later
is fuzzed too), with generated path values, query strings, JSON, form and multipart bodies and
odd headers, as an anonymous reader, a signed-in viewer, a signed-in editor (with the session's
CSRF token) and an editor's API token. Every answer must be below 500, hold no traceback, be
JSON under /api, and a refusal (4xx) must leave the store exactly as it was. Generated rows go
through `partnergraph import` (CSV folder, JSON file): exit 0, or exit 1 with an `error:` line,
never a traceback, and the store unchanged on refusal. Runs on the embedded store; the bounds
themselves are pinned on both stores by the tests at the end.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NEO4J_PASSWORD, SMALL, csrf_from, settings_for, sign_in
from partnergraph.cli import main
from partnergraph.services import Workspace, accounts
from partnergraph.viewer import create_app

SECRET = "test secret key, not for production"
IDS = ("wmf", "wmde", "wmke", "cc", "lib", "uni", "old", "copyright", "open-access", "ana", "ben", "cai", "dia",
       "eli", "fay", "Ana Alves", "Wikimedia Foundation")
KINDS = ("affiliate", "partner", "contact", "issue")
TYPES = ("KNOWS", "HOLDS", "MEMBER_OF", "PARTNERS_WITH", "WORKS_ON")
# Every parameter and field name the viewer reads (query, form, JSON), plus a few it does not.
PARAMS = ("q", "limit", "before", "from", "to", "type", "center", "depth", "k", "max_hops", "avoid", "types",
          "warm", "current", "overlap", "via_issue", "to_issue", "to_region", "measure", "kind", "top", "seed",
          "resolution", "weighted", "status", "issue", "region", "size", "for", "org", "partner", "group", "keep",
          "drop", "rev", "with", "next", "page", "id", "name", "country", "email", "phone", "notes", "tags",
          "strength", "since", "until", "last_contact", "source", "role", "on", "note", "provenance", "comment",
          "back", "element", "label", "password", "members", "public", "x")
FIELDS = ("id", "kind", "name", "type", "country", "region", "status", "public", "tags", "issues", "member_of",
          "email", "phone", "notes", "from", "to", "strength", "since", "until", "last_contact", "source", "role")

# Text that has broken things: lone surrogates, what XML 1.0 forbids, controls, markup, long runs.
ODD_CHARS = ("\ud800", "\udfff", "\udc80", "\ufffe", "\uffff", "\x00", "\x0b", "\x1b", "\u2028", "\u202e",
             "\U0001f600", "%", "/", "..", ";", "'", '"', "<", "&", "\\", "\t", "\n", " ")
ODD_TEXT = st.lists(st.sampled_from(ODD_CHARS), min_size=1, max_size=6).map("".join)
# Long runs: in a URL up to 2000 characters (servers cap the request line: gunicorn at 4094
# bytes), in a body far more.
LONG_TEXT = st.builds(lambda c, n: c * n, st.sampled_from(("a", "\u00e9", "\U0001f600", "<b>", "\ud800")),
                      st.sampled_from((300, 2000)))
BIG_TEXT = st.builds(lambda c, n: c * n, st.sampled_from(("a", "\U0001f600", "\ud800")), st.just(70_000))
NUMBER_TEXT = st.one_of(st.integers(-3, 600).map(str), st.sampled_from((
    "9" * 19, "9" * 30, "-" + "9" * 30, "1" * 5000, "nan", "inf", "-inf", "1e999", "0x10", "1_000", " 7 ", "",
    "0", "-1", "2.5", "\u0663")))
TEXT = st.one_of(st.sampled_from(IDS), st.text(max_size=12), ODD_TEXT, NUMBER_TEXT, LONG_TEXT,
                 st.tuples(st.sampled_from(IDS), ODD_TEXT).map("".join))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.integers(2**63 - 2, 2**70),
                   st.integers(-(2**70), -(2**63) + 1), st.floats(allow_nan=False, allow_infinity=False),
                   st.sampled_from(KINDS + TYPES), TEXT, BIG_TEXT)
JSON_VALUE = st.recursive(SCALAR, lambda inner: (st.lists(inner, max_size=3)
                                                  | st.dictionaries(st.sampled_from(FIELDS) | TEXT, inner,
                                                                    max_size=3)), max_leaves=8)
# Bodies shaped like the documented ones, so that generated values reach the services.
SHAPED = st.fixed_dictionaries({}, optional={
    "element": st.dictionaries(st.sampled_from(FIELDS), JSON_VALUE, max_size=5),
    "connection": st.dictionaries(st.sampled_from(FIELDS), JSON_VALUE, max_size=5),
    "rev": TEXT, "provenance": JSON_VALUE, "comment": JSON_VALUE, "keep": TEXT, "drop": TEXT, "person": TEXT,
    "with": TEXT, "on": TEXT, "strength": JSON_VALUE, "note": JSON_VALUE})
RAW_JSON = st.sampled_from((
    "[" * 33 + "]" * 33, "[" * 1000 + "]" * 1000, "[" * 100_000 + "]" * 100_000,
    '{"element": ' * 40 + "{}" + "}" * 40, '{"a":' * 100_000 + "1" + "}" * 100_000,
    "NaN", "[Infinity]", '{"element": {"name": 1e999}}', '{"rev": ' + "1" * 5000 + "}", "[]", "null", '"x"', "{",
    '{"element": {"name": "\\ud800"}, "rev": "x"}', '{"\\udfff": 1}', "\ufeff{}"))
JSON_BODY = st.one_of(SHAPED.map(lambda body: json.dumps(body).encode()), JSON_VALUE.map(lambda v: json.dumps(v).encode()),
                      RAW_JSON.map(lambda text: text.encode("utf-8", "surrogatepass")),
                      st.binary(max_size=40))
FORM = st.dictionaries(st.sampled_from(PARAMS), TEXT | BIG_TEXT, max_size=6)
UPLOAD = st.tuples(st.sampled_from(("a.json", "a.xlsx", "a.csv", "../../x.json", "\ud800.json", "")),
                   st.one_of(st.binary(max_size=200), RAW_JSON.map(lambda t: t.encode("utf-8", "surrogatepass")),
                             SHAPED.map(lambda b: json.dumps(
                       {"elements": [b.get("element", {})], "connections": [b.get("connection", {})]}).encode())))
CONTENT_TYPES = ("application/json", "application/json; charset=utf-16", "text/plain", "multipart/form-data",
                 "application/x-www-form-urlencoded; charset=latin-1", "application/octet-stream", "")
ODD_HEADERS = st.fixed_dictionaries({}, optional={
    "Accept": st.sampled_from(("application/json", "text/html", "*/*", "x" * 500)),
    "Accept-Language": st.sampled_from(("de", "*", ";q=x")),
    "X-Forwarded-For": st.sampled_from(("1.2.3.4", "::1, garbage", "x" * 300)),
    "X-Forwarded-Proto": st.sampled_from(("https", "gopher")),
    "If-Match": st.sampled_from(('"x"', "*")),
    "Range": st.sampled_from(("bytes=0-1", "bytes=x")),
    "Origin": st.sampled_from(("http://evil.example", "null")),
})
USERS = ("anonymous", "viewer", "editor", "token")
METHODS = ("GET", "POST", "PATCH", "DELETE")
BODY_KINDS = ("none", "json", "form", "multipart")


def _quoted(text: str) -> str:
    """Percent-encode `text` for a URL, lone surrogates as the bytes a client would send (never decoded)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _form(fields: dict[str, str]) -> bytes:
    return "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in fields.items()).encode()


def _path_value(converter: str | None, options: str | None) -> st.SearchStrategy[str]:
    if converter == "int":
        return st.one_of(st.integers(0, 40), st.integers(2**63 - 2, 2**80)).map(str)
    if converter == "any":
        return st.sampled_from([o.strip() for o in (options or "").split(",")] + ["nothing"])
    return TEXT.map(_quoted)


RULE_PART = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def _url(rule: str, data: st.DataObject) -> str:
    return RULE_PART.sub(lambda m: data.draw(_path_value(m.group(1), m.group(2))), rule)


def _digest(ws: Workspace) -> str:
    """Return a hash of everything a request could change: elements, connections, the history, the version."""
    snapshot = ws.store.snapshot()
    return hashlib.sha256(repr((snapshot.elements, snapshot.connections, snapshot.version,
                                len(ws.store.history(None, limit=10_000)))).encode()).hexdigest()


def _check(answer: Any, path: str) -> None:
    if answer.mimetype.endswith("spreadsheetml.sheet"):  # the import template: a workbook, not text
        assert answer.status_code == 200 and answer.headers["Content-Disposition"].startswith("attachment")
        return
    text = answer.get_data(as_text=True)
    assert answer.status_code < 500, (answer.status_code, text[:500])
    assert "Traceback" not in text and 'File "' not in text, text[:2000]
    if path.startswith("/api/") and answer.status_code >= 400:
        assert answer.is_json and "error" in answer.get_json(), (answer.status_code, text[:500])


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory):
    """Return the viewers and signed-in clients the fuzz uses, on one embedded store with the small network."""
    url = str(tmp_path_factory.mktemp("fuzz") / "graph.db")
    ws = Workspace.open(settings_for(url))
    ws.data.import_path(SMALL)
    private = create_app(settings_for(url, secret_key=SECRET))
    anonymous = create_app(settings_for(url, secret_key=SECRET, anonymous_read=True))
    clients: dict[str, Any] = {"anonymous": anonymous.test_client()}
    csrf: dict[str, str] = {}
    for role in ("viewer", "editor"):
        client = private.test_client()
        sign_in(client, ws, role)
        csrf[role] = csrf_from(client.get("/history"))
        clients[role] = client
    secret = accounts.Accounts(ws.store).issue_token("editor", "fuzz")
    clients["token"] = private.test_client()
    rules = sorted({(rule.rule, tuple(sorted(rule.methods & {"GET", "POST", "PATCH", "DELETE"})))
                    for rule in private.url_map.iter_rules()})
    yield {"ws": ws, "clients": clients, "csrf": csrf, "bearer": f"Bearer {secret}", "rules": rules}
    for app in (private, anonymous):
        app.extensions["partnergraph"].close()
    ws.close()


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_route_answers_a_generated_request_with_a_5xx_a_traceback_or_a_change_on_refusal(fuzzed, data):
    rule, allowed = data.draw(st.sampled_from(fuzzed["rules"]), label="route")
    # Mostly a method the route answers (its code runs), sometimes any other (405, as JSON under /api).
    method = data.draw(st.sampled_from(allowed) | st.sampled_from(METHODS) if allowed else st.sampled_from(METHODS),
                       label="method")
    if rule == "/logout":
        return  # signs the session out: the other examples would no longer be signed in
    user = data.draw(st.sampled_from(USERS), label="user")
    path = _url(rule, data)
    query = data.draw(st.lists(st.tuples(st.sampled_from(PARAMS), TEXT), max_size=5), label="query")
    headers = data.draw(ODD_HEADERS, label="headers")
    if user == "token":
        headers["Authorization"] = fuzzed["bearer"]
    elif user == "anonymous":
        headers["Authorization"] = data.draw(st.sampled_from(("", "Bearer nonsense", "Basic eDp5", "Bearer \x7f")))
    if user in fuzzed["csrf"]:
        headers["X-CSRF-Token"] = fuzzed["csrf"][user]
    kind = data.draw(st.sampled_from(BODY_KINDS), label="body") if method != "GET" else "none"
    options: dict[str, Any] = {}
    if kind == "json":
        options = {"data": data.draw(JSON_BODY, label="json"), "content_type": data.draw(
            st.sampled_from(CONTENT_TYPES[:1] * 4 + CONTENT_TYPES), label="content type")}
    elif kind == "form":
        fields = data.draw(FORM, label="form")
        fields["csrf_token"] = fuzzed["csrf"].get(user, "")
        options = {"data": _form(fields), "content_type": "application/x-www-form-urlencoded"}
    elif kind == "multipart":
        name, content = data.draw(UPLOAD, label="upload")
        options = {"data": {"file": (io.BytesIO(content), name.encode("utf-8", "replace").decode()),
                            "provenance": "fuzz", "csrf_token": fuzzed["csrf"].get(user, "")}}
    url = path + ("?" + "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in query) if query else "")
    ws = fuzzed["ws"]
    before = _digest(ws)
    answer = fuzzed["clients"][user].open(url, method=method, headers=headers, **options)
    _check(answer, path)
    if 400 <= answer.status_code < 500:
        assert _digest(ws) == before, (method, url, answer.status_code)


# Known hostile inputs, each sent to every route and method it allows (the generated examples
# above may miss a rare route; this sweep does not).
HOSTILE_PATH = {"int": ("9" * 30, str(2**64)), "any": (None,),
                None: (_quoted("a\ud800"), _quoted("\ufffe\x0b"), "x" * 2000, "%00", "..%2F..%2Fetc")}
HOSTILE_VALUE = ("a\ud800", "9" * 30, "nan", "\uffff", "-1", "x" * 2000)
HOSTILE_BODIES = (
    ("application/json", ("[" * 100_000 + "]" * 100_000).encode()),
    ("application/json", json.dumps({
        "element": {f: "a\ud800" for f in FIELDS}, "connection": {f: "\udfff" for f in FIELDS}, "rev": "\ud800",
        **{k: "\ud800" for k in ("provenance", "comment", "keep", "drop", "person", "with", "on", "note")}}).encode()),
    ("application/json", json.dumps({
        "element": {f: 2**80 for f in FIELDS}, "connection": {f: -(2**80) for f in FIELDS}, "rev": 2**80,
        **{k: 2**80 for k in ("provenance", "comment", "keep", "drop", "person", "with", "on", "note", "strength")}
    }).encode()),
    ("application/json", b'{"element": {"id": "lib", "name": 1e999}, "rev": NaN, "keep": Infinity}'),
    ("application/x-www-form-urlencoded", _form({p: v for p, v in zip(PARAMS, HOSTILE_VALUE * 20, strict=False)})),
)


def test_every_route_and_method_survives_known_hostile_input(fuzzed):
    ws, client = fuzzed["ws"], fuzzed["clients"]["editor"]
    headers = {"X-CSRF-Token": fuzzed["csrf"]["editor"]}
    for rule, allowed in fuzzed["rules"]:
        if rule == "/logout":
            continue
        converters = [m.group(1) for m in RULE_PART.finditer(rule)]
        for converter in dict.fromkeys(converters):
            for value in HOSTILE_PATH.get(converter, HOSTILE_PATH[None]):
                path = RULE_PART.sub(lambda m, v=value: v if m.group(1) != "any" else m.group(2).split(",")[0], rule)
                for value_in_query in HOSTILE_VALUE:
                    query = "&".join(f"{p}={_quoted(value_in_query)}" for p in PARAMS[:30])
                    for method in allowed:
                        bodies = HOSTILE_BODIES if method != "GET" else ((None, None),)
                        for content_type, body in bodies:
                            before = _digest(ws)
                            answer = client.open(f"{path}?{query}", method=method, headers=headers, data=body,
                                                 content_type=content_type)
                            _check(answer, path)
                            if 400 <= answer.status_code < 500:
                                assert _digest(ws) == before, (method, path, answer.status_code)
                    break  # one query per path value is enough for the bodies; the loop below varies it
        if not converters and "GET" in allowed:
            for value_in_query in HOSTILE_VALUE:  # every parameter at once: the first one read refuses
                query = "&".join(f"{p}={_quoted(value_in_query)}" for p in PARAMS)
                _check(client.get(f"{rule}?{query}", headers=headers), rule)
            if rule.startswith("/api/"):  # one at a time (the pages parse them with the same functions)
                for value_in_query in ("9" * 30, "nan"):
                    for param in PARAMS:
                        _check(client.get(f"{rule}?{param}={value_in_query}", headers=headers), rule)
            for method in allowed:
                for content_type, body in HOSTILE_BODIES if method != "GET" else ():
                    before = _digest(ws)
                    answer = client.open(rule, method=method, headers=headers, data=body, content_type=content_type)
                    _check(answer, rule)
                    if 400 <= answer.status_code < 500:
                        assert _digest(ws) == before, (method, rule, answer.status_code)


# -- the import readers through the CLI -----------------------------------------------------------

ELEMENT_COLUMNS = ("id", "kind", "name", "type", "country", "region", "status", "public", "tags", "issues",
                   "member_of", "email", "phone", "notes")
CONNECTION_COLUMNS = ("from", "to", "type", "strength", "since", "until", "last_contact", "source", "role",
                      "status", "issues", "notes")
CELL = st.one_of(st.sampled_from(IDS + KINDS + TYPES + ("", "3", "2021-03", "DE", "true", "active")), TEXT)
ELEMENT_ROW = st.fixed_dictionaries({"id": CELL, "kind": st.sampled_from(KINDS) | CELL, "name": CELL},
                                    optional={c: CELL for c in ELEMENT_COLUMNS[3:]})
CONNECTION_ROW = st.fixed_dictionaries({"from": CELL, "to": CELL, "type": st.sampled_from(TYPES) | CELL},
                                       optional={c: CELL for c in CONNECTION_COLUMNS[3:]})
ROWS = st.tuples(st.lists(ELEMENT_ROW, max_size=4), st.lists(CONNECTION_ROW, max_size=4))
JSON_FILE_VALUE = st.one_of(
    ROWS.map(lambda rows: json.dumps({"elements": rows[0], "connections": rows[1]}).encode()),
    st.fixed_dictionaries({"elements": st.lists(JSON_VALUE, max_size=3), "connections": st.lists(JSON_VALUE,
                                                                                                 max_size=3)})
    .map(lambda value: json.dumps(value).encode()),
    RAW_JSON.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=60))


def _csv(columns: tuple[str, ...], rows: list[dict[str, str]], raw: bool) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = out.getvalue()
    if raw:  # also unbalanced quotes and stray delimiters, as a hand-edited file has them
        text = text.replace('"', "", 1)
    return text.encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def import_store(tmp_path_factory: pytest.TempPathFactory):
    url = str(tmp_path_factory.mktemp("fuzz-import") / "graph.db")
    with Workspace.open(settings_for(url)) as ws:
        ws.data.import_path(SMALL)
        yield url, ws


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=ROWS, json_file=JSON_FILE_VALUE, as_csv=st.booleans(), raw=st.booleans())
def test_generated_rows_import_or_are_refused_in_one_line_and_change_nothing(import_store, tmp_path_factory, rows,
                                                                           json_file, as_csv, raw):
    url, ws = import_store
    folder = tmp_path_factory.mktemp("rows")
    if as_csv:
        (folder / "elements.csv").write_bytes(_csv(ELEMENT_COLUMNS, rows[0], raw))
        (folder / "connections.csv").write_bytes(_csv(CONNECTION_COLUMNS, rows[1], raw))
        target: Path = folder
    else:
        target = folder / "network.json"
        target.write_bytes(json_file)
    before = _digest(ws)
    result = CliRunner().invoke(main, ["--db", url, "import", str(target)])
    assert result.exit_code in (0, 1), (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        lines = result.stderr.splitlines()
        assert lines and lines[-1].startswith("error: "), result.stderr
        assert all(line.startswith("error: ") or ":" in line for line in lines), result.stderr
        assert _digest(ws) == before


# -- the bounds, pinned on both stores --------------------------------------------------------------


@pytest.fixture
def editor_api(small: Workspace, db_url: str):
    app = create_app(settings_for(db_url, secret_key=SECRET))
    client = app.test_client()
    sign_in(client, small, "editor")
    yield client, {"X-CSRF-Token": csrf_from(client.get("/history")), "Content-Type": "application/json"}
    app.extensions["partnergraph"].close()


def test_json_bodies_are_bounded_in_size_depth_and_values_and_refused_before_anything_changes(editor_api, small):
    client, headers = editor_api
    before = _digest(small)
    for body, status, words in (
            ("[" * 100_000 + "]" * 100_000, 400, "nested more than 32"),
            ('{"element": ' * 40 + "{}" + "}" * 40, 400, "nested more than 32"),
            ('{"element": {"id": "x", "kind": "issue", "name": "a\\ud800"}, "provenance": "p"}', 400,
             "element.name: holds a lone surrogate"),
            ('{"element": {"id": "x", "kind": "issue", "name": 123456789012345678901234567890}}', 400,
             "beyond 64 bits"),
            ('{"element": {"id": "x", "kind": "issue", "name": 1e999}}', 400, "too large"),
            ('{"element": {"id": "x", "kind": "issue", "name": NaN}}', 400, "not valid JSON"),
            ('{"element": {"id": "x", "kind": "issue", "name": "' + "a" * (1024 * 1024) + '"}}', 413, "limited to"),
            ("[]", 400, "must be a JSON object")):
        answer = client.post("/api/elements", headers=headers, data=body.encode("utf-8", "surrogatepass"))
        assert answer.status_code == status, (body[:60], answer.get_data(as_text=True)[:300])
        assert words in answer.get_json()["error"]
    # 31 levels inside the body are fine (and then refused for what they hold, not how).
    nested = '{"element": {"id": "x", "kind": "issue", "name": "X", "tags": ' + "[" * 30 + "]" * 30 + "}}"
    answer = client.post("/api/elements", headers=headers, data=nested)
    assert answer.status_code == 400 and "nested" not in answer.get_json()["error"]
    assert _digest(small) == before


def test_change_numbers_beyond_64_bits_are_unknown_changes_not_errors(editor_api, small):
    client, headers = editor_api
    huge = "9" * 30
    assert client.get(f"/api/changes/{huge}").status_code == 404
    assert client.post(f"/api/changes/{huge}/revert", headers=headers, json={}).status_code == 404
    page = client.post(f"/history/revert/{huge}", data={"csrf_token": headers["X-CSRF-Token"]})
    assert page.status_code == 400 and "no change #" in page.get_data(as_text=True)  # the history page, with it
    for url in (f"/api/changes?before={huge}", f"/api/history/ana?before={huge}", f"/history?before={huge}"):
        answer = client.get(url)
        assert answer.status_code == 400 and "out of range" in answer.get_data(as_text=True), url
    assert small.editing.history(before=2**64)["changes"] == small.editing.history()["changes"]
    assert small.editing.history(before=2**63 - 1)["changes"] == small.editing.history()["changes"]


def test_changes_through_the_api_need_the_rev_they_are_based_on(editor_api, small):
    client, headers = editor_api
    before = _digest(small)
    for method, url, body in (("patch", "/api/elements/lib", {"element": {"name": "Renamed"}, "provenance": "p"}),
                              ("delete", "/api/elements/lib", {}),
                              ("patch", "/api/connections?from=ana&to=cai&type=KNOWS",
                               {"connection": {"strength": 1}, "provenance": "p"}),
                              ("delete", "/api/connections?from=ana&to=cai&type=KNOWS", {}),
                              ("post", "/api/merge", {"keep": "ana", "drop": "ben", "provenance": "p"})):
        answer = getattr(client, method)(url, headers=headers, json=body)
        assert answer.status_code == 428, (url, answer.get_json())
        assert answer.get_json()["error"].startswith("rev is required")
        assert getattr(client, method)(url, headers=headers, json={**body, "rev": "0"}).status_code == 409
    # Nothing to change: unknown stays 404, with or without a rev.
    assert client.delete("/api/elements/nobody", headers=headers, json={}).status_code == 404
    assert _digest(small) == before
    rev = client.get("/api/elements/lib").get_json()["rev"]
    answer = client.patch("/api/elements/lib", headers=headers, json={"element": {"name": "Renamed"}, "rev": rev,
                                                                      "provenance": "p"})
    assert answer.status_code == 200 and small.store.get("lib").name == "Renamed"


def test_a_lone_surrogate_in_an_upload_is_a_400_and_in_an_import_one_line(editor_api, small, db_url, tmp_path):
    client, headers = editor_api
    before = _digest(small)
    upload = b'{"elements": [{"id": "x1", "kind": "issue", "name": "a\\ud800"}], "connections": []}'
    answer = client.post("/api/import", headers={"X-CSRF-Token": headers["X-CSRF-Token"]},
                         data={"file": (io.BytesIO(upload), "network.json"), "provenance": "p"})
    # The import's own check names the file, line and column (model.validate_dataset).
    assert answer.status_code == 400 and "U+D800" in " ".join(answer.get_json()["problems"]), answer.get_data(as_text=True)
    (tmp_path / "network.json").write_bytes(upload)
    result = CliRunner(env={"NEO4J_PASSWORD": NEO4J_PASSWORD}).invoke(
        main, ["--db", db_url, "import", str(tmp_path / "network.json")])
    assert result.exit_code == 1 and (result.exception is None or isinstance(result.exception, SystemExit))
    lines = result.stderr.splitlines()
    assert lines[0] == "network.json:1: column 'name': contains U+D800, a character XML 1.0 forbids".replace(
        "network.json", str(tmp_path / "network.json")) and lines[-1].startswith("error: ")
    assert "Traceback" not in result.output
    assert _digest(small) == before


def test_an_integer_of_5000_digits_in_an_import_file_is_a_problem_not_a_traceback(editor_api, small, db_url, tmp_path):
    client, headers = editor_api
    before = _digest(small)
    document = b'{"elements": [{"id": "x1", "kind": "issue", "name": ' + b"1" * 5000 + b'}], "connections": []}'
    answer = client.post("/api/import", headers={"X-CSRF-Token": headers["X-CSRF-Token"]},
                         data={"file": (io.BytesIO(document), "network.json"), "provenance": "p"})
    assert answer.status_code == 400 and "4300 digits" in answer.get_json()["problems"][0], answer.get_json()
    (tmp_path / "network.json").write_bytes(document)
    result = CliRunner(env={"NEO4J_PASSWORD": NEO4J_PASSWORD}).invoke(
        main, ["--db", db_url, "import", str(tmp_path / "network.json")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "invalid JSON" in result.stderr and result.stderr.splitlines()[-1].startswith("error: ")
    assert _digest(small) == before
