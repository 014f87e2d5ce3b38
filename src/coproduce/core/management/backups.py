"""Backups of a Coproduce site: the database and the uploaded files, checked by a manifest.

A backup is a folder:

    database.sqlite3   SQLite: a copy made with SQLite's online backup API, or
    database.pgdump    PostgreSQL: `pg_dump --format=custom`
    media/...          the uploaded files (MEDIA_ROOT): photos of tablecloths, job results
    manifest.json      format, engine, time, rows per model, every file with size and SHA-256

The manifest is written last, so a folder without one is not a finished backup. Restoring
checks the manifest against the folder (engine, sizes, checksums, migrations this code knows)
before it touches anything, and the rows and files against the manifest afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1 << 20


class BackupError(Exception):
    """Why a backup cannot be made or restored, in one line for the operator."""


# -- making a backup ---------------------------------------------------------------------------


def make_backup(folder: Path, alias: str = "default") -> dict:
    """Write a backup of the database and MEDIA_ROOT into `folder` (new or empty)."""
    vendor = _vendor(alias)
    _prepare_folder(folder)
    database = folder / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        rows, migrations = _backup_sqlite(alias, database)
    else:
        rows, migrations = _backup_postgresql(alias, database)
    manifest = {
        "format": FORMAT,
        "engine": vendor,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "coproduce_version": _version(),
        "database": _file_entry(database, database.name),
        "rows": rows,
        "migrations": migrations,
        # After the database: every file its rows point to was there when the copy began.
        "files": _copy_media(Path(settings.MEDIA_ROOT), folder / MEDIA),
    }
    _write_manifest(folder, manifest)
    return manifest


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"backups know SQLite and PostgreSQL, not {vendor}")
    return vendor


def _prepare_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file; give a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; give a new or empty folder")
    # The backup holds personal data and password hashes: only its owner may read it.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)


def _backup_sqlite(alias: str, target: Path) -> tuple[dict, dict]:
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step: the whole database under one read lock, consistent even while the site runs.
        connection.connection.backup(copy)
        # One self-contained file: no -wal or -shm file beside it, in the backup or later.
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        return _count_rows(cursor, _sqlite_quote), _applied_migrations(cursor)
    finally:
        copy.close()


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _backup_postgresql(alias: str, target: Path) -> tuple[dict, dict]:
    """pg_dump reads the very snapshot the rows were counted in, so the two agree even while
    the site keeps writing."""
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("a backup cannot run inside a transaction")
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        rows = _count_rows(cursor, connection.ops.quote_name)
        migrations = _applied_migrations(cursor)
        _run_postgresql(
            "pg_dump",
            ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            connection.settings_dict,
        )
    return rows, migrations


def _count_rows(cursor, quote, labels=None) -> dict[str, int]:
    rows = {}
    for label, table in sorted(_tables().items()):
        if labels is not None and label not in labels:
            continue
        try:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (a model's table)
        except Exception as error:
            raise BackupError(
                f"table {table} of {label} is missing: run `coproduce migrate` first ({error})"
            ) from error
        rows[label] = cursor.fetchone()[0]
    return rows


def _tables(own: bool = False) -> dict[str, str]:
    """Every table the models keep, by model label (many-to-many tables included); with `own`,
    only those of Coproduce's apps."""
    return {
        model._meta.label: model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and (not own or _is_own(model._meta.app_config))
    }


def _is_own(app_config) -> bool:
    return app_config.name.startswith("coproduce.")


def _applied_migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _copy_media(media_root: Path, target: Path) -> list[dict]:
    files = []
    for source in _media_files(media_root):
        relative = source.relative_to(media_root).as_posix()
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        size, digest = _copy_hashed(source, destination)
        files.append({"path": relative, "size": size, "sha256": digest})
    return files


def _media_files(media_root: Path) -> list[Path]:
    """Regular files under MEDIA_ROOT; links are not followed (nothing the site uploads)."""
    if not media_root.is_dir():
        return []
    found = []
    for directory, _dirs, names in os.walk(media_root):
        for name in names:
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return sorted(found)


def _copy_hashed(source: Path, destination: Path) -> tuple[int, str]:
    """Copy a file through a temporary name, hashing what is written."""
    digest, size = hashlib.sha256(), 0
    partial = destination.with_name(destination.name + ".partial")
    with open(source, "rb") as reader, open(partial, "wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    os.replace(partial, destination)
    return size, digest.hexdigest()


def _file_entry(path: Path, name: str) -> dict:
    return {"path": name, "size": path.stat().st_size, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _version() -> str:
    try:
        return metadata.version("coproduce")
    except metadata.PackageNotFoundError:
        return "unknown"


def _write_manifest(folder: Path, manifest: dict) -> None:
    partial = folder / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    os.replace(partial, folder / MANIFEST)


# -- checking a backup -------------------------------------------------------------------------


def read_backup(folder: Path, alias: str = "default") -> dict:
    """The backup's manifest, once everything it lists is there, whole, and restorable here."""
    manifest = _read_manifest(folder)
    vendor = _vendor(alias)
    if manifest["engine"] != vendor:
        raise BackupError(
            f"{folder} is a backup of a {ENGINE_NAMES.get(manifest['engine'], 'another')} "
            f"database, but this site uses {ENGINE_NAMES[vendor]}; restore it on a "
            f"{ENGINE_NAMES.get(manifest['engine'], 'matching')} site"
        )
    _check_file(folder, manifest["database"])
    for entry in manifest["files"]:
        _check_file(folder / MEDIA, entry)
    _check_migrations_known(manifest["migrations"])
    return manifest


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder")
    if not path.is_file():
        raise BackupError(f"{folder} has no {MANIFEST}: not a backup, or one that did not finish")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is damaged: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"{path} is not a backup manifest of format {FORMAT} (found {found!r})")
    _check_manifest_shape(path, manifest)
    return manifest


def _check_manifest_shape(path: Path, manifest: dict) -> None:
    shapes = {
        "engine": str,
        "created_at": str,
        "database": dict,
        "rows": dict,
        "migrations": dict,
        "files": list,
    }
    for key, kind in shapes.items():
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"{path} is damaged: {key} is missing or not a {kind.__name__}")
    for entry in [manifest["database"], *manifest["files"]]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
        ):
            raise BackupError(f"{path} is damaged: a file entry lacks its path, size or sha256")
        _safe_relative(path, entry["path"])
    counts = manifest["rows"].values()
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts):
        raise BackupError(f"{path} is damaged: a row count is not a whole number")
    for names in manifest["migrations"].values():
        if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
            raise BackupError(f"{path} is damaged: migrations are not lists of names")


def _safe_relative(manifest: Path, relative: str) -> PurePosixPath:
    """A listed file stays inside the backup and inside MEDIA_ROOT, whatever the manifest says."""
    pure = PurePosixPath(relative)
    if not relative or pure.is_absolute() or ".." in pure.parts or "\\" in relative:
        raise BackupError(f"{manifest} is damaged: the file name {relative!r} leaves the folder")
    return pure


def _check_file(folder: Path, entry: dict) -> None:
    path = folder / entry["path"]
    if not path.is_file():
        raise BackupError(f"the backup is damaged: {path} is missing")
    if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
        raise BackupError(f"the backup is damaged: {path} differs from the manifest's checksum")


def _check_migrations_known(migrations: dict) -> None:
    """Coproduce's own migrations in the backup must all be known to this code."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    own = {config.label for config in apps.get_app_configs() if _is_own(config)}
    for app, names in sorted(migrations.items()):
        if app not in own:
            continue
        for name in names:
            if (app, name) not in known:
                raise BackupError(
                    f"the backup was made by a newer Coproduce (migration {app}.{name} is "
                    "unknown here); upgrade Coproduce, then restore"
                )


# -- restoring ---------------------------------------------------------------------------------


def site_holds_data(alias: str = "default") -> str | None:
    """What the site already holds (rows of Coproduce's own models, uploaded files), or None."""
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for label, table in sorted(_tables(own=True).items()):
            if table not in existing:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                return f"the database holds {label} rows"
    if _media_files(Path(settings.MEDIA_ROOT)):
        return f"{settings.MEDIA_ROOT} holds uploaded files"
    return None


def restore_backup(folder: Path, manifest: dict, alias: str = "default") -> None:
    """Put the backup's database and files in place, then check them against the manifest."""
    database = folder / manifest["database"]["path"]
    if manifest["engine"] == "sqlite":
        _restore_sqlite(alias, database)
    else:
        _restore_postgresql(alias, database)
    _restore_media(folder / MEDIA, Path(settings.MEDIA_ROOT), manifest["files"])
    _check_restored(alias, manifest)


def _restore_sqlite(alias: str, source_path: Path) -> None:
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("restore cannot run inside a transaction")
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        # Page by page into the live file, in one write transaction: all of it or none.
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()  # the next query sees the restored schema afresh


def _restore_postgresql(alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.close()  # hold no lock that DROP TABLE would wait for
    _run_postgresql(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            # Grants name roles of the old server, which this one may not have.
            "--no-privileges",
            "--single-transaction",  # all of it or none
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        connection.settings_dict,
    )


def _restore_media(source: Path, media_root: Path, files: list[dict]) -> None:
    """Copy the backup's files into MEDIA_ROOT with the modes uploads get; files the backup
    does not have are left alone."""
    for entry in files:
        relative = PurePosixPath(entry["path"])
        destination = media_root.joinpath(*relative.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        _copy_hashed(source.joinpath(*relative.parts), destination)
        if settings.FILE_UPLOAD_PERMISSIONS is not None:
            destination.chmod(settings.FILE_UPLOAD_PERMISSIONS)


def _check_restored(alias: str, manifest: dict) -> None:
    connection = connections[alias]
    tables = _tables()
    with connection.cursor() as cursor:
        rows = _count_rows(cursor, connection.ops.quote_name, labels=set(manifest["rows"]))
    for label, expected in manifest["rows"].items():
        if label in tables and rows.get(label) != expected:
            raise BackupError(
                f"restored {rows.get(label)} {label} rows but the backup has {expected}"
            )
    media_root = Path(settings.MEDIA_ROOT)
    for entry in manifest["files"]:
        path = media_root.joinpath(*PurePosixPath(entry["path"]).parts)
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{path} did not come back whole")


def pending_migrations(alias: str = "default") -> int:
    """Migrations this code has that the restored database has not applied yet."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    return len(set(loader.disk_migrations) - set(loader.applied_migrations))


# -- PostgreSQL's own tools --------------------------------------------------------------------

_PG_ENVIRONMENT = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "NAME": "PGDATABASE"}
_PG_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service")


def _run_postgresql(tool: str, arguments: list[str], settings_dict: dict) -> None:
    """Run pg_dump or pg_restore on the site's database. The password goes in PGPASSWORD, never
    on the command line, where every user of the machine could read it."""
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed: install the PostgreSQL client tools")
    done = subprocess.run(
        [tool, "--no-password", *arguments],
        env=_pg_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{tool} failed (exit status {done.returncode}): {last}")


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    environment = dict(os.environ)
    for key, variable in _PG_ENVIRONMENT.items():
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option in _PG_OPTIONS:
        if options.get(option):
            environment["PG" + option.upper()] = str(options[option])
    return environment
