import Config
import Multiplexing
import NIOCore
import PGWire

/// Connection limits and idle timeouts of a client session.
extension ClientSessionHandler {
    /// `pgring.max_client_conn`: the client that makes pgring exceed it gets FATAL 53300 (as PostgreSQL's
    /// "sorry, too many clients already"). Returns false when refused.
    func admitClient(context: ChannelHandlerContext) -> Bool {
        let limit = runtime.snapshot.configuration.pgring.maxClientConnections
        guard runtime.sessions.count > limit else { return true }
        enterClosing()
        fatal(ClientFacingError(
            fatal: true,
            sqlState: SQLState.tooManyConnections,
            message: "too many client connections: pgring accepts at most \(limit) (pgring.max_client_conn)",
            hint: "Use fewer connections, or raise pgring.max_client_conn."
        ), context: context)
        return false
    }

    /// `max_client_conn` of the user and of the database. Returns false when refused.
    func admitLogin(user: String, database: DatabaseConfiguration, context: ChannelHandlerContext) -> Bool {
        let userLimit = runtime.snapshot.configuration.users.first(where: { $0.name == user })?.maxClientConnections
        if let refused = runtime.sessions.admitLogin(
            user: user, userLimit: userLimit, database: database.name, databaseLimit: database.maxClientConnections) {
            let (what, limit) = refused == "user"
                ? ("user \"\(user)\"", userLimit ?? 0) : ("database \"\(database.name)\"", database.maxClientConnections ?? 0)
            enterClosing()
            fatal(ClientFacingError(
                fatal: true,
                sqlState: SQLState.tooManyConnections,
                message: "too many connections for \(what): at most \(limit) (max_client_conn)",
                hint: "Close idle connections of this \(refused), or raise its max_client_conn."
            ), context: context)
            return false
        }
        countedLogin = (user, database.name)
        return true
    }

    /// Starts the idle timer when `pgring.client_idle_timeout` or `pool.idle_transaction_timeout` is set.
    func armIdleTimer(context: ChannelHandlerContext) {
        let configuration = runtime.snapshot.configuration
        if configuration.pgring.clientIdleTimeout > 0 {
            clientIdleTimeout = .nanoseconds(Int64(configuration.pgring.clientIdleTimeout * 1e9))
        }
        if configuration.pool.idleTransactionTimeout > 0, multiplexer != nil {
            idleTransactionTimeout = .nanoseconds(Int64(configuration.pool.idleTransactionTimeout * 1e9))
        }
        lastActivity = .now()
        scheduleIdleCheck(context: context)
    }

    private func scheduleIdleCheck(context: ChannelHandlerContext) {
        let candidates = [clientIdleTimeout, idleTransactionTimeout].compactMap { $0 }
        guard let shortest = candidates.min() else { return }
        let now = NIODeadline.now()
        let due = lastActivity + shortest > now ? lastActivity + shortest : now + shortest
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(deadline: due) {
            this.value.idleCheck(context: boundContext.value)
        }
    }

    /// What the client is doing, for the timeouts (transaction and statement modes only).
    private enum Idleness {
        /// Between transactions, holding no server connection: `client_idle_timeout` applies.
        case betweenTransactions
        /// Holding a server connection in an open transaction that owes nothing: `idle_transaction_timeout`.
        case idleInTransaction
        /// Waiting for answers, or session mode: no timeout applies.
        case busy
    }

    private var idleness: Idleness {
        guard case .multiplexing(_, let lease) = state, let multiplexer else { return .busy }
        switch lease {
        case .none:
            return .betweenTransactions
        case .holding:
            return multiplexer.readyForQueryOutstanding == 0 && multiplexer.transactionStatus != .idle ? .idleInTransaction : .busy
        case .waiting, .preparing, .finishing, .paused:
            return .busy
        }
    }

    private func idleCheck(context: ChannelHandlerContext) {
        if case .closing = state { return }
        let idleFor = NIODeadline.now() - lastActivity
        switch idleness {
        case .betweenTransactions:
            if let limit = clientIdleTimeout, idleFor >= limit {
                enterClosing()
                return fatal(ClientFacingError(
                    fatal: true, sqlState: SQLState.idleSessionTimeout,
                    message: "terminating connection due to idle timeout (pgring.client_idle_timeout)"), context: context)
            }
        case .idleInTransaction:
            if let limit = idleTransactionTimeout, idleFor >= limit {
                enterClosing()
                return fatal(ClientFacingError(
                    fatal: true, sqlState: SQLState.idleInTransactionSessionTimeout,
                    message: "terminating connection due to idle-in-transaction timeout (pool.idle_transaction_timeout); the transaction was rolled back"),
                    context: context)
            }
        case .busy:
            break
        }
        scheduleIdleCheck(context: context)
    }
}
