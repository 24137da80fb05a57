import Config
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Checks that each shard primary accepts a TCP connection (connect, then close at once; no PostgreSQL
/// startup, so it needs no credentials and leaves no session), every `interval`, each attempt bounded by
/// `timeout`, and caches the results for the stats snapshot and `/ready`.
///
/// A Service: add it to the ServiceGroup; it stops on graceful shutdown. Until the first round finishes every
/// address is unknown (`nil`), which `/ready` reports as not ready.
public final class PrimaryReachability: Service, Sendable {
    private let group: any EventLoopGroup
    private let interval: Duration
    private let timeout: TimeAmount
    private let logger: Logger
    private let state: NIOLockedValueBox<(targets: [ServerAddress], results: [ServerAddress: Bool])>

    /// - Parameters:
    ///   - targets: the primaries to check (change them on reload with ``setTargets(_:)``).
    ///   - interval: time between rounds; default 5 s.
    ///   - timeout: connect timeout per attempt; default 1 s.
    public init(
        group: any EventLoopGroup, targets: [ServerAddress], logger: Logger,
        interval: Duration = .seconds(5), timeout: TimeAmount = .seconds(1)
    ) {
        self.group = group
        self.interval = interval
        self.timeout = timeout
        self.logger = logger
        self.state = NIOLockedValueBox((targets: targets, results: [:]))
    }

    /// Replaces the checked addresses (after a reload); results of removed addresses are dropped.
    public func setTargets(_ targets: [ServerAddress]) {
        state.withLockedValue { state in
            state.targets = targets
            state.results = state.results.filter { targets.contains($0.key) }
        }
    }

    /// The last result for `address`: true reachable, false not, nil not checked yet.
    public func reachable(_ address: ServerAddress) -> Bool? {
        state.withLockedValue { $0.results[address] }
    }

    /// Checks every target once, concurrently, and stores the results.
    public func checkAll() async {
        let targets = state.withLockedValue { $0.targets }
        await withTaskGroup(of: (ServerAddress, Bool).self) { tasks in
            for target in targets {
                tasks.addTask { (target, await self.check(target)) }
            }
            for await (target, reachable) in tasks {
                let previous = state.withLockedValue { state -> Bool? in
                    let previous = state.results[target]
                    if state.targets.contains(target) { state.results[target] = reachable }
                    return previous
                }
                if previous != reachable {
                    logger.info(
                        reachable ? "primary is reachable" : "primary is not reachable",
                        metadata: ["server": "\(target)"]
                    )
                }
            }
        }
    }

    /// Runs rounds every `interval` until graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.checkAll()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One TCP connect attempt to `address`.
    private func check(_ address: ServerAddress) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .connect(host: address.host, port: address.port)
                .get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}
