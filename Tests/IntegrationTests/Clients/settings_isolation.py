"""Startup settings under pooling: each client must see exactly what PostgreSQL shows it directly, and
nothing another client asked for. Prints one JSON document.

Usage: python3 settings_isolation.py PROXY_DSN DIRECT_DSN ADMIN_DSN [ROUNDS]
       python3 settings_isolation.py --hidden PROXY_DSN DIRECT_DSN
           (a pool of 1 under transaction pooling) one client changes search_path in a DO block and
           TimeZone with `select set_config($1, $2, $3)` (parameters bound); it must keep seeing its
           values and another client must see the defaults.

Kinds of client (three connections of each through pglens, interleaved at random over a small pool):
  plain     no settings at all
  tz        options: TimeZone and a DateStyle with an escaped space; client_encoding LATIN1
  path      options: search_path with two schemas, statement_timeout, default_transaction_read_only
  app       application_name, and options in the --name=value form
  asyncpg   asyncpg server_settings (startup parameters of their own): search_path, TimeZone, work_mem
Each query reads the settings and current_schemas(); plain clients also write a row, which a leaked
default_transaction_read_only would refuse.
"""
import asyncio
import json
import random
import sys

import asyncpg
import psycopg

SETTINGS = [
    "TimeZone", "DateStyle", "search_path", "statement_timeout", "default_transaction_read_only",
    "application_name", "client_encoding", "work_mem", "IntervalStyle",
]
QUERY = (
    "SELECT " + ", ".join(f"current_setting('{name}')" for name in SETTINGS)
    + ", current_schemas(false)::text"
)

PSYCOPG_KINDS = {
    "plain": {},
    "tz": {"options": r"-c TimeZone=Asia/Tokyo -c DateStyle=SQL,\ DMY", "client_encoding": "LATIN1"},
    "path": {
        "options": "-csearch_path=isol_foo,public -c statement_timeout=1234 -c default_transaction_read_only=on"
    },
    "app": {"application_name": "isolation-app", "options": "--intervalstyle=iso_8601 --work-mem=6MB"},
}
ASYNCPG_SETTINGS = {"search_path": "isol_foo, public", "TimeZone": "America/New_York", "work_mem": "8MB"}


def asyncpg_params(dsn):
    parts = dict(word.split("=", 1) for word in dsn.split())
    return {
        "host": parts["host"], "port": int(parts["port"]), "user": parts["user"],
        "password": parts.get("password", "").strip("'"), "database": parts["dbname"], "ssl": False,
    }


async def main():
    proxy_dsn, direct_dsn, admin_dsn = sys.argv[1:4]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute("CREATE SCHEMA IF NOT EXISTS isol_foo AUTHORIZATION app")
        admin.execute("CREATE TABLE IF NOT EXISTS public.isol_writes (v int)")
        admin.execute("GRANT ALL ON public.isol_writes TO app")

    async def row_psycopg(conn):
        async with conn.cursor() as cursor:
            await cursor.execute(QUERY)
            return list(await cursor.fetchone())

    async def row_asyncpg(conn):
        return list(await conn.fetchrow(QUERY))

    # What each kind sees directly.
    expected = {}
    for kind, params in PSYCOPG_KINDS.items():
        conn = await psycopg.AsyncConnection.connect(direct_dsn, autocommit=True, **params)
        expected[kind] = await row_psycopg(conn)
        await conn.close()
    conn = await asyncpg.connect(**asyncpg_params(direct_dsn), server_settings=ASYNCPG_SETTINGS)
    expected["asyncpg"] = await row_asyncpg(conn)
    await conn.close()

    clients = []
    for kind, params in PSYCOPG_KINDS.items():
        for _ in range(3):
            conn = await psycopg.AsyncConnection.connect(proxy_dsn, autocommit=True, **params)
            clients.append((kind, conn, row_psycopg))
    for _ in range(3):
        conn = await asyncpg.connect(
            **asyncpg_params(proxy_dsn), server_settings=ASYNCPG_SETTINGS, statement_cache_size=0
        )
        clients.append(("asyncpg", conn, row_asyncpg))

    rng = random.Random(7)
    checks = 0
    mismatches = {}
    examples = []
    write_errors = []

    async def one(kind, conn, read):
        nonlocal checks
        row = await read(conn)
        checks += 1
        if row != expected[kind]:
            mismatches[kind] = mismatches.get(kind, 0) + 1
            if len(examples) < 5:
                diff = {
                    (SETTINGS + ["current_schemas"])[i]: [row[i], expected[kind][i]]
                    for i in range(len(row)) if row[i] != expected[kind][i]
                }
                examples.append({"kind": kind, "seen_vs_direct": diff})
        if kind == "plain":
            try:
                async with conn.cursor() as cursor:
                    await cursor.execute("INSERT INTO public.isol_writes VALUES (1)")
            except psycopg.Error as error:
                write_errors.append(f"{error.sqlstate}: {error}")

    for _ in range(rounds):
        order = clients[:]
        rng.shuffle(order)
        # Several at once, so that connections change hands between clients of different kinds.
        for start in range(0, len(order), 4):
            await asyncio.gather(*(one(*client) for client in order[start:start + 4]))
    for kind, conn, _ in clients:
        await conn.close()
    print(json.dumps({
        "checks": checks, "mismatches": mismatches, "examples": examples,
        "write_errors": write_errors[:3], "write_error_count": len(write_errors),
        "expected_search_path": expected["path"][SETTINGS.index("search_path")],
        "expected_schemas": expected["path"][-1],
    }, sort_keys=True))


def hidden(proxy_dsn, direct_dsn):
    read = "SELECT current_setting('search_path'), current_setting('TimeZone')"
    with psycopg.connect(direct_dsn, autocommit=True) as direct:
        defaults = list(direct.execute(read).fetchone())
    with psycopg.connect(proxy_dsn, autocommit=True) as setter, \
            psycopg.connect(proxy_dsn, autocommit=True) as other:
        setter.execute("DO $$BEGIN PERFORM set_config('search_path', 'isol_foo', false); END$$")
        setter.execute("SELECT set_config(%s, %s, %s)", ["TimeZone", "Asia/Tokyo", False])
        own = list(setter.execute(read).fetchone())
        seen_by_other = list(other.execute(read, prepare=False).fetchone())
    print(json.dumps({"defaults": defaults, "own": own, "other": seen_by_other}))


if sys.argv[1] == "--hidden":
    hidden(sys.argv[2], sys.argv[3])
else:
    asyncio.run(main())
