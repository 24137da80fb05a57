import NIOCore
import PGWire
import Routing

extension ShardRoutingStateMachine {
    /// A statement of a unit that the router decides on: a Query, or a Bind of a known statement.
    struct Routable: Sendable {
        var analysis: AnalyzedStatement
        var parameters: [BindParameter]?
        var sql: String
    }

    /// What a unit's statements add up to.
    struct UnitRoute {
        var target: Target?
        var local: RouteDecision?
        var special: SpecialCommand?
        var rejection: RoutingError?
        /// SQL of statements the router deferred (BEGIN, SAVEPOINT, SET LOCAL before a shard is known).
        var deferred: [String] = []
        var startsTransaction = false
        var startsReadOnly = false
        var writes = false
        var routableCount = 0
        /// Why each statement went to its shard (metrics).
        var reasons: [RouteReason] = []
    }

    /// Decides what to do with one unit.
    mutating func decide(_ unit: Unit, held: Held?, table: RoutingTable) -> Step {
        switch unit.kind {
        case .copy:
            // COPY data goes where the COPY runs; outside a COPY PostgreSQL ignores it, and so does pgring.
            if held != nil { return forward(unit, overlay: [:], writes: false) }
            return .answer(ByteBuffer(), unsentParses: [])
        case .query, .functionCall, .extended:
            break
        }
        if case .failedUnpinned = local {
            return failedTransactionAnswer(unit, held: held)
        }
        var overlay: [String: StatementInfo] = [:]
        let routables: [Routable]
        if let cached = lastCollected, cached.bytes == unit.bytes {
            // The unit waited for a lease and is decided again: its statements were collected already.
            routables = cached.routables
            overlay = cached.overlay
        } else {
            routables = collect(unit, overlay: &overlay)
            lastCollected = (unit.bytes, routables, overlay)
        }
        var route = combine(routables, held: held, table: table)
        if unit.kind == .functionCall {
            route.target = route.target ?? Target(shard: table.router.configuration.defaultShard, role: .primary)
            route.writes = true
        }
        if let rejection = route.rejection {
            return reject(unit, error: rejection, held: held)
        }
        if let special = route.special {
            return answerSpecial(special, unit: unit, overlay: overlay, held: held, table: table)
        }
        if let decision = route.local {
            return answerLocal(decision, unit: unit, overlay: overlay, held: held)
        }
        guard var target = route.target else {
            if route.routableCount > 0, route.deferred.count == route.routableCount {
                return holdTransactionStatements(route, unit: unit, overlay: overlay, held: held)
            }
            return runAnywhere(unit, overlay: overlay, held: held, table: table)
        }
        if case .unpinned(_, let isReadOnly) = local, isReadOnly { route.startsReadOnly = true }
        if route.startsReadOnly, replicaReads, hints.target != .primary, table.shardsWithReplicas.contains(target.shard) {
            // BEGIN READ ONLY: the whole transaction may run on a replica.
            target.role = .replica
        }
        if !replicaReads || !table.shardsWithReplicas.contains(target.shard) { target.role = .primary }
        if let freeze = table.freeze, isFrozen(route, routables: routables, target: target, held: held, freeze: freeze, table: table) {
            return .frozen
        }
        let step = run(unit, target: target, route: route, overlay: overlay, held: held)
        if case .forward = step { routedReasons.append(contentsOf: route.reasons) }
        return step
    }

    /// True when a rebalance cutover must hold the unit: new work on a source shard's primary that writes (or
    /// opens a transaction) and names a key in a moving range, or names the shard itself (a pin or a shard hint,
    /// whose keys pgring cannot see). Statements of a transaction that was running before the freeze go on:
    /// the cutover waits for that transaction instead.
    private func isFrozen(
        _ route: UnitRoute, routables: [Routable], target: Target, held: Held?, freeze: WriteFreeze, table: RoutingTable
    ) -> Bool {
        guard target.role == .primary, freeze.sources.contains(target.shard) else { return false }
        var inTransaction = held.map { $0.status != .idle } ?? false
        var unpinned = false
        switch local {
        case .pinned: inTransaction = true
        case .unpinned: unpinned = true
        case .none, .failedUnpinned: break
        }
        if inTransaction, held?.leasedDuringFreeze != true { return false }
        guard route.writes || route.startsTransaction || unpinned || inTransaction else { return false }
        // Keys pgring cannot see: a shard pin or hint, or a keyless statement sent to the default shard
        // (`no_key_policy = "default_shard"`), may touch moving rows.
        if hints.pinnedShard != nil || routables.contains(where: { $0.analysis.hints.shard != nil }) { return true }
        if route.reasons.contains(.noKeyPolicy) { return true }
        for routable in routables {
            for hash in table.router.keyHashes(routable.analysis, parameters: routable.parameters, session: hints) where freeze.contains(hash) {
                return true
            }
        }
        return false
    }

    /// Runs a routed unit on `target`: on the held server when it can, after leasing one otherwise.
    private mutating func run(_ unit: Unit, target: Target, route: UnitRoute, overlay: [String: StatementInfo], held: Held?) -> Step {
        if case .unpinned(let heldStatements, _) = local {
            guard let held else { return .lease(target) }
            guard held.target.serves(target) else {
                // A tied session's server never goes back to the pool: waiting for it would hang the client.
                if held.isPinned, !held.isBusy { return reject(unit, error: Self.tiedSession(held, needs: target), held: held) }
                return .wait
            }
            guard !held.isBusy, held.status == .idle else { return .wait }
            local = .pinned(target.shard)
            return forward(unit, overlay: overlay, writes: true, silentQueries: heldStatements)
        }
        guard let held else { return .lease(target) }
        if held.status != .idle || local == .pinned(held.target.shard) {
            // Inside a transaction: the router kept the statement on the transaction's shard.
            return forward(unit, overlay: overlay, writes: route.writes || route.startsTransaction)
        }
        if held.target.serves(target) {
            if route.startsTransaction { local = .pinned(target.shard) }
            return forward(unit, overlay: overlay, writes: route.writes || route.startsTransaction)
        }
        if held.isBusy { return .wait }
        if held.isPinned {
            return reject(unit, error: Self.tiedSession(held, needs: target), held: held)
        }
        // The held server is about to go back to the pool; the unit is routed again then.
        return .wait
    }

    /// The refusal of a unit for `target` while the session is tied to the server it holds.
    static func tiedSession(_ held: Held, needs target: Target) -> RoutingError {
        RoutingError(
            sqlState: RoutingError.Code.featureNotSupported,
            message: "this session is tied to its server connection on shard \(held.target.shard) (LISTEN, a temporary table, an advisory lock or a WITH HOLD cursor), but this statement needs \(target)",
            hint: "Release what ties the session (UNLISTEN, DROP the temporary table, unlock) or use a separate connection for other shards."
        )
    }

    /// A unit with no statement to route (Parse/Describe/Sync, Close, a Bind of a statement pgring does not
    /// know): any server of the default shard answers it the same; inside a transaction it goes to the
    /// transaction's server.
    private mutating func runAnywhere(_ unit: Unit, overlay: [String: StatementInfo], held: Held?, table: RoutingTable) -> Step {
        if case .unpinned = local {
            // The client believes a transaction is open; run it outside one and show it 'T'.
            guard let held else { return .lease(Target(shard: table.router.configuration.defaultShard, role: .primary)) }
            guard !held.isBusy, held.status == .idle else { return .wait }
            return forward(unit, overlay: overlay, writes: false, statusOverride: .inTransaction)
        }
        if held != nil { return forward(unit, overlay: overlay, writes: false) }
        return .lease(Target(shard: table.router.configuration.defaultShard, role: .primary))
    }

    /// A unit of BEGIN / SAVEPOINT / SET LOCAL only, before a shard is known: answered by pgring and held.
    private mutating func holdTransactionStatements(_ route: UnitRoute, unit: Unit, overlay: [String: StatementInfo], held: Held?) -> Step {
        if let held, held.isBusy || held.status != .idle { return .wait }
        switch local {
        case .unpinned(let previous, let isReadOnly):
            local = .unpinned(held: previous + route.deferred, isReadOnly: isReadOnly)
        case .none, .pinned, .failedUnpinned:
            local = .unpinned(held: route.deferred, isReadOnly: route.startsReadOnly)
        }
        let tag = route.deferred.last.map(Self.commandTag) ?? "BEGIN"
        return localAnswer(unit, overlay: overlay, tag: tag, rows: nil, status: .inTransaction)
    }

    /// Sends the unit: its Parses and Closes become the client's statements.
    mutating func forward(
        _ unit: Unit, overlay: [String: StatementInfo], writes: Bool,
        silentQueries: [String] = [], statusOverride: TransactionStatus? = nil
    ) -> Step {
        commit(unit, overlay: overlay)
        if writes { leaseWrote = true }
        return .forward(unit.bytes, silentQueries: silentQueries, statusOverride: statusOverride)
    }

    /// Applies a consumed unit's Parses and Closes to the client's statements.
    mutating func commit(_ unit: Unit, overlay: [String: StatementInfo]) {
        lastCollected = nil
        guard unit.kind == .extended else { return }
        unit.forEachMessage { message in
            switch message.id {
            case FrontendMessageID.parse.rawValue:
                // `collect` analysed every Parse of the unit into `overlay`: only the name is read here.
                var payload = message.payload
                if let name = TransactionMultiplexer.readCString(&payload), let info = overlay[name],
                   statements[name] != nil || statements.count < Self.maxStatements {
                    statements[name] = info
                }
            case FrontendMessageID.close.rawValue:
                var payload = message.payload
                if payload.readInteger(as: UInt8.self) == UInt8(ascii: "S"), let name = TransactionMultiplexer.readCString(&payload) {
                    statements[name] = nil
                }
            default:
                break
            }
        }
    }

    // MARK: - Collecting and combining

    /// The unit's routable statements, in order; Parses go into `overlay` (committed when the unit is consumed).
    mutating func collect(_ unit: Unit, overlay: inout [String: StatementInfo]) -> [Routable] {
        var routables: [Routable] = []
        unit.forEachMessage { message in
            switch message.id {
            case FrontendMessageID.query.rawValue:
                let sql = (try? Query.decode(from: message))?.sql ?? ""
                // A unit that waited for a lease is looked at again: its Query is analysed once.
                let analysis: AnalyzedStatement
                if let cached = lastQuery, cached.sql == sql {
                    analysis = cached.analysis
                } else {
                    analysis = StatementAnalyzer().analyze(sql)
                    lastQuery = (sql, analysis)
                }
                routables.append(Routable(analysis: analysis, parameters: nil, sql: sql))
            case FrontendMessageID.parse.rawValue:
                if let parse = try? Parse.decode(from: message) {
                    overlay[parse.statementName] = Self.info(of: parse)
                }
            case FrontendMessageID.bind.rawValue:
                guard let bind = try? Bind.decode(from: message),
                      let info = overlay[bind.statementName] ?? statements[bind.statementName] else { return }
                routables.append(Routable(analysis: info.analysis, parameters: Self.parameters(of: bind, types: info.parameterTypes), sql: info.sql))
            default:
                break
            }
        }
        return routables
    }

    /// What pgring keeps of a Parse.
    static func info(of parse: Parse) -> StatementInfo {
        StatementInfo(analysis: StatementAnalyzer().analyze(parse.query), parameterTypes: parse.parameterTypeOIDs, sql: parse.query)
    }

    /// The Bind values with their formats and the types the Parse declared.
    static func parameters(of bind: Bind, types: [UInt32]) -> [BindParameter] {
        bind.parameters.enumerated().map { index, value in
            let type = index < types.count && types[index] != 0 ? types[index] : nil
            return BindParameter(
                bytes: value.map { Array($0.readableBytesView) },
                format: bind.parameterFormat(at: index) ?? 0,
                typeOID: type
            )
        }
    }

    /// Routes the unit's statements one after the other, as the transaction state evolves through them.
    func combine(_ routables: [Routable], held: Held?, table: RoutingTable) -> UnitRoute {
        var route = UnitRoute()
        route.routableCount = routables.count
        var transaction: TransactionState
        switch local {
        case .unpinned: transaction = .openUnpinned
        case .pinned(let shard): transaction = .pinned(shard: shard)
        case .none, .failedUnpinned:
            if let held, held.status != .idle { transaction = .pinned(shard: held.target.shard) } else { transaction = .idle }
        }
        var context = RoutingContext(ring: table.ring, transaction: transaction, session: hints)
        for routable in routables {
            if let special = SpecialCommand(routable.analysis, sql: routable.sql) {
                guard routables.count == 1 else {
                    route.rejection = Self.mustBeAlone()
                    return route
                }
                route.special = special
                return route
            }
            let decision = table.router.route(routable.analysis, parameters: routable.parameters, context: context)
            switch decision {
            case .deferred(.transactionStart(let isReadOnly)):
                context.transaction = .openUnpinned
                route.startsTransaction = true
                route.startsReadOnly = isReadOnly
                route.deferred.append(routable.sql)
            case .deferred(.transactionStatement):
                route.deferred.append(routable.sql)
            case .local:
                guard routables.count == 1 else {
                    route.rejection = Self.mustBeAlone()
                    return route
                }
                route.local = decision
            case .shard(let shard, let role, let reason):
                route.reasons.append(reason)
                if var target = route.target {
                    guard target.shard == shard else {
                        route.rejection = RoutingError(
                            sqlState: RoutingError.Code.featureNotSupported,
                            message: "statements sent together (before one Sync) need shards \(target.shard) and \(shard)",
                            hint: "Send statements for different shards in separate transactions, each ended by its own Sync."
                        )
                        return route
                    }
                    if role == .primary { target.role = .primary }
                    route.target = target
                } else {
                    route.target = Target(shard: shard, role: role)
                }
                if case .openUnpinned = context.transaction { context.transaction = .pinned(shard: shard) }
                if !routable.analysis.isRead(volatileFunctions: table.router.configuration.volatileFunctions) {
                    route.writes = true
                }
            case .allShards:
                route.rejection = RoutingError(
                    sqlState: RoutingError.Code.featureNotSupported,
                    message: "this statement would have to run on every shard, which pgring does not do yet",
                    hint: "Add the sharding key (WHERE key = ...), a /* pgring:shard_key=... */ comment, or SET pgring.shard."
                )
                return route
            case .reject(let error):
                route.rejection = error
                return route
            }
        }
        return route
    }

    static func mustBeAlone() -> RoutingError {
        RoutingError(
            sqlState: RoutingError.Code.featureNotSupported,
            message: "SET/SHOW pgring.* and transaction control handled by pgring must be sent on their own, not with other statements",
            hint: "Send it as a query of its own."
        )
    }

    /// The command tag PostgreSQL answers a transaction-control or SET statement with.
    static func commandTag(_ sql: String) -> String {
        let words = SQLLexer.tokenize(sql).filter { !$0.isComment }.prefix(2).map(\.text)
        switch words.first ?? "" {
        case "begin": return "BEGIN"
        case "start": return "START TRANSACTION"
        case "savepoint": return "SAVEPOINT"
        case "release": return "RELEASE"
        case "rollback", "abort": return "ROLLBACK"
        case "commit", "end": return "COMMIT"
        case "reset": return "RESET"
        case "set": return "SET"
        default: return (words.first ?? "").uppercased()
        }
    }
}
