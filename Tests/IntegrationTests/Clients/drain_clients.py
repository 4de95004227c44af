"""Two clients of a pglens that is about to be drained: prints one JSON object of what happened.

Usage: python3 drain_clients.py DSN DIRECTORY

Client A opens a transaction and client B stays idle; the script writes DIRECTORY/ready and waits
for DIRECTORY/go (the test sends SIGTERM in between). Then A goes on with its transaction and commits,
and tries one more statement; B tries a statement.
"""
import json
import os
import sys
import time

import psycopg


def attempt(conn, sql):
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return {"ok": True, "value": cur.fetchone()[0] if cur.description else None}
    except psycopg.Error as e:
        return {"ok": False, "sqlstate": getattr(e, "sqlstate", None), "message": str(e).strip()}


def main():
    dsn, directory = sys.argv[1], sys.argv[2]
    out = {}
    a = psycopg.connect(dsn, application_name="drain-a")
    b = psycopg.connect(dsn, autocommit=True, application_name="drain-b")
    out["a_begin"] = attempt(a, "SELECT 1")
    open(os.path.join(directory, "ready"), "w").close()
    deadline = time.monotonic() + 60
    while not os.path.exists(os.path.join(directory, "go")) and time.monotonic() < deadline:
        time.sleep(0.05)
    out["a_in_transaction"] = attempt(a, "SELECT 2")
    try:
        a.commit()
        out["a_commit"] = {"ok": True}
    except psycopg.Error as e:
        out["a_commit"] = {"ok": False, "sqlstate": getattr(e, "sqlstate", None), "message": str(e).strip()}
    time.sleep(0.3)
    out["a_after_commit"] = attempt(a, "SELECT 3")
    out["b_idle"] = attempt(b, "SELECT 4")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
