/// The type byte of every typed frontend (client -> server) message of protocol 3.0
/// (PostgreSQL protocol, "Message Formats"). Startup-phase packets have no type byte (see `StartupPacket`).
public enum FrontendMessageID: UInt8, Sendable, CaseIterable {
    /// Bind: binds parameter values to a prepared statement, creating a portal.
    case bind = 0x42 // 'B'
    /// Close: closes a prepared statement or portal.
    case close = 0x43 // 'C'
    /// CopyData: a chunk of COPY FROM STDIN data.
    case copyData = 0x64 // 'd'
    /// CopyDone: end of COPY FROM STDIN data.
    case copyDone = 0x63 // 'c'
    /// CopyFail: the client aborts COPY FROM STDIN.
    case copyFail = 0x66 // 'f'
    /// Describe: asks for the description of a statement or portal.
    case describe = 0x44 // 'D'
    /// Execute: runs a portal.
    case execute = 0x45 // 'E'
    /// Flush: asks the server to send what it has buffered.
    case flush = 0x48 // 'H'
    /// FunctionCall: the legacy fast-path function call.
    case functionCall = 0x46 // 'F'
    /// PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse all share 'p'; which one it is
    /// depends on the authentication request that preceded it.
    case password = 0x70 // 'p'
    /// Parse: creates a prepared statement.
    case parse = 0x50 // 'P'
    /// Query: a simple-protocol query string.
    case query = 0x51 // 'Q'
    /// Sync: ends an extended-protocol batch; the server answers ReadyForQuery.
    case sync = 0x53 // 'S'
    /// Terminate: the client is closing the connection.
    case terminate = 0x58 // 'X'
}
