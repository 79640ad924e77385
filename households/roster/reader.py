"""Open a roster file safely and hand out its sheets as rows of cell values.

An .xlsx (Excel, or LibreOffice Calc saving as .xlsx) and an .ods (OpenDocument) are zips: before calamine
touches one, every part is inflated as a stream with a cap, so a zip bomb (a few hundred KB inflating to GBs)
is refused after reading at most the cap, and the sheets are scanned for formulas on the way. An .xls (Excel
97–2003) is read by calamine as it is, under the same size cap. What a file is comes from its content; a file
whose name says otherwise is refused with both named. Trailing rows that hold only formatting cost nothing:
calamine keeps cells with values only.
"""

import csv
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import python_calamine

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # settings.ROSTER_MAX_UPLOAD_BYTES overrides
MAX_INFLATED_BYTES = 1536 * 1024 * 1024
MAX_RATIO = 100
_KEEP = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "META-INF/manifest.xml")
_ODS_MIMETYPE = b"mimetype" + b"application/vnd.oasis.opendocument.spreadsheet"  # the first part, stored (ODF 1.2, 3.3)
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: old .xls, or an encrypted (password) workbook
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_FORMULA = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?>(?:<v>[^<]*</v>)?<f[ >/]')
_SHEET_TAG = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL_TAG = re.compile(
    rb'<Relationship [^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|'
    rb'<Relationship [^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"'
)


class UnreadableFile(Exception):
    """The file cannot be read at all (exit code 2). The message is for the user."""


@dataclass
class Workbook:
    sheet_names: list[str]
    _rows: callable
    formulas: dict[str, list[str]] = field(default_factory=dict)  # sheet name → cells holding a formula

    def rows(self, sheet: str):
        return self._rows(sheet)


def _scanned(name: str) -> bool:
    return (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name == "content.xml"


def _inflate_checked(data: bytes, messages) -> dict[str, bytes]:
    """Inflate the small parts we parse ourselves; stream the rest through the caps and the formula scan."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise UnreadableFile(messages["corrupt"]) from error
    total, kept, formulas_by_part = 0, {}, {}
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFile(messages["password"])
        try:
            with archive.open(info) as part:
                size, tail, hits = 0, b"", []
                scan = _scanned(info.filename)
                chunks = [] if info.filename in _KEEP else None
                while chunk := part.read(4 * 1024 * 1024):
                    size += len(chunk)
                    total += len(chunk)
                    if total > MAX_INFLATED_BYTES or size > MAX_RATIO * max(info.compress_size, 1) + 1_000_000:
                        raise UnreadableFile(messages["bomb"])
                    if scan and info.filename == "content.xml":
                        hits += ["?"] if b"table:formula=" in tail + chunk else []  # located later, if any
                    elif scan and b"<f" in chunk:
                        hits += [m.decode() for m in _FORMULA.findall(tail + chunk)]
                    if scan:
                        tail = chunk[-2000:]
                    if chunks is not None:
                        chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
            raise UnreadableFile(messages["corrupt"]) from error
        if chunks is not None:
            kept[info.filename] = b"".join(chunks)
        if hits:
            formulas_by_part[info.filename] = sorted(set(hits), key=hits.index)
    if "xl/workbook.xml" not in kept and "content.xml" not in {i.filename for i in infos}:
        raise UnreadableFile(messages["not_excel"])
    return kept, formulas_by_part


def _sheet_parts(kept) -> dict[str, str]:
    """xl/worksheets/sheetN.xml → the sheet's name, from workbook.xml and its relationships."""
    rels = {}
    for match in _REL_TAG.finditer(kept.get("xl/_rels/workbook.xml.rels", b"")):
        rid, target = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        target = target.decode().lstrip("/")
        rels[rid.decode()] = target if target.startswith("xl/") else f"xl/{target}"
    import html

    return {
        rels.get(rid.decode(), ""): html.unescape(name.decode("utf-8"))
        for name, rid in _SHEET_TAG.findall(kept["xl/workbook.xml"])
    }


def file_kind(data: bytes) -> str | None:
    """What the bytes are: xlsx, ods, xls, encrypted (a password-protected .xlsx), or None."""
    if data[:8] == _CFB_MAGIC:  # OLE2: an .xls, or an .xlsx Excel encrypted with a password
        return "encrypted" if _ENCRYPTED in data else "xls"
    if data[:4] == b"PK\x03\x04":
        return "ods" if _ODS_MIMETYPE in data[:200] else "xlsx"
    return None


def _ods_formulas(content) -> dict[str, list[str]]:
    """Sheet name → cells (A1) holding a formula, from an .ods's content.xml (rows and cells may be repeated)."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils import get_column_letter

    table, row, column, found = "", 0, 0, {}
    for event, element in iterparse(content, events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        attrs = {k.rsplit("}", 1)[-1]: v for k, v in element.attrib.items()}
        if event == "start" and tag == "table":
            table, row = attrs.get("name", ""), 0
        elif event == "start" and tag == "table-row":
            column = 0
        elif event == "end" and tag == "table-row":
            row += int(attrs.get("number-rows-repeated", 1))
            element.clear()
        elif event == "start" and tag in ("table-cell", "covered-table-cell"):
            if "formula" in attrs:
                found.setdefault(table, []).append(f"{get_column_letter(column + 1)}{row + 1}")
            column += int(attrs.get("number-columns-repeated", 1))
    return found


def _cfb_stream(data: bytes, names=("Workbook", "Book")) -> bytes:
    """The workbook stream of an OLE2 compound file (an .xls): its sectors followed through the file's allocation
    table. Raises ValueError, IndexError or struct.error on a malformed file."""
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    fat_count, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, _mini_fat, _mini_count, next_difat = struct.unpack_from("<4I", data, 0x38)
    per_sector = sector_size // 4

    def sector(number):
        start = (number + 1) * sector_size
        if start >= len(data):
            raise ValueError("a sector past the end")
        return data[start : start + sector_size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    seen = set()
    while next_difat < 0xFFFFFFFA and len(difat) < fat_count:
        if next_difat in seen:
            raise ValueError("DIFAT loop")
        seen.add(next_difat)
        entries = struct.unpack(f"<{per_sector}I", sector(next_difat))
        difat += entries[:-1]
        next_difat = entries[-1]
    fat = [n for s in difat[:fat_count] for n in struct.unpack(f"<{per_sector}I", sector(s))]

    def chain(start, table):
        out = []
        while start < 0xFFFFFFFA:
            if len(out) > len(table):
                raise ValueError("chain loop")
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(s) for s in chain(first_dir, fat))
    entries = {}
    for at in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, at + 64)[0]
        name = directory[at : at + max(length - 2, 0)].decode("utf-16-le", "replace")
        entries.setdefault(name, struct.unpack_from("<II", directory, at + 116))
    start, size = next(entries[n] for n in names if n in entries)
    if size < cutoff:  # in the mini stream: Excel pads a workbook stream to 4096 bytes, so none of its files
        raise ValueError("a workbook stream under 4096 bytes")
    return b"".join(sector(s) for s in chain(start, fat))[:size]


def _xls_formulas(stream: bytes) -> dict[str, list[str]]:
    """Sheet name → cells (A1) holding a formula, from the BIFF8 records of an .xls's workbook stream: each sheet
    starts where its BOUNDSHEET record says; a FORMULA record names its row and column."""
    from openpyxl.utils import get_column_letter

    sheet_at, found, sheet, position = {}, {}, None, 0
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        if kind == 0x0085:  # BOUNDSHEET8: offset, state, type, then the name (a short XLUnicodeString)
            offset, count, wide = struct.unpack_from("<I2xBB", stream, position + 4)
            raw = stream[position + 12 : position + 12 + count * (2 if wide & 1 else 1)]
            sheet_at[offset] = raw.decode("utf-16-le" if wide & 1 else "latin-1")
        elif kind == 0x0809:  # BOF: the globals, or the sheet starting here
            sheet = sheet_at.get(position)
        elif kind == 0x0006 and sheet is not None:  # FORMULA: row, column, …
            row, column = struct.unpack_from("<HH", stream, position + 4)
            found.setdefault(sheet, []).append(f"{get_column_letter(column + 1)}{row + 1}")
        position += 4 + length
    return found


def open_xls(data: bytes, messages) -> Workbook:
    try:
        formulas = _xls_formulas(_cfb_stream(data))
    except (ValueError, IndexError, StopIteration, struct.error):
        formulas = {}  # not a workbook calamine can read either: it says so
    return _calamine(data, messages, formulas=formulas)


def _calamine(data: bytes, messages, formulas=None) -> Workbook:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as error:
        raise UnreadableFile(messages["password"]) from error
    except Exception as error:  # calamine raises its own error types and plain ones for broken XML
        raise UnreadableFile(messages["corrupt"]) from error

    def rows(name):
        try:
            return iter(book.get_sheet_by_name(name).iter_rows())
        except Exception as error:
            raise UnreadableFile(messages["corrupt"]) from error

    return Workbook(list(book.sheet_names), rows, formulas or {})


def open_xlsx(data: bytes, messages) -> Workbook:
    """An .xlsx or an .ods: a zip, checked part by part before calamine reads it."""
    kept, formulas_by_part = _inflate_checked(data, messages)
    if "xl/workbook.xml" not in kept:  # an .ods
        if b"encryption-data" in kept.get("META-INF/manifest.xml", b""):
            raise UnreadableFile(messages["password"])
        formulas = {}
        if "content.xml" in formulas_by_part:  # inflated once already, within the caps
            try:
                with zipfile.ZipFile(io.BytesIO(data)).open("content.xml") as content:
                    formulas = _ods_formulas(content)
            except Exception as error:  # broken XML, or entities defusedxml refuses
                raise UnreadableFile(messages["corrupt"]) from error
        return _calamine(data, messages, formulas=formulas)
    parts = _sheet_parts(kept)
    return _calamine(
        data, messages, formulas={parts.get(part, part): cells for part, cells in formulas_by_part.items()}
    )


FORMATS = {"xlsx": ".xlsx", "xls": ".xls", "ods": ".ods"}


def open_csv(data: bytes, messages, sheet_name="CSV") -> Workbook:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes almost anything
        raise UnreadableFile(messages["encoding"])
    if "\x00" in text[:4096]:
        raise UnreadableFile(messages["not_csv"])
    first = text[:4096].split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)

    def rows(name):
        return csv.reader(io.StringIO(text), delimiter=delimiter)

    return Workbook([sheet_name], rows)


def open_roster(data: bytes, filename: str, messages) -> Workbook:
    """messages: the user-facing texts (translated by the caller) for each way a file can be unreadable."""
    from django.conf import settings

    if len(data) > getattr(settings, "ROSTER_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES):
        raise UnreadableFile(messages["too_big"])
    if not data:
        raise UnreadableFile(messages["empty"])
    name = filename.lower()
    if name.endswith(".csv"):
        return open_csv(data, messages, filename.rsplit("/", 1)[-1])
    kind = file_kind(data)
    if kind == "encrypted":
        raise UnreadableFile(messages["password"])
    if kind is None:
        raise UnreadableFile(messages["not_excel"])
    named = next((k for k, ext in FORMATS.items() if name.endswith(ext)), kind)
    if named != kind:
        raise UnreadableFile(
            messages["mislabelled"] % {"kind": messages[kind], "named": FORMATS[named], "right": FORMATS[kind]}
        )
    return open_xls(data, messages) if kind == "xls" else open_xlsx(data, messages)
