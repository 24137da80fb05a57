import Config
import HashRing

/// A shard as a rebalance job records it: enough to build the ring and to reach the servers — the same text
/// form the configuration file's `[[shards]]` are written in.
public typealias ShardSpec = ShardEntry

/// What a rebalance changes in the ring.
public enum RebalanceOperation: Codable, Sendable, Equatable, CustomStringConvertible {
    /// A new shard joins; ranges move to it from the others.
    case add(ShardSpec)
    /// A shard leaves; its ranges move to the others.
    case remove(name: String)
    /// A shard's weight changes; ranges move to it (up) or from it (down).
    case reweight(name: String, weight: Int)

    public var description: String {
        switch self {
        case .add(let shard): return "add \(shard.name) (weight \(shard.weight), primary \(shard.primary))"
        case .remove(let name): return "remove \(name)"
        case .reweight(let name, let weight): return "reweight \(name) to \(weight)"
        }
    }

    /// The shard list after the operation, or why the operation does not apply to `shards`.
    public func apply(to shards: [ShardSpec]) -> Result<[ShardSpec], RebalanceError> {
        switch self {
        case .add(let shard):
            if shards.contains(where: { $0.name == shard.name }) {
                return .failure(.invalidOperation("shard \(shard.name) exists already"))
            }
            if let clash = shards.first(where: { $0.primary == shard.primary || $0.replicas.contains(shard.primary) }) {
                return .failure(.invalidOperation("\(shard.primary) is already a server of shard \(clash.name)"))
            }
            guard (1...1000).contains(shard.weight) else {
                return .failure(.invalidOperation("the weight must be between 1 and 1000, got \(shard.weight)"))
            }
            return .success(shards + [shard])
        case .remove(let name):
            guard shards.contains(where: { $0.name == name }) else { return .failure(.unknownShard(name, known: shards.map(\.name))) }
            guard shards.count > 1 else { return .failure(.invalidOperation("shard \(name) is the last one; a ring needs at least one shard")) }
            return .success(shards.filter { $0.name != name })
        case .reweight(let name, let weight):
            guard let index = shards.firstIndex(where: { $0.name == name }) else {
                return .failure(.unknownShard(name, known: shards.map(\.name)))
            }
            guard (1...1000).contains(weight) else {
                return .failure(.invalidOperation("the weight must be between 1 and 1000, got \(weight)"))
            }
            guard shards[index].weight != weight else {
                return .failure(.invalidOperation("shard \(name) has weight \(weight) already; nothing would move"))
            }
            var result = shards
            result[index].weight = weight
            return .success(result)
        }
    }
}

/// Why a rebalance cannot be planned, started or continued.
public enum RebalanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation makes no sense for the current shards.
    case invalidOperation(String)
    /// The operation names a shard the ring does not have.
    case unknownShard(String, known: [String])
    /// The ring could not be built.
    case ring(String)

    public var description: String {
        switch self {
        case .invalidOperation(let message): return message
        case .unknownShard(let name, let known): return "unknown shard \"\(name)\" (shards: \(known.joined(separator: ", ")))"
        case .ring(let message): return "the new ring is invalid: \(message)"
        }
    }
}
