"""An indicator has one name on the review page, in its workbook and in the API, in either language (issue 22.7)."""

import base64
import html
import io

import pytest
from openpyxl import load_workbook

from households import names
from households.standards.builtin import QD59_2015


@pytest.mark.parametrize("language", ["vi", "en"])
def test_page_workbook_and_api_name_each_indicator_alike(province, users, client, language):
    manager = users["manager"]
    manager.profile.language = language
    manager.profile.save()
    manager.set_password("pw")
    manager.save()
    client.force_login(manager)
    query = {"unit": "P", "year": 2021}
    page = html.unescape(client.get("/reports/review/", query).content.decode())
    workbook = load_workbook(io.BytesIO(client.get("/reports/review.xlsx", query).content))
    t5 = {str(c.value) for row in workbook.worksheets[4].iter_rows() for c in row if c.value is not None}
    auth = base64.b64encode(f"{manager.username}:pw".encode()).decode()
    api = client.get(
        "/api/v1/reports/review/", query, HTTP_AUTHORIZATION=f"Basic {auth}", HTTP_ACCEPT_LANGUAGE=language
    ).json()
    subgroups = {c["subgroup"] for c in api["tables"][4]["columns"]}
    index = 1 if language == "en" else 0
    for code in QD59_2015.indicator_rules:
        name = names.in_both(lambda code=code: names.indicator(code))[index]
        assert name in page and name in t5 and name in subgroups, (language, code, name)
