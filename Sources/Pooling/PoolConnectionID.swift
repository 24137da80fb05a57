/// Names one server connection of one pool.
///
/// The state machine hands out these IDs itself, counting up from 0 in the order it emits
/// ``PoolStateMachine/Action/createConnection(_:)``, so the I/O layer never invents IDs and tests can predict
/// them. An ID is never reused within a pool. IDs are only unique within their pool: an I/O layer that keeps
/// connections of several pools in one table keys it by (pool, ID).
public struct PoolConnectionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The sequence number: 0 for the first connection the pool asked for, 1 for the next, and so on.
    public var rawValue: UInt64

    /// Wraps a sequence number.
    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Orders IDs by creation order.
    public static func < (lhs: PoolConnectionID, rhs: PoolConnectionID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// `conn#N`, for logs.
    public var description: String { "conn#\(rawValue)" }
}
