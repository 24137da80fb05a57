#!/usr/bin/env python3
"""Transaction-pooling checks through pgring with two independent drivers (psycopg 3 and asyncpg).

Usage: txmode_checks.py CHECK URL [ARGS...]
Each check prints "ok <details>" and exits 0, or prints the failure and exits 1.
pgring is expected to run the database of URL in transaction mode with a small pool, so that clients
really share server connections.
"""
import asyncio
import sys
import threading
import time

import psycopg


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check_psycopg_prepared(url, clients):
    """Many psycopg connections, prepare_threshold=0 (every query a named prepared statement), many
    transactions each, fewer server connections than clients."""
    clients = int(clients)
    errors = []
    backends = set()
    lock = threading.Lock()

    def worker(n):
        try:
            with psycopg.connect(url, autocommit=True, prepare_threshold=0) as conn:
                for i in range(40):
                    row = conn.execute("SELECT %s::int * 2, pg_backend_pid()", (n * 1000 + i,)).fetchone()
                    if row[0] != (n * 1000 + i) * 2:
                        raise AssertionError(f"client {n} got {row!r}")
                    with lock:
                        backends.add(row[1])
                    with conn.transaction():
                        a = conn.execute("SELECT %s::text || 'x'", (str(i),)).fetchone()[0]
                        b = conn.execute("SELECT %s::int + 1", (i,)).fetchone()[0]
                        if a != f"{i}x" or b != i + 1:
                            raise AssertionError(f"client {n} transaction got {a!r} {b!r}")
                    if i % 10 == 9:
                        conn.execute("DEALLOCATE ALL")
        except Exception as error:  # noqa: BLE001 - report every failure
            with lock:
                errors.append(f"client {n}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        fail("; ".join(errors[:5]))
    print(f"ok psycopg_prepared clients={clients} server_backends={len(backends)}")


def check_asyncpg(url, clients):
    """asyncpg prepares every query (named statements, statement cache) and uses transactions."""
    import asyncpg

    clients = int(clients)

    async def worker(n, backends):
        conn = await asyncpg.connect(url)
        try:
            for i in range(40):
                value, pid = await conn.fetchrow("SELECT $1::int * 3, pg_backend_pid()", n * 1000 + i)
                if value != (n * 1000 + i) * 3:
                    raise AssertionError(f"client {n} got {value!r}")
                backends.add(pid)
                async with conn.transaction():
                    await conn.execute("CREATE TEMP TABLE IF NOT EXISTS scratch (v int) ON COMMIT DROP")
                    await conn.executemany("INSERT INTO scratch VALUES ($1)", [(k,) for k in range(5)])
                    total = await conn.fetchval("SELECT sum(v) FROM scratch")
                    if total != 10:
                        raise AssertionError(f"client {n} transaction sum {total}")
                stmt = await conn.prepare("SELECT $1::text || $2::text")
                if await stmt.fetchval("a", str(i)) != f"a{i}":
                    raise AssertionError(f"client {n} explicit prepared statement")
        finally:
            await conn.close()

    async def main():
        backends = set()
        results = await asyncio.gather(*(worker(n, backends) for n in range(clients)), return_exceptions=True)
        errors = [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
        if errors:
            fail("; ".join(errors[:5]))
        return backends

    backends = asyncio.run(main())
    print(f"ok asyncpg clients={clients} server_backends={len(backends)}")


def check_isolation(url):
    """Client B never runs in client A's session state, though they share one server connection."""
    a = psycopg.connect(url, autocommit=True, prepare_threshold=0)
    b = psycopg.connect(url, autocommit=True, prepare_threshold=0)
    a.execute("SET work_mem = '7MB'")
    a.execute("SET application_name = 'client-a'")
    pid_a = a.execute("SELECT pg_backend_pid()").fetchone()[0]
    pid_b = b.execute("SELECT pg_backend_pid()").fetchone()[0]
    if pid_a != pid_b:
        fail(f"the test needs a pool of one server connection; got backends {pid_a} and {pid_b}")
    if b.execute("SHOW work_mem").fetchone()[0] != "4MB":
        fail("client B sees client A's work_mem")
    if b.execute("SHOW application_name").fetchone()[0] == "client-a":
        fail("client B sees client A's application_name")
    if a.execute("SHOW work_mem").fetchone()[0] != "7MB":
        fail("client A lost its work_mem after B used the server connection")
    if a.execute("SHOW application_name").fetchone()[0] != "client-a":
        fail("client A lost its application_name")
    # A prepared statement of A's with a name B also uses for something else.
    a.execute("SELECT 'from a'", prepare=True)
    b.execute("SELECT 'from b'", prepare=True)
    if a.execute("SELECT 'from a'", prepare=True).fetchone()[0] != "from a":
        fail("client A's prepared statement answered something else")
    if b.execute("SELECT 'from b'", prepare=True).fetchone()[0] != "from b":
        fail("client B's prepared statement answered something else")
    # B resets: A keeps its value, B is back to the default.
    b.execute("SET work_mem = '9MB'")
    b.execute("RESET work_mem")
    if b.execute("SHOW work_mem").fetchone()[0] != "4MB" or a.execute("SHOW work_mem").fetchone()[0] != "7MB":
        fail("RESET did not behave as on a direct connection")
    a.close()
    b.close()
    print("ok isolation")


def check_cancel_isolation(url, count):
    """Many concurrent cancels for client A never cancel client B's queries."""
    count = int(count)
    a = psycopg.connect(url, autocommit=True)
    b = psycopg.connect(url, autocommit=True)
    stop = threading.Event()
    b_errors = []
    b_done = [0]

    def run_b():
        while not stop.is_set():
            try:
                b.execute("SELECT pg_sleep(0.002)")
                b_done[0] += 1
            except psycopg.errors.QueryCanceled as error:
                b_errors.append(str(error))

    def run_a():
        while not stop.is_set():
            try:
                a.execute("SELECT pg_sleep(0.002)")
            except psycopg.errors.QueryCanceled:
                pass

    threads = [threading.Thread(target=run_b), threading.Thread(target=run_a)]
    for thread in threads:
        thread.start()
    cancellers = []
    for _ in range(count):
        t = threading.Thread(target=a.cancel)
        cancellers.append(t)
        t.start()
        time.sleep(0.005)
    for t in cancellers:
        t.join(10)
    time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(20)
    if b_errors:
        fail(f"client B's query was cancelled {len(b_errors)} times by cancels meant for A")
    if b_done[0] == 0:
        fail("client B ran no query")
    print(f"ok cancel_isolation cancels={count} b_queries={b_done[0]}")


def check_listen(url):
    """LISTEN pins the client to its server connection so notifications arrive."""
    listener = psycopg.connect(url, autocommit=True)
    notifier = psycopg.connect(url, autocommit=True)
    listener.execute("LISTEN pgring_tx")
    for i in range(3):
        notifier.execute(f"NOTIFY pgring_tx, 'n{i}'")
    got = [n.payload for n in listener.notifies(timeout=10, stop_after=3)]
    if got != ["n0", "n1", "n2"]:
        fail(f"notifications received: {got!r}")
    listener.close()
    notifier.close()
    print("ok listen")


def main():
    if len(sys.argv) < 3:
        fail("usage: txmode_checks.py CHECK URL [ARGS...]")
    check, url, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    checks = {
        "psycopg_prepared": check_psycopg_prepared,
        "asyncpg": check_asyncpg,
        "isolation": check_isolation,
        "cancel_isolation": check_cancel_isolation,
        "listen": check_listen,
    }
    if check not in checks:
        fail(f"unknown check {check}")
    checks[check](url, *args)


if __name__ == "__main__":
    main()
