/// Why a SCRAM-SHA-256 exchange failed, on either side.
///
/// Every case ends the exchange; the connection must then be closed after reporting the error (server
/// side: an ErrorResponse with `sqlState`; client side: report that the login to PostgreSQL failed).
public enum SCRAMError: Error, Sendable, Equatable {
    /// The peer's message breaks the SCRAM grammar or a bound of `SCRAMLimits`; the reason says which rule
    /// (it never contains secret material and is safe to log).
    case malformed(String)
    /// The client asked for channel binding (`p=...` in the gs2 header, i.e. SCRAM-SHA-256-PLUS), which
    /// pgring never offers.
    case channelBindingNotSupported
    /// The client sent an authorization identity (`a=...`), which PostgreSQL does not support either.
    case authorizationIdentityNotSupported
    /// The peer requires an extension (`m=...`) that is not supported (RFC 5802 section 5.1).
    case unsupportedMandatoryExtension
    /// The `c=` attribute of the client-final-message does not repeat the gs2 header of the
    /// client-first-message.
    case channelBindingMismatch
    /// The nonce does not continue the exchange: the client-final nonce differs from the combined nonce, or
    /// the server-first nonce does not extend the client nonce.
    case nonceMismatch
    /// The server sent an iteration count outside `SCRAMLimits.iterationRange`.
    case iterationCountOutOfRange
    /// The client proof is wrong: wrong password, or an unknown user served with a mock verifier.
    /// Both produce exactly this case so that they cannot be told apart.
    case invalidProof
    /// The server's signature in the server-final-message is wrong: the server does not know the password.
    case invalidServerSignature
    /// pgring was given only `SCRAMClientKeys` (pass-through) but the server sent another salt or iteration
    /// count: the password was changed in PostgreSQL since the keys were obtained.
    case clientKeysDoNotMatchServer
    /// The server ended the exchange with `e=<value>`; the value is kept (bounded) for the log.
    case serverError(String)
    /// A message arrived in a state where it was not expected (after completion or failure, or out of order).
    case unexpectedMessage

    /// The SQLSTATE pgring should put in the ErrorResponse it sends to a client for this error:
    /// `28P01` (invalid_password) for a wrong proof, as PostgreSQL does; `08P01` (protocol_violation)
    /// for everything else, as PostgreSQL's auth-scram.c does.
    public var sqlState: String {
        switch self {
        case .invalidProof, .clientKeysDoNotMatchServer:
            return "28P01"
        case .malformed, .channelBindingNotSupported, .authorizationIdentityNotSupported,
            .unsupportedMandatoryExtension, .channelBindingMismatch, .nonceMismatch,
            .iterationCountOutOfRange, .invalidServerSignature, .serverError, .unexpectedMessage:
            return "08P01"
        }
    }
}
