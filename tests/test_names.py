"""Names that mean one thing: one list of wrong passwords in the admin, units named by their level, demo names
that fit their province and their ethnic group."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from areas.demo_units import DEMO_PROVINCES
from areas.models import Unit
from households.demo import PERSON_NAMES, generate_households


def test_the_admin_lists_wrong_passwords_under_one_name(db):
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="pw"))
    html = client.get("/admin/").content.decode()
    assert html.count("Lượt đăng nhập sai") == 1 and "Lần đăng nhập sai" not in html


def test_a_unit_is_named_by_its_level_as_cap_xa():
    with translation.override("vi"):
        assert str(Unit.Level.COMMUNE.label) == "cấp xã" and str(Unit.Level.DISTRICT.label) == "cấp huyện"


def test_each_demo_province_has_names_of_its_own_for_its_communes():
    names = {p["code"]: p["communes"] for p in DEMO_PROVINCES}
    for province in DEMO_PROVINCES:
        assert len(province["communes"]) == 4 * len(province["districts"])
        assert len(set(province["communes"])) == len(province["communes"])
    assert not set(names["94"]) & set(names["14"])


def _villages(province):
    root = SimpleNamespace(code=province["code"])
    villages = []
    for d_code, _name, _kind, flags in province["districts"]:
        district = SimpleNamespace(
            code=d_code,
            parent=root,
            poor_district=flags.get("poor_district", False),
            ethnic_minority_area=flags.get("ethnic_minority_area", False),
        )
        commune = SimpleNamespace(code=f"{d_code}01", area_type="rural", extremely_difficult=False)
        villages.append((SimpleNamespace(code=f"{d_code}0101"), district, commune))
    return villages


@pytest.mark.parametrize("province", DEMO_PROVINCES, ids=lambda p: p["code"])
def test_a_demo_households_names_fit_its_ethnic_group(province):
    mix = province["ethnic_mix"]
    rows = list(
        generate_households(
            _villages(province), lambda d: mix[d.ethnic_minority_area or d.poor_district], 2020, 300, province["code"]
        )
    )
    groups = {household["ethnicity"] for household, _members in rows}
    assert groups <= set(mix[True]) | set(mix[False])
    for household, members in rows:
        families, male, female = PERSON_NAMES[household["ethnicity"]]
        assert household["head_name"] == members[0]["full_name"]
        for member in members:
            given = male if member["sex"] == "M" else female
            assert any(member["full_name"] == f"{f} {g}" for f in families for g in given), member
    if province["code"] == "94":  # Sóc Trăng: no Mông or Thái family name on a Kinh household
        kinh = [h["head_name"].split()[0] for h, _m in rows if h["ethnicity"] == "kinh"]
        assert kinh and not {"Giàng", "Sùng", "Lò", "Cầm", "Quàng", "Thạch"} & set(kinh)
