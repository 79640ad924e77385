"""Working age by sex and review year becomes data of each standard (issue 7.1): the retirement roadmap of
Labour Code 2019 art. 169 / Decree 135/2020 art. 4, as [year from which it applies, age in months]."""

from django.db import migrations

RETIREMENT_MONTHS = {
    "M": [[2020, 720], [2021, 723], [2022, 726], [2023, 729], [2024, 732], [2025, 735], [2026, 738], [2027, 741],
          [2028, 744]],
    "F": [[2020, 660], [2021, 664], [2022, 668], [2023, 672], [2024, 676], [2025, 680], [2026, 684], [2027, 688],
          [2028, 692], [2029, 696], [2030, 700], [2031, 704], [2032, 708], [2033, 712], [2034, 716], [2035, 720]],
}


def fill_roadmap(apps, schema_editor):
    PovertyStandard = apps.get_model("households", "PovertyStandard")
    for standard in PovertyStandard.objects.all():
        parameters = dict(standard.parameters or {})
        parameters.pop("working_age", None)  # the old 15–59 band for everyone
        parameters.setdefault("working_age_min", 15)
        parameters.setdefault("retirement_months", RETIREMENT_MONTHS)
        standard.parameters = parameters
        standard.save(update_fields=["parameters"])


def drop_roadmap(apps, schema_editor):
    PovertyStandard = apps.get_model("households", "PovertyStandard")
    for standard in PovertyStandard.objects.all():
        parameters = dict(standard.parameters or {})
        parameters.pop("working_age_min", None)
        parameters.pop("retirement_months", None)
        standard.parameters = parameters
        standard.save(update_fields=["parameters"])


class Migration(migrations.Migration):
    dependencies = [("households", "0005_roster_import")]
    operations = [migrations.RunPython(fill_roadmap, drop_roadmap)]
