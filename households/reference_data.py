"""Reference data every installation needs: the official poverty standards (with where each threshold comes from). Idempotent; run by the
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
    "ND351-2025": (
        "Nghị định 351/2025/NĐ-CP — chuẩn nghèo đa chiều 2026–2030",
        "Nghị định 351/2025/NĐ-CP ngày 30/12/2025; tiêu chí áp dụng từ kỳ rà soát cuối năm 2026 (danh sách năm "
        "2027). Ngưỡng các chỉ số thiếu hụt là cách đọc tạm theo Nghị định 07/2021, chờ đối chiếu Phụ lục.",
    ),
}

# Where each threshold comes from, and whether it has been checked against the published text
# (docs/domain/poverty-standards.md: [V] confirmed; unverified, draft or inferred: not yet).
_SOURCES = {
    "QD59-2015": (
        "Quyết định 59/2015/QĐ-TTg, Điều 1–2",
        "Đề án 1614/QĐ-TTg; Thông tư 17/2016, Phiếu B (chưa đối chiếu)",
    ),
    "ND07-2021": ("Nghị định 07/2021/NĐ-CP, Điều 3", "Nghị định 07/2021/NĐ-CP, Phụ lục (chưa đối chiếu)"),
    "ND351-2025": (
        "Nghị định 351/2025/NĐ-CP (theo tin văn bản ban hành; chưa đối chiếu văn bản)",
        "Tạm theo Nghị định 07/2021/NĐ-CP, Phụ lục; chờ đối chiếu Phụ lục Nghị định 351/2025/NĐ-CP",
    ),
}


def provenance_of(code: str, standard) -> dict:
    """The provenance of every threshold of a built-in standard: the lines and the rule, each indicator, each
    parameter it sets. Only Decision 59's and Decree 07's income lines are confirmed."""
    lines_source, appendix_source = _SOURCES[code]
    lines_confirmed = code != "ND351-2025"
    lines = [n for n in ("income_only_poor_line", "deprivation_line", "middle_line", "low_income_worker_line")]
    entries = {n: (lines_source, lines_confirmed) for n in lines if getattr(standard, n)}
    entries["min_deprivations"] = (lines_source, lines_confirmed)
    entries.update({n: (appendix_source, False) for n in (*standard.indicator_rules, *standard.parameters)})
    return {name: {"source": source, "confirmed": confirmed} for name, (source, confirmed) in entries.items()}


def load_standards(apps):
    from households.standards.builtin import BUILTIN

    PovertyStandard = apps.get_model("households", "PovertyStandard")
    kept = any(f.name == "provenance" for f in PovertyStandard._meta.get_fields())  # an older migration's model
    for code, s in BUILTIN.items():
        provenance = {"provenance": provenance_of(code, s)} if kept else {}
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
                **provenance,
            },
        )


def add_provenance(apps):
    """Standards loaded before provenance was kept get the built-in one (an administrator's entries stay)."""
    from households.standards.builtin import BUILTIN

    PovertyStandard = apps.get_model("households", "PovertyStandard")
    for standard in PovertyStandard.objects.filter(code__in=BUILTIN, provenance={}):
        standard.provenance = provenance_of(standard.code, BUILTIN[standard.code])
        standard.save(update_fields=["provenance"])
