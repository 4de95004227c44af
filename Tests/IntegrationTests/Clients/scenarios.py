"""Single scenarios for authentication and failure tests; each prints one JSON object.

Usage: python3 scenarios.py SCENARIO ARGS...
  connect DSN                     log in with asyncpg, report current_user/current_database or the error's SQLSTATE
  authprobe HOST PORT USER DB     raw startup; report the first authentication request code
  garbage HOST PORT USER DB       raw login (trust), then an unknown message type; report the reply
  hugelen HOST PORT USER DB       raw login (trust), then a Query claiming 2^30+8 bytes; report the reply
  terminate DSN ADMIN_DSN         pg_terminate_backend our server backend, then query; report the error
  abandon DSN ADMIN_DSN MARKER    BEGIN, mark with SET LOCAL application_name, exit without closing
  poolwait DSN                    A sleeps 5 s on the only server connection; B must get an error
  maxconn DSN N                   open N connections, then one more; report its error
  encrequest HOST PORT USER DB CODE  SSLRequest (80877103) or GSSENCRequest (80877104), then login (trust) and SELECT 1
  negotiate HOST PORT USER DB     startup with protocol 3.2 and _pq_.test_option=1; report the 'v' message, SELECT 1
  replication HOST PORT USER DB   startup with replication=database; report the reply
  longstartup HOST PORT LENGTH    a startup packet header claiming LENGTH bytes; report the reply
  pgcancel DSN                    psycopg: pg_sleep(10) cancelled from another thread after 0.5 s
  apgcancel DSN                   asyncpg: wait_for(pg_sleep(10), 0.5) sends a CancelRequest; then SELECT 1
  idleclients DSN N DIR [WARM]    N clients log in and stay idle; one more runs SELECT 1; hold until DIR/release
"""
import json
import os
import socket
import struct
import sys
import time

import psycopg


def out(obj):
    print(json.dumps(obj, sort_keys=True, ensure_ascii=False), flush=True)


def error_obj(e):
    return {"ok": False, "sqlstate": getattr(e, "sqlstate", None), "message": str(e).strip().splitlines()[0] if str(e).strip() else ""}


def connect(dsn):
    # asyncpg, because libpq (and so psycopg) reports no SQLSTATE for a failed connection attempt.
    import asyncio

    import asyncpg

    parts = dict(p.split("=", 1) for p in dsn.split())

    async def run():
        try:
            conn = await asyncpg.connect(
                host=parts["host"], port=int(parts["port"]), user=parts["user"], database=parts["dbname"],
                password=parts.get("password", "").strip("'"), ssl=False, timeout=10,
            )
        except asyncpg.PostgresError as e:
            return {"ok": False, "sqlstate": e.sqlstate, "message": str(e)}
        try:
            row = await conn.fetchrow("SELECT current_user, current_database(), 1 + 1")
            return {"ok": True, "user": row[0], "db": row[1], "two": row[2]}
        finally:
            await conn.close()

    out(asyncio.run(run()))


def startup_packet(user, db, version=196608, extra=()):
    body = struct.pack("!I", version)
    for k, v in (("user", user), ("database", db)) + tuple(extra):
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("closed")
        data += chunk
    return data


def read_message(sock):
    header = read_exact(sock, 5)
    kind = header[:1].decode("latin1")
    (length,) = struct.unpack("!I", header[1:])
    return kind, read_exact(sock, length - 4)


def error_fields(body):
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[part[:1].decode()] = part[1:].decode("utf-8", "replace")
    return {"severity": fields.get("V", fields.get("S")), "sqlstate": fields.get("C"), "message": fields.get("M")}


def raw_connect(host, port, user, db):
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(startup_packet(user, db))
    return sock


def authprobe(host, port, user, db):
    sock = raw_connect(host, port, user, db)
    kind, body = read_message(sock)
    if kind == "R":
        out({"auth": struct.unpack("!I", body[:4])[0]})
    elif kind == "E":
        out({"error": error_fields(body)})
    else:
        out({"unexpected": kind})
    sock.close()


def login_trust(host, port, user, db):
    sock = raw_connect(host, port, user, db)
    while True:
        kind, body = read_message(sock)
        if kind == "R" and struct.unpack("!I", body[:4])[0] != 0:
            raise RuntimeError("server asked for a password")
        if kind == "E":
            raise RuntimeError("login failed: %r" % error_fields(body))
        if kind == "Z":
            return sock


def replies_after(sock, payload):
    sock.sendall(payload)
    result = {"errors": [], "closed": False}
    try:
        while True:
            kind, body = read_message(sock)
            if kind == "E":
                result["errors"].append(error_fields(body))
            elif kind == "Z":
                result["ready"] = True
                break
    except (EOFError, ConnectionResetError, socket.timeout) as e:
        result["closed"] = type(e).__name__ != "timeout"
    sock.close()
    return result


def garbage(host, port, user, db):
    sock = login_trust(host, port, user, db)
    out(replies_after(sock, b"\xfe\x00\x00\x00\x0cgarbage!"))


def hugelen(host, port, user, db):
    sock = login_trust(host, port, user, db)
    out(replies_after(sock, b"Q" + struct.pack("!I", 2**30 + 8) + b"SELECT 1"))


def terminate(dsn, admin_dsn):
    conn = psycopg.connect(dsn, autocommit=True)
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        terminated = admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    time.sleep(0.5)
    result = {"terminated": terminated}
    try:
        conn.execute("SELECT 1")
        result["error"] = False
    except psycopg.Error as e:
        result["error"] = True
        result["sqlstate"] = getattr(e, "sqlstate", None)
    conn.close()
    out(result)


def abandon(dsn, admin_dsn, marker):
    conn = psycopg.connect(dsn)
    conn.execute("SELECT 1")
    conn.execute("SET LOCAL application_name = %s" % psycopg.sql.quote(marker))
    time.sleep(0.3)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        states = [r[0] for r in admin.execute("SELECT state FROM pg_stat_activity WHERE application_name = %s", (marker,))]
    out({"states_before": states})
    os._exit(0)  # no Terminate, no ROLLBACK: the socket just closes


async def apg_connect(dsn):
    import asyncpg

    parts = dict(p.split("=", 1) for p in dsn.split())
    return await asyncpg.connect(
        host=parts["host"], port=int(parts["port"]), user=parts["user"], database=parts["dbname"],
        password=parts.get("password", "").strip("'"), ssl=False, timeout=10,
    )


def apg_error(e):
    return {"ok": False, "sqlstate": getattr(e, "sqlstate", None), "error": type(e).__name__, "message": str(e)}


def poolwait(dsn):
    # asyncpg: a refusal may come before login completes, where libpq reports no SQLSTATE.
    import asyncio

    holding = asyncio.Event()

    async def holder():
        # Session pooling: the first query takes the only server connection and keeps it.
        try:
            conn = await apg_connect(dsn)
            await conn.fetchval("SELECT 1")
            holding.set()
            await conn.fetchval("SELECT pg_sleep(5)")
            await conn.close()
            return {"ok": True}
        except Exception as e:
            holding.set()
            return apg_error(e)

    async def run():
        a = asyncio.create_task(holder())
        await asyncio.wait_for(holding.wait(), 30)
        start = time.monotonic()
        result = {}
        try:
            conn = await apg_connect(dsn)
            await conn.fetchval("SELECT 1")
            await conn.close()
            result["b"] = {"ok": True}
        except Exception as e:
            result["b"] = apg_error(e)
        result["b_elapsed"] = round(time.monotonic() - start, 2)
        result["a"] = await a
        return result

    out(asyncio.run(run()))


def maxconn(dsn, n):
    import asyncio

    async def run():
        held = []
        result = {}
        try:
            for _ in range(int(n)):
                c = await apg_connect(dsn)
                await c.fetchval("SELECT 1")
                held.append(c)
            result["held"] = len(held)
            try:
                c = await apg_connect(dsn)
                await c.fetchval("SELECT 1")
                await c.close()
                result["extra"] = {"ok": True}
            except Exception as e:
                result["extra"] = apg_error(e)
        finally:
            for c in held:
                await c.close()
        await asyncio.sleep(0.5)
        try:
            c = await apg_connect(dsn)
            result["after"] = await c.fetchval("SELECT 'served'")
            await c.close()
        except Exception as e:
            result["after"] = apg_error(e)
        return result

    out(asyncio.run(run()))


def simple_query(sock, sql):
    """Sends a Query; returns the first column of the rows (text), the errors and the final status."""
    sock.sendall(b"Q" + struct.pack("!I", len(sql.encode()) + 5) + sql.encode() + b"\0")
    rows, errors = [], []
    while True:
        kind, body = read_message(sock)
        if kind == "D":
            (n,) = struct.unpack("!I", body[2:6])
            rows.append(body[6 : 6 + n].decode())
        elif kind == "E":
            errors.append(error_fields(body))
        elif kind == "Z":
            return {"rows": rows, "errors": errors, "status": body.decode()}


def login_kinds(sock):
    """Reads the login reply up to ReadyForQuery (trust); returns the message kinds and the 'v' bodies."""
    kinds, negotiations = [], []
    while True:
        kind, body = read_message(sock)
        kinds.append(kind)
        if kind == "v":
            newest = struct.unpack("!I", body[:4])[0]
            (count,) = struct.unpack("!I", body[4:8])
            names = [n.decode() for n in body[8:].split(b"\0")[:count]]
            negotiations.append({"newest_minor": newest, "count": count, "unrecognized": names, "raw_length": len(body) + 4})
        elif kind == "R":
            kinds[-1] = "R%d" % struct.unpack("!I", body[:4])[0]
        elif kind == "E":
            return kinds, negotiations, error_fields(body)
        elif kind == "Z":
            return kinds, negotiations, None


def encrequest(host, port, user, db, code):
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(struct.pack("!II", 8, int(code)))
    answer = read_exact(sock, 1).decode("latin1")
    result = {"answer": answer}
    if answer == "N":
        sock.sendall(startup_packet(user, db))
        kinds, _, error = login_kinds(sock)
        result["login_error"] = error
        if error is None:
            result["select"] = simple_query(sock, "SELECT 1")
    sock.close()
    out(result)


def negotiate(host, port, user, db):
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(startup_packet(user, db, version=(3 << 16) | 2, extra=(("_pq_.test_option", "1"),)))
    kinds, negotiations, error = login_kinds(sock)
    result = {"first": kinds[0], "negotiations": negotiations, "login_error": error}
    if error is None:
        result["select"] = simple_query(sock, "SELECT 1")
    sock.close()
    out(result)


def replication(host, port, user, db):
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(startup_packet(user, db, extra=(("replication", "database"),)))
    result = {"kinds": [], "errors": [], "closed": False}
    try:
        while True:
            kind, body = read_message(sock)
            result["kinds"].append(kind)
            if kind == "E":
                result["errors"].append(error_fields(body))
            if kind == "Z":
                break
    except (EOFError, ConnectionResetError):
        result["closed"] = True
    sock.close()
    out(result)


def longstartup(host, port, length):
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(struct.pack("!II", int(length), 196608))
    result = {"errors": [], "other": [], "closed": False}
    try:
        while True:
            kind, body = read_message(sock)
            if kind == "E":
                result["errors"].append(error_fields(body))
            else:
                result["other"].append(kind)
    except (EOFError, ConnectionResetError):
        result["closed"] = True
    except socket.timeout:
        pass
    sock.close()
    out(result)


def pgcancel(dsn):
    import threading

    with psycopg.connect(dsn, autocommit=True) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        timer = threading.Timer(0.5, conn.cancel)
        start = time.monotonic()
        timer.start()
        result = {}
        try:
            conn.execute("SELECT pg_sleep(10)")
            result["sqlstate"] = None
        except psycopg.Error as e:
            result["sqlstate"] = e.sqlstate
            result["error"] = type(e).__name__
        result["elapsed"] = round(time.monotonic() - start, 2)
        timer.join()
        result["after"] = conn.execute("SELECT 1").fetchone()[0]
        result["same_backend"] = conn.execute("SELECT pg_backend_pid()").fetchone()[0] == pid
    out(result)


def apgcancel(dsn):
    import asyncio

    async def run():
        conn = await apg_connect(dsn)
        result = {}
        try:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
            start = time.monotonic()
            try:
                await asyncio.wait_for(conn.fetchval("SELECT pg_sleep(10)"), 0.5)
                result["outcome"] = "completed"
            except asyncio.TimeoutError:
                result["outcome"] = "timeout"
            # asyncpg waits for the cancelled query's ReadyForQuery before the next query runs.
            result["after"] = await conn.fetchval("SELECT 1")
            result["elapsed"] = round(time.monotonic() - start, 2)
            result["same_backend"] = await conn.fetchval("SELECT pg_backend_pid()") == pid
        finally:
            await conn.close()
        return result

    out(asyncio.run(run()))


def idleclients(dsn, n, directory, warm="0"):
    """N clients log in and stay idle, one more runs SELECT 1; then DIR/ready is written and all
    connections stay open until DIR/release appears (the test counts backends meanwhile).
    With WARM=1 a first client runs SELECT 1 and disconnects before, so that the pool knows its parameters."""
    if warm == "1":
        with psycopg.connect(dsn, autocommit=True) as first:
            first.execute("SELECT 1")
        time.sleep(0.3)
    idle = [psycopg.connect(dsn, autocommit=True) for _ in range(int(n))]
    result = {"idle": sum(1 for c in idle if c.info.status == psycopg.pq.ConnStatus.OK)}
    start = time.monotonic()
    sixth = None
    try:
        sixth = psycopg.connect(dsn, autocommit=True)
        result["select"] = sixth.execute("SELECT 1").fetchone()[0]
    except psycopg.Error as e:
        result["error"] = error_obj(e)
    result["elapsed"] = round(time.monotonic() - start, 2)
    open(os.path.join(directory, "ready"), "w").close()
    deadline = time.monotonic() + 30
    while not os.path.exists(os.path.join(directory, "release")) and time.monotonic() < deadline:
        time.sleep(0.05)
    for c in idle + ([sixth] if sixth else []):
        c.close()
    out(result)


if __name__ == "__main__":
    import psycopg.sql  # noqa: F401

    globals()[sys.argv[1]](*sys.argv[2:])
