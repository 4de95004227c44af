"""Many concurrent clients of one driver, each checking every answer it gets; prints one JSON document.

Usage: python3 txn_pool_load.py DRIVER DSN CLIENTS ROUNDS
DRIVER: psycopg (default prepare_threshold: statements become named prepared statements after 5
uses), psycopg-unnamed (prepare_threshold=None: unnamed statements only, as JDBC-style drivers
send), psycopg-pipeline (pipeline mode), asyncpg (default statement cache), asyncpg-small-cache (a cache of 2: statements
are closed and prepared again all the time).

The output holds only counts and checksums that do not depend on timing, so a run through pglens
and a run against PostgreSQL directly must print the same document.
"""
import asyncio
import json
import sys

QUERIES = [
    ("SELECT $1::int + 1", lambda i: i + 1),
    ("SELECT length($1::text)", lambda i: len(str(i) * 3)),
    ("SELECT count(*)::int FROM generate_series(1, $1::int)", lambda i: i % 50),
]


def args_for(index, i):
    return (str(i) * 3,) if index == 1 else (i % 50,) if index == 2 else (i,)


async def psycopg_client(dsn, client, rounds, mode):
    import psycopg

    kwargs = {"autocommit": True}
    if mode == "psycopg-unnamed":
        kwargs["prepare_threshold"] = None
    checks = errors = 0
    total = 0
    async with await psycopg.AsyncConnection.connect(dsn, **kwargs) as conn:
        for i in range(rounds):
            for index, (sql, expect) in enumerate(QUERIES):
                value = client * 1000 + i
                query = sql.replace("$1", "%s")
                try:
                    if mode == "psycopg-pipeline":
                        async with conn.pipeline():
                            cur1 = await conn.execute(query, args_for(index, value))
                            cur2 = await conn.execute(query, args_for(index, value + 1))
                        got = [(await cur1.fetchone())[0], (await cur2.fetchone())[0]]
                        want = [expect(value), expect(value + 1)]
                    elif i % 4 == 3:
                        async with conn.transaction():
                            cur = await conn.execute(query, args_for(index, value))
                            got = [(await cur.fetchone())[0]]
                            want = [expect(value)]
                    else:
                        cur = await conn.execute(query, args_for(index, value))
                        got = [(await cur.fetchone())[0]]
                        want = [expect(value)]
                    checks += 1
                    if got != want:
                        errors += 1
                    total += sum(got)
                except Exception as error:  # noqa: BLE001 - every failure counts
                    errors += 1
                    print(f"client {client}: {type(error).__name__}: {error}", file=sys.stderr)
    return checks, errors, total


async def asyncpg_client(dsn, client, rounds, cache_size):
    import asyncpg

    checks = errors = 0
    total = 0
    conn = await asyncpg.connect(dsn, statement_cache_size=cache_size)
    try:
        for i in range(rounds):
            for index, (sql, expect) in enumerate(QUERIES):
                value = client * 1000 + i
                try:
                    if i % 4 == 3:
                        async with conn.transaction():
                            got = await conn.fetchval(sql, *args_for(index, value))
                    else:
                        got = await conn.fetchval(sql, *args_for(index, value))
                    checks += 1
                    if got != expect(value):
                        errors += 1
                    total += got
                except Exception as error:  # noqa: BLE001 - every failure counts
                    errors += 1
                    print(f"client {client}: {type(error).__name__}: {error}", file=sys.stderr)
    finally:
        await conn.close()
    return checks, errors, total


def expected_checksum(driver, clients, rounds):
    """The sum of every right answer, computed here without a server."""
    total = 0
    for client in range(clients):
        for i in range(rounds):
            for _, expect in QUERIES:
                value = client * 1000 + i
                total += expect(value)
                if driver == "psycopg-pipeline":
                    total += expect(value + 1)
    return total


def libpq_to_asyncpg(dsn):
    words = dict(part.split("=", 1) for part in dsn.split())
    password = words.get("password", "").strip("'")
    return f"postgresql://{words['user']}:{password}@{words['host']}:{words['port']}/{words['dbname']}?sslmode=disable"


async def main(driver, dsn, clients, rounds):
    if driver.startswith("asyncpg"):
        url = libpq_to_asyncpg(dsn)
        cache_size = 2 if driver == "asyncpg-small-cache" else 100
        tasks = [asyncpg_client(url, c, rounds, cache_size) for c in range(clients)]
    else:
        tasks = [psycopg_client(dsn, c, rounds, driver) for c in range(clients)]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failed_clients = [r for r in results if isinstance(r, BaseException)]
    for failure in failed_clients:
        print(f"client failed: {type(failure).__name__}: {failure}", file=sys.stderr)
    done = [r for r in results if not isinstance(r, BaseException)]
    print(
        json.dumps(
            {
                "clients": len(done),
                "failed_clients": len(failed_clients),
                "checks": sum(r[0] for r in done),
                "errors": sum(r[1] for r in done),
                "checksum": sum(r[2] for r in done),
                "expected_checksum": expected_checksum(driver, clients, rounds),
            },
            sort_keys=True,
        )
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
