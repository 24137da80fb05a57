/// What pgring knows about the session state of one server connection shared by transaction pooling: the
/// protocol-level prepared statements it holds (under pgring-wide names) and the settings pgring applied on it.
///
/// Only the client that currently holds the connection reads or changes it (the pool's lease hands it over),
/// so it needs no lock of its own.
public struct ServerSessionState: Sendable, Equatable {
    /// The prepared statements on the server, least recently used first out.
    public var statements: ServerStatementCache
    /// The session settings applied on the server by pgring or by its clients, by canonical lower-cased name:
    /// the SQL that set each one. A name that is absent has the server's default.
    public var settings: [String: String] = [:]

    /// A fresh server session: no statements, default settings.
    public init(maxPreparedStatements: Int) {
        statements = ServerStatementCache(capacity: maxPreparedStatements)
    }

    /// After `DISCARD ALL` (the session-mode reset): nothing prepared, default settings.
    public mutating func discardAll() {
        statements.removeAll()
        settings = [:]
    }
}

/// The pgring-wide names of the prepared statements on one server connection, with least-recently-used
/// eviction once `capacity` is reached (PgBouncer's `max_prepared_statements`).
public struct ServerStatementCache: Sendable, Equatable {
    /// Most statements kept; at least 1.
    public let capacity: Int
    /// Name -> tick of its last use.
    private var lastUse: [String: UInt64] = [:]
    private var tick: UInt64 = 0

    /// An empty cache.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// How many statements are on the server.
    public var count: Int { lastUse.count }

    /// True when the server has the statement.
    public func contains(_ name: String) -> Bool { lastUse[name] != nil }

    /// Marks a statement as used now (no-op when absent).
    public mutating func touch(_ name: String) {
        guard lastUse[name] != nil else { return }
        tick &+= 1
        lastUse[name] = tick
    }

    /// Records that the statement is being prepared on the server. Returns the least recently used statement
    /// that must be closed first to stay within `capacity` (never `name` itself), or nil.
    public mutating func insert(_ name: String) -> String? {
        var evicted: String?
        if lastUse[name] == nil, lastUse.count >= capacity {
            // Linear scan: evictions are rare and the capacity small (default 200).
            evicted = lastUse.min(by: { $0.value < $1.value })?.key
            if let evicted { lastUse[evicted] = nil }
        }
        tick &+= 1
        lastUse[name] = tick
        return evicted
    }

    /// Forgets one statement (it was closed, or preparing it failed).
    public mutating func remove(_ name: String) {
        lastUse[name] = nil
    }

    /// Forgets every statement (`DEALLOCATE ALL`, `DISCARD ALL`).
    public mutating func removeAll() {
        lastUse = [:]
    }
}
