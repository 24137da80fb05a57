#!/usr/bin/env python3
"""Write load through pgring during an online rebalancing, and check afterwards what landed on the shards.

Usage:
  rebalance_load.py --dsn URL --log FILE [--workers N] [--keys K] [--stop-file PATH] [--max-seconds S]
                    [--rate R] [--seed X] [--grace-seconds G]
  rebalance_load.py --verify --log FILE [--also-log FILE ...] --shard-dsn NAME=URL [--shard-dsn NAME=URL ...]
                    [--examples E]
  (--worker-base B numbers the workers B, B+1, ...: runs against the same tables need distinct ranges, and
   --also-log checks several runs' logs together.)

Generator (default mode): N worker threads, each with ONE psycopg connection to URL (autocommit, extended
protocol with unnamed statements only: prepare_threshold=None, as pgring's transaction pooling needs). Each
worker loops until PATH exists, S seconds have passed, or SIGTERM/SIGINT arrives: it picks a user ID in
1..K and makes one write attempt with the next value of its own sequence number (1, 2, ...):
  - "event":   INSERT INTO rb_events (user_id, worker, seq, value) VALUES (...)
  - "account": INSERT INTO rb_accounts ... ON CONFLICT (user_id) DO UPDATE (balance + 1, last_worker, last_seq)
  - "tx":      every 20th attempt, both of the above for the same user in one explicit transaction.
Event and account attempts alternate at random, as fast as possible (or R writes/s per worker with --rate).
A failed write is logged with its SQLSTATE and message and never retried; the worker goes on (it opens a
new connection when the old one broke). rb_events.value is a function of (user_id, worker, seq), checked by
--verify. At the end it writes the JSON log FILE and prints one line:
  count=N errors=E p50_ms=.. p99_ms=.. max_ms=.. seconds=.. writes_per_second=.. reconnects=..

Log (JSON, written atomically):
  {"version": 1, "started_at": epoch seconds, "seconds": run time, "stopped_by": "stop-file"|"max-seconds"|"signal",
   "workers": N, "keys": K, "seed": X, "rate": R or null, "count": attempts, "ok": successes,
   "error_count": E, "reconnects": new connections after a broken one,
   "writes": [[user_id, worker, seq, kind, ok, start_ms, latency_ms], ...]   (start_ms: since started_at;
             sorted by start_ms; an unfinished write is included with ok false and its time so far),
   "errors": [{"user_id", "worker", "seq", "kind", "sqlstate", "message", "start_ms"}, ...]
             (kind "connect", user_id/seq null: a connection attempt failed; kind "disconnect", user_id/seq
              null: the connection was found broken after a successful write (a reconnect follows);
              sqlstate null and message "unfinished ...": a write still running --grace-seconds after the stop),
   "latency_ms": {"p50", "p90", "p99", "max", "mean"}   (over all finished attempts),
   "per_second_max_latency": [[second, attempts, errors, max_latency_ms], ...]   (by start second),
   "account_upserts": {"user_id": successful upserts (kinds account and tx) = expected balance},
   "account_last_candidates": {"user_id": [[worker, seq], ...]}  (per worker that upserted the user, its
        highest successful seq: the row's final (last_worker, last_seq) must be one of these)}

Verify (--verify): reads FILE and rb_events / rb_accounts of every shard directly (NAME=URL, not through
pgring), prints a JSON report and exits 0 (the caller asserts on it):
  {"ok": true when every count below is 0 and every shard answered,
   "shard_errors": {NAME: message},
   "shards": {NAME: {"events": rows, "accounts": rows}},
   "log": {"count", "error_count", "ok_events", "ok_account_upserts"},
   "events": {"expected", "found",
              "duplicates": {"count", "examples": [{"key": [user_id, worker, seq], "shards": [NAME, ...]}]},
              "missing": {"count", "examples": [[user_id, worker, seq], ...]},       (logged ok, on no shard)
              "unexpected": {"count", "logged_failed", "examples": [{"key": [..], "shards": [..]}]},
                                                              (on a shard, not logged ok)
              "value_mismatches": {"count", "examples": [{"key", "shard", "value", "expected"}]}},
   "accounts": {"expected_users", "found_users",
                "duplicates": {"count", "examples": [{"user_id", "shards": [NAME, ...]}]},
                "missing": {"count", "examples": [user_id, ...]},
                "unexpected": {"count", "examples": [{"user_id", "shards"}]},
                "balance_mismatches": {"count", "examples": [{"user_id", "expected", "found", "shards"}]},
                "last_mismatches": {"count", "examples": [{"user_id", "found": [worker, seq], "candidates"}]}}}
  (balances are summed over the shards holding the user; a user on two shards is also a duplicate.)
"""
import argparse
import json
import os
import random
import signal
import sys
import threading
import time

import psycopg

EVENT_SQL = "INSERT INTO rb_events (user_id, worker, seq, value) VALUES (%s, %s, %s, %s)"
ACCOUNT_SQL = (
    "INSERT INTO rb_accounts (user_id, balance, last_worker, last_seq) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (user_id) DO UPDATE SET balance = rb_accounts.balance + EXCLUDED.balance, "
    "last_worker = EXCLUDED.last_worker, last_seq = EXCLUDED.last_seq"
)
TX_EVERY = 20


def event_value(user_id, worker, seq):
    """The value written with an event: --verify recomputes it to detect rows altered in transit."""
    return (user_id * 1000003 + worker * 7919 + seq * 31) % 2147483647


class Worker(threading.Thread):
    def __init__(self, index, args, stop, t0_monotonic):
        super().__init__(name=f"worker-{index}", daemon=True)
        self.index = index
        self.args = args
        self.stop = stop
        self.t0 = t0_monotonic
        self.rng = random.Random(f"{args.seed}-{index}")
        self.writes = []  # [user_id, worker, seq, kind, ok, start_ms, latency_ms]
        self.errors = []
        self.reconnects = 0
        self.current = None  # the attempt in progress: (user_id, seq, kind, start_ms)
        self.conn = None
        self.last_ok_seq = None  # seq of the previous attempt when it succeeded

    def connect(self):
        try:
            self.conn = psycopg.connect(self.args.dsn, autocommit=True, prepare_threshold=None, connect_timeout=10)
            return True
        except Exception as error:  # noqa: BLE001 - every failure is reported, none is fatal
            self.errors.append({
                "user_id": None, "worker": self.index, "seq": None, "kind": "connect",
                "sqlstate": getattr(error, "sqlstate", None), "message": str(error).strip()[:500],
                "start_ms": round((time.monotonic() - self.t0) * 1000, 1),
            })
            self.conn = None
            return False

    def write(self, kind, user_id, seq):
        conn = self.conn
        if kind == "event":
            conn.execute(EVENT_SQL, (user_id, self.index, seq, event_value(user_id, self.index, seq)))
        elif kind == "account":
            conn.execute(ACCOUNT_SQL, (user_id, 1, self.index, seq))
        else:
            with conn.transaction():
                conn.execute(EVENT_SQL, (user_id, self.index, seq, event_value(user_id, self.index, seq)))
                conn.execute(ACCOUNT_SQL, (user_id, 1, self.index, seq))

    def run(self):
        args = self.args
        seq = 0
        started = time.monotonic()
        while not self.stop.is_set():
            if self.conn is None or self.conn.closed or self.conn.broken:
                if self.conn is not None:
                    if self.last_ok_seq is not None:
                        # Dropped between two writes: no write failed, but a client would have seen it.
                        self.errors.append({
                            "user_id": None, "worker": self.index, "seq": None, "kind": "disconnect",
                            "sqlstate": None,
                            "message": f"the connection broke after the successful write seq {self.last_ok_seq}",
                            "start_ms": round((time.monotonic() - self.t0) * 1000, 1),
                        })
                    try:
                        self.conn.close()
                    except Exception:  # noqa: BLE001
                        pass
                    self.reconnects += 1
                if not self.connect():
                    self.stop.wait(0.1)
                    continue
            if args.rate:
                delay = started + seq / args.rate - time.monotonic()
                if delay > 0 and self.stop.wait(delay):
                    break
            seq += 1
            user_id = self.rng.randint(1, args.keys)
            kind = "tx" if seq % TX_EVERY == 0 else ("event" if self.rng.random() < 0.5 else "account")
            begin = time.monotonic()
            start_ms = round((begin - self.t0) * 1000, 1)
            self.current = (user_id, seq, kind, start_ms)
            try:
                self.write(kind, user_id, seq)
                ok = True
            except Exception as error:  # noqa: BLE001 - logged, not retried
                ok = False
                self.errors.append({
                    "user_id": user_id, "worker": self.index, "seq": seq, "kind": kind,
                    "sqlstate": getattr(error, "sqlstate", None), "message": str(error).strip()[:500],
                    "start_ms": start_ms,
                })
            latency = round((time.monotonic() - begin) * 1000, 3)
            self.writes.append([user_id, self.index, seq, kind, ok, start_ms, latency])
            self.last_ok_seq = seq if ok else None
            self.current = None
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001
                pass


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))]


def generate(args):
    stop = threading.Event()
    stopped_by = ["max-seconds"]

    def on_signal(signum, _frame):
        stopped_by[0] = "signal"
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    started_at = time.time()
    t0 = time.monotonic()
    workers = [Worker(args.worker_base + i, args, stop, t0) for i in range(args.workers)]
    for worker in workers:
        worker.start()
    while not stop.is_set():
        if args.stop_file and os.path.exists(args.stop_file):
            stopped_by[0] = "stop-file"
            break
        if time.monotonic() - t0 >= args.max_seconds:
            stopped_by[0] = "max-seconds"
            break
        stop.wait(0.05)
    stop.set()
    deadline = time.monotonic() + args.grace_seconds
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    seconds = time.monotonic() - t0

    writes, errors = [], []
    reconnects = 0
    hung = False
    for worker in workers:
        writes.extend(worker.writes)
        errors.extend(worker.errors)
        reconnects += worker.reconnects
        current = worker.current
        if worker.is_alive() and current is not None:
            hung = True
            user_id, seq, kind, start_ms = current
            errors.append({
                "user_id": user_id, "worker": worker.index, "seq": seq, "kind": kind, "sqlstate": None,
                "message": f"unfinished: still running {args.grace_seconds} s after the stop", "start_ms": start_ms,
            })
            # Its outcome is unknown (it may still commit): a failed write whose latency is the time so far.
            writes.append([user_id, worker.index, seq, kind, False, start_ms, round(seconds * 1000 - start_ms, 3)])
    writes.sort(key=lambda w: w[5])
    errors.sort(key=lambda e: e["start_ms"])

    latencies = sorted(w[6] for w in writes)
    per_second = {}
    upserts = {}
    last = {}  # user_id -> {worker: highest successful seq}
    ok_count = 0
    for user_id, worker, seq, kind, ok, start_ms, latency in writes:
        bucket = per_second.setdefault(int(start_ms // 1000), [0, 0, 0.0])
        bucket[0] += 1
        bucket[1] += 0 if ok else 1
        bucket[2] = max(bucket[2], latency)
        if not ok:
            continue
        ok_count += 1
        if kind in ("account", "tx"):
            upserts[user_id] = upserts.get(user_id, 0) + 1
            by_worker = last.setdefault(user_id, {})
            if seq > by_worker.get(worker, 0):
                by_worker[worker] = seq

    log = {
        "version": 1,
        "started_at": round(started_at, 3),
        "seconds": round(seconds, 3),
        "stopped_by": stopped_by[0],
        "workers": args.workers,
        "keys": args.keys,
        "seed": args.seed,
        "rate": args.rate,
        "count": len(writes),
        "ok": ok_count,
        "error_count": len(errors),
        "reconnects": reconnects,
        "latency_ms": {
            "p50": percentile(latencies, 0.50),
            "p90": percentile(latencies, 0.90),
            "p99": percentile(latencies, 0.99),
            "max": latencies[-1] if latencies else None,
            "mean": round(sum(latencies) / len(latencies), 3) if latencies else None,
        },
        "per_second_max_latency": [[s, b[0], b[1], b[2]] for s, b in sorted(per_second.items())],
        "errors": errors,
        "account_upserts": {str(u): n for u, n in sorted(upserts.items())},
        "account_last_candidates": {str(u): sorted([w, s] for w, s in by.items()) for u, by in sorted(last.items())},
        "writes": writes,
    }
    tmp = f"{args.log}.tmp{os.getpid()}"
    with open(tmp, "w") as out:
        json.dump(log, out, separators=(",", ":"))
    os.replace(tmp, args.log)

    lat = log["latency_ms"]
    rate = len(writes) / seconds if seconds > 0 else 0.0
    print(f"count={len(writes)} errors={len(errors)} p50_ms={lat['p50']} p99_ms={lat['p99']} max_ms={lat['max']} "
          f"seconds={seconds:.1f} writes_per_second={rate:.0f} reconnects={reconnects} stopped_by={stopped_by[0]}",
          flush=True)
    if hung:
        # A worker is stuck inside the driver: do not wait for it at interpreter exit.
        sys.stderr.flush()
        os._exit(0)


def verify(args):
    examples = args.examples
    with open(args.log) as f:
        log = json.load(f)
    # --also-log: more generator runs against the same tables (distinct --worker-base), checked together.
    for extra_path in args.also_log:
        with open(extra_path) as f:
            extra = json.load(f)
        log["writes"] = log["writes"] + extra["writes"]
        log["count"] += extra["count"]
        log["error_count"] += extra["error_count"]
        for user, count in extra["account_upserts"].items():
            log["account_upserts"][user] = log["account_upserts"].get(user, 0) + count
        for user, pairs in extra["account_last_candidates"].items():
            log["account_last_candidates"][user] = log["account_last_candidates"].get(user, []) + pairs

    expected_events = set()
    failed_events = set()
    for user_id, worker, seq, kind, ok, *_ in log["writes"]:
        if kind in ("event", "tx"):
            (expected_events if ok else failed_events).add((user_id, worker, seq))
    expected_balance = {int(u): n for u, n in log["account_upserts"].items()}
    candidates = {int(u): [tuple(c) for c in cs] for u, cs in log["account_last_candidates"].items()}

    shard_errors = {}
    shard_counts = {}
    event_rows = {}  # key -> [shard, ...]
    value_mismatches = []
    account_rows = {}  # user_id -> [(shard, balance, last_worker, last_seq), ...]
    for spec in args.shard_dsn:
        name, _, dsn = spec.partition("=")
        try:
            with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
                events = conn.execute("SELECT user_id, worker, seq, value FROM rb_events").fetchall()
                accounts = conn.execute("SELECT user_id, balance, last_worker, last_seq FROM rb_accounts").fetchall()
        except Exception as error:  # noqa: BLE001 - reported, the caller asserts
            shard_errors[name] = f"{type(error).__name__}: {str(error).strip()}"
            continue
        shard_counts[name] = {"events": len(events), "accounts": len(accounts)}
        for user_id, worker, seq, value in events:
            key = (user_id, worker, seq)
            event_rows.setdefault(key, []).append(name)
            if value != event_value(user_id, worker, seq):
                value_mismatches.append({"key": list(key), "shard": name, "value": value,
                                         "expected": event_value(user_id, worker, seq)})
        for user_id, balance, last_worker, last_seq in accounts:
            account_rows.setdefault(user_id, []).append((name, balance, last_worker, last_seq))

    def summary(items):
        return {"count": len(items), "examples": items[:examples]}

    event_duplicates = [{"key": list(k), "shards": s} for k, s in sorted(event_rows.items()) if len(s) > 1]
    missing = [list(k) for k in sorted(expected_events - event_rows.keys())]
    unexpected_keys = sorted(k for k in event_rows if k not in expected_events)
    unexpected = {
        "count": len(unexpected_keys),
        "logged_failed": sum(1 for k in unexpected_keys if k in failed_events),
        "examples": [{"key": list(k), "shards": event_rows[k]} for k in unexpected_keys[:examples]],
    }

    account_duplicates = [{"user_id": u, "shards": [r[0] for r in rows]}
                          for u, rows in sorted(account_rows.items()) if len(rows) > 1]
    missing_users = sorted(u for u in expected_balance if u not in account_rows)
    unexpected_users = [{"user_id": u, "shards": [r[0] for r in rows]}
                        for u, rows in sorted(account_rows.items()) if u not in expected_balance]
    balance_mismatches = []
    last_mismatches = []
    for user_id in sorted(set(expected_balance) | set(account_rows)):
        rows = account_rows.get(user_id, [])
        found = sum(r[1] for r in rows)
        want = expected_balance.get(user_id, 0)
        if found != want:
            balance_mismatches.append({"user_id": user_id, "expected": want, "found": found,
                                       "shards": [r[0] for r in rows]})
        for name, _balance, last_worker, last_seq in rows:
            if (last_worker, last_seq) not in candidates.get(user_id, []):
                last_mismatches.append({"user_id": user_id, "shard": name, "found": [last_worker, last_seq],
                                        "candidates": [list(c) for c in candidates.get(user_id, [])]})

    report = {
        "shard_errors": shard_errors,
        "shards": shard_counts,
        "log": {
            "count": log["count"],
            "error_count": log["error_count"],
            "ok_events": len(expected_events),
            "ok_account_upserts": sum(expected_balance.values()),
        },
        "events": {
            "expected": len(expected_events),
            "found": len(event_rows),
            "duplicates": summary(event_duplicates),
            "missing": summary(missing),
            "unexpected": unexpected,
            "value_mismatches": summary(value_mismatches),
        },
        "accounts": {
            "expected_users": len(expected_balance),
            "found_users": len(account_rows),
            "duplicates": summary(account_duplicates),
            "missing": summary(missing_users),
            "unexpected": summary(unexpected_users),
            "balance_mismatches": summary(balance_mismatches),
            "last_mismatches": summary(last_mismatches),
        },
    }
    problems = [report["events"][k]["count"] for k in ("duplicates", "missing", "unexpected", "value_mismatches")]
    problems += [report["accounts"][k]["count"]
                 for k in ("duplicates", "missing", "unexpected", "balance_mismatches", "last_mismatches")]
    report = {"ok": not shard_errors and not any(problems), **report}
    print(json.dumps(report, separators=(",", ":")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dsn", help="libpq URL of pgring (generator)")
    parser.add_argument("--log", required=True, help="the JSON log (written by the generator, read by --verify)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keys", type=int, default=2000, help="user IDs are drawn from 1..K")
    parser.add_argument("--stop-file", help="stop when this file exists")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="hard time limit")
    parser.add_argument("--rate", type=float, help="writes per second per worker (default: as fast as possible)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker-base", type=int, default=0,
                        help="the first worker number (runs against the same tables need distinct ranges)")
    parser.add_argument("--also-log", action="append", default=[], metavar="FILE",
                        help="(--verify) more logs of earlier runs against the same tables, checked together")
    parser.add_argument("--grace-seconds", type=float, default=30.0,
                        help="how long to wait for the writes in progress after the stop")
    parser.add_argument("--verify", action="store_true", help="check the shards against the log")
    parser.add_argument("--shard-dsn", action="append", default=[], metavar="NAME=URL",
                        help="a shard primary (repeat; --verify)")
    parser.add_argument("--examples", type=int, default=20, help="examples per problem in the report (--verify)")
    args = parser.parse_args()
    if args.verify:
        if not args.shard_dsn or any("=" not in s for s in args.shard_dsn):
            parser.error("--verify needs at least one --shard-dsn NAME=URL")
        verify(args)
    else:
        if not args.dsn:
            parser.error("the generator needs --dsn")
        if args.workers < 1 or args.keys < 1 or (args.rate is not None and args.rate <= 0):
            parser.error("--workers, --keys and --rate must be positive")
        generate(args)


if __name__ == "__main__":
    main()
