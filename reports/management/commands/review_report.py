from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from areas.models import Unit
from reports import selectors, xlsx


class Command(BaseCommand):
    help = "Write the year-end review report (tables T1–T5, a sheet each) of a unit and survey year to an .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("unit_code")
        parser.add_argument("year", type=int)
        parser.add_argument("--out", required=True, help="path of the .xlsx to write")
        parser.add_argument("--language", default="vi", help="language of the labels (vi or en)")
        parser.add_argument(
            "--boundaries",
            choices=("current", "recorded"),
            help="today's units (the default for a unit in force) or the units of the review, as filed",
        )

    def handle(self, unit_code, year, out, language, boundaries=None, **options):
        unit = Unit.objects.by_code(unit_code, year)
        if unit is None:
            raise CommandError(f"No administrative unit has the code {unit_code!r}.")
        with translation.override(language):
            report = selectors.review_report(unit, year, boundaries=boundaries)
            if report is None:
                raise CommandError(f"No poverty standard covers {year}.")
            data = xlsx.workbook_bytes(report, unapproved=selectors.approval_marks(unit, year, report)[1])
        Path(out).write_bytes(data)
        self.stdout.write(f"{out}: {unit.name} ({unit.code}), {year}, {len(report.tables)} sheets")
