from django.db import migrations


def load(apps, schema_editor):
    from targets.reference_data import load_catalogue

    load_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("targets", "0004_history")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
