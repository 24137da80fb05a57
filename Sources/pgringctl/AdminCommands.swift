import AdminClient
import ArgumentParser

/// `pgringctl status [--admin URL] [--json]`: version, shards and their servers, client and pool counts.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Summarise the running pgring: version, shards and their servers (up/down, rotation, lag), counts."
    )

    @OptionGroup var options: AdminOutputOptions

    func run() throws {
        let results = try options.connection.run(["SHOW VERSION", "SHOW SHARDS", "SHOW LISTS"])
        guard results.count == 3 else {
            throw AdminExit.report(.protocolViolation("expected 3 results, got \(results.count)"))
        }
        let report = StatusReport(version: results[0], shards: results[1], lists: results[2])
        print(options.json ? report.json().render() : report.text())
    }
}

/// A command that prints one SHOW of the admin console as a table or JSON.
protocol AdminShowCommand: ParsableCommand {
    /// The console command, e.g. `SHOW POOLS`.
    static var query: String { get }
    /// `--admin`, `--timeout`, `--json`.
    var options: AdminOutputOptions { get }
}

extension AdminShowCommand {
    func run() throws {
        let result = try options.connection.run(Self.query)
        print(options.json ? ResultFormatting.json(result) : ResultFormatting.table(result))
    }
}

/// `pgringctl pools`: SHOW POOLS.
struct PoolsCommand: AdminShowCommand {
    static let configuration = CommandConfiguration(commandName: "pools", abstract: "Server connection pools (SHOW POOLS).")
    static let query = "SHOW POOLS"
    @OptionGroup var options: AdminOutputOptions
}

/// `pgringctl clients`: SHOW CLIENTS.
struct ClientsCommand: AdminShowCommand {
    static let configuration = CommandConfiguration(commandName: "clients", abstract: "Client connections (SHOW CLIENTS).")
    static let query = "SHOW CLIENTS"
    @OptionGroup var options: AdminOutputOptions
}

/// `pgringctl servers`: SHOW SERVERS.
struct ServersCommand: AdminShowCommand {
    static let configuration = CommandConfiguration(commandName: "servers", abstract: "Server connections (SHOW SERVERS).")
    static let query = "SHOW SERVERS"
    @OptionGroup var options: AdminOutputOptions
}

/// `pgringctl shards`: SHOW SHARDS.
struct ShardsCommand: AdminShowCommand {
    static let configuration = CommandConfiguration(commandName: "shards", abstract: "Shards and their servers (SHOW SHARDS).")
    static let query = "SHOW SHARDS"
    @OptionGroup var options: AdminOutputOptions
}

/// `pgringctl stats`: SHOW STATS.
struct StatsCommand: AdminShowCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Transactions and queries by shard and role (SHOW STATS).")
    static let query = "SHOW STATS"
    @OptionGroup var options: AdminOutputOptions
}

/// A console command that changes something and answers only a tag (PAUSE, RESUME, RELOAD).
protocol AdminActionCommand: ParsableCommand {
    /// The console command word.
    static var verb: String { get }
    /// `--admin`, `--timeout`, `--json`.
    var options: AdminOutputOptions { get }
    /// The argument after the verb, if any.
    var argument: String? { get }
}

extension AdminActionCommand {
    func run() throws {
        let sql = [Self.verb, argument].compactMap { $0 }.joined(separator: " ")
        let result = try options.connection.run(sql)
        let tag = result.tag.isEmpty ? Self.verb : result.tag
        if options.json {
            print(JSONValue.object([("ok", .bool(true)), ("command", .string(tag))]).render(pretty: false))
        } else {
            print(tag)
        }
    }

    /// Rejects a shard name the console would split or misread (blanks, `;`, quotes, control characters).
    static func validateShard(_ shard: String?) throws {
        guard let shard else { return }
        guard !shard.isEmpty, !shard.contains(where: { $0.isWhitespace || $0 == ";" || $0 == "'" || $0 == "\"" || $0.asciiValue.map { $0 < 0x20 } == true }) else {
            throw ValidationError("\(shard.debugDescription) is not a shard name")
        }
    }
}

/// `pgringctl pause [SHARD]`: PAUSE.
struct PauseCommand: AdminActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Hold new transactions (of one shard, or all) and wait until running ones finish (PAUSE).",
        discussion: "Waits at most --timeout seconds; the pause stays in force until RESUME."
    )
    static let verb = "PAUSE"
    @Argument(help: ArgumentHelp("The shard to pause (default: every shard).", valueName: "shard"))
    var shard: String?
    @OptionGroup var options: AdminOutputOptions
    var argument: String? { shard }
    func validate() throws { try Self.validateShard(shard) }
}

/// `pgringctl resume [SHARD]`: RESUME.
struct ResumeCommand: AdminActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Release the transactions PAUSE holds (RESUME)."
    )
    static let verb = "RESUME"
    @Argument(help: ArgumentHelp("The shard to resume (default: every shard).", valueName: "shard"))
    var shard: String?
    @OptionGroup var options: AdminOutputOptions
    var argument: String? { shard }
    func validate() throws { try Self.validateShard(shard) }
}

/// `pgringctl reload`: RELOAD.
struct ReloadCommand: AdminActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload", abstract: "Make pgring re-read its configuration file (RELOAD)."
    )
    static let verb = "RELOAD"
    @OptionGroup var options: AdminOutputOptions
    var argument: String? { nil }
}

/// `pgringctl query 'SHOW CONFIG'`: any one console command (SHOW HELP, SHOW CONFIG, KILL id...), printed
/// as a table (or its tag) or JSON.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one admin console command (e.g. 'SHOW CONFIG', 'KILL 12') and print its answer.",
        discussion: "pgringctl query 'SHOW HELP' lists every command and the role it needs."
    )

    @Argument(help: ArgumentHelp("The console command.", valueName: "command"))
    var command: String

    @OptionGroup var options: AdminOutputOptions

    func run() throws {
        let results = try options.connection.run([command])
        if options.json {
            let values = results.map { result -> JSONValue in
                result.columns.isEmpty
                    ? .object([("ok", .bool(true)), ("command", .string(result.tag))])
                    : .array(ResultFormatting.jsonObjects(result))
            }
            print((values.count == 1 ? values[0] : .array(values)).render())
        } else {
            print(results.map(ResultFormatting.table).joined(separator: "\n\n"))
        }
    }
}
