import Foundation
import NIOCore
import PGWire
import Routing

/// pgring's own read-your-writes settings, answered by pgring:
/// `SHOW pgring.last_write_lsn`, `SHOW pgring.min_lsn`, `SHOW pgring.shard|shard_key|target`,
/// `SET pgring.min_lsn = '...'`, `RESET pgring.min_lsn`.
enum SpecialCommand: Equatable {
    /// `SHOW pgring.<name>`.
    case show(String)
    /// `SET pgring.min_lsn = value` (nil: RESET or DEFAULT).
    case setMinimumLSN(String?)

    /// Recognizes the command, or nil for any other statement.
    init?(_ analysis: AnalyzedStatement, sql: String) {
        if let command = analysis.sessionCommand, case .invalid(let name, let value) = command.setting, name == "pgring.min_lsn" {
            self = .setMinimumLSN(value)
            return
        }
        guard analysis.statementCount == 1, analysis.kind == .show else { return nil }
        let tokens = SQLLexer.tokenize(sql).filter { !$0.isComment && !$0.isSymbol(";") }
        guard tokens.count == 4, tokens[1].text == "pgring", tokens[2].isSymbol(".") else { return nil }
        self = .show("pgring." + tokens[3].text)
    }
}

extension ShardRoutingStateMachine {
    /// The transaction status the client sees now.
    func clientStatus(held: Held?) -> TransactionStatus {
        switch local {
        case .unpinned: return .inTransaction
        case .failedUnpinned: return .failedTransaction
        case .none, .pinned: return held?.status ?? .idle
        }
    }

    /// Refuses a unit. Inside a transaction on a server the refusal is raised by that server (so its
    /// transaction fails as the client is told); otherwise pgring answers.
    mutating func reject(_ unit: Unit, error: RoutingError, held: Held?) -> Step {
        if unit.kind == .extended && !unit.isComplete { return .idle }  // answered at its Sync
        if let held, held.status != .idle || local == .pinned(held.target.shard) {
            var bytes = ByteBuffer()
            FrameWriter.query(Self.raiseStatement(error), into: &bytes)
            return .forward(bytes, silentQueries: [], statusOverride: nil)
        }
        if let held, held.isBusy { return .wait }
        let status: TransactionStatus
        switch local {
        case .unpinned, .failedUnpinned:
            local = .failedUnpinned
            status = .failedTransaction
        case .none, .pinned:
            status = held?.status ?? .idle
        }
        return .answer(Self.errorAnswer(unit, error: error, status: status), unsentParses: [])
    }

    /// A `DO` block that raises `error` on the server (message and hint carried as base64, so no quoting or
    /// `standard_conforming_strings` setting can change them).
    static func raiseStatement(_ error: RoutingError) -> String {
        func text(_ string: String) -> String {
            "convert_from(decode('\(Data(string.utf8).base64EncodedString())', 'base64'), 'UTF8')"
        }
        var using = "ERRCODE = '\(error.sqlState.filter { $0.isLetter || $0.isNumber })', MESSAGE = \(text(error.message))"
        if let hint = error.hint { using += ", HINT = \(text(hint))" }
        return "DO $pgring$BEGIN RAISE EXCEPTION USING \(using); END$pgring$"
    }

    /// Inside a transaction that failed before reaching a shard: COMMIT or ROLLBACK end it (as ROLLBACK),
    /// everything else gets 25P02 as PostgreSQL answers in a failed transaction.
    mutating func failedTransactionAnswer(_ unit: Unit, held: Held?) -> Step {
        var overlay: [String: StatementInfo] = [:]
        let routables = collect(unit, overlay: &overlay)
        if routables.count == 1, routables[0].analysis.statementCount == 1,
           routables[0].analysis.kind == .commit || routables[0].analysis.kind == .rollback {
            local = .none
            return localAnswer(unit, overlay: overlay, tag: "ROLLBACK", rows: nil, status: .idle)
        }
        if unit.kind == .extended && !unit.isComplete { return .idle }
        return .answer(Self.errorAnswer(unit, error: RoutingError(
            sqlState: "25P02",
            message: "current transaction is aborted, commands ignored until end of transaction block"
        ), status: .failedTransaction), unsentParses: [])
    }

    /// `SET`/`RESET pgring.shard|shard_key|target` and the end of a transaction that never reached a shard.
    mutating func answerLocal(_ decision: RouteDecision, unit: Unit, overlay: [String: StatementInfo], held: Held?) -> Step {
        if let held, held.isBusy { return .wait }
        switch decision {
        case .local(.session(let command)):
            if command.isLocal {
                return reject(unit, error: RoutingError(
                    sqlState: RoutingError.Code.featureNotSupported,
                    message: "SET LOCAL pgring.* is not supported",
                    hint: "Use SET pgring.* and RESET it when done."
                ), held: held)
            }
            hints = hints.applying(command)
            let isReset = unit.kind == .query ? Self.commandTag(firstSQL(unit)) == "RESET" : false
            return localAnswer(unit, overlay: overlay, tag: isReset ? "RESET" : "SET", rows: nil, status: clientStatus(held: held))
        case .local(.endUnpinnedTransaction(let isCommit)):
            local = .none
            return localAnswer(unit, overlay: overlay, tag: isCommit ? "COMMIT" : "ROLLBACK", rows: nil, status: .idle)
        case .shard, .allShards, .deferred, .reject:
            return forward(unit, overlay: overlay, writes: false)
        }
    }

    /// `SHOW pgring.*` and `SET pgring.min_lsn`.
    mutating func answerSpecial(_ command: SpecialCommand, unit: Unit, overlay: [String: StatementInfo], held: Held?, table: RoutingTable) -> Step {
        if let held, held.isBusy { return .wait }
        switch command {
        case .show(let name):
            let value: String
            switch name {
            case "pgring.last_write_lsn": value = Self.format(lastWrites)
            case "pgring.min_lsn": value = Self.format(minimumLSNs)
            case "pgring.shard": value = hints.pinnedShard ?? ""
            case "pgring.shard_key": value = hints.shardKey ?? ""
            case "pgring.target": value = hints.target.rawValue
            case "pgring.ring_version": value = String(table.version)
            default:
                return reject(unit, error: RoutingError(
                    sqlState: RoutingError.Code.undefinedObject,
                    message: "unrecognized configuration parameter \"\(name)\"",
                    hint: "pgring shows pgring.last_write_lsn, pgring.min_lsn, pgring.shard, pgring.shard_key, pgring.target and pgring.ring_version."
                ), held: held)
            }
            return localAnswer(unit, overlay: overlay, tag: "SHOW", rows: (column: String(name.dropFirst("pgring.".count)), value: value), status: clientStatus(held: held))
        case .setMinimumLSN(let text):
            guard let text, !text.isEmpty else {
                minimumLSNs = [:]
                return localAnswer(unit, overlay: overlay, tag: "SET", rows: nil, status: clientStatus(held: held))
            }
            switch Self.parsePositions(text, shards: table.ring.shards.map(\.name)) {
            case .success(let positions):
                minimumLSNs = positions
                return localAnswer(unit, overlay: overlay, tag: "SET", rows: nil, status: clientStatus(held: held))
            case .failure(let error):
                return reject(unit, error: error, held: held)
            }
        }
    }

    /// The SQL of the unit's first Query (empty when none).
    func firstSQL(_ unit: Unit) -> String {
        var sql = ""
        unit.forEachMessage { message in
            if sql.isEmpty, message.id == FrontendMessageID.query.rawValue { sql = (try? Query.decode(from: message))?.sql ?? "" }
        }
        return sql
    }

    /// `shard=LSN,shard=LSN` in shard order; "" when empty.
    static func format(_ positions: [String: LSN]) -> String {
        positions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// Parses `SET pgring.min_lsn` values: `shard=LSN[,shard=LSN...]` (what `SHOW pgring.last_write_lsn`
    /// prints), or a bare LSN when there is one shard.
    static func parsePositions(_ text: String, shards: [String]) -> Result<[String: LSN], RoutingError> {
        func invalid(_ why: String) -> Result<[String: LSN], RoutingError> {
            .failure(RoutingError(
                sqlState: RoutingError.Code.invalidParameterValue,
                message: "invalid value for parameter \"pgring.min_lsn\": \(why)",
                hint: "Use what SHOW pgring.last_write_lsn printed: shard=LSN pairs separated by commas."
            ))
        }
        if !text.contains("=") {
            guard let lsn = LSN(text) else { return invalid("\"\(text)\" is not an LSN") }
            guard shards.count == 1 else { return invalid("a bare LSN is ambiguous with several shards") }
            return .success([shards[0]: lsn])
        }
        var positions: [String: LSN] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { return invalid("\"\(pair)\" is not shard=LSN") }
            guard shards.contains(parts[0]) else { return invalid("unknown shard \"\(parts[0])\"") }
            guard let lsn = LSN(parts[1]) else { return invalid("\"\(parts[1])\" is not an LSN") }
            positions[parts[0]] = lsn
        }
        return .success(positions)
    }

    // MARK: - Composing answers

    /// The answers PostgreSQL would give to the unit when its statement succeeds with `tag` (and, for SHOW,
    /// one row of one text column).
    mutating func localAnswer(_ unit: Unit, overlay: [String: StatementInfo], tag: String, rows: (column: String, value: String)?, status: TransactionStatus) -> Step {
        var out = ByteBuffer()
        var unsentParses: [ByteBuffer] = []
        func rowDescription() {
            if let rows { RowDescription(columns: [.init(name: rows.column)]).encode(into: &out) } else { Self.empty(BackendMessageID.noData.rawValue, into: &out) }
        }
        unit.forEachMessageWithOffset { message, offset in
            switch message.id {
            case FrontendMessageID.query.rawValue:
                if let rows {
                    RowDescription(columns: [.init(name: rows.column)]).encode(into: &out)
                    DataRow(values: [rows.value]).encode(into: &out)
                }
                CommandComplete(tag: tag).encode(into: &out)
                ReadyForQuery(transactionStatus: status).encode(into: &out)
            case FrontendMessageID.parse.rawValue:
                Self.empty(BackendMessageID.parseComplete.rawValue, into: &out)
                if let parse = try? Parse.decode(from: message), !parse.statementName.isEmpty {
                    unsentParses.append(unit.frame(at: offset, length: message.totalLength))
                }
            case FrontendMessageID.bind.rawValue:
                Self.empty(BackendMessageID.bindComplete.rawValue, into: &out)
            case FrontendMessageID.describe.rawValue:
                var payload = message.payload
                if payload.readInteger(as: UInt8.self) == UInt8(ascii: "S") {
                    let name = TransactionMultiplexer.readCString(&payload) ?? ""
                    let types = (overlay[name] ?? statements[name])?.parameterTypes ?? []
                    Self.parameterDescription(types, into: &out)
                }
                rowDescription()
            case FrontendMessageID.execute.rawValue:
                if let rows { DataRow(values: [rows.value]).encode(into: &out) }
                CommandComplete(tag: tag).encode(into: &out)
            case FrontendMessageID.close.rawValue:
                Self.empty(BackendMessageID.closeComplete.rawValue, into: &out)
            case FrontendMessageID.sync.rawValue:
                ReadyForQuery(transactionStatus: status).encode(into: &out)
            default:
                break
            }
        }
        commit(unit, overlay: overlay)
        return .answer(out, unsentParses: unsentParses)
    }

    /// ErrorResponse, then ReadyForQuery for the unit's Query or Sync.
    static func errorAnswer(_ unit: Unit, error: RoutingError, status: TransactionStatus) -> ByteBuffer {
        var out = ByteBuffer()
        ErrorResponse(severity: .error, code: error.sqlState, message: error.message, detail: error.detail, hint: error.hint).encode(into: &out)
        var answeredReady = false
        unit.forEachMessage { message in
            if !answeredReady, message.id == FrontendMessageID.query.rawValue || message.id == FrontendMessageID.sync.rawValue {
                ReadyForQuery(transactionStatus: status).encode(into: &out)
                answeredReady = true
            }
        }
        return out
    }

    /// A backend message with an empty payload (ParseComplete, BindComplete, CloseComplete, NoData).
    static func empty(_ id: UInt8, into buffer: inout ByteBuffer) {
        buffer.writeInteger(id)
        buffer.writeInteger(Int32(4))
    }

    /// ParameterDescription 't'.
    static func parameterDescription(_ types: [UInt32], into buffer: inout ByteBuffer) {
        buffer.writeInteger(BackendMessageID.parameterDescription.rawValue)
        buffer.writeInteger(Int32(4 + 2 + 4 * types.count))
        buffer.writeInteger(UInt16(truncatingIfNeeded: types.count))
        for type in types { buffer.writeInteger(type) }
    }
}
