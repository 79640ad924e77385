"""Year-end review report on PostgreSQL: the five tables of a province of 300.000 households (issue 12: < 2 s),
over three survey years so that every movement is counted. Reuses the recompute benchmark's data set
(Sơn La, survey year 2022, generated and classified like the demo) and derives 2023 and 2024 from it in SQL."""

import os
import statistics
import time

from benchmarks import bench_recompute as recompute

YEARS = (2023, 2024)  # same standard as 2022 (Decree 07/2021), so movements are counted


def _derive_years():
    """2023 and 2024 copies of 2022's households with classifications moved by a fixed hash of the code:
    about a quarter of the poor escape each year, a few households fall in, some come back."""
    from django.db import connection

    from households.models import Household

    table = Household._meta.db_table
    wanted = Household.objects.filter(unit__path__startswith="14/", survey_year=2022).count()
    have = [Household.objects.filter(unit__path__startswith="14/", survey_year=y).count() for y in YEARS]
    if have == [wanted] * len(YEARS):
        return
    columns = [f.column for f in Household._meta.concrete_fields if f.column not in ("id",)]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE survey_year IN %s", [YEARS])
        for year in YEARS:
            salt = str(year)
            moved = (
                f"CASE WHEN classification = 'poor' AND mod(abs(hashtext(code || '{salt}')), 4) = 0 THEN 'near_poor' "
                f"WHEN classification = 'poor' AND mod(abs(hashtext(code || '{salt}')), 9) = 1 THEN 'middle' "
                f"WHEN classification = 'near_poor' AND mod(abs(hashtext(code || '{salt}')), 5) = 0 THEN 'middle' "
                f"WHEN classification = 'near_poor' AND mod(abs(hashtext(code || '{salt}')), 11) = 1 THEN 'poor' "
                f"WHEN classification IN ('middle', 'not_poor') AND mod(abs(hashtext(code || '{salt}')), 40) = 0 "
                f"THEN 'poor' "
                f"WHEN classification IN ('middle', 'not_poor') AND mod(abs(hashtext(code || '{salt}')), 30) = 1 "
                f"THEN 'near_poor' ELSE classification END"
            )
            select = ", ".join(
                str(year) if c == "survey_year" else moved if c == "classification" else "now()" if c == "updated_at"
                else c for c in columns)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table} "
                f"WHERE survey_year = %s AND unit_id IN (SELECT id FROM areas_unit WHERE path LIKE '14/%%')",
                [year - 1])
        cursor.execute(f"ANALYZE {table}")


def _time(function, repeats):
    timings = []
    for _ in range(repeats):
        started = time.monotonic()
        result = function()
        timings.append(time.monotonic() - started)
    return timings, result


def main() -> list[str]:
    recompute._setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from areas.models import Unit
    from households.models import Household
    from reports import xlsx
    from reports.selectors import review_report

    started = time.monotonic()
    households, _members = recompute._load()
    _derive_years()
    load_seconds = time.monotonic() - started
    province = Unit.objects.get(code="14")
    year = YEARS[-1]
    total = Household.objects.filter(unit__path__startswith="14/").count()
    translation.activate("vi")
    with CaptureQueriesContext(connection) as queries:
        report = review_report(province, year)
    query_count = len(queries.captured_queries)
    grouped = [q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"]]
    repeats = int(os.environ.get("BENCH_REPEATS", 5))
    tables, report = _time(lambda: review_report(province, year), repeats)
    workbook, data = _time(lambda: xlsx.workbook_bytes(report), 3)
    client = Client(SERVER_NAME="localhost")
    client.force_login(recompute._bench_user())
    page, _ = _time(lambda: client.get("/reports/review/", {"unit": "14", "year": year}), 3)
    api, _ = _time(lambda: client.get("/api/v1/reports/review/", {"unit": "14", "year": year}), 3)
    t1 = next(r for r in report.tables[0].rows if r.kind == "total").values
    median = statistics.median

    def row(what, timings, budget=None):
        best = min(timings)
        ratio = f"{median(timings) / budget:.2f}" if budget else "—"
        return (f"| {what} | {f'{budget} s' if budget else '—'} | {median(timings):.2f} s (best {best:.2f}, "
                f"worst {max(timings):.2f}) | {ratio} |")

    return [
        "## Year-end review report on PostgreSQL (issue 12: the five tables of a 300.000-household province < 2 s)",
        "",
        f"Sơn La, {recompute._n(households)} households a year in survey years 2022–{year} "
        f"({recompute._n(total)} household records; 2023 and 2024 derived from the recompute data set in SQL, "
        f"{load_seconds:.0f} s to make or find). Report for the province and {year}: "
        f"{len(report.tables[0].rows)} rows a table; {t1['end']} poor households at the end of the year, "
        f"{t1['escaped']} escaped, {t1['re_poor']} fell back, {t1['newly_poor']} newly poor. "
        f"{query_count} queries in all, {len(grouped)} of them the grouped query over the "
        "households (this year's joined to last year's and to earlier years', then last year's, in one UNION ALL).",
        "",
        "| measure | budget | median of runs | ratio to budget |",
        "|---|---:|---:|---:|",
        row(f"the five tables (`reports.selectors.review_report`, {repeats} runs)", tables, 2),
        row("the page `/reports/review/` (3 runs)", page, 2),
        row("`GET /api/v1/reports/review/` (3 runs)", api, 2),
        row(f"the .xlsx of five sheets from built tables ({len(data) // 1024} KB, 3 runs)", workbook),
    ]


if __name__ == "__main__":
    print("\n".join(main()))
