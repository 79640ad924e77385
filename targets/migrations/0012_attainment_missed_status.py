from decimal import Decimal

from django.db import migrations, models

# With the plan's year over the engine used to answer "off track", or "at risk" for a count whose share
# condition failed; both mean the goal was missed, which is now a status of its own (docs/attainment.md).
BEFORE = ["off_track", "at_risk"]


def year_over(attainment) -> bool:
    elapsed = (attainment.explanation or {}).get("elapsed")
    return elapsed not in (None, "") and Decimal(str(elapsed)) >= 1


def mark_missed(apps, schema_editor):
    Attainment = apps.get_model("targets", "Attainment")
    over = [a.pk for a in Attainment.objects.filter(status__in=BEFORE).only("explanation") if year_over(a)]
    Attainment.objects.filter(pk__in=over).update(status="missed")


def unmark_missed(apps, schema_editor):
    apps.get_model("targets", "Attainment").objects.filter(status="missed").update(status="off_track")


class Migration(migrations.Migration):
    dependencies = [("targets", "0011_re_poor_by_class_before")]

    operations = [
        migrations.AlterField(
            model_name="attainment",
            name="status",
            field=models.CharField(
                choices=[
                    ("achieved", "achieved"),
                    ("on_track", "on track"),
                    ("at_risk", "at risk"),
                    ("off_track", "off track"),
                    ("missed", "not achieved"),
                    ("no_data", "no data"),
                ],
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(mark_missed, unmark_missed),
    ]
