import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from areas.changes import import_unit_changes
from households.roster.reader import UnreadableFile


class Command(BaseCommand):
    help = (
        "Import a succession table of administrative units (.xlsx or .csv: Mã ĐVHC cũ, Tên ĐVHC cũ, Mã ĐVHC mới, "
        "Tên ĐVHC mới, Ngày hiệu lực, optionally Tỷ lệ hộ and Thôn / ấp). Exit code 0: imported (or already "
        "recorded); 1: the table has errors, nothing written; 2: the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        with translation.override(settings.LANGUAGE_CODE):
            path = Path(file)
            try:
                result = import_unit_changes(path.read_bytes(), path.name)
            except OSError as error:
                self.stderr.write(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": error.strerror})
                sys.exit(2)
            except UnreadableFile as error:
                self.stderr.write(f"{path.name}: {error}")
                sys.exit(2)
            for problem in result.problems:
                self.stdout.write(problem.line())
            for line in result.summary_lines():
                self.stdout.write(line)
            if not result.ok:
                sys.exit(1)
