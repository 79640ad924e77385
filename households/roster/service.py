"""roster_import(): the one service behind the admin's import page, its Celery task and `import_roster`.

read (calamine, checked zip) → map cells to the JSON form (located problems) → the pure validator and
classifier (households.standards) → compare with the stored records → one transaction of bulk writes →
one recompute announcement for the touched provinces and years. Nothing is written while any problem stands.
"""

import gc
import operator
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from areas.models import Unit, area_types, in_force
from areas.selectors import EVERYWHERE, user_area_path
from povertyplan.bulk import analyze

from ..models import Household, Member, PovertyStandard
from ..services import derived_values
from ..signals import announce_change
from ..standards import RecordError, classify, parse_household
from ..standards.records import standard_of_year
from . import writer
from .forked import in_two_halves
from .layouts import RosterParser
from .reader import UnreadableFile, open_roster
from .sheets import Problem, column_name

MAX_PROBLEMS_KEPT = 10_000
# Below these sizes a forked process costs more than it saves (and small imports and tests stay in one process).
PARALLEL_FROM = 2_000  # households
PARALLEL_FROM_BYTES = 600_000  # of .xlsx: about 2.000 households with their members
STORED_INT_MAX = 2_147_483_647
HOUSEHOLD_FIELDS = writer.HOUSEHOLD_FIELDS
MEMBER_FIELDS = writer.MEMBER_FIELDS
_engine_member_values = operator.attrgetter(*MEMBER_FIELDS[1:])  # all but full_name


def max_upload_bytes() -> int:
    from django.conf import settings

    from .reader import MAX_UPLOAD_BYTES

    return getattr(settings, "ROSTER_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)


def unreadable_messages() -> dict:
    return {
        "too_big": _("The file is larger than %(mb)s MB: split it.") % {"mb": max_upload_bytes() // 1024 // 1024},
        "empty": _("The file is empty."),
        "not_excel": _(
            "This is not a spreadsheet (.xlsx, .xls or .ods), although it may be named so. Save it from Excel or "
            "LibreOffice Calc as .xlsx, .xls or .ods, or as CSV UTF-8."
        ),
        "mislabelled": _(
            "This file is %(kind)s although its name ends in %(named)s: rename it to end in %(right)s and retry."
        ),
        "xlsx": _("an Excel workbook (.xlsx)"),
        "xls": _("an Excel 97–2003 workbook (.xls)"),
        "ods": _("an OpenDocument spreadsheet (.ods)"),
        "corrupt": _("The workbook is damaged or incomplete (truncated?): open it in Excel, save it again and retry."),
        "password": _(
            "The workbook is protected by a password: remove the password in Excel (File → Info → "
            "Protect Workbook) and retry."
        ),
        "bomb": _(
            "The workbook inflates to far more data than its size suggests; it was refused for safety. "
            "Save it again from Excel, without empty formatted areas, and retry."
        ),
        "encoding": _("The CSV file is not in UTF-8: save it as “CSV UTF-8”."),
        "not_csv": _("This is not a CSV text file."),
    }


@dataclass
class ImportResult:
    filename: str = ""
    layout: str | None = None
    households: int = 0
    members: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    classification_changes: Counter = field(default_factory=Counter)  # (old, new) → households
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    written: bool = False
    dry_run: bool = False
    years: list[int] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    written_at: str = ""  # ISO time of the history rows written: which households this import wrote

    @property
    def ok(self) -> bool:
        return not self.problem_count

    def summary_lines(self) -> list[str]:
        from households.models import Classification

        names = dict(Classification.choices)
        lines = [
            _("%(households)s households, %(members)s members read (%(layout)s).")
            % {"households": _n(self.households), "members": _n(self.members), "layout": self.layout_name()}
        ]
        if self.problem_count:
            lines.append(_("%(n)s errors: nothing was written.") % {"n": _n(self.problem_count)})
            return lines
        lines.append(
            _("New: %(new)s · changed: %(changed)s · unchanged: %(unchanged)s.")
            % {"new": _n(self.new), "changed": _n(self.changed), "unchanged": _n(self.unchanged)}
        )
        for (old, new), count in sorted(self.classification_changes.items(), key=lambda kv: -kv[1]):
            lines.append(
                _("%(n)s from %(old)s to %(new)s")
                % {"n": _n(count), "old": names.get(old, old), "new": names.get(new, new)}
            )
        if self.written:
            lines.append(_("Imported."))
        elif not (self.new or self.changed):
            lines.append(_("Nothing to write: every household is already recorded as in the file."))
        elif self.dry_run:
            lines.append(_("Checked only (dry run): nothing was written."))
        return lines

    def layout_name(self) -> str:
        return {
            "two_sheets": _("two sheets: households and members"),
            "member_rows": _("one sheet, a row per member"),
            "answers": _("one row per household with the deprivations ticked"),
        }.get(self.layout, "—")

    def as_dict(self) -> dict:
        return {
            "filename": self.filename,
            "layout": self.layout,
            "households": self.households,
            "members": self.members,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "classification_changes": [[o, n, c] for (o, n), c in self.classification_changes.items()],
            "problem_count": self.problem_count,
            "written": self.written,
            "dry_run": self.dry_run,
            "years": self.years,
            "seconds": self.seconds,
            "written_at": self.written_at,
            "summary": self.summary_lines(),
        }


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _engine_standards():
    standards = list(PovertyStandard.objects.all())
    return {s.code: s.to_engine() for s in standards}, {s.code: s.pk for s in standards}


def _units_by_code_and_year(entries) -> dict:
    """(unit code, review year) → the unit of that code in force that year, with its urban / rural type that year
    (codes are reused across the 2025 reform: the year tells which unit a code names). A code naming no unit in force
    that year, or at a level that takes no data that year (a district from 2025), is left out: the second result
    gives why, by (code, year), for the codes known."""
    wanted = {e.unit_key for e in entries if e.unit_code}
    found, years = {}, {year for _code, year in wanted}
    for chunk in _chunks(sorted({code for code, _year in wanted}), 5000):
        for unit in Unit.objects.filter(code__in=chunk).values(
            "id", "code", "name", "path", "area_type", "valid_from", "valid_to", "level"
        ):
            found.setdefault(unit["code"], []).append(unit)
    types = area_types({u["id"]: u["area_type"] for same_code in found.values() for u in same_code}, years)
    units, refused = {}, {}
    for code, year in wanted:
        if code not in found:
            continue
        unit = next((u for u in found[code] if in_force(u["valid_from"], u["valid_to"], year)), found[code][-1])
        fields = ("name", "level", "valid_from", "valid_to")
        if refusal := Unit(**{key: unit[key] for key in fields}).entry_refusal(year):
            refused[code, year] = refusal
        else:
            units[code, year] = {**unit, "area_type": types[unit["id"], year]}
    return units, refused


def _unit_problems(entry, unit, area_prefix, refused=None) -> list[Problem]:
    """Every per-row check on the household's unit lives here (unknown code, no unit of that code in force in the
    review year, outside the user's area)."""
    if entry.unit_code is None:
        message = _("the unit code is required")
    elif unit is None and entry.unit_key in (refused or {}):
        message = refused[entry.unit_key]
    elif unit is None:
        message = _("unknown unit code %(code)s") % {"code": entry.unit_code}
    elif area_prefix != EVERYWHERE and not unit["path"].startswith(area_prefix):
        message = _("unit %(code)s (%(name)s) is outside your area") % {"code": unit["code"], "name": unit["name"]}
    else:
        return []
    return [Problem(entry.sheet, entry.row, entry.headers.get("unit", column_name("unit")), message)]


def roster_import(
    data: bytes,
    filename: str,
    *,
    user=None,
    year: int | None = None,
    dry_run: bool = False,
    progress=None,
    reason: str = "",
) -> ImportResult:
    """Validate the whole file, then (unless dry_run or any problem) write it in one transaction.

    `user`: None means a system import (the command run by an administrator): every area. Raises
    UnreadableFile when the file cannot be read at all.
    """
    # Without this, the millions of small dicts and tuples a roster becomes set off the cyclic garbage collector
    # again and again, each pass walking the whole heap (and in a forked child copying each page it touches):
    # a third of the time of a 100.000-household import. An import makes no reference cycles to collect.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(data, filename, user, year, dry_run, progress, reason)
    finally:
        if collecting:
            gc.enable()


def _import(data, filename, user, year, dry_run, progress, reason) -> ImportResult:
    """read → validate → compare → write, each step timed in result.seconds; the first step that finds a problem
    ends the import (nothing is written)."""
    progress = progress or (lambda percent, stage: None)
    result = ImportResult(filename=filename, dry_run=dry_run)
    clock = time.perf_counter()
    progress(2, "reading")
    read = _read(data, filename, year, result)
    result.seconds["read"] = round(time.perf_counter() - clock, 2)

    progress(40, "validating")
    clock = time.perf_counter()
    area_prefix = EVERYWHERE if user is None else user_area_path(user)
    if area_prefix is None:
        raise PermissionError("no area")
    checked = _validate(read, area_prefix, result)
    result.seconds["validate"] = round(time.perf_counter() - clock, 2)

    progress(60, "comparing")
    clock = time.perf_counter()
    plan = _compare(read, checked, area_prefix, result)
    if read.problems:
        return _failed(result, read.problems, progress)
    result.unchanged = len(plan.same)
    result.new = len(plan.new_keys)
    result.changed = len(plan.to_write) - result.new
    result.seconds["compare"] = round(time.perf_counter() - clock, 2)
    if dry_run or not plan.to_write:
        progress(100, "done")
        return result

    progress(70, "writing")
    clock = time.perf_counter()
    reason = (reason or _("roster import: %(file)s") % {"file": filename})[:100]
    if problems := _write(plan, checked, reason, user, result):
        return _failed(result, problems, progress)
    result.seconds["write"] = round(time.perf_counter() - clock, 2)
    progress(100, "done")
    return result


def _failed(result: ImportResult, problems: list[Problem], progress) -> ImportResult:
    result.problem_count = len(problems)
    result.problems = sorted(problems[:MAX_PROBLEMS_KEPT], key=_problem_order)
    progress(100, "failed")
    return result


@dataclass
class _Read:
    """What the file says: its households (entries) and the problems of its cells, with the standards they are
    classified by and what is stored of them ((survey_year, code) → (roster fingerprint, standard id))."""

    parser: RosterParser
    entries: list
    problems: list[Problem]
    standards: dict
    standard_ids: dict
    stored: dict


def _read(data, filename, year, result: ImportResult) -> _Read:
    """Read the file's cells into households in their JSON form; meanwhile look up which of them are stored."""
    workbook = open_roster(data, filename, unreadable_messages())
    standards, standard_ids = _engine_standards()
    legal_names = {s.code: s.legal_name for s in PovertyStandard.objects.all()}

    def indicators_for_year(survey_year):
        """(the name of the year's standard, its indicators), or None when no standard covers the year."""
        standard = standard_of_year(standards.values(), survey_year)
        return (legal_names.get(standard.code, standard.code), set(standard.indicator_rules)) if standard else None

    stored = {}

    def look_up_stored(entries):
        stored.update(writer.stored_keys([e.key for e in entries]))

    parser = RosterParser(year, indicators_for_year, fork=len(data) >= PARALLEL_FROM_BYTES, meanwhile=look_up_stored)
    parser.parse(workbook)
    entries = parser.entries
    result.layout = parser.layout
    result.households = len(entries)
    result.members = sum(len(e.data.get("members", ())) + len(e.member_cells) for e in entries)
    return _Read(parser, entries, parser.problems, standards, standard_ids, stored)


@dataclass
class _Checked:
    """The households validated and classified: their stored rows and member rows by (survey_year, code), with
    the fingerprint of the cells each comes from; those the file left unchanged since the import that wrote them;
    the units by (code, year)."""

    units: dict
    unchanged: dict
    rows: dict = field(default_factory=dict)
    members_by_key: dict = field(default_factory=dict)
    fingerprints: dict = field(default_factory=dict)


def _validate(read: _Read, area_prefix: str, result: ImportResult) -> _Checked:
    """Each household not unchanged since its last import is completed, checked against its unit and the
    importing user's area, validated and classified (in two processes for large files); problems are added to
    read.problems."""
    entries, problems = read.entries, read.problems
    units, refused = _units_by_code_and_year(entries)
    taken = {(p.sheet, p.row, p.column) for p in problems}
    checked = _Checked(units, _unchanged(entries, units, read.stored, read.standards, read.standard_ids))
    for entry in checked.unchanged.values():
        problems += _unit_problems(entry, units[entry.unit_key], area_prefix)

    def check(entry):
        unit = units.get(entry.unit_key)
        return _check(read.parser, entry, unit, area_prefix, refused, taken, read.standards, read.standard_ids)

    to_check = [e for e in entries if e.key not in checked.unchanged]
    for found, classified in in_two_halves(check, to_check, fork=len(to_check) >= PARALLEL_FROM):
        problems.extend(found)
        if classified is None or len(problems) > MAX_PROBLEMS_KEPT:
            continue
        key, row, member_rows, later, checked.fingerprints[key] = classified
        problems.extend(later)
        checked.rows[key] = row
        checked.members_by_key[key] = member_rows
    result.years = sorted({y for y, _c in checked.rows})
    return checked


@dataclass
class _Plan:
    """What the write would do: the rows to write by (survey_year, code), which of them are new, those that say
    what is stored, the stored households they replace, and where each household stands in the file (sheet, row, headers)."""

    to_write: dict
    new_keys: set
    same: set
    existing: dict
    located: dict


def _compare(read: _Read, checked: _Checked, area_prefix: str, result: ImportResult) -> _Plan:
    """Compare the classified rows with the stored households: what is new, changed or the same; a stored household
    outside the user's area, one in (or moved out of) a locked unit are problems, added to read.problems."""
    entries, problems, units, rows = read.entries, read.problems, checked.units, checked.rows
    # From here on only where each household stands in the file is needed: the rows as read (their JSON form,
    # a third of the peak memory) are let go before the stored households are read back.
    located = {e.key: (e.sheet, e.row, e.headers) for e in entries}
    paths = {e.key: units[e.unit_key]["path"] for e in entries if e.unit_key in units}
    entries.clear()
    existing = writer.stored_households([key for key in rows if key in read.stored])
    outside = []
    to_write, new_keys, same = {}, set(), set(checked.unchanged)
    for key, row in rows.items():
        old = existing.get(key)
        if old is None:
            new_keys.add(key)
            to_write[key] = row
            continue
        if area_prefix != EVERYWHERE and not old["path"].startswith(area_prefix):
            outside.append(key)
            continue
        if _says_what_is_stored(old, row, checked.members_by_key[key]):
            same.add(key)
            continue
        to_write[key] = row
        old_class = old["row"][HOUSEHOLD_FIELDS.index("classification")]
        new_class = row[HOUSEHOLD_FIELDS.index("classification")]
        if old_class != new_class:
            result.classification_changes[(old_class, new_class)] += 1
    # Only what the file would write meets a lock: a row that says what is stored changes nothing.
    _lock_problems({key: path for key, path in paths.items() if key not in same}, located, problems)
    moved = [k for k in to_write if k not in new_keys and existing[k]["path"] != paths.get(k)]
    _moved_out_of_locked_units(located, existing, moved, problems)
    for survey_year, code in outside:
        sheet, row_number, headers = located[(survey_year, code)]
        problems.append(
            Problem(
                sheet,
                row_number,
                headers.get("code", column_name("code")),
                _("household %(code)s of %(year)s is already recorded in a unit outside your area")
                % {"code": code, "year": survey_year},
            )
        )
    return _Plan(to_write, new_keys, same, existing, located)


def _write(plan: _Plan, checked: _Checked, reason: str, user, result: ImportResult) -> list[Problem]:
    """Write the plan in one transaction, unless a unit was locked meanwhile or another import recorded some of
    the households since they were compared: then the problems, and nothing is written."""
    to_write, new_keys, existing = plan.to_write, plan.new_keys, plan.existing
    changed_ids = [existing[k]["id"] for k in to_write if k not in new_keys]
    try:
        with transaction.atomic():
            if late := _locked_meanwhile(to_write, existing, plan.located, checked.units):
                raise _LockedMeanwhile(late)
            written_at = writer.write(
                to_write,
                checked.members_by_key,
                new_keys,
                changed_ids,
                checked.fingerprints,
                reason=reason,
                user_id=getattr(user, "pk", None),
            )
            _announce({row[0] for row in to_write.values()}, {k[0] for k in to_write})
    except _LockedMeanwhile as locked:
        return locked.problems
    except IntegrityError:  # another import recorded some of these households since they were compared
        return [
            Problem(
                result.filename,
                None,
                "",
                _(
                    "another import recorded some of these households while this one ran; nothing of this file was "
                    "written: import it again"
                ),
            )
        ]
    result.written, result.written_at = True, written_at.isoformat()
    analyze(Household, Member, Household.history.model, Member.history.model)
    return []


def _unchanged(entries, units, stored, standards, standard_ids) -> dict:
    """(survey_year, code) → entry, of the households the roster import wrote from the very same cells, into the
    same unit, under the standard in force for the year: nothing of them is to be checked or written again.
    `stored`: (survey_year, code) → (roster fingerprint, standard id) of the file's households already stored."""
    candidates = [e for e in entries if e.unit_key in units and stored.get(e.key, ("",))[0]]
    if not candidates:
        return {}
    standard_id_of_year = {}
    for survey_year in {e.data["survey_year"] for e in candidates}:
        standard = standard_of_year(standards.values(), survey_year)
        standard_id_of_year[survey_year] = standard_ids[standard.code] if standard else None
    prints = in_two_halves(
        lambda e: e.fingerprint(units[e.unit_key]), candidates, fork=len(candidates) >= PARALLEL_FROM
    )
    unchanged = {}
    for entry, fingerprint in zip(candidates, prints, strict=True):
        key = entry.key
        if stored[key] == (fingerprint, standard_id_of_year[key[0]]):
            unchanged[key] = entry
    return unchanged


def _check(parser, entry, unit, area_prefix, refused, taken, standards, standard_ids):
    """One household validated and classified: (its problems found before classifying, None when it cannot be
    classified, else (key, stored row, member rows, the problems found while classifying, its fingerprint))."""
    fingerprint = entry.fingerprint(unit) if unit is not None else ""
    found = parser.complete(entry)
    if found:
        taken = taken | {(p.sheet, p.row, p.column) for p in found}
    unit_problems = _unit_problems(entry, unit, area_prefix, refused)
    if unit_problems:
        found += unit_problems
        taken = taken | {entry.where("area_type")}  # the area type would have come from the unit
    if unit is not None and "area_type" not in entry.data:
        entry.data["area_type"] = unit["area_type"]
    try:
        record, standard = parse_household(entry.data, standards)
    except RecordError as error:
        for item in error.errors:
            sheet, row, column = entry.where(item["field"])
            if (sheet, row, column) not in taken:
                found.append(Problem(sheet, row, column, item["message"]))
        return found, None
    if unit is None:
        return found, None
    outcome = classify(record, standard)
    later = []
    for conflict in outcome.conflicts:
        column = entry.headers.get(f"ind:{conflict.indicator}", conflict.indicator)
        later.append(Problem(entry.sheet, entry.row, column, conflict.message()))
    row, member_rows = _stored_row(entry, record, outcome, unit, standard, standard_ids[standard.code], later)
    return found, (entry.key, row, member_rows, later, fingerprint)


def _lock_problems(paths, located, problems):
    """A row the file would write ((survey_year, code) → its unit's path) in a unit whose households of that survey
    year are submitted or approved is an error, saying who approved and when (docs/approval.md); so nothing of the
    file is written."""
    from approvals.models import DataKind
    from approvals.services import lock_message, locked_paths

    by_year = {}
    for key in paths:
        by_year.setdefault(key[0], []).append(key)
    for survey_year, year_keys in by_year.items():
        locks = locked_paths({paths[k] for k in year_keys}, survey_year, DataKind.HOUSEHOLDS)
        for key in year_keys:
            if paths[key] in locks:
                sheet, row_number, headers = located[key]
                problems.append(
                    Problem(
                        sheet,
                        row_number,
                        headers.get("unit", column_name("unit")),
                        lock_message(locks[paths[key]]),
                    )
                )


_OWN_FIELDS = HOUSEHOLD_FIELDS.index("member_count") + 1  # unit … member_count: what a row of answers gives
_REPORTED = HOUSEHOLD_FIELDS.index("reported_deprivations")
_OUTCOME = (HOUSEHOLD_FIELDS.index("classification"), HOUSEHOLD_FIELDS.index("deprivations"))


def _says_what_is_stored(old, row, members) -> bool:
    """The file's household is the stored one. A row of answers (deprivations ticked, no members) over a household
    stored with its members says the same when its own columns, its ticks and the classification they lead to are
    the stored ones (the answers layout exports such a household so): it leaves the members as they are."""
    stored = old["row"]
    if stored == row and old["members"] == members:
        return True
    if members or not old["members"] or row[_REPORTED] is None:
        return False
    ticks = stored[_REPORTED] if stored[_REPORTED] is not None else stored[_OUTCOME[1]]
    return (
        row[:_OWN_FIELDS] == stored[:_OWN_FIELDS]
        and row[_REPORTED] == sorted(ticks)
        and all(row[i] == stored[i] for i in _OUTCOME)
    )


def _moved_out_of_locked_units(located, existing, keys, problems):
    """A stored household that the file moves out of a submitted or approved unit is an error too."""
    from approvals.models import DataKind
    from approvals.services import lock_message, locked_paths

    by_year = {}
    for key in keys:
        by_year.setdefault(key[0], []).append(key)
    for survey_year, year_keys in by_year.items():
        locks = locked_paths({existing[k]["path"] for k in year_keys}, survey_year, DataKind.HOUSEHOLDS)
        for key in year_keys:
            if existing[key]["path"] in locks:
                sheet, row_number, headers = located[key]
                problems.append(
                    Problem(
                        sheet,
                        row_number,
                        headers.get("code", column_name("code")),
                        lock_message(locks[existing[key]["path"]]),
                    )
                )


class _LockedMeanwhile(Exception):
    def __init__(self, problems):
        self.problems = problems


def _locked_meanwhile(to_write, existing, located, units) -> list:
    """In the write's transaction: hold approval steps off for the units and years written, then check the locks
    again, so that data submitted or approved since the file was checked is never written (docs/approval.md)."""
    from approvals.models import DataKind
    from approvals.services import hold_for_write, lock_message, locked_paths

    path_of = {unit["id"]: unit["path"] for unit in units.values()}
    by_year = {}
    for key, row in to_write.items():
        paths = by_year.setdefault(key[0], {})
        paths[key] = [path_of[row[0]]] + ([existing[key]["path"]] if key in existing else [])
    problems = []
    for survey_year, paths in by_year.items():
        every_path = {path for key_paths in paths.values() for path in key_paths}
        hold_for_write(every_path, survey_year, DataKind.HOUSEHOLDS)
        locks = locked_paths(every_path, survey_year, DataKind.HOUSEHOLDS)
        for key, key_paths in paths.items():
            lock = next((locks[path] for path in key_paths if path in locks), None)
            if lock is not None:
                sheet, row_number, headers = located[key]
                problems.append(
                    Problem(sheet, row_number, headers.get("unit", column_name("unit")), lock_message(lock))
                )
    return problems


def _announce(unit_ids, years):
    """One announcement of every unit and year touched, after the commit (households.signals)."""
    announce_change(unit_ids, years)


def _stored_row(entry, record, outcome, unit, standard, standard_id, problems):
    """The household's stored columns (HOUSEHOLD_FIELDS order) and its members' (MEMBER_FIELDS order)."""
    data = entry.data
    dwelling = data.get("dwelling") if record.has_detail else None
    members = record.members if record.has_detail else None
    derived = derived_values(outcome, members, standard, data["survey_year"])
    head_name = data.get("head_name") or ""
    for key, value, limit in (("code", data["code"], 40), ("head_name", head_name, 200)):
        if len(value) > limit:
            problems.append(
                Problem(
                    entry.sheet,
                    entry.row,
                    entry.headers.get(key, key),
                    _("longer than %(n)s characters") % {"n": limit},
                )
            )
    if record.income_per_capita > STORED_INT_MAX:
        problems.append(
            Problem(
                entry.sheet,
                entry.row,
                entry.headers.get("income_per_capita", column_name("income_per_capita")),
                _("the income is absurdly large"),
            )
        )
    floor_area = None
    if dwelling is not None:
        floor_area = Decimal(f"{dwelling['floor_area_m2']:.1f}")
        if floor_area >= 1_000_000:
            problems.append(
                Problem(
                    entry.sheet,
                    entry.row,
                    entry.headers.get("floor_area_m2", column_name("floor_area_m2")),
                    _("the floor area is absurdly large"),
                )
            )
    assets = set(dwelling["assets"]) if dwelling else set()
    answers = sorted(record.answers) if record.answers is not None else None
    row = (
        unit["id"],
        data["survey_year"],
        data["code"],
        head_name,
        data.get("ethnicity") or "kinh",
        record.area_type,
        record.income_per_capita,
        record.member_count,
        dwelling["house_class"] if dwelling else "",
        (dwelling.get("nondurable_structures") or 0) if dwelling else None,
        floor_area,
        dwelling["water_source"] if dwelling else "",
        dwelling["latrine"] if dwelling else "",
        "tv" in assets,
        "radio" in assets,
        "computer" in assets,
        "smartphone" in assets,
        bool(dwelling.get("loudspeaker_audible", False)) if dwelling else False,
        (dwelling.get("waste_disposal") or "") if dwelling else "",
        answers,
        standard_id,
        *(derived[f] for f in writer.DERIVED_FIELDS),
    )
    member_rows = ()
    if members:
        names = [m.get("full_name", "") for m in data["members"]]
        member_rows = tuple((name[:200], *_engine_member_values(m)) for name, m in zip(names, members, strict=True))
    return row, member_rows


def _problem_order(problem):
    return (problem.sheet, problem.row or 0, problem.column)


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = ["ImportResult", "Problem", "UnreadableFile", "roster_import"]
