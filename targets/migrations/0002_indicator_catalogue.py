from django.db import migrations


def load_catalogue(apps, schema_editor):
    from targets.reference_data import load_catalogue

    load_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
