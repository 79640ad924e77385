"""A chart's table view says why a cell has no figure (issue 25, point 9: a reason wherever a figure is missing)."""

from django.template.loader import render_to_string

from targets.charts import INTEGER, PERCENT, TEXT, Chart, Column


def _chart(rows):
    columns = [Column("Năm", TEXT), Column("Tỷ lệ hộ nghèo", PERCENT), Column("Số hộ", INTEGER)]
    chart = Chart("trend", "Tỷ lệ hộ nghèo", {"data": [], "layout": {}}, columns, rows)
    chart.dom_id, chart.figure_id = "chart-0", "chart-0-figure"  # as the pages number their charts
    return chart


def test_a_missing_figure_is_marked_and_explained_under_the_table():
    html = render_to_string("targets/_chart.html", {"chart": _chart([["2020", 18.6567, 13000], ["2021", None, None]])})
    assert "18,66%" in html and "13.000" in html
    assert html.count('<abbr class="missing"') == 2
    assert "Không có số liệu: chưa rà soát hộ nào, hoặc chưa báo cáo, cho ô này." in html
    assert "ô không có số liệu (chưa rà soát hộ nào" in html


def test_a_full_table_has_no_such_note():
    html = render_to_string("targets/_chart.html", {"chart": _chart([["2020", 18.6567, 13000]])})
    assert "missing" not in html and "ô không có số liệu" not in html
