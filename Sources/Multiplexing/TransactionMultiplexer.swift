import NIOCore
import PGWire
import Routing

/// The pure state of one client under transaction (or statement) pooling: it decides when the client's server
/// connection can go back to the pool, rewrites the client's protocol-level prepared statements to pgring-wide
/// names (preparing them on whichever server connection the client holds, only where missing), and carries the
/// client's session settings from one server connection to the next.
///
/// It does no I/O. The client session feeds it every frontend batch before sending it (``frontend(_:server:)``)
/// and every backend batch before relaying it (``backend(_:readyForQueryCount:lastStatus:server:)``), and asks
/// ``canRelease`` after each backend batch. It runs on the client's event loop; `server` is the session state
/// of the server connection the client holds right now.
///
/// **Release rule** (PostgreSQL protocol 55.2, "Message Flow"): a server connection is free for another client
/// when every Query, Sync and FunctionCall sent has been answered by its ReadyForQuery, no extended-protocol
/// message was sent after the last Sync (a pipeline still open), the last ReadyForQuery said 'I' (no
/// transaction block) and nothing pins the client to its server (``pins``, LISTEN).
///
/// **Response alignment**: pgring sometimes sends messages the client did not (a Parse of a statement the
/// server lacks, a Close to make room) and must drop their answers (ParseComplete, CloseComplete). Answers
/// come in the order of the messages of each Sync-delimited *segment*, and after an ErrorResponse the server
/// skips to the Sync; so pgring numbers segments and, for a segment that holds such messages, lists every
/// Parse and Close it sent. Segments without them are relayed without looking at their frames.
public struct TransactionMultiplexer: Sendable {
    /// A client's named prepared statement: the pgring-wide name and what to send to prepare it again.
    struct ClientStatement: Sendable {
        /// The pgring-wide name (``StatementNaming``).
        var globalName: String
        /// The Parse payload after the statement name (query string, parameter types).
        var parseBody: ByteBuffer
    }

    /// What pgring does with the answer to one Parse or Close it sent in a listed segment.
    enum ResponseEntry: Sendable, Equatable {
        /// The client sent it: relay the answer.
        case relay
        /// The client sent this Parse of its named statement (renamed): relay the answer; if no
        /// ParseComplete comes, neither the server nor the client has the statement.
        case trackClientParse(globalName: String, clientName: String)
        /// pgring sent it: drop the answer. For an injected Parse, `globalName` is forgotten by the server
        /// cache if no ParseComplete comes.
        case drop(globalName: String?)
    }

    /// The Parse and Close messages of one segment, and the session effects of its statements.
    struct Segment: Sendable {
        var parses: [ResponseEntry] = []
        var closes: [ResponseEntry] = []
        var effects: [SessionEffect] = []
        /// True for a Query pgring sent on its own (a deferred BEGIN): every answer, ReadyForQuery included,
        /// is dropped.
        var dropsAllAnswers = false
        /// The transaction status the client is shown in this segment's ReadyForQuery instead of the server's
        /// (a statement run outside the transaction the client opened, whose BEGIN pgring still holds).
        var statusOverride: TransactionStatus?
        /// True when the segment's answers must be looked at (an entry is not `.relay`, or it has effects).
        var isListed = false
        var parsesAnswered = 0
        var closesAnswered = 0

        mutating func reset() {
            parses.removeAll(keepingCapacity: true)
            closes.removeAll(keepingCapacity: true)
            effects.removeAll(keepingCapacity: true)
            dropsAllAnswers = false
            statusOverride = nil
            isListed = false
            parsesAnswered = 0
            closesAnswered = 0
        }
    }

    /// True in statement pooling mode: a transaction block is a violation.
    public let isStatementMode: Bool
    /// 0 turns the prepared statement support off (named statements pass through unchanged).
    public let maxPreparedStatements: Int

    /// What the client sent owes: ReadyForQuery messages and an open pipeline.
    var accounting = FrontendAccounting()
    /// ReadyForQuery messages still owed by the server.
    public var readyForQueryOutstanding: Int { accounting.readyForQueryOutstanding }
    /// True when an extended-protocol message was sent after the last Sync.
    public var unsynced: Bool { accounting.unsynced }
    /// The transaction status of the last ReadyForQuery relayed.
    public internal(set) var transactionStatus: TransactionStatus = .idle
    /// Why the client must keep its server connection (temporary objects, advisory locks...).
    public internal(set) var pins: Set<SessionPinReason> = []
    /// The channels the client listens on; while not empty it keeps its server connection.
    public internal(set) var listening: Set<String> = []

    /// The client's named statements, by the client's name.
    var statements: [String: ClientStatement] = [:]
    /// The session effects of the client's statements that have any ("" for the unnamed statement), noted
    /// each time the statement is bound for execution.
    var statementEffects: [String: [SessionEffect]] = [:]
    /// The settings from the startup packet, by canonical name: the SQL that applies each.
    let startupSettings: [String: String]
    /// The settings the client expects, by canonical name: the SQL that applies each.
    var settings: [String: String]

    /// Segments sent (each Query, Sync and FunctionCall ends one).
    var segmentsSent: UInt64 = 0
    /// Segments answered (ReadyForQuery received).
    var segmentsAnswered: UInt64 = 0
    /// The segment being sent (not ended by a Sync yet).
    var openSegment = Segment()
    /// Ended segments that are listed and not answered yet, by number.
    var listedSegments: [UInt64: Segment] = [:]
    /// While ``frontend(_:server:silentQueries:statusOverride:)`` runs: the status override of its segments.
    var currentStatusOverride: TransactionStatus?
    /// Effects of statements inside the current transaction block, kept until it commits.
    var transactionEffects: [SessionEffect] = []
    /// While scanning answers: the current segment had an ErrorResponse / a ROLLBACK command tag.
    var answerHadError = false
    var answerHadRollback = false

    /// A client that just logged in. `startupSettings` maps canonical names (lower case) to the SQL that applies
    /// the startup packet's value.
    public init(isStatementMode: Bool, maxPreparedStatements: Int, startupSettings: [String: String]) {
        self.isStatementMode = isStatementMode
        self.maxPreparedStatements = maxPreparedStatements
        self.startupSettings = startupSettings
        self.settings = startupSettings
    }

    /// True when the server connection can go back to the pool now.
    public var canRelease: Bool {
        readyForQueryOutstanding == 0 && !unsynced && transactionStatus == .idle && pins.isEmpty && listening.isEmpty
    }

    /// True in statement mode when the last ReadyForQuery reported an open transaction block.
    public var violatesStatementMode: Bool {
        isStatementMode && transactionStatus != .idle
    }

    /// How many named statements the client has.
    public var statementCount: Int { statements.count }

    /// True when backend batches must be looked at frame by frame.
    var mustScanAnswers: Bool {
        !listedSegments.isEmpty || openSegment.isListed || !transactionEffects.isEmpty
    }
}
