import NIOConcurrencyHelpers
import Prometheus

/// How a statement was routed to a shard: a small fixed set, so it is a bounded `outcome` label.
public enum RoutingOutcome: String, Sendable, Hashable, CaseIterable, Encodable {
    /// The sharding key was found in the statement and hashed onto the ring.
    case byKey = "by_key"
    /// A routing hint (comment or `SET pgring.shard`) named the shard.
    case byHint = "by_hint"
    /// No key and no hint: the configured no-key policy decided (e.g. broadcast or reject).
    case noKeyPolicy = "no_key_policy"
    /// Single-shard setups or statements that need no shard choice: the default shard.
    case `default` = "default"
}

/// The counters and histograms of pgring, created once at startup in one `PrometheusCollectorRegistry`.
///
/// Every method is cheap and thread-safe: the Prometheus instance for a label set is created on first use and
/// cached in a lock-protected dictionary; the running totals used by `/stats` and the live page are kept under
/// the same lock. Labels are bounded: shard, role, pool (from configuration), SQLSTATE class (two characters),
/// routing outcome. Never a user id, query text or client address.
public final class PGRingMetrics: Sendable {
    /// The registry `/metrics` emits.
    public let registry: PrometheusCollectorRegistry

    /// Latency buckets (seconds) for queries and transactions.
    static let latencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]
    /// Buckets (seconds) for waiting for a pool connection.
    static let poolWaitBuckets: [Double] = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30]

    private let clientsOpened: Counter
    private let clientsClosed: Counter
    private let receivedBytes: Counter
    private let sentBytes: Counter
    private let routedCounters: [RoutingOutcome: Counter]
    private let state = NIOLockedValueBox(MetricsState())

    /// Creates every unlabelled metric now; labelled ones appear on first use.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.clientsOpened = registry.makeCounter(descriptor: Self.clientConnectionsOpenedName)
        self.clientsClosed = registry.makeCounter(descriptor: Self.clientConnectionsClosedName)
        self.receivedBytes = registry.makeCounter(descriptor: Self.receivedBytesName)
        self.sentBytes = registry.makeCounter(descriptor: Self.sentBytesName)
        var routed: [RoutingOutcome: Counter] = [:]
        for outcome in RoutingOutcome.allCases {
            routed[outcome] = registry.makeCounter(descriptor: Self.routedName, labels: [("outcome", outcome.rawValue)])
        }
        self.routedCounters = routed
    }

    /// A client connection was accepted.
    public func clientConnected() {
        clientsOpened.increment()
        state.withLockedValue { $0.totals.clientConnectionsOpened += 1 }
    }

    /// A client connection closed (for any reason).
    public func clientDisconnected() {
        clientsClosed.increment()
        state.withLockedValue { $0.totals.clientConnectionsClosed += 1 }
    }

    /// A transaction (BEGIN..COMMIT/ROLLBACK, or one implicit-transaction statement) ended on `shard`/`role`.
    public func transactionCompleted(shard: String, role: ServerRole, seconds: Double) {
        let seconds = Self.sanitized(seconds)
        let instruments = shardRoleInstruments(shard: shard, role: role, seconds: seconds, transaction: true)
        instruments.counter.increment()
        instruments.histogram.record(seconds)
    }

    /// Several transactions ended on `shard`/`role` (a flush of ``LoopMetricsBuffer``): one lookup, then each
    /// duration recorded.
    public func transactionsCompleted(shard: String, role: ServerRole, seconds: [Double]) {
        guard let first = seconds.first else { return }
        let instruments = shardRoleInstruments(shard: shard, role: role, seconds: Self.sanitized(first), transaction: true)
        if seconds.count > 1 {
            state.withLockedValue { state in
                for value in seconds.dropFirst() {
                    state.totals.transactions[ShardRoleKey(shard: shard, role: role), default: .init()].add(Self.sanitized(value))
                }
            }
        }
        instruments.counter.increment(by: Int64(seconds.count))
        for value in seconds { instruments.histogram.record(Self.sanitized(value)) }
    }

    /// Several clients waited for connections of `pool` (a flush of ``LoopMetricsBuffer``).
    public func poolWaits(pool: String, seconds: [Double]) {
        for value in seconds { poolWait(pool: pool, seconds: value) }
    }

    /// A query (Simple Query, or an extended-protocol Sync cycle) ended on `shard`/`role`.
    public func queryCompleted(shard: String, role: ServerRole, seconds: Double) {
        let seconds = Self.sanitized(seconds)
        let instruments = shardRoleInstruments(shard: shard, role: role, seconds: seconds, transaction: false)
        instruments.counter.increment()
        instruments.histogram.record(seconds)
    }

    /// A client waited `seconds` for a connection of `pool` (record 0 when it got one at once).
    public func poolWait(pool: String, seconds: Double) {
        let seconds = Self.sanitized(seconds)
        let histogram = state.withLockedValue { state -> ValueHistogram in
            state.totals.poolWaits[pool, default: .init()].add(seconds)
            if let existing = state.poolWaitHistograms[pool] { return existing }
            let made = registry.makeValueHistogram(
                descriptor: Self.poolWaitName, labels: [("pool", pool)], buckets: Self.poolWaitBuckets
            )
            state.poolWaitHistograms[pool] = made
            return made
        }
        histogram.record(seconds)
    }

    /// An ErrorResponse with `sqlState` went to a client. Labelled by class (first two characters); anything
    /// that is not five characters of [0-9A-Z] counts as class "invalid".
    public func error(sqlState: String) {
        let sqlStateClass = Self.sqlStateClass(sqlState)
        let counter = state.withLockedValue { state -> Counter in
            state.totals.errorsByClass[sqlStateClass, default: 0] += 1
            if let existing = state.errorCounters[sqlStateClass] { return existing }
            let made = registry.makeCounter(descriptor: Self.errorsName, labels: [("sqlstate_class", sqlStateClass)])
            state.errorCounters[sqlStateClass] = made
            return made
        }
        counter.increment()
    }

    /// Bytes read from clients (`received`) and written to clients (`sent`). Negative amounts are ignored.
    public func bytes(received: Int, sent: Int) {
        let received = max(0, received)
        let sent = max(0, sent)
        if received > 0 { receivedBytes.increment(by: Int64(received)) }
        if sent > 0 { sentBytes.increment(by: Int64(sent)) }
        state.withLockedValue {
            $0.totals.receivedBytes &+= Int64(received)
            $0.totals.sentBytes &+= Int64(sent)
        }
    }

    /// A statement was routed with `outcome`.
    public func routed(outcome: RoutingOutcome) {
        routedCounters[outcome]?.increment()
        state.withLockedValue { $0.totals.routed[outcome, default: 0] += 1 }
    }

    /// The running totals, for `/stats` and the live page (the page computes rates from successive values).
    public func totals() -> MetricsTotals {
        state.withLockedValue { $0.totals }
    }

    /// `seconds` clamped to a finite value >= 0 (a clock step must not poison the histograms).
    static func sanitized(_ seconds: Double) -> Double {
        seconds.isFinite ? max(0, seconds) : 0
    }

    /// The SQLSTATE class label for `sqlState`: its first two characters when it is five of [0-9A-Z].
    static func sqlStateClass(_ sqlState: String) -> String {
        let bytes = Array(sqlState.utf8)
        let valid = bytes.count == 5 && bytes.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }
        guard valid else { return "invalid" }
        return String(decoding: bytes[0..<2], as: UTF8.self)
    }

    private func shardRoleInstruments(
        shard: String, role: ServerRole, seconds: Double, transaction: Bool
    ) -> ShardRoleInstruments {
        let key = ShardRoleKey(shard: shard, role: role)
        return state.withLockedValue { state -> ShardRoleInstruments in
            if transaction {
                state.totals.transactions[key, default: .init()].add(seconds)
                if let existing = state.transactionInstruments[key] { return existing }
            } else {
                state.totals.queries[key, default: .init()].add(seconds)
                if let existing = state.queryInstruments[key] { return existing }
            }
            let labels = [("shard", shard), ("role", role.rawValue)]
            let made = ShardRoleInstruments(
                counter: registry.makeCounter(
                    descriptor: transaction ? Self.transactionsName : Self.queriesName, labels: labels
                ),
                histogram: registry.makeValueHistogram(
                    descriptor: transaction ? Self.transactionDurationName : Self.queryDurationName,
                    labels: labels, buckets: Self.latencyBuckets
                )
            )
            if transaction {
                state.transactionInstruments[key] = made
            } else {
                state.queryInstruments[key] = made
            }
            return made
        }
    }
}

/// A (shard, role) label pair: the key of per-shard caches and totals.
public struct ShardRoleKey: Sendable, Hashable {
    /// The shard name.
    public var shard: String
    /// Primary or replica.
    public var role: ServerRole

    public init(shard: String, role: ServerRole) {
        self.shard = shard
        self.role = role
    }
}

/// A count and the sum of the observed seconds: enough to compute a rate and a mean latency between two reads.
public struct CountAndSum: Sendable, Equatable {
    /// How many observations.
    public var count: Int64 = 0
    /// Sum of the observed seconds.
    public var secondsSum: Double = 0

    public init(count: Int64 = 0, secondsSum: Double = 0) {
        self.count = count
        self.secondsSum = secondsSum
    }

    mutating func add(_ seconds: Double) {
        count &+= 1
        if seconds.isFinite { secondsSum += seconds }
    }
}

/// Every running total of ``PGRingMetrics`` at one instant (monotonic since start).
public struct MetricsTotals: Sendable, Equatable {
    /// Client connections accepted.
    public var clientConnectionsOpened: Int64 = 0
    /// Client connections closed.
    public var clientConnectionsClosed: Int64 = 0
    /// Bytes read from clients.
    public var receivedBytes: Int64 = 0
    /// Bytes written to clients.
    public var sentBytes: Int64 = 0
    /// Queries by shard and role.
    public var queries: [ShardRoleKey: CountAndSum] = [:]
    /// Transactions by shard and role.
    public var transactions: [ShardRoleKey: CountAndSum] = [:]
    /// Pool waits by pool.
    public var poolWaits: [String: CountAndSum] = [:]
    /// ErrorResponses sent to clients by SQLSTATE class.
    public var errorsByClass: [String: Int64] = [:]
    /// Routing decisions by outcome.
    public var routed: [RoutingOutcome: Int64] = [:]

    public init() {}
}

/// The mutable part of ``PGRingMetrics``, always accessed under its lock.
private struct MetricsState: Sendable {
    var totals = MetricsTotals()
    var queryInstruments: [ShardRoleKey: ShardRoleInstruments] = [:]
    var transactionInstruments: [ShardRoleKey: ShardRoleInstruments] = [:]
    var poolWaitHistograms: [String: ValueHistogram] = [:]
    var errorCounters: [String: Counter] = [:]
}

/// The counter and histogram of one (shard, role) label set.
private struct ShardRoleInstruments: Sendable {
    let counter: Counter
    let histogram: ValueHistogram
}
