"""Reference data every installation needs: the official poverty standards. Idempotent; run by the
migrations and again by load_demo."""

STANDARD_NAMES = {
    "QD59-2015": (
        "Quyết định 59/2015/QĐ-TTg — chuẩn nghèo tiếp cận đa chiều 2016–2020",
        "Quyết định 59/2015/QĐ-TTg ngày 19/11/2015; Thông tư 17/2016/TT-BLĐTBXH.",
    ),
    "ND07-2021": (
        "Nghị định 07/2021/NĐ-CP — chuẩn nghèo đa chiều 2022–2025",
        "Nghị định 07/2021/NĐ-CP ngày 27/01/2021, Điều 3 và Phụ lục; sửa đổi bởi Nghị định 30/2025/NĐ-CP.",
    ),
}


def load_standards(apps):
    from households.standards.builtin import BUILTIN

    PovertyStandard = apps.get_model("households", "PovertyStandard")
    for code, s in BUILTIN.items():
        lines = {}
        for name in ("income_only_poor_line", "deprivation_line", "middle_line", "low_income_worker_line"):
            value = getattr(s, name) or {}
            lines.update({f"{name}_rural": value.get("rural"), f"{name}_urban": value.get("urban")})
        PovertyStandard.objects.get_or_create(
            code=code,
            defaults={
                "name": STANDARD_NAMES[code][0],
                "legal_basis": STANDARD_NAMES[code][1],
                "first_year": s.first_year,
                "last_year": s.last_year,
                **lines,
                "min_deprivations": s.min_deprivations,
                "indicator_rules": s.indicator_rules,
                "parameters": s.parameters,
            },
        )
