import Config
import Foundation
import PGRingServer
import Testing

/// The stats port in front of the real cluster: Prometheus text that promtool accepts, counters that move by
/// exactly the transactions a test runs, health and readiness, JSON.
@Suite("Stats port", .serialized)
struct StatsIntegrationTests {
    static func get(_ port: Int, _ path: String) async throws -> CommandResult {
        try await Command.run("curl", ["-s", "-S", "-w", "\\n%{http_code}", "http://127.0.0.1:\(port)\(path)"], timeout: 30)
    }

    /// The value of one sample line `name{labels} value` of a Prometheus text exposition.
    static func sample(_ text: String, _ prefix: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
        }
        return nil
    }

    @Test("/metrics: transactions counted per shard and role, promtool accepts the text; /health, /ready, /stats")
    func metrics() async throws {
        let proxy = try await ProxyHarness.start(stats: true) {
            $0.pool.mode = .transaction
            $0.pool.size = 4
        }
        guard let statsPort = proxy.statsPort else { throw TestSetupError("no stats port") }
        let shard = proxy.configuration.shards[0].name
        let primary = "pgring_transactions_total{shard=\"\(shard)\",role=\"primary\"}"
        let replica = "pgring_transactions_total{shard=\"\(shard)\",role=\"replica\"}"
        // Reads outside a transaction go to the default shard's replica once the health checks saw it.
        var recovery = ""
        for _ in 0..<100 where recovery != "t" {
            recovery = try await PSQL.run(proxy.url(), "SELECT pg_is_in_recovery()").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if recovery != "t" { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(recovery == "t")
        try await Task.sleep(for: .milliseconds(800))
        let initial = try await Self.get(statsPort, "/metrics").stdout
        let primaryBefore = Self.sample(initial, primary) ?? 0
        let replicaBefore = Self.sample(initial, replica) ?? 0
        for _ in 0..<5 {
            let result = try await PSQL.run(proxy.url(), "SELECT 1")
            #expect(result.status == 0, "\(result)")
        }
        let block = try await PSQL.run(proxy.url(), "BEGIN; SELECT 1; SELECT 2; COMMIT")
        #expect(block.status == 0, "\(block)")
        // Sessions add per-transaction metrics to a per-event-loop buffer flushed every 250 ms.
        try await Task.sleep(for: .milliseconds(800))
        let metrics = try await Self.get(statsPort, "/metrics")
        #expect(Self.sample(metrics.stdout, replica) == replicaBefore + 5, "5 reads on the replica: \(metrics.stdout.prefix(3000))")
        #expect(Self.sample(metrics.stdout, primary) == primaryBefore + 1, "one block on the primary: \(metrics.stdout.prefix(3000))")
        #expect(metrics.stdout.contains("pgring_replica_in_rotation{shard=\"\(shard)\",role=\"replica\""), "\(metrics.stdout.prefix(3000))")
        #expect(metrics.stdout.hasSuffix("\n200"), "\(metrics.stdout.suffix(200))")
        #expect(metrics.stdout.contains("pgring_pool_connections{"), "\(metrics.stdout.prefix(2000))")

        // promtool (Debian package prometheus, installed by tools/test) must accept the exposition.
        var body = metrics.stdout
        if let cut = body.range(of: "\n200", options: .backwards) { body = String(body[..<cut.lowerBound]) + "\n" }
        let promtool = try await Command.run("promtool", ["check", "metrics"], stdin: body, timeout: 30)
        #expect(promtool.status == 0, "promtool: \(promtool)")

        let health = try await Self.get(statsPort, "/health")
        #expect(health.stdout.hasSuffix("200"), "\(health)")
        var ready = try await Self.get(statsPort, "/ready")
        for _ in 0..<30 where !ready.stdout.hasSuffix("200") {
            try await Task.sleep(for: .milliseconds(200))
            ready = try await Self.get(statsPort, "/ready")
        }
        #expect(ready.stdout.hasSuffix("200"), "every primary is reachable: \(ready)")
        let stats = try await Self.get(statsPort, "/stats")
        #expect(stats.stdout.contains("\"shards\"") && stats.stdout.contains("\"\(shard)\""), "\(stats.stdout.prefix(1000))")
        let page = try await Self.get(statsPort, "/")
        #expect(page.stdout.contains("<html") && !page.stdout.contains("https://"), "\(page.stdout.prefix(300))")
        let missing = try await Self.get(statsPort, "/nope")
        #expect(missing.stdout.hasSuffix("404"), "\(missing)")
        await proxy.stop()
    }

    @Test("tools/grafana/pgring.json: valid JSON whose every panel query is valid PromQL over pgring_ metrics")
    func grafanaDashboard() async throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("tools/grafana/pgring.json").path
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions.count >= 10)
        #expect(expressions.allSatisfy { $0.contains("pgring_") })
        // promtool checks PromQL syntax when the expressions are written as recording rules.
        var rules = "groups:\n- name: dashboard\n  rules:\n"
        for (index, expression) in expressions.enumerated() {
            let quoted = expression.replacingOccurrences(of: "$instance", with: ".*").replacingOccurrences(of: "'", with: "''")
            rules += "  - record: dashboard_check_\(index)\n    expr: '\(quoted)'\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-dashboard-\(UUID().uuidString).yml")
        try rules.write(to: file, atomically: true, encoding: .utf8)
        let result = try await Command.run("promtool", ["check", "rules", file.path], timeout: 30)
        try? FileManager.default.removeItem(at: file)
        #expect(result.status == 0, "\(result)")
    }
}
