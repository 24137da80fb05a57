/// The result of one health check of one server, as the health monitor reports it.
///
/// The monitor runs, every `health_check_interval`:
/// ```sql
/// SELECT pg_is_in_recovery(),
///        CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
///        CASE WHEN pg_is_in_recovery() THEN extract(epoch from now() - pg_last_xact_replay_timestamp()) END
/// ```
/// (PostgreSQL docs, "Recovery Control Functions" and "Backup Control Functions"), and maps the row, or the
/// failure to get one, to a value of this type.
public enum ServerCheck: Sendable, Hashable {
    /// The query returned a row.
    ///
    /// - `isInRecovery`: `pg_is_in_recovery()`; true on a streaming replica (hot standby), false on a
    ///   primary, and on a replica that has been promoted.
    /// - `lsn`: in recovery, the last WAL position replayed (`pg_last_wal_replay_lsn()`); otherwise the
    ///   current WAL write position (`pg_current_wal_lsn()`). Nil when the function returned NULL.
    /// - `replayAgeSeconds`: in recovery, seconds since the commit time of the last transaction replayed
    ///   (`now() - pg_last_xact_replay_timestamp()`); nil on a primary or when nothing has been replayed
    ///   since the server started. It keeps growing on an idle replica that is fully caught up, so it only
    ///   means lag while the replica is behind the primary.
    case reachable(isInRecovery: Bool, lsn: LSN?, replayAgeSeconds: Double?)
    /// The server could not be checked: connect, authentication or query failure, or timeout. `error` is
    /// the text to log (never a password).
    case unreachable(error: String)
}

extension ServerCheck {
    /// The LSN the check reported: the replay position of a replica, the write position of a primary;
    /// nil when unreachable or NULL.
    public var lsn: LSN? {
        switch self {
        case .reachable(_, let lsn, _): lsn
        case .unreachable: nil
        }
    }
}
