import Config
import HashRing

/// Builds the ring a configuration defines, exactly as pgring does: `[[shards]]` names and weights,
/// `[ring] vnodes` (nil: the HashRing default) and `[ring] version`.
enum RingLoader {
    /// Loads and validates the configuration file, then builds its ring.
    /// - Throws: `ConfigurationError` (every problem in the file) or `HashRingError`.
    static func ring(configurationPath path: String) throws -> ConsistentHashRing {
        let configuration = try ConfigurationLoader.load(path: path)
        return try ring(configuration: configuration)
    }

    /// The ring of an already loaded configuration.
    static func ring(configuration: PGRingConfiguration) throws(HashRingError) -> ConsistentHashRing {
        try ConsistentHashRing(
            weights: configuration.shards.map { ($0.name, $0.weight) },
            virtualNodes: configuration.ring.vnodes,
            version: configuration.ring.version
        )
    }
}
