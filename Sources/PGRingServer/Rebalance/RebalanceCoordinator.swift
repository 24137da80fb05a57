import Config
import Foundation
import HashRing
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Rebalancing
import Routing

/// Runs online rebalancing jobs inside pgring (docs/rebalancing.md): plans them, checks their preconditions,
/// drives them phase by phase (copy with logical replication, cutover, cleanup), persists each step in the job
/// store, and answers the admin console's REBALANCE commands. One job at a time.
final class RebalanceCoordinator: Sendable {
    struct State {
        var job: RebalanceJob?
        var task: Task<Void, Never>?
        var stopRequested = false
        var nextFreezeID = 1
        var loadError: String?
        /// The plan of the current job (a pure function of its shard lists, built once per job).
        var plan: (job: String, plan: RebalancePlan)?
    }

    unowned let runtime: PGRingRuntime
    let state = NIOLockedValueBox(State())
    let logger: Logger

    init(runtime: PGRingRuntime) {
        self.runtime = runtime
        var logger = runtime.logger
        logger[metadataKey: "component"] = "rebalance"
        self.logger = logger
    }

    /// The job store: `[rebalance] state_file`, relative to the configuration file's directory.
    var store: FileRebalanceJobStore {
        let file = runtime.snapshot.configuration.rebalance.stateFile
        if file.hasPrefix("/") { return FileRebalanceJobStore(path: file) }
        let directory = runtime.configurationPath.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        return FileRebalanceJobStore(path: directory.isEmpty ? file : directory + "/" + file)
    }

    /// The current job (nil when none was ever started here).
    var job: RebalanceJob? { state.withLockedValue { $0.job } }
    /// True while the job's task runs.
    var isRunning: Bool { state.withLockedValue { $0.task != nil } }

    /// At start-up: reads the job store. A job past its cutover makes its new ring the live one (and the
    /// configuration file is brought in line); any other unfinished job waits for `resume` or `abort`.
    func restore() {
        let loaded: RebalanceJob?
        do { loaded = try store.load() } catch {
            logger.error("cannot read the rebalance state; rebalancing is unavailable until it is fixed", metadata: ["error": "\(error)"])
            state.withLockedValue { $0.loadError = "\(error)" }
            return
        }
        guard let job = loaded else { return }
        state.withLockedValue { $0.job = job }
        // Past the cutover the new ring is the truth: always while the job is unfinished; for a finished job
        // only when the file still holds the old ring (its rewrite failed), so later edits of the file win.
        let configured = runningShards.map { "\($0.name)=\($0.weight)" }.sorted()
        let stillOld = configured == job.oldShards.map { "\($0.name)=\($0.weight)" }.sorted()
        if job.resumePhase.isPastCutover, !job.phase.isFinished || stillOld {
            applyLiveRing(shards: job.newShards, version: job.newVersion)
            for (shard, text) in job.replicaFloors { if let lsn = LSN(text) { runtime.health.setReplayFloor(shard: shard, lsn: lsn) } }
            writeConfigurationFile(job)
        }
        if !job.phase.isFinished {
            logger.warning("an unfinished rebalance job was found; `pgringctl rebalance resume` continues it, `abort` undoes it", metadata: [
                "job": "\(job.id)", "phase": "\(job.phase.rawValue)"])
        }
    }

    /// Makes `shards` (ring version `version`) the running shard list and ring: configuration snapshot,
    /// health checks and routing table.
    func applyLiveRing(shards: [ShardSpec], version: Int) {
        var configuration = runtime.snapshot.configuration
        configuration.shards = shards.compactMap { spec in
            guard let primary = try? ServerAddress(parsing: spec.primary) else { return nil }
            return ShardConfiguration(name: spec.name, weight: spec.weight, primary: primary,
                                      replicas: spec.replicas.compactMap { try? ServerAddress(parsing: $0) })
        }
        configuration.ring.version = version
        guard let ring = PGRingRuntime.ring(configuration) else { return }
        runtime.health.reconfigure(configuration)
        runtime.replaceSnapshot(RuntimeSnapshot(configuration: configuration, users: runtime.snapshot.users))
        runtime.setRoutingTable(PGRingRuntime.routingTable(configuration, ring: ring))
        runtime.shardsChanged(configuration)
    }

    /// Writes the job's live shards and ring version to the configuration file (atomically), if pgring was
    /// started from one and it differs.
    func writeConfigurationFile(_ job: RebalanceJob) {
        guard let path = runtime.configurationPath, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let shards = job.liveShards
        do {
            let rewritten = try ConfigurationRewriter.rewrite(text, shards: shards, ringVersion: job.liveVersion)
            guard rewritten != text else { return }
            try ConfigurationRewriter.writeAtomically(rewritten, to: path)
            logger.info("configuration file updated with the new ring", metadata: ["path": "\(path)", "version": "\(job.liveVersion)"])
        } catch {
            logger.error("cannot write the new ring to the configuration file; edit [[shards]] by hand", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// The shards as the running configuration has them.
    var runningShards: [ShardSpec] {
        runtime.snapshot.configuration.shards.map {
            ShardSpec(name: $0.name, weight: $0.weight, primary: $0.primary.description, replicas: $0.replicas.map(\.description))
        }
    }

    /// The configured tables, as a job records them.
    var tables: [TableSpec] {
        runtime.snapshot.configuration.tables.map {
            TableSpec(name: $0.name, keyColumn: $0.keyColumn, keyType: $0.keyType.rawValue, isGlobal: $0.isGlobal)
        }
    }

    /// `job`'s plan: its two rings and the moving ranges, built once per job (every phase and every SHOW
    /// REBALANCE needs it).
    func plan(of job: RebalanceJob) throws -> RebalancePlan {
        if let cached = state.withLockedValue({ $0.plan }), cached.job == job.id { return cached.plan }
        let plan = try job.plan()
        state.withLockedValue { $0.plan = (job.id, plan) }
        return plan
    }

    /// Persists `job` and makes it the current one.
    func save(_ job: RebalanceJob) throws {
        try store.save(job)
        state.withLockedValue { $0.job = job }
    }

    /// Changes the current job with `change`, then persists it.
    @discardableResult
    func update(_ change: (inout RebalanceJob) -> Void) throws -> RebalanceJob {
        guard var job = job else { throw RebalanceFailure("no rebalance job") }
        change(&job)
        try save(job)
        return job
    }

    // MARK: - Commands

    /// REBALANCE START: checks the preconditions, persists a new job and runs it.
    func start(_ operation: RebalanceOperation, copySchema: Bool) async throws -> RebalanceJob {
        if let error = state.withLockedValue({ $0.loadError }) { throw RebalanceFailure("the rebalance state file cannot be read: \(error)") }
        if let current = job, !current.phase.isFinished {
            throw RebalanceFailure("rebalance job \(current.id) (\(current.operation)) is \(current.phase.rawValue); resume or abort it first")
        }
        let plan = try makePlan(operation)
        let connections = makeConnections()
        defer { connections.closeAll() }
        let problems = await checkPreconditions(plan, operation: operation, copySchema: copySchema, connections: connections)
        guard problems.isEmpty else {
            throw RebalanceFailure("the rebalance cannot start:\n" + problems.map { "- \($0)" }.joined(separator: "\n"))
        }
        var id = ""
        for _ in 0..<8 { id.append(String(UInt8.random(in: 0...15), radix: 16)) }
        let configuration = runtime.snapshot.configuration
        var job = RebalanceJob(
            id: id, operation: operation, plan: plan, vnodes: configuration.ring.vnodes, tables: tables,
            database: connections.database, copySchema: copySchema, now: Date())
        job.record("planned: \(operation); \(plan.pairs.count) source/target pairs, \(String(format: "%.3f", plan.movedFraction * 100))% of the keyspace", now: Date())
        try save(job)
        state.withLockedValue { $0.plan = (job.id, plan) }
        launch()
        return job
    }

    /// REBALANCE RESUME: continues an unfinished job from where it stopped.
    func resume() throws -> RebalanceJob {
        guard let current = job else { throw RebalanceFailure("there is no rebalance job to resume") }
        guard !current.phase.isFinished else { throw RebalanceFailure("rebalance job \(current.id) is \(current.phase.rawValue); nothing to resume") }
        guard !isRunning else { throw RebalanceFailure("rebalance job \(current.id) is running already") }
        let job = try update { $0.record("resumed from \($0.resumePhase.rawValue)", now: Date()) }
        launch()
        return job
    }

    /// REBALANCE ABORT: stops the job and undoes what it created; refused once the new ring is live.
    func abort() async throws -> RebalanceJob {
        guard let current = job else { throw RebalanceFailure("there is no rebalance job to abort") }
        guard current.canAbort else {
            throw RebalanceFailure(current.phase.isFinished
                ? "rebalance job \(current.id) is \(current.phase.rawValue) already"
                : "rebalance job \(current.id) is past its cutover: the new ring is live, so it can only go forward (`resume`); to move data back, run a new rebalance")
        }
        await stopTask()
        guard let stopped = job, stopped.canAbort else {
            throw RebalanceFailure("rebalance job \(current.id) reached its cutover while stopping; the new ring is live, so it can only go forward (`resume`)")
        }
        try update { $0.enter(.aborting, now: Date(), note: "abort requested") }
        launch()
        return try await waitForTask()
    }

    /// REBALANCE CLEANUP: drops whatever the last job may have left on the servers (publications,
    /// subscriptions, slots, fence rows) — for a finished job whose cleanup met an unreachable server.
    func cleanup() async throws -> [String] {
        guard let current = job else { throw RebalanceFailure("there is no rebalance job") }
        guard current.phase.isFinished || current.phase == .failed && current.resumePhase == .cleaningUp else {
            throw RebalanceFailure("rebalance job \(current.id) is \(current.phase.rawValue); cleanup runs after it is done or aborted (abort or resume it first)")
        }
        let connections = makeConnections()
        defer { connections.closeAll() }
        return try await dropReplication(current, plan: try plan(of: current), connections: connections, strict: false)
    }

    /// Stops the running task (it ends at its next step) and waits for it.
    func stopTask() async {
        let task = state.withLockedValue { state -> Task<Void, Never>? in
            state.stopRequested = state.task != nil
            return state.task
        }
        await task?.value
        state.withLockedValue { $0.stopRequested = false }
    }

    /// Waits for the running task and returns the job as it left it.
    func waitForTask() async throws -> RebalanceJob {
        await state.withLockedValue { $0.task }?.value
        guard let job else { throw RebalanceFailure("no rebalance job") }
        return job
    }

    var stopRequested: Bool { state.withLockedValue { $0.stopRequested } }

    /// Connections logged in as `[rebalance] user`.
    func makeConnections() -> RebalanceConnections {
        RebalanceConnections(configuration: runtime.snapshot.configuration, group: runtime.group, tlsContext: runtime.serverTLS, logger: logger)
    }

    /// The plan of `operation` on the running ring.
    func makePlan(_ operation: RebalanceOperation) throws -> RebalancePlan {
        let configuration = runtime.snapshot.configuration
        return try RebalancePlan(shards: runningShards, vnodes: configuration.ring.vnodes, version: configuration.ring.version, operation: operation)
    }

    private func launch() {
        state.withLockedValue { state in
            guard state.task == nil else { return }
            state.task = Task { [self] in
                await self.runJob()
                self.state.withLockedValue { $0.task = nil }
            }
        }
    }
}
