// The round's clock on the live page, the room screen and the phones. Every page works without
// this file: the server writes the time left, "Time's up" and the end time as text.
//
// The server gives the round's end (data-clock-end, seconds since 1970) and its own clock when
// the page was made (data-server-now, outside the refreshed parts), so a phone whose clock is
// a few minutes wrong still agrees with the room screen.
(() => {
  let offset = null; // server clock minus this device's clock, in milliseconds
  const endsSeenRunning = new Set(); // a clock that arrives already over never chimes
  const endsChimed = new Set();

  function measureOffset() {
    const mark = document.querySelector("[data-server-now]");
    if (offset === null && mark) {
      const server = Number(mark.dataset.serverNow) * 1000;
      if (Number.isFinite(server)) offset = server - Date.now();
    }
  }

  function figure(seconds) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
  }

  function tick() {
    measureOffset();
    const now = Date.now() + (offset || 0);
    document.querySelectorAll("[data-clock]").forEach((clock) => {
      if (clock.hasAttribute("data-clock-paused")) return; // the server's figure stands
      const end = Number(clock.dataset.clockEnd) * 1000;
      if (!Number.isFinite(end)) return;
      const left = Math.max(0, Math.ceil((end - now) / 1000));
      const shown = clock.querySelector("[data-clock-figure]");
      if (shown) shown.textContent = figure(left);
      const over = left === 0;
      clock.classList.toggle("is-up", over);
      const up = clock.querySelector("[data-clock-up]");
      if (up) up.hidden = !over;
      const screen = clock.closest(".screen-state");
      if (screen) screen.classList.toggle("is-up", over);
      // Chime once for each round's end this page saw coming: remembered here, not on the
      // element, because the room screen's part is replaced every few seconds and time may
      // run out between two replacements.
      const key = clock.dataset.clockEnd;
      if (!over) endsSeenRunning.add(key);
      else if (endsSeenRunning.has(key) && !endsChimed.has(key)) {
        endsChimed.add(key);
        chime();
      }
    });
  }

  // The room screen's sound, off by default and remembered by this browser. Made with the
  // Web Audio API: three soft tones, no file to download.
  const SOUND_KEY = "coproduce.roomSound";

  function soundOn() {
    try {
      return window.localStorage.getItem(SOUND_KEY) === "on";
    } catch {
      return false;
    }
  }

  function chime() {
    const toggle = document.querySelector("[data-sound-toggle]");
    if (!toggle || !soundOn() || !window.AudioContext) return;
    const context = new window.AudioContext();
    [0, 0.35, 0.7].forEach((start, index) => {
      const tone = context.createOscillator();
      const volume = context.createGain();
      tone.frequency.value = [660, 880, 990][index];
      volume.gain.setValueAtTime(0.0001, context.currentTime + start);
      volume.gain.exponentialRampToValueAtTime(0.3, context.currentTime + start + 0.03);
      volume.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + start + 0.3);
      tone.connect(volume).connect(context.destination);
      tone.start(context.currentTime + start);
      tone.stop(context.currentTime + start + 0.32);
    });
    window.setTimeout(() => context.close(), 1500);
  }

  function setUpSound() {
    const toggle = document.querySelector("[data-sound-toggle]");
    if (!toggle || !window.AudioContext) return;
    toggle.hidden = false;
    toggle.setAttribute("aria-pressed", String(soundOn()));
    toggle.addEventListener("click", () => {
      const on = !soundOn();
      try {
        window.localStorage.setItem(SOUND_KEY, on ? "on" : "off");
      } catch {
        return;
      }
      toggle.setAttribute("aria-pressed", String(on));
      if (on) chime(); // a click is the gesture browsers want before they play sound
    });
  }

  document.addEventListener("htmx:afterSwap", tick);
  document.addEventListener("DOMContentLoaded", () => {
    setUpSound();
    tick();
    window.setInterval(tick, 1000);
  });
})();
