/// Why a replica is not in a shard's read rotation. A bounded set of kinds (see `label`), each with the
/// measured detail for the log line.
public enum ReplicaExclusion: Sendable, Hashable {
    /// The replica has not been checked yet: it stays out until a first check shows it healthy.
    case notChecked
    /// The last check failed (`ServerCheck.unreachable`); `error` is the monitor's text.
    case unreachable(error: String)
    /// `pg_is_in_recovery()` is false: the replica has been promoted, or the address is not a standby at
    /// all (misconfigured). Reading from it could show data the shard's primary does not have.
    case notInRecovery
    /// In recovery, but `pg_last_wal_replay_lsn()` returned NULL: how far it has replayed is unknown, so
    /// no read can be promised to be fresh enough.
    case replayPositionUnknown
    /// The replica is `bytes` of WAL behind the primary, more than `limit` (`max_lag_bytes`).
    case lagBytes(UInt64, limit: UInt64)
    /// The replica is behind the primary and its last replayed transaction committed `seconds` ago, more
    /// than `limit` (`max_lag_seconds`).
    case lagSeconds(Double, limit: Double)

    /// A short, bounded name of the kind, for metric labels and log keys (no measured values).
    public var label: String {
        switch self {
        case .notChecked: "not_checked"
        case .unreachable: "unreachable"
        case .notInRecovery: "not_in_recovery"
        case .replayPositionUnknown: "replay_position_unknown"
        case .lagBytes: "lag_bytes"
        case .lagSeconds: "lag_seconds"
        }
    }
}

/// Where a replica stands in its shard's read rotation.
public enum ReplicaRotationStatus: Sendable, Hashable {
    /// Reads may go to the replica.
    case inRotation
    /// Reads must not go to the replica, for `reason`.
    case outOfRotation(ReplicaExclusion)
}

/// A change of a replica's rotation status, returned by `ShardHealthStateMachine.record(_:for:)` for
/// the caller to log and count. Repeated checks with the same outcome return no event; a lag value that
/// changes while the replica stays out for the same kind of reason returns none either.
public enum HealthEvent: Sendable, Hashable {
    /// The replica was out of rotation (or never checked) and now takes reads.
    case joinedRotation(server: String)
    /// The replica was in rotation and now is not, for `reason`.
    case leftRotation(server: String, reason: ReplicaExclusion)
    /// The replica was already out of rotation, or never checked, and stays out, for a new kind of
    /// `reason` (its first failed check, or e.g. it became reachable again but is lagging). Not an exit:
    /// count exits with `leftRotation` only.
    case keptOutOfRotation(server: String, reason: ReplicaExclusion)
}
