"""The `coproduce` command.

    coproduce serve [--port N] [--workers N] [--no-worker]   web server (+ background worker)
    coproduce worker                                        background tasks only
    coproduce demo                                          load the founding workshop
    coproduce seat ... / coproduce opinion ...              algorithms, no database needed
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
    if command == "serve":
        return serve(rest)
    if command == "worker":
        command, rest = "db_worker", rest
    from django.core.management import execute_from_command_line

    execute_from_command_line(["coproduce", command, *rest])
    return 0


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
