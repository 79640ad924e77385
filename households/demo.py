"""Synthetic households for the demo: the same households followed over two survey years,
with plausible ethnic mixes and poverty rates. Deterministic for a given seed."""

import math
import random

# Median income per person per month (VND) in the first survey year, and yearly growth.
PROVINCE_ECONOMY = {"94": {"median": 2_600_000, "growth": 0.12}, "14": {"median": 3_000_000, "growth": 0.06}}
ETHNIC_DISADVANTAGE = {
    "kinh": 0.0,
    "hoa": -0.1,
    "khmer": 0.45,
    "thai": 0.3,
    "muong": 0.3,
    "mong": 0.9,
    "dao": 0.7,
    "khang": 0.8,
    "la_ha": 0.8,
    "xinh_mun": 0.9,
    "other": 0.6,
}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Thạch", "Lâm", "Sơn", "Lò", "Cầm", "Quàng", "Vì", "Giàng", "Hà", "Đinh"]
GIVEN = [
    "Văn An",
    "Thị Bình",
    "Văn Cường",
    "Thị Dung",
    "Văn Hùng",
    "Thị Lan",
    "Văn Minh",
    "Thị Nga",
    "Sóc",
    "Pha",
    "Văn Páo",
    "Thị Mai",
]


HARDSHIP_OFFSET = -1.2


def _chance(rng, wealth, base, slope=0.9):
    """Probability of a hardship that falls as wealth rises."""
    return rng.random() < 1 / (1 + math.exp(slope * wealth - base - HARDSHIP_OFFSET))


def _members(rng, wealth, size, year):
    members = []
    for i in range(size):
        if i == 0:
            age = rng.randint(25, 70)
        elif i == 1:
            age = rng.randint(20, 65)
        else:
            age = rng.choice([rng.randint(0, 17), rng.randint(0, 17), rng.randint(18, 35), rng.randint(60, 85)])
        child = age < 15
        if age < 6:
            education = "none"
        elif age < 11:
            education = "primary" if age > 10 else "none"
        else:
            ladder = ["none", "primary", "lower_secondary", "upper_secondary", "vocational_intermediate", "university"]
            reach = max(0, min(5, int(2.2 + 1.4 * wealth + rng.gauss(0, 1))))
            if age < 15:
                reach = min(reach, 1)
            elif age < 18:
                reach = min(reach, 2)
            education = ladder[reach]
        in_school = 3 <= age < 18 and not _chance(rng, wealth, -2.3)
        if age >= 15 and not in_school and age < 60:
            employment = rng.choices(
                ["wage_contract", "wage_no_contract", "self_employed", "unemployed", "inactive"],
                weights=[max(0.05, 0.25 + 0.15 * wealth), max(0.05, 0.2 - 0.08 * wealth), 0.45, 0.05, 0.05],
            )[0]
        elif in_school:
            employment = "student"
        else:
            employment = "child" if child else ("retired" if age >= 60 else "inactive")
        disabled = rng.random() < 0.03
        members.append(
            {
                "full_name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                "age": age,
                "sex": "M" if (i == 0) == (rng.random() < 0.75) else "F",
                "education": education,
                "in_school": in_school,
                "on_track": not _chance(rng, wealth, -2.0),
                "health_insurance": not _chance(rng, wealth, -1.9),
                "employment": employment,
                "able_to_work": not disabled,
                "disabled": disabled,
                "social_allowance": (age >= 80 or disabled) and rng.random() < 0.7,
                "malnourished": age < 16 and _chance(rng, wealth, -2.2),
                "sick_untreated": _chance(rng, wealth, -3.5),
                "uses_phone": age >= 15 and not _chance(rng, wealth, -1.0),
                "uses_internet": 12 <= age < 60 and not _chance(rng, wealth, 0.2),
                "job_training_certificate": 16 <= age < 60 and rng.random() < 0.08 + 0.05 * max(wealth, 0),
            }
        )
    return members


def _dwelling(rng, wealth, size):
    house = rng.choices(
        ["kien_co", "ban_kien_co", "thieu_kien_co", "don_so"],
        weights=[max(0.05, 0.3 + 0.2 * wealth), 0.45, max(0.02, 0.15 - 0.1 * wealth), max(0.01, 0.07 - 0.06 * wealth)],
    )[0]
    nondurable = {"kien_co": 0, "ban_kien_co": 1, "thieu_kien_co": 2, "don_so": 3}[house]
    return {
        "house_class": house,
        "nondurable_structures": nondurable,
        "floor_area_m2": round(size * max(4.0, rng.gauss(15 + 6 * wealth, 5)), 1),
        "water_source": rng.choice(["piped", "drilled_well", "protected_dug_well", "rainwater"])
        if not _chance(rng, wealth, -1.3)
        else rng.choice(["unprotected_dug_well", "river_pond", "unprotected_spring"]),
        "latrine": rng.choice(["septic", "semi_septic", "pour_flush"])
        if not _chance(rng, wealth, -0.9)
        else rng.choice(["open_pit", "hanging", "none"]),
        "has_tv": not _chance(rng, wealth, -1.8),
        "has_radio": rng.random() < 0.1,
        "has_computer": rng.random() < 0.05 + 0.1 * max(wealth, 0),
        "has_smartphone": not _chance(rng, wealth, -0.8),
        "loudspeaker_audible": rng.random() < 0.6,
    }


def generate_households(villages, mix_for, year, count, seed):
    """Yield (household fields, member fields) for `count` households in the first survey year.

    `villages` are (unit, district, commune) tuples; `mix_for(district)` gives the ethnic weights.
    """
    rng = random.Random(seed)
    economy = PROVINCE_ECONOMY[villages[0][1].parent.code]
    for n in range(count):
        village, district, commune = rng.choice(villages)
        mix = mix_for(district)
        ethnicity = rng.choices(list(mix), weights=list(mix.values()))[0]
        hardship = ETHNIC_DISADVANTAGE[ethnicity] + 0.35 * district.poor_district + 0.3 * commune.extremely_difficult
        wealth = rng.gauss(0, 1) - hardship
        size = max(1, min(9, int(rng.gauss(3.9 + 0.4 * hardship, 1.3))))
        urban = commune.area_type == "urban"
        income = economy["median"] * (1.25 if urban else 1.0) * math.exp(0.5 * wealth + rng.gauss(0, 0.15))
        household = {
            "code": f"{commune.code}-{n:06d}",
            "unit": village,
            "survey_year": year,
            "ethnicity": ethnicity,
            "area_type": commune.area_type,
            "income_per_capita": int(round(income, -3)),
            "member_count": size,
            "_wealth": wealth,
            **_dwelling(rng, wealth, size),
        }
        members = _members(rng, wealth, size, year)
        household["head_name"] = members[0]["full_name"]
        yield household, members


def later_review(household, members, seed, growth, year):
    """The same household in the review of `year` (years later), asked the questions of that review: from the
    end-2026 review on, how its waste is disposed of — left unanswered for a few households, as in a real review
    still under way."""
    while household["survey_year"] < year:
        household, members = next_year(household, members, seed, growth)
    rng = random.Random(f"{seed}-{household['code']}-waste")
    if year >= WASTE_ASKED_FROM and rng.random() >= 0.04:
        untreated = _chance(rng, household["_wealth"], -1.2)
        household = dict(household, waste_disposal="untreated" if untreated else rng.choice(WASTE_HYGIENIC))
    return household, members


WASTE_ASKED_FROM = 2026  # the review that fixes the 2027 lists under Decree 351/2025
WASTE_HYGIENIC = ("collected", "collected", "treated_on_site")


def next_year(household, members, seed, growth):
    """The same household a year later: older, usually a little better off, sometimes hit by a shock."""
    rng = random.Random(f"{seed}-{household['code']}")
    shock = rng.random() < 0.08
    factor = (0.75 if shock else 1.0 + growth) * math.exp(rng.gauss(0, 0.08))
    wealth = household["_wealth"] + (-0.4 if shock else 0.15)
    nxt = dict(
        household,
        survey_year=household["survey_year"] + 1,
        income_per_capita=int(round(household["income_per_capita"] * factor, -3)),
        _wealth=wealth,
    )
    if rng.random() < 0.3:
        nxt.update(
            {
                k: v
                for k, v in _dwelling(rng, wealth, household["member_count"]).items()
                if k in ("water_source", "latrine", "has_tv", "has_smartphone")
            }
        )
    new_members = []
    for m in members:
        m = dict(m, age=min(120, m["age"] + 1))
        if not m["health_insurance"] and rng.random() < 0.4:
            m["health_insurance"] = True
        if m["age"] >= 12 and not m["uses_internet"] and m["age"] < 60 and rng.random() < 0.2:
            m["uses_internet"] = True
        new_members.append(m)
    return nxt, new_members
