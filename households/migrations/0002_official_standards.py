from django.db import migrations


def load_standards(apps, schema_editor):
    from households.standards.builtin import BUILTIN

    PovertyStandard = apps.get_model("households", "PovertyStandard")
    names = {
        "QD59-2015": ("Quyết định 59/2015/QĐ-TTg — chuẩn nghèo tiếp cận đa chiều 2016–2020",
                      "Quyết định 59/2015/QĐ-TTg ngày 19/11/2015; Thông tư 17/2016/TT-BLĐTBXH."),
        "ND07-2021": ("Nghị định 07/2021/NĐ-CP — chuẩn nghèo đa chiều 2022–2025",
                      "Nghị định 07/2021/NĐ-CP ngày 27/01/2021, Điều 3 và Phụ lục; sửa đổi bởi Nghị định 30/2025/NĐ-CP."),
    }
    for code, s in BUILTIN.items():
        def pair(name):
            value = getattr(s, name)
            return {f"{name}_rural": value["rural"] if value else None, f"{name}_urban": value["urban"] if value else None}

        PovertyStandard.objects.update_or_create(code=code, defaults={
            "name": names[code][0], "legal_basis": names[code][1],
            "first_year": s.first_year, "last_year": s.last_year,
            **pair("income_only_poor_line"), **pair("deprivation_line"), **pair("middle_line"),
            **pair("low_income_worker_line"),
            "min_deprivations": s.min_deprivations, "indicator_rules": s.indicator_rules, "parameters": s.parameters,
        })


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(load_standards, migrations.RunPython.noop)]
