import Foundation
import Testing
@testable import PGRingServer

@Suite("Stats metrics (PGRingMetrics)")
struct StatsMetricsTests {
    private func scrape(_ metrics: PGRingMetrics) -> ParsedExposition {
        let parsed = PrometheusTextParser.parse(StatsRendering.prometheusText(metrics: metrics, snapshot: StatsFixtures.twoShards()))
        #expect(parsed.errors.isEmpty, "bad lines: \(parsed.errors)")
        return parsed
    }

    @Test func freshRegistryHasUnlabelledCountersAtZero() {
        let parsed = scrape(PGRingMetrics())
        #expect(parsed.value("pgring_client_connections_opened_total") == 0)
        #expect(parsed.value("pgring_client_connections_closed_total") == 0)
        #expect(parsed.value("pgring_client_received_bytes_total") == 0)
        #expect(parsed.value("pgring_client_sent_bytes_total") == 0)
        for outcome in ["by_key", "by_hint", "no_key_policy", "default"] {
            #expect(parsed.value("pgring_routed_statements_total", ["outcome": outcome]) == 0)
        }
        #expect(parsed.types["pgring_client_connections_opened_total"] == "counter")
    }

    @Test func clientCountersMoveByExactlyWhatWasAdded() {
        let metrics = PGRingMetrics()
        for _ in 0..<5 { metrics.clientConnected() }
        for _ in 0..<2 { metrics.clientDisconnected() }
        let parsed = scrape(metrics)
        #expect(parsed.value("pgring_client_connections_opened_total") == 5)
        #expect(parsed.value("pgring_client_connections_closed_total") == 2)
        #expect(metrics.totals().clientConnectionsOpened == 5)
        #expect(metrics.totals().clientConnectionsClosed == 2)
    }

    @Test func queriesAndTransactionsAreLabelledByShardAndRole() {
        let metrics = PGRingMetrics()
        metrics.queryCompleted(shard: "alpha", role: .primary, seconds: 0.002)
        metrics.queryCompleted(shard: "alpha", role: .primary, seconds: 0.2)
        metrics.queryCompleted(shard: "beta", role: .replica, seconds: 0.003)
        metrics.transactionCompleted(shard: "alpha", role: .primary, seconds: 1.5)
        let parsed = scrape(metrics)
        #expect(parsed.value("pgring_queries_total", ["shard": "alpha", "role": "primary"]) == 2)
        #expect(parsed.value("pgring_queries_total", ["shard": "beta", "role": "replica"]) == 1)
        #expect(parsed.value("pgring_queries_total", ["shard": "beta", "role": "primary"]) == nil)
        #expect(parsed.value("pgring_transactions_total", ["shard": "alpha", "role": "primary"]) == 1)
        #expect(parsed.types["pgring_query_duration_seconds"] == "histogram")
        #expect(parsed.value("pgring_query_duration_seconds_count", ["shard": "alpha", "role": "primary"]) == 2)
        let sum = parsed.value("pgring_query_duration_seconds_sum", ["shard": "alpha", "role": "primary"]) ?? -1
        #expect(abs(sum - 0.202) < 1e-9)
        // 0.002 falls in le=0.0025; 0.2 does not (its bucket is 0.25).
        #expect(parsed.value("pgring_query_duration_seconds_bucket", ["shard": "alpha", "role": "primary", "le": "0.0025"]) == 1)
        #expect(parsed.value("pgring_query_duration_seconds_bucket", ["shard": "alpha", "role": "primary", "le": "0.25"]) == 2)
        #expect(parsed.value("pgring_query_duration_seconds_bucket", ["shard": "alpha", "role": "primary", "le": "+Inf"]) == 2)
        #expect(parsed.value("pgring_transaction_duration_seconds_bucket", ["shard": "alpha", "role": "primary", "le": "1.0"]) == 0)
        let totals = metrics.totals()
        #expect(totals.queries[ShardRoleKey(shard: "alpha", role: .primary)]?.count == 2)
        #expect(totals.transactions[ShardRoleKey(shard: "alpha", role: .primary)]?.count == 1)
    }

    @Test func poolWaitErrorsBytesAndRouting() {
        let metrics = PGRingMetrics()
        metrics.poolWait(pool: "appdb/app@alpha/primary", seconds: 0.01)
        metrics.poolWait(pool: "appdb/app@alpha/primary", seconds: 0)
        metrics.error(sqlState: "40001")
        metrics.error(sqlState: "40P01")
        metrics.error(sqlState: "57014")
        metrics.error(sqlState: "bad")
        metrics.bytes(received: 100, sent: 2500)
        metrics.bytes(received: 23, sent: 0)
        metrics.bytes(received: -7, sent: -7)
        metrics.routed(outcome: .byKey)
        metrics.routed(outcome: .byKey)
        metrics.routed(outcome: .noKeyPolicy)
        let parsed = scrape(metrics)
        #expect(parsed.value("pgring_pool_wait_seconds_count", ["pool": "appdb/app@alpha/primary"]) == 2)
        #expect(parsed.value("pgring_client_errors_total", ["sqlstate_class": "40"]) == 2)
        #expect(parsed.value("pgring_client_errors_total", ["sqlstate_class": "57"]) == 1)
        #expect(parsed.value("pgring_client_errors_total", ["sqlstate_class": "invalid"]) == 1)
        #expect(parsed.value("pgring_client_received_bytes_total") == 123)
        #expect(parsed.value("pgring_client_sent_bytes_total") == 2500)
        #expect(parsed.value("pgring_routed_statements_total", ["outcome": "by_key"]) == 2)
        #expect(parsed.value("pgring_routed_statements_total", ["outcome": "no_key_policy"]) == 1)
        #expect(parsed.value("pgring_routed_statements_total", ["outcome": "by_hint"]) == 0)
        let totals = metrics.totals()
        #expect(totals.receivedBytes == 123)
        #expect(totals.sentBytes == 2500)
        #expect(totals.errorsByClass == ["40": 2, "57": 1, "invalid": 1])
        #expect(totals.routed[.byKey] == 2)
    }

    @Test(arguments: [
        ("40001", "40"), ("0A000", "0A"), ("XX000", "XX"), ("4000", "invalid"), ("400011", "invalid"),
        ("40a01", "invalid"), ("", "invalid"), ("4\"\n01", "invalid"),
    ])
    func sqlStateClassIsBounded(sqlState: String, expected: String) {
        #expect(PGRingMetrics.sqlStateClass(sqlState) == expected)
    }

    @Test func badDurationsAreClampedNotRecordedAsNaN() {
        let metrics = PGRingMetrics()
        metrics.queryCompleted(shard: "alpha", role: .primary, seconds: .nan)
        metrics.queryCompleted(shard: "alpha", role: .primary, seconds: -3)
        let parsed = scrape(metrics)
        #expect(parsed.value("pgring_query_duration_seconds_sum", ["shard": "alpha", "role": "primary"]) == 0)
        #expect(parsed.value("pgring_query_duration_seconds_count", ["shard": "alpha", "role": "primary"]) == 2)
    }

    @Test func concurrentUpdatesAreAllCounted() async {
        let metrics = PGRingMetrics()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for _ in 0..<500 {
                        metrics.queryCompleted(shard: task % 2 == 0 ? "alpha" : "beta", role: .primary, seconds: 0.001)
                        metrics.bytes(received: 1, sent: 2)
                    }
                }
            }
        }
        let parsed = scrape(metrics)
        #expect(parsed.value("pgring_queries_total", ["shard": "alpha", "role": "primary"]) == 2000)
        #expect(parsed.value("pgring_queries_total", ["shard": "beta", "role": "primary"]) == 2000)
        #expect(parsed.value("pgring_client_sent_bytes_total") == 8000)
    }
}
