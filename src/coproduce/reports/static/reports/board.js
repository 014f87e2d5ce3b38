// The themes page's affinity board: drag a note card onto another theme's column (or "A new
// theme"), or use the card's "Move to" form (keyboard, phone). Every change is one of the
// page's own forms, sent in the background; the board is replaced by the answer and what
// changed is read out. Without this file the forms post and the page reloads as usual.
(() => {
  const board = () => document.getElementById("theme-board");
  const status = () => document.getElementById("board-status");

  // No usable answer: the change may or may not have been saved, so show the board as it is.
  function showBoardAsItIs() {
    window.location.reload();
  }

  function focusAfter(form) {
    // Keep the keyboard where it was: the same note's "Move to", or the same theme's tools.
    const note = form.elements.note && form.elements.note.value;
    const theme = form.elements.theme && form.elements.theme.value;
    const question = form.elements.question.value;
    let target = null;
    if (note) target = board().querySelector(`#to-${CSS.escape(note)}`);
    if (!target && theme) {
      target = board().querySelector(`#theme-${CSS.escape(question)}-${CSS.escape(theme)}-name`);
    }
    if (target) {
      if (!target.matches("select, input, button")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }

  async function send(form, submitter) {
    const answer = await window.coproducePost(form, submitter, "theme-board");
    if (!answer) {
      showBoardAsItIs();
      return;
    }
    board().innerHTML = answer.innerHTML;
    showDropZones();
    const said = answer.ownerDocument.querySelector(".messages");
    status().textContent = said ? said.textContent.trim().replace(/\s+/g, " ") : "";
    focusAfter(form);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("#theme-board .board-form")) return;
    event.preventDefault();
    send(form, event.submitter);
  });

  // The "A new theme" columns only work by dragging, so they show only with this file.
  function showDropZones() {
    board().querySelectorAll(".board-new").forEach((el) => el.removeAttribute("hidden"));
  }

  window.coproduceDrag({
    item: ".note-card",
    zone: "[data-drop-theme]",
    accepts: (card, zone) => zone.dataset.question === card.dataset.question,
    drop: (card, zone) => {
      const form = card.querySelector("form.move-card");
      const to = zone.dataset.dropTheme;
      const choice = form && [...form.elements.to.options].find((o) => o.value === to);
      if (!choice) return; // dropped back on its own theme
      form.elements.to.value = to;
      send(form);
    },
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showDropZones);
  } else {
    showDropZones();
  }
})();
