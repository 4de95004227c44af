#!/usr/bin/env python3
"""Open N idle client connections to a PostgreSQL-protocol server (through startup and
authentication, using asyncpg), measure a process's VmRSS before and after, print the result as Markdown list lines (--name labels them).

usage: idle_clients.py --name NAME --port P --user U --password W --db D --pid PID [--count 1000] [--tls]

With --tls the clients connect with TLS (sslmode=require: encrypted, certificate not verified).
"""
import argparse
import asyncio
import ssl
import sys
import time

import asyncpg


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


async def main(a):
    before = rss_kib(a.pid)
    gate = asyncio.Semaphore(32)  # connect in small waves, not 1000 handshakes at once
    errors = {}
    tls = False
    if a.tls:
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE

    async def one():
        async with gate:
            try:
                return await asyncpg.connect(
                    host="127.0.0.1", port=a.port, user=a.user, password=a.password,
                    database=a.db, timeout=a.timeout, ssl=tls)
            except Exception as e:  # noqa: BLE001 - reported below, by kind
                key = f"{type(e).__name__}: {e}"[:160]
                errors[key] = errors.get(key, 0) + 1
                return None

    t0 = time.monotonic()
    conns = [c for c in await asyncio.gather(*(one() for _ in range(a.count))) if c is not None]
    elapsed = time.monotonic() - t0
    await asyncio.sleep(1.0)  # let the server settle before sampling
    after = rss_kib(a.pid)
    await asyncio.gather(*(c.close(timeout=5) for c in conns), return_exceptions=True)
    n = len(conns)
    per = f"{(after - before) / n:.1f}" if n else "n/a"
    print(f"- {a.name}: {n}/{a.count} idle clients connected in {elapsed:.1f}s, "
          f"RSS {before} -> {after} KiB, **{per} KiB per idle client**")
    for err, k in sorted(errors.items(), key=lambda kv: -kv[1]):
        print(f"  - {k} failed: {err}")
    return 0 if n else 1


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--name", default="server")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--tls", action="store_true")
    sys.exit(asyncio.run(main(p.parse_args())))
