"""The `coproduce` command.

    coproduce serve [--port N] [--workers N] [--no-worker]   web server (+ background worker)
    coproduce worker                                        background tasks only
    coproduce demo                                          load the founding workshop
    coproduce seat ... / coproduce opinion ...              algorithms, no database needed
    coproduce themes NOTES.csv [--format json]              suggested themes for table notes
    coproduce <django command> ...                          migrate, createsuperuser, ...

The algorithm commands import only their own pure module, so they start fast and need no
settings or database.
"""

import os
import signal
import subprocess
import sys

PURE_COMMANDS = {
    "seat": "coproduce.cafe.seating.cli",
    "opinion": "coproduce.conversations.opinion.cli",
    "themes": "coproduce.reports.themes.cli",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__.strip())
        return 0
    command, rest = argv[0], argv[1:]
    if command in PURE_COMMANDS:
        import importlib

        return importlib.import_module(PURE_COMMANDS[command]).main(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    if problem := settings_problem():
        print(f"coproduce: {problem}", file=sys.stderr)
        return 2
    if command == "serve":
        return serve(rest)
    from django.core.management import execute_from_command_line
    from django.db import OperationalError, ProgrammingError

    try:
        execute_from_command_line(["coproduce", command, *rest])
    except (OperationalError, ProgrammingError) as error:
        # Not the input but the place: no database there, or one never migrated.
        from coproduce.core.text import first_line

        print(
            f"coproduce {command}: the database is not ready ({first_line(error)}); run "
            "`coproduce migrate`, or check DATABASE_URL.",
            file=sys.stderr,
        )
        return 2
    return 0


def settings_problem() -> str | None:
    """Why the settings cannot load (e.g. production without SECRET_KEY), in plain words."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings module)
    except ImproperlyConfigured as error:
        return str(error)
    return None


def _env_bool(name: str) -> bool:
    # The same reading as in settings.py; serve decides before Django starts.
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def serve(args: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="coproduce serve")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
    # Threads let one worker wait on the database for one request while serving another.
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "8")))
    parser.add_argument("--no-worker", action="store_true", help="do not start a task worker")
    options = parser.parse_args(args)
    if options.workers > 1 and _env_bool("PRODUCTION") and not os.environ.get("REDIS_URL"):
        print(
            f"coproduce serve: refusing to start {options.workers} web workers without "
            "REDIS_URL. Without a shared cache, rate limits would be counted per process, "
            f"so an attacker would get {options.workers} times the attempts. Set REDIS_URL "
            "(e.g. redis://cache.internal:6379/0) for every process, or run one web worker "
            "(--workers 1).",
            file=sys.stderr,
        )
        return 2

    children = []
    if not options.no_worker:
        children.append(subprocess.Popen([sys.executable, "-m", "coproduce.cli", "worker"]))
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "coproduce.wsgi",
            "--bind",
            f"{options.host}:{options.port}",
            "--workers",
            str(options.workers),
            "--threads",
            str(options.threads),
            "--access-logfile",
            "-",
            # Several servers may run on one machine; a shared control socket would clash.
            "--no-control-socket",
        ]
    )
    children.append(web)
    print(f"Coproduce is running at http://{options.host}:{options.port}/", flush=True)

    def stop(*_):
        for child in children:
            child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()
        for child in children:
            child.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
