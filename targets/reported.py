"""Reads and writes of the reported-values grid: one area, one year, the reported indicators of the plans
in force as rows and the months (or quarters) as columns. Saving replaces the area's cells and queues a recompute."""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from households.services import EditConflict
from povertyplan import display

from .engine import PERCENT, indicator_value
from .models import ComputedValue, Indicator, Plan, ReportedValue, Scope
from .services import schedule_recompute

MONTHS = list(range(1, 13))
YEAR = 0  # the column of a figure reported for the whole year (month empty)


@dataclass(frozen=True)
class Column:
    """A column of the grid: the months it shows, summed, and the month a figure typed into it is stored in.
    Values are stored by month (or for the whole year) only; a quarter is its three months, so the recompute,
    which adds every value of the year, reads a quarter exactly as its months."""

    key: str  # in the form's field names: "3" (March), "q1", "0" (the whole year)
    months: tuple[int, ...]

    @property
    def stored_month(self) -> int:
        return self.months[-1]

    @property
    def label(self) -> str:
        if self.key.startswith("q"):
            return f"{_('Quarter')} {self.key[1:]}"
        return f"{_('Month')} {self.key}" if self.stored_month else str(_("Whole year"))


def grid_columns(by_quarter: bool = False) -> list[Column]:
    periods = (
        [Column(f"q{q}", (3 * q - 2, 3 * q - 1, 3 * q)) for q in range(1, 5)]
        if by_quarter
        else [Column(str(m), (m,)) for m in MONTHS]
    )
    return [*periods, Column(str(YEAR), (YEAR,))]


def grid_indicators(unit, year):
    """The reported indicators of the plans in force in the unit's province that year (all of them if none)."""
    province_code = unit.path.split("/", 1)[0]
    plans = Plan.objects.filter(province__code=province_code, year_start__lte=year, year_end__gte=year)
    ids = set()
    for plan in plans.prefetch_related("targets"):
        for target in plan.targets.all():
            ids.update(i for i in (target.indicator_id, target.share_indicator_id) if i)
    reported = Indicator.objects.filter(kind=Indicator.Kind.REPORTED).order_by("code")
    return list(reported.filter(id__in=ids)) or list(reported)


def grid_version(unit, year) -> str:
    rows = ReportedValue.objects.filter(unit=unit, year=year)
    last = rows.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return f"{rows.count()}:{last.isoformat() if last else ''}"


def grid_rows(unit, year, indicators, columns=None) -> list[dict]:
    """One row per indicator: its cells by column, the total of the year, and the subtree's figure."""
    columns = columns or grid_columns()
    values = {(v.indicator_id, v.month or YEAR): v for v in ReportedValue.objects.filter(unit=unit, year=year)}
    rolled = {
        cv.indicator_id: cv
        for cv in ComputedValue.objects.filter(unit=unit, year=year, scope=Scope.PROVINCE, indicator__in=indicators)
    }
    rows = []
    for indicator in indicators:
        share = indicator.unit == Indicator.Unit.PERCENT
        present = [v for (indicator_id, _month), v in values.items() if indicator_id == indicator.id]
        total, num, den = _summed(present, share)
        subtree = rolled.get(indicator.id)
        subtree_value = None
        if subtree is not None:
            subtree_value = indicator_value(subtree.numerator, subtree.denominator, indicator.unit)
        rows.append(
            {
                "indicator": indicator,
                "share": share,
                "cells": [(column, _cell(values, indicator.id, column, share)) for column in columns],
                "total": total,
                "numerator": num if share else None,
                "denominator": den if share else None,
                "subtree": subtree_value,
            }
        )
    return rows


def _summed(present, share):
    """(value, numerator, denominator) of several reported values together: shares add their numerators and
    denominators, as the recompute does."""
    if not present:
        return None, Decimal(0), Decimal(0)
    if share:
        num = sum((c.numerator or 0 for c in present), Decimal(0))
        den = sum((c.denominator or 0 for c in present), Decimal(0))
        return indicator_value(num, den, PERCENT), num, den
    return sum((c.value for c in present), Decimal(0)), None, None


def _cell(values, indicator_id, column, share):
    """A column's reported value. A quarter is the sum of its months: editable (stored in its last month) while
    nothing lies in its other months, read-only (`split`) once its months were entered one by one."""
    found = [values[(indicator_id, m)] for m in column.months if (indicator_id, m) in values]
    if all(v.month == (column.stored_month or None) for v in found):
        return found[0] if found else None
    value, num, den = _summed(found, share)
    return SimpleNamespace(value=value, numerator=num, denominator=den, split=True)


def assert_reported_writable(unit, year) -> None:
    """The one check before a reported value of `unit` and `year` is written: a ValidationError when the unit
    takes no data that year (two tiers), DataLocked (a ValidationError naming who approved and when) when the
    period is submitted or approved."""
    from approvals.services import assert_reported_open

    if refusal := unit.entry_refusal(year):
        raise ValidationError(refusal)
    assert_reported_open(unit, year)


class ReportedWrites:
    """The one way reported values are written, by the grid, the admin and the import: each period checked
    (assert_reported_writable) before its first write, each row validated by ReportedValue.clean, and one
    recompute queued per unit and year touched, after the commit. Use it inside the caller's transaction."""

    def __init__(self):
        self._checked, self._touched = set(), set()

    def check(self, unit, year) -> None:
        if (unit.pk, year) not in self._checked:
            assert_reported_writable(unit, year)
            self._checked.add((unit.pk, year))

    def _check_row(self, row) -> None:
        if (row.unit_id, row.year) not in self._checked:  # row.unit is read (a query) only when not checked
            self.check(row.unit, row.year)

    def save(self, row: ReportedValue, **save_kwargs) -> ReportedValue:
        self._check_row(row)
        row.full_clean()
        row.save(**save_kwargs)
        self._changed(row)
        return row

    def delete(self, row: ReportedValue) -> None:
        self._check_row(row)
        row.delete()
        self._changed(row)

    def _changed(self, row) -> None:
        if (row.unit_id, row.year) not in self._touched:
            self._touched.add((row.unit_id, row.year))
            schedule_recompute(row.unit_id, row.year)


@transaction.atomic
def reported_grid_save(unit, year, cells: dict, expected_version: str | None = None) -> int:
    """cells: {(indicator, month or YEAR): (value, numerator, denominator) or None to clear}. Refuses, with
    EditConflict, a save based on a grid someone else changed since it was loaded, and with DataLocked (a
    ValidationError naming who approved and when) a save into a submitted or approved period. Returns cells
    changed."""
    writes = ReportedWrites()
    writes.check(unit, year)
    existing = {
        (v.indicator_id, v.month or YEAR): v
        for v in ReportedValue.objects.select_for_update().filter(unit=unit, year=year)
    }
    if expected_version is not None and grid_version(unit, year) != expected_version:
        last = (
            ReportedValue.history.filter(unit_id=unit.pk, year=year)
            .select_related("history_user")
            .order_by("-history_date")
            .first()
        )
        raise EditConflict(last.history_user if last else None, last.history_date if last else None)
    changed = 0
    for (indicator, column), figures in cells.items():
        current = existing.get((indicator.id, column))
        if figures is None:
            if current is not None:
                writes.delete(current)
                changed += 1
            continue
        value, numerator, denominator = figures
        if current is not None and (current.value, current.numerator, current.denominator) == figures:
            continue
        row = current or ReportedValue(indicator=indicator, unit=unit, year=year, month=column or None)
        row.value, row.numerator, row.denominator = value, numerator, denominator
        writes.save(row)
        changed += 1
    return changed


HISTORY_FIELDS = ("value", "numerator", "denominator", "note")


def _shown(name, value, share) -> str:
    if name == "note":
        return value or display.EMPTY
    return display.percent(value) if share and name == "value" else display.number(value)


def _field(record, name):
    value = getattr(record, name) if record is not None else None
    return None if value == "" else value


def period_label(month) -> str:
    return f"{_('Month')} {month}" if month else str(_("Whole year"))


def reported_history(unit, year, limit: int = 50) -> tuple[list[dict], int]:
    """Who changed which reported value of the area and year, when, and from what to what, field by field:
    the newest `limit` changes, and how many there are in all."""
    from approvals.services import person_name

    records = ReportedValue.history.filter(unit_id=unit.pk, year=year).select_related("history_user", "indicator")
    last, entries = {}, []
    for record in records.order_by("history_date", "history_id"):
        before, last[record.id] = last.get(record.id), record
        share = record.indicator.unit == Indicator.Unit.PERCENT
        old_row, new_row = (record, None) if record.history_type == "-" else (before, record)
        pairs = [(name, _field(old_row, name), _field(new_row, name)) for name in HISTORY_FIELDS]
        changes = [
            {
                "field": ReportedValue._meta.get_field(name).verbose_name,
                "old": _shown(name, old, share),
                "new": _shown(name, new, share),
            }
            for name, old, new in pairs
            if old != new
        ]
        if changes:
            entries.append(
                {
                    "when": record.history_date,
                    "type": record.history_type,
                    "who": person_name(record.history_user) if record.history_user else _("system"),
                    "indicator": record.indicator.display_name,
                    "period": period_label(record.month),
                    "reason": record.history_change_reason or "",
                    "changes": changes,
                }
            )
    entries.reverse()
    return entries[:limit], len(entries)
