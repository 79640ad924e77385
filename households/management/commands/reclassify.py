from django.core.management.base import BaseCommand, CommandError

from households.models import PovertyStandard
from households.reclassify import reclassify_standard


class Command(BaseCommand):
    help = (
        "Re-classify the stored households under their standard (all, or the standards named), each standard "
        "all or nothing; the figures of the households that moved are recomputed. Run it after an upgrade "
        "that changes how a standard classifies (e.g. the working-age rule of households migration 0006)."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", metavar="CODE", help="standard codes, e.g. ND07-2021 (default: all)")

    def handle(self, *args, codes, **options):
        standards = PovertyStandard.objects.order_by("first_year")
        if codes:
            standards = standards.filter(code__in=codes)
            unknown = set(codes) - set(standards.values_list("code", flat=True))
            if unknown:
                raise CommandError(f"Không có chuẩn nghèo mã {', '.join(sorted(unknown))}")
        for standard in standards:
            count = reclassify_standard(standard.pk)
            self.stdout.write(f"{standard.code}: {count:,} hộ đã được xét lại".replace(",", "."))
