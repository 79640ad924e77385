"""Bulk writes: COPY on PostgreSQL, one executemany on SQLite, with one convention for both.

Rows are sequences in the order of the columns named. None is NULL; a dict or a list is written as JSON (in the
model's JSON columns); booleans, numbers, Decimals, strings and datetimes as the column takes them. On
PostgreSQL rows travel as CSV, where NULL is an unquoted empty field: a column the model declares NOT NULL reads
an empty field as an empty string (no column written in bulk is a text that may be NULL). The raw psycopg2
cursor's errors come out as Django's (OperationalError for a lost connection, IntegrityError …), so a task's
retry and a service's handler catch one kind whatever wrote the rows.
"""

import csv
import functools
import itertools
import json

from django.db import connection

_BATCH = 2000


def copy_rows(model, columns, rows, *, table: str | None = None) -> None:
    """Insert `rows` into the model's table, or into `table` when it is laid out like the model's (a staging
    table). Inside the caller's transaction."""
    table = table or model._meta.db_table
    if connection.vendor == "postgresql":
        copy_lines(model, columns, encode(model, columns, rows), table=table)
        return
    fields = _fields(model, columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
            [_prepared(fields, row) for row in rows],
        )


def analyze(*models) -> None:
    """Refresh the planner's statistics of tables a bulk write has just filled (PostgreSQL), after the commit:
    with autovacuum behind or off, a query over 140.000 fresh history rows took 8,5 s on stale statistics and
    0,16 ms after ANALYZE."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(model._meta.db_table for model in models)}")


def update_rows(model, columns, rows) -> None:
    """Set `columns` of the model's rows: each row is (id, *values). On PostgreSQL through a staging table
    (dropped at commit) and one UPDATE … FROM; elsewhere one executemany."""
    table = model._meta.db_table
    fields = _fields(model, columns)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",
                [(*_prepared(fields, row[1:]), row[0]) for row in rows],
            )
            return
        stage = f"{table}_stage"
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")  # a second update in the same transaction
        definitions = ", ".join(f"{f.column} {f.db_type(connection)}" for f in fields)
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} (id bigint PRIMARY KEY, {definitions}) ON COMMIT DROP")
        copy_rows(model, ["id", *columns], rows, table=stage)
        assignments = ", ".join(f"{column} = s.{column}" for column in columns)
        cursor.execute(f"UPDATE {table} t SET {assignments} FROM {stage} s WHERE t.id = s.id")


def encode(model, columns, rows):
    """Each row as a CSV line ending in a newline, by the convention above (PostgreSQL's COPY reads them)."""
    json_at = [
        i for i, f in enumerate(_fields(model, columns)) if f is not None and f.get_internal_type() == "JSONField"
    ]
    lines, rows = _Lines(), iter(rows)
    writer = csv.writer(lines, lineterminator="\n")
    for batch in iter(lambda: list(itertools.islice(rows, _BATCH)), []):
        if json_at:
            batch = [_with_json(row, json_at) for row in batch]
        writer.writerows(batch)
        yield from lines
        lines.clear()


def copy_lines(model, columns, lines, *, table: str | None = None) -> None:
    """COPY lines made by `encode` (or joined from its parts) into the model's table or a table laid out like it.
    PostgreSQL only: the lines are sent as they are made, so the server takes in one part while Python formats
    the next."""
    fields = _fields(model, columns)
    not_null = [column for column, f in zip(columns, fields, strict=True) if f is not None and not f.null]
    force = f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else ""
    sql = f"COPY {table or model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{force})"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, _Stream(lines))


class _Lines(list):
    write = list.append  # a csv.writer writes each row in one call: a list of lines


class _Stream:
    """A file whose read() hands out the next lines."""

    def __init__(self, lines):
        self._lines = iter(lines)

    def read(self, _size=-1):
        return "".join(itertools.islice(self._lines, _BATCH))


def _fields(model, columns) -> list:
    by_column = {f.column: f for f in model._meta.concrete_fields}
    return [by_column.get(column) for column in columns]


def _with_json(row, positions):
    row = list(row)
    for position in positions:
        value = row[position]
        if isinstance(value, list):
            row[position] = _json_list(tuple(value))
        elif value is not None:
            row[position] = json.dumps(value)
    return row


@functools.lru_cache(maxsize=4096)
def _json_list(items: tuple) -> str:
    """A list of deprivations as JSON: a province has a few hundred distinct ones."""
    return json.dumps(list(items))


def _prepared(fields, row) -> list:
    return [
        v if f is None or v is None else f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)
    ]
