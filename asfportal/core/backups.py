"""Backups: the PostgreSQL database (pg_dump, custom format) and the uploaded files in one tar file (README).

A backup is an uncompressed tar (the dump is compressed already) holding, in this order:
  manifest.json   format, version, time, source database, row count of every table, number of uploaded files
  database.dump   `pg_dump --format=custom` taken in the same snapshot as the row counts
  media/…         every file under MEDIA_ROOT
It holds personal data, so it is written readable by its owner only (0600). `manage.py backup` and `manage.py
restore` are the two commands over this module.
"""

import io
import json
import os
import shutil
import subprocess  # nosec B404  # runs pg_dump/pg_restore only, with argument lists, no shell
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql
from psycopg.conninfo import make_conninfo

FORMAT = "asfportal-backup"
VERSION = 1
MANIFEST_NAME = "manifest.json"
DUMP_NAME = "database.dump"
MEDIA_PREFIX = "media/"
# Connection settings from DATABASES["default"]["OPTIONS"] that libpq understands; the rest (isolation_level,
# pool …) are psycopg or Django settings and mean nothing to pg_dump.
LIBPQ_OPTIONS = {
    "channel_binding",
    "connect_timeout",
    "gssencmode",
    "passfile",
    "service",
    "sslcert",
    "sslcrl",
    "sslkey",
    "sslmode",
    "sslrootcert",
    "target_session_attrs",
}


@dataclass(frozen=True)
class PgTarget:
    """Where a database lives. The password stays out of `conninfo`: the tools get it as PGPASSWORD, never as an
    argument (which any user of the machine can read in the process list)."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def conninfo(self) -> str:
        params = {
            "dbname": self.name,
            "host": self.host,
            "port": self.port,
            "user": self.user,
            **self.options,
        }
        return make_conninfo(**{key: str(value) for key, value in params.items() if value not in ("", None)})

    @property
    def server(self) -> str:
        return f"{self.host or 'localhost'}:{self.port or 5432}"

    def connect(self, **kwargs) -> psycopg.Connection:
        if self.password:
            kwargs["password"] = self.password
        try:
            return psycopg.connect(self.conninfo, **kwargs)
        except psycopg.OperationalError as error:
            raise CommandError(
                _("Cannot connect to database %(database)s on %(server)s: %(error)s")
                % {"database": self.name, "server": self.server, "error": str(error).strip()}
            ) from error

    def tool_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def pg_target(settings_dict: dict[str, Any], *, command: str) -> PgTarget:
    """The PostgreSQL database of a Django DATABASES entry; anything else is refused with an explanation."""
    engine = settings_dict.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        raise CommandError(
            _(
                "manage.py %(command)s works on PostgreSQL only (pg_dump and pg_restore). This database is "
                "SQLite: stop the portal and copy the file %(path)s and the folder of uploaded files instead."
            )
            % {"command": command, "path": settings_dict.get("NAME", "")}
        )
    if "postgresql" not in engine and "postgis" not in engine:
        raise CommandError(
            _("manage.py %(command)s works on PostgreSQL only; this database uses %(engine)s.")
            % {"command": command, "engine": engine}
        )
    options = settings_dict.get("OPTIONS") or {}
    return PgTarget(
        name=settings_dict["NAME"],
        host=settings_dict.get("HOST") or "",
        port=str(settings_dict.get("PORT") or ""),
        user=settings_dict.get("USER") or "",
        password=settings_dict.get("PASSWORD") or "",
        options={key: value for key, value in options.items() if key in LIBPQ_OPTIONS},
    )


def pg_tool(program: str) -> str:
    """pg_dump or pg_restore: from PG_BIN when set (it must match the server's major version), else from PATH."""
    folder = os.environ.get("PG_BIN")
    path = str(Path(folder) / program) if folder else shutil.which(program)
    if not path or not os.access(path, os.X_OK):
        raise CommandError(
            _(
                "%(program)s was not found: install the PostgreSQL client of the server's major version, or "
                "set PG_BIN to its folder."
            )
            % {"program": program}
        )
    return path


def _run(program: str, arguments: list[str], target: PgTarget) -> None:
    result = subprocess.run(  # nosec B603  # a fixed PostgreSQL tool from PG_BIN or PATH, list arguments, no shell
        [pg_tool(program), *arguments], env=target.tool_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(
            _("%(program)s failed: %(error)s") % {"program": program, "error": result.stderr.strip()}
        )


def table_row_counts(cursor: psycopg.Cursor) -> dict[str, int]:
    """Exact row count of every table outside PostgreSQL's own schemas, as {"schema.table": rows}."""
    cursor.execute(
        """
        SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
        ORDER BY 1, 2
        """
    )
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table)))
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def table_count(target: PgTarget) -> int:
    """How many tables, views and sequences the database holds outside PostgreSQL's own schemas."""
    with target.connect(autocommit=True) as conn:
        return conn.execute(
            """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
            """
        ).fetchone()[0]


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(path for path in media_root.rglob("*") if path.is_file() and not path.is_symlink())


def default_backup_path(folder: Path) -> Path:
    return folder / f"asfportal-{timezone.localtime():%Y%m%d-%H%M%S}.tar"


def backup_create(*, target: PgTarget, output: Path, media_root: Path) -> dict[str, Any]:
    """Write a backup of the database and MEDIA_ROOT to `output` (a new file, mode 0600); returns its manifest.

    The row counts are taken in the very snapshot pg_dump reads (pg_export_snapshot), so a restore can check
    them exactly even while the portal kept writing. The file appears under its name only when complete.
    """
    output, media_root = output.absolute(), media_root.absolute()
    if output.exists():
        raise CommandError(_("%(path)s already exists: a backup never overwrites a file.") % {"path": output})
    if output.is_relative_to(media_root):
        raise CommandError(
            _("Write the backup outside the folder of uploaded files (%(folder)s).") % {"folder": media_root}
        )
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Dump and unfinished archive go beside the output, on the file system the operator chose for personal
    # data; mkdtemp makes the folder 0700, and it is removed however the backup ends.
    work = Path(tempfile.mkdtemp(prefix=".asfportal-backup-", dir=output.parent))
    try:
        dump = work / DUMP_NAME
        with target.connect() as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                _run(
                    "pg_dump",
                    [
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                        f"--dbname={target.conninfo}",
                    ],
                    target,
                )
                tables = table_row_counts(cursor)
            server_version = conn.info.server_version
        media = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "database": target.name,
            "server_version": server_version,
            "tables": tables,
            "rows": sum(tables.values()),
            "media_files": len(media),
            "media_bytes": sum(path.stat().st_size for path in media),
        }
        partial = work / "backup.tar"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as fh:
            with tarfile.open(fileobj=fh, mode="w", format=tarfile.PAX_FORMAT) as tar:
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
                tar.add(dump, arcname=DUMP_NAME)
                for path in media:
                    tar.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, output)  # the same file system: the name appears only for a complete backup
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def backup_read_manifest(archive: tarfile.TarFile, path: Path) -> dict[str, Any]:
    """The manifest of a backup file; refuses anything `backup_create` did not write."""
    try:
        fh = archive.extractfile(MANIFEST_NAME)
        manifest = json.load(fh) if fh else None
        archive.getmember(DUMP_NAME)
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CommandError(_("%(path)s is not a backup written by manage.py backup.") % {"path": path})
    if manifest.get("version", 0) > VERSION:
        raise CommandError(
            _(
                "%(path)s was written by a newer version of the portal (backup format %(version)s); update first."
            )
            % {"path": path, "version": manifest["version"]}
        )
    return manifest


def open_backup(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:")
    except FileNotFoundError as error:
        raise CommandError(_("%(path)s does not exist.") % {"path": path}) from error
    except tarfile.TarError as error:
        raise CommandError(
            _("%(path)s is not a backup written by manage.py backup.") % {"path": path}
        ) from error


def restore_check_target(target: PgTarget) -> None:
    """Refuse a database that holds anything: restoring over live data is the one destructive path."""
    present = table_count(target)
    if present:
        raise CommandError(
            _(
                "Database %(database)s on %(server)s already holds tables, views or sequences (%(count)s). A restore "
                "only goes into an empty database: create one (createdb) and pass its address with "
                "--database-url, or drop and re-create this one first."
            )
            % {"database": target.name, "server": target.server, "count": present}
        )


@dataclass
class RestoreResult:
    tables: dict[str, int]
    media_written: int = 0
    media_kept: int = 0


def backup_restore(
    *, archive: tarfile.TarFile, manifest: dict[str, Any], target: PgTarget, media_root: Path | None
) -> RestoreResult:
    """Restore a backup into an empty PostgreSQL database, then check every table's row count against the backup.

    pg_restore runs in one transaction and stops at the first error, so a failed restore leaves the database
    empty. Objects are owned by the restoring user and the source's GRANTs are left out (--no-owner
    --no-privileges): the target server need not have the source's roles. Uploaded files missing from
    `media_root` are written there; files already present are left as they are (the portal never rewrites a
    stored file in place); `media_root=None` skips them.
    """
    restore_check_target(target)
    work = Path(tempfile.mkdtemp(prefix="asfportal-restore-"))  # 0700: the dump holds personal data
    try:
        dump = work / DUMP_NAME
        source = archive.extractfile(DUMP_NAME)
        descriptor = os.open(dump, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as fh:
            shutil.copyfileobj(source, fh, length=1024 * 1024)
        _run(
            "pg_restore",
            [
                f"--dbname={target.conninfo}",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                str(dump),
            ],
            target,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    with target.connect() as conn, conn.cursor() as cursor:
        tables = table_row_counts(cursor)
    expected = manifest["tables"]
    differing = sorted(
        name for name in expected.keys() | tables.keys() if expected.get(name) != tables.get(name)
    )
    if differing:
        raise CommandError(
            _("The restored database differs from the backup in these tables: %(tables)s. Do not use it.")
            % {"tables": ", ".join(differing)}
        )
    result = RestoreResult(tables=tables)
    if media_root is not None:
        _restore_media(archive, media_root.absolute(), result)
    return result


def _restore_media(archive: tarfile.TarFile, media_root: Path, result: RestoreResult) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    for member in archive.getmembers():
        if not member.isfile() or not member.name.startswith(MEDIA_PREFIX):
            continue
        relative = member.name.removeprefix(MEDIA_PREFIX)
        if (media_root / relative).exists():
            result.media_kept += 1
            continue
        # The "data" filter refuses absolute names, "..", links and device files, and drops the owner.
        archive.extract(member.replace(name=relative, deep=False), path=media_root, filter="data")
        result.media_written += 1
