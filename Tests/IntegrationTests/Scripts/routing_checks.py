#!/usr/bin/env python3
"""Sharded routing checks through pgring with psycopg 3 (an independent driver).

Usage: routing_checks.py CHECK URL [ARGS...]
Each check prints "ok <details>" and exits 0, or prints the failure and exits 1.
"""
import random
import sys

import psycopg


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check_insert_keys(url, table, count, seed):
    """Inserts `count` distinct random user IDs into TABLE through pgring, a third each with the simple
    protocol (client-side binding), the extended protocol (unnamed statements) and named prepared
    statements; every row records the protocol that wrote it. Prints the IDs' count per protocol."""
    count = int(count)
    rng = random.Random(int(seed))
    keys = list({rng.randrange(-(2**62), 2**62) for _ in range(count * 2)})[:count]
    thirds = [keys[0::3], keys[1::3], keys[2::3]]
    with psycopg.connect(url, autocommit=True) as conn:
        with psycopg.ClientCursor(conn) as cur:
            for key in thirds[0]:
                cur.execute(f"INSERT INTO {table} (user_id, proto) VALUES (%s, 'simple')", (key,))
        for key in thirds[1]:
            conn.execute(f"INSERT INTO {table} (user_id, proto) VALUES (%s, 'extended')", (key,), prepare=False)
        for key in thirds[2]:
            conn.execute(f"INSERT INTO {table} (user_id, proto) VALUES (%s, 'prepared')", (key,), prepare=True)
        # Read every key back through pgring (reads go to replicas; each key is found on its shard).
        missing = 0
        for key in rng.sample(keys, min(300, count)):
            row = conn.execute(f"SELECT user_id FROM {table} WHERE user_id = %s", (key,), prepare=True).fetchone()
            if row is None:
                missing += 1
    if missing:
        fail(f"{missing} keys written through pgring could not be read back through pgring")
    print(f"ok simple={len(thirds[0])} extended={len(thirds[1])} prepared={len(thirds[2])}")


def check_read_your_writes(url, table, key, loops):
    """On one connection: `loops` times, write a new value for KEY and read it back; every read must
    return the value just written. Prints how many reads a replica served for keys never written here."""
    key = int(key)
    loops = int(loops)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO {table} (user_id, v) VALUES (%s, 0) ON CONFLICT (user_id) DO UPDATE SET v = 0", (key,))
        for i in range(1, loops + 1):
            conn.execute(f"UPDATE {table} SET v = %s WHERE user_id = %s", (i, key))
            row = conn.execute(f"SELECT v FROM {table} WHERE user_id = %s", (key,)).fetchone()
            if row is None or row[0] != i:
                fail(f"loop {i}: read {row!r} after writing {i}")
    print(f"ok {loops} writes read back")


def check_stale_elsewhere(url, table, key):
    """Writes a new value for KEY on one connection, then reads it at once on a NEW connection that wrote
    nothing: that read goes to the (delayed) replica. Prints 'ok stale' or 'ok fresh' and the recovery
    state of the server that answered."""
    key = int(key)
    with psycopg.connect(url, autocommit=True) as writer:
        value = writer.execute(f"UPDATE {table} SET v = v + 1 WHERE user_id = %s RETURNING v", (key,)).fetchone()[0]
    with psycopg.connect(url, autocommit=True) as reader:
        row = reader.execute(f"SELECT v, pg_is_in_recovery() FROM {table} WHERE user_id = %s", (key,)).fetchone()
    print(f"ok {'fresh' if row[0] == value else 'stale'} in_recovery={row[1]}")


def check_carried_position(url, table, key):
    """Writes on connection A, hands A's position to connection B (SHOW pgring.last_write_lsn, then
    SET pgring.min_lsn on B): B must read the new value."""
    key = int(key)
    with psycopg.connect(url, autocommit=True) as a, psycopg.connect(url, autocommit=True) as b:
        value = a.execute(f"UPDATE {table} SET v = v + 1 WHERE user_id = %s RETURNING v", (key,)).fetchone()[0]
        position = a.execute("SHOW pgring.last_write_lsn").fetchone()[0]
        if "=" not in position:
            fail(f"SHOW pgring.last_write_lsn returned {position!r}")
        b.execute(f"SET pgring.min_lsn = '{position}'")
        row = b.execute(f"SELECT v FROM {table} WHERE user_id = %s", (key,)).fetchone()
        if row is None or row[0] != value:
            fail(f"connection B read {row!r}, expected {value} (position {position})")
    print(f"ok {position}")


CHECKS = {
    "insert_keys": check_insert_keys,
    "read_your_writes": check_read_your_writes,
    "stale_elsewhere": check_stale_elsewhere,
    "carried_position": check_carried_position,
}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in CHECKS:
        print(__doc__)
        sys.exit(2)
    try:
        CHECKS[sys.argv[1]](*sys.argv[2:])
    except psycopg.Error as error:
        fail(f"{type(error).__name__}: {error}")
