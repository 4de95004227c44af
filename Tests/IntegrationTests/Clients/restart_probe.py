"""A probe client through a PostgreSQL restart; prints one JSON object.

Usage: python3 restart_probe.py DSN DIRECTORY

Every 20 ms: connect, SELECT 1, close (connect_timeout 10 s), and note the wall-clock time of each success.
Writes DIRECTORY/serving after the first success; stops once DIRECTORY/done exists. Prints
{"successes": [unix times], "failures": {sqlstate or class: count}}.
"""
import json
import os
import sys
import time

import psycopg


def main():
    dsn, directory = sys.argv[1:3]
    successes, failures = [], {}
    deadline = time.time() + 120
    while not os.path.exists(os.path.join(directory, "done")) and time.time() < deadline:
        try:
            with psycopg.connect(dsn, connect_timeout=10, autocommit=True) as conn:
                conn.execute("SELECT 1").fetchone()
            successes.append(time.time())
            if len(successes) == 1:
                open(os.path.join(directory, "serving"), "w").close()
        except psycopg.Error as error:
            key = getattr(error, "sqlstate", None) or type(error).__name__
            failures[key] = failures.get(key, 0) + 1
        time.sleep(0.02)
    print(json.dumps({"successes": successes, "failures": failures}))


main()
