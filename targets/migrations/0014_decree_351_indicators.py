from django.db import migrations


def load(apps, schema_editor):
    from targets.reference_data import load_catalogue

    load_catalogue(apps)  # the censored headcount of Decree 351's waste indicator


class Migration(migrations.Migration):
    dependencies = [("targets", "0013_work_leases"), ("households", "0014_decree_351_answers")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
