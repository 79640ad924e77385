"""One language per page (issue 15.5): in English nothing is left in Vietnamese but proper names (units, people,
ethnic groups, the plans' documents and the sentences quoted from them); in Vietnamese no English sentence is
left. Walks the main pages of the demo as its administrator and reads what a person sees: the text, the tooltips
and the charts' figures (their titles, labels and hover texts travel as JSON)."""

import ast
import html as html_lib
import json
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from areas.models import Unit
from areas.services import profile_save
from households.models import Ethnicity, Household, Member, PovertyStandard, RosterImport
from households.roster.columns import HOUSEHOLD_COLUMNS, INDICATOR_COLUMNS, MEMBER_COLUMNS, header_index, normalise
from targets.models import Plan, Target

from .households.roster_files import HOUSEHOLD_HEADER, MEMBER_HEADER, household_row, member_row, xlsx
from .households.test_pages import ADULT, form_data

VIETNAMESE_LETTER = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|households?|rate|goal|years?|poor|targets?|click|figures?|under|"
    r"with|not|yet|per|month|income|deprivations?|zoom|download|reset|"
    r"can (add|change|delete|view)|attempts?|address|agent|data|access|log|for|from)\b",
    re.I,
)
# Words of the validation messages (a message is short: the page's list above would miss most of them).
ENGLISH_MESSAGE_WORDS = re.compile(
    ENGLISH_WORDS.pattern[:-3] + r"|must|got|required|valid|choose|says|list|needs|"
    r"indicators?|answers|show|unit|code|area)\b",
    re.I,
)


def pages() -> list[str]:
    household = Household.objects.filter(members__isnull=False, classification="poor").first()
    attempt = AccessAttempt.objects.create(
        username="someone",
        ip_address="127.0.0.1",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=1,
    )
    login = AccessLog.objects.create(
        username="admin", ip_address="127.0.0.1", user_agent="Firefox", http_accept="*/*", path_info="/accounts/login/"
    )
    plans = list(Plan.objects.all())
    targets = [Target.objects.filter(plan=plan).order_by("order").first() for plan in plans]
    reported = Target.objects.filter(indicator__kind="reported", shape="count").first()
    return [
        "/",
        "/households/",
        f"/households/{household.pk}/",
        f"/households/{household.pk}/edit/",
        "/households/new/",
        "/reported/",
        "/reports/review/",
        "/approvals/",
        "/dashboards/compare/?units=94&units=14",
        *[f"/dashboards/plans/{p.pk}/" for p in plans],
        *[f"/dashboards/targets/{t.pk}/" for t in targets],
        f"/dashboards/targets/{reported.pk}/",
        "/dashboards/areas/94/",
        "/dashboards/areas/14/",
        "/accounts/password/",
        "/accounts/",
        "/admin/",
        f"/admin/households/household/{household.pk}/change/",
        f"/admin/auth/group/{Group.objects.first().pk}/change/",
        f"/admin/auth/user/{admin_pk()}/change/",
        "/admin/areas/profile/",
        "/admin/axes/accessattempt/",
        f"/admin/axes/accessattempt/{attempt.pk}/change/",
        "/admin/axes/accesslog/",
        f"/admin/axes/accesslog/{login.pk}/change/",
        "/admin/households/household/",
        "/admin/auth/user/add/",
        "/admin/households/household/roster-import/",
    ]


def admin_pk() -> int:
    return User.objects.get(username="admin").pk


def proper_names() -> list[str]:
    """Names a translation keeps: units, people, ethnic groups, the documents, the plans' quoted sentences."""
    names = {
        *Unit.objects.values_list("name", flat=True),
        *Household.objects.values_list("head_name", flat=True),
        *Member.objects.values_list("full_name", flat=True),
        *(label for code, label in Ethnicity.choices if code != Ethnicity.OTHER),
        *Target.objects.values_list("source_sentence", flat=True),
        *Group.objects.values_list("name", flat=True),
        "Tiếng Việt",
    }
    for plan in Plan.objects.all():
        names |= {plan.title, plan.document_number, plan.signer}
    for standard in PovertyStandard.objects.all():
        names |= {standard.name, standard.name.split(" — ")[0], standard.code}
        names |= set(re.findall(r"\d+/\d{4}/\S+", standard.name))  # "07/2021/NĐ-CP", in "Decree 07/2021/NĐ-CP"
    return sorted((n for n in names if n), key=len, reverse=True)


def seen_text(page: str) -> str:
    """The words on the page: its text, the tooltips and labels of its fields, and every string of its charts."""
    strings = []

    def collect(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            [collect(v) for v in value.values()]
        elif isinstance(value, list):
            [collect(v) for v in value]

    for data in re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', page, re.S):
        collect(json.loads(data))
    attributes = re.findall(r'\s(?:title|placeholder|aria-label|alt)="([^"]*)"', page)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    body = re.sub(r"<[^>]+>", "\n", body)
    return html_lib.unescape("\n".join([body, *attributes, *strings]))


def lines_in_the_other_language(text, pattern, names) -> list[str]:
    for name in names:
        text = text.replace(name, " ")
    text = re.sub(r"\d[\d.,]*\s*đ\b", " ", text)  # the đồng sign beside an amount
    return sorted({line.strip()[:120] for line in text.splitlines() if pattern.search(line)})


def leftovers(client, pattern, names) -> dict[str, list[str]]:
    found = {}
    for url in pages():
        response = client.get(url)
        assert response.status_code == 200, url
        hits = lines_in_the_other_language(seen_text(response.content.decode()), pattern, names)
        if hits:
            found[url] = hits[:5]
    return found


def client_in(language: str) -> Client:
    user = User.objects.get(username="admin")
    user.profile.language = language
    user.profile.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_in_english_nothing_but_proper_names_is_left_in_vietnamese(demo_data):
    assert leftovers(client_in("en"), VIETNAMESE_LETTER, proper_names()) == {}


@pytest.mark.django_db
def test_in_vietnamese_no_english_words_are_left(demo_data):
    assert leftovers(client_in("vi"), ENGLISH_WORDS, proper_names()) == {}


def test_the_walk_reads_tooltips_and_the_charts_json_not_only_the_text():
    page = (
        '<p title="Mục tiêu">x</p><script id="f" type="application/json">{"layout": {"title": '
        '"T\\u1ef7 l\\u1ec7"}}</script><script>var hidden = "tiếng";</script>'
    )
    assert seen_text(page).split() == ["x", "Mục", "tiêu", "Tỷ", "lệ"]


def translated_at_import(path: Path) -> list[str]:
    """Calls of a non-lazy gettext `_` outside any function: run once, at import, in the default language."""
    tree = ast.parse(path.read_text())
    eager = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "django.utils.translation"
        and any(a.name in ("gettext", "pgettext", "ngettext") and a.asname == "_" for a in node.names)
        for node in ast.walk(tree)
    )
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if not inside and isinstance(child, ast.Call) and getattr(child.func, "id", None) == "_":
                found.append(f"{path}:{child.lineno}")
            visit(child, inside)

    if eager:
        visit(tree, False)
    return found


def test_no_module_translates_its_words_once_at_import():
    root = Path(__file__).resolve().parent.parent
    sources = [
        p
        for app in ("areas", "households", "targets", "approvals", "reports", "povertyplan")
        for p in (root / app).rglob("*.py")
        if "migrations" not in p.parts
    ]
    assert sources
    assert [hit for path in sources for hit in translated_at_import(path)] == []


@pytest.mark.parametrize(("language", "title"), [("vi", "Không tìm thấy trang"), ("en", "Page not found")])
def test_a_missing_page_is_told_in_the_users_language_not_djangos_english(tree, settings, language, title):
    settings.DEBUG = False
    user = User.objects.create_user("someone", password="pw")
    profile_save(user, "officer", tree["C1"])
    user.profile.language = language
    user.profile.save()
    client = Client()
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert title in response.content.decode() and "The requested resource" not in response.content.decode()


def test_a_models_own_permission_is_named_in_the_users_language_whatever_language_stored_it(db):
    from django.contrib.auth.models import Permission

    from povertyplan.admin import permission_label

    permission = Permission.objects.get(codename="submit_approval")
    permission.name = "Được gửi dữ liệu địa bàn mình để phê duyệt"  # created while Vietnamese was active
    permission.save()
    with translation.override("en"):
        assert permission_label(permission).endswith("Can submit their area's data for approval")
    with translation.override("vi"):
        assert permission_label(permission).endswith("Được gửi dữ liệu địa bàn mình để phê duyệt")


# --- validation messages (the classification engine's among them) in the user's language -----------------------

OTHER_LANGUAGE = {"en": VIETNAMESE_LETTER, "vi": ENGLISH_MESSAGE_WORDS}


def _errors(html: str) -> list[str]:
    return re.findall(r'class="(?:field-)?error"[^>]*>([^<]*)<', html)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "vi"])
def test_an_invalid_household_form_says_what_is_wrong_in_the_users_language(demo_data, language):
    unit = Unit.objects.filter(level="commune").order_by("path").first()
    data = form_data(
        unit, income="1.5.6", members=({**ADULT, "age": "200", "sex": ""},), floor_area_m2="-3", code="", token=""
    )
    response = client_in(language).post("/households/new/", data)
    html = response.content.decode()
    assert response.status_code == 200 and not Household.objects.filter(unit=unit, code="").exists()
    assert len(_errors(html)) >= 5
    assert lines_in_the_other_language(seen_text(html), OTHER_LANGUAGE[language], proper_names()) == []


INVALID_HOUSEHOLDS = [
    {
        "code": "H1",
        "area_type": "suburb",
        "income_per_capita": -1,
        "survey_year": 2022,
        "member_count": 2,
        "members": [{"age": 500, "sex": "Q", "disabled": "yes"}, "nobody"],
        "dwelling": {
            "house_class": "?",
            "water_source": "piped",
            "latrine": "septic",
            "floor_area_m2": "40,5",
            "assets": ["yacht"],
            "loudspeaker_audible": 1,
        },
    },
    {"income_per_capita": 1.5, "reference_date": "2022-13-01", "deprivations": "water"},
    {
        "code": "H3",
        "area_type": "rural",
        "income_per_capita": 10**12,
        "survey_year": 1990,
        "member_count": 0,
        "deprivations": ["water"],
    },
    {
        "code": "H4",
        "area_type": "rural",
        "income_per_capita": 1,
        "survey_year": 2022,
        "member_count": 1,
        "standard": "ND07-2021",
        "deprivations": ["water", "flying"],
        "members": [],
    },
    "not a household",
]
INVALID_FIELDS = [
    [
        "area_type",
        "income_per_capita",
        "members[0].age",
        "members[0].sex",
        "members[0].disabled",
        "members[1]",
        "dwelling.house_class",
        "dwelling.floor_area_m2",
        "dwelling.assets",
        "dwelling.loudspeaker_audible",
    ],
    ["code", "area_type", "income_per_capita", "reference_date", "member_count", "deprivations"],
    ["income_per_capita", "survey_year", "member_count"],
    ["members", "member_count", "dwelling", "deprivations"],
    [""],
]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "required"), [("en", "is required"), ("vi", "bắt buộc phải có")])
def test_an_invalid_classify_request_is_answered_in_the_language_it_asks_for(demo_data, language, required):
    other = "vi" if language == "en" else "en"
    client = client_in(other)  # a program's Accept-Language, not its account's language, decides for the API
    response = client.post(
        "/api/v1/classify/",
        json.dumps(INVALID_HOUSEHOLDS),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=f"{language};q=0.9,fr;q=1",
    )
    assert response.status_code == 422 and "Accept-Language" in response["Vary"]
    answers = response.json()
    assert [[e["field"] for e in answer["errors"]] for answer in answers] == INVALID_FIELDS  # stable, not translated
    messages = [e["message"] for answer in answers for e in answer["errors"]]
    assert required in messages
    assert lines_in_the_other_language("\n".join(messages), OTHER_LANGUAGE[language], []) == []

    unit = Unit.objects.filter(level="commune").order_by("path").first()
    bodies = [
        {"unit": "nowhere", "survey_year": 2022, "code": "Z"},
        {"unit": unit.code, "survey_year": 2022, "code": "Z", "members": [{"age": 500}], "dwelling": {}},
    ]
    for body in bodies:
        response = client.post(
            "/api/v1/households/", json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 422
        messages = [e["message"] for e in response.json()["errors"]]
        assert lines_in_the_other_language("\n".join(messages), OTHER_LANGUAGE[language], []) == []

    valid = {
        "code": "V1",
        "area_type": "rural",
        "income_per_capita": 1_200_000,
        "survey_year": 2022,
        "member_count": 3,
        "deprivations": ["water", "latrine", "telecom"],
    }
    response = client.post(
        "/api/v1/classify/", json.dumps(valid), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    rule = response.json()[0]["rule"]
    assert rule.startswith("income 1,200,000" if language == "en" else "thu nhập 1.200.000")
    assert lines_in_the_other_language(rule, OTHER_LANGUAGE[language], []) == []

    without_header = client.post(
        "/api/v1/classify/", json.dumps(INVALID_HOUSEHOLDS[2]), content_type="application/json"
    ).json()
    assert without_header[0]["errors"][0]["message"].startswith("must not" if other == "en" else "không được")


def _roster_with_errors(unit_code: str, language: str) -> bytes:
    """Two sheets with errors the mapping finds and errors the engine finds: a member count that disagrees with
    the list, an age out of bounds, a negative income, and a ticked deprivation the members contradict."""
    water = next(c for c in INDICATOR_COLUMNS if c.key == "ind:water")
    households = [
        [*HOUSEHOLD_HEADER, water.vi],
        [*household_row("R1", unit=unit_code, members=3), ""],
        [*household_row("R2", unit=unit_code, members=1, income="-5"), ""],
        [*household_row("R3", unit=unit_code, members=1), "x"],
    ]  # a drilled well: not deprived
    members = [MEMBER_HEADER, member_row("R1", age=140), member_row("R2"), member_row("R3")]
    sheets = {"Hộ": households, "Thành viên": members}
    if language == "en":
        index = header_index((*HOUSEHOLD_COLUMNS, *MEMBER_COLUMNS, *INDICATOR_COLUMNS))
        english = {name: [[index[normalise(h)].en for h in rows[0]], *rows[1:]] for name, rows in sheets.items()}
        sheets = {"Households": english["Hộ"], "Members": english["Thành viên"]}
    return xlsx(sheets)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_roster_import_lists_its_errors_in_the_language_of_who_started_it(
    demo_data, language, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = client_in(language)
    unit = Unit.objects.filter(level="commune").order_by("path").first()
    upload = SimpleUploadedFile("xa.xlsx", _roster_with_errors(unit.code, language))
    with django_capture_on_commit_callbacks() as queued:
        client.post("/admin/households/household/roster-import/", {"file": upload, "survey_year": ""})
    with translation.override("vi" if language == "en" else "en"):  # the worker's language is not the user's
        for callback in queued:
            callback()
    job = RosterImport.objects.get()
    assert job.status == "rejected"
    water = next(c for c in INDICATOR_COLUMNS if c.key == "ind:water")
    assert {(row, column) for _sheet, row, column, _message in job.problems} >= {
        (2, "Members" if language == "en" else "Số nhân khẩu"),
        (3, "Income per capita" if language == "en" else "Thu nhập bình quân"),
        (4, water.en if language == "en" else water.vi),  # the indicator as the catalogue names it
    }
    page = client.get(f"/admin/households/rosterimport/{job.pk}/change/").content.decode()
    messages = [message for *_where, message in job.problems]
    assert all(message in html_lib.unescape(page) for message in messages)
    assert lines_in_the_other_language("\n".join(messages), OTHER_LANGUAGE[language], []) == []
    assert lines_in_the_other_language(seen_text(page), OTHER_LANGUAGE[language], proper_names()) == []
