"""The one escape every exported spreadsheet cell goes through, whatever writes it (the roster exports, the admin's
Export page, chart downloads, the figures and the review report): a text a spreadsheet would run as a formula is
written with an apostrophe before it, so it is shown as the text it is. The roster import drops that apostrophe
again (households/roster/cells.py), so an exported name comes back unchanged."""

from django.utils.functional import Promise

# = + - @ start a formula in Excel, LibreOffice and Google Sheets; a leading tab or carriage return is skipped by some
# of them when they open a .csv, so what follows it could still run (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """The value as a cell takes it: a lazy translation as its text; a text that starts like a formula after "'"."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
