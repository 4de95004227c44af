"""The demo's application-like workload, run through pglens with psycopg 3.

Usage: python3 demo_workload.py DSN

A small shop schema (customers, orders without an index on orders.customer_id) and the requests
of a typical ORM-backed page, four times: list 25 customers, then one query per customer for their
orders (the N+1 pattern), each page a request in a transaction of its own, as an ORM session runs it;
plus a dashboard of three counts on an unindexed column, each its own round trip. pglens should find
one N+1 of 25 seen in 4 requests (with the parent column its keys came from), and the three counts as
repeated_aggregates.
"""
import sys

import psycopg


def main():
    dsn = sys.argv[1]
    with psycopg.connect(dsn, autocommit=True, application_name="demo-shop") as conn:
        cur = conn.cursor()
        cur.execute("DROP TABLE IF EXISTS demo_orders, demo_customers")
        cur.execute("CREATE TABLE demo_customers (id serial PRIMARY KEY, name text NOT NULL)")
        cur.execute(
            "CREATE TABLE demo_orders (id serial PRIMARY KEY, customer_id int NOT NULL"
            " REFERENCES demo_customers (id), total numeric(10, 2) NOT NULL, status text NOT NULL)")
        cur.execute("INSERT INTO demo_customers (name) SELECT 'customer ' || g FROM generate_series(1, 500) g")
        cur.execute(
            "INSERT INTO demo_orders (customer_id, total, status)"
            " SELECT 1 + g % 500, (g % 997) / 10.0, CASE WHEN g % 7 = 0 THEN 'open' ELSE 'paid' END"
            " FROM generate_series(1, 400000) g")
        cur.execute("ANALYZE demo_customers, demo_orders")
        for page in range(4):
            with conn.transaction():
                cur.execute("SELECT id, name FROM demo_customers ORDER BY id LIMIT 25 OFFSET %s", (page * 25,))
                for (customer_id, _name) in cur.fetchall():
                    cur.execute("SELECT id, total, status FROM demo_orders WHERE customer_id = %s", (customer_id,))
                    cur.fetchall()
        # The dashboard: one count per status, each a round trip (one statement with FILTER would do).
        with conn.transaction():
            for status in ("open", "paid", "refunded"):
                cur.execute("SELECT count(*), sum(total) FROM demo_orders WHERE status = %s", (status,))
                cur.fetchall()


if __name__ == "__main__":
    main()
