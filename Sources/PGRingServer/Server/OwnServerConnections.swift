import Config
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// The server connections pgring opens for queries of its own (replica health checks, rebalancing), outside
/// the pools: one per server, opened on first use and opened again once it has died. Thread-safe; the callers
/// run one query at a time per connection.
final class OwnServerConnections: Sendable {
    private let state: NIOLockedValueBox<(connections: [ServerAddress: ServerConnection], nextID: Int)>
    private let tlsContext: NIOSSLContext?
    private let logger: Logger

    /// - Parameter firstID: the id of the first connection; later ones count down from it (negative ids keep
    ///   them apart from the pools' connections in logs).
    init(firstID: Int, tlsContext: NIOSSLContext?, logger: Logger) {
        self.state = NIOLockedValueBox(([:], firstID))
        self.tlsContext = tlsContext
        self.logger = logger
    }

    /// The open connection to `settings.address`, or a new one logged in with `settings`.
    func connection(_ settings: ServerLoginSettings, maxMessageSize: Int, on eventLoop: EventLoop) async throws -> ServerConnection {
        if let existing = state.withLockedValue({ $0.connections[settings.address] }), existing.channel.isActive { return existing }
        let id = state.withLockedValue { state -> Int in
            defer { state.nextID -= 1 }
            return state.nextID
        }
        let connection = try await ServerConnection.connect(
            id: id, settings: settings, tlsContext: tlsContext, maxMessageSize: maxMessageSize,
            maxPreparedStatements: 0, on: eventLoop, logger: logger
        ).get()
        state.withLockedValue { $0.connections[settings.address] = connection }
        return connection
    }

    /// Forgets and closes the connection to `server` (after a failure).
    func drop(_ server: ServerAddress) {
        state.withLockedValue { $0.connections.removeValue(forKey: server) }?.close()
    }

    /// Closes every connection.
    func closeAll() {
        let all = state.withLockedValue { state -> [ServerConnection] in
            defer { state.connections = [:] }
            return Array(state.connections.values)
        }
        for connection in all { connection.close() }
    }
}
