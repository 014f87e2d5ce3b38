"""Settings for Coproduce.

Everything that differs between a laptop and production comes from the environment, with a
safe embedded default for a first run: SQLite in a data folder, a generated secret key kept in
that folder, email printed to the console. PRODUCTION=true turns on HTTPS-only operation and
refuses to start without the settings a public site needs (see the README, section Production).
"""

import contextlib
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _default_data_dir() -> Path:
    # In a checkout (editable install) the data folder sits at the repository root, where
    # ./scripts/run expects it; an installed package falls back to the working directory.
    repo_root = PACKAGE_DIR.parent.parent
    if (repo_root / "pyproject.toml").exists():
        return repo_root / "data"
    return Path.cwd() / "data"


# One switch for a public site: HTTPS only (redirect, HSTS, secure cookies), and no start without
# a secret key and host names from the environment.
PRODUCTION = _env_bool("PRODUCTION")

DATA_DIR = Path(os.environ.get("COPRODUCE_DATA_DIR", _default_data_dir()))
# The data folder holds the secret key, the SQLite database and uploads: when Coproduce creates
# it, only its owner may enter it (an existing folder keeps its mode; `check --deploy` warns).
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _required_in_production(name: str, meaning: str) -> None:
    if PRODUCTION and not os.environ.get(name, "").strip():
        raise ImproperlyConfigured(
            f"PRODUCTION=true needs {name} in the environment: {meaning}. "
            "See the README, section Production."
        )


def _secret_key() -> str:
    _required_in_production(
        "SECRET_KEY",
        "a long random string, the same for every process (for example the output of "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`)",
    )
    if key := os.environ.get("SECRET_KEY", "").strip():
        return key
    # First run without configuration: generate a key once and keep it beside the database,
    # so sessions survive restarts without anyone having to invent a secret.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        _create_private_file(key_file, secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def _create_private_file(path: Path, content: str) -> None:
    """Create `path` readable by its owner only, whole or not at all, unless it exists already.

    The file is born 0600 (never readable by others, even for a moment), filled under a
    temporary name and linked into place, so a process starting at the same time reads either
    no file or the whole key, and the first key written wins.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        _write_new_private_file(temporary, content)
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process got there first; its key is the one
    except OSError:
        # A file system without hard links: create the file in place, still born 0600.
        with contextlib.suppress(FileExistsError):
            _write_new_private_file(path, content)
    finally:
        temporary.unlink(missing_ok=True)


def _write_new_private_file(path: Path, content: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(content)


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
_required_in_production(
    "ALLOWED_HOSTS",
    "the comma-separated host names the site answers to, e.g. coproduce.example.org",
)
# The test client's `testserver` is added by the test setup itself, never here.
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "coproduce.core",
    "coproduce.people",
    "coproduce.coalitions",
    "coproduce.webhooks",
    "coproduce.workshops",
    "coproduce.jobs",
    "coproduce.cafe",
    "coproduce.conversations",
    "coproduce.library",
    "coproduce.reports",
    "coproduce.charters",
    "coproduce.assessments",
    "coproduce.plans",
    "coproduce.strategies",
    "coproduce.opendata",
    "coproduce.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "coproduce.core.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that reads the session or the user: a database that cannot be reached
    # is answered with a 503 retry page, never a traceback.
    "coproduce.core.middleware.DatabaseDownMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "coproduce.core.middleware.RateLimitMiddleware",
    "coproduce.core.middleware.NeedsLoginMiddleware",
]

ROOT_URLCONF = "coproduce.urls"
WSGI_APPLICATION = "coproduce.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'coproduce.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked (one round trip) before each request reuses it, so
        # after a database restart no request fails on a connection that died meanwhile.
        conn_health_checks=_env_bool("DB_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer must not hold a request for the system's TCP
    # timeout (minutes): give up connecting after a few seconds and show the retry page.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not shared memory: with threads (the live server, race tests) an
    # in-memory database fails at once on a lock instead of waiting for it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.Person"
LOGIN_URL = "people:login"
# After logging in, people land on their own workshops.
LOGIN_REDIRECT_URL = "mine"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if redis_url := os.environ.get("REDIS_URL"):
    # Rate limits must be shared by every web process, so production uses one cache; with a
    # shared cache, sessions are read from it too (a per-process cache could serve stale ones).
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        # Sites (or benchmark runs) sharing one Redis keep their counts and sessions apart.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates as each language writes them ("4 de diciembre de 2026"): see core/formats/.
FORMAT_MODULE_PATH = ["coproduce.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders, so a first run needs no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"

# Email: sent through SMTP when EMAIL_HOST is set. Without it, production refuses every message
# (and says so, see core/mail.py), and development prints messages to the console, all but the
# body of a password-reset message, which only LOG_LEVEL=DEBUG prints.
if email_host := os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
elif PRODUCTION:
    MAILERS = {"default": {"BACKEND": "coproduce.core.mail.RefusingEmailBackend"}}
else:
    MAILERS = {"default": {"BACKEND": "coproduce.core.mail.ConsoleEmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coproduce <noreply@localhost>")
# The site's address as people reach it: links in emails the worker sends (reminders have no
# request to take it from).
# In production without it, the first allowed host over https is the best guess.
# (".example.org" allows every subdomain; the site itself is example.org.)
_HOST_GUESS = ALLOWED_HOSTS[0].lstrip(".") if ALLOWED_HOSTS else ""
_SITE_GUESS = (
    f"https://{_HOST_GUESS}"
    if PRODUCTION and _HOST_GUESS not in ("", "*")
    else "http://localhost:8000"
)
SITE_URL = os.environ.get("SITE_URL", _SITE_GUESS).rstrip("/")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind HTTPS, set SECURE_COOKIES=true (see the README); PRODUCTION implies it.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION or _env_bool("SECURE_COOKIES")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _env_bool("BEHIND_PROXY") else None
# Production answers plain HTTP with a redirect to HTTPS, and tells browsers (HSTS) to use only
# HTTPS for this host, its subdomains too, for a year. Preload asks browser makers to build that
# into the browsers themselves: hard to undo, so HSTS_PRELOAD=false turns it off (see the README).
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("HSTS_PRELOAD", True)
# Turning preload or subdomains off is a decision, not an oversight: no warning for it.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]

# A strict policy: no inline script or style, scripts only from us and with the page's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Errors an operator must see: a 500's traceback goes to stderr (or LOG_FILE), and by email to
# ADMINS (comma-separated addresses) when they are set, whatever DEBUG says: Django's own
# default prints nothing in production. SERVER_EMAIL is who those messages come from.
ADMINS = _env_list("ADMINS", "")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
_LOG_HANDLERS = ["log", "mail_admins"]  # the second sends nothing while ADMINS is empty
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "log": (
            {
                "class": "logging.handlers.WatchedFileHandler",
                "filename": os.environ["LOG_FILE"],
                "formatter": "plain",
            }
            if os.environ.get("LOG_FILE")
            else {"class": "logging.StreamHandler", "formatter": "plain"}  # stderr
        ),
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
    },
    "loggers": {
        # Server errors (with their traceback) and refused requests (warnings).
        "django.request": {"handlers": _LOG_HANDLERS, "level": "WARNING", "propagate": False},
        "django.security": {"handlers": _LOG_HANDLERS, "level": "WARNING", "propagate": False},
        "django.tasks": {"handlers": ["log"], "level": "INFO"},
        "django_tasks_db": {"handlers": ["log"], "level": "INFO"},
        "coproduce": {"handlers": _LOG_HANDLERS, "level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}

# The longest a seating plan may search when it cannot yet prove the plan is the best possible.
CAFE_SOLVER_SECONDS = float(os.environ.get("CAFE_SOLVER_SECONDS", "20"))

# A new vote asks for a new opinion map this many seconds later; votes meanwhile share it.
OPINION_MAP_DELAY_SECONDS = float(os.environ.get("OPINION_MAP_DELAY_SECONDS", "3"))

# Background jobs (see docs/jobs.md): a running job holds a lease its worker renews; a job whose
# lease ran out (its worker died) is started again, at most JOB_MAX_ATTEMPTS runs in all. A
# finished job's file is deleted JOB_FILE_DAYS days after the job finished.
JOB_LEASE_SECONDS = float(os.environ.get("JOB_LEASE_SECONDS", "180"))
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "3"))
JOB_FILE_DAYS = float(os.environ.get("JOB_FILE_DAYS", "30"))

# How many attempts a client may make in a window before being refused (see core.ratelimit):
# django-ratelimit rates, "count/period" with a period such as 20m; counted per address (IPv6:
# per /64) unless said otherwise. The arithmetic behind the join limits is in docs/security.md.
RATE_LIMITS = {
    # Wrong join codes that could be guesses: 60 an hour, so one address needs on average
    # 31**6 / 1000 / 60 h = 616 days to hit any of 1,000 live codes (core.codes).
    "join": "20/20m",
    # Typos of a code someone at this address has just used (one edit away): a room's typos,
    # which tell a guesser nothing. Past this they count as guesses.
    "join_typo": "100/5m",
    "guest": "300/h",  # guests created from one address (a whole room shares one)
    "login": "20/10m",  # failed logins, ours and the admin's together (per account: axes)
    "password_reset": "20/h",  # reset emails asked for from one address
    "password_reset_email": "5/h",  # reset emails to one typed address, from anywhere
    "register": "30/m",  # per person, not per address
    "signup": "10/h",
    "api_token": "20/h",  # API tokens made by one person (people/token_views.py)
    # Entries proposed for the shared library and corrections, per person: more than anyone
    # writes by hand, few enough that a moderator's queue cannot be flooded.
    "library_proposal": "30/h",
    # Signatures of a call to action started from one address: a room signing together on one
    # Wi-Fi fits, a script filling the list with confirmation emails does not.
    "charter_sign": "60/h",
    "charter_sign_email": "5/h",  # confirmation emails to one typed address, from anywhere
    # API requests per token (per address without one): a dashboard polling every second
    # fits; a scraper walking everything at full speed is slowed down.
    "api": "600/10m",
}
# The largest body the API takes (bytes): more than any write it offers needs.
API_MAX_BODY_BYTES = 1024 * 1024

# Uploads (see core/uploads.py)
# The most one request may carry. Set the same in the reverse proxy (nginx client_max_body_size)
# so it refuses larger bodies before they reach the app.
MAX_REQUEST_BYTES = int(float(os.environ.get("MAX_REQUEST_MB", "20")) * 1024 * 1024)
# Form fields without files: Django's default (2.5 MB) is ample for the longest text we take.
DATA_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, MAX_REQUEST_BYTES)
# Files above 2.5 MB spool to a temporary file instead of memory (Django's default, kept).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "coproduce.core.uploads.SizeLimitUploadHandler",  # first: counts before the others keep
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Stored uploads are for the app's user and group, not for every account on the machine.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Right after SecurityMiddleware: an oversized request is refused before anything reads it.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "coproduce.core.uploads.RequestSizeLimitMiddleware",
)

# Rate limits and lockouts (see core/ratelimit.py)
# The client's address is REMOTE_ADDR; behind TRUSTED_PROXIES proxies of our own, it is the
# entry the outermost of them appended to X-Forwarded-For (counted from the right: the client
# writes whatever it likes on the left). One proxy by default with BEHIND_PROXY=true.
TRUSTED_PROXY_COUNT = int(
    os.environ.get("TRUSTED_PROXIES", "1" if _env_bool("BEHIND_PROXY") else "0")
)
INSTALLED_APPS += ["django_ratelimit", "axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # turns a lockout into its page
# Axes' check first (per account), then the ordinary password check.
AUTHENTICATION_BACKENDS = [
    "coproduce.people.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
RATELIMIT_USE_CACHE = "default"
# Per account: after 5 wrong passwords the account is locked for 5 minutes, each further run of
# 5 doubles it, up to 24 hours; a password reset by email lifts it (see people/lockout.py).
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"  # Django's AuthenticationForm (ours and the admin's)
AXES_USERNAME_CALLABLE = "coproduce.people.lockout.username_of"  # case-insensitive, as logins are
AXES_COOLOFF_TIME = "coproduce.people.lockout.cool_off"
AXES_HANDLER = "coproduce.people.lockout.LockoutHandler"  # the database handler, shared by all
AXES_USE_ATTEMPT_EXPIRATION = True  # a cool-off per account needs an expiry per attempt
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the failure that started each lock: how runs are counted
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock ends when it said it would
AXES_CLIENT_IP_CALLABLE = "coproduce.core.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "coproduce.people.views.lockout_response"
SILENCED_SYSTEM_CHECKS += [
    # axes.W006 asks for lockout by address too: addresses are limited by django-ratelimit on the
    # login, admin login and password reset views, and axes locking an address would lock out a
    # whole room behind one NAT for one person's typos.
    "axes.W006",
    # django-ratelimit lists django-redis, not Django's own RedisCache, which is just as atomic
    # (SET NX to start a count, INCRBY to add to it).
    "django_ratelimit.W001",
    # Without REDIS_URL (development, tests) the cache is per process: right for one process.
    # Production with several web processes needs REDIS_URL (shared, atomic counts).
    *([] if os.environ.get("REDIS_URL") else ["django_ratelimit.E003"]),
]
