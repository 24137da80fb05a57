import Config
import Foundation
import Testing
@testable import PGRingServer

@Suite("Stats rendering")
struct StatsRenderingTests {
    @Test func snapshotGaugesParseAndCarryTheSnapshotValues() {
        let text = StatsRendering.snapshotGaugesText(StatsFixtures.twoShards())
        let parsed = PrometheusTextParser.parse(text)
        #expect(parsed.errors.isEmpty, "bad lines: \(parsed.errors)")
        #expect(parsed.value("pgring_clients", ["state": "active"]) == 3)
        #expect(parsed.value("pgring_clients", ["state": "idle"]) == 5)
        #expect(parsed.value("pgring_clients", ["state": "waiting"]) == 2)
        let alphaPrimary = ["pool": "appdb/app@alpha/primary", "shard": "alpha", "role": "primary", "server": "10.0.0.1:5432"]
        #expect(parsed.value("pgring_pool_connections", alphaPrimary.merging(["state": "idle"]) { $1 }) == 4)
        #expect(parsed.value("pgring_pool_connections", alphaPrimary.merging(["state": "active"]) { $1 }) == 3)
        #expect(parsed.value("pgring_pool_connections", alphaPrimary.merging(["state": "connecting"]) { $1 }) == 1)
        #expect(parsed.value("pgring_pool_size_limit", alphaPrimary) == 20)
        #expect(parsed.value("pgring_pool_waiting_clients", alphaPrimary) == 2)
        #expect(parsed.value("pgring_pool_oldest_wait_seconds", alphaPrimary) == 0.75)
        #expect(parsed.samples(named: "pgring_pool_oldest_wait_seconds").count == 1, "unmeasured wait must be absent")
        #expect(parsed.value("pgring_shard_weight", ["shard": "alpha"]) == 2)
        #expect(parsed.value("pgring_shard_keyspace_share", ["shard": "beta"]) == 0.375)
        #expect(parsed.value("pgring_server_up", ["shard": "alpha", "role": "primary", "server": "10.0.0.1:5432"]) == 1)
        #expect(parsed.value("pgring_server_up", ["shard": "beta", "role": "primary", "server": "10.0.1.1:5432"]) == 0)
        #expect(parsed.value("pgring_server_up", ["shard": "alpha", "role": "replica", "server": "10.0.0.3:5432"]) == nil)
        #expect(parsed.value("pgring_replica_lag_bytes", ["shard": "alpha", "role": "replica", "server": "10.0.0.2:5432"]) == 4096)
        #expect(parsed.value("pgring_replica_lag_seconds", ["shard": "alpha", "role": "replica", "server": "10.0.0.2:5432"]) == 0.5)
        #expect(parsed.samples(named: "pgring_replica_lag_bytes").count == 1, "unmeasured lag must be absent, not 0")
        #expect(parsed.value("pgring_ring_version") == 7)
        #expect(parsed.value("pgring_ring_info", ["fingerprint": "a1b2c3d4e5f60718"]) == 1)
        #expect(parsed.value("pgring_info", ["version": "0.9.1"]) == 1)
        #expect(parsed.value("pgring_start_time_seconds") == 1_800_000_000)
        for (name, type) in parsed.types { #expect(type == "gauge", "\(name)") }
        for sample in parsed.samples { #expect(sample.name.hasPrefix("pgring_")) }
    }

    @Test func rebalanceGaugesFollowTheJob() throws {
        var snapshot = StatsFixtures.twoShards()
        let none = PrometheusTextParser.parse(StatsRendering.snapshotGaugesText(snapshot))
        #expect(none.value("pgring_rebalance_running") == 0)
        #expect(none.samples(named: "pgring_rebalance_info").isEmpty)
        snapshot.ring.rebalance = RebalanceStats(job: "0fab57b6", phase: "cutting_over", running: true, heldClients: 12,
                                                 cutoverAttempts: 2, cutoverPauseSeconds: nil)
        let cutting = PrometheusTextParser.parse(StatsRendering.snapshotGaugesText(snapshot))
        #expect(cutting.errors.isEmpty, "\(cutting.errors)")
        #expect(cutting.value("pgring_rebalance_running") == 1)
        #expect(cutting.value("pgring_rebalance_info", ["job": "0fab57b6", "phase": "cutting_over"]) == 1)
        #expect(cutting.value("pgring_rebalance_held_clients") == 12)
        #expect(cutting.value("pgring_rebalance_cutover_attempts") == 2)
        #expect(cutting.samples(named: "pgring_rebalance_cutover_pause_seconds").isEmpty, "no cutover yet: absent, not 0")
        snapshot.ring.rebalance?.cutoverPauseSeconds = 0.0744
        snapshot.ring.rebalance?.running = false
        let done = PrometheusTextParser.parse(StatsRendering.snapshotGaugesText(snapshot))
        #expect(done.value("pgring_rebalance_cutover_pause_seconds") == 0.0744)
        #expect(done.value("pgring_rebalance_running") == 0)
        let json = StatsRendering.statsJSON(snapshot: snapshot, totals: PGRingMetrics().totals())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rebalance = try #require((object["ring"] as? [String: Any])?["rebalance"] as? [String: Any])
        #expect(rebalance["job"] as? String == "0fab57b6")
        #expect(rebalance["held_clients"] as? Int == 12)
        #expect(rebalance["cutover_pause_seconds"] as? Double == 0.0744)
    }

    @Test func fullScrapeHasOneTypeLinePerFamilyAndNoClash() {
        let metrics = PGRingMetrics()
        metrics.queryCompleted(shard: "alpha", role: .primary, seconds: 0.01)
        let text = StatsRendering.prometheusText(metrics: metrics, snapshot: StatsFixtures.twoShards())
        let parsed = PrometheusTextParser.parse(text)
        #expect(parsed.errors.isEmpty, "bad lines (duplicate TYPE counts as bad): \(parsed.errors)")
        #expect(parsed.types["pgring_queries_total"] == "counter")
        #expect(parsed.types["pgring_clients"] == "gauge")
        #expect(text.hasSuffix("\n"))
    }

    @Test func labelValuesAreEscaped() {
        var snapshot = StatsFixtures.twoShards()
        snapshot.shards[0].name = "we\"ird\\name\nx"
        let parsed = PrometheusTextParser.parse(StatsRendering.snapshotGaugesText(snapshot))
        #expect(parsed.errors.isEmpty, "bad lines: \(parsed.errors)")
        #expect(parsed.value("pgring_shard_weight", ["shard": "we\"ird\\name\nx"]) == 2)
    }

    @Test(arguments: [(1.0, "1"), (0.5, "0.5"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.nan, "NaN"), (-3.0, "-3")])
    func sampleValueFormatting(value: Double, expected: String) {
        #expect(PrometheusTextWriter.format(value) == expected)
    }

    private func jsonObject(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func statsJSONHasTheDocumentedKeys() throws {
        let metrics = PGRingMetrics()
        metrics.queryCompleted(shard: "alpha", role: .replica, seconds: 0.25)
        metrics.queryCompleted(shard: "alpha", role: .replica, seconds: 0.5)
        metrics.error(sqlState: "23505")
        metrics.routed(outcome: .byHint)
        let now = StatsFixtures.startedAt.addingTimeInterval(90)
        let root = try jsonObject(StatsRendering.statsJSON(snapshot: StatsFixtures.twoShards(), totals: metrics.totals(), now: now))
        #expect(Set(root.keys) == ["version", "started_at", "captured_at", "captured_at_unix_seconds", "uptime_seconds", "ready", "clients", "pools", "shards", "ring", "totals"])
        #expect(root["version"] as? String == "0.9.1")
        #expect(root["uptime_seconds"] as? Double == 90)
        #expect(root["captured_at_unix_seconds"] as? Double == 1_800_000_090)
        #expect(root["started_at"] as? String == "2027-01-15T08:00:00Z")
        #expect(root["ready"] as? Bool == false)
        let clients = try #require(root["clients"] as? [String: Int])
        #expect(clients == ["total": 10, "active": 3, "idle": 5, "waiting": 2])
        let pools = try #require(root["pools"] as? [[String: Any]])
        #expect(pools.count == 2)
        #expect(Set(pools[0].keys) == ["pool", "shard", "role", "server", "mode", "size_limit", "idle", "active", "connecting", "waiting_clients", "oldest_wait_seconds"])
        #expect(pools[1]["oldest_wait_seconds"] == nil, "unmeasured wait must be absent")
        #expect(pools[0]["role"] as? String == "primary")
        let shards = try #require(root["shards"] as? [[String: Any]])
        #expect(shards.map { $0["name"] as? String } == ["alpha", "beta"])
        #expect(shards[0]["keyspace_share"] as? Double == 0.625)
        let replicas = try #require(shards[0]["replicas"] as? [[String: Any]])
        #expect(replicas[0]["lag_bytes"] as? Int == 4096)
        #expect(replicas[1]["lag_bytes"] == nil && replicas[1]["lag_seconds"] == nil && replicas[1]["reachable"] == nil)
        let ring = try #require(root["ring"] as? [String: Any])
        #expect(ring["version"] as? Int == 7 && ring["fingerprint"] as? String == "a1b2c3d4e5f60718")
        let totals = try #require(root["totals"] as? [String: Any])
        let queries = try #require(totals["queries"] as? [[String: Any]])
        #expect(queries.count == 1)
        #expect(queries[0]["shard"] as? String == "alpha" && queries[0]["role"] as? String == "replica")
        #expect(queries[0]["count"] as? Int == 2 && queries[0]["seconds_sum"] as? Double == 0.75)
        let errors = try #require(totals["errors"] as? [[String: Any]])
        #expect(errors.count == 1 && errors[0]["sqlstate_class"] as? String == "23" && errors[0]["count"] as? Int == 1)
        let routed = try #require(totals["routed"] as? [String: Int])
        #expect(routed == ["by_key": 0, "by_hint": 1, "no_key_policy": 0, "default": 0])
    }

    @Test func statsJSONReadyWhenAllPrimariesUp() throws {
        let root = try jsonObject(StatsRendering.statsJSON(snapshot: StatsFixtures.allPrimariesUp(), totals: MetricsTotals()))
        #expect(root["ready"] as? Bool == true)
    }

    @Test func pageIsSelfContainedAndNamesTheShards() {
        var snapshot = StatsFixtures.twoShards()
        snapshot.shards[1].name = "<script>beta</script>"
        let html = StatsRendering.statsPage(snapshot: snapshot, totals: MetricsTotals())
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(!html.contains("http://") && !html.contains("https://"), "no external assets")
        #expect(!html.contains("src=") && !html.contains("<link"), "no external scripts or stylesheets")
        #expect(html.contains("alpha"))
        #expect(html.contains("&lt;script&gt;beta&lt;/script&gt;"), "shard name is escaped in markup")
        #expect(!html.contains("<script>beta"), "a shard name cannot open a script element")
        #expect(html.contains("setInterval(poll, 2000)"))
        #expect(html.contains("fetch(\"stats\""))
        // Exactly the two script elements of the page (the initial data and the code).
        #expect(html.components(separatedBy: "</script>").count - 1 == 2)
    }
}

@Suite("Stats snapshot from configuration")
struct StatsSnapshotConfigurationTests {
    @Test func shardStatsFromConfigurationLeavesUnmeasuredValuesNil() {
        let configuration = ShardConfiguration(
            name: "gamma", weight: 3, primary: ServerAddress(host: "::1", port: 5432),
            replicas: [ServerAddress(host: "db-r1", port: 6543)]
        )
        let shard = ShardStats(configuration: configuration, keyspaceShare: 0.25, primaryReachable: false)
        #expect(shard.name == "gamma" && shard.weight == 3 && shard.keyspaceShare == 0.25)
        #expect(shard.primary == ServerStats(address: "[::1]:5432", reachable: false))
        #expect(shard.replicas == [ServerStats(address: "db-r1:6543")])
        #expect(shard.replicas[0].reachable == nil && shard.replicas[0].lagBytes == nil && shard.replicas[0].lagSeconds == nil)
    }

    @Test func reachabilityTargetsAreThePrimaries() {
        var configuration = PGRingConfiguration()
        configuration.shards = [
            ShardConfiguration(name: "a", primary: ServerAddress(host: "h1", port: 1), replicas: [ServerAddress(host: "r", port: 2)]),
            ShardConfiguration(name: "b", primary: ServerAddress(host: "h2", port: 3)),
        ]
        #expect(PrimaryReachability.primaries(of: configuration) == [ServerAddress(host: "h1", port: 1), ServerAddress(host: "h2", port: 3)])
    }
}
