import Routing

extension TransactionMultiplexer {
    /// Applies the session effects of statements that took effect (committed, no error).
    mutating func apply(_ effects: [SessionEffect], server: inout ServerSessionState) {
        for effect in effects {
            switch effect {
            case .set(let name, let statement):
                settings[name] = statement
                server.settings[name] = statement
            case .reset(let name):
                settings[name] = startupSettings[name]
                server.settings[name] = nil
            case .resetAll:
                settings = startupSettings
                server.settings = [:]
            case .discardAll:
                settings = startupSettings
                server.discardAll()
                statements = [:]
                statementEffects = [:]
                pins = []
                listening = []
            case .discardTemporary:
                pins.remove(.temporaryObject)
            case .deallocate(let name):
                statementEffects[name] = nil
                if let statement = statements.removeValue(forKey: name) {
                    server.statements.remove(statement.globalName)
                }
            case .deallocateAll:
                statements = [:]
                statementEffects = [:]
                server.statements.removeAll()
            case .listen(let channel):
                listening.insert(channel)
            case .unlisten(let channel):
                listening.remove(channel)
            case .unlistenAll:
                listening = []
            case .pin(let reason):
                pins.insert(reason)
            }
        }
    }

    /// The SQL (one simple Query, statements separated by `;`) that gives a server connection the client's
    /// settings, changing only those that differ; nil when the server already has them all.
    public func settingsReplay(for server: ServerSessionState) -> String? {
        if settings == server.settings { return nil }
        var names = Set(settings.keys).union(server.settings.keys).filter { settings[$0] != server.settings[$0] }
        var statements: [String] = []
        // SET SESSION AUTHORIZATION resets the role, so it goes first, then the role, then the rest.
        for first in ["session_authorization", "role"] where names.contains(first) {
            names.remove(first)
            statements.append(settings[first] ?? Self.resetStatement(for: first))
        }
        for name in names.sorted() {
            statements.append(settings[name] ?? Self.resetStatement(for: name))
        }
        return statements.joined(separator: "; ")
    }

    /// Records that ``settingsReplay(for:)`` ran successfully on `server`.
    public func settingsReplayed(on server: inout ServerSessionState) {
        server.settings = settings
    }

    /// The statement that puts one setting back to the server's default.
    static func resetStatement(for name: String) -> String {
        switch name {
        case "session_authorization":
            return "RESET SESSION AUTHORIZATION"
        case "role":
            return "RESET ROLE"
        case "default_transaction_characteristics":
            return "RESET default_transaction_isolation; RESET default_transaction_read_only; RESET default_transaction_deferrable"
        default:
            return "RESET " + name.split(separator: ".", omittingEmptySubsequences: false).map { part in
                let isPlain = part.first.map { $0 == "_" || ("a"..."z").contains($0) } ?? false
                    && part.allSatisfy { $0 == "_" || $0 == "$" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
                return isPlain ? String(part) : quoteIdentifier(String(part))
            }.joined(separator: ".")
        }
    }
}
