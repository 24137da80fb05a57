import Foundation

extension StatsRendering {
    /// The `/stats` body: the snapshot, the running totals and readiness as one JSON object with sorted
    /// snake_case keys:
    ///
    /// - `version`, `started_at` (ISO 8601), `captured_at` (ISO 8601, whole seconds), `captured_at_unix_seconds`
    ///   (Double, sub-second: what rates are computed from), `uptime_seconds`, `ready` (Bool),
    /// - `clients`: `total`, `active`, `idle`, `waiting`,
    /// - `pools[]`: see ``PoolStats``; `shards[]`: see ``ShardStats`` / ``ServerStats``; `ring`: `version`, `fingerprint`, `rebalance`
    ///   (``RebalanceStats``, absent without a job),
    /// - `totals`: `client_connections_opened`, `client_connections_closed`, `client_received_bytes`,
    ///   `client_sent_bytes`, `queries[]` and `transactions[]` (`shard`, `role`, `count`, `seconds_sum`),
    ///   `pool_waits[]` (`pool`, `count`, `seconds_sum`), `errors[]` (`sqlstate_class`, `count`),
    ///   `routed` (`by_key`, `by_hint`, `no_key_policy`, `default`).
    ///
    /// Values not measured are absent, never 0.
    public static func statsJSON(snapshot: StatsSnapshot, totals: MetricsTotals, now: Date = Date()) -> String {
        let document = StatsDocument(snapshot: snapshot, totals: totals, now: now)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(document) else {
            // Only non-finite doubles can fail; they never come from pgring's own counters.
            return #"{"error":"stats could not be encoded"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The JSON document of `/stats` (see ``StatsRendering/statsJSON(snapshot:totals:now:)``).
struct StatsDocument: Encodable {
    let version: String
    let startedAt: Date
    let capturedAt: Date
    let capturedAtUnixSeconds: Double
    let uptimeSeconds: Double
    let ready: Bool
    let clients: ClientCounts
    let pools: [PoolStats]
    let shards: [ShardStats]
    let ring: RingStats
    let totals: TotalsDocument

    init(snapshot: StatsSnapshot, totals: MetricsTotals, now: Date) {
        version = snapshot.version
        startedAt = snapshot.startedAt
        capturedAt = now
        capturedAtUnixSeconds = now.timeIntervalSince1970.finiteOrZero
        uptimeSeconds = max(0, now.timeIntervalSince(snapshot.startedAt)).finiteOrZero
        ready = snapshot.primariesNotKnownReachable.isEmpty
        clients = snapshot.clients
        pools = snapshot.pools.map { pool in
            var pool = pool
            pool.oldestWaitSeconds = pool.oldestWaitSeconds.flatMap { $0.isFinite ? $0 : nil }
            return pool
        }
        shards = snapshot.shards.map { shard in
            var shard = shard
            shard.keyspaceShare = shard.keyspaceShare.finiteOrZero
            shard.replicas = shard.replicas.map { replica in
                var replica = replica
                replica.lagSeconds = replica.lagSeconds.flatMap { $0.isFinite ? $0 : nil }
                return replica
            }
            return shard
        }
        ring = snapshot.ring
        self.totals = TotalsDocument(totals)
    }
}

/// The `totals` object of `/stats`.
struct TotalsDocument: Encodable {
    /// One (shard, role) row of `queries` / `transactions`.
    struct ShardRoleRow: Encodable {
        let shard: String
        let role: ServerRole
        let count: Int64
        let secondsSum: Double
    }
    /// One row of `pool_waits`.
    struct PoolRow: Encodable {
        let pool: String
        let count: Int64
        let secondsSum: Double
    }
    /// One row of `errors`.
    struct ErrorRow: Encodable {
        let sqlstateClass: String
        let count: Int64
    }

    let clientConnectionsOpened: Int64
    let clientConnectionsClosed: Int64
    let clientReceivedBytes: Int64
    let clientSentBytes: Int64
    let queries: [ShardRoleRow]
    let transactions: [ShardRoleRow]
    let poolWaits: [PoolRow]
    let errors: [ErrorRow]
    let routed: [String: Int64]

    init(_ totals: MetricsTotals) {
        clientConnectionsOpened = totals.clientConnectionsOpened
        clientConnectionsClosed = totals.clientConnectionsClosed
        clientReceivedBytes = totals.receivedBytes
        clientSentBytes = totals.sentBytes
        queries = Self.rows(totals.queries)
        transactions = Self.rows(totals.transactions)
        poolWaits = totals.poolWaits.sorted { $0.key < $1.key }.map {
            PoolRow(pool: $0.key, count: $0.value.count, secondsSum: $0.value.secondsSum.finiteOrZero)
        }
        errors = totals.errorsByClass.sorted { $0.key < $1.key }.map { ErrorRow(sqlstateClass: $0.key, count: $0.value) }
        var routed: [String: Int64] = [:]
        for outcome in RoutingOutcome.allCases { routed[outcome.rawValue] = totals.routed[outcome] ?? 0 }
        self.routed = routed
    }

    private static func rows(_ values: [ShardRoleKey: CountAndSum]) -> [ShardRoleRow] {
        values.sorted { ($0.key.shard, $0.key.role.rawValue) < ($1.key.shard, $1.key.role.rawValue) }.map {
            ShardRoleRow(shard: $0.key.shard, role: $0.key.role, count: $0.value.count, secondsSum: $0.value.secondsSum.finiteOrZero)
        }
    }
}

extension Double {
    /// The value, or 0 when it is NaN or infinite (JSON cannot carry those).
    var finiteOrZero: Double { isFinite ? self : 0 }
}
