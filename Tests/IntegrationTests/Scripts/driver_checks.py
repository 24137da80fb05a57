#!/usr/bin/env python3
"""Integration checks through pgring with psycopg 3, an independent PostgreSQL driver.

Usage: driver_checks.py CHECK URL [ARGS...]
Each check prints "ok <details>" and exits 0, or prints the failure and exits 1.
"""
import socket
import struct
import sys
import threading
import time

import psycopg


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check_basic(url):
    with psycopg.connect(url, autocommit=True) as conn:
        # Extended protocol with text parameters.
        row = conn.execute("SELECT %s::int + 1, %s::text", (41, "héllo")).fetchone()
        if row != (42, "héllo"):
            fail(f"extended query returned {row!r}")
        # NULL parameters and NULL results.
        row = conn.execute("SELECT %s::text IS NULL, NULL::int", (None,)).fetchone()
        if row != (True, None):
            fail(f"NULL handling returned {row!r}")
        # Binary parameters and binary results.
        cur = conn.cursor(binary=True)
        payload = bytes(range(256))
        row = cur.execute("SELECT %b::bytea, %b::int8, %b::float8", (payload, -9007199254740993, 1.5)).fetchone()
        if row != (payload, -9007199254740993, 1.5):
            fail(f"binary round trip returned {row!r}")
        # A named prepared statement (psycopg prepares it server-side with prepare=True).
        for i in range(5):
            row = conn.execute("SELECT %s::int * 2", (i,), prepare=True).fetchone()
            if row != (i * 2,):
                fail(f"prepared statement returned {row!r}")
        names = conn.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE '_pg3_%%'").fetchone()[0]
        if names < 1:
            fail("psycopg did not create a server-side prepared statement")
        # An error, then a good query on the same connection.
        try:
            conn.execute("SELECT 1/0")
            fail("division by zero did not raise")
        except psycopg.errors.DivisionByZero:
            pass
        row = conn.execute("SELECT 'still alive'").fetchone()
        if row != ("still alive",):
            fail(f"query after error returned {row!r}")
        # A transaction.
        with conn.transaction():
            conn.execute("CREATE TEMP TABLE t (id int)")
            conn.execute("INSERT INTO t SELECT generate_series(1, 10)")
        total = conn.execute("SELECT sum(id) FROM t").fetchone()[0]
        if total != 55:
            fail(f"transaction sum was {total}")
    print("ok basic")


def check_notify(url):
    listener = psycopg.connect(url, autocommit=True)
    notifier = psycopg.connect(url, autocommit=True)
    listener.execute("LISTEN pgring_test")
    notifier.execute("NOTIFY pgring_test, 'hello from pgring'")
    got = None
    for notify in listener.notifies(timeout=10, stop_after=1):
        got = notify
    if got is None or got.payload != "hello from pgring" or got.channel != "pgring_test":
        fail(f"notification not received: {got!r}")
    listener.close()
    notifier.close()
    print("ok notify")


def check_cancel(url):
    conn = psycopg.connect(url, autocommit=True)
    result = {}

    def run():
        started = time.monotonic()
        try:
            conn.execute("SELECT pg_sleep(10)")
            result["error"] = None
        except psycopg.errors.QueryCanceled as error:
            result["error"] = error
        result["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(1.0)
    conn.cancel()
    thread.join(15)
    if result.get("error") is None:
        fail(f"pg_sleep(10) was not cancelled: {result!r}")
    if result["elapsed"] > 5:
        fail(f"cancel took {result['elapsed']:.1f}s")
    # The session survives the cancel.
    if conn.execute("SELECT 7").fetchone() != (7,):
        fail("session broken after cancel")
    conn.close()
    print(f"ok cancel after {result['elapsed']:.2f}s")


def check_concurrent(url, count):
    count = int(count)
    errors = []
    pids = set()
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def worker(n):
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                barrier.wait(30)
                pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
                for i in range(20):
                    row = conn.execute("SELECT %s::int", (n * 1000 + i,)).fetchone()
                    if row != (n * 1000 + i,):
                        raise AssertionError(f"session {n} got {row!r}")
                with lock:
                    pids.add(pid)
        except Exception as error:  # noqa: BLE001 - report every failure
            with lock:
                errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors:
        fail(f"{len(errors)} sessions failed: {errors[:3]}")
    if len(pids) != count:
        fail(f"expected {count} distinct server backends in session mode, saw {len(pids)}")
    print(f"ok concurrent {count}")


# --- Bad input over raw sockets -------------------------------------------------------------

def startup_packet(params, version=196608):
    body = struct.pack("!I", version)
    for k, v in params.items():
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def read_answer(sock, timeout=5):
    """Returns ('error', sqlstate, message) for an ErrorResponse, ('closed',) or ('other', first byte)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if data[:1] == b"E" and len(data) >= 5 and len(data) >= 1 + struct.unpack("!I", data[1:5])[0]:
                break
    except socket.timeout:
        return ("timeout", data[:1])
    except ConnectionResetError:
        pass
    if not data:
        return ("closed",)
    if data[:1] == b"E":
        fields = {}
        for part in data[5:].split(b"\0"):
            if part:
                fields[chr(part[0])] = part[1:].decode(errors="replace")
        return ("error", fields.get("C"), fields.get("M"))
    return ("other", data[:1])


def check_bad_input(host, port, case):
    port = int(port)
    sock = socket.create_connection((host, port), timeout=5)
    expect_error = None
    if case == "truncated":
        sock.sendall(struct.pack("!I", 64) + b"\x00\x03")  # promises 64 bytes, sends 6, hangs up
        sock.close()
        print("ok truncated")
        return
    elif case == "length3":
        sock.sendall(struct.pack("!I", 3))
        expect_error = "08P01"
    elif case == "length_max":
        sock.sendall(struct.pack("!I", 2**31 - 1) + b"\x00" * 64)
        expect_error = "08P01"
    elif case == "garbage":
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        expect_error = "08P01"
    elif case == "no_user":
        sock.sendall(startup_packet({"database": "app"}))
        expect_error = "28000"
    elif case == "plaintext_after_sslrequest":
        sock.sendall(struct.pack("!II", 8, 80877103) + startup_packet({"user": "app", "database": "app"}))
        expect_error = "08P01"
    elif case == "password_first":
        secret = b"app\0"
        sock.sendall(b"p" + struct.pack("!I", 4 + len(secret)) + secret)
        expect_error = "08P01"
    elif case == "query_during_auth":
        sock.sendall(startup_packet({"user": "app", "database": "app"}))
        sock.settimeout(5)
        first = sock.recv(1)
        if first != b"R":
            fail(f"expected an authentication request, got {first!r}")
        sock.recv(65536)
        sql = b"SELECT 1\0"
        sock.sendall(b"Q" + struct.pack("!I", 4 + len(sql)) + sql)
        expect_error = "08P01"
    else:
        fail(f"unknown case {case}")
    answer = read_answer(sock)
    sock.close()
    if answer[0] == "error":
        if answer[1] != expect_error:
            fail(f"{case}: expected SQLSTATE {expect_error}, got {answer}")
        print(f"ok {case}: {answer[1]} {answer[2]}")
    elif answer[0] == "closed":
        print(f"ok {case}: closed")
    else:
        fail(f"{case}: expected an ErrorResponse or a close, got {answer}")


def check_negotiate(host, port):
    sock = socket.create_connection((host, int(port)), timeout=5)
    # Protocol 3.2 with an unknown protocol extension option.
    sock.sendall(startup_packet({"user": "app", "database": "app", "_pq_.future_feature": "on"}, version=(3 << 16) | 2))
    sock.settimeout(5)
    data = b""
    while len(data) < 5:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    if data[:1] != b"v":
        fail(f"expected NegotiateProtocolVersion ('v'), got {data[:16]!r}")
    length = struct.unpack("!I", data[1:5])[0]
    while len(data) < 1 + length:
        data += sock.recv(65536)
    newest_minor, count = struct.unpack("!II", data[5:13])
    names = [n.decode() for n in data[13:1 + length].split(b"\0") if n]
    if newest_minor != 0 or count != 1 or names != ["_pq_.future_feature"]:
        fail(f"bad NegotiateProtocolVersion: minor={newest_minor} count={count} names={names}")
    rest = data[1 + length:]
    if not rest:
        rest = sock.recv(65536)
    if rest[:1] != b"R":
        fail(f"expected authentication to continue after negotiation, got {rest[:8]!r}")
    sock.close()
    print("ok negotiate")


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    check = sys.argv[1]
    args = sys.argv[2:]
    {
        "basic": check_basic,
        "notify": check_notify,
        "cancel": check_cancel,
        "concurrent": check_concurrent,
        "bad_input": check_bad_input,
        "negotiate": check_negotiate,
    }[check](*args)


if __name__ == "__main__":
    main()
