"""The reform as data: a succession table (old unit → new unit, as the statistics office publishes it) read into unit
lives and UnitSuccession rows (docs/domain/admin-reform-2025.md).

Every row is checked first (the roster's reader and header matching); any problem is reported with its sheet, row and
column and nothing is written. The writes are one transaction, and a table imported twice changes nothing.

- An old unit is the unit of that code in force the day before the effective date (codes are reused: a new commune
  often takes the code of one it was made from).
- A new unit is placed under the old unit's province at commune level (under the new province when the table also
  merges that province; a province row makes a province). A unit already at that place in the tree is the new unit (a
  province merged into one that continues); a row whose new code is its old code at the same place keeps the unit,
  which then continues.
- An old unit with several new units gives each its share of households (`Tỷ lệ hộ`, percent, adding up to 100); a
  village (`Thôn / ấp`) of the old unit named on a row moved whole to that row's new unit.
- An old unit ceases with the units under it (its villages). A district whose every commune ceased ceases with the
  last of them (the district level was abolished in 2025).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from households.roster.cells import converter
from households.roster.columns import Column, header_index, normalise
from households.roster.reader import open_roster
from households.roster.resources import URBAN_KINDS
from households.roster.service import unreadable_messages
from households.roster.sheets import HEADER_SEARCH_ROWS, Problem

from .models import AreaType, Unit, UnitSuccession, in_force_at

COLUMNS = (
    Column("old_code", "Mã ĐVHC cũ", "Old unit code", "text"),
    Column("old_name", "Tên ĐVHC cũ", "Old unit name", "text"),
    Column("new_code", "Mã ĐVHC mới", "New unit code", "text"),
    Column("new_name", "Tên ĐVHC mới", "New unit name", "text"),
    Column("date", "Ngày hiệu lực", "Effective date", "date"),
    Column("share", "Tỷ lệ hộ", "Share of households", "number", aliases=("Tỷ lệ hộ (%)", "Tỷ lệ")),
    Column("village", "Thôn / ấp", "Village", "text", aliases=("Thôn, ấp, bản", "Thôn / ấp / bản", "Ấp", "Thôn")),
)
REQUIRED = ("old_code", "new_code", "new_name", "date")
_INDEX = header_index(COLUMNS)
_CONVERT = {c.key: converter(c) for c in COLUMNS}
_HUNDRED = Decimal(100)


@dataclass
class Row:
    sheet: str
    number: int
    headers: dict  # key → header text as written
    values: dict

    def problem(self, key: str, message: str) -> Problem:
        column = next(c for c in COLUMNS if c.key == key)
        return Problem(self.sheet, self.number, self.headers.get(key, column.vi), message)


@dataclass
class ChangeResult:
    problems: list = field(default_factory=list)
    rows: int = 0
    units_created: int = 0
    units_ceased: int = 0
    successions_written: int = 0
    successions_removed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any((self.units_created, self.units_ceased, self.successions_written, self.successions_removed))

    def summary_lines(self) -> list[str]:
        if not self.ok:
            return [_("%(n)s errors: nothing was written.") % {"n": len(self.problems)}]
        if not self.changed:
            return [_("%(n)s rows read: the table is already recorded, nothing changed.") % {"n": self.rows}]
        return [
            _(
                "%(n)s rows read: %(created)s units created, %(ceased)s units ceased, %(written)s successions "
                "written, %(removed)s removed."
            )
            % {
                "n": self.rows,
                "created": self.units_created,
                "ceased": self.units_ceased,
                "written": self.successions_written,
                "removed": self.successions_removed,
            }
        ]


def read_rows(workbook, problems) -> list[Row]:
    """The rows of every sheet whose header row (within the first rows) names the old unit's code."""
    rows = []
    for sheet in workbook.sheet_names:
        cells = workbook.rows(sheet)
        columns = None
        for number, row in enumerate(cells, start=1):
            if columns is None:
                found = {}
                for position, cell in enumerate(row):
                    column = _INDEX.get(normalise(cell)) if isinstance(cell, str) else None
                    if column is not None and column.key not in found:
                        found[column.key] = (position, str(cell).strip())
                if "old_code" in found:
                    columns = found
                    missing = [c.vi for c in COLUMNS if c.key in REQUIRED and c.key not in found]
                    if missing:
                        message = _("Missing columns: %(names)s") % {"names": ", ".join(missing)}
                        problems.append(Problem(sheet, number, "", message))
                        break
                elif number >= HEADER_SEARCH_ROWS:
                    break
                continue
            if not any(cell not in ("", None) for cell in row):
                continue
            line = Row(sheet, number, {key: header for key, (_p, header) in columns.items()}, {})
            for key, (position, _header) in columns.items():
                value, error = _CONVERT[key](row[position] if position < len(row) else None)
                if error or (value is None and key in REQUIRED):
                    problems.append(line.problem(key, error or _("this cell is required")))
                line.values[key] = value
            rows.append(line)
    if not rows and not problems:
        problems.append(
            Problem(
                workbook.sheet_names[0] if workbook.sheet_names else "",
                None,
                "",
                _("No row under a header row with the columns %(names)s.")
                % {"names": ", ".join(c.vi for c in COLUMNS if c.key in REQUIRED)},
            )
        )
    return rows


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") + " %"


@dataclass
class _Planned:
    """A new unit at a place in the tree: an existing unit, or one to create."""

    path: str
    code: str
    name: str
    level: str
    parent_path: str | None
    valid_from: date
    unit: Unit | None = None


class _Plan:
    def __init__(self, rows: list[Row], problems: list):
        self.rows, self.problems = rows, problems
        self.old = {}  # row index → old Unit
        self.new = {}  # row index → _Planned
        self.planned = {}  # path → _Planned
        # every unit the table may name, read at once: by code (old and new codes) and the provinces by path
        codes = {row.values[key] for row in rows for key in ("old_code", "new_code")}
        self.by_code = defaultdict(list)
        for unit in Unit.objects.filter(Q(code__in=codes) | Q(parent__isnull=True)).order_by("path"):
            self.by_code[unit.code].append(unit)
        self.by_path = {unit.path: unit for units in self.by_code.values() for unit in units}
        self.ceasing = set()  # ids of the old units whose row names another code: they cease
        self.children = {}  # old unit id → its units by normalised name (the villages a row may name)

    def _old_unit(self, row: Row):
        code, day = row.values["old_code"], row.values["date"]
        units = self.by_code.get(code, ())
        unit = next((u for u in units if in_force_at(u.valid_from, u.valid_to, day - timedelta(days=1))), None)
        if unit is not None:
            return unit
        later = min(
            (u for u in units if u.valid_from and u.valid_from >= day), key=lambda u: u.valid_from, default=None
        )
        if later is not None:
            self.problems.append(
                row.problem(
                    "date",
                    _("%(date)s is not after the day unit %(code)s (%(name)s) began, %(began)s.")
                    % {"date": _day(day), "code": code, "name": later.name, "began": _day(later.valid_from)},
                )
            )
        else:
            self.problems.append(
                row.problem(
                    "old_code",
                    _("No unit with code %(code)s is in force before %(date)s.") % {"code": code, "date": _day(day)},
                )
            )
        return None

    def check(self):
        for index, row in enumerate(self.rows):
            if (unit := self._old_unit(row)) is not None:
                self.old[index] = unit
                if row.values["new_code"] != unit.code:
                    self.ceasing.add(unit.pk)
        self.province_rows = {u.pk: i for i, u in self.old.items() if u.level == Unit.Level.PROVINCE}
        self._check_cycles()
        self._check_dates()
        if self.problems:
            return
        # provinces first: a commune's new province may be made by a province row of the same table
        order = sorted(self.old, key=lambda i: (self.old[i].level != Unit.Level.PROVINCE, i))
        for index in order:
            self._place(index)
        if not self.problems:
            self._check_shares()

    def _check_cycles(self):
        edges = defaultdict(set)
        for row in self.rows:
            old, new = row.values["old_code"], row.values["new_code"]
            if old and new and old != new:
                if self._reaches(edges, new, old, row.values["date"]):
                    self.problems.append(
                        row.problem(
                            "new_code",
                            _("This row closes a cycle: %(new)s already leads back to %(old)s on %(date)s.")
                            % {"new": new, "old": old, "date": _day(row.values["date"])},
                        )
                    )
                edges[old, row.values["date"]].add(new)

    @staticmethod
    def _reaches(edges, start: str, goal: str, day: date) -> bool:
        seen, todo = set(), [start]
        while todo:
            code = todo.pop()
            if code == goal:
                return True
            if code not in seen:
                seen.add(code)
                todo.extend(edges.get((code, day), ()))
        return False

    def _check_dates(self):
        first_date = {}
        for index, unit in self.old.items():
            row = self.rows[index]
            first = first_date.setdefault(unit.pk, row.values["date"])
            if row.values["date"] != first:
                self.problems.append(
                    row.problem(
                        "date",
                        _("Unit %(code)s ceases on %(first)s on an earlier row: one date per old unit.")
                        % {"code": unit.code, "first": _day(first)},
                    )
                )

    def _province_after(self, province: Unit, day: date) -> str:
        """The path of where the old province's communes go: itself, or the province it merged into (in this
        table or before)."""
        index = self.province_rows.get(province.pk)
        if index is not None and index in self.new:
            return self.new[index].path
        if province.valid_to is not None and province.valid_to <= day:
            successor = province.successions.select_related("new").order_by("-share").first()
            if successor is not None:
                return successor.new.path
        return province.path

    def _place(self, index: int):
        row, old = self.rows[index], self.old[index]
        code, name, day = row.values["new_code"], row.values["new_name"], row.values["date"]
        if old.level == Unit.Level.PROVINCE:
            parent_path, level = None, Unit.Level.PROVINCE
        else:
            province = self.by_path[old.path.split("/", 1)[0] + "/"]
            parent_path, level = self._province_after(province, day), Unit.Level.COMMUNE
        path = f"{parent_path or ''}{code}/"
        if path == old.path:
            self.new[index] = _Planned(path, code, name, old.level, parent_path, day, unit=old)  # it continues
            return
        planned = self.planned.get(path)
        if planned is None:
            existing = self.by_path.get(path)
            if existing is not None and not (
                existing.valid_from == day or in_force_at(existing.valid_from, existing.valid_to, day)
            ):
                self.problems.append(
                    row.problem(
                        "new_code",
                        _("Unit %(code)s (%(name)s) at this place in the tree is not in force on %(date)s.")
                        % {"code": code, "name": existing.name, "date": _day(day)},
                    )
                )
                return
            if existing is not None and existing.pk in self.ceasing:
                self.problems.append(
                    row.problem(
                        "new_code",
                        _("Unit %(code)s ceases in this table: it cannot also take other units.") % {"code": code},
                    )
                )
                return
            planned = self.planned[path] = _Planned(path, code, name, level, parent_path, day, unit=existing)
        self.new[index] = planned

    def _check_shares(self):
        by_old = defaultdict(list)
        for index, unit in self.old.items():
            by_old[unit.pk].append(index)
        self.shares, self.villages = {}, {}  # old id → {new path: share}; old id → {village id: new path}
        for old_id, indexes in by_old.items():
            old = self.old[indexes[0]]
            shares, rows_of = {}, defaultdict(list)
            for index in indexes:
                row, target = self.rows[index], self.new[index].path
                rows_of[target].append(index)
                if row.values.get("share") is not None:
                    share = Decimal(str(row.values["share"])).quantize(Decimal("0.01"))
                    if shares.setdefault(target, share) != share:
                        self.problems.append(
                            row.problem("share", _("Another row gives this pair of units another share."))
                        )
                if row.values.get("village"):
                    self._village(old, row, target)
            if len(rows_of) == 1 and not shares:
                shares = {next(iter(rows_of)): _HUNDRED}
            missing = [t for t in rows_of if t not in shares]
            for target in missing:
                row = self.rows[rows_of[target][0]]
                self.problems.append(
                    row.problem(
                        "share",
                        _("Unit %(code)s goes to several new units: give the share of its households on each.")
                        % {"code": old.code},
                    )
                )
            total = sum(shares.values(), Decimal(0))
            if not missing and total != _HUNDRED:
                self.problems.append(
                    self.rows[indexes[-1]].problem(
                        "share",
                        _("The shares of unit %(code)s add up to %(total)s, not 100 %%.")
                        % {"code": old.code, "total": _percent(total)},
                    )
                )
            self.shares[old_id] = shares

    def _village(self, old: Unit, row: Row, target: str):
        wanted = normalise(row.values["village"])
        if old.pk not in self.children:
            self.children[old.pk] = {normalise(v.name): v for v in old.children.all()}
        village = self.children[old.pk].get(wanted)
        if village is None:
            self.problems.append(
                row.problem(
                    "village",
                    _("Unit %(code)s has no village named %(name)s.")
                    % {"code": old.code, "name": row.values["village"]},
                )
            )
            return
        taken = self.villages.setdefault(old.pk, {})
        if taken.setdefault(village.pk, target) != target:
            self.problems.append(row.problem("village", _("This village is sent to two new units.")))


def _area_type(name: str) -> str:
    text = normalise(name)
    return AreaType.URBAN if any(text.startswith(kind + " ") for kind in URBAN_KINDS) else AreaType.RURAL


def _write(plan: _Plan, result: ChangeResult):
    """Old units cease first (a new unit may take the code of one of them), then new units are made, then the
    successions are brought to what the table says; a few queries whatever the table's size, but one per new unit."""
    ceasing = {}
    for index, old in plan.old.items():
        continues = plan.new[index].unit is not None and plan.new[index].unit.pk == old.pk
        if not continues and old.valid_to != plan.rows[index].values["date"]:
            ceasing[old.pk] = (old, plan.rows[index].values["date"])
    for day in {day for _old, day in ceasing.values()}:  # with the units under them (villages): no more entries there
        paths = [old.path for old, on in ceasing.values() if on == day]
        for start in range(0, len(paths), 200):
            under = Q()
            for path in paths[start : start + 200]:
                under |= Q(path__startswith=path)
            result.units_ceased += Unit.objects.filter(under, valid_to__isnull=True).update(valid_to=day)
    for planned in sorted(plan.planned.values(), key=lambda p: p.path.count("/")):
        if planned.unit is None:
            above = planned.parent_path
            parent = (plan.planned[above].unit if above in plan.planned else plan.by_path[above]) if above else None
            planned.unit = Unit(
                code=planned.code,
                name=planned.name,
                level=planned.level,
                parent=parent,
                valid_from=planned.valid_from,
                area_type=_area_type(planned.name),
            )
            planned.unit.full_clean(validate_unique=False)
            planned.unit.save()
            result.units_created += 1
    unit_at = {planned.path: planned.unit for planned in plan.new.values()}
    old_and_day = {old.pk: (old, plan.rows[index].values["date"]) for index, old in plan.old.items()}
    stored = defaultdict(dict)
    for row in UnitSuccession.objects.filter(old_id__in=list(plan.shares)):
        stored[row.old_id][row.new_id, row.village_id] = row
    to_create = []
    for old_id, shares in plan.shares.items():
        old, day = old_and_day[old_id]
        wanted = {
            (unit_at[path].pk, None): share
            for path, share in shares.items()
            if not (unit_at[path].pk == old_id and len(shares) == 1)
        }
        for village_id, path in plan.villages.get(old_id, {}).items():
            wanted[unit_at[path].pk, village_id] = None
        for key, row in stored[old_id].items():
            if key not in wanted:
                row.delete()
                result.successions_removed += 1
        for (new_id, village_id), share in wanted.items():
            row = stored[old_id].get((new_id, village_id))
            if row is None:
                to_create.append(
                    UnitSuccession(old=old, new_id=new_id, village_id=village_id, valid_from=day, share=share)
                )
            elif (row.valid_from, row.share) != (day, share):
                row.valid_from, row.share = day, share
                row.save(update_fields=["valid_from", "share"])
                result.successions_written += 1
    UnitSuccession.objects.bulk_create(to_create, batch_size=1000)
    result.successions_written += len(to_create)
    _cease_emptied_districts({old.parent_id for old, _day in ceasing.values()}, result)


def _cease_emptied_districts(parent_ids, result: ChangeResult):
    for district in Unit.objects.filter(pk__in=parent_ids, level=Unit.Level.DISTRICT, valid_to__isnull=True):
        ends = list(district.children.values_list("valid_to", flat=True))
        if ends and None not in ends:
            Unit.objects.filter(pk=district.pk).update(valid_to=max(ends))
            result.units_ceased += 1


def import_unit_changes(data: bytes, filename: str) -> ChangeResult:
    """Check the whole table, then (when it has no problem) write it in one transaction. Raises UnreadableFile when
    the file cannot be read at all."""
    workbook = open_roster(data, filename, unreadable_messages())
    result = ChangeResult()
    rows = read_rows(workbook, result.problems)
    result.rows = len(rows)
    if result.problems:
        return result
    with transaction.atomic():
        plan = _Plan(rows, result.problems)
        plan.check()
        if result.problems:
            return result
        _write(plan, result)
    return result
