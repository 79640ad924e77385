from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from areas.models import Unit
from households.models import Household, Member
from households.roster.export import LAYOUTS, TooManyRows, households_xlsx
from households.roster.service import ImportResult
from povertyplan.display import number


class Command(BaseCommand):
    help = (
        "Ghi danh sách hộ ra tệp .xlsx theo một dạng mà import_roster nhập lại được, không đổi gì: mọi hộ, hoặc các hộ "
        "của một đơn vị (và mọi cấp dưới), của một năm rà soát. / Write households to an .xlsx in a layout that "
        "import_roster takes back with nothing changed: every household, or those of a unit (and all below it), of one "
        "survey year."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx sẽ ghi / the .xlsx to write")
        parser.add_argument("--unit", metavar="CODE", help="mã đơn vị / unit code (default: every unit)")
        parser.add_argument("--year", type=int, help="năm rà soát / survey year (default: every year)")
        parser.add_argument(
            "--layout",
            default="two_sheets",
            help=f"dạng tệp / layout: {', '.join(LAYOUTS)} (default: two_sheets)",
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._export(**options)

    def _export(self, file, unit=None, year=None, layout="two_sheets", **options):
        if layout not in LAYOUTS:
            raise CommandError(
                _("Unknown layout “%(layout)s”: choose %(layouts)s.")
                % {"layout": layout, "layouts": ", ".join(LAYOUTS)}
            )
        if not file.lower().endswith(".xlsx"):
            raise CommandError(_("The file must be named .xlsx: %(file)s") % {"file": file})
        households = Household.objects.all()
        if unit is not None:
            found = Unit.objects.by_code(unit)
            if found is None:
                raise CommandError(_("No administrative unit has the code %(code)s.") % {"code": unit})
            households = households.filter(unit__path__startswith=found.path)
        if year is not None:
            households = households.filter(survey_year=year)
        try:
            households_xlsx(households, layout, target=file)
        except TooManyRows as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            Path(file).unlink(missing_ok=True)
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": file, "error": error.strerror or error}
            ) from None
        values = {
            "file": file,
            "households": number(households.count()),
            "layout": ImportResult(layout=layout).layout_name(),
            "years": ", ".join(map(str, sorted(set(households.values_list("survey_year", flat=True))))) or "—",
        }
        if layout == "answers":  # no member is written in this layout
            line = _("%(file)s: %(households)s households (%(layout)s); survey years: %(years)s")
        else:
            values["members"] = number(Member.objects.filter(household__in=households).count())
            line = _("%(file)s: %(households)s households, %(members)s members (%(layout)s); survey years: %(years)s")
        self.stdout.write(line % values)
