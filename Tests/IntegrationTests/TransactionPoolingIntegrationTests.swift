import Config
import Foundation
import PGRingServer
import Testing

/// Transaction and statement pooling against the real cluster, through psql, pgbench, psycopg 3 and asyncpg.
/// pgring serves shard 1's primary here (the shards are listed in reverse) so pgbench's tables do not collide
/// with the session-mode suite, which runs in parallel on shard 0.
@Suite("Transaction pooling through real clients", .serialized)
struct TransactionPoolingIntegrationTests {
    static func start(mode: PoolMode = .transaction, poolSize: Int, _ configure: @escaping (inout PGRingConfiguration) -> Void = { _ in }) async throws -> ProxyHarness {
        try await ProxyHarness.start {
            $0.shards = Array($0.shards.reversed())
            $0.pool.mode = mode
            $0.pool.size = poolSize
            $0.pool.maxIdle = poolSize
            // Pooling, not routing, is under test: every statement on the (default) shard's primary, so
            // clients really share the few connections of one pool.
            $0.routing.replicaReads = false
            configure(&$0)
        }
    }

    @Test("pgbench -M simple, extended and prepared: 200 clients over 10 server connections")
    func pgbench200Clients() async throws {
        let cluster = try TestCluster.current()
        // A database of its own on shard 1, so that the server connections counted at the end are this proxy's
        // (other suites, running in parallel, keep connections to database app on the same server).
        let exists = try await PSQL.run(cluster.directURL(shard: 1), "SELECT count(*) FROM pg_database WHERE datname = 'txpool'")
        if exists.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0" {
            let created = try await PSQL.run(cluster.directURL(shard: 1), "CREATE DATABASE txpool")
            #expect(created.status == 0, "\(created)")
        }
        let direct = "postgresql://app:app@127.0.0.1:\(cluster.primaryPort(shard: 1))/txpool?sslmode=disable"
        let initialize = try await Command.run("pgbench", ["-i", "-s", "1", "-q", direct], timeout: 300)
        #expect(initialize.status == 0, "\(initialize)")
        let proxy = try await Self.start(poolSize: 10) { $0.databases = [DatabaseConfiguration(name: "app", serverDatabase: "txpool")] }
        // -S (one SELECT) in every mode, and -N (BEGIN, UPDATE, SELECT, INSERT, END: multi-statement
        // transactions) in simple and extended mode, 200 clients each.
        let runs = [("simple", "-S"), ("extended", "-S"), ("prepared", "-S"), ("simple", "-N"), ("extended", "-N")]
        for (mode, script) in runs {
            let result = try await Command.run(
                "pgbench", ["-n", script, "-M", mode, "-c", "200", "-j", "2", "-t", "25", proxy.url()], timeout: 600)
            #expect(result.status == 0, "\(mode) \(script): \(result)")
            #expect(result.stdout.contains("number of transactions actually processed: 5000/5000"), "\(mode) \(script): \(result)")
        }
        // -N -M prepared: pgbench 15 prepares each statement synchronously (PQprepare) the first time it
        // runs it, inside the transaction, blocking its whole thread; with several clients per thread and
        // fewer server connections than clients, the clients of a blocked thread keep their transactions
        // (and server connections) open and the thread never gets one: a client-side deadlock under any
        // transaction pooler. One thread per client avoids it.
        let prepared = try await Command.run(
            "pgbench", ["-n", "-N", "-M", "prepared", "-c", "20", "-j", "20", "-t", "50", proxy.url()], timeout: 600)
        #expect(prepared.status == 0, "prepared -N: \(prepared)")
        #expect(prepared.stdout.contains("number of transactions actually processed: 1000/1000"), "prepared -N: \(prepared)")
        let servers = try await PSQL.run(
            cluster.directURL(shard: 1), "SELECT count(*) FROM pg_stat_activity WHERE datname = 'txpool' AND backend_type = 'client backend'")
        await proxy.stop()
        let count = Int(servers.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect((0...10).contains(count), "pgring must not open more than pool.size server connections: \(servers)")
    }

    @Test("psycopg 3 with prepare_threshold=0: 30 clients over 4 server connections")
    func psycopgPrepared() async throws {
        let proxy = try await Self.start(poolSize: 4)
        let result = try await PythonClient.run("txmode_checks.py", ["psycopg_prepared", proxy.url(), "30"], timeout: 300)
        await proxy.stop()
        #expect(result.status == 0 && result.stdout.contains("ok psycopg_prepared"), "\(result)")
    }

    @Test("asyncpg (prepared statements, transactions, executemany): 20 clients over 4 server connections")
    func asyncpgClients() async throws {
        let proxy = try await Self.start(poolSize: 4)
        let result = try await PythonClient.run("txmode_checks.py", ["asyncpg", proxy.url(), "20"], timeout: 300)
        await proxy.stop()
        #expect(result.status == 0 && result.stdout.contains("ok asyncpg"), "\(result)")
    }

    @Test("a client never runs in another client's settings or prepared statements (one shared server connection)")
    func isolation() async throws {
        let proxy = try await Self.start(poolSize: 1)
        let result = try await PythonClient.run("txmode_checks.py", ["isolation", proxy.url()])
        await proxy.stop()
        #expect(result.status == 0 && result.stdout.contains("ok isolation"), "\(result)")
    }

    @Test("100 concurrent cancels for client A never cancel client B's query")
    func cancelIsolation() async throws {
        let proxy = try await Self.start(poolSize: 1)
        let result = try await PythonClient.run("txmode_checks.py", ["cancel_isolation", proxy.url(), "100"], timeout: 120)
        await proxy.stop()
        #expect(result.status == 0 && result.stdout.contains("ok cancel_isolation"), "\(result)")
    }

    @Test("LISTEN keeps the client on its server connection: every notification arrives")
    func listen() async throws {
        let proxy = try await Self.start(poolSize: 2)
        let result = try await PythonClient.run("txmode_checks.py", ["listen", proxy.url()])
        await proxy.stop()
        #expect(result.status == 0 && result.stdout.contains("ok listen"), "\(result)")
    }

    @Test("psql: temporary table and session settings across statements in transaction mode")
    func psqlSessionState() async throws {
        let proxy = try await Self.start(poolSize: 2)
        let script = """
            SET search_path = pg_temp, public;
            CREATE TEMP TABLE notes (id int);
            INSERT INTO notes VALUES (1), (2);
            SELECT sum(id) FROM notes;
            SHOW search_path;
            """
        let result = try await PSQL.script(proxy.url(), script)
        await proxy.stop()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.split(separator: "\n").map(String.init) == ["3", "pg_temp, public"], "\(result)")
    }

    @Test("statement mode refuses a transaction block with a clear error")
    func statementMode() async throws {
        let proxy = try await Self.start(mode: .statement, poolSize: 2)
        let single = try await PSQL.run(proxy.url(), "SELECT 40 + 2")
        let block = try await PSQL.script(proxy.url(), "BEGIN;\nSELECT 1;\nCOMMIT;\n")
        await proxy.stop()
        #expect(single.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "42", "\(single)")
        #expect(block.status != 0, "\(block)")
        #expect(block.stderr.contains("transaction blocks are not allowed in statement pooling mode"), "\(block)")
    }

    @Test("a client that disconnects mid-transaction: its server connection is not reused with the transaction open")
    func disconnectMidTransaction() async throws {
        let cluster = try TestCluster.current()
        _ = try await PSQL.run(cluster.directURL(shard: 1), "DROP TABLE IF EXISTS tx_abandon; CREATE TABLE tx_abandon (id int)")
        let proxy = try await Self.start(poolSize: 1)
        // psql exits at the end of the script with the transaction still open.
        let abandoned = try await PSQL.script(proxy.url(), "BEGIN;\nINSERT INTO tx_abandon VALUES (1);\n")
        let next = try await PSQL.run(proxy.url(), "SELECT count(*) FROM tx_abandon")
        let status = try await PSQL.run(proxy.url(), "SELECT now() = statement_timestamp()")
        await proxy.stop()
        #expect(abandoned.status == 0, "\(abandoned)")
        #expect(next.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "the abandoned insert must be rolled back: \(next)")
        #expect(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "t", "the next client must not run inside the old transaction: \(status)")
    }

    @Test("10,000 client connections at once over 4 server connections, every one still answers")
    func tenThousandClients() async throws {
        let proxy = try await Self.start(poolSize: 4) { $0.pgring.maxClientConnections = 10_100 }
        let result = try await PythonClient.run(
            "many_clients.py", ["127.0.0.1", "\(proxy.port)", "10000", "--pid", "\(ProcessInfo.processInfo.processIdentifier)"], timeout: 600)
        await proxy.stop()
        #expect(result.status == 0 && result.stdout.contains("ok connected=10000"), "\(result)")
    }

    @Test("max_client_conn: the client over the limit gets FATAL 53300; per-user limits too")
    func clientLimits() async throws {
        let proxy = try await Self.start(poolSize: 2) {
            $0.pgring.maxClientConnections = 3
            $0.users = [UserConfiguration(name: "app", password: "app", maxClientConnections: 2)]
        }
        let result = try await PythonClient.run("many_clients.py", ["127.0.0.1", "\(proxy.port)", "3"])
        let global = try await PythonClient.run("many_clients.py", ["127.0.0.1", "\(proxy.port)", "4"])
        await proxy.stop()
        #expect(result.stdout.contains("FAIL: 1 of 3 connections failed") && result.stdout.contains("53300"), "\(result)")
        #expect(result.stdout.contains("too many connections for user"), "\(result)")
        #expect(global.stdout.contains("53300"), "\(global)")
    }

    @Test("idle_transaction_timeout ends a client idle inside a transaction, not one whose query runs long")
    func idleTransactionTimeout() async throws {
        let proxy = try await Self.start(poolSize: 1) { $0.pool.idleTransactionTimeout = 0.5 }
        // psql's \\! runs a shell command: the client sends nothing for 1 s inside the transaction.
        let idle = try await PSQL.script(proxy.url(), "BEGIN;\nSELECT 'before';\n\\! sleep 1\nSELECT 'after';\n", onErrorStop: false)
        let busy = try await PSQL.script(proxy.url(), "BEGIN;\nSELECT pg_sleep(1);\nSELECT 'done';\nCOMMIT;\n")
        let next = try await PSQL.run(proxy.url(), "SELECT now() = statement_timestamp()")
        await proxy.stop()
        #expect(idle.stdout.contains("before") && !idle.stdout.contains("after"), "\(idle)")
        #expect(idle.stderr.contains("idle-in-transaction timeout"), "\(idle)")
        #expect(busy.status == 0 && busy.stdout.contains("done"), "a running query is not idleness: \(busy)")
        #expect(next.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "t", "\(next)")
    }

    @Test("liveness check: a connection idle past server_check_delay runs server_check_query; one that fails it is replaced")
    func livenessCheck() async throws {
        let cluster = try TestCluster.current()
        _ = try await PSQL.run(cluster.directURL(shard: 1), "DROP SEQUENCE IF EXISTS pgring_checks; CREATE SEQUENCE pgring_checks")
        let counting = try await Self.start(poolSize: 1) {
            $0.pool.serverCheckDelay = 0.1
            $0.pool.serverCheckQuery = "SELECT nextval('pgring_checks')"
        }
        // The first connection is fresh (no check); each later login finds it idle for 300 ms.
        for _ in 0..<4 {
            try await Task.sleep(for: .milliseconds(300))
            let result = try await PSQL.run(counting.url(), "SELECT 1")
            #expect(result.status == 0, "\(result)")
        }
        await counting.stop()
        let checks = try await PSQL.run(cluster.directURL(shard: 1), "SELECT last_value FROM pgring_checks")
        #expect((Int(checks.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 3, "the check ran before each lease: \(checks)")

        let failing = try await Self.start(poolSize: 1) {
            $0.pool.serverCheckDelay = 0.1
            $0.pool.serverCheckQuery = "SELECT 1/0"
        }
        let first = try await PSQL.run(failing.url(), "SELECT pg_backend_pid()")
        try await Task.sleep(for: .milliseconds(300))
        let second = try await PSQL.run(failing.url(), "SELECT pg_backend_pid()")
        await failing.stop()
        #expect(first.status == 0 && second.status == 0, "\(first) \(second)")
        #expect(first.stdout != second.stdout, "the connection that failed its check was replaced: \(first) \(second)")
    }
}
