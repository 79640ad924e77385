from django.db import migrations


def load_catalogue(apps, schema_editor):
    from targets.catalogue import INDICATORS

    Indicator = apps.get_model("targets", "Indicator")
    for code, name_vi, name_en, unit, lower_is_better, kind, definition in INDICATORS:
        Indicator.objects.update_or_create(code=code, defaults={
            "name_vi": name_vi, "name_en": name_en, "unit": unit, "lower_is_better": lower_is_better,
            "kind": kind, "definition": definition,
        })


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
