"""A household's classification rule was stored as Vietnamese prose ("thu nhập 1.500.000 ≤ 1.500.000 (nông thôn) và
3 chỉ số thiếu hụt ≥ 3"); it is now stored as the engine's Rule (numbers and codes, households/standards/records.py)
and worded in the reader's language. This reads the prose back once; the patterns are frozen here."""

import json
import re

from django.db import migrations

N = r"(\d{1,3}(?:\.\d{3})*)"
AREA = r"\((nông thôn|thành thị)\)"
PATTERNS = (
    ("income_only", re.compile(rf"^thu nhập {N} ≤ {N} {AREA}$")),
    (
        "deprivations",
        re.compile(
            rf"^thu nhập {N} ≤ {N} {AREA} và (\d+) chỉ số thiếu hụt [≥<] (\d+)(?:, (\d+) chỉ số chưa khảo sát)?$"
        ),
    ),
    ("middle", re.compile(rf"^{N} < thu nhập {N} ≤ {N} {AREA}$")),
    ("above", re.compile(rf"^thu nhập {N} > {N} {AREA}$")),
)


def _int(text):
    return int(text.replace(".", ""))


def encode(prose):
    for test, pattern in PATTERNS:
        m = pattern.match(prose or "")
        if not m:
            continue
        g = m.groups()
        if test == "middle":
            data = {"lower": _int(g[0]), "income": _int(g[1]), "line": _int(g[2]), "area": g[3]}
        else:
            data = {"income": _int(g[0]), "line": _int(g[1]), "area": g[2]}
        if test == "deprivations":
            data.update(count=int(g[3]), threshold=int(g[4]))
            if g[5]:
                data["not_surveyed"] = int(g[5])
        data["area"] = "rural" if data["area"] == "nông thôn" else "urban"
        data["test"] = test
        return json.dumps(data, separators=(",", ":"), sort_keys=True)
    return None


def forwards(apps, schema_editor):
    for model in ("Household", "HistoricalHousehold", "HouseholdClassification"):
        Model = apps.get_model("households", model)
        batch = []
        for row in Model.objects.filter(classification_rule__contains="thu nhập").only(Model._meta.pk.name, "classification_rule"):
            rule = encode(row.classification_rule)
            if rule:
                row.classification_rule = rule
                batch.append(row)
            if len(batch) >= 2000:
                Model.objects.bulk_update(batch, ["classification_rule"])
                batch = []
        Model.objects.bulk_update(batch, ["classification_rule"])


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0014_decree_351_answers"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
