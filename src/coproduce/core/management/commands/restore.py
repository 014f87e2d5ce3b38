from pathlib import Path

from coproduce.core.management.backups import (
    BackupError,
    pending_migrations,
    read_backup,
    restore_backup,
    site_holds_data,
)
from coproduce.core.management.base import CoproduceCommand, bad_input


class Command(CoproduceCommand):
    help = (
        "Restore a backup made by `coproduce backup`: the database and the uploaded files. "
        "Stop the web server and the worker first. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="the backup's folder (with manifest.json)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a site that already holds data (its rows are lost; uploaded files "
            "are overwritten where the backup has the same name)",
        )

    def handle(self, *args, folder, force, **options):
        try:
            manifest = read_backup(Path(folder))
            if not force and (holding := site_holds_data()):
                raise BackupError(
                    f"{holding}; restoring would replace it. Restore into an empty site, or "
                    "give --force"
                )
            restore_backup(Path(folder), manifest)
        except (BackupError, OSError) as error:
            raise bad_input(error) from error
        self.stdout.write(
            f"Restored {sum(manifest['rows'].values()):,} rows and {len(manifest['files']):,} "
            f"files from the backup of {manifest['created_at']}."
        )
        if pending := pending_migrations():
            self.stdout.write(
                f"This Coproduce has {pending} migrations the backup lacks: "
                "run `coproduce migrate` before starting the site."
            )
