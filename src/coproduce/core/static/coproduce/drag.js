// Dragging a card onto a place, for the pages that move things by hand: seats on the plan
// page, notes on the themes board. Each page says what can be dragged (`item`), where it may
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
