import Config
import Rebalancing

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
        case help, version, pools, clients, servers, stats, shards, ring, config, lists, rebalance
    }

    /// What a REBALANCE command asks for.
    enum RebalanceAction: Sendable, Equatable {
        case plan(RebalanceOperation, copySchema: Bool)
        case start(RebalanceOperation, copySchema: Bool)
        case abort, resume, cleanup
    }

    case show(Topic)
    case pause(shard: String?)
    case resume(shard: String?)
    case reload
    case kill(clientID: Int32)
    case shutdown
    case rebalance(RebalanceAction)

    /// The role the command needs; the dispatcher checks it before running the command.
    var requiredRole: AdminRole {
        switch self {
        case .show: return .stats
        case .pause, .resume, .reload, .kill, .shutdown: return .admin
        case .rebalance(.plan): return .stats
        case .rebalance: return .admin
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
        ("SHOW REBALANCE", .stats, "the rebalance job: phase, progress per pair and table, lag, cutover pause, history"),
        ("REBALANCE PLAN ADD name PRIMARY h:p [REPLICA h:p]... [WEIGHT w] | REMOVE name | REWEIGHT name w", .stats,
         "what a rebalance would move (ranges, estimated rows and bytes per table) and every failing precondition"),
        ("REBALANCE START ... [COPY_SCHEMA]", .admin, "start that rebalance as a job (see docs/rebalancing.md)"),
        ("REBALANCE ABORT | RESUME | CLEANUP", .admin, "undo the job (before its cutover), continue it, or drop its leftovers"),
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
        let words = Self.words(text)
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
        case "rebalance":
            return parseRebalance(arguments).map(AdminCommand.rebalance)
        case "kill":
            guard arguments.count == 1, let id = Int32(arguments[0]) else {
                return .failure(.invalid("KILL needs one client id (the id column of SHOW CLIENTS)"))
            }
            return .success(.kill(clientID: id))
        default:
            return .failure(.unknown(text))
        }
    }

    /// `REBALANCE PLAN|START ADD name PRIMARY h:p [REPLICA h:p]... [WEIGHT w] [COPY_SCHEMA]`,
    /// `... REMOVE name`, `... REWEIGHT name w`, `REBALANCE ABORT|RESUME|CLEANUP`.
    static func parseRebalance(_ arguments: [String]) -> Result<RebalanceAction, ParseError> {
        let usage = "REBALANCE PLAN|START ADD name PRIMARY host:port [REPLICA host:port]... [WEIGHT w] [COPY_SCHEMA] | REMOVE name | REWEIGHT name w; REBALANCE ABORT|RESUME|CLEANUP"
        guard let verb = arguments.first?.lowercased() else { return .failure(.invalid(usage)) }
        switch verb {
        case "abort", "resume", "cleanup":
            guard arguments.count == 1 else { return .failure(.invalid("REBALANCE \(verb.uppercased()) takes no arguments")) }
            return .success(verb == "abort" ? .abort : verb == "resume" ? .resume : .cleanup)
        case "plan", "start":
            break
        default:
            return .failure(.invalid(usage))
        }
        var words = Array(arguments.dropFirst())
        var copySchema = false
        if let index = words.firstIndex(where: { $0.lowercased() == "copy_schema" }) {
            copySchema = true
            words.remove(at: index)
        }
        guard words.count >= 2 else { return .failure(.invalid(usage)) }
        let kind = words[0].lowercased(), name = unquote(words[1])
        let operation: RebalanceOperation
        switch kind {
        case "add":
            var primary: String?
            var replicas: [String] = []
            var weight = 1
            var index = 2
            while index < words.count {
                guard index + 1 < words.count else { return .failure(.invalid("\(words[index]) needs a value; \(usage)")) }
                let value = unquote(words[index + 1])
                switch words[index].lowercased() {
                case "primary": primary = value
                case "replica": replicas.append(value)
                case "weight":
                    guard let parsed = Int(value) else { return .failure(.invalid("WEIGHT must be an integer, got \(value)")) }
                    weight = parsed
                default: return .failure(.invalid("unknown word \(words[index]); \(usage)"))
                }
                index += 2
            }
            guard let primary else { return .failure(.invalid("ADD needs PRIMARY host:port")) }
            for address in [primary] + replicas where (try? ServerAddress(parsing: address)) == nil {
                return .failure(.invalid("\(address) is not a host:port address"))
            }
            operation = .add(ShardSpec(name: name, weight: weight, primary: primary, replicas: replicas))
        case "remove":
            guard words.count == 2 else { return .failure(.invalid("REMOVE takes one shard name")) }
            operation = .remove(name: name)
        case "reweight":
            guard words.count == 3, let weight = Int(words[2]) else { return .failure(.invalid("REWEIGHT takes a shard name and an integer weight")) }
            operation = .reweight(name: name, weight: weight)
        default:
            return .failure(.invalid(usage))
        }
        return .success(verb == "plan" ? .plan(operation, copySchema: copySchema) : .start(operation, copySchema: copySchema))
    }

    /// The words of a command, split at whitespace; a word in single or double quotes may hold spaces (the
    /// quotes are kept for ``unquote(_:)``; a doubled quote inside stands for one).
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if let open = quote {
                current.append(character)
                if character == open {
                    if characters.first == open { characters.removeFirst() } else { quote = nil }
                }
            } else if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if character.isWhitespace {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `'name'` or `"name"` without the quotes.
    static func unquote(_ word: String) -> String {
        if word.count >= 2, let first = word.first, first == "'" || first == "\"", word.last == first {
            return String(word.dropFirst().dropLast()).replacingOccurrences(of: "\(first)\(first)", with: "\(first)")
        }
        return word
    }
}

import Foundation
