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
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import translation

from areas.models import Unit
from areas.services import profile_save
from households.models import Ethnicity, Household, Member, PovertyStandard
from targets.models import Plan, Target

VIETNAMESE_LETTER = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
ENGLISH_WORDS = re.compile(r"\b(the|and|of|households?|rate|goal|years?|poor|targets?|click|figures?|under|"
                           r"with|not|yet|per|month|income|deprivations?|zoom|download|reset|"
                           r"can (add|change|delete|view)|attempts?|address|agent|data)\b", re.I)


def pages() -> list[str]:
    household = Household.objects.filter(members__isnull=False, classification="poor").first()
    attempt = AccessAttempt.objects.create(username="someone", ip_address="127.0.0.1", user_agent="Firefox",
                                           http_accept="*/*", path_info="/accounts/login/", failures_since_start=1)
    plans = list(Plan.objects.all())
    targets = [Target.objects.filter(plan=plan).order_by("order").first() for plan in plans]
    reported = Target.objects.filter(indicator__kind="reported", shape="count").first()
    return ["/", "/households/", f"/households/{household.pk}/", f"/households/{household.pk}/edit/",
            "/households/new/", "/reported/", "/reports/review/", "/approvals/", "/dashboards/compare/?units=94&units=14",
            *[f"/dashboards/plans/{p.pk}/" for p in plans], *[f"/dashboards/targets/{t.pk}/" for t in targets],
            f"/dashboards/targets/{reported.pk}/", "/dashboards/areas/94/", "/dashboards/areas/14/",
            "/accounts/password/", "/admin/", f"/admin/households/household/{household.pk}/change/",
            f"/admin/auth/group/{Group.objects.first().pk}/change/", f"/admin/auth/user/{admin_pk()}/change/",
            "/admin/areas/profile/", "/admin/axes/accessattempt/", f"/admin/axes/accessattempt/{attempt.pk}/change/"]


def admin_pk() -> int:
    return User.objects.get(username="admin").pk


def proper_names() -> list[str]:
    """Names a translation keeps: units, people, ethnic groups, the documents, the plans' quoted sentences."""
    names = {*Unit.objects.values_list("name", flat=True), *Household.objects.values_list("head_name", flat=True),
             *Member.objects.values_list("full_name", flat=True),
             *(label for code, label in Ethnicity.choices if code != Ethnicity.OTHER),
             *Target.objects.values_list("source_sentence", flat=True), *Group.objects.values_list("name", flat=True),
             "Tiếng Việt"}
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


def leftovers(client, pattern, names) -> dict[str, list[str]]:
    found = {}
    for url in pages():
        response = client.get(url)
        assert response.status_code == 200, url
        text = seen_text(response.content.decode())
        for name in names:
            text = text.replace(name, " ")
        text = re.sub(r"\d[\d.,]*\s*đ\b", " ", text)  # the đồng sign beside an amount
        hits = {line.strip()[:120] for line in text.splitlines() if pattern.search(line)}
        if hits:
            found[url] = sorted(hits)[:5]
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
    page = ('<p title="Mục tiêu">x</p><script id="f" type="application/json">{"layout": {"title": '
            '"T\\u1ef7 l\\u1ec7"}}</script><script>var hidden = "tiếng";</script>')
    assert seen_text(page).split() == ["x", "Mục", "tiêu", "Tỷ", "lệ"]


def translated_at_import(path: Path) -> list[str]:
    """Calls of a non-lazy gettext `_` outside any function: run once, at import, in the default language."""
    tree = ast.parse(path.read_text())
    eager = any(isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
                and any(a.name in ("gettext", "pgettext", "ngettext") and a.asname == "_" for a in node.names)
                for node in ast.walk(tree))
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
    sources = [p for app in ("areas", "households", "targets", "approvals", "reports", "povertyplan")
               for p in (root / app).rglob("*.py") if "migrations" not in p.parts]
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
