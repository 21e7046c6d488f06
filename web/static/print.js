// The Print button of the print views and the briefing: the browser's own print dialog
// (print.css lays the page out: no navigation, no forms).
document.getElementById("print-now")?.addEventListener("click", () => window.print());
