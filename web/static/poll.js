/* A page with parts still being computed in the background ("Computing …", answered 202) asks the
   server again, as its Retry-After says, and shows the page once the answer is no longer 202.
   It only counts seconds and reloads: no data from the server reaches the page from here. */
"use strict";

(function () {
  const boxes = Array.from(document.querySelectorAll(".computing[data-elapsed]"));
  if (!boxes.length) return;
  const loaded = Date.now();

  // The "for N s" of each box, counted on from what the server said when the page was made.
  setInterval(function () {
    const more = Math.floor((Date.now() - loaded) / 1000);
    for (const box of boxes) {
      const shown = box.querySelector(".elapsed");
      if (shown) shown.textContent = (Number(box.dataset.elapsed) + more) + " s";
    }
  }, 1000);

  function seconds(value, fallback) {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? Math.min(n, 60) : fallback;
  }

  function later(delay) {
    setTimeout(async function () {
      let next = delay;
      try {
        // HEAD: the same question as the page, without its body; 202 while it is still computing.
        const response = await fetch(window.location.href, { method: "HEAD", cache: "no-store", credentials: "same-origin" });
        if (response.status !== 202) {
          window.location.reload();
          return;
        }
        next = seconds(response.headers.get("Retry-After"), delay);
      } catch (e) {
        next = Math.min(delay * 2, 30);  // the server is restarting or unreachable: ask less often
      }
      later(next);
    }, delay * 1000);
  }

  const meta = document.querySelector("meta[name='retry-after']");
  later(seconds(meta && meta.getAttribute("content"), 1));
})();
