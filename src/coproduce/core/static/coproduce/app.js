// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Select the whole link when an invitation field gets focus, ready to copy.
  document.querySelectorAll("input.copy-field").forEach((field) => {
    field.addEventListener("focus", () => field.select());
  });
});
