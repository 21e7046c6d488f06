/* Editing forms: suggest elements as an editor types an id or a name (inputs with data-search-kinds).
   Suggestions come from /api/search and reach the page only as option values and textContent. */
"use strict";

(function () {
  const DELAY_MS = 200;

  function attach(input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    const kinds = (input.dataset.searchKinds || "").split(",").filter(Boolean);
    const preset = Array.from(list.options).map((o) => [o.value, o.textContent]);
    let timer = null;
    let asked = "";

    async function suggest() {
      const text = input.value.trim();
      if (text.length < 2 || text === asked) return;
      asked = text;
      let answer;
      try {
        const response = await fetch("/api/search?limit=20&q=" + encodeURIComponent(text),
                                     { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        answer = await response.json();
      } catch (e) {
        return;  // suggestions are a help; the form works without them
      }
      if (input.value.trim() !== text) return;  // the editor typed on meanwhile
      const seen = new Set();
      list.replaceChildren();
      for (const [value, label] of preset) {
        seen.add(value);
        const option = document.createElement("option");
        option.value = value;
        option.textContent = label;
        list.append(option);
      }
      for (const found of answer.results || []) {
        if ((kinds.length && !kinds.includes(found.kind)) || seen.has(found.id)) continue;
        seen.add(found.id);
        const option = document.createElement("option");
        option.value = found.id;
        option.textContent = found.name + " (" + found.kind + ")";
        list.append(option);
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });
  }

  /* One click, one change: a second click while the first submit is on its way does nothing. */
  function submitOnce(form) {
    form.addEventListener("submit", (event) => {
      const button = form.querySelector("button[type=submit]");
      if (button && button.disabled) { event.preventDefault(); return; }
      if (button) button.disabled = true;
    });
  }

  document.querySelectorAll("input[data-search-kinds][list]").forEach(attach);
  document.querySelectorAll("form.revert, form.editform").forEach(submitOnce);
})();
