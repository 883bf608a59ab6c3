"""manage.py restore: a file from manage.py backup into an empty PostgreSQL database, uploaded files included."""

import sys
from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from asfportal.core import backups


class Command(BaseCommand):
    help = (
        "Restore a backup written by manage.py backup into an empty PostgreSQL database (default: DATABASE_URL) "
        "and put its uploaded files back into MEDIA_ROOT. Refuses a database that already holds tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file (.tar).")
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of DATABASE_URL, e.g. postgres://user@host:5432/asfportal_new",
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--skip-media", action="store_true", help="Restore the database only, not the uploaded files."
        )

    def handle(self, *args, path: Path, database_url=None, yes=False, skip_media=False, **options):
        settings_dict = (
            environ.Env.db_url_config(database_url)
            if database_url
            else connections[DEFAULT_DB_ALIAS].settings_dict
        )
        target = backups.pg_target(settings_dict, command="restore")
        with backups.open_backup(path) as archive:
            manifest = backups.backup_read_manifest(archive, path)
            backups.restore_check_target(target)  # before asking: a refused restore should not ask first
            if not yes:
                self._confirm(manifest, target)
            media_root = None if skip_media else Path(settings.MEDIA_ROOT)
            result = backups.backup_restore(
                archive=archive, manifest=manifest, target=target, media_root=media_root
            )
        self.stdout.write(
            _("%(tables)s tables, %(rows)s rows: the same as in the backup.")
            % {"tables": len(result.tables), "rows": sum(result.tables.values())}
        )
        if media_root is None:
            self.stdout.write(_("Uploaded files were not restored (--skip-media)."))
        else:
            self.stdout.write(
                _(
                    "Uploaded files: %(written)s written to %(folder)s, %(kept)s already there and left as they were."
                )
                % {
                    "written": result.media_written,
                    "folder": media_root.absolute(),
                    "kept": result.media_kept,
                }
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored %(path)s into database %(database)s on %(server)s.")
                % {"path": path, "database": target.name, "server": target.server}
            )
        )

    def _confirm(self, manifest: dict, target: backups.PgTarget) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                _("Restoring writes into database %(database)s on %(server)s: pass --yes to confirm.")
                % {"database": target.name, "server": target.server}
            )
        answer = input(
            _(
                "Restore the backup of %(created)s (database %(source)s) into database %(database)s on "
                "%(server)s? Type yes to continue: "
            )
            % {
                "created": manifest["created_at"],
                "source": manifest["database"],
                "database": target.name,
                "server": target.server,
            }
        )
        if answer.strip().lower() not in {"yes", _("yes")}:
            raise CommandError(_("Restore cancelled."))
