"""A small shop's order page, run the wrong way and the right way; prints one JSON object.

Usage: python3 n_plus_one_app.py MODE DSN ADMIN_DSN APPLICATION_NAME

Each "request" lists 20 orders of a customer, then needs each order's customer row:
  bound       psycopg 3, one query per order (server-side parameters)          -> an N+1 of 20
  literal     psycopg 3 ClientCursor (values in the SQL text, as psycopg2/Django send) -> an N+1 of 20
  pipeline    psycopg 3 pipeline mode: the 20 lookups in one round trip          -> an N+1 of 20
  concurrent  two connections, each running the bound request at the same time  -> two bursts of 20
  clean       one `= ANY(%s)` query for all the orders' customers                -> no N+1
  auth        one session lookup per request, 30 requests, each a transaction    -> no N+1
"""
import json
import sys
import threading

import psycopg

ORDERS = "SELECT id, customer_id FROM np_orders WHERE shop_id = %s ORDER BY id"
CUSTOMER = "SELECT id, name FROM np_customers WHERE id = %s"


def setup(admin_dsn):
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(
            "CREATE TABLE IF NOT EXISTS np_customers (id int PRIMARY KEY, name text);"
            "CREATE TABLE IF NOT EXISTS np_orders (id int PRIMARY KEY, shop_id int, customer_id int);"
            "INSERT INTO np_customers SELECT g, 'c' || g FROM generate_series(1, 40) g ON CONFLICT DO NOTHING;"
            "INSERT INTO np_orders SELECT g, 1 + g % 2, g FROM generate_series(1, 40) g ON CONFLICT DO NOTHING;"
            "GRANT SELECT ON np_customers, np_orders TO app"
        )


def request(conn, shop, cursor_factory=None):
    cur = conn.cursor() if cursor_factory is None else cursor_factory(conn)
    orders = cur.execute(ORDERS, (shop,)).fetchall()
    return [cur.execute(CUSTOMER, (customer,)).fetchone()[1] for _, customer in orders]


def main():
    mode, dsn, admin_dsn, application = sys.argv[1:5]
    setup(admin_dsn)
    out = {"mode": mode}
    if mode == "concurrent":
        names = []

        def one(shop):
            with psycopg.connect(dsn, autocommit=True, application_name=application) as conn:
                names.append(len(request(conn, shop)))

        threads = [threading.Thread(target=one, args=(shop,)) for shop in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        out["lookups"] = sorted(names)
    else:
        with psycopg.connect(dsn, autocommit=True, application_name=application) as conn:
            if mode == "bound":
                out["lookups"] = len(request(conn, 1))
            elif mode == "literal":
                out["lookups"] = len(request(conn, 1, psycopg.ClientCursor))
            elif mode == "pipeline":
                orders = conn.execute(ORDERS, (1,)).fetchall()
                with conn.pipeline():
                    cursors = [conn.execute(CUSTOMER, (customer,)) for _, customer in orders]
                out["lookups"] = len([c.fetchone() for c in cursors])
            elif mode == "clean":
                orders = conn.execute(ORDERS, (1,)).fetchall()
                ids = [customer for _, customer in orders]
                rows = conn.execute("SELECT id, name FROM np_customers WHERE id = ANY(%s)", (ids,)).fetchall()
                out["lookups"] = len(rows)
            elif mode == "auth":
                for token in range(30):
                    with conn.transaction():
                        conn.execute("SELECT id FROM np_customers WHERE id = %s", (token + 1,)).fetchone()
                        conn.execute(ORDERS, (1,)).fetchall()
                out["lookups"] = 30
    print(json.dumps(out))


main()
