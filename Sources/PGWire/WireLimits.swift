/// Every length limit of the wire layer, in one place.
///
/// Every length read from a peer is an `Int32` that counts itself (PostgreSQL protocol, "Message Formats").
/// The decoders check it against these limits *before* buffering the body, using arithmetic that cannot
/// overflow, so a peer can neither crash pgring nor make it allocate an unbounded buffer.
public enum WireLimits {
    /// The largest startup-phase packet body (the bytes after the length word), as PostgreSQL's
    /// `MAX_STARTUP_PACKET_LENGTH`. Like PostgreSQL (`ProcessStartupPacket`), the limit applies to the
    /// length *minus the 4 bytes of the length word itself*: a length field of 10,004 is the largest accepted.
    public static let maxStartupPacketLength = 10_000

    /// The smallest valid startup-phase length field: 4 (length word) + 4 (protocol version / request code).
    public static let minStartupPacketLength = 8

    /// Default upper bound for the length field of a typed message (the field counts itself, not the id byte).
    /// A length field greater than the configured limit is refused with `WireProtocolError.messageTooLarge`.
    public static let defaultMaxMessageSize = 256 * 1024 * 1024

    /// The smallest valid length field of a typed message: the length word alone (empty payload).
    public static let minMessageLength = 4

    /// Size of a typed message header: one id byte and the Int32 length.
    public static let messageHeaderSize = 5

    /// The exact length field of SSLRequest and GSSENCRequest packets (length word + request code).
    public static let encryptionRequestLength = 8

    /// The smallest CancelRequest length field: length + code + process ID + a 4-byte key (protocol 3.0).
    public static let minCancelRequestLength = 16

    /// The shortest cancel / backend key accepted (protocol 3.0 always uses 4 bytes).
    public static let minCancelKeyLength = 4

    /// The longest cancel / backend key accepted (protocol 3.2 allows up to 256 bytes).
    public static let maxCancelKeyLength = 256

    /// Length of the salt sent with AuthenticationMD5Password.
    public static let md5SaltLength = 4
}
