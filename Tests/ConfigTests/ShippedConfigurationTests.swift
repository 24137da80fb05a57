import Foundation
import Testing

@testable import Config

/// The configuration files shipped in config/ load, and say what the documentation says they say.
@Suite("Shipped configuration files")
struct ShippedConfigurationTests {
    /// The package root: this file is <root>/Tests/ConfigTests/ShippedConfigurationTests.swift.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ name: String) -> String {
        packageRoot.appendingPathComponent("config").appendingPathComponent(name).path
    }

    @Test func fullExampleMatchesTheDevCluster() throws {
        let configuration = try ConfigurationLoader.load(path: Self.path("pgring.toml"))
        #expect(configuration.shards == [
            ShardConfiguration(
                name: "shard0", weight: 1, primary: ServerAddress(host: "127.0.0.1", port: 15432),
                replicas: [ServerAddress(host: "127.0.0.1", port: 15433)]),
            ShardConfiguration(
                name: "shard1", weight: 1, primary: ServerAddress(host: "127.0.0.1", port: 15442),
                replicas: [ServerAddress(host: "127.0.0.1", port: 15443)]),
        ])
        #expect(configuration.databases == [DatabaseConfiguration(name: "app")])
        #expect(configuration.users == [UserConfiguration(name: "app", password: "app")])
        #expect(configuration.server.user == "app")
        #expect(configuration.server.password == "app")
        // The example runs the worked example in transaction mode (the default stays session, as PgBouncer's).
        #expect(configuration.pool.mode == .transaction)
        // The worked example's tables, both sharded by user_id.
        #expect(configuration.tables == [
            TableConfiguration(name: "accounts", keyColumn: "user_id"),
            TableConfiguration(name: "posts", keyColumn: "user_id"),
        ])
    }

    @Test func fullExampleUsesTheDefaultForEveryOtherKey() throws {
        var configuration = try ConfigurationLoader.load(path: Self.path("pgring.toml"))
        let defaults = PGRingConfiguration()
        #expect(configuration.pgring == defaults.pgring)
        #expect(configuration.tls == defaults.tls)
        #expect(configuration.stats == defaults.stats)
        configuration.pool.mode = defaults.pool.mode
        #expect(configuration.pool == defaults.pool)
        #expect(configuration.ring == defaults.ring)
        #expect(configuration.routing == defaults.routing)
        configuration.server.user = defaults.server.user
        configuration.server.password = defaults.server.password
        #expect(configuration.server == defaults.server)
    }

    @Test func fullExampleMentionsEveryKey() throws {
        let text = try String(contentsOfFile: Self.path("pgring.toml"), encoding: .utf8)
        let readme = try String(contentsOfFile: Self.path("README.md"), encoding: .utf8)
        let keys = [
            "listen_host", "listen_port", "unix_socket_dir", "max_message_size", "shutdown_timeout", "log_level",
            "auth_method", "auth_failure_delay", "cert_file", "key_file", "user", "password", "tls", "ca_file",
            "connect_timeout", "mode", "size", "max_idle", "idle_timeout", "server_lifetime", "query_wait_timeout",
            "reset_query", "vnodes", "version", "name", "weight", "primary", "replicas", "server_database",
            "scram_verifier", "md5_hash", "max_prepared_statements", "pool_mode", "max_client_conn", "client_idle_timeout",
            "min_idle", "reserve_size", "reserve_timeout", "idle_transaction_timeout", "enabled", "server_check_delay", "server_check_query",
            "default_shard", "no_key_policy", "global_writes", "volatile_functions", "hint_key_type", "replica_reads",
            "replica_balance", "replica_fallback", "max_replica_lag_bytes", "max_replica_lag_seconds", "health_check_interval",
            "health_check_timeout", "read_your_writes", "read_your_writes_wait", "key", "key_type", "global", "admin_users", "stats_users",
        ]
        for key in keys {
            #expect(text.contains(key), "pgring.toml does not mention \(key)")
            #expect(readme.contains("`\(key)`"), "README.md does not document \(key)")
        }
    }

    @Test func minimalExampleLoads() throws {
        let configuration = try ConfigurationLoader.load(path: Self.path("pgring.minimal.toml"))
        #expect(configuration.shards == [ShardConfiguration(name: "shard0", primary: ServerAddress(host: "127.0.0.1", port: 15432))])
        #expect(configuration.databases == [DatabaseConfiguration(name: "app")])
        #expect(configuration.users == [UserConfiguration(name: "app", password: "app")])
        #expect(configuration.server.user == "app")
        #expect(configuration.server.password == "app")
        #expect(configuration.pgring == PGRingConfiguration().pgring)
        #expect(configuration.pool == PGRingConfiguration().pool)
        #expect(configuration.routing == PGRingConfiguration().routing)
        #expect(configuration.tables == [])
    }
}
