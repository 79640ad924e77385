from django.db import migrations


def add_indicators(apps, schema_editor):
    """The re-poor households split by their class the year before (the transitions Sankey's own flow)."""
    from targets.catalogue import INDICATORS

    Indicator = apps.get_model("targets", "Indicator")
    for code, name_vi, name_en, unit, lower_is_better, kind, definition in INDICATORS:
        if code.startswith("transition_re_poor_from_"):
            Indicator.objects.update_or_create(code=code, defaults={
                "name_vi": name_vi, "name_en": name_en, "unit": unit, "lower_is_better": lower_is_better,
                "kind": kind, "definition": definition})


class Migration(migrations.Migration):
    dependencies = [("targets", "0010_constraint_messages_on_fields")]
    operations = [migrations.RunPython(add_indicators, migrations.RunPython.noop)]
