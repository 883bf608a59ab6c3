"""manage.py backup: the database (pg_dump) and the uploaded files in one tar file, readable by its owner only."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from asfportal.core import backups


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format) and the uploaded files (MEDIA_ROOT) into one "
        "tar file, mode 0600. Restore it with manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="File to write (must not exist). Default: var/backups/asfportal-YYYYMMDD-HHMMSS.tar",
        )

    def handle(self, *args, output: Path | None = None, verbosity: int = 1, **options):
        target = backups.pg_target(connections[DEFAULT_DB_ALIAS].settings_dict, command="backup")
        output = output or backups.default_backup_path(settings.BASE_DIR / "var" / "backups")
        manifest = backups.backup_create(target=target, output=output, media_root=Path(settings.MEDIA_ROOT))
        if verbosity >= 2:
            for table, rows in manifest["tables"].items():
                self.stdout.write(f"  {table:<60} {rows:>10}")
        self.stdout.write(
            _(
                "Database %(database)s: %(tables)s tables, %(rows)s rows. Uploaded files: %(files)s (%(size)s)."
            )
            % {
                "database": manifest["database"],
                "tables": len(manifest["tables"]),
                "rows": manifest["rows"],
                "files": manifest["media_files"],
                "size": filesizeformat(manifest["media_bytes"]),
            }
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written to %(path)s (%(size)s, readable by its owner only).")
                % {"path": output.absolute(), "size": filesizeformat(output.stat().st_size)}
            )
        )
