/// The type byte of every backend (server -> client) message of protocol 3.0 (and 3.2)
/// (PostgreSQL protocol, "Message Formats").
public enum BackendMessageID: UInt8, Sendable, CaseIterable {
    /// Authentication*: every authentication request and AuthenticationOk.
    case authentication = 0x52 // 'R'
    /// BackendKeyData: process ID and secret key for CancelRequest.
    case backendKeyData = 0x4B // 'K'
    /// BindComplete.
    case bindComplete = 0x32 // '2'
    /// CloseComplete.
    case closeComplete = 0x33 // '3'
    /// CommandComplete: the command tag, e.g. "SELECT 1".
    case commandComplete = 0x43 // 'C'
    /// CopyData: a chunk of COPY TO STDOUT data.
    case copyData = 0x64 // 'd'
    /// CopyDone: end of COPY TO STDOUT data.
    case copyDone = 0x63 // 'c'
    /// CopyInResponse: the server is ready for COPY FROM STDIN data.
    case copyInResponse = 0x47 // 'G'
    /// CopyOutResponse: COPY TO STDOUT data follows.
    case copyOutResponse = 0x48 // 'H'
    /// CopyBothResponse: streaming replication copy mode.
    case copyBothResponse = 0x57 // 'W'
    /// DataRow: one result row.
    case dataRow = 0x44 // 'D'
    /// EmptyQueryResponse: the query string was empty.
    case emptyQueryResponse = 0x49 // 'I'
    /// ErrorResponse.
    case errorResponse = 0x45 // 'E'
    /// FunctionCallResponse: result of a fast-path FunctionCall.
    case functionCallResponse = 0x56 // 'V'
    /// NegotiateProtocolVersion: the server supports an older minor version or not all `_pq_.` options.
    case negotiateProtocolVersion = 0x76 // 'v'
    /// NoData: the statement returns no rows.
    case noData = 0x6E // 'n'
    /// NoticeResponse.
    case noticeResponse = 0x4E // 'N'
    /// NotificationResponse: a LISTEN/NOTIFY notification.
    case notificationResponse = 0x41 // 'A'
    /// ParameterDescription: parameter types of a prepared statement.
    case parameterDescription = 0x74 // 't'
    /// ParameterStatus: a run-time parameter's current value.
    case parameterStatus = 0x53 // 'S'
    /// ParseComplete.
    case parseComplete = 0x31 // '1'
    /// PortalSuspended: Execute stopped at its row limit.
    case portalSuspended = 0x73 // 's'
    /// ReadyForQuery: the server is idle; carries the transaction status.
    case readyForQuery = 0x5A // 'Z'
    /// RowDescription: the columns of the rows that follow.
    case rowDescription = 0x54 // 'T'
}
