/// A sharding-key value found in a statement, before it is typed with the table's key type.
public enum KeyValue: Sendable, Hashable {
    /// A constant written in the SQL: the decoded text of a string, or a number with its sign (`-42`).
    case literal(String)
    /// A positional parameter `$n`; the number is 1-based, as written (`$1` is `.parameter(1)`).
    case parameter(Int)
}
