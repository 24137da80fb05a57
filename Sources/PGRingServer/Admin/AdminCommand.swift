/// The role an admin console user has (`[pgring] admin_users` / `stats_users`). Admin includes stats.
enum AdminRole: String, Sendable, Comparable {
    /// Read-only: the SHOW commands.
    case stats
    /// Everything: SHOW, PAUSE, RESUME, RELOAD, KILL, SHUTDOWN.
    case admin

    static func < (lhs: AdminRole, rhs: AdminRole) -> Bool { lhs == .stats && rhs == .admin }
}

/// One admin console command (docs/admin.md), parsed from a simple Query. Pure.
enum AdminCommand: Sendable, Equatable {
    /// What SHOW can show.
    enum Topic: String, Sendable, CaseIterable {
        case help, version, pools, clients, servers, stats, shards, ring, config, lists
    }

    case show(Topic)
    case pause(shard: String?)
    case resume(shard: String?)
    case reload
    case kill(clientID: Int32)
    case shutdown

    /// The role the command needs; the dispatcher checks it before running the command.
    var requiredRole: AdminRole {
        switch self {
        case .show: return .stats
        case .pause, .resume, .reload, .kill, .shutdown: return .admin
        }
    }

    /// Every command with its role and what it does (SHOW HELP).
    static let help: [(command: String, role: AdminRole, description: String)] = [
        ("SHOW HELP", .stats, "this list"),
        ("SHOW VERSION", .stats, "pgring's version"),
        ("SHOW POOLS", .stats, "server connection pools: size, idle, active, waiting clients"),
        ("SHOW CLIENTS", .stats, "client connections and what they do"),
        ("SHOW SERVERS", .stats, "server connections by pool"),
        ("SHOW STATS", .stats, "transactions and queries by shard and role"),
        ("SHOW SHARDS", .stats, "shards and their servers: reachability, replica lag and rotation, pause"),
        ("SHOW RING", .stats, "the consistent-hash ring: weights, vnodes, keyspace shares, version"),
        ("SHOW CONFIG", .stats, "the running configuration (no secrets)"),
        ("SHOW LISTS", .stats, "counts of databases, users, shards, pools, clients, servers"),
        ("PAUSE [shard]", .admin, "hold new transactions (of one shard) and wait for running ones to finish"),
        ("RESUME [shard]", .admin, "release the held transactions"),
        ("RELOAD", .admin, "re-read the configuration file"),
        ("KILL id", .admin, "close a client connection (id from SHOW CLIENTS)"),
        ("SHUTDOWN", .admin, "stop pgring gracefully, as SIGTERM"),
    ]

    /// Why a Query is not a command.
    enum ParseError: Error, Equatable {
        /// Not a command pgring knows.
        case unknown(String)
        /// A known command with bad arguments.
        case invalid(String)
    }

    /// Parses one command: words separated by spaces, case-insensitive, an optional trailing `;`.
    static func parse(_ sql: String) -> Result<AdminCommand, ParseError> {
        var text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
        guard let first = words.first?.lowercased() else { return .failure(.unknown("")) }
        let arguments = Array(words.dropFirst())
        switch first {
        case "show":
            guard arguments.count == 1, let topic = Topic(rawValue: arguments[0].lowercased()) else {
                return .failure(.unknown(text))
            }
            return .success(.show(topic))
        case "pause", "resume":
            guard arguments.count <= 1 else { return .failure(.invalid("\(first.uppercased()) takes at most one shard name")) }
            let shard = arguments.first.map(Self.unquote)
            return .success(first == "pause" ? .pause(shard: shard) : .resume(shard: shard))
        case "reload":
            guard arguments.isEmpty else { return .failure(.invalid("RELOAD takes no arguments")) }
            return .success(.reload)
        case "shutdown":
            guard arguments.isEmpty else { return .failure(.invalid("SHUTDOWN takes no arguments")) }
            return .success(.shutdown)
        case "kill":
            guard arguments.count == 1, let id = Int32(arguments[0]) else {
                return .failure(.invalid("KILL needs one client id (the id column of SHOW CLIENTS)"))
            }
            return .success(.kill(clientID: id))
        default:
            return .failure(.unknown(text))
        }
    }

    /// `'name'` or `"name"` without the quotes.
    private static func unquote(_ word: String) -> String {
        if word.count >= 2, let first = word.first, first == "'" || first == "\"", word.last == first {
            return String(word.dropFirst().dropLast())
        }
        return word
    }
}

import Foundation
