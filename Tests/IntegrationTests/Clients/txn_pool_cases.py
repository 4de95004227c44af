"""Transaction-pooling cases with psycopg 3; prints one JSON document per case.

Usage: python3 txn_pool_cases.py CASE DSN [ADMIN_DSN]
Cases:
  injected-parse-error  a statement prepared on one server connection, its table dropped, the connection
                        terminated: the next execution is prepared anew on another connection and fails
                        with the error of the client's own message; the session stays usable.
  eviction              ten prepared statements used in turn: every answer right, and the server
                        connection never holds more than it may.
  transaction-backend   every statement of a transaction block runs on the same server backend.
"""
import json
import sys
import time

import psycopg


def injected_parse_error(dsn, admin_dsn):
    out = {}
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute("DROP TABLE IF EXISTS txn_victim")
        admin.execute("CREATE TABLE txn_victim (v int)")
        admin.execute("INSERT INTO txn_victim VALUES (7)")
        admin.execute("GRANT SELECT ON txn_victim TO app")
    with psycopg.connect(dsn, autocommit=True) as conn:
        out["first"] = conn.execute("SELECT v FROM txn_victim", prepare=True).fetchone()[0]
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute("DROP TABLE txn_victim")
            # Through pglens: the server connection that prepared the statement goes away.
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE usename = 'app' AND datname = 'app' AND pid <> pg_backend_pid()"
                " AND application_name = 'txn_pool_cases'"
            )
        time.sleep(0.5)
        try:
            conn.execute("SELECT v FROM txn_victim", prepare=True).fetchone()
            out["after_drop"] = "no error"
        except psycopg.Error as error:
            out["after_drop"] = error.sqlstate
        except Exception as error:  # noqa: BLE001 - the connection itself may be gone directly
            out["after_drop"] = type(error).__name__
        if conn.closed:
            return out
        out["still_usable"] = conn.execute("SELECT 41 + 1").fetchone()[0]
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute("CREATE TABLE txn_victim (v int)")
            admin.execute("INSERT INTO txn_victim VALUES (8)")
            admin.execute("GRANT SELECT ON txn_victim TO app")
        out["after_recreate"] = conn.execute("SELECT v FROM txn_victim", prepare=True).fetchone()[0]
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute("DROP TABLE IF EXISTS txn_victim")
    return out


def eviction(dsn):
    out = {"answers": [], "most_prepared_seen": 0}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for round_ in range(3):
            for i in range(10):
                value = conn.execute(f"SELECT %s::int + {i}", (round_,), prepare=True).fetchone()[0]
                out["answers"].append(value)
                seen = conn.execute("SELECT count(*)::int FROM pg_prepared_statements").fetchone()[0]
                out["most_prepared_seen"] = max(out["most_prepared_seen"], seen)
    return out


def transaction_backend(dsn):
    out = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        with conn.transaction():
            pids = {conn.execute("SELECT pg_backend_pid()").fetchone()[0] for _ in range(20)}
        out["backends_in_one_transaction"] = len(pids)
        conn.execute("BEGIN")
        first = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        try:
            conn.execute("SELECT 1/0")
        except psycopg.Error as error:
            out["error"] = error.sqlstate
        try:
            conn.execute("SELECT 1")
        except psycopg.Error as error:
            out["in_failed_block"] = error.sqlstate
        conn.execute("ROLLBACK")
        out["after_rollback"] = conn.execute("SELECT 5").fetchone()[0]
        out["first_pid_is_int"] = isinstance(first, int)
    return out


def main():
    case, dsn = sys.argv[1], sys.argv[2] + " application_name=txn_pool_cases"
    if case == "injected-parse-error":
        result = injected_parse_error(dsn, sys.argv[3])
    elif case == "eviction":
        result = eviction(dsn)
    else:
        result = transaction_backend(dsn)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
