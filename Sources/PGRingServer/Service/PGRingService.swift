import Config
import Logging
import NIOCore
import NIOPosix
import PGWire
import ServiceLifecycle

/// The client-facing listener as a swift-service-lifecycle Service: binds TCP (and optionally a Unix
/// socket), accepts sessions, and on graceful shutdown (SIGTERM/SIGINT) stops accepting, lets running
/// sessions finish up to `shutdown_timeout`, then closes them and the server pools.
public struct PGRingService: Service {
    public let runtime: PGRingRuntime
    private let onListening: @Sendable ([SocketAddress]) -> Void

    /// - Parameter onListening: called once the listeners are bound, with their addresses (tests bind port 0).
    public init(runtime: PGRingRuntime, onListening: @escaping @Sendable ([SocketAddress]) -> Void = { _ in }) {
        self.runtime = runtime
        self.onListening = onListening
    }

    public func run() async throws {
        // A rebalance job past its cutover decides the live ring before the first client arrives.
        runtime.rebalancer.restore()
        let configuration = runtime.snapshot.configuration
        let runtime = self.runtime
        let logger = runtime.logger
        let maxMessageSize = configuration.pgring.maxMessageSize
        let bootstrap = ServerBootstrap(group: runtime.group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ClientSessionHandler(runtime: runtime, maxMessageSize: maxMessageSize, logger: logger)
                    )
                }
            }

        var listeners: [Channel] = []
        do {
            listeners.append(try await bootstrap.bind(host: configuration.pgring.listenHost, port: configuration.pgring.listenPort).get())
            if let directory = configuration.pgring.unixSocketDirectory {
                let path = "\(directory)/.s.PGSQL.\(configuration.pgring.listenPort)"
                listeners.append(try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get())
            }
        } catch {
            for listener in listeners { try? await listener.close() }
            throw PGRingServiceError.cannotListen("\(error)")
        }
        let addresses = listeners.compactMap(\.localAddress)
        logger.info("pgring is listening", metadata: ["addresses": "\(addresses.map { "\($0)" }.joined(separator: ", "))"])
        onListening(addresses)

        // Replica health checks, for read routing (only when some shard has replicas to route reads to).
        let checksReplicas = configuration.routing.replicaReads && configuration.shards.contains { !$0.replicas.isEmpty }
        let healthChecks = checksReplicas ? Task { await runtime.health.run() } : nil

        let closed = listeners
        await withTaskCancellationOrGracefulShutdownHandler {
            for listener in closed { try? await listener.closeFuture.get() }
        } onCancelOrGracefulShutdown: {
            for listener in closed { listener.close(promise: nil) }
        }

        // Drain: sessions may finish their work until the deadline.
        let deadline = ContinuousClock.now + .milliseconds(Int64(configuration.pgring.shutdownTimeout * 1000))
        if runtime.sessions.count > 0 {
            logger.info("waiting for client sessions to finish", metadata: ["sessions": "\(runtime.sessions.count)"])
        }
        // Cancellation (not a graceful shutdown) skips the drain: nobody is waiting for it.
        while runtime.sessions.count > 0, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if runtime.sessions.count > 0 {
            logger.info("shutdown deadline reached; closing client sessions", metadata: ["sessions": "\(runtime.sessions.count)"])
        }
        runtime.sessions.closeAll()
        // A running rebalance job stops at its next step (its state says where; `resume` continues it).
        await runtime.rebalancer.stopTask()
        for pool in runtime.allPools { pool.shutdown() }
        // The health checks close their connections before the event loops may go away.
        healthChecks?.cancel()
        await healthChecks?.value
        // Closing a session gives its server connection back on that connection's event loop, and closing a
        // server connection tells the session that held it on the session's loop: both must have happened
        // before the caller shuts the event loops down (one by one), or work handed to a loop already gone
        // is dropped (and in debug builds a promise dropped that way stops the process).
        let allClosed = await Self.waitBriefly(on: runtime.group, upTo: .seconds(5)) {
            runtime.sessions.count == 0 && runtime.allPools.allSatisfy(\.isDrained)
        }
        if !allClosed {
            logger.warning("client or server connections were still closing when pgring stopped")
        }
        runtime.metricsBuffers.stop()
        logger.info("pgring stopped")
    }

    /// Polls `done` every 10 ms until it holds or `limit` passed, and says whether it held. Uses event loop
    /// timers, not `Task.sleep`: the service's task may be cancelled (tests, a failed sibling service) and the
    /// wait must still happen.
    static func waitBriefly(on group: any EventLoopGroup, upTo limit: TimeAmount, until done: () -> Bool) async -> Bool {
        let deadline = NIODeadline.now() + limit
        while !done() {
            guard NIODeadline.now() < deadline else { return false }
            try? await group.any().scheduleTask(in: .milliseconds(10)) {}.futureResult.get()
        }
        return true
    }
}

/// Why the service could not run.
public enum PGRingServiceError: Error, CustomStringConvertible {
    case cannotListen(String)

    public var description: String {
        switch self {
        case .cannotListen(let why): return "cannot listen: \(why)"
        }
    }
}
