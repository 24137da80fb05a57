/// The health of ONE shard's servers, and which of its replicas may take reads: a pure value, fed by the
/// health monitor (which does the I/O) one `ServerCheck` at a time.
///
/// Servers are identified by `String` keys (e.g. `"127.0.0.1:15433"`), so this type does not depend on
/// the configuration model. A replica is in rotation only when its last check shows it reachable, in
/// recovery, with a known replay position, and not lagging beyond the configured limits:
/// - **Bytes lag** = the primary's last known WAL position − the replica's replay position (saturating at
///   0). With no known primary position it is unknown and never bans.
/// - **Seconds lag** = the replica's replay age (`now() - pg_last_xact_replay_timestamp()`), but only
///   while the replica is behind (replay position < the primary's). A caught-up replica on an idle
///   primary replays nothing, so its replay age grows without bound; it is lag 0, not a reason to ban.
///   With no known primary position (or no replay timestamp) it is unknown and never bans.
///
/// A replica's status is decided when its own check is recorded, against the primary's position known
/// at that moment (the primary's previous check). A check of the primary updates that position but moves
/// no replica in or out by itself: pairing a fresh primary position with a replica's older replay age
/// would ban an idle replica for the single write that came between the two checks, until its next check.
///
/// A replica never checked is out of rotation (`ReplicaExclusion.notChecked`).
public struct ShardHealthStateMachine: Sendable {
    /// The lag limits for the shard's replicas.
    public struct Configuration: Sendable, Hashable {
        /// The most WAL bytes a replica may be behind the primary and stay in rotation; 0 = no limit.
        public var maxLagBytes: UInt64
        /// The most seconds a replica that is behind may be since its last replayed commit and stay in
        /// rotation; 0 (or less) = no limit.
        public var maxLagSeconds: Double

        /// Limits as given; the defaults are "no limit".
        public init(maxLagBytes: UInt64 = 0, maxLagSeconds: Double = 0) {
            self.maxLagBytes = maxLagBytes
            self.maxLagSeconds = maxLagSeconds
        }
    }

    /// What is known about one replica.
    struct ReplicaEntry: Sendable {
        /// Its last check; nil before the first.
        var check: ServerCheck?
        /// The primary's position when that check was recorded (what lag is measured against).
        var primaryLSNAtCheck: LSN?
        /// The status the last evaluation gave.
        var status: ReplicaRotationStatus = .outOfRotation(.notChecked)
        /// Lag bytes from the last evaluation; nil when unknown.
        var lagBytes: UInt64?
        /// Lag seconds from the last evaluation; nil when unknown.
        var lagSeconds: Double?
    }

    /// The shard's primary.
    public let primary: String
    /// The shard's replicas, in configuration order (the order of `usableReplicas`).
    public let replicas: [String]
    /// The lag limits; change them with `reconfigure(_:)` so replicas are re-evaluated.
    public private(set) var configuration: Configuration
    /// The primary's last check; nil before the first.
    public private(set) var primaryCheck: ServerCheck?
    /// The primary's last known WAL position: the LSN of its last check that reported one. Kept while
    /// the primary is unreachable: it is still a position the primary had reached.
    public private(set) var primaryLSN: LSN?
    /// Per replica state, keyed by replica.
    var entries: [String: ReplicaEntry]

    /// A shard with `primary` and `replicas`, none checked yet. The keys must be distinct (configuration
    /// validation guarantees it; a duplicate is a bug of ours).
    public init(primary: String, replicas: [String], configuration: Configuration = Configuration()) {
        precondition(!replicas.contains(primary), "primary \(primary) is also listed as a replica")
        precondition(Set(replicas).count == replicas.count, "duplicate replica keys in \(replicas)")
        self.primary = primary
        self.replicas = replicas
        self.configuration = configuration
        self.entries = Dictionary(uniqueKeysWithValues: replicas.map { ($0, ReplicaEntry()) })
    }

    /// Records one check of `server` and returns the rotation changes it causes (at most one, for
    /// `server` itself; none for the primary or for a key not in this shard, which is ignored).
    public mutating func record(_ check: ServerCheck, for server: String) -> [HealthEvent] {
        if server == primary {
            primaryCheck = check
            if let lsn = check.lsn {
                primaryLSN = lsn
            }
            return []
        }
        guard var entry = entries[server] else { return [] }
        entry.check = check
        entry.primaryLSNAtCheck = primaryLSN
        let event = Self.evaluate(&entry, server: server, configuration: configuration)
        entries[server] = entry
        return event.map { [$0] } ?? []
    }

    /// Replaces the lag limits (configuration reload) and re-evaluates every replica's last check under
    /// them; returns the rotation changes, in replica order.
    public mutating func reconfigure(_ configuration: Configuration) -> [HealthEvent] {
        self.configuration = configuration
        var events: [HealthEvent] = []
        for server in replicas {
            guard var entry = entries[server], entry.check != nil else { continue }
            if let event = Self.evaluate(&entry, server: server, configuration: configuration) {
                events.append(event)
            }
            entries[server] = entry
        }
        return events
    }

    /// Whether reads may go to `server` (false for the primary, an unknown key, a never-checked replica).
    public func inRotation(_ server: String) -> Bool {
        entries[server]?.status == .inRotation
    }

    /// The replicas in rotation, in configuration order.
    public var usableReplicas: [String] {
        replicas.filter { inRotation($0) }
    }

    /// The rotation status of a replica; nil for the primary or a key not in this shard.
    public func status(of server: String) -> ReplicaRotationStatus? {
        entries[server]?.status
    }

    /// The last check of `server` (primary or replica); nil before the first or for an unknown key.
    public func lastCheck(of server: String) -> ServerCheck? {
        server == primary ? primaryCheck : entries[server]?.check
    }

    /// The lag of a replica as of its last check, for metrics: WAL bytes behind the primary and seconds
    /// of lag (0 when caught up); each nil when unknown (never checked, unreachable, not in recovery, no
    /// primary position, no replay timestamp), and both nil for the primary or an unknown key.
    public func replicaLag(_ server: String) -> (bytes: UInt64?, seconds: Double?) {
        guard let entry = entries[server] else { return (nil, nil) }
        return (entry.lagBytes, entry.lagSeconds)
    }

    /// The WAL position `server` reported at its last check: the replay position of a replica, the write
    /// position of the primary; nil if never checked, unreachable at the last check, NULL, or unknown key.
    /// The read-your-writes check of `ReplicaChooser` compares it with a session's last write.
    public func replayLSN(of server: String) -> LSN? {
        lastCheck(of: server)?.lsn
    }
}

extension ShardHealthStateMachine {
    /// Decides `entry`'s status and lag from its last check and the primary position recorded with it;
    /// returns the event when the status changes (kinds of exclusion compared, not measured values).
    static func evaluate(_ entry: inout ReplicaEntry, server: String, configuration: Configuration) -> HealthEvent? {
        guard let check = entry.check else { return nil }
        let lag = measureLag(check, primaryLSN: entry.primaryLSNAtCheck)
        entry.lagBytes = lag.bytes
        entry.lagSeconds = lag.seconds
        let newStatus = status(of: check, lag: lag, configuration: configuration)
        let oldStatus = entry.status
        entry.status = newStatus
        switch (oldStatus, newStatus) {
        case (.inRotation, .inRotation):
            return nil
        case (.outOfRotation, .inRotation):
            return .joinedRotation(server: server)
        case (.inRotation, .outOfRotation(let reason)):
            return .leftRotation(server: server, reason: reason)
        case (.outOfRotation(let old), .outOfRotation(let new)):
            return old.label == new.label ? nil : .keptOutOfRotation(server: server, reason: new)
        }
    }

    /// Lag bytes and seconds of a replica check against the primary position `primaryLSN`.
    static func measureLag(_ check: ServerCheck, primaryLSN: LSN?) -> (bytes: UInt64?, seconds: Double?) {
        switch check {
        case .unreachable:
            return (nil, nil)
        case .reachable(let isInRecovery, let lsn, let replayAge):
            guard isInRecovery, let lsn, let primaryLSN else { return (nil, nil) }
            let bytes = primaryLSN.bytes(since: lsn)
            guard lsn < primaryLSN else { return (bytes, 0) }
            // Clock skew between the primary (commit timestamps) and the replica (now()) can make the
            // age negative: treat that as no lag rather than nonsense.
            return (bytes, replayAge.map { max(0, $0) })
        }
    }

    /// The status a check and its lag give under `configuration`, first failing rule wins.
    static func status(
        of check: ServerCheck,
        lag: (bytes: UInt64?, seconds: Double?),
        configuration: Configuration
    ) -> ReplicaRotationStatus {
        switch check {
        case .unreachable(let error):
            return .outOfRotation(.unreachable(error: error))
        case .reachable(let isInRecovery, let lsn, _):
            guard isInRecovery else { return .outOfRotation(.notInRecovery) }
            guard lsn != nil else { return .outOfRotation(.replayPositionUnknown) }
            if configuration.maxLagBytes > 0, let bytes = lag.bytes, bytes > configuration.maxLagBytes {
                return .outOfRotation(.lagBytes(bytes, limit: configuration.maxLagBytes))
            }
            if configuration.maxLagSeconds > 0, let seconds = lag.seconds, seconds > configuration.maxLagSeconds {
                return .outOfRotation(.lagSeconds(seconds, limit: configuration.maxLagSeconds))
            }
            return .inRotation
        }
    }
}
