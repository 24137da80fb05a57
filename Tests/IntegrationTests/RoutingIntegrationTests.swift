import Config
import Foundation
import HashRing
import PGRingServer
import Testing

/// Sharded routing and read/write splitting against the real cluster: 2 shards, each a primary plus a
/// streaming replica. Shard 0's replica here is an extra one (tools/dev-cluster extra-replica, port base+9)
/// that only this suite uses, because the tests stop it and slow it down.
@Suite("Sharded routing, read/write split and read-your-writes", .serialized, .timeLimit(.minutes(5)))
struct RoutingIntegrationTests {
    static let vnodes = 16

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Runs `tools/dev-cluster extra-replica SUB` for shard 0's extra replica.
    static func extraReplica(_ sub: String, _ extra: [String] = []) async throws {
        let cluster = try TestCluster.current()
        let result = try await Command.run(
            "\(repositoryRoot)/tools/dev-cluster",
            ["extra-replica", sub, "--dir", cluster.directory, "--shard", "0", "--port", "\(cluster.basePort + 9)"] + extra,
            timeout: 300)
        guard result.status == 0 else { throw TestSetupError("dev-cluster extra-replica \(sub): \(result)") }
    }

    /// pgring in transaction mode in front of shard 0 (primary + the extra replica) and shard 1 (primary +
    /// its replica), with `tables` sharded by user_id.
    static func start(tables: [String], _ configure: @escaping (inout PGRingConfiguration) -> Void = { _ in }) async throws -> ProxyHarness {
        try await extraReplica("add")
        let cluster = try TestCluster.current()
        return try await ProxyHarness.start {
            $0.pool.mode = .transaction
            $0.pool.size = 8
            $0.pool.maxIdle = 8
            $0.ring.vnodes = Self.vnodes
            $0.shards[0].replicas = [ServerAddress(host: "127.0.0.1", port: cluster.basePort + 9)]
            $0.tables = tables.map { TableConfiguration(name: $0, keyColumn: "user_id") }
            $0.routing.healthCheckInterval = 0.2
            configure(&$0)
        }
    }

    /// The ring the configuration describes.
    static func ring(_ proxy: ProxyHarness) throws -> ConsistentHashRing {
        try ConsistentHashRing(weights: proxy.configuration.shards.map { ($0.name, $0.weight) }, virtualNodes: vnodes)
    }

    /// Runs SQL on shard `i`'s primary directly and returns the output lines.
    static func direct(_ shard: Int, _ sql: String) async throws -> [String] {
        let result = try await PSQL.run(try TestCluster.current().directURL(shard: shard), sql)
        guard result.status == 0 else { throw TestSetupError("psql on shard \(shard): \(result)") }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// (Re)creates a table on every primary.
    static func createTable(_ name: String, columns: String) async throws {
        for shard in 0..<(try TestCluster.current().shards) {
            _ = try await direct(shard, "DROP TABLE IF EXISTS \(name); CREATE TABLE \(name) (\(columns));")
        }
    }

    /// Waits until `sql` through pgring prints `expected` (replica health checks take a round).
    static func eventually(_ proxy: ProxyHarness, _ sql: String, _ expected: String, seconds: Double = 15) async throws -> String {
        var last = ""
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let result = try await PSQL.run(proxy.url(), sql, timeout: 10)
            last = result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : "error: \(result.stderr)"
            if last == expected { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    @Test("5,000 random user IDs inserted with the simple, extended and prepared protocols land on the ring's shard and nowhere else")
    func placement() async throws {
        try await Self.createTable("rt_place", columns: "user_id bigint PRIMARY KEY, proto text NOT NULL")
        let proxy = try await Self.start(tables: ["rt_place"])
        defer { Task { await proxy.stop() } }
        let result = try await PythonClient.run("routing_checks.py", ["insert_keys", proxy.url(), "rt_place", "5000", "42"], timeout: 600)
        #expect(result.status == 0 && result.stdout.hasPrefix("ok"), "\(result)")

        let ring = try Self.ring(proxy)
        var total = 0
        for (index, shard) in proxy.configuration.shards.enumerated() {
            // In SQL: rows whose hash is outside this shard's ring ranges (must be none), and all rows.
            let predicate = try ring.ranges(ofShard: shard.name).map { $0.sqlPredicate(hashExpression: "hashint8extended(user_id, 0)") }.joined(separator: " OR ")
            let lines = try await Self.direct(index, "SELECT count(*) FILTER (WHERE NOT (\(predicate))), count(*), count(DISTINCT proto) FROM rt_place")
            let fields = lines.first?.split(separator: "|").compactMap { Int($0) } ?? []
            #expect(fields.count == 3, "\(lines)")
            guard fields.count == 3 else { continue }
            #expect(fields[0] == 0, "\(fields[0]) rows on \(shard.name) belong to another shard")
            #expect(fields[1] > 1000, "\(shard.name) holds \(fields[1]) rows: both shards must get a share")
            #expect(fields[2] == 3, "every protocol wrote rows on \(shard.name)")
            total += fields[1]
            // And in Swift, with the ring itself, for every key on this shard.
            let keys = try await Self.direct(index, "SELECT user_id FROM rt_place").compactMap { Int64($0) }
            let misplaced = keys.filter { ring.shard(for: .integer($0)).name != shard.name }
            #expect(misplaced.isEmpty, "\(misplaced.prefix(5)) on \(shard.name)")
        }
        #expect(total == 5000, "every row once, nowhere twice: \(total)")
    }

    @Test("reads outside a transaction go to a replica, inside one to the primary; a stopped replica's reads go to the primary and come back")
    func readWriteSplit() async throws {
        let proxy = try await Self.start(tables: [])
        defer { Task { await proxy.stop() } }
        // SELECT pg_is_in_recovery() touches no table: default shard (shard0), a read, so its replica.
        #expect(try await Self.eventually(proxy, "SELECT pg_is_in_recovery()", "t") == "t")
        let block = try await PSQL.script(proxy.url(), "BEGIN;\nSELECT pg_is_in_recovery();\nCOMMIT;\n")
        #expect(block.status == 0 && block.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "f", "\(block)")
        let hinted = try await PSQL.run(proxy.url(), "/* pgring:target=primary */ SELECT pg_is_in_recovery()")
        #expect(hinted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "f", "\(hinted)")

        try await Self.extraReplica("stop")
        // Give the health checks (every 0.2 s) a round to see it, then: every read works, from the primary.
        try await Task.sleep(for: .seconds(1))
        var errors = 0
        var answers: Set<String> = []
        for _ in 0..<50 {
            let result = try await PSQL.run(proxy.url(), "SELECT pg_is_in_recovery()", timeout: 10)
            if result.status != 0 { errors += 1 } else { answers.insert(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        #expect(errors == 0)
        #expect(answers == ["f"], "with the replica down the primary answers: \(answers)")

        try await Self.extraReplica("start")
        #expect(try await Self.eventually(proxy, "SELECT pg_is_in_recovery()", "t", seconds: 30) == "t", "reads return to the replica")
    }

    @Test("read-your-writes: with the replica 2 s behind, 1,000 write-then-read loops read the new value; other sessions still read the replica")
    func readYourWrites() async throws {
        try await Self.createTable("rt_kv", columns: "user_id bigint PRIMARY KEY, v int NOT NULL DEFAULT 0")
        let proxy = try await Self.start(tables: ["rt_kv"])
        defer { Task { await proxy.stop() } }
        let ring = try Self.ring(proxy)
        // A key on shard0, whose replica is the one this suite slows down.
        guard let key = (Int64(1)...100_000).first(where: { ring.shard(for: .integer($0)).name == "shard0" }) else {
            throw TestSetupError("no key on shard0")
        }
        _ = try await Self.direct(0, "INSERT INTO rt_kv VALUES (\(key), 0)")
        #expect(try await Self.eventually(proxy, "SELECT pg_is_in_recovery()", "t") == "t")
        try await Self.extraReplica("delay", ["--delay", "2s"])
        do {
            let loops = try await PythonClient.run("routing_checks.py", ["read_your_writes", proxy.url(), "rt_kv", "\(key)", "1000"], timeout: 600)
            #expect(loops.status == 0 && loops.stdout.hasPrefix("ok"), "\(loops)")
            // A session that wrote nothing reads the replica, which is behind: it sees the old value.
            let elsewhere = try await PythonClient.run("routing_checks.py", ["stale_elsewhere", proxy.url(), "rt_kv", "\(key)"])
            #expect(elsewhere.stdout.contains("ok stale in_recovery=True"), "the delayed replica answered another session: \(elsewhere)")
            // The position carried to another connection makes that one read-your-writes too.
            let carried = try await PythonClient.run("routing_checks.py", ["carried_position", proxy.url(), "rt_kv", "\(key)"])
            #expect(carried.status == 0 && carried.stdout.hasPrefix("ok shard0="), "\(carried)")
        } catch {
            try await Self.extraReplica("delay", ["--delay", "0"])
            throw error
        }
        try await Self.extraReplica("delay", ["--delay", "0"])
    }

    @Test("cross-shard statements and transactions are refused with 0A000 and write nothing")
    func crossShard() async throws {
        try await Self.createTable("rt_cross", columns: "user_id bigint PRIMARY KEY, v int")
        let proxy = try await Self.start(tables: ["rt_cross"])
        defer { Task { await proxy.stop() } }
        let ring = try Self.ring(proxy)
        guard let a = (Int64(1)...100_000).first(where: { ring.shard(for: .integer($0)).name == "shard0" }),
              let b = (Int64(1)...100_000).first(where: { ring.shard(for: .integer($0)).name == "shard1" }) else {
            throw TestSetupError("no keys")
        }
        let statement = try await PSQL.run(proxy.url(), "INSERT INTO rt_cross (user_id, v) VALUES (\(a), 1), (\(b), 1)")
        #expect(statement.status != 0 && statement.stderr.contains("shard"), "\(statement)")

        // A transaction that starts on shard0 and then touches shard1: refused by the server inside the
        // transaction (0A000), so COMMIT rolls back the first insert too.
        let transaction = try await PSQL.script(proxy.url(), """
            \\set VERBOSITY verbose
            BEGIN;
            INSERT INTO rt_cross (user_id, v) VALUES (\(a), 2);
            INSERT INTO rt_cross (user_id, v) VALUES (\(b), 2);
            COMMIT;
            SELECT 'after', count(*) FROM rt_cross WHERE user_id = \(a);
            """, onErrorStop: false)
        #expect(transaction.stderr.contains("0A000"), "\(transaction)")
        #expect(transaction.stderr.contains("pinned to shard shard0"), "\(transaction)")
        #expect(transaction.stdout.contains("ROLLBACK") || transaction.stdout.contains("after|0"), "\(transaction)")
        // A statement with no key for a sharded table is refused with a message naming table and column.
        let noKey = try await PSQL.run(proxy.url(), "SELECT * FROM rt_cross")
        #expect(noKey.status != 0 && noKey.stderr.contains("rt_cross") && noKey.stderr.contains("user_id"), "\(noKey)")
        for shard in 0...1 {
            let count = try await Self.direct(shard, "SELECT count(*) FROM rt_cross")
            #expect(count == ["0"], "nothing written on shard\(shard): \(count)")
        }
    }
}
