import Config
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PGRingServer

/// A pgring running in the test process, listening on an ephemeral port on 127.0.0.1,
/// in front of the real test cluster.
final class ProxyHarness: Sendable {
    let port: Int
    /// The stats port, when started with `stats: true`.
    let statsPort: Int?
    let configuration: PGRingConfiguration
    let runtime: PGRingRuntime
    private let group: MultiThreadedEventLoopGroup
    private let tasks: [Task<Void, Error>]

    private init(port: Int, statsPort: Int?, configuration: PGRingConfiguration, runtime: PGRingRuntime, group: MultiThreadedEventLoopGroup, tasks: [Task<Void, Error>]) {
        self.port = port
        self.statsPort = statsPort
        self.configuration = configuration
        self.runtime = runtime
        self.group = group
        self.tasks = tasks
    }

    /// The default configuration for tests: the cluster's shards, user app/app, database app, session pooling.
    static func defaultConfiguration(_ cluster: TestCluster) -> PGRingConfiguration {
        var configuration = PGRingConfiguration()
        configuration.pgring.listenHost = "127.0.0.1"
        configuration.pgring.listenPort = 0
        configuration.pgring.shutdownTimeout = 2
        configuration.server.user = "app"
        configuration.server.password = "app"
        configuration.server.tlsMode = .disable
        configuration.server.connectTimeout = 15
        configuration.pool.size = 60
        configuration.shards = cluster.shardConfigurations
        configuration.databases = [DatabaseConfiguration(name: "app")]
        configuration.users = [UserConfiguration(name: "app", password: "app")]
        return configuration
    }

    /// Starts pgring with `configure` applied to the default test configuration.
    static func start(stats: Bool = false, _ configure: (inout PGRingConfiguration) -> Void = { _ in }) async throws -> ProxyHarness {
        let cluster = try TestCluster.current()
        var configuration = defaultConfiguration(cluster)
        configure(&configuration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var logger = Logger(label: "pgring-test")
        logger.logLevel = ProcessInfo.processInfo.environment["PGRING_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let runtime = try PGRingRuntime(configuration: configuration, group: group, logger: logger)
        let listening = group.next().makePromise(of: [SocketAddress].self)
        let service = PGRingService(runtime: runtime) { listening.succeed($0) }
        let task = Task {
            do {
                try await service.run()
            } catch {
                listening.fail(error)
                throw error
            }
        }
        // The admin console's SHUTDOWN stops this pgring (the executable triggers its ServiceGroup instead).
        runtime.setShutdownHandler { task.cancel() }
        let addresses = try await listening.futureResult.get()
        guard let port = addresses.first?.port else { throw TestSetupError("pgring did not report a port") }
        var tasks = [task]
        var statsPort: Int?
        if stats {
            // The stats port on an ephemeral port, with the primary reachability check (1 s rounds).
            let reachability = PrimaryReachability(
                group: group, targets: PrimaryReachability.primaries(of: configuration), logger: logger, interval: .seconds(1))
            var statsConfiguration = configuration.stats
            statsConfiguration.enabled = true
            statsConfiguration.listenPort = 0
            let statsListening = group.next().makePromise(of: SocketAddress.self)
            let statsService = StatsService(
                configuration: statsConfiguration, group: group, metrics: runtime.metrics, logger: logger,
                snapshot: { runtime.statsSnapshot(reachability: reachability) },
                onListening: { statsListening.succeed($0) })
            tasks.append(Task { try await reachability.run() })
            tasks.append(Task {
                do {
                    try await statsService.run()
                } catch {
                    statsListening.fail(error)
                    throw error
                }
            })
            statsPort = try await statsListening.futureResult.get().port
        }
        return ProxyHarness(port: port, statsPort: statsPort, configuration: configuration, runtime: runtime, group: group, tasks: tasks)
    }

    /// A libpq connection URL through pgring.
    func url(user: String = "app", password: String = "app", database: String = "app", sslmode: String = "disable") -> String {
        "postgresql://\(user):\(password)@127.0.0.1:\(port)/\(database)?sslmode=\(sslmode)"
    }

    /// Stops pgring and waits until it has closed everything.
    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { _ = try? await task.value }
        try? await group.shutdownGracefully()
    }
}

/// psql through pgring or directly.
enum PSQL {
    /// Runs SQL with psql -X -A -t (unaligned, tuples only), ON_ERROR_STOP on.
    static func run(_ url: String, _ sql: String, extraArguments: [String] = [], timeout: Double = 60) async throws -> CommandResult {
        try await Command.run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql] + extraArguments, timeout: timeout)
    }

    /// Runs a psql script from standard input.
    static func script(_ url: String, _ script: String, onErrorStop: Bool = true, timeout: Double = 60) async throws -> CommandResult {
        try await Command.run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=\(onErrorStop ? 1 : 0)", "-d", url], stdin: script, timeout: timeout)
    }
}

/// Runs the Python client scripts (psycopg 3) in Tests/IntegrationTests/Scripts.
enum PythonClient {
    static var scriptsDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scripts").path
    }

    static func run(_ script: String, _ arguments: [String], timeout: Double = 120) async throws -> CommandResult {
        try await Command.run("python3", ["\(scriptsDirectory)/\(script)"] + arguments, timeout: timeout)
    }
}
