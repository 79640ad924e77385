"""Officer pages for household records: area scoping, the list's URL contract, entry, locking, history."""

import re

import pytest
from django.contrib.auth.models import User

from areas.services import profile_save
from households.models import Household, Member
from households.services import household_save

ADULT = {
    "full_name": "Lê Văn A",
    "age": "40",
    "sex": "M",
    "education": "primary",
    "employment": "self_employed",
    "on_track": "on",
    "able_to_work": "on",
    "uses_phone": "on",
}


def officer(username, unit, role="officer"):
    user = User.objects.create_user(username, password="pw")
    profile_save(user, role, unit)
    return user


def stored(unit, code, year=2022, income=1_000_000, members=2, classification_answers=("water", "latrine", "telecom")):
    household = Household(
        unit=unit,
        survey_year=year,
        code=code,
        head_name=f"Chủ hộ {code}",
        income_per_capita=income,
        member_count=members,
        reported_deprivations=list(classification_answers),
    )
    return household_save(household)


def listed(html) -> set[str]:
    return set(re.findall(r'href="/households/\d+/">(\w+)</a>', html))


def form_data(unit, code="N01", year=2022, members=(ADULT,), income="1.200.000", **extra):
    data = {
        "unit": unit.pk,
        "survey_year": year,
        "code": code,
        "head_name": "Lê Văn A",
        "ethnicity": "kinh",
        "area_type": "rural",
        "income_per_capita": income,
        "house_class": "ban_kien_co",
        "nondurable_structures": "0",
        "floor_area_m2": "40",
        "water_source": "unprotected_dug_well",
        "latrine": "open_pit",
        "has_tv": "on",
        "token": extra.pop("token", "t-" + code),
        "version": extra.pop("version", ""),
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": extra.pop("initial", 0),
        "members-MIN_NUM_FORMS": 1,
        "members-MAX_NUM_FORMS": 40,
    }
    for i, member in enumerate(members):
        data.update({f"members-{i}-{k}": v for k, v in member.items()})
    data.update(extra)
    return data


@pytest.fixture
def people(tree):
    return {
        "a": officer("a", tree["C1"]),
        "b": officer("b", tree["C2"]),
        "district": officer("district", tree["D1"], "district_officer"),
        "viewer": officer("viewer", tree["P"], "viewer"),
    }


def test_an_officer_lists_only_the_households_of_their_commune(tree, people, client):
    stored(tree["C1"], "A1")
    stored(tree["C2"], "B1")
    client.force_login(people["a"])
    html = client.get("/households/").content.decode()
    assert listed(html) == {"A1"}
    assert "1 hộ" in html


def test_an_officer_of_another_commune_gets_404_by_url_and_by_form_post(tree, people, client):
    theirs = stored(tree["C2"], "B1")
    client.force_login(people["a"])
    assert client.get(f"/households/{theirs.pk}/").status_code == 404
    assert client.get(f"/households/{theirs.pk}/edit/").status_code == 404
    response = client.post(f"/households/{theirs.pk}/edit/", form_data(tree["C2"], code="B1"))
    assert response.status_code == 404
    # nor can they create one in commune B: the unit is not offered
    response = client.post("/households/new/", form_data(tree["C2"], code="B2"))
    assert response.status_code == 200 and not Household.objects.filter(code="B2").exists()
    assert "Lựa chọn không hợp lệ" in response.content.decode() or "hợp lệ" in response.content.decode()


def test_a_viewer_sees_households_but_may_not_open_the_entry_form(tree, people, client):
    household = stored(tree["C1"], "A1")
    client.force_login(people["viewer"])
    assert client.get(f"/households/{household.pk}/").status_code == 200
    assert client.get("/households/new/").status_code == 403
    assert client.post(f"/households/{household.pk}/edit/", form_data(tree["C1"], code="A1")).status_code == 403


def test_a_district_officer_sees_the_communes_below_and_not_the_other_district(tree, people, client):
    stored(tree["C1"], "A1")
    stored(tree["C2"], "B1")
    client.force_login(people["district"])
    assert listed(client.get("/households/").content.decode()) == {"A1"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("classification=poor", {"P1"}),
        ("classification=near_poor", {"N1"}),
        ("deprivation=water", {"P1", "N1"}),
        ("deprivation=nutrition", set()),
        ("q=P1", {"P1"}),
        ("q=chủ hộ m", {"M1"}),
        ("unit=C1", {"P1", "M1", "O1"}),
        ("unit=C1&year=2022", {"P1", "M1"}),
        ("year=2021", {"O1"}),
        ("area_type=urban", {"N1"}),
        ("ethnic_minority=1", {"M1"}),
        ("ethnicity=khmer", {"M1"}),
        ("ethnicity=kinh", {"P1", "N1", "O1"}),
    ],
)
def test_the_household_list_follows_the_url_contract(tree, people, client, query, expected):
    stored(tree["C1"], "P1")  # 1.000.000 with 3 deprivations: poor
    stored(tree["C2"], "N1", classification_answers=("water",))  # near-poor (urban commune)
    middle = stored(tree["C1"], "M1", income=1_800_000, classification_answers=())
    Household.objects.filter(pk=middle.pk).update(ethnicity="khmer")
    stored(tree["C1"], "O1", year=2021, income=5_000_000, classification_answers=())
    Household.objects.filter(code="N1").update(area_type="urban")
    client.force_login(User.objects.create_superuser("root", password="pw"))
    html = client.get(f"/households/?{query}").content.decode()
    codes = set(re.findall(r'href="/households/\d+/">(\w+)</a>', html))
    assert codes == expected


@pytest.mark.parametrize(
    "history, now, movement",
    [
        ({2021: "poor"}, "not_poor", "escaped"),
        ({2021: "poor"}, "poor", "still_poor"),
        ({2021: "middle"}, "poor", "newly_poor"),
        ({2021: "near_poor"}, "poor", "newly_poor"),
        ({2020: "poor", 2021: "middle"}, "poor", "re_poor"),
    ],
)
def test_the_transition_filter_compares_with_the_same_code_the_year_before(tree, client, history, now, movement):
    incomes = {"poor": 500_000, "near_poor": 1_000_000, "middle": 1_400_000, "not_poor": 9_000_000}
    for year, cls in history.items():
        h = stored(
            tree["C1"],
            "H1",
            year=year,
            income=incomes[cls] if year != 2021 or cls != "near_poor" else 900_000,
            classification_answers=() if cls == "near_poor" else ("water", "latrine", "telecom"),
        )
        assert h.classification == cls, (year, cls, h.classification_rule)
    stored(tree["C1"], "H1", year=2022, income={"poor": 1_000_000, "not_poor": 9_000_000}[now])
    stored(tree["C1"], "X1", year=2022, income=1_000_000)  # poor, no record the year before: newly poor too
    client.force_login(User.objects.create_superuser("root", password="pw"))
    html = client.get(f"/households/?year=2022&transition={movement}").content.decode()
    assert listed(html) == ({"H1", "X1"} if movement == "newly_poor" else {"H1"})


def test_an_officer_adds_a_household_with_members_and_its_classification_is_derived(tree, people, client):
    client.force_login(people["a"])
    child = {**ADULT, "full_name": "Lê Thị B", "age": "8", "sex": "F", "employment": "child", "in_school": "on"}
    response = client.post("/households/new/", form_data(tree["C1"], members=(ADULT, child)))
    household = Household.objects.get(code="N01")
    assert response.status_code == 302 and response["Location"] == f"/households/{household.pk}/"
    assert household.income_per_capita == 1_200_000 and household.member_count == 2
    assert household.classification == "poor" and "latrine" in household.deprivations
    page = client.get(response["Location"]).content.decode()
    assert "hộ nghèo" in page and "Lê Thị B" in page


def test_a_number_typed_the_english_way_is_refused_beside_the_field(tree, people, client):
    client.force_login(people["a"])
    response = client.post("/households/new/", form_data(tree["C1"], income="1,500"))
    html = response.content.decode()
    assert response.status_code == 200 and not Household.objects.exists()
    assert re.search(r'name="income_per_capita"[^>]*>\s*<span class="field-error"', html)


def test_a_member_without_age_is_refused_beside_that_members_field(tree, people, client):
    client.force_login(people["a"])
    response = client.post("/households/new/", form_data(tree["C1"], members=({**ADULT, "age": ""},)))
    html = response.content.decode()
    assert not Household.objects.exists()
    assert re.search(r'name="members-0-age"[^>]*>\s*<span class="field-error"', html)
    assert "Lê Văn A" in html  # what was typed is kept


def test_a_form_submitted_twice_creates_one_household(tree, people, client):
    client.force_login(people["a"])
    data = form_data(tree["C1"])
    first = client.post("/households/new/", data)
    second = client.post("/households/new/", data)
    assert Household.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_the_second_of_two_editors_is_refused_naming_who_saved_first(tree, people, client):
    client.force_login(people["a"])
    client.post("/households/new/", form_data(tree["C1"]))
    household = Household.objects.get()
    member = household.members.get()
    page = client.get(f"/households/{household.pk}/edit/").content.decode()
    version = re.search(r'name="version" value="([^"]*)"', page).group(1)
    edit = {"initial": 1, "members-0-id": member.pk, "members-0-household": household.pk}
    other = officer("a2", tree["C1"])
    other.first_name, other.last_name = "Trần", "Bình"
    other.save()
    client.force_login(other)
    ok = client.post(
        f"/households/{household.pk}/edit/",
        form_data(tree["C1"], income="900.000", version=version, token="first", **edit),
    )
    assert ok.status_code == 302
    client.force_login(people["a"])
    refused = client.post(
        f"/households/{household.pk}/edit/",
        form_data(tree["C1"], income="2.000.000", version=version, token="second", **edit),
    )
    html = refused.content.decode()
    assert refused.status_code == 200 and "Trần Bình" in html and "đã lưu" in html
    household.refresh_from_db()
    assert household.income_per_capita == 900_000


def test_the_detail_page_shows_field_by_field_history_and_the_years(tree, people, client):
    client.force_login(people["a"])
    client.post("/households/new/", form_data(tree["C1"], year=2021, code="H1"))
    old = Household.objects.get()
    for not_an_id in ("abc", "1e3", "9" * 30):
        refused = client.get(f"/households/new/?copy={not_an_id}")
        assert refused.status_code == 404
    copy_page = client.get(f"/households/new/?copy={old.pk}").content.decode()
    assert 'value="2022"' in copy_page and 'value="41"' in copy_page  # a year later, one year older
    member = old.members.get()
    client.post(
        f"/households/{old.pk}/edit/",
        form_data(
            tree["C1"],
            year=2021,
            code="H1",
            income="5.000.000",  # over every line of the standard: the classification changes
            version=old.updated_at.isoformat(),
            token="e",
            initial=1,
            members=({**ADULT, "id": member.pk, "household": old.pk, "age": "41"},),
        ),
    )
    client.post("/households/new/", form_data(tree["C1"], year=2022, code="H1", token="n"))
    html = client.get(f"/households/{old.pk}/").content.decode()
    # only the fields that changed, written as the pages write numbers and names, the classification among them
    assert "<del>1.200.000</del> → <ins>5.000.000</ins>" in html and "1200000" not in html
    assert re.search(r"<del>40</del> → <ins>41</ins>", html)
    changes = re.findall(r"<li>([^<:]+): <del>(.*?)</del> → <ins>(.*?)</ins></li>", html)
    assert all(before != after for _field, before, after in changes), changes
    old.refresh_from_db()
    assert ("phân loại", "hộ có mức sống trung bình", old.get_classification_display()) in changes, changes
    assert not re.search(r"QD59-2015|ND07-2021|health_insurance|housing_quality|_", " ".join(map(str, changes)))
    assert html.count('href="/households/') >= 2 and "2022" in html
    assert Member.objects.filter(household=old).count() == 1


def test_live_classification_uses_the_engine_and_writes_nothing(tree, people, client):
    client.force_login(people["a"])
    result = client.post("/households/classify/", form_data(tree["C1"])).json()
    assert result["ok"] and result["classification"] == "poor" and result["standard"] == "ND07-2021"
    assert {"code": "latrine", "name": "hố xí hợp vệ sinh"} in result["deprivations"] or any(
        d["code"] == "latrine" for d in result["deprivations"]
    )
    assert not Household.objects.exists()
    incomplete = client.post("/households/classify/", form_data(tree["C1"], income="")).json()
    assert incomplete["ok"] is False


def test_the_answers_form_stores_ticked_deprivations(tree, people, client):
    client.force_login(people["a"])
    data = {
        "unit": tree["C1"].pk,
        "survey_year": 2022,
        "code": "R1",
        "ethnicity": "kinh",
        "area_type": "rural",
        "income_per_capita": "1.000.000",
        "member_count": "4",
        "deprivations": ["water", "latrine", "telecom"],
        "token": "r1",
        "version": "",
        "head_name": "",
    }
    response = client.post("/households/new/answers/", data)
    household = Household.objects.get(code="R1")
    assert response.status_code == 302 and household.classification == "poor"
    assert household.reported_deprivations == ["latrine", "telecom", "water"]
