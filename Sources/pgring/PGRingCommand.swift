import ArgumentParser
import Foundation
import Config
import Logging
import NIOCore
import NIOPosix
import PGRingServer
import ServiceLifecycle

/// `pgring`: the PostgreSQL shard router.
@main
struct PGRingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgring",
        abstract: "A PostgreSQL shard router and connection pooler.",
        discussion: "Run with --config FILE. Validate a file without starting with --check-config FILE."
    )

    @Option(name: .long, help: "The TOML configuration file.")
    var config: String?

    @Option(name: .customLong("check-config"), help: "Validate this configuration file, list every problem, and exit.")
    var checkConfig: String?

    @Option(name: .long, help: "Worker threads (event loops). Default: the number of CPU cores.")
    var threads: Int?

    func run() async throws {
        if let path = checkConfig {
            do {
                let loaded = try ConfigurationLoader.load(path: path)
                print("\(path): OK (\(loaded.shards.count) shard(s), \(loaded.users.count) user(s), \(loaded.databases.count) database(s))")
                return
            } catch let error as ConfigurationError {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        guard let path = config else {
            printError("pgring: --config FILE is required (or --check-config FILE)")
            throw ExitCode(64)
        }
        let configuration: PGRingConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: path)
        } catch let error as ConfigurationError {
            printError(error.description)
            throw ExitCode(2)
        }

        let level = Logger.Level(rawValue: configuration.pgring.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "pgring")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads ?? System.coreCount))
        let runtime: PGRingRuntime
        do {
            runtime = try PGRingRuntime(configuration: configuration, group: group, logger: logger)
        } catch {
            printError("pgring: \(error)")
            try? await group.shutdownGracefully()
            throw ExitCode(2)
        }
        let service = PGRingService(runtime: runtime)
        let reachability = PrimaryReachability(
            group: group, targets: PrimaryReachability.primaries(of: configuration), logger: logger)
        let stats = StatsService(
            configuration: configuration.stats, group: group, metrics: runtime.metrics, logger: logger,
            snapshot: { runtime.statsSnapshot(reachability: reachability) })
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: [.init(service: service), .init(service: reachability), .init(service: stats)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        // RELOAD (admin console) and SIGHUP read this file again.
        runtime.configurationPath = path
        // A rebalance that adds or removes a shard changes the primaries /ready and pgring_server_up check.
        runtime.setShardsChangedHandler { reachability.setTargets(PrimaryReachability.primaries(of: $0)) }
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler {
            switch runtime.reload() {
            case .success(let changes):
                logger.info("SIGHUP: configuration reloaded", metadata: ["changes": "\(changes.joined(separator: "; "))"])
            case .failure(let error):
                logger.error("SIGHUP: configuration not reloaded", metadata: ["reason": "\(error)"])
            }
        }
        hangup.resume()
        defer { hangup.cancel() }
        // The admin console's SHUTDOWN: the same graceful shutdown as SIGTERM.
        runtime.setShutdownHandler { Task { await serviceGroup.triggerGracefulShutdown() } }
        do {
            try await serviceGroup.run()
        } catch {
            logger.error("pgring failed", metadata: ["error": "\(error)"])
            try? await group.shutdownGracefully()
            throw ExitCode(1)
        }
        try? await group.shutdownGracefully()
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
