"""Words, not codes; Vietnamese formats; numbers read the Vietnamese way (issue 15, points 1–3)."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from households import names as catalogue
from households.choices import LABELLED
from households.models import Household, PovertyStandard
from households.standards.builtin import DIMENSIONS
from households.standards.names import DEPRIVATION_NAMES
from povertyplan import display
from povertyplan.formfields import NumberInput


@pytest.mark.parametrize("codes", list(LABELLED), ids=[c.__name__ for c in LABELLED.values()])
def test_every_code_of_the_standards_has_a_label_and_no_label_lacks_a_code(codes):
    assert tuple(LABELLED[codes].values) == codes


def test_every_deprivation_of_both_standards_has_a_vietnamese_and_an_english_name():
    names = {name for standard in DIMENSIONS.values() for dims in standard.values() for name in dims}
    assert names <= set(DEPRIVATION_NAMES)
    assert catalogue.in_both(lambda: catalogue.indicator("adult_education")) == (
        "Trình độ giáo dục của người lớn",
        "Adult education",
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        (1472000, "1.472.000"),
        (Decimal("25000.00"), "25.000"),
        (Decimal("16.5000"), "16,5"),
        (85146, "85.146"),
        (Decimal("18.6600"), "18,66"),
        (Decimal("3.5550"), "3,56"),
        (0, "0"),
        (None, "—"),
        (-1500, "-1.500"),
    ],
)
def test_numbers_show_grouped_without_needless_decimals(value, expected):
    with translation.override("vi"):
        assert display.number(value) == expected


def test_numbers_follow_the_language_and_dates_read_day_month_year():
    with translation.override("en"):
        assert display.number(1472000) == "1,472,000" and display.percent(Decimal("18.66")) == "18.66%"
    with translation.override("vi"):
        assert display.percent(Decimal("18.66")) == "18,66%"
        assert display.signed(Decimal("-0.5"), fixed=True) == "−0,50"
        assert display.day(date(2021, 12, 1)) == "01/12/2021"


def test_template_filters_format_numbers_dates_and_deprivations():
    template = Template(
        "{% load vn %}{{ n|vn_number }} · {{ p|vn_percent }} · {{ d|vn_date }} · {{ codes|deprivation_names }}"
    )
    with translation.override("vi"):
        text = template.render(
            Context(
                {"n": 2777000, "p": Decimal("16.5000"), "d": date(2021, 12, 1), "codes": ["adult_education", "water"]}
            )
        )
    assert text == "2.777.000 · 16,5% · 01/12/2021 · Trình độ giáo dục của người lớn, Nguồn nước sinh hoạt"


@pytest.mark.parametrize(
    "value, shown", [(1472000, "1.472.000"), (Decimal("56.70"), "56,7"), (2021, "2021"), (Decimal("1500.00"), "1500")]
)
def test_an_input_box_shows_the_number_as_it_is_read_back_in_either_language(value, shown):
    for language in ("vi", "en"):
        with translation.override(language):
            assert NumberInput().format_value(value) == shown


def test_a_village_shows_where_it_sits(tree):
    from areas.models import Unit

    village = Unit.objects.create(code="V1", name="Bản 1", level="village", parent=tree["C1"])
    assert str(village) == "Bản 1 — Commune 1 — District 1"
    assert str(tree["D1"]) == "District 1" and str(tree["P"]) == "Province"


def test_standards_are_named_by_their_legal_instrument(db):
    standard = PovertyStandard.objects.get(code="ND07-2021")
    with translation.override("vi"):
        assert str(standard) == "Nghị định 07/2021/NĐ-CP"
    with translation.override("en"):
        assert str(standard) == "Decree 07/2021/NĐ-CP"


def _household_post(household, **changes):
    fields = [
        "unit",
        "survey_year",
        "code",
        "head_name",
        "ethnicity",
        "area_type",
        "income_per_capita",
        "member_count",
        "house_class",
        "nondurable_structures",
        "floor_area_m2",
        "water_source",
        "latrine",
    ]
    data = {f: getattr(household, f"{f}_id" if f == "unit" else f) for f in fields}
    data = {k: "" if v is None else v for k, v in data.items()}
    data.update(
        {
            f: "on"
            for f in ("has_tv", "has_radio", "has_computer", "has_smartphone", "loudspeaker_audible")
            if getattr(household, f)
        }
    )
    members = list(household.members.all())
    data.update(
        {
            "members-TOTAL_FORMS": len(members),
            "members-INITIAL_FORMS": len(members),
            "members-MIN_NUM_FORMS": 0,
            "members-MAX_NUM_FORMS": 1000,
        }
    )
    for i, m in enumerate(members):
        data.update(
            {
                f"members-{i}-id": m.pk,
                f"members-{i}-household": household.pk,
                f"members-{i}-full_name": m.full_name,
                f"members-{i}-age": m.age,
                f"members-{i}-sex": m.sex,
                f"members-{i}-education": m.education,
                f"members-{i}-employment": m.employment,
            }
        )
        data.update(
            {
                f"members-{i}-{f}": "on"
                for f in (
                    "in_school",
                    "on_track",
                    "health_insurance",
                    "able_to_work",
                    "disabled",
                    "social_allowance",
                    "malnourished",
                    "sick_untreated",
                    "uses_phone",
                    "uses_internet",
                    "job_training_certificate",
                )
                if getattr(m, f)
            }
        )
    data.update(changes)
    return data


def test_an_income_typed_500_000_in_the_admin_is_stored_as_five_hundred_thousand(demo, client):
    household = Household.objects.filter(members__isnull=False, floor_area_m2__isnull=False).first()
    client.login(username="admin", password="demo")
    response = client.post(
        f"/admin/households/household/{household.pk}/change/",
        _household_post(household, income_per_capita="500.000", floor_area_m2="56,7"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    household.refresh_from_db()
    assert household.income_per_capita == 500000 and household.floor_area_m2 == Decimal("56.7")


def test_an_ambiguous_income_is_refused_beside_the_field_and_nothing_is_saved(demo, client):
    household = Household.objects.filter(members__isnull=False).first()
    before = household.income_per_capita
    client.login(username="admin", password="demo")
    response = client.post(
        f"/admin/households/household/{household.pk}/change/", _household_post(household, income_per_capita="1,500")
    )
    assert response.status_code == 200
    assert "có thể hiểu thành hai số" in response.content.decode()
    household.refresh_from_db()
    assert household.income_per_capita == before


def test_the_household_form_shows_choice_labels_and_the_list_shows_grouped_incomes(demo, client):
    household = Household.objects.filter(house_class="ban_kien_co").first()
    client.login(username="admin", password="demo")
    html = client.get(f"/admin/households/household/{household.pk}/change/").content.decode()
    assert ">Nhà bán kiên cố</option>" in html and ">ban_kien_co<" not in html
    assert ">Trung học cơ sở</option>" in html and ">lower_secondary<" not in html
    top = Household.objects.filter(income_per_capita__gte=10000).first()
    listing = client.get(f"/admin/households/household/?q={top.code}").content.decode()
    assert f">{display.number(top.income_per_capita)}<" in listing and f">{top.income_per_capita}<" not in listing
