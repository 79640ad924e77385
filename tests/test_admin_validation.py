"""The admin never answers 500 and never saves what makes no sense (issue 16.3–16.5, 7.4): each bad input gets a
Vietnamese message beside its field, and the database is unchanged. One test per hand-made case."""

import json

import pytest

from households.models import Household, Member, PovertyStandard
from households.services import household_save
from targets.models import Indicator, Plan, Target
from tests.conftest import make_user

ADD = "/admin/households/household/add/"
MEMBER = {
    "full_name": "A",
    "age": "40",
    "sex": "F",
    "education": "primary",
    "employment": "self_employed",
    "on_track": "on",
    "able_to_work": "on",
}


@pytest.fixture
def admin_client(tree, client):
    make_user("root", "admin", is_staff=True, is_superuser=True)
    client.login(username="root", password="pw")
    return client


def household_data(tree, members=(), initial=0, **fields):
    data = {
        "unit": tree["C1"].pk,
        "survey_year": "2022",
        "code": "H1",
        "head_name": "",
        "ethnicity": "kinh",
        "area_type": "rural",
        "income_per_capita": "1000000",
        "member_count": str(max(len(members), 1)),
        "house_class": "kien_co",
        "nondurable_structures": "0",
        "floor_area_m2": "40",
        "water_source": "piped",
        "latrine": "septic",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(initial),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, member in enumerate(members):
        data.update({f"members-{i}-{k}": v for k, v in member.items()})
    data.update(fields)
    return data


def _refused(response, field, *, inline=False):
    """The form is shown again, in Vietnamese, with a message beside `field`."""
    assert response.status_code == 200, response.status_code
    assert "Vui lòng sửa lỗi bên dưới" in response.content.decode()  # the banner, in Vietnamese
    if inline:
        errors = [f.errors for formset in response.context["inline_admin_formsets"] for f in formset.formset.forms]
        messages = [m for e in errors for m in e.get(field, [])]
    else:
        messages = response.context["adminform"].form.errors.get(field, [])
    assert messages, (field, response.context["adminform"].form.errors)
    return " ".join(messages)


def test_a_valid_household_is_saved_and_classified(admin_client, tree):
    response = admin_client.post(ADD, household_data(tree, [MEMBER]))
    assert response.status_code == 302
    assert Household.objects.get().classification and Member.objects.count() == 1


def test_a_dwelling_without_members_or_roster_answers_is_refused_beside_the_answers(admin_client, tree):
    message = _refused(admin_client.post(ADD, household_data(tree)), "reported_deprivations")
    assert "thành viên" in message
    assert not Household.objects.exists()


def test_a_survey_year_of_1850_is_refused_beside_the_year(admin_client, tree):
    _refused(admin_client.post(ADD, household_data(tree, [MEMBER], survey_year="1850")), "survey_year")
    assert not Household.objects.exists()


def test_a_survey_year_without_a_standard_is_refused_beside_the_year(admin_client, tree):
    message = _refused(admin_client.post(ADD, household_data(tree, [MEMBER], survey_year="2099")), "survey_year")
    assert "2099" in message
    assert not Household.objects.exists()


def test_deleting_every_member_is_refused_and_the_household_kept(admin_client, tree):
    household = _saved_household(tree)
    member = household.members.get()
    data = household_data(tree, [dict(MEMBER, id=str(member.pk), household=str(household.pk), DELETE="on")], initial=1)
    response = admin_client.post(f"/admin/households/household/{household.pk}/change/", data)
    _refused(response, "reported_deprivations")
    assert household.members.count() == 1


@pytest.mark.parametrize("answers", ['["no_such_indicator"]', "123", '{"a": 1}', '[["water"]]'])
def test_roster_answers_that_are_not_indicator_names_are_refused_beside_them(admin_client, tree, answers):
    response = admin_client.post(ADD, household_data(tree, reported_deprivations=answers))
    _refused(response, "reported_deprivations")
    assert not Household.objects.exists()


def test_a_member_count_that_disagrees_with_the_members_is_an_error_not_rewritten(admin_client, tree):
    response = admin_client.post(ADD, household_data(tree, [MEMBER, MEMBER], member_count="3"))
    assert "3" in _refused(response, "member_count")
    assert not Household.objects.exists()


def test_a_member_aged_200_is_refused_beside_the_age(admin_client, tree):
    _refused(admin_client.post(ADD, household_data(tree, [dict(MEMBER, age="200")])), "age", inline=True)
    assert not Household.objects.exists()


def test_a_household_of_0_members_is_refused_beside_the_count(admin_client, tree):
    data = household_data(tree, member_count="0", reported_deprivations=["water"])
    _refused(admin_client.post(ADD, data), "member_count")
    assert not Household.objects.exists()


def test_a_member_count_of_ten_thousand_is_refused(admin_client, tree):
    data = household_data(tree, member_count="10000", reported_deprivations=["water"])
    _refused(admin_client.post(ADD, data), "member_count")
    assert not Household.objects.exists()


def test_a_negative_floor_area_is_refused_beside_it(admin_client, tree):
    _refused(admin_client.post(ADD, household_data(tree, [MEMBER], floor_area_m2="-20")), "floor_area_m2")
    assert not Household.objects.exists()


def test_a_floor_area_of_a_billion_square_metres_is_refused(admin_client, tree):
    _refused(admin_client.post(ADD, household_data(tree, [MEMBER], floor_area_m2="999999")), "floor_area_m2")
    assert not Household.objects.exists()


def test_an_income_of_10_to_the_30_is_refused_beside_it(admin_client, tree):
    _refused(admin_client.post(ADD, household_data(tree, [MEMBER], income_per_capita=str(10**30))), "income_per_capita")
    assert not Household.objects.exists()


def test_nine_non_durable_structures_are_refused_beside_them(admin_client, tree):
    _refused(admin_client.post(ADD, household_data(tree, [MEMBER], nondurable_structures="9")), "nondurable_structures")
    assert not Household.objects.exists()


def _saved_household(tree, code="H1"):
    return household_save(
        Household(
            unit=tree["C1"],
            survey_year=2022,
            code=code,
            area_type="rural",
            income_per_capita=1_000_000,
            house_class="kien_co",
            floor_area_m2=40,
            water_source="piped",
            latrine="septic",
        ),
        [Member(age=40, sex="F", education="primary", employment="self_employed")],
    )


def test_a_household_code_already_recorded_in_the_year_is_refused_beside_the_code(admin_client, tree):
    _saved_household(tree)
    message = _refused(admin_client.post(ADD, household_data(tree, [MEMBER])), "code")
    assert "Đã có hộ mang mã này" in message
    assert Household.objects.count() == 1


def test_a_changed_member_aged_200_is_refused_and_the_household_kept(admin_client, tree):
    household = _saved_household(tree)
    member = household.members.get()
    data = household_data(tree, [dict(MEMBER, id=str(member.pk), household=str(household.pk), age="200")], initial=1)
    _refused(admin_client.post(f"/admin/households/household/{household.pk}/change/", data), "age", inline=True)
    member.refresh_from_db()
    assert member.age == 40


def unit_data(unit, **fields):
    data = {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "parent": unit.parent_id or "",
        "area_type": unit.area_type,
    }
    data.update(fields)
    return data


def test_a_unit_made_its_own_parent_is_refused_beside_the_parent(admin_client, tree):
    district = tree["D1"]
    response = admin_client.post(f"/admin/areas/unit/{district.pk}/change/", unit_data(district, parent=district.pk))
    assert "dưới chính nó" in _refused(response, "parent")
    district.refresh_from_db()
    assert district.parent == tree["P"] and district.path == "P/D1/"


def test_a_unit_placed_under_one_of_its_own_units_is_refused_beside_the_parent(admin_client, tree):
    district = tree["D1"]
    response = admin_client.post(f"/admin/areas/unit/{district.pk}/change/", unit_data(district, parent=tree["C1"].pk))
    assert "dưới chính nó" in _refused(response, "parent")
    district.refresh_from_db()
    assert district.parent == tree["P"]


@pytest.fixture
def plan(tree):
    return Plan.objects.create(
        province=tree["P"],
        title="Plan",
        year_start=2022,
        year_end=2025,
        standard=PovertyStandard.objects.get(code="ND07-2021"),
    )


def plan_data(tree, **fields):
    data = {
        "province": tree["P"].pk,
        "title": "Plan",
        "document_number": "1/KH",
        "signed_on": "",
        "signer": "",
        "year_start": "2022",
        "year_end": "2025",
        "standard": PovertyStandard.objects.get(code="ND07-2021").pk,
        "source_text": "",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


def test_a_plan_whose_first_year_is_after_its_last_is_refused_beside_the_last(admin_client, tree):
    response = admin_client.post("/admin/targets/plan/add/", plan_data(tree, year_start="2026", year_end="2022"))
    assert "2022" in _refused(response, "year_end")
    assert not Plan.objects.exists()


def target_data(plan, **fields):
    data = {
        "plan": plan.pk,
        "indicator": Indicator.objects.get(code="poor_rate").pk,
        "scope": "province",
        "shape": "change",
        "direction": "decrease",
        "operator": "between",
        "value": "2",
        "value_max": "3",
        "value_unit": "points",
        "baseline_value": "",
        "baseline_year": "",
        "share_indicator": "",
        "share_operator": "",
        "share_value": "",
        "source_sentence": "…",
        "note": "",
        "order": "0",
    }
    data.update(fields)
    return data


def test_a_valid_target_is_saved(admin_client, plan):
    assert admin_client.post("/admin/targets/target/add/", target_data(plan)).status_code == 302


def test_a_negative_baseline_is_refused_beside_it(admin_client, plan):
    response = admin_client.post("/admin/targets/target/add/", target_data(plan, baseline_value="-50"))
    _refused(response, "baseline_value")
    assert not Target.objects.exists()


def test_a_baseline_year_of_99999_is_refused_beside_it(admin_client, plan):
    response = admin_client.post("/admin/targets/target/add/", target_data(plan, baseline_year="99999"))
    _refused(response, "baseline_year")
    assert not Target.objects.exists()


def test_a_share_of_250_percent_is_refused_beside_it(admin_client, plan):
    data = target_data(
        plan,
        shape="count",
        direction="",
        operator="gte",
        value="25000",
        value_max="",
        value_unit="count",
        share_indicator=Indicator.objects.get(code="job_placements_poor_share").pk,
        share_operator="gt",
        share_value="250",
    )
    _refused(admin_client.post("/admin/targets/target/add/", data), "share_value")
    assert not Target.objects.exists()


def test_a_standard_with_a_malformed_retirement_roadmap_is_refused_beside_the_parameters(admin_client):
    standard = PovertyStandard.objects.get(code="ND07-2021")
    data = {f.name: getattr(standard, f.name) for f in standard._meta.fields if f.name != "id"}
    data = {k: ("" if v is None else json.dumps(v) if isinstance(v, dict) else v) for k, v in data.items()}
    data["parameters"] = json.dumps({"retirement_months": {"M": [[2020, "sixty"]]}})
    response = admin_client.post(f"/admin/households/povertystandard/{standard.pk}/change/", data)
    assert "retirement_months" in _refused(response, "parameters")
    standard.refresh_from_db()
    assert "retirement_months" in standard.parameters and standard.parameters["retirement_months"]["F"]
