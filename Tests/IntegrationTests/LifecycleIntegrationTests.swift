import Foundation
import Testing

/// The pgring executable itself: --check-config and graceful shutdown on SIGTERM.
@Suite("pgring executable lifecycle", .serialized)
struct LifecycleIntegrationTests {
    static func binary() throws -> String {
        guard let binary = ProcessInfo.processInfo.environment["PGRING_BIN"] else {
            throw TestSetupError("PGRING_BIN is not set: run the tests with tools/test")
        }
        return binary
    }

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-\(UUID().uuidString).toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("--check-config lists every problem with its key path and exits non-zero")
    func checkConfigReportsEveryProblem() async throws {
        let path = try Self.write("""
            [pgring]
            listen_port = 70000
            [pool]
            size = 0
            sizee = 3
            [[shards]]
            name = "a"
            weight = -1
            primary = "127.0.0.1:5432"
            [[users]]
            name = "app"
            """)
        let result = try await Command.run(try Self.binary(), ["--check-config", path])
        #expect(result.status != 0)
        for expected in ["pgring.listen_port", "pool.size", "pool.sizee", "shards[0].weight", "users[0]", "databases"] {
            #expect(result.stderr.contains(expected), "missing \(expected) in: \(result.stderr)")
        }
        let good = try await Command.run(try Self.binary(), ["--check-config", URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/pgring.toml").path])
        #expect(good.status == 0, "\(good)")
    }

    @Test("SIGTERM: running sessions finish, new connections are refused, the process exits 0")
    func gracefulShutdown() async throws {
        let cluster = try TestCluster.current()
        // Below the ephemeral port range (32768-60999): a client socket of a concurrent suite cannot hold it.
        let port = Int.random(in: 24_100...24_999)
        let path = try Self.write("""
            [pgring]
            listen_port = \(port)
            shutdown_timeout = 20
            log_level = "warning"
            [stats]
            enabled = false
            [server]
            user = "app"
            password = "app"
            tls = "disable"
            [[databases]]
            name = "app"
            [[users]]
            name = "app"
            password = "app"
            [[shards]]
            name = "shard0"
            primary = "127.0.0.1:\(cluster.primaryPort(shard: 0))"
            """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["--config", path]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let url = "postgresql://app:app@127.0.0.1:\(port)/app?sslmode=disable"
        var ready = false
        for _ in 0..<100 {
            if (try? await PSQL.run(url, "SELECT 1"))?.status == 0 { ready = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(ready, "pgring did not start")

        // A session in the middle of a 3-second query when SIGTERM arrives: wait until the server runs it.
        async let running = PSQL.run(url, "SELECT pg_sleep(3), 'finished'")
        var started = false
        for _ in 0..<100 {
            let active = try await PSQL.run(cluster.directURL(shard: 0),
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%' AND state = 'active'")
            if active.stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "0" { started = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(started, "the long query never started")
        kill(process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        let refused = try await PSQL.run(url, "SELECT 1", timeout: 10)
        let finished = try await running
        #expect(finished.status == 0, "\(finished)")
        #expect(finished.stdout.contains("finished"))
        #expect(refused.status != 0, "a new connection after SIGTERM must be refused")

        let deadline = Date().addingTimeInterval(15)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning, "pgring did not exit after its sessions ended")
        if !process.isRunning {
            #expect(process.terminationStatus == 0)
        }
    }
}
