/// The target kind byte of Describe and Close (PostgreSQL protocol, "Message Formats").
public enum StatementOrPortal: UInt8, Sendable, Equatable {
    /// A prepared statement.
    case statement = 0x53 // 'S'
    /// A portal.
    case portal = 0x50 // 'P'
}
