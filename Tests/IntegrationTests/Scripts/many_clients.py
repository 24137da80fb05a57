#!/usr/bin/env python3
"""Opens many client connections to pgring at once and checks they all still answer.

Usage: many_clients.py HOST PORT COUNT [--user U] [--password P] [--database D] [--pid PID]
                       [--concurrency N] [--query-sample K]

A small asyncio client speaking the PostgreSQL protocol itself (StartupMessage, SCRAM-SHA-256, md5 or
trust, simple Query), so 10,000 connections cost little on the client side. Prints one line:
"ok connected=N seconds=S connects_per_second=R rss_before_kib=A rss_idle_kib=B per_client_bytes=C
queries=Q" (rss_* only with --pid: the VmRSS of that process before and after the connections were
opened), or "FAIL: ..." and exits 1.
"""
import argparse
import asyncio
import base64
import functools
import hashlib
import hmac
import os
import struct
import sys
import time


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


@functools.lru_cache(maxsize=16)
def salted_password(password, salt, iterations):
    # Cached: the client side's PBKDF2 would otherwise dominate what this script measures (pgring's cost).
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Client:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    async def message(self):
        header = await self.reader.readexactly(5)
        kind, length = header[:1], struct.unpack("!I", header[1:])[0]
        body = await self.reader.readexactly(length - 4)
        if kind == b"E":
            fields = dict((f[:1], f[1:].decode(errors="replace")) for f in body.split(b"\0") if f)
            raise RuntimeError(f"{fields.get(b'C', '?')}: {fields.get(b'M', '?')}")
        return kind, body

    def send(self, kind, body):
        self.writer.write(kind + struct.pack("!I", len(body) + 4) + body)

    async def login(self, user, password, database):
        params = b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0\0"
        body = struct.pack("!I", 196608) + params
        self.writer.write(struct.pack("!I", len(body) + 4) + body)
        while True:
            kind, body = await self.message()
            if kind == b"R":
                code = struct.unpack("!I", body[:4])[0]
                if code == 0:
                    continue
                if code == 5:
                    salt = body[4:8]
                    inner = hashlib.md5(password.encode() + user.encode()).hexdigest()
                    digest = "md5" + hashlib.md5(inner.encode() + salt).hexdigest()
                    self.send(b"p", digest.encode() + b"\0")
                elif code == 10:
                    await self.scram(password)
                else:
                    raise RuntimeError(f"unsupported authentication request {code}")
            elif kind == b"Z":
                return

    async def scram(self, password):
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = f"n=,r={nonce}"
        initial = ("n,," + first_bare).encode()
        self.send(b"p", b"SCRAM-SHA-256\0" + struct.pack("!I", len(initial)) + initial)
        kind, body = await self.message()
        server_first = body[4:].decode()
        attrs = dict(part.split("=", 1) for part in server_first.split(","))
        salt, iterations, server_nonce = base64.b64decode(attrs["s"]), int(attrs["i"]), attrs["r"]
        salted = salted_password(password, salt, iterations)
        client_key = hmac.new(salted, b"Client Key", "sha256").digest()
        stored_key = hashlib.sha256(client_key).digest()
        final_bare = f"c=biws,r={server_nonce}"
        auth_message = f"{first_bare},{server_first},{final_bare}".encode()
        signature = hmac.new(stored_key, auth_message, "sha256").digest()
        proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature))).decode()
        self.send(b"p", f"{final_bare},p={proof}".encode())
        kind, body = await self.message()  # SASLFinal (verified by a successful login overall)

    async def query(self, sql):
        self.send(b"Q", sql.encode() + b"\0")
        await self.writer.drain()
        rows = []
        while True:
            kind, body = await self.message()
            if kind == b"D":
                count = struct.unpack("!H", body[:2])[0]
                offset, row = 2, []
                for _ in range(count):
                    length = struct.unpack("!i", body[offset:offset + 4])[0]
                    offset += 4
                    row.append(body[offset:offset + length].decode() if length >= 0 else None)
                    offset += max(length, 0)
                rows.append(row)
            elif kind == b"Z":
                return rows

    def close(self):
        try:
            self.send(b"X", b"")
            self.writer.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass


async def main(args):
    semaphore = asyncio.Semaphore(args.concurrency)
    rss_before = rss_kib(args.pid) if args.pid else None

    async def open_one():
        async with semaphore:
            reader, writer = await asyncio.open_connection(args.host, args.port)
            client = Client(reader, writer)
            await asyncio.wait_for(client.login(args.user, args.password, args.database), 60)
            return client

    started = time.monotonic()
    results = await asyncio.gather(*(open_one() for _ in range(args.count)), return_exceptions=True)
    elapsed = time.monotonic() - started
    clients = [r for r in results if isinstance(r, Client)]
    errors = [r for r in results if not isinstance(r, Client)]
    if errors:
        for client in clients:
            client.close()
        fail(f"{len(errors)} of {args.count} connections failed, first: {errors[0]!r}")
    await asyncio.sleep(1.0)
    rss_idle = rss_kib(args.pid) if args.pid else None

    async def ask(index, client):
        async with semaphore:
            rows = await asyncio.wait_for(client.query(f"SELECT {index}"), 60)
            if rows != [[str(index)]]:
                raise RuntimeError(f"connection {index} answered {rows!r}")

    sample = list(enumerate(clients))[:: max(1, args.query_sample)]
    answers = await asyncio.gather(*(ask(i, c) for i, c in sample), return_exceptions=True)
    failures = [a for a in answers if isinstance(a, BaseException)]
    for client in clients:
        client.close()
    if failures:
        fail(f"{len(failures)} of {len(sample)} queries failed, first: {failures[0]!r}")
    line = f"ok connected={len(clients)} seconds={elapsed:.2f} connects_per_second={len(clients) / elapsed:.0f}"
    if rss_before is not None:
        per_client = (rss_idle - rss_before) * 1024 / len(clients)
        line += f" rss_before_kib={rss_before} rss_idle_kib={rss_idle} per_client_bytes={per_client:.0f}"
    print(line + f" queries={len(sample)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--user", default="app")
    parser.add_argument("--password", default="app")
    parser.add_argument("--database", default="app")
    parser.add_argument("--pid", type=int)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--query-sample", type=int, default=1)
    asyncio.run(main(parser.parse_args()))
