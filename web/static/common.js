/* Helpers shared by the viewer's scripts. Data from the server only ever reaches the page through
   textContent or DOM properties, never innerHTML: names can hold markup. */
"use strict";

window.partnergraph = (function () {
  // How each kind is drawn, from the schema (schema.kind_styles): a JSON block of the page.
  const kindStyles = JSON.parse(document.getElementById("kind-styles")?.textContent || "{}");
  const KIND_COLORS = Object.fromEntries(Object.entries(kindStyles).map(([kind, s]) => [kind, s.colour]));
  const PLURAL = Object.fromEntries(Object.entries(kindStyles).map(([kind, s]) => [kind, s.plural]));

  /* Create an element with attributes (set as properties) and text children. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "className") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /* Fetch JSON from this server; an answer with {"error"} becomes an Error with that message. */
  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) throw new Error((body && body.error) || ("the server answered " + response.status));
    return body;
  }

  /* The session's CSRF token (base.html puts it in a meta tag for signed-in users), or "". */
  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* Fetch with the CSRF header added to every request that may change something (POST, PUT,
     PATCH, DELETE): the server refuses those without it. */
  function send(url, options) {
    const init = Object.assign({}, options || {});
    const method = (init.method || "GET").toUpperCase();
    const headers = new Headers(init.headers || {});
    if (!["GET", "HEAD", "OPTIONS"].includes(method)) headers.set("X-CSRF-Token", csrfToken());
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    init.headers = headers;
    init.credentials = "same-origin";
    return fetch(url, init);
  }

  /* POST a JSON body with the CSRF header; an answer with {"error"} becomes an Error. */
  async function postJSON(url, data) {
    const response = await send(url, { method: "POST", headers: { "Content-Type": "application/json" },
                                       body: JSON.stringify(data) });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) throw new Error((body && body.error) || ("the server answered " + response.status));
    return body;
  }

  function elementUrl(kind, id) {
    return "/" + PLURAL[kind] + "/" + encodeURIComponent(id).replace(/%2F/g, "/");
  }

  /* An event's dates as people read them: "2025-03-10 to 2025-03-12", or one day. */
  function dates(node) {
    if (!node.start) return "";
    return node.end && node.end !== node.start ? node.start + " to " + node.end : node.start;
  }

  function facts(node) {
    return [dates(node), node.type, node.region, node.country, node.status].filter(Boolean).join(" · ");
  }

  return { KIND_COLORS, el, getJSON, csrfToken, send, postJSON, elementUrl, facts };
})();
