// Table notes that survive a bad connection. Without this file the form posts as usual.
//
// While a note is typed it is kept on the phone (localStorage), so a reload or a dropped page
// loses nothing. A note sent while offline (or while the venue's Wi-Fi drops the request) waits
// in a queue on the phone and is sent when the connection returns: on the browser's `online`
// event, and by retrying with a growing pause. Each note carries a key made here, once; the
// server stores a note once per key, so a retry or a double tap never makes a second note.
(() => {
  "use strict";
  const QUEUE = "coproduce:notes:queue";
  const FIRST_PAUSE = 2000;
  const LONGEST_PAUSE = 60000;

  const form = document.querySelector("form[data-offline-notes]");
  if (!form || !window.fetch || !window.localStorage) return;
  const text = form.querySelector("textarea[name=text]");
  const round = form.querySelector("[name=round_number]");
  const key = form.querySelector("input[name=key]");
  const photo = form.querySelector("input[type=file][name=photo]");
  const status = document.getElementById("note-sending");
  const waiting = document.getElementById("notes-waiting");
  const list = document.getElementById("table-notes-list");
  const offlineHint = document.getElementById("notes-offline-hint");
  const words = form.dataset;
  const draftName = `coproduce:notes:draft:${form.getAttribute("action") || location.pathname}`;
  let pause = FIRST_PAUSE;
  let retry = null;
  let sending = false;
  let lastTaken = 0; // when the form last took a note: a second tap right after is not an error

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function read(name, fallback) {
    try {
      return JSON.parse(localStorage.getItem(name)) ?? fallback;
    } catch {
      return fallback;
    }
  }

  function write(name, value) {
    try {
      localStorage.setItem(name, JSON.stringify(value));
    } catch {
      // Storage full or refused (private mode): the note is still sent when online.
    }
  }

  function say(message) {
    if (status) status.textContent = message;
  }

  // The draft ------------------------------------------------------------------------------
  function keepDraft() {
    write(draftName, { text: text.value, round: round ? round.value : "", key: key.value });
  }

  function bringBackDraft() {
    const draft = read(draftName, null);
    if (!draft || !draft.text || text.value) return;
    text.value = draft.text;
    if (round && draft.round) round.value = draft.round;
    if (draft.key) key.value = draft.key;
    say(words.draftBack);
  }

  // The queue ------------------------------------------------------------------------------
  function queue() {
    return read(QUEUE, []);
  }

  function showQueue() {
    if (!waiting) return;
    const items = queue().filter((item) => item.url === form.action);
    waiting.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement("li");
        const label = document.createElement("strong");
        label.textContent = words.queued;
        const body = document.createElement("span");
        body.textContent = ` ${item.fields.text}`;
        li.append(label, body);
        return li;
      }),
    );
    waiting.hidden = items.length === 0;
  }

  function remove(sentKey) {
    write(QUEUE, queue().filter((item) => item.fields.key !== sentKey));
    showQueue();
  }

  function csrfToken() {
    const field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function body(fields, file) {
    const data = new FormData();
    Object.entries(fields).forEach(([name, value]) => data.append(name, value));
    data.append("csrfmiddlewaretoken", csrfToken());
    if (file) data.append("photo", file);
    return data;
  }

  // Sends one note; resolves to "sent", "refused" (with the server's words) or "offline".
  async function send(url, fields, file) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body: body(fields, file),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch {
      return { outcome: "offline" };
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      return { outcome: "offline" };
    }
    const answer = await response.json().catch(() => null);
    if (response.ok && answer && answer.saved) return { outcome: "sent", html: answer.html };
    // No answer of ours (a login page, a portal's page) or a stale form token (403): the note
    // stays queued and goes once the page is reloaded or the network is really back.
    if (!answer || response.status === 403) return { outcome: "offline" };
    return { outcome: "refused", errors: answer.errors || [words.refused] };
  }

  function showSent(html) {
    if (!list || !html) return;
    const empty = list.querySelector("[data-no-notes]");
    if (empty) empty.remove();
    list.insertAdjacentHTML("beforeend", html);
  }

  function putBack(fields, errors) {
    // A refused note must not vanish: its text returns to the box with the reason, after
    // whatever is already there (several queued notes may be refused, e.g. once notes close).
    if (text.value.trim()) {
      text.value = `${text.value.trimEnd()}\n\n${fields.text}`;
    } else {
      text.value = fields.text;
      if (round) round.value = fields.round_number;
      key.value = fields.key;
    }
    keepDraft();
    say(`${words.refused} ${errors.join(" ")}`);
  }

  async function flush() {
    if (sending) return;
    sending = true;
    clearTimeout(retry);
    let offline = false;
    for (;;) {
      const item = queue().find((queued) => queued.url === form.action);
      if (!item) break;
      say(words.sending);
      const result = await send(item.url, item.fields);
      if (result.outcome === "offline") {
        offline = true;
        break;
      }
      remove(item.fields.key);
      if (result.outcome === "sent") {
        showSent(result.html);
        say(words.sent);
      } else {
        putBack(item.fields, result.errors);
      }
    }
    sending = false;
    if (offline) {
      say(words.queued);
      retry = setTimeout(flush, pause);
      pause = Math.min(pause * 2, LONGEST_PAUSE);
    } else {
      pause = FIRST_PAUSE;
    }
  }

  function clearForm() {
    text.value = "";
    key.value = newKey();
    localStorage.removeItem(draftName);
  }

  async function submitted(event) {
    event.preventDefault();
    const file = photo && photo.files && photo.files[0];
    const fields = { round_number: round ? round.value : "", text: text.value, key: key.value };
    if (file) {
      // A photo is too large to keep on the phone: it goes now, or the person is told.
      if (!navigator.onLine) {
        say(words.photoOffline);
        return;
      }
      say(words.sending);
      const result = await send(form.action, fields, file);
      if (result.outcome === "sent") {
        clearForm();
        photo.value = "";
        showSent(result.html);
        say(words.sent);
      } else {
        const why = result.outcome === "offline" ? [words.photoOffline] : result.errors;
        say(`${words.refused} ${why.join(" ")}`);
      }
      return;
    }
    if (!fields.text.trim()) {
      if (Date.now() - lastTaken > 3000) {
        say(words.empty);
        text.focus();
      }
      return;
    }
    const items = queue().filter((item) => item.fields.key !== fields.key);
    items.push({ url: form.action, fields });
    write(QUEUE, items);
    lastTaken = Date.now();
    clearForm();
    showQueue();
    say(words.queued);
    flush();
  }

  function showConnection() {
    if (offlineHint) offlineHint.hidden = navigator.onLine;
  }

  if (!form.getAttribute("action")) form.setAttribute("action", location.pathname);
  bringBackDraft();
  showQueue();
  showConnection();
  text.addEventListener("input", keepDraft);
  if (round) round.addEventListener("change", keepDraft);
  form.addEventListener("submit", submitted);
  window.addEventListener("online", () => {
    showConnection();
    pause = FIRST_PAUSE;
    flush();
  });
  window.addEventListener("offline", showConnection);
  flush();
})();
