import Config
import Logging
import NIOCore
import NIOSSL

/// The connections a rebalance uses to run its SQL on the shards' primaries, logged in as `[rebalance] user`
/// (PostgreSQL 15 needs a superuser to create a subscription). One connection per server, opened on first use
/// and reopened after a failure; one query at a time per connection (callers are sequential).
final class RebalanceConnections: Sendable {
    private let configuration: PGRingConfiguration
    private let group: EventLoopGroup
    private let connections: OwnServerConnections

    init(configuration: PGRingConfiguration, group: EventLoopGroup, tlsContext: NIOSSLContext?, logger: Logger) {
        self.configuration = configuration
        self.group = group
        self.connections = OwnServerConnections(firstID: -1_000_000, tlsContext: tlsContext, logger: logger)
    }

    /// The login of the rebalance role on the servers.
    var user: String { configuration.rebalance.user ?? configuration.server.user }
    var password: String? { configuration.rebalance.user == nil ? configuration.server.password : configuration.rebalance.password }
    /// The database on the servers the rebalance works in.
    var database: String { configuration.databases.first?.serverDatabase ?? "postgres" }

    /// Runs `sql` (one statement, or several without a transaction-block restriction) on `server`; the rows of
    /// every result. Throws with PostgreSQL's message when the statement fails.
    func query(_ server: String, _ sql: String) async throws -> [[String?]] {
        let address: ServerAddress
        do { address = try ServerAddress(parsing: server) } catch {
            throw RebalanceFailure("bad server address \(server): \(error)")
        }
        let connection = try await connection(to: address)
        do {
            return try await connection.runInternalQueryRows(sql).get()
        } catch let error as ServerConnectionError {
            if case .internalQueryFailed = error { throw RebalanceFailure("\(server): \(error)") }
            connections.drop(address)
            throw RebalanceFailure("\(server): \(error)")
        }
    }

    /// The first column of the first row, or nil.
    func value(_ server: String, _ sql: String) async throws -> String? {
        try await query(server, sql).first?.first ?? nil
    }

    /// Closes every connection.
    func closeAll() {
        connections.closeAll()
    }

    private func connection(to server: ServerAddress) async throws -> ServerConnection {
        let login = ServerLoginSettings(
            address: server, user: user, password: password, database: database,
            tlsMode: configuration.server.tlsMode, connectTimeout: .milliseconds(Int64(max(1, configuration.server.connectTimeout) * 1000)))
        do {
            return try await connections.connection(login, maxMessageSize: configuration.pgring.maxMessageSize, on: group.next())
        } catch {
            throw RebalanceFailure("cannot connect to \(server) as \(user): \(error)")
        }
    }
}

/// A rebalance step that failed, with a message an operator can act on.
struct RebalanceFailure: Error, CustomStringConvertible, Sendable {
    var description: String
    init(_ description: String) { self.description = description }
}
