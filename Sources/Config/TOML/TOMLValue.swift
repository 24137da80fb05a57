/// One value of a parsed TOML document (TOML 1.0, https://toml.io/en/v1.0.0).
///
/// Date and time values are not supported: pgring has no setting that needs one, and the parser
/// reports them as a syntax error rather than guessing.
public enum TOMLValue: Sendable, Equatable {
    /// A string (basic `"…"`, literal `'…'` or either multi-line form), escapes already resolved.
    case string(String)
    /// A 64-bit signed integer (decimal, or `0x`/`0o`/`0b` prefixed).
    case integer(Int64)
    /// A 64-bit float, including `inf` and `nan`.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// An array `[ … ]`; an array of tables (`[[name]]`) is an array whose elements are all `.table`.
    case array([TOMLValue])
    /// A table: a `[header]` section, an inline table `{ … }`, or a table made by dotted keys.
    case table(TOMLTable)

    /// The kind of value with its article, for messages: "a string", "an integer", "an array of tables"…
    public var typeDescription: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a float"
        case .boolean: return "a boolean"
        case .array(let elements):
            if !elements.isEmpty, elements.allSatisfy({ $0.isTable }) {
                return "an array of tables"
            }
            return "an array"
        case .table: return "a table"
        }
    }

    /// True for `.table`.
    public var isTable: Bool {
        switch self {
        case .table: return true
        case .string, .integer, .float, .boolean, .array: return false
        }
    }
}
