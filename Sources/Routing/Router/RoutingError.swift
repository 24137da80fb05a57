/// A routing refusal, sent to the client as an ErrorResponse (severity ERROR) with these fields.
public struct RoutingError: Error, Sendable, Hashable {
    /// The SQLSTATE code (field `C`).
    public var sqlState: String
    /// The primary message (field `M`).
    public var message: String
    /// Optional detail (field `D`).
    public var detail: String?
    /// Optional hint (field `H`): what the user can do.
    public var hint: String?

    /// Creates an error.
    public init(sqlState: String, message: String, detail: String? = nil, hint: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    /// SQLSTATE codes the router uses (PostgreSQL documentation, appendix A).
    public enum Code {
        /// `0A000` feature_not_supported: the statement cannot be routed (no key, several shards, pinned
        /// transaction, global write, SQL-level PREPARE/EXECUTE).
        public static let featureNotSupported = "0A000"
        /// `22P02` invalid_text_representation: a key literal or hint that is not a valid value of the key type.
        public static let invalidTextRepresentation = "22P02"
        /// `22023` invalid_parameter_value: an unknown shard name in a pin or hint.
        public static let invalidParameterValue = "22023"
        /// `42704` undefined_object: an unknown `pgring.*` setting.
        public static let undefinedObject = "42704"
        /// `08P01` protocol_violation: a `$n` key with no such Bind parameter.
        public static let protocolViolation = "08P01"
    }
}
