import Config
import Logging
import NIOCore

extension ShardStats {
    /// A shard's entry built from its configuration: `keyspaceShare` from the ring
    /// (`ConsistentHashRing.shares()`), `primaryReachable` from ``PrimaryReachability/reachable(_:)``.
    /// Replica reachability and lag are not measured yet, so they stay nil (shown as unknown).
    public init(configuration: ShardConfiguration, keyspaceShare: Double, primaryReachable: Bool?) {
        self.init(
            name: configuration.name,
            weight: configuration.weight,
            keyspaceShare: keyspaceShare,
            primary: ServerStats(address: configuration.primary.description, reachable: primaryReachable),
            replicas: configuration.replicas.map { ServerStats(address: $0.description) }
        )
    }
}

extension PrimaryReachability {
    /// Checks the primary of every shard in `configuration` (call ``setTargets(_:)`` with
    /// ``primaries(of:)`` after a reload).
    public convenience init(group: any EventLoopGroup, configuration: PGRingConfiguration, logger: Logger) {
        self.init(group: group, targets: Self.primaries(of: configuration), logger: logger)
    }

    /// The primary addresses of every shard, in file order.
    public static func primaries(of configuration: PGRingConfiguration) -> [ServerAddress] {
        configuration.shards.map(\.primary)
    }
}
