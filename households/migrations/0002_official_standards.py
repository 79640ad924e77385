from django.db import migrations


def load_standards(apps, schema_editor):
    from households.reference_data import load_standards

    load_standards(apps)


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(load_standards, migrations.RunPython.noop)]
