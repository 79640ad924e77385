from django.db import migrations


def rename(apps, schema_editor):
    """Censored-headcount indicators by the deprivation's name, not its code ("…: adult_education")."""
    from households.standards.names import DEPRIVATION_NAMES

    Indicator = apps.get_model("targets", "Indicator")
    for name, (vi, en) in DEPRIVATION_NAMES.items():
        Indicator.objects.filter(code=f"censored_{name}").update(
            name_vi=f"Tỷ lệ thiếu hụt có kiểm duyệt — {vi.lower()}", name_en=f"Censored headcount — {en.lower()}")


class Migration(migrations.Migration):
    dependencies = [("targets", "0007_bounds_and_constraint_messages")]
    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
