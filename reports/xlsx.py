"""The review report as an .xlsx laid out like the official form (docs/domain/poverty-standards.md §5.3): a sheet per
table, title with the unit and year, merged group headers, the form's column order, numbers stored as
numbers with their format, and the signature block."""

import io

from django.utils.text import slugify
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from povertyplan.cells import safe
from targets.dashboards import boundaries_label

from . import review
from .present import estimated_note, json_number

NUMBER_FORMATS = {
    review.COUNT: "#,##0",
    review.RATE: "0.00",
    review.SIGNED: "+#,##0;-#,##0;0",
    review.POINTS: "+0.00;-0.00;0.00",
}
# a count that a share left fractional keeps its tenths, as on the page
ESTIMATED_COUNT_FORMATS = {review.COUNT: "#,##0.0", review.SIGNED: "+#,##0.0;-#,##0.0;0"}
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def filename(report: review.Report) -> str:
    under = f"-{slugify(report.standard)}" if report.under_next_standard else ""
    return f"bao-cao-ra-soat-{slugify(report.unit.code)}-{report.year}{under}.xlsx"


def _text(cell, value: str):
    """A string that would read as a formula is written after an apostrophe, as every export does."""
    cell.value = safe(value)
    return cell


def _sheet(wb: Workbook, report: review.Report, table: review.Table, number: int, today, unapproved=frozenset()):
    ws = wb.create_sheet(pgettext("review report", "Table %(number)s") % {"number": number})
    width = len(table.columns) + 2
    last = get_column_letter(width)
    ws.merge_cells(f"A1:{get_column_letter(min(width, 4))}1")
    _text(ws["A1"], str(report.unit.name).upper()).font = Font(bold=True)
    _text(ws.cell(1, width), pgettext("review report", "Form %(code)s") % {"code": table.code}).alignment = Alignment(
        horizontal="right"
    )
    ws.merge_cells(f"A3:{last}3")
    title = pgettext("review report", "%(title)s — %(year)s") % {"title": table.title, "year": report.year}
    _text(ws["A3"], title.upper()).font = Font(bold=True, size=13)
    ws["A3"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A4:{last}4")
    unit_line = pgettext("review report", "Unit: %(unit)s (code %(code)s) · standard %(standard)s") % {
        "unit": report.unit.name,
        "code": report.unit.code,
        "standard": report.standard_name,
    }
    _text(ws["A4"], f"{unit_line} · {gettext('Figures')} {boundaries_label(report.boundaries)}")
    ws["A4"].alignment = Alignment(horizontal="center")
    top = 6
    if report.notice and any(c.comparable_only for c in table.columns):
        ws.merge_cells(f"A5:{last}5")
        _text(ws["A5"], str(report.notice)).font = Font(italic=True, color="B42318")
        ws["A5"].alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[5].height = 30
        top = 7
    header = review.header_rows(table.columns)
    for r, cells in enumerate(header):
        for cell in cells:
            row, col = top + r, cell.column + 1
            _text(ws.cell(row, col), str(cell.label))
            if cell.colspan > 1 or cell.rowspan > 1:
                ws.merge_cells(
                    start_row=row, start_column=col, end_row=row + cell.rowspan - 1, end_column=col + cell.colspan - 1
                )
    body = top + len(header)
    for row in range(top, body):
        ws.row_dimensions[row].height = 36
        for col in range(1, width + 1):
            c = ws.cell(row, col)
            c.font, c.alignment, c.fill, c.border = Font(bold=True, size=10), CENTER, HEADER_FILL, BOX
    # The form numbers its columns under the header: (1), (2), …
    for col in range(1, width + 1):
        c = ws.cell(body, col, f"({col})")
        c.alignment, c.border, c.font = CENTER, BOX, Font(italic=True, size=9)
    r = body + 1
    for row in table.rows:
        bold = row.kind != "unit"
        _text(ws.cell(r, 1), row.number).alignment = Alignment(horizontal="center")
        # the page's star: a row built from household records not approved yet; the page's estimated mark
        label = f"{row.label} *" if row.unit_code in unapproved else str(row.label)
        _text(ws.cell(r, 2), f"{label} ({gettext('estimated')})" if row.estimated else label)
        for i, column in enumerate(table.columns, start=3):
            value = row.values.get(column.key)
            cell = ws.cell(r, i)
            if value is not None:
                cell.value = json_number(value, column.kind)
                cell.number_format = NUMBER_FORMATS[column.kind]
                if row.estimated and column.kind in (review.COUNT, review.SIGNED) and value != int(value):
                    cell.number_format = ESTIMATED_COUNT_FORMATS[column.kind]
        for col in range(1, width + 1):
            cell = ws.cell(r, col)
            cell.border = BOX
            cell.font = Font(bold=bold)
        r += 1
    r += 1
    marked = any(row.unit_code in unapproved for row in table.rows)
    estimated = estimated_note(report) if any(row.estimated for row in table.rows) else ""
    for note in [
        *([estimated] if estimated else []),
        *table.notes,
        *([f"* {pgettext('review report', 'Rests on household records not approved yet.')}"] if marked else []),
    ]:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        _text(ws.cell(r, 1), str(note)).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 1).font = Font(italic=True, size=9)
        ws.row_dimensions[r].height = 28
        r += 1
    _signatures(ws, r + 1, width, today)
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 28
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 10
    ws.freeze_panes = ws.cell(body + 1, 3)
    ws.print_title_rows = f"{top}:{body}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _signatures(ws, row: int, width: int, today):
    """Người lập biểu on the left; the date line and thủ trưởng đơn vị on the right."""
    right = max(width - 4, 4)
    ws.merge_cells(start_row=row, start_column=right, end_row=row, end_column=width)
    _text(
        ws.cell(row, right),
        pgettext("review report", "…, day %(day)s month %(month)s year %(year)s")
        % {"day": today.day, "month": today.month, "year": today.year},
    )
    ws.cell(row, right).alignment = Alignment(horizontal="center")
    for col, title, hint in (
        (1, pgettext("review report", "Prepared by"), pgettext("review report", "(signature and full name)")),
        (
            right,
            pgettext("review report", "Head of the unit"),
            pgettext("review report", "(signature, full name and seal)"),
        ),
    ):
        end = 3 if col == 1 else width
        for offset, text, font in ((1, title.upper(), Font(bold=True)), (2, hint, Font(italic=True))):
            ws.merge_cells(start_row=row + offset, start_column=col, end_row=row + offset, end_column=end)
            cell = _text(ws.cell(row + offset, col), text)
            cell.font, cell.alignment = font, Alignment(horizontal="center")


def workbook(report: review.Report, today=None, unapproved=frozenset()) -> Workbook:
    """`unapproved`: the unit codes whose rows rest on records not approved yet (reports.selectors.approval_marks)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    wb = Workbook()
    wb.remove(wb.active)
    for number, table in enumerate(report.tables, start=1):
        _sheet(wb, report, table, number, today, unapproved)
    wb.properties.title = pgettext("review report", "Review of poor and near-poor households %(year)s — %(unit)s") % {
        "year": report.year,
        "unit": report.unit.name,
    }
    return wb


def workbook_bytes(report: review.Report, today=None, unapproved=frozenset()) -> bytes:
    buffer = io.BytesIO()
    workbook(report, today, unapproved).save(buffer)
    return buffer.getvalue()
