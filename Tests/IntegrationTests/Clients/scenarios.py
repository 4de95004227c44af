"""Single scenarios for authentication and failure tests; each prints one JSON object.

Usage: python3 scenarios.py SCENARIO ARGS...
  connect DSN                     log in with asyncpg, report current_user/current_database or the error's SQLSTATE
  authprobe HOST PORT USER DB     raw startup; report the first authentication request code
  garbage HOST PORT USER DB       raw login (trust), then an unknown message type; report the reply
  hugelen HOST PORT USER DB       raw login (trust), then a Query claiming 2^30+8 bytes; report the reply
  terminate DSN ADMIN_DSN         pg_terminate_backend our server backend, then query; report the error
  abandon DSN ADMIN_DSN MARKER    BEGIN, mark with SET LOCAL application_name, exit without closing
  poolwait DSN                    A sleeps 3 s on the only server connection; B must get an error
  maxconn DSN N                   open N connections, then one more; report its error
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


def startup_packet(user, db):
    body = struct.pack("!I", 196608)
    for k, v in (("user", user), ("database", db)):
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

    async def holder():
        try:
            conn = await apg_connect(dsn)
            await conn.fetchval("SELECT pg_sleep(3)")
            await conn.close()
            return {"ok": True}
        except Exception as e:
            return apg_error(e)

    async def run():
        a = asyncio.create_task(holder())
        await asyncio.sleep(0.7)
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


if __name__ == "__main__":
    import psycopg.sql  # noqa: F401

    globals()[sys.argv[1]](*sys.argv[2:])
