import Config
import Foundation

/// The real PostgreSQL cluster the integration tests run against, started by tools/test
/// (tools/dev-cluster: N shards, each a primary plus streaming replicas, on 127.0.0.1).
struct TestCluster: Sendable {
    var basePort: Int
    var shards: Int
    var replicas: Int
    var directory: String

    /// Reads the cluster tools/test started. Fails loudly (never skips) when it is absent.
    static func current() throws -> TestCluster {
        let env = ProcessInfo.processInfo.environment
        guard let port = env["PGRING_TEST_BASE_PORT"].flatMap(Int.init) else {
            throw TestSetupError("PGRING_TEST_BASE_PORT is not set: run the integration tests with tools/test, which starts the PostgreSQL cluster they need")
        }
        return TestCluster(
            basePort: port,
            shards: env["PGRING_TEST_SHARDS"].flatMap(Int.init) ?? 2,
            replicas: env["PGRING_TEST_REPLICAS"].flatMap(Int.init) ?? 1,
            directory: env["PGRING_TEST_CLUSTER_DIR"] ?? "/tmp/pgring-test-cluster"
        )
    }

    func primaryPort(shard: Int) -> Int { basePort + 10 * shard }
    func replicaPort(shard: Int, replica: Int) -> Int { basePort + 10 * shard + replica }

    /// A libpq URL straight to a shard's primary (bypassing pgring).
    func directURL(shard: Int, user: String = "app", password: String = "app") -> String {
        "postgresql://\(user):\(password)@127.0.0.1:\(primaryPort(shard: shard))/app?sslmode=disable"
    }

    /// The shards of the cluster as configuration entries.
    var shardConfigurations: [ShardConfiguration] {
        (0..<shards).map { i in
            ShardConfiguration(
                name: "shard\(i)",
                primary: ServerAddress(host: "127.0.0.1", port: primaryPort(shard: i)),
                replicas: (0..<replicas).map { ServerAddress(host: "127.0.0.1", port: replicaPort(shard: i, replica: $0 + 1)) }
            )
        }
    }

    /// The TLS certificate and key tools/dev-cluster made (self-signed, CN=localhost).
    var certificateFile: String { "\(directory)/tls/server.crt" }
    var keyFile: String { "\(directory)/tls/server.key" }
}

/// A test could not set itself up (missing cluster, missing tool): reported as a failure, never a skip.
struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
