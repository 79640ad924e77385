import random
from collections import defaultdict
from datetime import date
from itertools import accumulate
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from areas.changes import import_unit_changes
from areas.demo_units import DEMO_PROVINCES, REFORM_TABLE, VILLAGE_PREFIX
from areas.models import Profile, Unit, UnitSuccession
from areas.services import profile_save
from households.demo import PROVINCE_ECONOMY, generate_households, later_review, next_year
from households.models import Household, Member, PovertyStandard
from households.reclassify import classify_under
from households.reference_data import load_standards
from households.services import apply_classification
from targets.engine import indicator_value
from targets.models import Indicator, Plan, ReportedValue, Target
from targets.reference_data import load_catalogue
from targets.seed_plans import SEED_PLANS
from targets.services import recompute_all, remeasure_baselines

REFORM_DATE = date(2025, 7, 1)
SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
HOUSEHOLDS_PER_PROVINCE = 2000
LATEST_REVIEW = 2026  # the review now under way: it fixes the 2027 lists
DEMO_PASSWORD = "demo"
DEMO_OFFICER_COMMUNE = "92505"  # Xã Thuận Hòa of Cần Thơ, made of the old Xã Thuận Hòa (94204) and part of Phú Tâm
FORMER_AREA_NOTE = "đơn vị đã thôi tồn tại (chỉ xem lịch sử, không nhập, không duyệt) từ"


class Command(BaseCommand):
    help = "Load the demo: both seed plans, their provinces, synthetic households, demo accounts. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help=f"households per province = {HOUSEHOLDS_PER_PROVINCE} × scale"
        )

    def handle(self, *args, scale, **options):
        missing = [seed["source_file"] for seed in SEED_PLANS if not (SEEDS_DIR / seed["source_file"]).is_file()]
        if missing:
            raise CommandError(
                f"Thiếu tệp văn bản kế hoạch mẫu trong {SEEDS_DIR}: {', '.join(missing)}. "
                "Không nạp gì. / Missing seed plan text; nothing was loaded."
            )
        with transaction.atomic():
            load_standards(apps)
            load_catalogue(apps)
            villages = {p["code"]: load_units(p) for p in DEMO_PROVINCES}
            moves = load_reform()
            for seed in SEED_PLANS:
                load_plan(seed)
            created = 0
            for province in DEMO_PROVINCES:
                plan = next(s for s in SEED_PLANS if s["province"] == province["code"])
                created += load_households(
                    province,
                    villages[province["code"]],
                    plan["year_start"] - 1,
                    int(HOUSEHOLDS_PER_PROVINCE * scale),
                    moves,
                )
            for plan in Plan.objects.all():
                remeasure_baselines(plan)
                load_reported_values(plan)
        run = recompute_all()
        self.stdout.write(f"Households created: {created} (existing ones are kept).")
        self.stdout.write(f"Indicators and attainment recomputed: {run.rows} rows in {run.duration_ms} ms.")
        if settings.DEBUG:
            for line in load_accounts():
                self.stdout.write(line)


def _upsert_unit(code, **fields):
    unit, _ = Unit.objects.update_or_create(code=code, defaults=fields)
    return unit


def load_units(province) -> list[tuple[Unit, Unit, Unit]]:
    """The province, its real districts, and generated communes and villages. Returns the villages."""
    root = _upsert_unit(province["code"], name=province["name"], level="province", parent=None)
    villages, names = [], iter(province["communes"])
    for d_code, d_name, kind, flags in province["districts"]:
        district = _upsert_unit(
            d_code,
            name=d_name,
            level="district",
            parent=root,
            poor_district=flags.get("poor_district", False),
            ethnic_minority_area=flags.get("ethnic_minority_area", False),
            area_type="urban" if kind == "thanh_pho" else "rural",
        )
        urban_count = {"thanh_pho": 4, "thi_xa": 2, "huyen": 1}[kind]
        for i in range(1, 5):
            urban = i <= urban_count
            prefix = ("Phường" if kind != "huyen" else "Thị trấn") if urban else "Xã"
            commune = _upsert_unit(
                f"{d_code}{i:02d}",
                name=f"{prefix} {next(names)}",
                level="commune",
                parent=district,
                area_type="urban" if urban else "rural",
                extremely_difficult=not urban and i == 4 and (district.poor_district or district.ethnic_minority_area),
                coastal_or_island=not urban and i >= 3 and flags.get("coastal", False),
                ethnic_minority_area=district.ethnic_minority_area,
            )
            for j in range(1, 4):
                village = _upsert_unit(
                    f"{commune.code}{j:02d}",
                    name=f"{VILLAGE_PREFIX[province['code']]} {j}",
                    level="village",
                    parent=commune,
                    area_type=commune.area_type,
                )
                villages.append((village, district, commune))
    return villages


def load_reform() -> dict[int, list[tuple[Unit, float]]]:
    """The 2025 reform, imported as a province would import it: the succession table committed with the demo
    (areas/demo/reform-2025.csv) read by import_unit_changes. Then what the table does not carry and a province
    sets in the admin: the new communes' flags (from the communes they were made of) and their villages (generated,
    one per old village that went there). Returns, for each old village, the new villages its households went to
    with the share of them (1 for a village that moved whole)."""
    result = import_unit_changes(REFORM_TABLE.read_bytes(), REFORM_TABLE.name)
    if not result.ok:
        raise CommandError("; ".join(str(p) for p in result.problems))
    rows = UnitSuccession.objects.filter(old__level=Unit.Level.COMMUNE, valid_from=REFORM_DATE).select_related(
        "old", "new"
    )
    whole, shares, sources = {}, defaultdict(list), defaultdict(list)
    for row in rows.order_by("old__path", "new__path"):
        if row.village_id:
            whole[row.village_id] = row.new
        else:
            shares[row.old_id].append((row.new, float(row.share) / 100))
            sources[row.new_id].append(row.old)
    for new_id, olds in sources.items():
        Unit.objects.filter(pk=new_id).update(
            extremely_difficult=any(o.extremely_difficult for o in olds),
            coastal_or_island=any(o.coastal_or_island for o in olds),
            ethnic_minority_area=any(o.ethnic_minority_area for o in olds),
            poor_commune=all(o.parent.poor_district and o.area_type == "rural" for o in olds),
        )
    moves, made = {}, defaultdict(int)
    old_villages = Unit.objects.filter(parent_id__in=list(shares), level=Unit.Level.VILLAGE).select_related("parent")
    for village in old_villages.order_by("path"):
        commune = village.parent
        targets = [(whole[village.pk], 1.0)] if village.pk in whole else shares[commune.pk]
        moves[village.pk] = []
        for new, weight in targets:
            made[new.pk] += 1
            short = commune.name.split(" ", 2 if commune.name.startswith("Thị trấn") else 1)[-1]
            name = f"{village.name} {commune.name if short.isdigit() else short}"
            unit, _ = Unit.objects.update_or_create(
                parent=new,
                code=f"{new.code}{made[new.pk]:02d}",
                defaults={
                    "name": name,
                    "level": Unit.Level.VILLAGE,
                    "area_type": new.area_type,
                    "valid_from": REFORM_DATE,
                },
            )
            moves[village.pk].append((unit, weight))
    return moves


def load_plan(seed) -> Plan:
    province = Unit.objects.get(code=seed["province"])
    plan, _ = Plan.objects.update_or_create(
        province=province,
        year_start=seed["year_start"],
        document_number=seed["document_number"],
        defaults={
            "title": seed["title"],
            "signed_on": seed["signed_on"],
            "signer": seed["signer"],
            "year_end": seed["year_end"],
            "standard": PovertyStandard.objects.get(code=seed["standard"]),
            "source_text": (SEEDS_DIR / seed["source_file"]).read_text(encoding="utf-8"),
        },
    )
    for order, spec in enumerate(seed["targets"], start=1):
        spec = dict(spec)
        share = spec.pop("share_indicator", None)
        Target.objects.update_or_create(
            plan=plan,
            order=order,
            defaults={
                "indicator": Indicator.objects.get(code=spec.pop("indicator")),
                "share_indicator": Indicator.objects.get(code=share) if share else None,
                "source_sentence": spec.pop("source"),
                "scope": spec.pop("scope", "province"),
                **spec,
            },
        )
    plan.targets.filter(order__gt=len(seed["targets"])).delete()
    return plan


# Reported figures per district for the plan year: (indicator, low, high) drawn once per district.
REPORTED_DEMO = {
    "94": [("workers_trained", 900, 1300), ("jobs_found", 2000, 2600), ("workers_abroad", 15, 35)],
    "14": [("jobs_found", 1700, 2300), ("workers_trained", 700, 1000), ("workers_abroad", 5, 12)],
}


def load_reported_values(plan) -> None:
    """Officers' reports for the demo: counts per district, shares per province. Kept once created."""
    rng = random.Random(f"reported-{plan.province.code}")
    year = plan.year_end
    indicators = {i.code: i for i in Indicator.objects.filter(kind="reported")}
    for district in Unit.objects.filter(parent=plan.province).in_year(year).order_by("code"):
        for code, low, high in REPORTED_DEMO[plan.province.code]:
            ReportedValue.objects.get_or_create(
                indicator=indicators[code],
                unit=district,
                year=year,
                month=None,
                defaults={"value": rng.randint(low, high)},
            )
        if plan.province.code == "14":
            placed = rng.randint(1700, 2300)
            ReportedValue.objects.get_or_create(
                indicator=indicators["job_placements_poor_share"],
                unit=district,
                year=year,
                month=None,
                defaults={"numerator": int(placed * rng.uniform(0.45, 0.6)), "denominator": placed, "value": 0},
            )
    if plan.province.code == "94":
        for code, numerator, denominator in (
            ("staff_trained_share", 412, 430),
            ("communes_infrastructure_share", 38, 41),
        ):
            ReportedValue.objects.get_or_create(
                indicator=indicators[code],
                unit=plan.province,
                year=year,
                month=None,
                defaults={
                    "numerator": numerator,
                    "denominator": denominator,
                    "value": round(indicator_value(numerator, denominator, indicators[code].unit), 2),
                },
            )
        ReportedValue.objects.get_or_create(
            indicator=indicators["urban_unemployment_rate"],
            unit=plan.province,
            year=year,
            month=None,
            defaults={"value": "2.85"},
        )


def load_households(province, villages, first_year, count, moves) -> int:
    """The review before the plan and its first year, and the end-2026 review (under Decree 07 and, for the 2027
    lists, Decree 351): each household of a boundary year classified under both standards. The 2026 review is taken
    in the communes of the 2025 reform: each household in the new village its old village went to (`moves`; a
    village shared between two new communes sends each household to one of them by the table's shares)."""
    province_unit = Unit.objects.get(code=province["code"])
    years = (first_year, first_year + 1, LATEST_REVIEW)
    if Household.objects.filter(unit__path__startswith=province_unit.path, survey_year__in=years).exists():
        return 0
    standards = {y: PovertyStandard.objects.of_year(y) for y in years}
    engines = {y: s.to_engine() for y, s in standards.items()}
    growth = PROVINCE_ECONOMY[province["code"]]["growth"]
    rows = []
    for first, first_members in generate_households(
        villages,
        lambda d: province["ethnic_mix"][d.ethnic_minority_area or d.poor_district],
        first_year,
        count,
        seed=province["code"],
    ):
        second, second_members = next_year(first, first_members, province["code"], growth)
        latest, latest_members = later_review(second, second_members, province["code"], growth, LATEST_REVIEW)
        if (targets := moves.get(latest["unit"].pk)) is not None:
            pick = random.Random(f"moved-{latest['code']}").random()
            village = next((v for v, w in accumulate(targets, lambda a, b: (b[0], a[1] + b[1])) if pick < w), None)
            village = village or targets[-1][0]
            latest = dict(latest, unit=village, area_type=village.area_type)
        rows += [(first, first_members), (second, second_members), (latest, latest_members)]
    households, members = [], []
    for fields, member_fields in rows:
        fields = {k: v for k, v in fields.items() if not k.startswith("_")}
        household = Household(**fields)
        household_members = [Member(**m) for m in member_fields]
        year = household.survey_year
        apply_classification(household, household_members, standards[year], engines[year])
        households.append(household)
        members.append(household_members)
    Household.objects.bulk_create(households, batch_size=2000)
    for household, household_members in zip(households, members):
        for member in household_members:
            member.household = household
    Member.objects.bulk_create([m for ms in members for m in ms], batch_size=5000)
    made = Household.objects.filter(pk__in=[h.pk for h in households])
    for year in years:
        for other in PovertyStandard.objects.of_review_year(year)[1:]:
            classify_under(other, made.filter(survey_year=year))
    return len(households)


def load_accounts() -> list[str]:
    Role = Profile.Role
    accounts = [
        ("admin", Role.ADMIN, None, dict(is_staff=True, is_superuser=True)),
        ("manager", Role.MANAGER, None, dict(is_staff=False)),
        ("district", Role.DISTRICT_OFFICER, Unit.objects.get(code="942"), dict(is_staff=True)),
        ("officer", Role.OFFICER, Unit.objects.current().get(code=DEMO_OFFICER_COMMUNE), dict(is_staff=True)),
        ("viewer", Role.VIEWER, Unit.objects.get(code="94"), dict(is_staff=False)),
    ]
    lines = []
    for username, role, unit, flags in accounts:
        user, created = User.objects.get_or_create(username=username, defaults=flags)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        profile_save(user, role, unit)
        where = unit.name if unit else ("Cần Thơ (Sóc Trăng cũ), Sơn La" if role != "admin" else "toàn hệ thống")
        if unit and unit.valid_to:
            where += f" — {FORMER_AREA_NOTE} {unit.valid_to:%d/%m/%Y}"
        lines.append(f"  {username:8} / {DEMO_PASSWORD}   {Role(role).label} — {where}")
    return lines
