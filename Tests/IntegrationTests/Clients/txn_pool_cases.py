"""Transaction-pooling cases with psycopg 3; prints one JSON document per case.

Usage: python3 txn_pool_cases.py CASE DSN [ADMIN_DSN]
Cases:
  injected-parse-error  a statement prepared on one server connection, its table dropped, the connection
                        terminated: the next execution is prepared anew on another connection and fails
                        with the error of the client's own message; the session stays usable.
  eviction              ten prepared statements used in turn: every answer right, and the server
                        connection never holds more than it may.
  transaction-backend   every statement of a transaction block runs on the same server backend.
  session-state POLICY  SET, LISTEN and DEALLOCATE under session_state_policy = POLICY (pin, warn or
                        error): what the client sees, and that other clients never see its settings.
  timeouts              (pglens with query_timeout = 1, idle_transaction_timeout = 1.5,
                        client_idle_timeout = 3) a long query is cancelled and the session goes on; a
                        client idle inside BEGIN is disconnected and its transaction rolled back; an idle
                        client is disconnected.
"""
import json
import os
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


def sqlstate_of_next_query(conn):
    try:
        conn.execute("SELECT 1")
        return "no error"
    except psycopg.Error as error:
        return error.sqlstate or type(error).__name__


def timeouts(dsn, admin_dsn):
    out = {}
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute("DROP TABLE IF EXISTS txn_timeouts")
        admin.execute("CREATE TABLE txn_timeouts (v int)")
        admin.execute("GRANT ALL ON txn_timeouts TO app")
    with psycopg.connect(dsn, autocommit=True) as conn:
        started = time.monotonic()
        try:
            conn.execute("SELECT pg_sleep(10)")
            out["long_query"] = "no error"
        except psycopg.Error as error:
            out["long_query"] = error.sqlstate
        out["cancelled_within_4s"] = time.monotonic() - started < 4
        out["after_cancel"] = conn.execute("SELECT 2").fetchone()[0]
    conn = psycopg.connect(dsn, autocommit=True)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO txn_timeouts VALUES (1)")
    time.sleep(2.5)
    out["idle_in_transaction"] = sqlstate_of_next_query(conn)
    conn.close()
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        out["rows_after_rollback"] = admin.execute("SELECT count(*)::int FROM txn_timeouts").fetchone()[0]
        admin.execute("DROP TABLE txn_timeouts")
    conn = psycopg.connect(dsn, autocommit=True)
    conn.execute("SELECT 1")
    time.sleep(1.0)
    out["idle_1s"] = sqlstate_of_next_query(conn)
    time.sleep(4.0)
    out["idle_4s"] = sqlstate_of_next_query(conn)
    conn.close()
    return out


def session_state(dsn, policy):
    out = {}
    notices = []
    pinned = psycopg.connect(dsn, autocommit=True)
    pinned.add_notice_handler(lambda diag: notices.append(diag.message_primary))
    others = [psycopg.connect(dsn, autocommit=True) for _ in range(3)]
    try:
        pinned.execute("SET statement_timeout = '1234ms'")
        out["set"] = "ok"
    except psycopg.Error as error:
        out["set"] = error.sqlstate
    out["warned"] = any("session state" in (n or "") for n in notices)
    out["own_setting"] = sorted({pinned.execute("SHOW statement_timeout").fetchone()[0] for _ in range(5)})
    out["others_setting"] = sorted(
        {conn.execute("SHOW statement_timeout").fetchone()[0] for conn in others for _ in range(5)}
    )
    try:
        pinned.execute("SELECT 1", prepare=False)
        out["usable_after"] = True
    except psycopg.Error:
        out["usable_after"] = False
    # LISTEN/NOTIFY: the listener keeps its server connection (pin) and gets the notification.
    listener = psycopg.connect(dsn, autocommit=True)
    try:
        # A channel of this run's own: the test runs this case directly and through pglens at once, on
        # one cluster, and the other run's NOTIFY must not reach this listener.
        channel = f"txn_pool_channel_{os.getpid()}"
        listener.execute(f"LISTEN {channel}")
        others[0].execute(f"NOTIFY {channel}, 'hello'")
        received = []
        for notify in listener.notifies(timeout=3, stop_after=1):
            received.append(notify.payload)
        out["notified"] = received
    except psycopg.Error as error:
        out["notified"] = error.sqlstate
    listener.close()
    # DEALLOCATE of a statement the client prepared, then the same name prepared again.
    conn = others[1]
    conn.execute("SELECT 'a'", prepare=True)
    name = "_pg3_0"
    try:
        conn.execute(f"DEALLOCATE {name}", prepare=False)
        out["deallocate"] = "ok"
    except psycopg.Error as error:
        out["deallocate"] = error.sqlstate
    try:
        conn.pgconn.prepare(name.encode(), b"SELECT 'b'")
        out["prepared_again"] = conn.pgconn.exec_prepared(name.encode(), []).get_value(0, 0).decode()
    except Exception as error:  # noqa: BLE001
        out["prepared_again"] = type(error).__name__
    pinned.close()
    for conn in others:
        conn.close()
    # After the pinned client left, its server connection was reset: nobody inherits its setting.
    with psycopg.connect(dsn, autocommit=True) as conn:
        out["after_leave"] = sorted({conn.execute("SHOW statement_timeout").fetchone()[0] for _ in range(5)})
    return out


def main():
    case, dsn = sys.argv[1], sys.argv[2] + " application_name=txn_pool_cases"
    if case == "injected-parse-error":
        result = injected_parse_error(dsn, sys.argv[3])
    elif case == "session-state":
        result = session_state(dsn, sys.argv[3])
    elif case == "timeouts":
        result = timeouts(dsn, sys.argv[3])
    elif case == "eviction":
        result = eviction(dsn)
    else:
        result = transaction_backend(dsn)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
