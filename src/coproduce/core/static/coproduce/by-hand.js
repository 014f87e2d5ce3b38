// For the pages that move things by hand (seats on the plan page, notes on the themes board):
// sending a move's form in the background, and dragging a card onto a place.

// Post `form` (with the button pressed, whose name and value some forms need) and return the
// answer's element `id` to put in place of the page's own, or null when there is no usable
// answer: the move may or may not have been saved, so the page then shows itself as it is.
window.coproducePost = async (form, submitter, id) => {
  let response;
  try {
    response = await fetch(form.action || window.location.pathname, {
      method: "POST",
      body: new FormData(form, submitter || null),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
  } catch (error) {
    return null;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  return (response.ok && page.getElementById(id)) || null;
};

// Dragging. Each page says what can be dragged (`item`), where it may
// land (`zone`, and `accepts(card, zone)`) and what landing does (`drop(card, zone)`); people
// on a keyboard or a phone have the page's own form for the same move.
window.coproduceDrag = ({ item, zone, accepts, drop }) => {
  let dragged = null;

  const clearTargets = (except) =>
    document.querySelectorAll(".drop-target").forEach((el) => {
      if (el !== except) el.classList.remove("drop-target");
    });

  const target = (event) => {
    const found = event.target.closest && event.target.closest(zone);
    return found && dragged && accepts(dragged, found) ? found : null;
  };

  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(item);
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    // Some browsers start a drag only when it carries data; what it is does not matter.
    event.dataTransfer.setData("text/plain", card.textContent.trim().slice(0, 80));
  });

  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearTargets(null);
  });

  document.addEventListener("dragover", (event) => {
    const place = target(event);
    if (!place) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearTargets(place);
    place.classList.add("drop-target");
  });

  document.addEventListener("drop", (event) => {
    const place = target(event);
    if (!place) return;
    event.preventDefault();
    drop(dragged, place);
  });
};
