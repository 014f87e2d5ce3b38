// Seats by hand on the plan page: drag a name to another table of the same round, or use the
// "Move…" form beside it (keyboard, phone). Either way the move is sent in the background and
// the page's main part is replaced by the answer: the plan with its new figures, or the
// question to confirm a move that breaks a rule. Without this file the forms post as usual.
(() => {
  const main = () => document.getElementById("main");

  // No usable answer: the move may or may not have been saved. Posting it again would report
  // the facilitator's own move as someone else's, so show the plan as it now stands instead.
  function showPlanAsItIs() {
    window.location.reload();
  }

  async function send(form, submitter) {
    const answer = await window.coproducePost(form, submitter, "main");
    if (!answer) {
      showPlanAsItIs();
      return;
    }
    main().innerHTML = answer.innerHTML;
    const focus = main().querySelector(".move-confirm, .messages");
    if (focus) {
      focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches(".move-form, .move-confirm form")) return;
    event.preventDefault();
    send(form, event.submitter);
  });

  window.coproduceDrag({
    item: "li.movable",
    zone: "[data-drop-round]",
    accepts: (card, zone) => zone.dataset.dropRound === card.dataset.round,
    drop: (card, zone) => {
      const form = card.querySelector("form.move-form");
      if (!form || form.elements.table.value === zone.dataset.table) return;
      form.elements.table.value = zone.dataset.table;
      const one = form.querySelector('input[name="scope"][value="one"]');
      if (one) one.checked = true;
      send(form);
    },
  });
})();
