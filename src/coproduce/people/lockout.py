"""Per-account lockout after wrong passwords, growing with each run (django-axes, see settings).

Five wrong passwords for one account, from anywhere, lock it for five minutes; each later run of
five doubles the lock (10, 20, 40 minutes, ...) up to 24 hours. Failures count from the end of
the last lock, within the last 24 hours; a successful login forgets the failures and the runs,
and so does a completed password reset (``clear``), the way back offered on the lockout page.
Per-address limits are django-ratelimit's (``core.ratelimit``), on the login views.

django-axes keeps the attempts (``AccessAttempt``, one per account, address and browser), the
failure log (``AccessFailureLog``: the failure that started a lock is marked ``locked_out``, which
is how the runs are counted) and successful logins (``AccessLog``). Axes counts the failures whose
time is within its cool-off period of now; ``cool_off`` turns the policy above into that period:

- locked: back to before the failures that caused the lock, so they keep it locked;
- not locked: back to the end of the last lock (at most 24 hours), so they no longer count.

With a cool-off that differs per account, attempts must expire one by one
(``AXES_USE_ATTEMPT_EXPIRATION``; otherwise axes deletes every account's attempts older than the
current account's period). ``LockoutHandler`` sets those expiry times.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.db.models import Max
from django.utils import timezone

FAILURES = 5  # settings.AXES_FAILURE_LIMIT
FIRST_LOCK = timedelta(minutes=5)
LONGEST_LOCK = timedelta(hours=24)
FAILURE_WINDOW = timedelta(hours=24)  # failures older than this never start a lock
RUN_MEMORY = timedelta(days=7)  # a lock more than this before the last one starts afresh


def lock_length(run: int) -> timedelta:
    """How long the run-th lock in a row lasts: 5 minutes, doubled each time, 24 hours at most."""
    return min(LONGEST_LOCK, FIRST_LOCK * 2 ** max(run - 1, 0))


def username_of(request, credentials: dict | None = None) -> str | None:
    """The account named in a login: the email address as typed, trimmed, in lower case.

    People log in with any case (``Person`` looks addresses up case-insensitively), so the
    lockout must not be escaped by typing BO@example.org instead of bo@example.org.
    """
    if credentials:
        name = credentials.get("username")
    else:
        name = getattr(request, "POST", {}).get("username")
    if not isinstance(name, str):
        return None
    return name.strip().lower() or None


@dataclass(frozen=True)
class LockState:
    runs: int = 0  # locks in a row, the current or last one included
    locked_at: datetime | None = None
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def lock_state(username: str, now: datetime | None = None) -> LockState:
    now = now or timezone.now()
    since = now - RUN_MEMORY - LONGEST_LOCK
    last_login = AccessLog.objects.filter(username=username).aggregate(at=Max("attempt_time"))
    if last_login["at"] and last_login["at"] > since:
        since = last_login["at"]
    locks = list(
        AccessFailureLog.objects.filter(
            username=username, locked_out=True, attempt_time__gt=since
        ).values_list("attempt_time", flat=True)
    )
    if not locks:
        return LockState()
    locked_at = max(locks)
    runs = sum(1 for at in locks if at >= locked_at - RUN_MEMORY)
    return LockState(runs, locked_at, locked_at + lock_length(runs))


def _now(request) -> datetime:
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def cool_off(request) -> timedelta:
    """Axes' cool-off period for the account this request names (see the module's notes)."""
    username = username_of(request)
    if not username:
        return FAILURE_WINDOW
    now = _now(request)
    state = lock_state(username, now)
    if state.locked_until is None:
        return FAILURE_WINDOW
    if state.is_locked(now):
        return now - state.locked_at + FAILURE_WINDOW
    return max(timedelta(seconds=1), min(FAILURE_WINDOW, now - state.locked_until))


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with each attempt's expiry set for growing locks.

    A failure keeps its attempt for the failure window; a failure that starts a lock keeps all
    the account's attempts until the lock ends, so they go (and the next run starts from none)
    the first time someone tries after it.
    """

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        username = get_client_username(request, credentials) if request is not None else None
        if not username or request.axes_failures_since_start is None:
            return  # refused while locked (not recorded), or nothing recorded
        now = request.axes_attempt_time
        attempts = AccessAttemptExpiration.objects.filter(access_attempt__username=username)
        if request.axes_locked_out:
            until = lock_state(username).locked_until or now + FIRST_LOCK
            attempts.update(expires_at=until)
        else:
            attempts.filter(
                access_attempt__ip_address=request.axes_ip_address,
                access_attempt__user_agent=request.axes_user_agent,
            ).update(expires_at=now + FAILURE_WINDOW)


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, before Django's ModelBackend, for every login that comes with a request.

    Every login over HTTP passes its request (our login form, the admin's). Code that
    authenticates without one (a shell, the test client's ``login()``) is no way in for an
    attacker, and axes cannot tell who is asking: it is left to the next backend instead of
    failing with an error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def clear(username: str) -> None:
    """After a completed password reset: lift the account's lock and forget its runs."""
    username = username.strip().lower()
    AxesProxyHandler.reset_attempts(username=username)
    AccessFailureLog.objects.filter(username=username).delete()
