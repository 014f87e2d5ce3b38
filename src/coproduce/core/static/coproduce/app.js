// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Select the whole link when an invitation field gets focus, ready to copy.
  document.querySelectorAll("input.copy-field").forEach((field) => {
    field.addEventListener("focus", () => field.select());
  });
});

// A table that scrolls sideways inside its own box on a phone (app.css) can be reached and
// scrolled with the keyboard.
function focusableScrollingTables() {
  document.querySelectorAll("table").forEach((table) => {
    if (table.scrollWidth > table.clientWidth + 1) table.setAttribute("tabindex", "0");
    else if (table.getAttribute("tabindex") === "0") table.removeAttribute("tabindex");
  });
}
document.addEventListener("DOMContentLoaded", focusableScrollingTables);
document.addEventListener("htmx:afterSwap", focusableScrollingTables);
window.addEventListener("resize", focusableScrollingTables);

// Countdowns: any element with data-countdown-end (an ISO time) shows the minutes and seconds
// left. The server renders the end time as text, so without JavaScript the page still says when.
function tickCountdowns() {
  document.querySelectorAll("[data-countdown-end]").forEach((element) => {
    const end = Date.parse(element.dataset.countdownEnd);
    if (Number.isNaN(end)) return;
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    element.textContent = `${minutes}:${seconds}`;
    element.classList.toggle("countdown-over", left === 0);
  });
}
setInterval(tickCountdowns, 1000);
document.addEventListener("htmx:afterSwap", tickCountdowns);
document.addEventListener("DOMContentLoaded", tickCountdowns);

// A page brought back by the Back button comes from the browser's cache with its live parts
// frozen; reload it so "go to table 5" is never out of date.
window.addEventListener("pageshow", (event) => {
  if (event.persisted && document.querySelector("[hx-trigger*='every']")) {
    window.location.reload();
  }
});

// Voting by key press: A agree, D disagree, P pass (not while typing a statement).
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const button = document.querySelector(`[data-vote-key="${event.key.toLowerCase()}"]`);
  if (button) {
    event.preventDefault();
    button.click();
  }
});
