"""Scenarios for pool limits, server lifetimes and server failures; each prints one JSON object.

Usage: python3 pool_lifetimes.py SCENARIO ARGS...
  reserve DSN                 A holds the only server connection for 6 s; B's query: elapsed and backend pid
  usercap DSN1 DSN2           two databases of one user capped at 2: a third session waits, then is served
  killtx DSN DIR              A inside BEGIN, B idle (transaction pooling); DIR/pid is A's backend, the test
                              kills it and writes DIR/killed; report A's error and whether B goes on
  workload DSN DIR SECONDS N  N looping clients that reconnect after an error, until SECONDS passed; counts
                              what succeeded before DIR/stopping and after DIR/restarted appeared, and
                              writes DIR/serving at the first success
  exhaust DSN CLIENTS ROUNDS  CLIENTS clients at once, ROUNDS checked queries each; counts served, 53300, others
"""
import asyncio
import json
import os
import sys
import threading
import time

import psycopg


def out(obj):
    print(json.dumps(obj, sort_keys=True), flush=True)


def sqlstate(error):
    return getattr(error, "sqlstate", None)


def reserve(dsn):
    holder = psycopg.connect(dsn, autocommit=True)
    a_pid = holder.execute("SELECT pg_backend_pid()").fetchone()[0]
    result = {"a_pid": a_pid}

    def hold():
        try:
            holder.execute("SELECT pg_sleep(6)")
            result["a_ok"] = True
        except psycopg.Error as e:
            result["a_ok"] = False
            result["a_error"] = sqlstate(e)

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    try:
        with psycopg.connect(dsn, autocommit=True) as other:
            result["b_pid"] = other.execute("SELECT pg_backend_pid()").fetchone()[0]
    except psycopg.Error as e:
        result["b_error"] = sqlstate(e)
    result["b_elapsed"] = round(time.monotonic() - start, 2)
    thread.join()
    holder.close()
    out(result)


def usercap(dsn1, dsn2):
    first = psycopg.connect(dsn1, autocommit=True)
    first.execute("SELECT 1")
    second = psycopg.connect(dsn2, autocommit=True)
    second.execute("SELECT 1")
    third = psycopg.connect(dsn1, autocommit=True)
    result = {}
    try:
        third.execute("SELECT 1")
        result["third"] = "served"
    except psycopg.Error as e:
        result["third"] = sqlstate(e)
    second.close()
    time.sleep(0.3)
    try:
        result["third_after"] = third.execute("SELECT 'served'").fetchone()[0]
    except psycopg.Error as e:
        result["third_after"] = sqlstate(e)
    third.close()
    first.close()
    out(result)


def wait_for(path, seconds):
    deadline = time.monotonic() + seconds
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.02)
    return os.path.exists(path)


def killtx(dsn, directory):
    a = psycopg.connect(dsn)
    a.execute("SELECT 1")
    pid = a.execute("SELECT pg_backend_pid()").fetchone()[0]
    b = psycopg.connect(dsn, autocommit=True)
    b.execute("SELECT 1")
    with open(os.path.join(directory, "pid.tmp"), "w") as f:
        f.write(str(pid))
    os.rename(os.path.join(directory, "pid.tmp"), os.path.join(directory, "pid"))
    result = {"killed": wait_for(os.path.join(directory, "killed"), 30)}
    try:
        a.execute("SELECT 1")
        result["a"] = "served"
    except psycopg.Error as e:
        result["a"] = sqlstate(e) or type(e).__name__
    a.close()
    b_errors = []
    deadline = time.monotonic() + 30
    result["b"] = "never served"
    while time.monotonic() < deadline:
        try:
            if b.closed:
                b = psycopg.connect(dsn, autocommit=True)
            value = b.execute("SELECT 41 + 1").fetchone()[0]
            result["b"] = "served" if value == 42 else "wrong answer %r" % value
            break
        except psycopg.Error as e:
            b_errors.append(sqlstate(e) or type(e).__name__)
            time.sleep(0.2)
    result["b_errors"] = b_errors
    b.close()
    out(result)


def workload(dsn, directory, seconds, clients):
    stopping = os.path.join(directory, "stopping")
    restarted = os.path.join(directory, "restarted")
    lock = threading.Lock()
    totals = {"ok_before": 0, "ok_between": 0, "ok_after": 0, "wrong": 0, "errors": {}}
    deadline = time.monotonic() + float(seconds)

    def client(number):
        conn = None
        i = 0
        while time.monotonic() < deadline:
            i += 1
            phase = "ok_after" if os.path.exists(restarted) else "ok_between" if os.path.exists(stopping) else "ok_before"
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(dsn, autocommit=True, connect_timeout=5)
                value = number * 100000 + i
                got = conn.execute("SELECT %s::int", (value,)).fetchone()[0]
                with lock:
                    totals[phase if got == value else "wrong"] += 1
                    if totals["ok_before"] == 1 and phase == "ok_before":
                        open(os.path.join(directory, "serving"), "w").close()
                time.sleep(0.01)
            except psycopg.Error as e:
                key = sqlstate(e) or type(e).__name__
                with lock:
                    totals["errors"][key] = totals["errors"].get(key, 0) + 1
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.1)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(int(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out(totals)


def exhaust(dsn, clients, rounds):
    clients, rounds = int(clients), int(rounds)

    async def one(number):
        counts = {"served": 0, "timed_out": 0, "wrong": 0, "other": 0, "others": []}
        try:
            conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True, prepare_threshold=None)
        except psycopg.Error as e:
            counts["other"] += rounds
            counts["others"].append("connect: %s" % (sqlstate(e) or str(e).strip()[:80]))
            return counts
        async with conn:
            for i in range(rounds):
                value = number * 1000 + i
                try:
                    cur = await conn.execute("SELECT %s::int, pg_sleep(0.02)", (value,))
                    got = (await cur.fetchone())[0]
                    counts["served" if got == value else "wrong"] += 1
                except psycopg.Error as e:
                    if sqlstate(e) == "53300":
                        counts["timed_out"] += 1
                    else:
                        counts["other"] += 1
                        counts["others"].append(sqlstate(e) or str(e).strip()[:80])
        return counts

    async def run():
        results = await asyncio.gather(*(one(n) for n in range(clients)))
        total = {"served": 0, "timed_out": 0, "wrong": 0, "other": 0, "others": []}
        for result in results:
            for key in ("served", "timed_out", "wrong", "other"):
                total[key] += result[key]
            total["others"] += result["others"][:3]
        total["others"] = total["others"][:10]
        return total

    out(asyncio.run(run()))


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
