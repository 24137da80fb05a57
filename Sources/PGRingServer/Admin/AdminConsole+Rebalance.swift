import Foundation
import NIOCore
import Rebalancing

/// The REBALANCE commands and SHOW REBALANCE (docs/rebalancing.md).
extension AdminConsole {
    static func rebalance(_ action: AdminCommand.RebalanceAction, runtime: PGRingRuntime, on eventLoop: EventLoop) -> EventLoopFuture<AdminResult> {
        let coordinator = runtime.rebalancer
        return eventLoop.makeFutureWithTask { () async throws -> AdminResult in
            do {
                switch action {
                case .plan(let operation, let copySchema):
                    let report = try await coordinator.planReport(operation, copySchema: copySchema)
                    var rows: [[String?]] = report.lines.map { line in
                        ["move", line.from, line.to, String(line.ranges), text(line.keyspace * 100), line.table.isEmpty ? nil : line.table,
                         line.rows.map { String($0) }, line.bytes.map { String($0) }, nil]
                    }
                    rows += report.problems.map { ["problem", nil, nil, nil, nil, nil, nil, nil, $0] }
                    rows.append(["ring", nil, nil, nil, text(report.plan.movedFraction * 100), nil, nil, nil,
                                 "version \(report.plan.oldRing.version) -> \(report.plan.newRing.version), fingerprint \(report.plan.oldRing.fingerprint) -> \(report.plan.newRing.fingerprint)"])
                    return AdminResult(columns: ["kind", "from", "to", "ranges", "keyspace_percent", "table", "estimated_rows", "estimated_bytes", "detail"],
                                       rows: rows, tag: "REBALANCE")
                case .start(let operation, let copySchema):
                    let job = try await coordinator.start(operation, copySchema: copySchema)
                    return AdminResult(columns: ["job", "phase"], rows: [[job.id, job.phase.rawValue]], tag: "REBALANCE")
                case .resume:
                    let job = try coordinator.resume()
                    return AdminResult(columns: ["job", "phase"], rows: [[job.id, job.resumePhase.rawValue]], tag: "REBALANCE")
                case .abort:
                    let job = try await coordinator.abort()
                    return AdminResult(columns: ["job", "phase", "error"], rows: [[job.id, job.phase.rawValue, job.error]], tag: "REBALANCE")
                case .cleanup:
                    let problems = try await coordinator.cleanup()
                    return AdminResult(columns: ["problem"], rows: problems.map { [$0] }, tag: "REBALANCE")
                }
            } catch let error as RebalanceFailure {
                throw AdminError(sqlState: "55000", message: error.description, hint: "See SHOW REBALANCE and docs/rebalancing.md.")
            } catch let error as RebalanceError {
                throw AdminError(sqlState: "22023", message: error.description)
            } catch let error as AdminError {
                throw error
            } catch {
                throw AdminError(sqlState: "55000", message: "\(error)", hint: "See SHOW REBALANCE and docs/rebalancing.md.")
            }
        }
    }

    /// SHOW REBALANCE: one `key | value` row per fact, live progress included (rows copied per pair and table,
    /// replication lag) while the job copies.
    static func showRebalance(runtime: PGRingRuntime, on eventLoop: EventLoop) -> EventLoopFuture<AdminResult> {
        let coordinator = runtime.rebalancer
        return eventLoop.makeFutureWithTask { () async -> AdminResult in
            guard let job = coordinator.job else {
                return AdminResult(columns: ["key", "value"], rows: [["phase", "none"]], tag: "SHOW")
            }
            var rows: [[String?]] = [
                ["job", job.id], ["operation", "\(job.operation)"], ["phase", job.phase.rawValue],
                ["failed_phase", job.failedPhase?.rawValue], ["error", job.error],
                ["running", coordinator.isRunning ? "true" : "false"],
                ["ring_version", "\(job.oldVersion) -> \(job.newVersion)"], ["live_ring_version", String(job.liveVersion)],
                ["created_at", ISO8601DateFormatter().string(from: job.createdAt)],
                ["elapsed_seconds", text((job.phase.isFinished ? job.updatedAt : Date()).timeIntervalSince(job.createdAt))],
                ["cutover_attempts", String(job.cutoverAttempts)],
                ["cutover_timeout_seconds", text(runtime.snapshot.configuration.rebalance.cutoverTimeout)],
                ["expected_pause_ms", job.expectedPauseMillis.map(text)],
                ["cutover_pause_ms", job.cutoverMillis.map(text)], ["held_writes", job.heldWrites.map { String($0) }],
                ["held_writes_max_ms", job.heldWritesMaxMillis.map(text)], ["held_writes_p99_ms", job.heldWritesP99Millis.map(text)],
            ]
            for (table, count) in job.rowsDeleted.sorted(by: { $0.key < $1.key }) { rows.append(["rows_deleted.\(table)", String(count)]) }
            if let plan = try? coordinator.plan(of: job) {
                let live = !job.phase.isFinished && !job.resumePhase.isPastCutover
                let connections = coordinator.makeConnections()
                defer { connections.closeAll() }
                for (index, pair) in plan.pairs.enumerated() {
                    let key = "pair.\(index)"
                    rows.append([key, "\(pair.from) -> \(pair.to), \(pair.ranges.count) ranges, \(text(pair.fraction * 100))% of the keyspace"])
                    guard live, let source = plan.shard(named: pair.from)?.primary, let target = plan.shard(named: pair.to)?.primary else { continue }
                    let lag = try? await connections.value(source, RebalanceSQL.slotLag(job: job.id, pair: index))
                    rows.append(["\(key).lag_bytes", lag ?? nil])
                    for table in job.tables where !table.isGlobal {
                        guard let sql = RebalanceSQL.countRows(table, ranges: pair.ranges) else { continue }
                        let copied = try? await connections.value(target, sql)
                        rows.append(["\(key).rows_copied.\(table.name)", copied ?? nil])
                    }
                }
            }
            for event in job.events.suffix(30) {
                rows.append(["event", "\(ISO8601DateFormatter().string(from: event.time)) \(event.message)"])
            }
            return AdminResult(columns: ["key", "value"], rows: rows, tag: "SHOW")
        }
    }
}
