import Config
import NIOCore
import PGWire

/// The admin console (docs/admin.md): the virtual database `pgring`, simple queries only, one command per
/// query, run one after the other.
extension ClientSessionHandler {
    /// The virtual database of the admin console.
    static let adminDatabase = "pgring"

    /// After authentication to database `pgring`: checks the user's console role and the client address,
    /// then greets the client.
    func startAdminConsole(user: String, context: ChannelHandlerContext) {
        let configuration = runtime.snapshot.configuration
        let role: AdminRole
        if configuration.pgring.adminUsers.contains(user) {
            role = .admin
        } else if configuration.pgring.statsUsers.contains(user) {
            role = .stats
        } else {
            enterClosing()
            return fatal(ClientFacingError(
                fatal: true, sqlState: SQLState.invalidAuthorizationSpecification,
                message: "user \"\(user)\" may not use the admin console",
                hint: "List the user in [pgring] admin_users or stats_users."), context: context)
        }
        guard Self.isLocal(context.channel.remoteAddress) else {
            enterClosing()
            return fatal(ClientFacingError(
                fatal: true, sqlState: SQLState.invalidAuthorizationSpecification,
                message: "the admin console accepts connections from this machine only (loopback or Unix socket)"), context: context)
        }
        var buffer = context.channel.allocator.buffer(capacity: 256)
        AuthenticationRequest.ok.encode(into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: nil)
        state = .admin(role)
        sendGreeting(ServerConnection.Snapshot(parameters: [
            "server_version": "15.0 (pgring \(PGRingRuntime.version) admin console)",
            "server_encoding": "UTF8", "client_encoding": "UTF8", "DateStyle": "ISO, MDY",
            "integer_datetimes": "on", "standard_conforming_strings": "on", "application_name": "",
        ], backendKey: nil), context: context)
        logger.info("admin console session", metadata: ["role": "\(role.rawValue)"])
    }

    /// True for loopback addresses and Unix sockets.
    static func isLocal(_ address: SocketAddress?) -> Bool {
        switch address {
        case .v4(let v4)?: return v4.host.hasPrefix("127.")
        case .v6(let v6)?: return v6.host == "::1" || v6.host.hasPrefix("::ffff:127.")
        case .unixDomainSocket?: return true
        case nil: return true
        }
    }

    /// A frame from an admin console client.
    func adminMessage(_ message: RawMessage, context: ChannelHandlerContext) {
        switch message.id {
        case FrontendMessageID.terminate.rawValue:
            enterClosing()
            context.close(promise: nil)
        case FrontendMessageID.query.rawValue, FrontendMessageID.sync.rawValue:
            adminQueue.append(message)
            runNextAdminCommand(context: context)
        case FrontendMessageID.parse.rawValue, FrontendMessageID.bind.rawValue, FrontendMessageID.execute.rawValue,
             FrontendMessageID.describe.rawValue, FrontendMessageID.close.rawValue, FrontendMessageID.functionCall.rawValue:
            adminQueue.append(message)
            runNextAdminCommand(context: context)
        default:
            break
        }
    }

    /// Runs the queued commands one at a time, answering each in order.
    private func runNextAdminCommand(context: ChannelHandlerContext) {
        guard !adminBusy, case .admin(let role) = state, !adminQueue.isEmpty else { return }
        let message = adminQueue.removeFirst()
        var out = context.channel.allocator.buffer(capacity: 256)
        switch message.id {
        case FrontendMessageID.query.rawValue:
            break
        case FrontendMessageID.sync.rawValue:
            ReadyForQuery(transactionStatus: .idle).encode(into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            return runNextAdminCommand(context: context)
        default:
            // Extended protocol: one error, then messages are skipped until Sync (as PostgreSQL does).
            if !adminSkippingToSync {
                adminSkippingToSync = true
                ErrorResponse(severity: .error, code: SQLState.featureNotSupported,
                              message: "the admin console speaks the simple query protocol only",
                              hint: "Use psql, or pgringctl.").encode(into: &out)
                context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            }
            return runNextAdminCommand(context: context)
        }
        adminSkippingToSync = false
        let sql = (try? Query.decode(from: message))?.sql ?? ""
        let command: AdminCommand
        switch AdminCommand.parse(sql) {
        case .success(let parsed):
            command = parsed
        case .failure(.unknown(let text)):
            return adminError(AdminError(sqlState: "42601", message: text.isEmpty ? "empty admin command" : "unknown admin command: \(text)",
                                         hint: "SHOW HELP lists the commands."), context: context)
        case .failure(.invalid(let why)):
            return adminError(AdminError(sqlState: "42601", message: why, hint: "SHOW HELP lists the commands."), context: context)
        }
        guard role >= command.requiredRole else {
            return adminError(AdminError(sqlState: "42501", message: "permission denied: this command needs the \(command.requiredRole.rawValue) role",
                                         hint: "Connect as a user listed in [pgring] admin_users."), context: context)
        }
        adminBusy = true
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        AdminConsole.run(command, runtime: runtime, on: context.eventLoop).hop(to: context.eventLoop).whenComplete { result in
            let handler = this.value
            let context = boundContext.value
            handler.adminBusy = false
            guard case .admin = handler.state else { return }
            switch result {
            case .success(let answer):
                var out = context.channel.allocator.buffer(capacity: 1024)
                if !answer.columns.isEmpty {
                    RowDescription(columns: answer.columns.map { RowDescription.Column(name: $0) }).encode(into: &out)
                    for row in answer.rows { DataRow(values: row).encode(into: &out) }
                }
                CommandComplete(tag: answer.tag).encode(into: &out)
                ReadyForQuery(transactionStatus: .idle).encode(into: &out)
                handler.countSent(out.readableBytes)
                context.writeAndFlush(handler.wrapOutboundOut(out), promise: nil)
                handler.runNextAdminCommand(context: context)
            case .failure(let error):
                handler.adminError(error as? AdminError ?? AdminError(sqlState: "XX000", message: "\(error)"), context: context)
            }
        }
    }

    private func adminError(_ error: AdminError, context: ChannelHandlerContext) {
        runtime.metrics.error(sqlState: error.sqlState)
        var out = context.channel.allocator.buffer(capacity: 256)
        ErrorResponse(severity: .error, code: error.sqlState, message: error.message, hint: error.hint).encode(into: &out)
        ReadyForQuery(transactionStatus: .idle).encode(into: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        runNextAdminCommand(context: context)
    }

    /// What SHOW CLIENTS says about this session: its state and the server it holds.
    var adminDescription: (state: String, server: String?) {
        switch state {
        case .awaitingStartup, .authenticating: return ("login", nil)
        case .awaitingServer: return ("waiting", nil)
        case .relaying(let server, _): return ("session", "\(server.address)")
        case .multiplexing(_, .none): return ("idle", nil)
        case .multiplexing(_, .waiting): return ("waiting", nil)
        case .multiplexing(_, .paused): return ("paused", nil)
        case .multiplexing(_, .preparing(let server)), .multiplexing(_, .holding(let server)), .multiplexing(_, .finishing(let server)):
            return ("active", "\(server.address)")
        case .admin(let role): return ("admin console (\(role.rawValue))", nil)
        case .closing: return ("closing", nil)
        }
    }
}
