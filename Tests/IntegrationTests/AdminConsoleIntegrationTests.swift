import Config
import Foundation
import PGRingServer
import Testing

/// The admin console through psql: every SHOW with its columns, roles checked per command, PAUSE/RESUME
/// holding and releasing transactions without client errors, KILL, SHUTDOWN.
@Suite("Admin console", .serialized, .timeLimit(.minutes(5)))
struct AdminConsoleIntegrationTests {
    static func start(_ configure: @escaping (inout PGRingConfiguration) -> Void = { _ in }) async throws -> ProxyHarness {
        try await ProxyHarness.start {
            $0.pool.mode = .transaction
            $0.pool.size = 4
            $0.pool.maxIdle = 4
            $0.users += [UserConfiguration(name: "admin", password: "admin"), UserConfiguration(name: "stats", password: "stats")]
            $0.pgring.adminUsers = ["admin"]
            $0.pgring.statsUsers = ["stats"]
            configure(&$0)
        }
    }

    /// psql -A (unaligned, with the header line) to the console.
    static func console(_ proxy: ProxyHarness, _ sql: String, user: String = "admin") async throws -> CommandResult {
        try await Command.run(
            "psql", ["-X", "-q", "-A", "-v", "ON_ERROR_STOP=1", "-d", proxy.url(user: user, password: user, database: "pgring"), "-c", sql],
            timeout: 30)
    }

    @Test("every SHOW answers with its documented columns", arguments: [
        ("SHOW HELP", "command|role|description"),
        ("SHOW VERSION", "version"),
        ("SHOW POOLS", "pool|shard|role|server|mode|size|idle|active|connecting|waiting_clients|max_wait_seconds"),
        ("SHOW CLIENTS", "id|user|database|address|state|connected_seconds|server"),
        ("SHOW SERVERS", "id|pool|shard|role|server|state|backend_pid|age_seconds"),
        ("SHOW STATS", "shard|role|transactions|transaction_seconds_total|queries|query_seconds_total"),
        ("SHOW SHARDS", "shard|weight|keyspace_share|role|server|reachable|in_rotation|lag_bytes|lag_seconds|paused"),
        ("SHOW RING", "shard|weight|vnodes|keyspace_share|version|fingerprint"),
        ("SHOW CONFIG", "key|value|reloadable"),
        ("SHOW LISTS", "list|items"),
    ])
    func showColumns(_ command: String, _ header: String) async throws {
        let proxy = try await Self.start()
        defer { Task { await proxy.stop() } }
        // Some traffic first, so pools, servers and stats have rows.
        let traffic = try await PSQL.run(proxy.url(), "SELECT 1")
        #expect(traffic.status == 0, "\(traffic)")
        // Per-transaction metrics reach the registry every 250 ms.
        try await Task.sleep(for: .milliseconds(600))
        let result = try await Self.console(proxy, command, user: "stats")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == header, "\(command): \(result.stdout)")
        switch command {
        case "SHOW SHARDS":
            let shards = proxy.configuration.shards
            #expect(lines.count - 2 == shards.count + shards.reduce(0) { $0 + $1.replicas.count }, "one row per server: \(result.stdout)")
            #expect(lines.contains { $0.hasPrefix("shard0|1|") && $0.contains("|primary|") })
        case "SHOW RING":
            #expect(lines.count - 2 == proxy.configuration.shards.count, "\(result.stdout)")
        case "SHOW POOLS", "SHOW SERVERS":
            #expect(lines.count > 2, "the SELECT 1 left a pool and a server connection: \(result.stdout)")
        case "SHOW CLIENTS":
            #expect(lines.contains { $0.contains("|stats|pgring|") && $0.contains("admin console (stats)") }, "\(result.stdout)")
        case "SHOW CONFIG":
            #expect(lines.contains("pool.mode|transaction|yes"), "\(result.stdout)")
            #expect(!result.stdout.contains("password") && !result.stdout.contains("|app|app"), "no secrets: \(result.stdout)")
        default:
            #expect(lines.count > 2, "\(result.stdout)")
        }
    }

    @Test("roles: a stats user cannot PAUSE, RESUME, KILL, RELOAD or SHUTDOWN; other users cannot use the console; unknown commands are named")
    func roles() async throws {
        let proxy = try await Self.start()
        defer { Task { await proxy.stop() } }
        for command in ["PAUSE", "RESUME", "KILL 1", "RELOAD", "SHUTDOWN"] {
            let result = try await Self.console(proxy, command, user: "stats")
            #expect(result.status != 0 && result.stderr.contains("permission denied"), "\(command): \(result)")
        }
        let app = try await Command.run("psql", ["-X", "-A", "-d", proxy.url(database: "pgring"), "-c", "SHOW POOLS"], timeout: 30)
        #expect(app.status != 0 && app.stderr.contains("may not use the admin console"), "\(app)")
        let unknown = try await Self.console(proxy, "SHOW EVERYTHING")
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown admin command") && unknown.stderr.contains("SHOW HELP"), "\(unknown)")
        // pgring still serves clients after all that.
        let after = try await PSQL.run(proxy.url(), "SELECT 7")
        #expect(after.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "7", "\(after)")
    }

    @Test("PAUSE holds new transactions (no error), RESUME releases them; KILL closes a client; SHUTDOWN stops pgring")
    func pauseResumeKillShutdown() async throws {
        let proxy = try await Self.start()
        defer { Task { await proxy.stop() } }
        let paused = try await Self.console(proxy, "PAUSE")
        #expect(paused.status == 0, "\(paused)")
        // 5 clients start transactions while paused: none finishes until RESUME, none fails.
        let clients = (0..<5).map { i in
            Task { try await PSQL.run(proxy.url(), "SELECT \(i) + 100", timeout: 60) }
        }
        try await Task.sleep(for: .milliseconds(1500))
        let lists = try await Self.console(proxy, "SHOW LISTS")
        #expect(lists.stdout.contains("paused_clients|5"), "every client is held: \(lists.stdout)")
        let resumed = try await Self.console(proxy, "RESUME")
        #expect(resumed.status == 0, "\(resumed)")
        for (i, client) in clients.enumerated() {
            let result = try await client.value
            #expect(result.status == 0 && result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(i + 100)", "\(result)")
        }

        // KILL: a client sleeping in a query is closed.
        let sleeper = Task { try await PSQL.run(proxy.url(), "SELECT pg_sleep(20)", timeout: 60) }
        var id: String?
        for _ in 0..<50 where id == nil {
            try await Task.sleep(for: .milliseconds(100))
            let clientsList = try await Self.console(proxy, "SHOW CLIENTS")
            id = clientsList.stdout.split(separator: "\n").first { $0.contains("|app|app|") && $0.contains("|active|") }?.split(separator: "|").first.map(String.init)
        }
        let killed = try await Self.console(proxy, "KILL \(try #require(id))")
        #expect(killed.status == 0, "\(killed)")
        let sleeperResult = try await sleeper.value
        #expect(sleeperResult.status != 0, "the killed client's psql fails: \(sleeperResult)")

        let shutdown = try await Self.console(proxy, "SHUTDOWN")
        #expect(shutdown.status == 0, "\(shutdown)")
        var refused = false
        for _ in 0..<50 where !refused {
            try await Task.sleep(for: .milliseconds(100))
            refused = try await PSQL.run(proxy.url(), "SELECT 1", timeout: 10).status != 0
        }
        #expect(refused, "pgring stopped accepting after SHUTDOWN")
    }

    @Test("pgringctl against the running pgring: status, pools, shards, stats, clients, servers, ring, pause/resume, text and --json, clear errors")
    func pgringctl() async throws {
        let proxy = try await Self.start()
        defer { Task { await proxy.stop() } }
        let traffic = try await PSQL.run(proxy.url(), "SELECT 1")
        #expect(traffic.status == 0, "\(traffic)")
        let admin = proxy.url(user: "admin", password: "admin", database: "pgring")
        let stats = proxy.url(user: "stats", password: "stats", database: "pgring")

        let status = try await RingIntegrationTests.pgringctl(["status", "--admin", admin])
        #expect(status.status == 0 && status.stdout.contains("pgring") && status.stdout.contains("shard0"), "\(status)")
        for command in ["pools", "shards", "stats", "clients", "servers"] {
            let text = try await RingIntegrationTests.pgringctl([command, "--admin", stats])
            #expect(text.status == 0 && !text.stdout.isEmpty, "\(command): \(text)")
            let json = try await RingIntegrationTests.pgringctl([command, "--admin", stats, "--json"])
            #expect(json.status == 0, "\(command) --json: \(json)")
            let parsed = try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))
            #expect(parsed is [Any], "\(command) --json prints a JSON array: \(json.stdout)")
        }
        let shards = try await RingIntegrationTests.pgringctl(["shards", "--admin", stats, "--json"])
        let rows = (try? JSONSerialization.jsonObject(with: Data(shards.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(rows.contains { $0["shard"] as? String == "shard0" && $0["role"] as? String == "primary" }, "\(shards.stdout)")

        // The live ring locates a key exactly as the offline ring of the same configuration.
        let live = try await RingIntegrationTests.pgringctl(["ring", "locate", "42", "--admin", stats, "--json"])
        let config = try RingIntegrationTests.writeConfig(shards: proxy.configuration.shards.map { ($0.name, $0.weight) })
        let offline = try await RingIntegrationTests.pgringctl(["ring", "locate", "42", "--config", config, "--json"])
        #expect(live.status == 0 && offline.status == 0, "\(live) \(offline)")
        let liveShard = ((try? JSONSerialization.jsonObject(with: Data(live.stdout.utf8))) as? [String: Any])?["shard"] as? String
        let offlineShard = ((try? JSONSerialization.jsonObject(with: Data(offline.stdout.utf8))) as? [String: Any])?["shard"] as? String
        #expect(liveShard != nil && liveShard == offlineShard, "\(live.stdout) vs \(offline.stdout)")

        let pause = try await RingIntegrationTests.pgringctl(["pause", "shard0", "--admin", admin])
        #expect(pause.status == 0 && pause.stdout.contains("PAUSE"), "\(pause)")
        let resume = try await RingIntegrationTests.pgringctl(["resume", "shard0", "--admin", admin, "--json"])
        #expect(resume.status == 0 && resume.stdout.contains("RESUME"), "\(resume)")
        let denied = try await RingIntegrationTests.pgringctl(["pause", "--admin", stats])
        #expect(denied.status == 3 && denied.stderr.contains("permission denied"), "\(denied)")
        let unreachable = try await RingIntegrationTests.pgringctl(["status", "--admin", "postgres://admin:secret@127.0.0.1:1/pgring"])
        #expect(unreachable.status == 2 && unreachable.stderr.contains("cannot reach pgring"), "\(unreachable)")
        #expect(!unreachable.stderr.contains("secret"), "no password in errors: \(unreachable)")
    }

    /// A configuration file for the test cluster with this pool size (and `extra` TOML appended).
    static func writeConfig(_ path: String, poolSize: Int, extra: String = "") throws {
        let cluster = try TestCluster.current()
        var text = """
            [pgring]
            listen_host = "127.0.0.1"
            listen_port = 28791
            admin_users = ["admin"]
            [server]
            user = "app"
            password = "app"
            tls = "disable"
            [pool]
            mode = "transaction"
            size = \(poolSize)
            max_idle = \(poolSize)
            [[databases]]
            name = "app"
            [[users]]
            name = "app"
            password = "app"
            [[users]]
            name = "admin"
            password = "admin"

            """
        for shard in cluster.shardConfigurations {
            text += "[[shards]]\nname = \"\(shard.name)\"\nprimary = \"\(shard.primary)\"\nreplicas = [\(shard.replicas.map { "\"\($0)\"" }.joined(separator: ", "))]\n"
        }
        try (text + extra).write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("RELOAD under pgbench load grows a pool with zero client errors; a broken file and a ring change are refused and the old configuration keeps running")
    func reloadUnderLoad() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-reload-\(UUID().uuidString).toml").path
        try Self.writeConfig(path, poolSize: 2)
        let loaded = try ConfigurationLoader.load(path: path)
        let proxy = try await ProxyHarness.start { $0 = loaded; $0.pgring.listenHost = "127.0.0.1" }
        defer { Task { await proxy.stop() } }
        proxy.runtime.configurationPath = path
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-reload-\(UUID().uuidString).sql").path
        try "SELECT pg_sleep(0.01);\n".write(toFile: script, atomically: true, encoding: .utf8)
        // -t, not -T: pgbench's -T timer is a SIGALRM, which a child of the test process may have blocked.
        let load = Task {
            try await Command.run("pgbench", ["-n", "-f", script, "-c", "20", "-j", "2", "-t", "150", proxy.url()], timeout: 120)
        }
        try await Task.sleep(for: .seconds(2))
        func activeMax() async throws -> Int {
            let pools = try await Self.console(proxy, "SHOW POOLS")
            let rows = pools.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "|", omittingEmptySubsequences: false) }
            return rows.compactMap { $0.count > 7 ? Int($0[7]) : nil }.max() ?? 0
        }
        #expect(try await activeMax() <= 2, "pool size 2 before the reload")
        try Self.writeConfig(path, poolSize: 8)
        let reloaded = try await Self.console(proxy, "RELOAD")
        #expect(reloaded.status == 0, "\(reloaded)")
        var grown = 0
        for _ in 0..<20 where grown <= 2 {
            try await Task.sleep(for: .milliseconds(200))
            grown = try await activeMax()
        }
        #expect(grown > 2, "after RELOAD the pool serves with more than 2 connections: \(grown)")

        // A broken file: refused with the key named; a ring change: refused with the pointer to rebalance.
        try Self.writeConfig(path, poolSize: 8, extra: "[routing]\nmax_replica_lag_bytes = -5\n")
        let broken = try await Self.console(proxy, "RELOAD")
        #expect(broken.status != 0 && broken.stderr.contains("routing.max_replica_lag_bytes"), "\(broken)")
        var ringChange = try String(contentsOfFile: path, encoding: .utf8)
        ringChange = ringChange.replacingOccurrences(of: "[[shards]]\nname = \"shard1\"", with: "[[shards]]\nname = \"shard1\"\nweight = 3")
        try Self.writeConfig(path, poolSize: 8)
        try ringChange.replacingOccurrences(of: "max_replica_lag_bytes = -5", with: "").write(toFile: path, atomically: true, encoding: .utf8)
        let ring = try await Self.console(proxy, "RELOAD")
        #expect(ring.status != 0 && ring.stderr.contains("rebalance"), "\(ring)")

        let result = try await load.value
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("number of transactions actually processed: 3000/3000"), "zero client errors: \(result.stdout)")
        let config = try await Self.console(proxy, "SHOW CONFIG")
        #expect(config.stdout.contains("pool.size|8|"), "the reloaded size is what runs: \(config.stdout)")
    }
}
