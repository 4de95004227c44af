"""TLS clients for the integration tests (ServerTLSTests): raw sockets with Python's ssl module.

Each subcommand prints one JSON object on stdout.
  direct PORT CAFILE [ALPN]     PostgreSQL 17 direct TLS (no SSLRequest), then a trust login and SELECT 1
  garbage PORT MODE             MODE sslrequest: SSLRequest, then garbage instead of a ClientHello;
                                MODE direct: a TLS record header followed by garbage
  reload PORT PID DSN PASSWORD CERT KEY NEWCERT NEWKEY
                                fingerprint, keep a psycopg session open, swap the files, SIGHUP,
                                fingerprint again, break the files, SIGHUP, fingerprint again
  notls PORT LISTEN DSN PASSWORD
                                a fake server on LISTEN that answers SSLRequest with 'N'; connect
                                through pglens (whose database points at LISTEN) and report the error
  bytea DSN PASSWORD SIZE       send SIZE random bytes as bytea and read them back
  fields PORT                   SSLRequest, TLS without verification, a trust login as trustuser;
                                the fields of the ErrorResponse (C, M, ...) or the query's value
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import struct
import sys
import threading
import time


def startup_message(user, database):
    body = struct.pack("!i", 196608)
    for key, value in (("user", user), ("database", database)):
        body += key.encode() + b"\0" + value.encode() + b"\0"
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def read_message(sock):
    header = b""
    while len(header) < 5:
        chunk = sock.recv(5 - len(header))
        if not chunk:
            raise EOFError("closed")
        header += chunk
    kind, length = header[:1], struct.unpack("!i", header[1:])[0]
    body = b""
    while len(body) < length - 4:
        chunk = sock.recv(length - 4 - len(body))
        if not chunk:
            raise EOFError("closed")
        body += chunk
    return kind, body


def error_fields(body):
    return {part[:1].decode(): part[1:].decode(errors="replace") for part in body.split(b"\0") if part}


def login_and_select(sock):
    sock.sendall(startup_message("trustuser", "app"))
    while True:
        kind, body = read_message(sock)
        if kind == b"E":
            fields = error_fields(body)
            return {"error": fields.get("M", ""), "fields": fields}
        if kind == b"Z":
            break
    query = b"SELECT 40 + 2\0"
    sock.sendall(b"Q" + struct.pack("!i", len(query) + 4) + query)
    value = None
    while True:
        kind, body = read_message(sock)
        if kind == b"D":
            length = struct.unpack("!i", body[2:6])[0]
            value = body[6:6 + length].decode()
        if kind == b"Z":
            return {"value": value}


def direct(port, cafile, alpn="postgresql"):
    context = ssl.create_default_context(cafile=cafile)
    if alpn:
        context.set_alpn_protocols([alpn])
    raw = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    try:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            result = {"alpn": tls.selected_alpn_protocol(), "version": tls.version()}
            result.update(login_and_select(tls))
            return result
    except (ssl.SSLError, EOFError, ConnectionError) as error:
        return {"failed": str(error)}


def read_until_closed(sock):
    data = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout) as error:
        return data, type(error).__name__
    return data, "closed"


def garbage(port, mode):
    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    if mode == "sslrequest":
        sock.sendall(struct.pack("!ii", 8, 80877103))
        answer = sock.recv(1)
        sock.sendall(b"this is not a TLS ClientHello at all\r\n" * 4)
    else:
        answer = b""
        sock.sendall(b"\x16\x03\x01\x00\x40" + b"not a handshake " * 4)
    data, how = read_until_closed(sock)
    return {"answer": answer.decode(errors="replace"), "end": how, "replied": len(data)}


def unverified_tls(port, timeout=30):
    """SSLRequest, then a TLS socket that does not check pglens's certificate."""
    raw = socket.create_connection(("127.0.0.1", int(port)), timeout=timeout)
    raw.sendall(struct.pack("!ii", 8, 80877103))
    if raw.recv(1) != b"S":
        raise RuntimeError("SSLRequest refused")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context.wrap_socket(raw)


def fingerprint(port):
    """The SHA-256 of the certificate pglens presents."""
    with unverified_tls(port) as tls:
        return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def fields(port):
    with unverified_tls(port) as tls:
        return login_and_select(tls)


def reload(port, pid, dsn, password, cert, key, new_cert, new_key):
    import psycopg

    result = {"before": fingerprint(port)}
    with psycopg.connect(dsn, password=password) as session:
        result["session_before"] = session.execute("SELECT 1").fetchone()[0]
        shutil.copyfile(new_cert, cert)
        shutil.copyfile(new_key, key)
        os.kill(int(pid), signal.SIGHUP)
        time.sleep(1.0)
        result["after"] = fingerprint(port)
        result["session_after"] = session.execute("SELECT 2").fetchone()[0]
        with open(cert, "w") as broken:
            broken.write("not a certificate\n")
        os.kill(int(pid), signal.SIGHUP)
        time.sleep(1.0)
        result["after_broken"] = fingerprint(port)
        result["session_last"] = session.execute("SELECT 3").fetchone()[0]
    with psycopg.connect(dsn, password=password) as fresh:
        result["fresh"] = fresh.execute("SELECT 4").fetchone()[0]
    return result


def notls(port, listen, dsn, password):
    import psycopg

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", int(listen)))
    server.listen(8)
    requests = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            request = conn.recv(8)
            requests.append(request.hex())
            conn.sendall(b"N")
            conn.recv(4096)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        psycopg.connect(dsn, password=password).close()
        outcome = {"connected": True}
    except psycopg.OperationalError as error:
        outcome = {"connected": False, "error": str(error)}
    server.close()
    outcome["requests"] = requests
    return outcome


def bytea(dsn, password, size):
    import psycopg

    payload = os.urandom(int(size))
    with psycopg.connect(dsn, password=password) as conn:
        back, digest = conn.execute(
            "SELECT %s::bytea, encode(sha256(%s::bytea), 'hex')", (payload, payload)).fetchone()
        ssl_in_use = conn.info.pgconn.ssl_in_use
    return {"same": bytes(back) == payload, "server_sha256": digest,
            "sha256": hashlib.sha256(payload).hexdigest(), "ssl": bool(ssl_in_use)}


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    print(json.dumps(globals()[command](*arguments)))
