import Config
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The read-only stats port as a swift-service-lifecycle Service: binds `[stats] listen_host:listen_port`,
/// serves `/metrics`, `/stats`, `/health`, `/ready` and `/` until graceful shutdown, then closes.
/// When `[stats] enabled = false` it binds nothing and just waits for shutdown (so a ServiceGroup does not
/// stop because it returned).
public struct StatsService: Service {
    private let configuration: StatsConfiguration
    private let group: any EventLoopGroup
    private let metrics: PGRingMetrics
    private let logger: Logger
    private let snapshot: @Sendable () -> StatsSnapshot
    private let onListening: @Sendable (SocketAddress) -> Void

    /// - Parameters:
    ///   - configuration: the `[stats]` section (port 0 binds an ephemeral port, for tests).
    ///   - group: the event loop group to serve on.
    ///   - metrics: the process-wide metrics, created once at startup.
    ///   - logger: for bind and shutdown messages.
    ///   - snapshot: called on an event loop for each request that shows state; must be cheap and thread-safe.
    ///   - onListening: called once bound, with the bound address.
    public init(
        configuration: StatsConfiguration,
        group: any EventLoopGroup,
        metrics: PGRingMetrics,
        logger: Logger,
        snapshot: @escaping @Sendable () -> StatsSnapshot,
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.group = group
        self.metrics = metrics
        self.logger = logger
        self.snapshot = snapshot
        self.onListening = onListening
    }

    public func run() async throws {
        guard configuration.enabled else {
            logger.info("stats port disabled")
            try? await gracefulShutdown()
            return
        }
        let metrics = self.metrics
        let snapshot = self.snapshot
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try StatsHTTPHandler.configure(channel, metrics: metrics, snapshot: snapshot)
                }
            }
        let listener: any Channel
        do {
            listener = try await bootstrap.bind(host: configuration.listenHost, port: configuration.listenPort).get()
        } catch {
            throw StatsServiceError.cannotListen("\(configuration.listenHost):\(configuration.listenPort): \(error)")
        }
        if let address = listener.localAddress {
            logger.info("stats port is listening", metadata: ["address": "\(address)"])
            onListening(address)
        }
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await listener.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            listener.close(promise: nil)
        }
        logger.info("stats port stopped")
    }
}

/// Why the stats service could not run.
public enum StatsServiceError: Error, CustomStringConvertible {
    /// Binding the stats address failed (in use, bad host, no permission).
    case cannotListen(String)

    public var description: String {
        switch self {
        case .cannotListen(let why): return "stats port cannot listen: \(why)"
        }
    }
}
