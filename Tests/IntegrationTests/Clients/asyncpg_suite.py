"""asyncpg client suite: prints one canonical JSON document of results for a DSN (libpq key=value form).

Usage: python3 asyncpg_suite.py DSN
"""
import asyncio
import datetime
import decimal
import json
import sys
import uuid

import asyncpg

from canonical import canon


def parse_dsn(dsn):
    parts = dict(p.split("=", 1) for p in dsn.split())
    return {
        "host": parts["host"],
        "port": int(parts["port"]),
        "user": parts["user"],
        "password": parts.get("password", "").strip("'"),
        "database": parts["dbname"],
        "ssl": False,
    }


TZ = datetime.timezone.utc
ROUND_TRIPS = [
    ("int4", 2147483647),
    ("int8", -(2**63)),
    ("float8", 1.0e-300),
    ("numeric", decimal.Decimal("-0.000000000000000000001")),
    ("text", "héllo ✓ 🐘 \x01"),
    ("bytea", b"\x00\xff" * 1000),
    ("bool", False),
    ("date", datetime.date(1, 1, 1)),
    ("timestamptz", datetime.datetime(2038, 1, 19, 3, 14, 8, 1, tzinfo=TZ)),
    ("interval", datetime.timedelta(days=-1, microseconds=1)),
    ("uuid", uuid.UUID("00000000-0000-0000-0000-000000000001")),
    ("jsonb", '{"k": [1, 2.5, "ü"]}'),
    ("int4[]", [1, None, 3]),
    ("text[]", ["a", "", None, "🐘"]),
]


async def main(dsn):
    result = {}
    conn = await asyncpg.connect(**parse_dsn(dsn))
    try:
        result["round_trips"] = []
        for typ, value in ROUND_TRIPS:
            got = await conn.fetchval(f"SELECT $1::{typ}", value)
            result["round_trips"].append([typ, canon(got), got == value])

        stmt = await conn.prepare("SELECT $1::int + 1 AS n, repeat($2::text, $1::int) AS s")
        result["prepared_types"] = [[a.name, a.type.name] for a in stmt.get_attributes()]
        total = 0
        for i in range(300):
            row = await stmt.fetchrow(i % 7, "ab")
            total += row["n"] + len(row["s"])
        result["prepared_total"] = total
        many = await conn.fetch("SELECT g, g * $1::int AS d FROM generate_series(1, $2::int) g", 3, 1000)
        result["fetch_many"] = [len(many), canon(many[0]), canon(many[-1])]

        await conn.execute("CREATE TEMP TABLE copied (id int, name text, amount numeric, at timestamptz)")
        records = [
            (i, f"name-{i}-ü", decimal.Decimal(i) / 8, datetime.datetime(2020, 1, 1, tzinfo=TZ) + datetime.timedelta(minutes=i))
            for i in range(5000)
        ]
        result["copy"] = await conn.copy_records_to_table("copied", records=records)
        result["copy_check"] = canon(await conn.fetchrow("SELECT count(*), sum(id), sum(amount), max(at) FROM copied"))

        async with conn.transaction():
            await conn.execute("INSERT INTO copied VALUES (-1, 'committed', 0, NULL)")
        try:
            async with conn.transaction():
                await conn.execute("INSERT INTO copied VALUES (-2, 'rolled back', 0, NULL)")
                await conn.execute("SELECT 1 / 0")
        except asyncpg.PostgresError as e:
            result["tx_error"] = e.sqlstate
        result["tx_rows"] = canon(await conn.fetch("SELECT id, name FROM copied WHERE id < 0 ORDER BY id"))
        try:
            await conn.fetchval("SELECT $1::int", "not an int")
        except Exception as e:
            result["bad_param"] = type(e).__name__
        try:
            await conn.execute("SELECT no_such_column FROM copied")
        except asyncpg.PostgresError as e:
            result["undefined_column"] = e.sqlstate
        result["after_errors"] = await conn.fetchval("SELECT count(*) FROM copied")
    finally:
        await conn.close()
    print(json.dumps(result, sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
