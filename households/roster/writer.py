"""Bulk writes of an import, inside the caller's transaction.

PostgreSQL: COPY into a staging table, then one INSERT … ON CONFLICT (survey_year, code) DO UPDATE; members
of the written households replaced by COPY; history rows by COPY (signals do not fire on bulk writes, so the
import writes simple-history's rows itself, with the import named as the reason). Other databases (SQLite):
Django's bulk_create with update_conflicts, same result.
"""

import json
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from povertyplan import bulk

from ..models import Household, Member

HOUSEHOLD_FIELDS = (
    "unit_id",
    "survey_year",
    "code",
    "head_name",
    "ethnicity",
    "area_type",
    "income_per_capita",
    "member_count",
    "house_class",
    "nondurable_structures",
    "floor_area_m2",
    "water_source",
    "latrine",
    "has_tv",
    "has_radio",
    "has_computer",
    "has_smartphone",
    "loudspeaker_audible",
    "waste_disposal",
    "reported_deprivations",
    "standard_id",
    "classification",
    "deprivations",
    "deprivation_count",
    "low_income_worker",
    "classification_rule",
    "not_surveyed",
    "incomplete",
    "deprivation_mask",
    "insured_members",
    "working_age_members",
    "trained_workers",
    "vocational_workers",
    "has_steady_worker",
)
DERIVED_FIELDS = HOUSEHOLD_FIELDS[HOUSEHOLD_FIELDS.index("classification") :]
MEMBER_FIELDS = (
    "full_name",
    "age",
    "sex",
    "education",
    "in_school",
    "on_track",
    "health_insurance",
    "employment",
    "able_to_work",
    "disabled",
    "social_allowance",
    "malnourished",
    "sick_untreated",
    "uses_phone",
    "uses_internet",
    "job_training_certificate",
)
_REPORTED = HOUSEHOLD_FIELDS.index("reported_deprivations")
_JSON = (_REPORTED, HOUSEHOLD_FIELDS.index("deprivations"), HOUSEHOLD_FIELDS.index("not_surveyed"))
_STORED = (*HOUSEHOLD_FIELDS, "roster_fingerprint")
History = Household.history.model
_CHUNK = 5000  # (SQLite allows at most 32.766 parameters)


def stored_households(keys) -> dict:
    """(survey_year, code) → {"id", "path", "row" (HOUSEHOLD_FIELDS order), "members"} for those already stored.

    Plain SQL: the ORM's per-row and per-parameter work cost more than the queries themselves. The JSON columns
    come as text, each distinct text decoded once (a province has a few hundred combinations of deprivations)."""
    found, id_to_key, decoded = {}, {}, {None: None}
    columns = ", ".join(f"CAST(h.{f} AS TEXT)" if i in _JSON else f"h.{f}" for i, f in enumerate(HOUSEHOLD_FIELDS))
    floor_area = HOUSEHOLD_FIELDS.index("floor_area_m2")
    select = (
        f"SELECT h.id, u.path, {columns} FROM households_household h JOIN areas_unit u ON u.id = h.unit_id "
        "WHERE h.survey_year = %s AND h.code {codes}"
    )
    for pk, path, *row in _by_key(select, keys):
        for position in _JSON:
            text = row[position]
            if text not in decoded:
                decoded[text] = json.loads(text)
            row[position] = decoded[text]
        if row[_REPORTED] is not None:  # a set of names, in whatever order it was saved: compared sorted
            row[_REPORTED] = sorted(row[_REPORTED])
        if isinstance(row[floor_area], float | int):  # SQLite keeps decimals as floats
            row[floor_area] = Decimal(f"{row[floor_area]:.1f}")
        key = (row[1], row[2])
        found[key] = {"id": pk, "path": path, "row": tuple(row), "members": []}
        id_to_key[pk] = key
    ids = sorted(id_to_key)
    # (SQLite returns its booleans as 0 and 1, which compare equal to False and True.)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            cursor.execute(
                f"SELECT household_id, {', '.join(MEMBER_FIELDS)} FROM households_member "
                f"WHERE household_id {_in(chunk)} ORDER BY household_id, id",
                _in_params(chunk),
            )
            for member in cursor.fetchall():
                found[id_to_key[member[0]]]["members"].append(member[1:])
    for value in found.values():
        value["members"] = tuple(value["members"])
    return found


def stored_keys(keys) -> dict:
    """(survey_year, code) → (roster fingerprint, standard id) of those households already stored."""
    select = (
        "SELECT survey_year, code, roster_fingerprint, standard_id FROM households_household "
        "WHERE survey_year = %s AND code {codes}"
    )
    return {(year, code): (fingerprint, standard_id) for year, code, fingerprint, standard_id in _by_key(select, keys)}


def _by_key(select: str, keys):
    """The rows `select` finds for the (survey_year, code) keys, asked a year and a few thousand codes at a time
    (`select` takes the year as its parameter and has {codes} where the codes' condition goes)."""
    by_year = {}
    for survey_year, code in keys:
        by_year.setdefault(survey_year, []).append(code)
    with connection.cursor() as cursor:
        for survey_year, codes in by_year.items():
            for start in range(0, len(codes), _CHUNK):
                chunk = codes[start : start + _CHUNK]
                cursor.execute(select.format(codes=_in(chunk)), [survey_year, *_in_params(chunk)])
                yield from cursor.fetchall()


def _in(values) -> str:
    """IN for a few thousand values: one array parameter on PostgreSQL (a list of thousands of literals costs
    the server more to parse than to look up), placeholders elsewhere."""
    return "= ANY(%s)" if connection.vendor == "postgresql" else f"IN ({', '.join(['%s'] * len(values))})"


def _in_params(values) -> list:
    return [list(values)] if connection.vendor == "postgresql" else list(values)


def write(
    rows: dict, members: dict, new_keys: set, changed_ids: list, fingerprints: dict, reason: str, user_id=None
) -> None:
    """rows and members by (survey_year, code); fingerprints: what each household was written from."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        _write_postgres(rows, members, fingerprints, new_keys, changed_ids, reason, user_id, now)
    else:
        stored = {key: (*row, fingerprints[key]) for key, row in rows.items()}  # in _STORED order
        _write_orm(rows, stored, members, new_keys, changed_ids, reason, user_id, now)


def _write_postgres(rows, members, fingerprints, new_keys, changed_ids, reason, user_id, now):
    """New households go straight in by COPY with ids taken from the table's sequence beforehand; changed ones
    through a staging table and one INSERT … ON CONFLICT DO UPDATE. Each household's fields are formatted once,
    for its row and for its history row."""
    bodies = dict(
        zip(rows, (line[:-1] for line in bulk.encode(Household, HOUSEHOLD_FIELDS, rows.values())), strict=True)
    )
    new = [key for key in rows if key in new_keys]
    changed = [key for key in rows if key not in new_keys]
    stamp = now.isoformat()
    with connection.cursor() as cursor:
        ids = {}
        if new:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('households_household', 'id')) FROM generate_series(1, %s)",
                [len(new)],
            )
            ids = dict(zip(new, (pk for (pk,) in cursor.fetchall()), strict=True))
            bulk.copy_lines(
                Household,
                ("id", *_STORED, "updated_at"),
                (f"{ids[key]},{bodies[key]},{fingerprints[key]},{stamp}\n" for key in new),
            )
        if changed:
            ids.update(_upsert_changed(cursor, [f"{bodies[key]},{fingerprints[key]}\n" for key in changed], now))
            cursor.execute("DELETE FROM households_member WHERE household_id = ANY(%s)", [changed_ids])
        member_columns = ("household_id", *MEMBER_FIELDS)
        bulk.copy_rows(Member, member_columns, ((ids[key], *member) for key in rows for member in members[key]))
        history_columns = ("updated_at", "history_date", "history_change_reason", "history_type", "history_user_id")
        (after_body,) = bulk.encode(History, history_columns[:3], [(stamp, stamp, reason)])
        after_body = after_body[:-1]
        user = "" if user_id is None else str(user_id)
        bulk.copy_lines(
            History,
            ("id", *HOUSEHOLD_FIELDS, *history_columns),
            (f"{ids[key]},{bodies[key]},{after_body},{'+' if key in new_keys else '~'},{user}\n" for key in rows),
        )


def _upsert_changed(cursor, lines, now) -> dict:
    columns = ", ".join(_STORED)
    updates = ", ".join(f"{f} = EXCLUDED.{f}" for f in _STORED if f not in ("survey_year", "code"))
    cursor.execute(
        f"CREATE TEMP TABLE roster_stage ON COMMIT DROP AS SELECT {columns} FROM households_household WITH NO DATA"
    )
    bulk.copy_lines(Household, _STORED, lines, table="roster_stage")
    cursor.execute(
        f"INSERT INTO households_household ({columns}, updated_at) SELECT {columns}, %s FROM roster_stage "
        f"ON CONFLICT (survey_year, code) DO UPDATE SET {updates}, updated_at = EXCLUDED.updated_at "
        "RETURNING id, survey_year, code",
        [now],
    )
    ids = {(year, code): pk for pk, year, code in cursor.fetchall()}
    cursor.execute("DROP TABLE roster_stage")
    return ids


def _write_orm(rows, stored, members, new_keys, changed_ids, reason, user_id, now):
    def households(new):
        return [
            Household(**dict(zip(_STORED, row, strict=True)), updated_at=now)
            for key, row in stored.items()
            if (key in new_keys) == new
        ]

    Household.objects.bulk_create(households(new=True), batch_size=500)  # as on PostgreSQL: a plain insert
    Household.objects.bulk_create(
        households(new=False),
        batch_size=500,
        update_conflicts=True,
        unique_fields=["survey_year", "code"],
        update_fields=[f.removesuffix("_id") for f in _STORED if f not in ("survey_year", "code")] + ["updated_at"],
    )
    ids = {}
    by_year = {}
    for survey_year, code in rows:
        by_year.setdefault(survey_year, []).append(code)
    for survey_year, codes in by_year.items():
        for start in range(0, len(codes), 500):
            ids.update(
                {
                    (survey_year, code): pk
                    for pk, code in Household.objects.filter(
                        survey_year=survey_year, code__in=codes[start : start + 500]
                    ).values_list("id", "code")
                }
            )
    for start in range(0, len(changed_ids), 500):
        Member.objects.filter(household_id__in=changed_ids[start : start + 500])._raw_delete(Member.objects.db)
    Member.objects.bulk_create(
        [
            Member(household_id=ids[key], **dict(zip(MEMBER_FIELDS, member, strict=True)))
            for key in rows
            for member in members[key]
        ],
        batch_size=500,
    )
    historical = Household.history.model
    historical.objects.bulk_create(
        [
            historical(
                id=ids[key],
                **dict(zip(HOUSEHOLD_FIELDS, row, strict=True)),
                updated_at=now,
                history_date=now,
                history_change_reason=reason,
                history_type="+" if key in new_keys else "~",
                history_user_id=user_id,
            )
            for key, row in rows.items()
        ],
        batch_size=500,
    )
