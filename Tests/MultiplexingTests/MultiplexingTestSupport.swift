import Multiplexing
import NIOCore
import PGWire

/// Builders and readers for the frames the multiplexer tests feed and check.
enum Wire {
    /// Frontend frames, encoded one after the other.
    static func frontend(_ messages: [FrontendTestMessage]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for message in messages { message.encode(into: &buffer) }
        return buffer
    }

    /// Backend frames, encoded one after the other.
    static func backend(_ messages: [BackendTestMessage]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for message in messages { message.encode(into: &buffer) }
        return buffer
    }

    /// One readable line per frontend frame: `P name query`, `B portal statement`, `D S name`, `C S name`,
    /// `E`, `S`, `Q sql`, `H`.
    static func describeFrontend(_ bytes: ByteBuffer) -> [String] {
        var lines: [String] = []
        FrameBatch(validatedBytes: bytes).forEachFrame { message, _ in
            switch message.id {
            case UInt8(ascii: "P"):
                let parse = try? Parse.decode(from: message)
                lines.append("P \(parse?.statementName ?? "?") \(parse?.query ?? "?")")
            case UInt8(ascii: "B"):
                let bind = try? Bind.decode(from: message)
                lines.append("B \(bind?.portalName ?? "?") \(bind?.statementName ?? "?")")
            case UInt8(ascii: "D"), UInt8(ascii: "C"):
                var payload = message.payload
                let kind = payload.readInteger(as: UInt8.self).map { String(UnicodeScalar($0)) } ?? "?"
                let name = payload.readString(length: max(0, payload.readableBytes - 1)) ?? "?"
                lines.append("\(String(UnicodeScalar(message.id))) \(kind) \(name)")
            case UInt8(ascii: "Q"):
                lines.append("Q \((try? Query.decode(from: message))?.sql ?? "?")")
            default:
                lines.append(String(UnicodeScalar(message.id)))
            }
            return true
        }
        return lines
    }

    /// The message type letters of backend frames, in order.
    static func backendIDs(_ bytes: ByteBuffer?) -> String {
        guard let bytes else { return "" }
        var ids = ""
        FrameBatch(validatedBytes: bytes).forEachFrame { message, _ in
            ids.append(Character(UnicodeScalar(message.id)))
            return true
        }
        return ids
    }

    /// What the server connection would count in a batch: ReadyForQuery messages and the last status.
    static func readyForQuerySummary(_ bytes: ByteBuffer) -> (count: Int, last: TransactionStatus?) {
        var count = 0
        var last: TransactionStatus?
        FrameBatch(validatedBytes: bytes).forEachFrame { message, _ in
            if message.id == UInt8(ascii: "Z"), let ready = try? ReadyForQuery.decode(from: message) {
                count += 1
                last = ready.transactionStatus
            }
            return true
        }
        return (count, last)
    }
}

/// A frontend message for tests.
enum FrontendTestMessage {
    case parse(String, String, [UInt32] = [])
    case bind(String = "", String)
    case describeStatement(String)
    case closeStatement(String)
    case execute
    case sync
    case flush
    case query(String)

    func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .parse(let name, let sql, let types):
            Parse(statementName: name, query: sql, parameterTypeOIDs: types).encode(into: &buffer)
        case .bind(let portal, let statement):
            Bind(portalName: portal, statementName: statement, parameterFormats: [], parameters: [], resultFormats: []).encode(into: &buffer)
        case .describeStatement(let name):
            Describe(kind: .statement, name: name).encode(into: &buffer)
        case .closeStatement(let name):
            Close(kind: .statement, name: name).encode(into: &buffer)
        case .execute:
            Execute(portalName: "", maxRows: 0).encode(into: &buffer)
        case .sync:
            Sync().encode(into: &buffer)
        case .flush:
            buffer.writeInteger(UInt8(ascii: "H"))
            buffer.writeInteger(Int32(4))
        case .query(let sql):
            Query(sql: sql).encode(into: &buffer)
        }
    }
}

/// A backend message for tests.
enum BackendTestMessage {
    case parseComplete
    case bindComplete
    case closeComplete
    case noData
    case commandComplete(String)
    case error(String)
    case ready(TransactionStatus)

    func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .parseComplete: Self.empty(UInt8(ascii: "1"), into: &buffer)
        case .bindComplete: Self.empty(UInt8(ascii: "2"), into: &buffer)
        case .closeComplete: Self.empty(UInt8(ascii: "3"), into: &buffer)
        case .noData: Self.empty(UInt8(ascii: "n"), into: &buffer)
        case .commandComplete(let tag): CommandComplete(tag: tag).encode(into: &buffer)
        case .error(let code): ErrorResponse(severity: .error, code: code, message: "test error").encode(into: &buffer)
        case .ready(let status): ReadyForQuery(transactionStatus: status).encode(into: &buffer)
        }
    }

    private static func empty(_ id: UInt8, into buffer: inout ByteBuffer) {
        buffer.writeInteger(id)
        buffer.writeInteger(Int32(4))
    }
}

/// A client and the server connections it may hold, driven message by message.
struct MultiplexerHarness {
    var client: TransactionMultiplexer
    var servers: [ServerSessionState]

    init(servers: Int = 2, maxPreparedStatements: Int = 200, statementMode: Bool = false, startup: [String: String] = [:]) {
        client = TransactionMultiplexer(isStatementMode: statementMode, maxPreparedStatements: maxPreparedStatements, startupSettings: startup)
        self.servers = Array(repeating: ServerSessionState(maxPreparedStatements: maxPreparedStatements), count: servers)
    }

    /// Sends frontend messages to server `index`; returns the frames as sent, described.
    mutating func send(_ messages: [FrontendTestMessage], to index: Int = 0) -> [String] {
        Wire.describeFrontend(client.frontend(Wire.frontend(messages), server: &servers[index]))
    }

    /// Feeds backend messages from server `index`; returns the ids relayed to the client.
    mutating func receive(_ messages: [BackendTestMessage], from index: Int = 0) -> String {
        let bytes = Wire.backend(messages)
        let summary = Wire.readyForQuerySummary(bytes)
        return Wire.backendIDs(client.backend(bytes, readyForQueryCount: summary.count, lastStatus: summary.last, server: &servers[index]))
    }
}
