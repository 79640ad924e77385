import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from households.roster.reader import UnreadableFile
from households.roster.service import roster_import


class Command(BaseCommand):
    help = (
        "Import a household roster (.xlsx, .xls, .ods or .csv; the layouts of docs/roster). Exit code 0: imported (or "
        "importable with --dry-run); 1: the file has errors, nothing written; 2: the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, help="survey year of rows without a “Năm rà soát” column")
        parser.add_argument("--dry-run", action="store_true", help="check and count only; write nothing")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._import(**options)

    def _import(self, file, year=None, dry_run=False, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            self.stderr.write(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": error.strerror})
            sys.exit(2)
        try:
            result = roster_import(
                data, path.name, year=year, dry_run=dry_run, reason=_("import_roster %(file)s") % {"file": path.name}
            )
        except UnreadableFile as error:
            self.stderr.write(f"{path.name}: {error}")
            sys.exit(2)
        for problem in result.problems:
            self.stdout.write(problem.line())
        if result.problem_count > len(result.problems):
            self.stdout.write(_("… and %(n)s more errors") % {"n": result.problem_count - len(result.problems)})
        for line in result.summary_lines():
            self.stdout.write(line)
        if not result.ok:
            sys.exit(1)
