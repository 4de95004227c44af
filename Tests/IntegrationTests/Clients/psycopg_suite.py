"""psycopg 3 client suite: prints one canonical JSON document of results for a DSN.

Usage: python3 psycopg_suite.py DSN
Run it directly against PostgreSQL and through pglens; the outputs must be equal.
"""
import datetime
import decimal
import json
import sys
import threading
import time
import uuid

import psycopg
from psycopg.types.json import Jsonb

from canonical import canon


TZ = datetime.timezone(datetime.timedelta(hours=2))
PARAMS = [
    None,
    42,
    -(2**62),
    3.25,
    decimal.Decimal("12345678901234567890.000000001"),
    "héllo ✓ 🐘 'quoted' \\ back",
    "",
    b"\x00\x01\xff binary\x00",
    True,
    datetime.date(2024, 2, 29),
    datetime.datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=TZ),
    datetime.datetime(1999, 12, 31, 1, 2, 3),
    datetime.timedelta(days=3, seconds=7, microseconds=5),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    Jsonb({"a": [1, 2, {"b": None}], "ü": "ö"}),
    [1, 2, None, 4],
    ["x", "y z", None],
]


def round_trips(conn, binary):
    out = []
    with conn.cursor(binary=binary) as cur:
        for p in PARAMS:
            cur.execute("SELECT v, pg_typeof(v)::text FROM (SELECT %s AS v) s", (p,))
            out.append(canon(list(cur.fetchone())))
    return out


def main(dsn):
    result = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        result["server_version_num"] = conn.execute("SHOW server_version_num").fetchone()[0]
        result["text"] = round_trips(conn, False)
        result["binary"] = round_trips(conn, True)
        with conn.cursor(binary=True) as cur:
            cur.execute(
                "SELECT g, g::text, g * 1.5::numeric, ARRAY[g, g + 1], repeat('x', g)::bytea"
                " FROM generate_series(1, 200) g"
            )
            result["binary_rows"] = canon([list(r) for r in cur.fetchall()])

        conn.execute("CREATE TEMP TABLE items (id int PRIMARY KEY, name text, price numeric)")
        with conn.pipeline():
            curs = [conn.execute("SELECT %s::int * 2", (i,)) for i in range(50)]
        result["pipeline"] = [c.fetchone()[0] for c in curs]

        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO items VALUES (%s, %s, %s)",
                [(i, f"item-{i}-✓", decimal.Decimal(i) / 4) for i in range(1, 101)],
            )
            cur.execute("SELECT count(*), sum(price), min(name), max(name) FROM items")
            result["executemany"] = canon(list(cur.fetchone()))

        for i in range(5):
            cur = conn.execute("SELECT name FROM items WHERE id = %s", (i + 1,), prepare=True)
            result.setdefault("prepared", []).append(cur.fetchone()[0])

        # A transaction that fails, then rolls back.
        conn.autocommit = False
        try:
            conn.execute("INSERT INTO items VALUES (1000, 'doomed', 1)")
            conn.execute("INSERT INTO items VALUES (1, 'duplicate', 1)")
            result["tx_error"] = None
        except psycopg.Error as e:
            result["tx_error"] = e.sqlstate
            result["tx_status_after_error"] = conn.info.transaction_status.name
            conn.rollback()
        result["tx_after_rollback"] = conn.execute("SELECT count(*) FROM items WHERE id = 1000").fetchone()[0]
        conn.rollback()
        conn.autocommit = True

        # LISTEN/NOTIFY on one connection.
        conn.execute("LISTEN it_channel")
        conn.execute("NOTIFY it_channel, 'payload ✓'")
        conn.execute("SELECT pg_notify('it_channel', 'second')")
        got = []
        for n in conn.notifies(timeout=3, stop_after=2):
            got.append([n.channel, n.payload, n.pid > 0])
        result["notifies"] = got

    # Cancel a long query from another thread.
    with psycopg.connect(dsn, autocommit=True) as conn:
        timer = threading.Timer(0.5, conn.cancel)
        start = time.monotonic()
        timer.start()
        try:
            conn.execute("SELECT pg_sleep(10)")
            result["cancel"] = "not cancelled"
        except psycopg.Error as e:
            result["cancel"] = e.sqlstate
        elapsed = time.monotonic() - start
        timer.join()
        result["cancel_under_3s"] = elapsed < 3
        result["after_cancel"] = conn.execute("SELECT 'still usable'").fetchone()[0]

    print(json.dumps(result, sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
