import Crypto
import NIOCore

/// The pgring-wide name of a protocol-level prepared statement: the same SQL text with the same parameter
/// types gets the same name on every server connection, whichever client prepared it, so a client that moves
/// to another server connection finds its statement already there when another client prepared it before.
///
/// The name is `pgring_` followed by 32 hex digits of SHA-256 over the Parse payload after the statement name
/// (the query string, its terminator and the parameter type OIDs). A cryptographic hash, so no client can craft
/// a second statement that collides with another client's. 39 bytes: within NAMEDATALEN (63).
public enum StatementNaming {
    /// The prefix of every pgring-wide statement name.
    public static let prefix = "pgring_"

    /// A statement name no statement ever has: closing it is a no-op that still answers CloseComplete.
    public static let nothing = "pgring.none"

    /// The pgring-wide name for a Parse payload tail (query string with terminator, parameter types).
    public static func globalName(forParseBody body: ByteBuffer) -> String {
        let digest = body.withUnsafeReadableBytes { SHA256.hash(data: $0) }
        var name = prefix
        name.reserveCapacity(prefix.utf8.count + 32)
        let hex: [Character] = Array("0123456789abcdef")
        for byte in digest.prefix(16) {
            name.append(hex[Int(byte >> 4)])
            name.append(hex[Int(byte & 0x0F)])
        }
        return name
    }
}
