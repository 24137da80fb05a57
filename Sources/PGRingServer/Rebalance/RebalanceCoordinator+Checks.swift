import Config
import Foundation
import HashRing
import Rebalancing

extension RebalanceCoordinator {
    /// One line of a plan: a (source, target) pair, per table, with estimates from the source.
    struct PlanLine: Sendable {
        var from: String
        var to: String
        var ranges: Int
        var keyspace: Double
        var table: String
        var rows: Int?
        var bytes: Int?
    }

    /// REBALANCE PLAN: the moves, the estimated rows and bytes per table, and every precondition that fails.
    func planReport(_ operation: RebalanceOperation, copySchema: Bool) async throws -> (plan: RebalancePlan, lines: [PlanLine], problems: [String]) {
        let plan = try makePlan(operation)
        let connections = makeConnections()
        defer { connections.closeAll() }
        var lines: [PlanLine] = []
        let shares = Dictionary(plan.oldRing.shares().map { ($0.shard.name, $0.fraction) }, uniquingKeysWith: { first, _ in first })
        for pair in plan.pairs {
            let source = plan.shard(named: pair.from)?.primary ?? ""
            lines.append(PlanLine(from: pair.from, to: pair.to, ranges: pair.ranges.count, keyspace: pair.fraction, table: "", rows: nil, bytes: nil))
            for table in tables where !table.isGlobal {
                let estimate = try? await estimate(table, ranges: pair.ranges, share: pair.fraction / max(shares[pair.from] ?? 1, 1e-12),
                                                   on: source, connections: connections)
                lines.append(PlanLine(from: pair.from, to: pair.to, ranges: pair.ranges.count, keyspace: pair.fraction, table: table.name,
                                      rows: estimate?.rows, bytes: estimate?.bytes))
            }
        }
        if case .add(let shard) = operation, let source = plan.oldShards.first {
            for table in tables where table.isGlobal {
                let size = try? await connections.query(source.primary, RebalanceSQL.tableSize(table)).first
                lines.append(PlanLine(from: source.name, to: shard.name, ranges: 0, keyspace: 0, table: table.name + " (global, whole)",
                                      rows: size?[0].flatMap { Int($0) }.map { max($0, 0) }, bytes: size?[1].flatMap { Int($0) }))
            }
        }
        let problems = await checkPreconditions(plan, operation: operation, copySchema: copySchema, connections: connections)
        return (plan, lines, problems)
    }

    /// Rows and bytes of `table` in `ranges` on `server`: counted exactly for small tables (under 100,000
    /// rows by the planner's statistics, or never analysed), else the statistics times the moving share.
    private func estimate(_ table: TableSpec, ranges: [HashRange], share: Double, on server: String, connections: RebalanceConnections) async throws -> (rows: Int, bytes: Int) {
        guard let row = try await connections.query(server, RebalanceSQL.tableSize(table)).first else { return (0, 0) }
        let tuples = row[0].flatMap { Int($0) } ?? -1
        let bytes = row[1].flatMap { Int($0) } ?? 0
        if tuples < 100_000, let sql = RebalanceSQL.countRows(table, ranges: ranges) {
            let rows = Int(try await connections.value(server, sql) ?? "0") ?? 0
            return (rows, tuples > 0 ? Int(Double(bytes) * Double(rows) / Double(tuples)) : Int(Double(bytes) * share))
        }
        return (Int(Double(tuples) * share), Int(Double(bytes) * share))
    }

    /// Every reason the job cannot run, checked on the servers (docs/rebalancing.md "Preconditions").
    func checkPreconditions(_ plan: RebalancePlan, operation: RebalanceOperation, copySchema: Bool, connections: RebalanceConnections) async -> [String] {
        var problems: [String] = []
        let configuration = runtime.snapshot.configuration
        if plan.pairs.isEmpty { problems.append("nothing moves: the new ring places every key where it is") }
        if case .remove(let name) = operation, (configuration.routing.defaultShard ?? configuration.shards.first?.name) == name {
            problems.append("shard \(name) is the default shard (statements without a sharded table go there); set routing.default_shard to another shard and restart first")
        }
        if configuration.databases.count > 1 {
            problems.append("several [[databases]] are configured; rebalancing moves the data of one database (\(connections.database)) and would leave the others' rows behind")
        }
        if configuration.databases.contains(where: { ($0.poolMode ?? configuration.pool.mode) == .session }) {
            problems.append("a database uses pool_mode = \"session\": session-mode clients are not routed by key, so their writes cannot be held during the cutover; use transaction mode")
        }
        let sharded = tables.filter { !$0.isGlobal }
        if sharded.isEmpty { problems.append("no sharded table is configured ([[tables]] with a key); there is nothing to move") }
        var reachable = Set<String>()
        for shard in plan.oldShards + plan.newShards where !reachable.contains(shard.primary) {
            do {
                let superuser = try await connections.value(shard.primary, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                reachable.insert(shard.primary)
                if superuser != "t", plan.targets.contains(shard.name) {
                    problems.append("\(shard.name) (\(shard.primary)): role \(connections.user) is not a superuser; PostgreSQL 15 needs one to CREATE SUBSCRIPTION (set [rebalance] user)")
                }
            } catch {
                problems.append("\(shard.name) (\(shard.primary)) is not reachable: \(error)")
            }
        }
        for source in plan.sources {
            guard let server = plan.shard(named: source)?.primary, reachable.contains(server) else { continue }
            let pairs = plan.pairs.filter { $0.from == source }.count
            do {
                let row = try await connections.query(server, """
                    SELECT current_setting('wal_level'), \
                    current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots), \
                    current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_replication)
                    """).first ?? []
                if row.first ?? nil != "logical" {
                    problems.append("\(source): wal_level is \(row.first.flatMap { $0 } ?? "?"), must be logical (ALTER SYSTEM SET wal_level = logical; restart)")
                }
                if let free = row[safe: 1].flatMap({ $0 }).flatMap({ Int($0) }), free < pairs {
                    problems.append("\(source): \(free) free replication slots, \(pairs) needed (raise max_replication_slots)")
                }
                if let free = row[safe: 2].flatMap({ $0 }).flatMap({ Int($0) }), free < pairs {
                    problems.append("\(source): \(free) free WAL senders, \(pairs) needed (raise max_wal_senders)")
                }
                for table in sharded {
                    guard let identity = try await connections.query(server, RebalanceSQL.replicaIdentity(table)).first else {
                        problems.append("\(source): table \(table.name) does not exist")
                        continue
                    }
                    let kind = identity[0] ?? "d"
                    let columns = (identity[safe: 1].flatMap { $0 } ?? "").split(separator: ",").map(String.init)
                    if kind == "n" || (kind != "f" && columns.isEmpty) {
                        problems.append("\(source): table \(table.name) has no primary key or replica identity; logical replication cannot copy its updates and deletes (add a primary key, or ALTER TABLE \(table.name) REPLICA IDENTITY FULL)")
                    } else if kind != "f", let key = table.keyColumn, !columns.contains(key) {
                        problems.append("\(source): the replica identity of \(table.name) (\(columns.joined(separator: ", "))) does not include the sharding key \(key); a row filter needs it (include \(key) in the primary key, or ALTER TABLE \(table.name) REPLICA IDENTITY FULL)")
                    }
                }
            } catch {
                problems.append("\(source): \(error)")
            }
        }
        for pair in plan.pairs {
            guard let target = plan.shard(named: pair.to)?.primary, let source = plan.shard(named: pair.from)?.primary,
                  reachable.contains(target), reachable.contains(source) else { continue }
            for table in tables where !table.isGlobal || isNewShard(pair.to, operation) {
                do {
                    let wanted = try await connections.query(source, RebalanceSQL.columns(table))
                    let present = try await connections.query(target, RebalanceSQL.columns(table))
                    if present.isEmpty {
                        if !copySchema { problems.append("\(pair.to): table \(table.name) does not exist (create it, or use --copy-schema)") }
                        continue
                    }
                    let want = wanted.map { "\($0[0] ?? "") \($0[1] ?? "")" }, have = present.map { "\($0[0] ?? "") \($0[1] ?? "")" }
                    if want != have {
                        problems.append("\(pair.to): table \(table.name) has columns (\(have.joined(separator: ", "))) but \(pair.from) has (\(want.joined(separator: ", ")))")
                        continue
                    }
                    let count: String?
                    if table.isGlobal {
                        count = try await connections.value(target, "SELECT count(*) FROM \(RebalanceSQL.identifier(table.name))")
                    } else {
                        count = try await connections.value(target, RebalanceSQL.countRows(table, ranges: pair.ranges) ?? "SELECT 0")
                    }
                    if let count, count != "0" {
                        problems.append("\(pair.to): table \(table.name) already has \(count) rows in the ranges that move there; the target must be empty for them")
                    }
                } catch {
                    problems.append("\(pair.to): \(error)")
                }
            }
        }
        var seen = Set<String>()
        return problems.filter { seen.insert($0).inserted }
    }

    /// True when `shard` is the one an `add` creates.
    func isNewShard(_ shard: String, _ operation: RebalanceOperation) -> Bool {
        if case .add(let spec) = operation { return spec.name == shard }
        return false
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
