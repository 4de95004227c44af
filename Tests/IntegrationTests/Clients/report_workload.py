"""A known workload for the report tests: prints one JSON object of what the client ran and measured.

Usage: python3 report_workload.py DSN APPLICATION_NAME MARKER

- 100 identical parameterized SELECTs in one psycopg 3 pipeline (1 row each);
- one simple Query holding three statements (1, 3 and 1 rows);
- COPY ... TO STDOUT of 250 rows and COPY ... FROM STDIN of 40 rows (into a temporary table);
- one statement of about 2 s (pg_sleep) carrying MARKER as a text parameter.
Autocommit, so that no BEGIN/COMMIT of the driver's own appears among the statements.
"""
import json
import sys
import time

import psycopg


def main():
    dsn, application, marker = sys.argv[1], sys.argv[2], sys.argv[3]
    out = {}
    with psycopg.connect(dsn, autocommit=True, application_name=application) as conn:
        cur = conn.cursor()

        started = time.monotonic()
        results = []
        with conn.pipeline():
            for i in range(100):
                cur.execute("SELECT %s::int AS n", (i,))
                results.append(cur)
        out["pipeline_ms"] = (time.monotonic() - started) * 1000
        out["pipeline_rows"] = 100

        # No parameters: psycopg sends the text as one simple Query.
        cur.execute("SELECT 'multi' AS tag; SELECT g FROM generate_series(1, 3) g; SELECT 42 AS answer")
        out["multi_last"] = cur.fetchall()

        copied = 0
        with cur.copy("COPY (SELECT g FROM generate_series(1, 250) g) TO STDOUT") as copy:
            for _ in copy.rows():
                copied += 1
        out["copy_out_rows"] = copied
        cur.execute("CREATE TEMP TABLE report_copy_in (x int)")
        with cur.copy("COPY report_copy_in (x) FROM STDIN") as copy:
            for i in range(40):
                copy.write_row((i,))
        cur.execute("SELECT count(*) FROM report_copy_in")
        out["copy_in_rows"] = cur.fetchone()[0]

        started = time.monotonic()
        cur.execute("SELECT pg_sleep(2.0), %s::text AS marker", (marker,))
        cur.fetchall()
        out["sleep_ms"] = (time.monotonic() - started) * 1000
    print(json.dumps(out))


if __name__ == "__main__":
    main()
