"""The room, simulated: phones, voters and facilitators, each a browser of its own.

Each browser has its own httpx.AsyncClient, so its own connection (one pool of hundreds makes
httpcore spend its time matching requests to connections) and its own cookies, which it keeps
and sends itself; all run on one event loop. They behave as the pages make browsers behave:

- a phone opens its card link ("Continue as ...?"), says yes (a POST), opens its café page,
  then polls it with htmx every 4 s (htmx's `every 4s` on an element swapped with outerHTML
  waits 4 s after each answer); some write a note for their table once;
- a voter opens the conversation's join link, joins as a guest (a POST), opens the vote page
  and votes on the statement it shows, one every 2 to 8 s, with htmx (the answer is the next
  card);
- a facilitator has the café's live page (polled every 5 s), the room screen (every 3 s) and
  the conversation (every 5 s) open.

Everyone arrives at a random moment of the arrival window, then stays until the end.
"""

from __future__ import annotations

import asyncio
import random
import re
import ssl
import time
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

PHONE_POLL_SECONDS = 4.0
FACILITATOR_POLLS = {"facilitator live": 5.0, "room screen": 3.0, "conversation detail": 5.0}
VOTE_THINK_SECONDS = (2.0, 8.0)
RETRY_PAGE_MARK = "cannot reach its database"  # in database_down.html (English, the default)
TIMEOUT_SECONDS = 15.0

STATEMENT = re.compile(r'name="statement" value="(\d+)"')
NOTES_LINK = re.compile(r'href="(/cafe/\d+/tables/\d+/notes/)"')


@dataclass
class Record:
    kind: str
    started: float  # seconds since the start of the run
    seconds: float
    status: int | str  # the HTTP status, or the name of the error when there was no answer
    ok: bool
    retry_page: bool = False  # a 503 carrying the retry page and a Retry-After header
    traceback: bool = False


@dataclass
class Room:
    """What the simulated people share: the server, the clock, the log and what they posted."""

    base_url: str
    scenario: dict
    arrival: float
    seconds: float
    t0: float = field(default_factory=time.perf_counter)
    records: list[Record] = field(default_factory=list)
    votes: dict[str, dict[int, int]] = field(default_factory=dict)
    unsure_votes: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unsure_notes: list[str] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)

    def now(self) -> float:
        return time.perf_counter() - self.t0

    @property
    def end(self) -> float:
        return self.arrival + self.seconds

    async def until(self, moment: float) -> None:
        await asyncio.sleep(max(0.0, moment - self.now()))


class _RefuseAll(DefaultCookiePolicy):
    def set_ok(self, cookie, request):
        return False


# Plain HTTP needs no certificates, but every client would load them again: one context for all.
_SSL = ssl.create_default_context()


def _client(base_url: str) -> httpx.AsyncClient:
    # A new connection for every request: polls 3 to 8 s apart outlive gunicorn's keep-alive
    # (2 s) anyway, and a request sent on a kept connection the server is just closing fails
    # in httpx where a browser would quietly send it again. Cookies: see Browser.
    return httpx.AsyncClient(
        base_url=base_url,
        cookies=CookieJar(policy=_RefuseAll()),
        timeout=TIMEOUT_SECONDS,
        follow_redirects=False,
        verify=_SSL,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


class Browser:
    """One person's browser: its own connection and cookies."""

    def __init__(self, room: Room, cookies: dict[str, str] | None = None):
        self.room = room
        self.client = _client(room.base_url)
        self.cookies = dict(cookies or {})
        self.etags: dict[str, str] = {}  # as a browser's cache keeps them, per address
        self.last_ok = False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info):
        await self.client.aclose()

    async def request(self, kind, method, path, *, data=None, htmx=False, expect=(200,)):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        if method == "GET" and path in self.etags:
            # A browser revalidates what it kept (htmx polls go through its cache); a 304 is
            # handed to the page as the kept 200.
            headers["If-None-Match"] = self.etags[path]
            expect = (*expect, 304)
        started = self.room.now()
        try:
            response = await self.client.request(method, path, data=data, headers=headers)
        except httpx.HTTPError as error:
            self._log(kind, started, type(error).__name__, ok=False)
            return None
        self.cookies.update(response.cookies)
        if method == "GET" and "ETag" in response.headers:
            self.etags[path] = response.headers["ETag"]
        body = response.text
        self._log(
            kind,
            started,
            response.status_code,
            ok=response.status_code in expect,
            retry_page=response.status_code == 503
            and "Retry-After" in response.headers
            and RETRY_PAGE_MARK in body,
            traceback="Traceback" in body or "OperationalError" in body,
        )
        return response

    def _log(self, kind, started, status, *, ok, retry_page=False, traceback=False) -> None:
        seconds = self.room.now() - started
        self.last_ok = ok
        self.room.records.append(Record(kind, started, seconds, status, ok, retry_page, traceback))


# The people ----------------------------------------------------------------------------------


async def phone(room: Room, index: int, key: str, note_at: float | None) -> None:
    await room.until(random.uniform(0, room.arrival))
    async with Browser(room) as browser:
        page = await _continue_from_card(browser, key)
        notes = NOTES_LINK.search(page.text) if page is not None else None
        mine = f"/cafe/{room.scenario['cafe']}/me/"
        while await _wait(room, PHONE_POLL_SECONDS):
            if note_at is not None and notes and room.now() >= note_at:
                await _write_note(browser, notes.group(1), f"Load note {index:03d}")
                note_at = None
            await browser.request("phone poll", "GET", mine, htmx=True)


async def _continue_from_card(browser: Browser, key: str):
    """Open the card's link, say "yes, I am ...", and open the café page it leads to."""
    card = f"/cafe/p/{key}/"
    await _until_ok(browser, lambda: browser.request("card", "GET", card))
    await _until_ok(browser, lambda: browser.request("card: yes", "POST", card, expect=(302,)))
    mine = f"/cafe/{browser.room.scenario['cafe']}/me/"
    return await _until_ok(browser, lambda: browser.request("phone page", "GET", mine))


async def _write_note(browser: Browser, url: str, text: str) -> None:
    room = browser.room
    await browser.request("notes page", "GET", url)
    response = await browser.request(
        "note", "POST", url, data={"round_number": "1", "text": text}, expect=(302,)
    )
    if response is not None and response.status_code == 302:
        room.notes.append(text)
    elif response is None or response.status_code >= 500:
        room.unsure_notes.append(text)  # it may or may not have been saved, but never twice


async def voter(room: Room, index: int) -> None:
    name = f"Voter {index:03d}"
    room.votes[name] = {}
    await room.until(random.uniform(0, room.arrival))
    async with Browser(room) as browser:
        page = await _join(browser, name)
        statement, value = _statement(page), random.choice((-1, 0, 1))
        vote = f"/conversations/{room.scenario['conversation']}/vote/"
        while statement is not None and await _wait(room, random.uniform(*VOTE_THINK_SECONDS)):
            data = {"statement": str(statement), "value": str(value)}
            response = await browser.request("vote", "POST", vote, data=data, htmx=True)
            if response is not None and response.status_code == 200:
                room.votes[name][statement] = value
                statement, value = _statement(response), random.choice((-1, 0, 1))
            else:
                # Unknown whether it was stored: the same vote goes again, as a person would.
                room.unsure_votes.append((name, statement))


async def _join(browser: Browser, name: str):
    """Open the join link, join as a guest, and open the vote page it leads to."""
    join = f"/conversations/join/{browser.room.scenario['join_code']}/"
    guest = {"display_name": name, "sector": "residents"}
    await _until_ok(browser, lambda: browser.request("join page", "GET", join))
    await _until_ok(
        browser, lambda: browser.request("join", "POST", join, data=guest, expect=(302,))
    )
    vote = f"/conversations/{browser.room.scenario['conversation']}/vote/"
    return await _until_ok(browser, lambda: browser.request("vote page", "GET", vote))


def _statement(response) -> int | None:
    found = STATEMENT.search(response.text) if response is not None else None
    return int(found.group(1)) if found else None


async def facilitator(room: Room, session: str) -> None:
    cafe, conversation = room.scenario["cafe"], room.scenario["conversation"]
    pages = {
        "facilitator live": f"/cafe/{cafe}/live/",
        "room screen": f"/cafe/{cafe}/screen/",
        "conversation detail": f"/conversations/{conversation}/",
    }
    await room.until(random.uniform(0, room.arrival))
    async with Browser(room, {"sessionid": session}) as browser:
        for kind, url in pages.items():
            await browser.request(f"{kind} (page)", "GET", url)
        await asyncio.gather(*(_poll(browser, kind, url) for kind, url in pages.items()))


async def _poll(browser: Browser, kind: str, url: str) -> None:
    while await _wait(browser.room, FACILITATOR_POLLS[kind]):
        await browser.request(kind, "GET", url, htmx=True)


async def _wait(room: Room, seconds: float) -> bool:
    """Wait, then say whether the run is still on."""
    await asyncio.sleep(seconds)
    return room.now() < room.end


async def _until_ok(browser: Browser, send):
    """Arriving: try again every 2 s until the page answers as it should (or the run ends)."""
    while browser.room.now() < browser.room.end:
        response = await send()
        if browser.last_ok:
            return response
        await asyncio.sleep(2.0)
    return None


async def _watch_the_loop(room: Room) -> None:
    """How late the event loop wakes: time the load generator adds to every measurement."""
    while room.now() < room.end:
        asked = time.perf_counter()
        await asyncio.sleep(0.05)
        room.lag.append(time.perf_counter() - asked - 0.05)


async def run_room(
    base_url: str,
    scenario: dict,
    *,
    phones: int,
    voters: int,
    facilitators: int,
    arrival: float,
    seconds: float,
    note_share: float = 0.1,
    during=None,
) -> Room:
    """Fill the room and keep it busy; `during(room)` runs alongside (profiling, faults)."""
    room = Room(base_url, scenario, arrival, seconds)
    keys = scenario["participant_keys"][:phones]
    tasks = [phone(room, i, key, _note_moment(room, note_share)) for i, key in enumerate(keys)]
    tasks += [voter(room, i) for i in range(voters)]
    tasks += [facilitator(room, s) for s in scenario["facilitator_sessions"][:facilitators]]
    tasks.append(_watch_the_loop(room))
    if during is not None:
        tasks.append(during(room))
    await asyncio.gather(*tasks)
    return room


async def alone(base_url: str, scenario: dict, polls: int) -> list[float]:
    """One phone in an empty room: `polls` polls back to back, the latency of each in ms.
    The time a poll takes when nothing waits in front of it."""
    room = Room(base_url, scenario, arrival=0.0, seconds=3600.0)
    async with Browser(room) as browser:
        await _continue_from_card(browser, scenario["participant_keys"][-1])
        mine = f"/cafe/{scenario['cafe']}/me/"
        for _ in range(polls):
            await browser.request("phone poll", "GET", mine, htmx=True)
    return sorted(r.seconds * 1000 for r in room.records if r.kind == "phone poll")


def _note_moment(room: Room, share: float) -> float | None:
    if random.random() >= share:
        return None
    return random.uniform(room.arrival, room.end - PHONE_POLL_SECONDS)


# Figures ---------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * share // 1))
    return sorted_values[int(rank) - 1]


def by_kind(records: list[Record]) -> dict[str, dict]:
    kinds: dict[str, list[Record]] = {}
    for record in records:
        kinds.setdefault(record.kind, []).append(record)
    summary = {}
    for kind, rows in kinds.items():
        times = sorted(r.seconds * 1000 for r in rows)
        summary[kind] = {
            "requests": len(rows),
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
            "max_ms": round(times[-1], 1),
            "errors": sum(1 for r in rows if not r.ok),
        }
    return summary


# The client's names for the server's paths, to read the server's access log with.
_KINDS = [
    (r"/cafe/\d+/me/", "phone page", "phone poll"),
    (r"/cafe/p/[^/]+/", "card", None),
    (r"/cafe/\d+/tables/\d+/notes/", "notes page", None),
    (r"/conversations/join/[^/]+/", "join page", None),
    (r"/conversations/\d+/vote/", "vote page", "vote"),
    (r"/cafe/\d+/live/", "facilitator live (page)", "facilitator live"),
    (r"/cafe/\d+/screen/", "room screen (page)", "room screen"),
    (r"/conversations/\d+/", "conversation detail (page)", "conversation detail"),
]
_POSTS = {"card": "card: yes", "notes page": "note", "join page": "join", "vote page": "vote"}


def kind_of(method: str, path: str, htmx: bool) -> str:
    for pattern, page, live in _KINDS:
        if re.fullmatch(pattern, path):
            kind = live if htmx and live else page
            return _POSTS.get(kind, kind) if method == "POST" else kind
    return "other"


def server_side(requests: list[tuple[int, float, str, str, bool]]) -> dict[str, dict]:
    """Per kind, the time the server itself logged (gunicorn's request time)."""
    kinds: dict[str, list[float]] = {}
    for _status, ms, method, path, htmx in requests:
        kinds.setdefault(kind_of(method, path, htmx), []).append(ms)
    summary = {}
    for kind, values in kinds.items():
        values.sort()
        summary[kind] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.50), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
        }
    return summary


def errors_by_status(records: list[Record]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        if not record.ok:
            counts[str(record.status)] = counts.get(str(record.status), 0) + 1
    return counts
