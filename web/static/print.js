// The print views' Print button: the browser's own print dialog (print.css lays the page out).
document.getElementById("print-now")?.addEventListener("click", () => window.print());
