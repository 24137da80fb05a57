import Foundation

/// Where a rebalance job is. The order is the order of the work; see docs/rebalancing.md for what each
/// phase does and what `resume` and `abort` do from it.
public enum RebalancePhase: String, Codable, Sendable, CaseIterable {
    /// Preconditions checked, nothing created yet.
    case planned
    /// Publications on the sources and subscriptions on the targets are being created.
    case preparing
    /// The targets copy the moving rows, then stream the changes; the job waits until they caught up.
    case copying
    /// Writes of the moving keys are held while the targets apply the last changes; then the ring is swapped.
    case cuttingOver = "cutting_over"
    /// The new ring is live (persisted before the swap); subscriptions and publications are dropped and the
    /// moved rows are deleted from the sources.
    case cleaningUp = "cleaning_up"
    /// Finished.
    case done
    /// An abort undoes what the job created (only before the cutover).
    case aborting
    /// Aborted: placement, data and traffic as before the job.
    case aborted
    /// Stopped by an error; `resume` continues from `failedPhase`, `abort` undoes (before the cutover).
    case failed

    /// True once the new ring is live: from here the job can only go forward.
    public var isPastCutover: Bool { self == .cleaningUp || self == .done }
    /// True when the job has ended (a new one may start after `rebalance cleanup`... or at once).
    public var isFinished: Bool { self == .done || self == .aborted }
}

/// One line of a job's history.
public struct RebalanceEvent: Codable, Sendable, Equatable {
    /// When it happened.
    public var time: Date
    /// What happened.
    public var message: String

    /// Creates an event.
    public init(time: Date, message: String) {
        self.time = time
        self.message = message
    }
}

/// A rebalance job: what it moves, where it is, what it measured. Persisted after every step
/// (``RebalanceJobStore``) so a restarted pgring tells the truth about it and can resume or abort it.
public struct RebalanceJob: Codable, Sendable, Equatable {
    /// A short random identifier (hex), part of the publication/subscription names.
    public var id: String
    /// What the job does.
    public var operation: RebalanceOperation
    /// The shards before and after.
    public var oldShards: [ShardSpec]
    public var newShards: [ShardSpec]
    /// `[ring] vnodes` (nil: the default).
    public var vnodes: Int?
    /// The ring versions before and after.
    public var oldVersion: Int
    public var newVersion: Int
    /// The tables that move (sharded: the moving rows; global: whole, to a new shard).
    public var tables: [TableSpec]
    /// The database on the servers.
    public var database: String
    /// Create missing tables on the targets from the sources' definitions.
    public var copySchema: Bool
    /// Where the job is.
    public var phase: RebalancePhase
    /// The phase an error stopped (when `phase` is `failed`).
    public var failedPhase: RebalancePhase?
    /// The last error.
    public var error: String?
    /// When the job was created and last changed.
    public var createdAt: Date
    public var updatedAt: Date
    /// Cutovers tried so far.
    public var cutoverAttempts: Int = 0
    /// Before the cutover: how long a fence row took from the sources to the targets when the job caught up
    /// (ms) — the part of the pause replication adds; in-flight transactions on the sources add theirs.
    public var expectedPauseMillis: Double?
    /// The last cutover: how long writes of moving keys were held (from the hold to the swap), in ms.
    public var cutoverMillis: Double?
    /// The longest and the 99th-percentile wait of a held write during the successful cutover, in ms, and how many.
    public var heldWritesMaxMillis: Double?
    public var heldWritesP99Millis: Double?
    public var heldWrites: Int?
    /// Per target shard: its primary's WAL position right after the cutover; its replicas serve reads only
    /// once they replayed it (reads never go back in time).
    public var replicaFloors: [String: String] = [:]
    /// Per table: rows deleted from the sources after the cutover.
    public var rowsDeleted: [String: Int] = [:]
    /// The history, oldest first (at most ``maxEvents``).
    public var events: [RebalanceEvent] = []

    /// How many events a job keeps.
    public static let maxEvents = 200

    /// Creates a job in phase `planned`.
    public init(
        id: String, operation: RebalanceOperation, plan: RebalancePlan, vnodes: Int?, tables: [TableSpec], database: String,
        copySchema: Bool, now: Date
    ) {
        self.id = id
        self.operation = operation
        self.oldShards = plan.oldShards
        self.newShards = plan.newShards
        self.vnodes = vnodes
        self.oldVersion = plan.oldRing.version
        self.newVersion = plan.newRing.version
        self.tables = tables
        self.database = database
        self.copySchema = copySchema
        self.phase = .planned
        self.createdAt = now
        self.updatedAt = now
    }

    /// The job's plan, rebuilt from the shard lists (the ranges are a pure function of them).
    public func plan() throws(RebalanceError) -> RebalancePlan {
        try RebalancePlan(oldShards: oldShards, newShards: newShards, vnodes: vnodes, oldVersion: oldVersion, newVersion: newVersion)
    }

    /// Moves to `phase`, noting it in the history.
    public mutating func enter(_ phase: RebalancePhase, now: Date, note: String? = nil) {
        self.phase = phase
        if phase != .failed { failedPhase = nil; error = nil }
        record(note ?? "phase \(phase.rawValue)", now: now)
    }

    /// Stops at an error; `resume` continues from the phase that failed.
    public mutating func fail(_ message: String, now: Date) {
        if phase != .failed { failedPhase = phase }
        phase = .failed
        error = message
        record("failed: \(message)", now: now)
    }

    /// Adds a line to the history.
    public mutating func record(_ message: String, now: Date) {
        updatedAt = now
        events.append(RebalanceEvent(time: now, message: message))
        if events.count > Self.maxEvents { events.removeFirst(events.count - Self.maxEvents) }
    }

    /// The phase work continues from (`failedPhase` for a failed job).
    public var resumePhase: RebalancePhase { phase == .failed ? (failedPhase ?? .planned) : phase }

    /// True when an abort can still undo the job (the new ring is not live).
    public var canAbort: Bool {
        switch resumePhase {
        case .planned, .preparing, .copying, .cuttingOver, .aborting: return phase != .aborted
        case .cleaningUp, .done, .aborted, .failed: return false
        }
    }

    /// The shards whose ring is live: the new one once the cutover committed, else the old one.
    public var liveShards: [ShardSpec] { resumePhase.isPastCutover ? newShards : oldShards }
    /// The live ring version.
    public var liveVersion: Int { resumePhase.isPastCutover ? newVersion : oldVersion }
}
