import NIOCore
import PGWire
import Routing

/// Where each piece of a transaction-mode client's traffic runs when pgring routes by shard and role.
///
/// The client's frames are cut into *units*: a Query, a FunctionCall, or extended-protocol messages up to
/// and including a Sync (PostgreSQL protocol 55.2.3: a Sync ends an implicit transaction, so a unit never
/// spans two). Each unit's statements are routed by ``Router`` (Query text; Bind parameters against the
/// analysis kept from the statement's Parse) and the unit goes whole to one target, is answered by pgring
/// itself, or waits.
///
/// **Transactions.** `BEGIN` outside a transaction is not sent: pgring answers it and holds it (with any
/// SAVEPOINT or SET LOCAL that follows) until a statement picks the shard; then the held statements go first,
/// their answers dropped (``TransactionMultiplexer/frontend(_:server:silentQueries:statusOverride:)``), and
/// the transaction stays on that shard's primary (a `BEGIN READ ONLY` one may use a replica). A statement for
/// another shard inside it is refused *by the server* (a `DO` block raising SQLSTATE 0A000 replaces it), so the
/// server's transaction is aborted exactly as the client is told and nothing reaches the wrong shard.
///
/// **Read-your-writes.** The machine remembers whether the current lease wrote (``takeLeaseWrote()``); the
/// caller then fetches the primary's WAL position and records it (``recordWrite(shard:lsn:)``); reads of that
/// shard must then use a replica that replayed it (``minimumLSN(for:)``).
///
/// Pure: no I/O. The caller feeds it the frames waiting to be sent and what it holds, and performs the
/// returned ``Step``; it calls ``next(_:held:table:)`` again after each step that made progress, after each
/// backend batch and after each lease.
public struct ShardRoutingStateMachine: Sendable {
    /// A shard and the role of the server a unit needs.
    public struct Target: Sendable, Hashable, CustomStringConvertible {
        /// The shard name.
        public var shard: String
        /// Primary or replica.
        public var role: ShardRole

        /// Creates a target.
        public init(shard: String, role: ShardRole) {
            self.shard = shard
            self.role = role
        }

        public var description: String { "\(shard)/\(role.rawValue)" }

        /// True when a unit that needs `other` can run on a server of this target (a primary serves reads too).
        func serves(_ other: Target) -> Bool {
            shard == other.shard && (role == other.role || role == .primary)
        }
    }

    /// What the client holds right now (nil: no server connection).
    public struct Held: Sendable, Equatable {
        /// The target of the held server connection (its real role: a read that fell back to the primary holds
        /// a primary).
        public var target: Target
        /// True when the server still owes answers (ReadyForQuery outstanding or an open pipeline).
        public var isBusy: Bool
        /// True when an extended-protocol message was sent after the last Sync (a pipeline is open).
        public var isUnsynced: Bool
        /// The transaction status of the last ReadyForQuery from the server.
        public var status: TransactionStatus
        /// True when the client must keep this server connection (LISTEN, temporary table, advisory lock...).
        public var isPinned: Bool
        /// True when the connection was leased while the table's current ``WriteFreeze`` was on (the cutover
        /// does not wait for such a lease, so its transaction's writes of moving keys must wait too).
        public var leasedDuringFreeze: Bool

        /// Creates a description of the held server connection.
        public init(target: Target, isBusy: Bool, isUnsynced: Bool, status: TransactionStatus, isPinned: Bool, leasedDuringFreeze: Bool = false) {
            self.target = target
            self.isBusy = isBusy
            self.isUnsynced = isUnsynced
            self.status = status
            self.isPinned = isPinned
            self.leasedDuringFreeze = leasedDuringFreeze
        }
    }

    /// What the caller does next. Steps that consume frames remove them from the pending buffer.
    public enum Step: Sendable, Equatable {
        /// Nothing to do: no frames pending, or the pending unit is not complete yet.
        case idle
        /// The pending unit must wait until the held server has answered (or is given back).
        case wait
        /// Write these bytes to the client (pgring answered the unit itself). `unsentParses` are named Parse
        /// frames of the unit for ``TransactionMultiplexer/registerUnsentParse(_:)``.
        case answer(ByteBuffer, unsentParses: [ByteBuffer])
        /// Get a server connection for this target (the client holds none); frames stay pending.
        case lease(Target)
        /// A rebalance cutover holds this unit (a write of a moving key): wait until the routing table changes,
        /// then call ``next(_:held:table:)`` again; frames stay pending. A held server that is idle may go back.
        case frozen
        /// Send these frames to the held server through the multiplexer, with these silent Queries first and
        /// this status shown in their ReadyForQuery.
        case forward(ByteBuffer, silentQueries: [String], statusOverride: TransactionStatus?)
    }

    /// pgring's view of the client's transaction, beyond what the server reports.
    enum LocalTransaction: Sendable, Equatable {
        /// None of pgring's own (the server's status tells the rest).
        case none
        /// BEGIN answered by pgring; held statements wait for the shard.
        case unpinned(held: [String], isReadOnly: Bool)
        /// An error inside an unpinned transaction: everything but COMMIT/ROLLBACK fails with 25P02.
        case failedUnpinned
        /// The held BEGIN went to this shard with the unit that picked it; until the server reports its status
        /// the transaction counts as pinned here.
        case pinned(String)
    }

    /// What pgring keeps of a client's prepared statement.
    struct StatementInfo: Sendable {
        var analysis: AnalyzedStatement
        var parameterTypes: [UInt32]
        var sql: String
    }

    /// The client's statements by name ("" = unnamed), as of the last unit sent or answered.
    var statements: [String: StatementInfo] = [:]
    var local: LocalTransaction = .none
    /// The session's `SET pgring.*` hints.
    public internal(set) var hints = SessionHints()
    /// Per shard: the WAL position after this client's last write there.
    public internal(set) var lastWrites: [String: LSN] = [:]
    /// Per shard: the position set with `SET pgring.min_lsn`.
    public internal(set) var minimumLSNs: [String: LSN] = [:]
    /// The statements collected from the unit at the head (it is decided again once its lease arrives);
    /// forgotten when a unit is consumed.
    var lastCollected: (bytes: ByteBuffer, routables: [Routable], overlay: [String: StatementInfo])?
    /// The last Query analysed (a unit routed after a lease is decided twice).
    var lastQuery: (sql: String, analysis: AnalyzedStatement)?
    /// True when a unit that writes was sent on the current lease.
    var leaseWrote = false
    /// Why the statements sent since the last ``takeRoutedReasons()`` went where they went.
    var routedReasons: [RouteReason] = []
    /// Reads outside transactions may use replicas (`routing.replica_reads`).
    public let replicaReads: Bool
    /// Most prepared statements remembered per client (a bound for a misbehaving client).
    public static let maxStatements = 10_000

    /// A new client session.
    public init(replicaReads: Bool) {
        self.replicaReads = replicaReads
    }

    /// The smallest replay position a replica of `shard` must have reached to serve this client's reads.
    public func minimumLSN(for shard: String) -> LSN? {
        switch (lastWrites[shard], minimumLSNs[shard]) {
        case (let write?, let minimum?): return max(write, minimum)
        case (let write?, nil): return write
        case (nil, let minimum?): return minimum
        case (nil, nil): return nil
        }
    }

    /// Returns whether a unit that writes was sent on the lease that is ending, and forgets it.
    public mutating func takeLeaseWrote() -> Bool {
        defer { leaseWrote = false }
        return leaseWrote
    }

    /// The reasons of the statements routed since the last call (for the routing metrics), and forgets them.
    public mutating func takeRoutedReasons() -> [RouteReason] {
        guard !routedReasons.isEmpty else { return [] }
        defer { routedReasons.removeAll(keepingCapacity: true) }
        return routedReasons
    }

    /// Records the primary's WAL position after this client's write on `shard`.
    public mutating func recordWrite(shard: String, lsn: LSN) {
        if let previous = lastWrites[shard], previous >= lsn { return }
        lastWrites[shard] = lsn
    }

    /// The next step for the frames in `pending` (consumed frames are removed from it).
    public mutating func next(_ pending: inout ByteBuffer?, held: Held?, table: RoutingTable) -> Step {
        guard let bytes = pending, bytes.readableBytes > 0 else { return .idle }
        if case .pinned = local {
            if held == nil || (held?.status == .idle && held?.isBusy == false) { local = .none }
        }
        guard let unit = Unit.scan(bytes, continuing: held?.isUnsynced == true) else { return .idle }
        let step = decide(unit, held: held, table: table)
        switch step {
        case .answer, .forward:
            pending = unit.length == bytes.readableBytes ? nil : bytes.getSlice(at: bytes.readerIndex + unit.length, length: bytes.readableBytes - unit.length)
        case .idle, .wait, .lease, .frozen:
            break
        }
        return step
    }
}
