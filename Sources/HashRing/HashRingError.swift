/// Why a ring cannot be built or changed. Each case names what to fix.
public enum HashRingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ring definition has no shard.
    case noShards
    /// A shard name is the empty string.
    case emptyShardName
    /// A shard name contains a control character (U+0000...U+001F or U+007F), which the canonical
    /// fingerprint text cannot carry.
    case invalidShardName(String)
    /// Two shards have the same name (or a shard being added already exists).
    case duplicateShardName(String)
    /// A shard's weight is zero or negative.
    case nonPositiveWeight(shard: String, weight: Int)
    /// The virtual node count is zero or negative.
    case nonPositiveVirtualNodes(Int)
    /// `virtualNodes × total weight` exceeds `ConsistentHashRing.maximumPointCount` (nil: it overflows `Int`).
    case tooManyPoints(requested: Int?, limit: Int)
    /// An operation names a shard that is not in the ring.
    case unknownShard(String)

    public var description: String {
        switch self {
        case .noShards:
            return "the ring has no shards: define at least one shard"
        case .emptyShardName:
            return "a shard name is empty"
        case .invalidShardName(let name):
            return "shard name \(name.debugDescription) contains a control character"
        case .duplicateShardName(let name):
            return "shard name \(name.debugDescription) is used more than once"
        case .nonPositiveWeight(let shard, let weight):
            return "shard \(shard.debugDescription) has weight \(weight): the weight must be an integer > 0"
        case .nonPositiveVirtualNodes(let count):
            return "vnodes is \(count): it must be an integer > 0"
        case .tooManyPoints(let requested, let limit):
            let amount = requested.map { "\($0)" } ?? "more than Int.max"
            return "vnodes × total weight = \(amount) points, above the limit of \(limit): lower vnodes or the weights"
        case .unknownShard(let name):
            return "no shard named \(name.debugDescription) in the ring"
        }
    }
}
