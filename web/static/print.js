/* The briefing's Print button: the print stylesheet leaves out the navigation and the forms. */
"use strict";

(function () {
  const button = document.getElementById("print-page");
  if (button) button.addEventListener("click", () => window.print());
})();
