"""Reference data every installation needs: the indicator catalogue. Idempotent; run by the migrations and
again by load_demo. The poverty standards live with the households app (households.reference_data)."""

from households.reference_data import load_standards  # noqa: F401 - kept importable from here


def load_catalogue(apps):
    from targets.catalogue import INDICATORS

    Indicator = apps.get_model("targets", "Indicator")
    for code, name_vi, name_en, unit, lower_is_better, kind, definition in INDICATORS:
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "unit": unit,
                "lower_is_better": lower_is_better,
                "kind": kind,
                "definition": definition,
            },
        )
