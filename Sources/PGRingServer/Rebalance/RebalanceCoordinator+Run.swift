import Config
import Foundation
import HashRing
import NIOCore
import Rebalancing
import Routing

extension RebalanceCoordinator {
    /// Drives the current job until it is done, aborted, failed, or asked to stop.
    func runJob() async {
        let connections = makeConnections()
        defer { connections.closeAll() }
        while let job, !stopRequested {
            do {
                let plan = try plan(of: job)
                switch job.phase {
                case .planned:
                    try update { $0.enter(.preparing, now: Date()) }
                case .preparing:
                    try await prepare(job, plan: plan, connections: connections)
                    try update { $0.enter(.copying, now: Date(), note: "publications and subscriptions created; copying") }
                case .copying:
                    guard try await waitForCatchUp(job, plan: plan, connections: connections) else { return }
                    try update { $0.enter(.cuttingOver, now: Date()) }
                case .cuttingOver:
                    try await cutOver(plan: plan, connections: connections)
                case .cleaningUp:
                    try await cleanUp(job, plan: plan, connections: connections)
                    try update { $0.enter(.done, now: Date(), note: "done: ring version \($0.newVersion) live, moved rows deleted from the sources") }
                case .aborting:
                    _ = try await undo(job, plan: plan, connections: connections)
                    try update { $0.enter(.aborted, now: Date(), note: "aborted: publications, subscriptions and copied rows removed; the ring is unchanged") }
                case .failed:
                    let phase = job.resumePhase
                    try update { $0.enter(phase, now: Date(), note: "retrying \(phase.rawValue)") }
                case .done, .aborted:
                    return
                }
            } catch is RebalanceStopped {
                logger.info("rebalance job stopped; `pgringctl rebalance resume` continues it", metadata: ["job": "\(job.id)", "phase": "\(job.phase.rawValue)"])
                return
            } catch {
                logger.error("rebalance step failed", metadata: ["job": "\(job.id)", "phase": "\(job.phase.rawValue)", "error": "\(error)"])
                var failed = job
                failed.fail("\(error)", now: Date())
                try? save(failed)
                return
            }
        }
    }

    /// Fence tables, schemas (`--copy-schema`), publications on the sources, subscriptions on the targets.
    /// Each step checks what exists first, so a resumed job does not trip over its own objects.
    func prepare(_ job: RebalanceJob, plan: RebalancePlan, connections: RebalanceConnections) async throws {
        let involved = Array(Set(plan.sources + plan.targets)).sorted()
        for name in involved {
            guard let server = plan.shard(named: name)?.primary else { continue }
            for statement in RebalanceSQL.createFence { _ = try await connections.query(server, statement) }
        }
        if job.copySchema {
            for pair in plan.pairs {
                guard let source = plan.shard(named: pair.from)?.primary, let target = plan.shard(named: pair.to)?.primary else { continue }
                for table in job.tables where !table.isGlobal || isNewShard(pair.to, job.operation) {
                    guard try await connections.query(target, RebalanceSQL.columns(table)).isEmpty else { continue }
                    let columns = try await connections.query(source, RebalanceSQL.columns(table)).map {
                        (name: $0[0] ?? "", type: $0[1] ?? "text", notNull: $0[2] == "t")
                    }
                    let key = try await connections.value(source, RebalanceSQL.primaryKey(table))
                    _ = try await connections.query(target, RebalanceSQL.createTable(table, columns: columns, primaryKey: key))
                    let owner = try await connections.value(source, RebalanceSQL.owner(table))
                    if let owner { _ = try await connections.query(target, RebalanceSQL.setOwner(table, to: owner)) }
                    for row in try await connections.query(source, RebalanceSQL.grants(table)) {
                        guard let grantee = row[0], let privilege = row[safe: 1] ?? nil,
                              let sql = RebalanceSQL.grant(table, privilege: privilege, to: grantee) else { continue }
                        _ = try await connections.query(target, sql)
                    }
                    try update { $0.record("created table \(table.name) on \(pair.to), owner \(owner ?? "?") and grants as on \(pair.from) (--copy-schema)", now: Date()) }
                }
            }
        }
        let globalsPair = globalsPairIndex(job, plan: plan)
        for (index, pair) in plan.pairs.enumerated() {
            guard let source = plan.shard(named: pair.from)?.primary, let target = plan.shard(named: pair.to)?.primary else { continue }
            let name = RebalanceSQL.replicationName(job: job.id, pair: index)
            if try await connections.value(source, "SELECT count(*) FROM pg_publication WHERE pubname = \(RebalanceSQL.literal(name))") == "0" {
                _ = try await connections.query(source, RebalanceSQL.createPublication(
                    job: job.id, pair: index, tables: job.tables, ranges: pair.ranges, globals: index == globalsPair))
            }
            if try await connections.value(target, "SELECT count(*) FROM pg_subscription WHERE subname = \(RebalanceSQL.literal(name))") == "0" {
                let address = try ServerAddress(parsing: source)
                let connection = RebalanceSQL.connectionString(
                    host: address.host, port: address.port, database: job.database, user: connections.user, password: connections.password)
                _ = try await connections.query(target, RebalanceSQL.createSubscription(job: job.id, pair: index, connection: connection))
            }
            try update { $0.record("pair \(index): \(pair.from) -> \(pair.to), \(pair.ranges.count) ranges, publication and subscription \(name)", now: Date()) }
        }
    }

    /// The pair whose publication also carries the global tables (to a new shard only), or nil.
    func globalsPairIndex(_ job: RebalanceJob, plan: RebalancePlan) -> Int? {
        guard case .add(let shard) = job.operation, job.tables.contains(where: \.isGlobal) else { return nil }
        return plan.pairs.firstIndex { $0.to == shard.name }
    }

    /// Waits until every pair finished its initial copy and its lag is under `max_catchup_lag_bytes`.
    /// False when asked to stop.
    func waitForCatchUp(_ job: RebalanceJob, plan: RebalancePlan, connections: RebalanceConnections) async throws -> Bool {
        let limit = runtime.snapshot.configuration.rebalance.maxCatchupLagBytes
        var lastNote = Date.distantPast
        while !stopRequested {
            var ready = true
            var notes: [String] = []
            for (index, pair) in plan.pairs.enumerated() {
                guard let source = plan.shard(named: pair.from)?.primary, let target = plan.shard(named: pair.to)?.primary else { continue }
                let row = try await connections.query(target, RebalanceSQL.tablesNotReady(job: job.id, pair: index)).first ?? []
                let notReady = Int(row.first.flatMap { $0 } ?? "1") ?? 1
                let total = Int(row[safe: 1].flatMap { $0 } ?? "0") ?? 0
                let lag = Int(try await connections.value(source, RebalanceSQL.slotLag(job: job.id, pair: index)) ?? "") ?? Int.max
                if total == 0 || notReady > 0 || lag > limit { ready = false }
                notes.append("\(pair.from)->\(pair.to): \(total - notReady)/\(total) tables copied, lag \(lag == Int.max ? "?" : String(lag)) bytes")
            }
            if ready {
                let probe = try await fenceRoundTrip(job, plan: plan, connections: connections)
                try update {
                    $0.expectedPauseMillis = probe
                    $0.record("caught up: " + notes.joined(separator: "; ") + String(format: "; a fence reaches the targets in %.1f ms", probe), now: Date())
                }
                return true
            }
            if Date().timeIntervalSince(lastNote) > 10 {
                lastNote = Date()
                try update { $0.record("copying: " + notes.joined(separator: "; "), now: Date()) }
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return false
    }

    /// Writes fence 0 on every source and waits until every target shows it: the replication part of the
    /// cutover's pause, in ms (fence 0 never satisfies a cutover, whose fences are numbered from 1).
    func fenceRoundTrip(_ job: RebalanceJob, plan: RebalancePlan, connections: RebalanceConnections) async throws -> Double {
        let started = NIODeadline.now()
        for (index, pair) in plan.pairs.enumerated() {
            guard let source = plan.shard(named: pair.from)?.primary else { continue }
            _ = try await connections.query(source, "SET synchronous_commit = on; " + RebalanceSQL.writeFence(job: job.id, pair: index, seq: 0))
        }
        let deadline = started + .seconds(30)
        for (index, pair) in plan.pairs.enumerated() {
            guard let target = plan.shard(named: pair.to)?.primary else { continue }
            while try await connections.value(target, RebalanceSQL.readFence(job: job.id, pair: index)) != "0", NIODeadline.now() < deadline {
                try await Task.sleep(nanoseconds: 2_000_000)
            }
        }
        return Double((NIODeadline.now() - started).nanoseconds) / 1e6
    }

    /// One or more cutover attempts (up to `cutover_attempts`): success moves the job to `cleaning_up` with the
    /// new ring live; a timed-out attempt is undone (the old ring keeps serving) and retried after catching up.
    func cutOver(plan: RebalancePlan, connections: RebalanceConnections) async throws {
        let settings = runtime.snapshot.configuration.rebalance
        guard let job else { return }
        if job.cutoverAttempts >= settings.cutoverAttempts {
            throw RebalanceFailure("\(job.cutoverAttempts) cutover attempts did not finish within \(settings.cutoverTimeout) s; see the history. `resume` tries again, `abort` undoes the job")
        }
        try update { $0.cutoverAttempts += 1; $0.record("cutover attempt \($0.cutoverAttempts)", now: Date()) }
        let attempt = self.job?.cutoverAttempts ?? 1
        switch await attemptCutover(job: job, plan: plan, attempt: attempt, timeout: settings.cutoverTimeout, connections: connections) {
        case .success:
            break
        case .failure(let reason):
            try update { $0.enter(.copying, now: Date(), note: "cutover attempt \(attempt) undone, writes resumed on the old ring: \(reason)") }
        }
    }

    /// Holds the writes of the moving keys, waits for the transactions in flight on the sources, writes a fence
    /// on every source and waits until every target applied it, then persists the job as cut over and swaps
    /// the ring. Any failure or the deadline undoes the hold (old ring, nothing lost).
    private func attemptCutover(job: RebalanceJob, plan: RebalancePlan, attempt: Int, timeout: Double, connections: RebalanceConnections) async -> Result<Void, RebalanceFailure> {
        let started = NIODeadline.now()
        let deadline = started + .nanoseconds(Int64(timeout * 1e9))
        guard var table = runtime.routingTable else { return .failure(RebalanceFailure("no routing table")) }
        let freezeID = state.withLockedValue { state -> Int in
            defer { state.nextFreezeID += 1 }
            return state.nextFreezeID
        }
        runtime.writeFreezeGate.activate()
        table.freeze = WriteFreeze(id: freezeID, ranges: plan.movingRanges, sources: Set(plan.sources))
        runtime.setRoutingTable(table)
        func undo(_ reason: String) -> Result<Void, RebalanceFailure> {
            if var current = runtime.routingTable, current.freeze?.id == freezeID {
                current.freeze = nil
                runtime.setRoutingTable(current)
            }
            runtime.writeFreezeGate.release()
            logger.warning("cutover undone", metadata: ["reason": "\(reason)"])
            return .failure(RebalanceFailure(reason))
        }
        // 1. Transactions in flight on the sources' primaries (leased before the hold) finish.
        let sources = Set(plan.sources)
        let marks = runtime.allPools.filter { $0.role == .primary && sources.contains($0.shardName) }.map { ($0, $0.leaseSequence) }
        while let busy = marks.first(where: { $0.0.leasesOutstanding(upTo: $0.1) > 0 }) {
            if NIODeadline.now() > deadline {
                return undo("a transaction on \(busy.0.shardName)'s primary was still running after \(timeout) s (a long transaction, or a client tied to its server connection)")
            }
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
        // 2. A fence on every source, flushed, then seen on every target: everything before it was applied there.
        do {
            for (index, pair) in plan.pairs.enumerated() {
                guard let source = plan.shard(named: pair.from)?.primary else { continue }
                _ = try await connections.query(source, "SET synchronous_commit = on; " + RebalanceSQL.writeFence(job: job.id, pair: index, seq: attempt))
            }
            for (index, pair) in plan.pairs.enumerated() {
                guard let target = plan.shard(named: pair.to)?.primary else { continue }
                while Int(try await connections.value(target, RebalanceSQL.readFence(job: job.id, pair: index)) ?? "") ?? 0 < attempt {
                    if NIODeadline.now() > deadline {
                        return undo("\(pair.to) had not applied \(pair.from)'s changes after \(timeout) s (replication lag)")
                    }
                    try await Task.sleep(nanoseconds: 2_000_000)
                }
            }
        } catch {
            return undo("\(error)")
        }
        if NIODeadline.now() > deadline { return undo("the cutover took longer than \(timeout) s") }
        // 3. Commit: persisted first, so a crash from here on restarts with the new ring.
        let heldMillis = Double((NIODeadline.now() - started).nanoseconds) / 1e6
        do {
            try update { $0.enter(.cleaningUp, now: Date(), note: String(format: "cut over to ring version %d; writes of moving keys held %.1f ms", $0.newVersion, heldMillis)) }
        } catch {
            return undo("cannot persist the cutover: \(error)")
        }
        applyLiveRing(shards: job.newShards, version: job.newVersion)
        let waits = runtime.writeFreezeGate.release().sorted()
        // 4. Reads of moved keys: a target's replicas serve them only once they replayed what arrived so far.
        var floors: [String: String] = [:]
        for name in plan.targets {
            guard let server = plan.shard(named: name)?.primary,
                  let text = try? await connections.value(server, "SELECT pg_current_wal_insert_lsn()"), let lsn = LSN(text) else { continue }
            runtime.health.setReplayFloor(shard: name, lsn: lsn)
            floors[name] = text
        }
        let p99 = waits.isEmpty ? nil : waits[min(waits.count - 1, Int((Double(waits.count) * 0.99).rounded(.up)) - 1)]
        if let saved = try? update({
            $0.cutoverMillis = heldMillis
            $0.heldWrites = waits.count
            $0.heldWritesMaxMillis = waits.last
            $0.heldWritesP99Millis = p99
            $0.replicaFloors = floors
            $0.record(String(format: "%d writes waited (max %.1f ms, p99 %.1f ms)", waits.count, waits.last ?? 0, p99 ?? 0), now: Date())
        }) {
            writeConfigurationFile(saved)
        }
        return .success(())
    }

    /// After the cutover: subscriptions and publications dropped, then the moved rows deleted from the sources
    /// in small batches (the subscription is gone first, so the deletes do not replicate).
    func cleanUp(_ job: RebalanceJob, plan: RebalancePlan, connections: RebalanceConnections) async throws {
        _ = try await dropReplication(job, plan: plan, connections: connections, strict: true)
        for pair in plan.pairs {
            guard let source = plan.shard(named: pair.from)?.primary else { continue }
            for table in job.tables where !table.isGlobal {
                let (deleted, batches) = try await deleteRows(table, ranges: pair.ranges, on: source, connections: connections)
                try update {
                    $0.rowsDeleted[table.name, default: 0] += deleted
                    $0.record("\(table.name): \(deleted) moved rows deleted from \(pair.from) in \(batches) batches", now: Date())
                }
            }
        }
    }

    /// Deletes the rows of `table` in `ranges` on `server` in short transactions: block range by block range
    /// (about `delete_batch_size` rows each, one pass over the table), then row batches until none is left
    /// (rows a concurrent update moved to a block already passed). Returns the rows deleted and the batches.
    func deleteRows(_ table: TableSpec, ranges: [HashRange], on server: String, connections: RebalanceConnections) async throws -> (Int, Int) {
        let batch = runtime.snapshot.configuration.rebalance.deleteBatchSize
        let size = try await connections.query(server, RebalanceSQL.blocks(table)).first ?? []
        let blocks = Int(size.first.flatMap { $0 } ?? "0") ?? 0
        let perBlock = Int(size[safe: 1].flatMap { $0 } ?? "100") ?? 100
        let step = max(1, batch / max(1, perBlock))
        var deleted = 0
        var batches = 0
        var first = 0
        while first < blocks {
            if stopRequested { throw RebalanceStopped() }
            guard let sql = RebalanceSQL.deleteBlocks(table, ranges: ranges, first: first, end: first + step) else { break }
            deleted += Int(try await connections.value(server, sql) ?? "0") ?? 0
            batches += 1
            first += step
        }
        guard let sql = RebalanceSQL.deleteBatch(table, ranges: ranges, limit: batch) else { return (deleted, batches) }
        while true {
            if stopRequested { throw RebalanceStopped() }
            let count = Int(try await connections.value(server, sql) ?? "0") ?? 0
            deleted += count
            batches += 1
            if count < batch { break }
        }
        return (deleted, batches)
    }

    /// Drops the job's subscriptions (targets), publications and leftover slots (sources) and fence rows.
    /// `strict`: fail on the first error; else collect what could not be done.
    func dropReplication(_ job: RebalanceJob, plan: RebalancePlan, connections: RebalanceConnections, strict: Bool) async throws -> [String] {
        var problems: [String] = []
        func run(_ server: String, _ sql: String) async throws {
            do { _ = try await connections.query(server, sql) } catch {
                if strict { throw error }
                problems.append("\(error)")
            }
        }
        for (index, pair) in plan.pairs.enumerated() {
            guard let source = plan.shard(named: pair.from)?.primary, let target = plan.shard(named: pair.to)?.primary else { continue }
            try await run(target, RebalanceSQL.dropSubscription(job: job.id, pair: index))
            try await run(source, RebalanceSQL.dropPublication(job: job.id, pair: index))
            try await run(source, RebalanceSQL.dropSlot(job: job.id, pair: index))
        }
        for name in Set(plan.sources + plan.targets) {
            guard let server = plan.shard(named: name)?.primary else { continue }
            try await run(server, "DELETE FROM pgring.rebalance_fence WHERE job = \(RebalanceSQL.literal(job.id))")
        }
        return problems
    }

    /// Abort: replication objects dropped, rows copied to the targets deleted (sharded rows in the moving
    /// ranges; global tables on a new shard). The ring never changed, so traffic was never affected.
    func undo(_ job: RebalanceJob, plan: RebalancePlan, connections: RebalanceConnections) async throws -> [String] {
        let problems = try await dropReplication(job, plan: plan, connections: connections, strict: true)
        for pair in plan.pairs {
            guard let target = plan.shard(named: pair.to)?.primary else { continue }
            for table in job.tables {
                guard try await !connections.query(target, RebalanceSQL.columns(table)).isEmpty else { continue }
                if table.isGlobal {
                    if isNewShard(pair.to, job.operation) { _ = try await connections.query(target, "DELETE FROM \(RebalanceSQL.identifier(table.name))") }
                    continue
                }
                _ = try await deleteRows(table, ranges: pair.ranges, on: target, connections: connections)
            }
        }
        return problems
    }
}

/// The job was asked to stop (shutdown, abort) between two statements; its persisted phase is where it resumes.
struct RebalanceStopped: Error {}
