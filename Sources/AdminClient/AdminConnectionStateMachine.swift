import PGAuth
import PGWire

/// One pgringctl session with pgring's admin console, as a pure state machine: StartupMessage,
/// authentication (SCRAM-SHA-256, md5, cleartext or trust), then each simple Query in turn, collecting its
/// results, then Terminate. No I/O: ``AdminChannelHandler`` feeds it messages and performs its actions.
///
/// Protocol: "Start-up", "SASL Authentication" and "Simple Query" sections of the PostgreSQL
/// frontend/backend protocol. The first ErrorResponse ends the session: during login at once, during a
/// query with `.fail(.server)` when its ReadyForQuery arrives (later queries are not sent).
public struct AdminConnectionStateMachine: Sendable {
    /// What the handler must do next.
    public enum Action: Sendable, Equatable {
        /// Write these messages and flush.
        case send([AdminFrontendMessage])
        /// Nothing to do; wait for the next message.
        case wait
        /// Every query answered: send Terminate, close, and report these results (one per result set, in order).
        case finish([QueryResult])
        /// The session failed: close the connection and report this.
        case fail(AdminClientError)
    }

    /// Where the session is.
    enum State: Sendable {
        /// `start()` not called yet.
        case initial
        /// StartupMessage sent; an authentication request or an error is expected.
        case authenticating
        /// SCRAM exchange under way.
        case scram(SCRAMClientStateMachine)
        /// AuthenticationOk received; ParameterStatus/BackendKeyData until ReadyForQuery.
        case awaitingReady
        /// Query number `index` sent; collecting its results until ReadyForQuery.
        case querying(index: Int, current: QueryResult?, error: ServerError?)
        /// Finished or failed (terminal).
        case done
    }

    /// The most rows accepted in one result, to bound memory against a misbehaving server.
    public static let maximumRows = 1_000_000

    /// Who logs in where.
    let url: AdminURL
    /// The queries to run, in order.
    let queries: [String]
    /// Current state; changes only through the methods below.
    private(set) var state: State = .initial
    /// Results of the finished queries.
    private(set) var results: [QueryResult] = []
    /// ParameterStatus values the server reported (server_version, ...).
    public private(set) var parameters: [String: String] = [:]

    /// Creates the machine for one session running `queries`.
    public init(url: AdminURL, queries: [String]) {
        self.url = url
        self.queries = queries
    }

    /// The StartupMessage parameters: user, database, application_name.
    var startupParameters: [StartupParameter] {
        [
            StartupParameter(name: "user", value: url.user),
            StartupParameter(name: "database", value: url.database),
            StartupParameter(name: "application_name", value: "pgringctl"),
        ]
    }

    /// Begins the session (the TCP connection is up).
    public mutating func start() -> Action {
        guard case .initial = state else { return fail(.protocolViolation("session started twice")) }
        state = .authenticating
        return .send([.startup(StartupMessage(parameters: startupParameters))])
    }

    /// A typed message from the server.
    public mutating func message(_ message: RawMessage) -> Action {
        switch message.backendID {
        case .noticeResponse, .parameterStatus, .negotiateProtocolVersion, .notificationResponse, .backendKeyData:
            if message.backendID == .parameterStatus, let status = try? ParameterStatus.decode(from: message) {
                parameters[status.name] = status.value
            }
            return .wait
        case .authentication:
            return authentication(message)
        case .errorResponse:
            return errorResponse(message)
        case .readyForQuery:
            return readyForQuery()
        case .rowDescription, .dataRow, .commandComplete, .emptyQueryResponse:
            return result(message)
        case .bindComplete, .closeComplete, .copyData, .copyDone, .copyInResponse, .copyOutResponse,
            .copyBothResponse, .functionCallResponse, .noData, .parameterDescription, .parseComplete,
            .portalSuspended, nil:
            return fail(.protocolViolation("unexpected message \(Self.describe(message.id))"))
        }
    }

    /// An Authentication* request.
    private mutating func authentication(_ message: RawMessage) -> Action {
        let request: AuthenticationRequest
        do {
            request = try AuthenticationRequest.decode(from: message)
        } catch {
            return fail(.protocolViolation("malformed authentication request"))
        }
        switch state {
        case .authenticating:
            switch request {
            case .ok:
                state = .awaitingReady
                return .wait
            case .cleartextPassword:
                guard let password = url.password else { return fail(.passwordRequired) }
                return .send([.password(password)])
            case .md5Password(let salt):
                guard let password = url.password else { return fail(.passwordRequired) }
                return .send([.password(MD5Password.response(user: url.user, password: password, salt: salt))])
            case .sasl(let mechanisms):
                guard mechanisms.contains("SCRAM-SHA-256") else {
                    return fail(.authenticationFailed("unsupported SASL mechanisms \(mechanisms.joined(separator: ", "))"))
                }
                guard let password = url.password else { return fail(.passwordRequired) }
                // PostgreSQL takes the user from the StartupMessage; libpq sends an empty SCRAM user name.
                var scram = SCRAMClientStateMachine(username: "", password: password)
                let first = scram.clientFirstMessage()
                state = .scram(scram)
                return .send([.saslInitialResponse(mechanism: "SCRAM-SHA-256", data: first)])
            case .saslContinue, .saslFinal:
                return fail(.protocolViolation("SASL message before SASL started"))
            case .unsupported(let code):
                return fail(.authenticationFailed("unsupported authentication request (code \(code))"))
            }
        case .scram(var scram):
            switch request {
            case .saslContinue(let data), .saslFinal(let data):
                let isFinal: Bool
                if case .saslFinal = request { isFinal = true } else { isFinal = false }
                switch isFinal ? scram.saslFinal(data) : scram.saslContinue(data) {
                case .respond(let final):
                    state = .scram(scram)
                    return .send([.saslResponse(final)])
                case .verified:
                    state = .scram(scram)
                    return .wait
                case .outOfOrder(let why):
                    return fail(.protocolViolation(why))
                case .failed(let why):
                    return fail(.authenticationFailed(why))
                }
            case .ok:
                if let refusal = scram.authenticationOkRefusal {
                    return fail(.authenticationFailed(refusal))
                }
                state = .awaitingReady
                return .wait
            case .cleartextPassword, .md5Password, .sasl, .unsupported:
                return fail(.protocolViolation("unexpected authentication request during SCRAM"))
            }
        case .initial, .awaitingReady, .querying, .done:
            return fail(.protocolViolation("unexpected authentication request"))
        }
    }

    /// An ErrorResponse: fatal during login; during a query, remembered until ReadyForQuery.
    private mutating func errorResponse(_ message: RawMessage) -> Action {
        let decoded = try? ErrorResponse.decode(from: message)
        let error = ServerError(
            severity: decoded?.severity ?? "ERROR",
            sqlState: decoded?.sqlState ?? "XX000",
            message: decoded?.message ?? "unreadable error",
            detail: decoded?.detail,
            hint: decoded?.hint
        )
        switch state {
        case .querying(let index, _, let earlier):
            if error.severity == "FATAL" || error.severity == "PANIC" { return fail(.server(earlier ?? error)) }
            state = .querying(index: index, current: nil, error: earlier ?? error)
            return .wait
        case .initial, .authenticating, .scram, .awaitingReady, .done:
            return fail(.server(error))
        }
    }

    /// ReadyForQuery: the login finished or the current query did; send the next query or finish.
    private mutating func readyForQuery() -> Action {
        switch state {
        case .awaitingReady:
            return nextQuery(index: 0)
        case .querying(let index, let current, let error):
            if let error { return fail(.server(error)) }
            if let current {
                // A result set without CommandComplete: keep what arrived.
                results.append(current)
            }
            return nextQuery(index: index + 1)
        case .initial, .authenticating, .scram, .done:
            return fail(.protocolViolation("unexpected ReadyForQuery"))
        }
    }

    /// Sends query `index`, or finishes when there is none left.
    private mutating func nextQuery(index: Int) -> Action {
        guard index < queries.count else {
            state = .done
            return .finish(results)
        }
        state = .querying(index: index, current: nil, error: nil)
        return .send([.query(queries[index])])
    }

    /// RowDescription, DataRow, CommandComplete or EmptyQueryResponse of the current query.
    private mutating func result(_ message: RawMessage) -> Action {
        guard case .querying(let index, var current, let error) = state else {
            return fail(.protocolViolation("unexpected \(Self.describe(message.id)) outside a query"))
        }
        do {
            switch message.backendID {
            case .rowDescription:
                let description = try RowDescription.decode(from: message)
                if description.columns.contains(where: { $0.formatCode != 0 }) {
                    return fail(.protocolViolation("binary columns in a simple query result"))
                }
                current = QueryResult(columns: description.columns.map(\.name), rows: [], tag: "")
            case .dataRow:
                guard var result = current else { return fail(.protocolViolation("DataRow without RowDescription")) }
                let row = try DataRow.decode(from: message)
                guard row.values.count == result.columns.count else {
                    return fail(.protocolViolation("DataRow with \(row.values.count) values for \(result.columns.count) columns"))
                }
                guard result.rows.count < Self.maximumRows else {
                    return fail(.protocolViolation("more than \(Self.maximumRows) rows"))
                }
                result.rows.append(row.values)
                current = result
            case .commandComplete:
                let tag = try CommandComplete.decode(from: message).tag
                var result = current ?? QueryResult(columns: [], rows: [], tag: "")
                result.tag = tag
                results.append(result)
                current = nil
            case .emptyQueryResponse:
                results.append(QueryResult(columns: [], rows: [], tag: ""))
                current = nil
            default:
                return fail(.protocolViolation("unexpected \(Self.describe(message.id))"))
            }
        } catch {
            return fail(.protocolViolation("malformed \(Self.describe(message.id))"))
        }
        state = .querying(index: index, current: current, error: error)
        return .wait
    }

    /// The connection closed: a failure unless the session already finished.
    public mutating func connectionClosed() -> Action {
        switch state {
        case .done:
            return .wait
        case .initial, .authenticating, .scram, .awaitingReady, .querying:
            return fail(.connectionClosed(endpoint: url.endpoint))
        }
    }

    /// Whether the session reached its end (finished or failed).
    public var isDone: Bool {
        if case .done = state { return true }
        return false
    }

    /// A message id as `'X'` (printable) or its decimal value, for error texts.
    static func describe(_ id: UInt8) -> String {
        (0x20..<0x7F).contains(id) ? "'\(Character(Unicode.Scalar(id)))'" : "byte \(id)"
    }

    /// Moves to `.done` and returns the failure.
    private mutating func fail(_ error: AdminClientError) -> Action {
        state = .done
        return .fail(error)
    }
}
