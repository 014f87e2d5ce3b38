from pathlib import Path

from coproduce.core.management.backups import BackupError, make_backup
from coproduce.core.management.base import CoproduceCommand, bad_input


class Command(CoproduceCommand):
    help = (
        "Back up the database and the uploaded files into a new or empty folder, with a "
        "manifest that `coproduce restore` checks. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new or empty folder for the backup")

    def handle(self, *args, folder, **options):
        try:
            manifest = make_backup(Path(folder))
        except (BackupError, OSError) as error:
            raise bad_input(error) from error
        files = manifest["files"]
        self.stdout.write(
            f"Backed up {sum(manifest['rows'].values()):,} rows of "
            f"{len(manifest['rows'])} tables ({manifest['engine']}) and {len(files):,} files "
            f"({sum(f['size'] for f in files):,} bytes) into {folder}."
        )
