"""Open a roster file safely and hand out its sheets as rows of cell values.

An .xlsx is a zip: before calamine touches it, every part is inflated as a stream with a cap, so a
zip bomb (a few hundred KB inflating to GBs) is refused after reading at most the cap, and the sheets
are scanned for formulas on the way. Trailing rows that hold only formatting cost nothing: calamine
keeps cells with values only.
"""

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

import python_calamine

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # settings.ROSTER_MAX_UPLOAD_BYTES overrides
MAX_INFLATED_BYTES = 1536 * 1024 * 1024
MAX_RATIO = 100
_KEEP = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
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
                scan = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
                chunks = [] if info.filename in _KEEP else None
                while chunk := part.read(4 * 1024 * 1024):
                    size += len(chunk)
                    total += len(chunk)
                    if total > MAX_INFLATED_BYTES or size > MAX_RATIO * max(info.compress_size, 1) + 1_000_000:
                        raise UnreadableFile(messages["bomb"])
                    if scan and b"<f" in chunk:
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
    if "xl/workbook.xml" not in kept:
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


def open_xlsx(data: bytes, messages) -> Workbook:
    if data[:8] == _CFB_MAGIC:
        raise UnreadableFile(
            messages["password"] if _ENCRYPTED in data[:65536] or _ENCRYPTED in data else messages["old_xls"]
        )
    if data[:4] != b"PK\x03\x04":
        raise UnreadableFile(messages["not_excel"])
    kept, formulas_by_part = _inflate_checked(data, messages)
    parts = _sheet_parts(kept)
    formulas = {parts.get(part, part): cells for part, cells in formulas_by_part.items()}
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

    return Workbook(list(book.sheet_names), rows, formulas)


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
    if filename.lower().endswith(".csv"):
        return open_csv(data, messages, filename.rsplit("/", 1)[-1])
    return open_xlsx(data, messages)
