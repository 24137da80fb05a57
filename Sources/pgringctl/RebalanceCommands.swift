import AdminClient
import ArgumentParser
import Config
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// `pgringctl rebalance ...`: plan, start, follow and undo online rebalancing through the admin console's
// REBALANCE commands and SHOW REBALANCE (docs/admin.md). The pure parts (console command text, rendering of
// the results) are `RebalanceRequest`, `RebalancePlanReport` and `RebalanceStatusReport`; the commands only
// run queries, ask and print.

/// `pgringctl rebalance ...`.
struct RebalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalance",
        abstract: "Move data between shards online: plan, start, follow, abort.",
        discussion: """
            add, remove and reweight show the plan (REBALANCE PLAN), ask for confirmation and start the job \
            (REBALANCE START); `rebalance plan ...` only shows the plan. Only one job exists at a time; \
            `rebalance status` shows it (SHOW REBALANCE).
            """,
        subcommands: [
            RebalanceAddCommand.self, RebalanceRemoveCommand.self, RebalanceReweightCommand.self,
            RebalanceStatusCommand.self, RebalanceAbortCommand.self, RebalanceResumeCommand.self,
            RebalanceCleanupCommand.self, RebalancePlanCommand.self,
        ]
    )
}

/// `pgringctl rebalance plan ...`: the plan only.
struct RebalancePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a rebalance would move and every precondition that fails, without starting it.",
        subcommands: [RebalancePlanAddCommand.self, RebalancePlanRemoveCommand.self, RebalancePlanReweightCommand.self]
    )
}

// MARK: - Console command text

/// A rebalance operation as given on the command line, and the console command it becomes.
struct RebalanceRequest: Equatable {
    /// What changes in the ring.
    enum Operation: Equatable {
        case add(name: String, primary: String, replicas: [String], weight: Int)
        case remove(name: String)
        case reweight(name: String, weight: Int)
    }

    /// `REBALANCE PLAN ...` (read only) or `REBALANCE START ...`.
    enum Verb: String {
        case plan = "PLAN"
        case start = "START"
    }

    var operation: Operation
    /// Create missing tables on the targets (`COPY_SCHEMA`).
    var copySchema: Bool

    /// The console command, e.g. `REBALANCE START ADD 'shard2' PRIMARY '10.0.0.5:5432' WEIGHT 1`.
    /// Names and addresses are single-quoted: the console reads a quoted word as one value and strips the
    /// quotes, so a shard called `copy_schema` or `weight` is still read as a name.
    func command(_ verb: Verb) -> String {
        var words = ["REBALANCE", verb.rawValue]
        switch operation {
        case .add(let name, let primary, let replicas, let weight):
            words += ["ADD", Self.quoted(name), "PRIMARY", Self.quoted(primary)]
            for replica in replicas { words += ["REPLICA", Self.quoted(replica)] }
            words += ["WEIGHT", String(weight)]
        case .remove(let name):
            words += ["REMOVE", Self.quoted(name)]
        case .reweight(let name, let weight):
            words += ["REWEIGHT", Self.quoted(name), String(weight)]
        }
        if copySchema { words.append("COPY_SCHEMA") }
        return words.joined(separator: " ")
    }

    /// One line for the operator, e.g. `add shard2 (weight 1, primary 10.0.0.5:5432, replicas 10.0.0.6:5432)`.
    var summary: String {
        var text: String
        switch operation {
        case .add(let name, let primary, let replicas, let weight):
            text = "add \(name) (weight \(weight), primary \(primary)"
            if !replicas.isEmpty { text += ", replica\(replicas.count == 1 ? "" : "s") \(replicas.joined(separator: ", "))" }
            text += ")"
        case .remove(let name):
            text = "remove \(name)"
        case .reweight(let name, let weight):
            text = "reweight \(name) to \(weight)"
        }
        return copySchema ? text + ", copying missing table definitions" : text
    }

    /// `'word'`, a quote inside doubled (as the console reads it; validated names and addresses have none).
    static func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Rejects what is not a shard name (as in the configuration: letters, digits, `_`, `.`, `-`).
    static func validateName(_ name: String) throws {
        guard !name.isEmpty else { throw ValidationError("The shard name must not be empty.") }
        guard name.unicodeScalars.allSatisfy({ scalar in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "_", ".", "-": return true
            default: return false
            }
        }) else {
            throw ValidationError("\(name.debugDescription) is not a shard name: use letters, digits, `_`, `.` and `-`.")
        }
    }

    /// Rejects what is not `host:port` / `[v6]:port`, and anything the console would split or unquote.
    static func validateAddress(_ address: String, option: String) throws {
        do {
            _ = try ServerAddress(parsing: address)
        } catch {
            throw ValidationError("\(option) \(address): \(error)")
        }
        guard !address.contains(where: { $0 == "'" || $0 == "\"" || $0 == ";" || $0.asciiValue.map { $0 < 0x20 } == true }) else {
            throw ValidationError("\(option) \(address.debugDescription) is not a host:port address.")
        }
    }

    /// Rejects a weight below 1 (the console checks the upper bound).
    static func validateWeight(_ weight: Int) throws {
        guard weight >= 1 else { throw ValidationError("The weight must be an integer of at least 1, got \(weight).") }
    }
}

// MARK: - Arguments

/// `NAME --primary HOST:PORT [--replica HOST:PORT]... [--weight W] [--copy-schema]`.
struct RebalanceAddArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The new shard's name (letters, digits, _ . -).", valueName: "name"))
    var name: String

    @Option(name: .long, help: ArgumentHelp("The new shard's primary.", valueName: "host:port"))
    var primary: String

    @Option(name: .long, help: ArgumentHelp("A replica of the new shard (repeat for several).", valueName: "host:port"))
    var replica: [String] = []

    @Option(name: .long, help: ArgumentHelp("The new shard's ring weight.", valueName: "weight"))
    var weight: Int = 1

    @Flag(name: .customLong("copy-schema"), help: "Create the tables the new shard lacks from the sources' definitions.")
    var copySchema = false

    func validate() throws {
        try RebalanceRequest.validateName(name)
        try RebalanceRequest.validateAddress(primary, option: "--primary")
        for address in replica { try RebalanceRequest.validateAddress(address, option: "--replica") }
        try RebalanceRequest.validateWeight(weight)
    }

    var request: RebalanceRequest {
        RebalanceRequest(operation: .add(name: name, primary: primary, replicas: replica, weight: weight), copySchema: copySchema)
    }
}

/// `NAME [--copy-schema]`.
struct RebalanceRemoveArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The shard to remove (its keyspace moves to the others).", valueName: "name"))
    var name: String

    @Flag(name: .customLong("copy-schema"), help: "Create the tables a target shard lacks from the source's definitions.")
    var copySchema = false

    func validate() throws { try RebalanceRequest.validateName(name) }

    var request: RebalanceRequest { RebalanceRequest(operation: .remove(name: name), copySchema: copySchema) }
}

/// `NAME W [--copy-schema]`.
struct RebalanceReweightArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The shard to reweight.", valueName: "name"))
    var name: String

    // Captures "-1" too (rejected in validate with a clear message), which a plain argument would take for
    // an option; as in `ring plan reweight`.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Its new weight (an integer of at least 1).", valueName: "weight"))
    var weightArguments: [String] = []

    @Flag(name: .customLong("copy-schema"), help: "Create the tables a target shard lacks from the source's definitions.")
    var copySchema = false

    /// The weight argument as an integer, without the `--` terminator.
    var weight: Int? {
        let values = weightArguments.first == "--" ? Array(weightArguments.dropFirst()) : weightArguments
        return values.count == 1 ? Int(values[0]) : nil
    }

    func validate() throws {
        try RebalanceRequest.validateName(name)
        guard let weight else {
            throw ValidationError(weightArguments.isEmpty
                ? "Missing the new weight."
                : "Expected one integer weight, got \(weightArguments.joined(separator: " ")).")
        }
        try RebalanceRequest.validateWeight(weight)
    }

    var request: RebalanceRequest {
        RebalanceRequest(operation: .reweight(name: name, weight: weight ?? 0), copySchema: copySchema)
    }
}

/// `--yes`, `--wait`.
struct RebalanceStartOptions: ParsableArguments {
    @Flag(name: [.customShort("y"), .long], help: "Start without asking for confirmation (needed when stdin is not a terminal).")
    var yes = false

    @Flag(name: .long, help: ArgumentHelp(
        "Follow the job (SHOW REBALANCE every second) until it is done, aborted or failed; exit 0 only when done.",
        discussion: "--timeout bounds each console call, not the wait. Ctrl-C stops waiting, not the job."))
    var wait = false
}

// MARK: - add / remove / reweight

/// What add, remove and reweight share: plan, print, ask, start, optionally wait.
protocol RebalanceStartingCommand: ParsableCommand {
    var request: RebalanceRequest { get }
    var start: RebalanceStartOptions { get }
    var options: AdminOutputOptions { get }
}

extension RebalanceStartingCommand {
    func run() throws {
        try RebalanceRunner(options: options).planAndStart(request, yes: start.yes, wait: start.wait)
    }
}

/// `pgringctl rebalance add NAME --primary HOST:PORT ...`.
struct RebalanceAddCommand: RebalanceStartingCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a shard and move its share of the keyspace to it (plan, confirm, start)."
    )
    @OptionGroup var arguments: RebalanceAddArguments
    @OptionGroup var start: RebalanceStartOptions
    @OptionGroup var options: AdminOutputOptions
    var request: RebalanceRequest { arguments.request }
}

/// `pgringctl rebalance remove NAME`.
struct RebalanceRemoveCommand: RebalanceStartingCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Move a shard's keyspace to the other shards and drop it from the ring (plan, confirm, start)."
    )
    @OptionGroup var arguments: RebalanceRemoveArguments
    @OptionGroup var start: RebalanceStartOptions
    @OptionGroup var options: AdminOutputOptions
    var request: RebalanceRequest { arguments.request }
}

/// `pgringctl rebalance reweight NAME W`.
struct RebalanceReweightCommand: RebalanceStartingCommand {
    static let configuration = CommandConfiguration(
        commandName: "reweight",
        abstract: "Change a shard's weight and move the keyspace that changes owner (plan, confirm, start)."
    )
    @OptionGroup var arguments: RebalanceReweightArguments
    @OptionGroup var start: RebalanceStartOptions
    @OptionGroup var options: AdminOutputOptions
    var request: RebalanceRequest { arguments.request }
}

// MARK: - plan add / remove / reweight

/// What the plan-only commands share.
protocol RebalancePlanningCommand: ParsableCommand {
    var request: RebalanceRequest { get }
    var options: AdminOutputOptions { get }
}

extension RebalancePlanningCommand {
    func run() throws {
        let report = try RebalanceRunner(options: options).plan(request)
        print(options.json ? report.json().render() : report.text(operation: request.summary))
    }
}

/// `pgringctl rebalance plan add NAME --primary HOST:PORT ...`.
struct RebalancePlanAddCommand: RebalancePlanningCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Plan adding a shard (REBALANCE PLAN ADD).")
    @OptionGroup var arguments: RebalanceAddArguments
    @OptionGroup var options: AdminOutputOptions
    var request: RebalanceRequest { arguments.request }
}

/// `pgringctl rebalance plan remove NAME`.
struct RebalancePlanRemoveCommand: RebalancePlanningCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Plan removing a shard (REBALANCE PLAN REMOVE).")
    @OptionGroup var arguments: RebalanceRemoveArguments
    @OptionGroup var options: AdminOutputOptions
    var request: RebalanceRequest { arguments.request }
}

/// `pgringctl rebalance plan reweight NAME W`.
struct RebalancePlanReweightCommand: RebalancePlanningCommand {
    static let configuration = CommandConfiguration(commandName: "reweight", abstract: "Plan changing a shard's weight (REBALANCE PLAN REWEIGHT).")
    @OptionGroup var arguments: RebalanceReweightArguments
    @OptionGroup var options: AdminOutputOptions
    var request: RebalanceRequest { arguments.request }
}

// MARK: - status / abort / resume / cleanup

/// `pgringctl rebalance status`: SHOW REBALANCE.
struct RebalanceStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the rebalance job: phase, pairs with lag and rows copied, cutover, recent events (SHOW REBALANCE)."
    )

    @Option(name: .long, help: ArgumentHelp("How many recent events to print (text output; JSON has them all).", valueName: "n"))
    var events: Int = 10

    @OptionGroup var options: AdminOutputOptions

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must be 0 or more") }
    }

    func run() throws {
        let report = try RebalanceRunner(options: options).status()
        print(options.json ? report.json().render() : report.text(eventLimit: events))
    }
}

/// `pgringctl rebalance abort`: REBALANCE ABORT.
struct RebalanceAbortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Stop the job and undo it (only before its cutover); waits until it is undone (REBALANCE ABORT).",
        discussion: "Raise --timeout (default 60 s) when undoing may take longer."
    )

    @OptionGroup var options: AdminOutputOptions

    func run() throws {
        let result = try RebalanceRunner(options: options).run("REBALANCE ABORT", expecting: ["job", "phase"])
        let record = result.records.first ?? [:]
        let job = (record["job"] ?? nil) ?? "?"
        let phase = (record["phase"] ?? nil) ?? "?"
        let error = record["error"] ?? nil
        if options.json {
            print(ResultFormatting.jsonObjects(result).first?.render() ?? "{}")
        } else if phase == "aborted" {
            print("Rebalance job \(job) aborted: placement, data and traffic are as before the job.")
        } else {
            print("Rebalance job \(job) is \(phase) after the abort" + (error.map { ": \($0)" } ?? "."))
            print("See pgringctl rebalance status; run pgringctl rebalance abort again once the cause is fixed.")
        }
        if phase != "aborted" { throw ExitCode.failure }
    }
}

/// `pgringctl rebalance resume [--wait]`: REBALANCE RESUME.
struct RebalanceResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a failed or interrupted job from where it stopped (REBALANCE RESUME)."
    )

    @Flag(name: .long, help: ArgumentHelp(
        "Follow the job until it is done, aborted or failed; exit 0 only when done.",
        discussion: "--timeout bounds each console call, not the wait. Ctrl-C stops waiting, not the job."))
    var wait = false

    @OptionGroup var options: AdminOutputOptions

    func run() throws {
        let runner = RebalanceRunner(options: options)
        let result = try runner.run("REBALANCE RESUME", expecting: ["job", "phase"])
        let record = result.records.first ?? [:]
        let job = (record["job"] ?? nil) ?? "?"
        let phase = (record["phase"] ?? nil) ?? "?"
        if !options.json { print("Resumed rebalance job \(job) from phase \(phase).") }
        var members: [(String, JSONValue)] = [("job", .string(job)), ("phase", .string(phase))]
        guard wait else {
            if options.json { print(JSONValue.object(members).render()) } else { print(RebalanceRunner.followHint) }
            return
        }
        let final = try runner.follow(job: job, from: phase)
        if options.json {
            members.append(("status", final.json()))
            print(JSONValue.object(members).render())
        } else {
            print(final.outcome(job: job))
        }
        if final.phase != "done" { throw ExitCode.failure }
    }
}

/// `pgringctl rebalance cleanup`: REBALANCE CLEANUP.
struct RebalanceCleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Drop what a finished job left on the servers (publications, subscriptions, slots) (REBALANCE CLEANUP).",
        discussion: "Exits 1 when something could not be dropped (each is printed)."
    )

    @OptionGroup var options: AdminOutputOptions

    func run() throws {
        let result = try RebalanceRunner(options: options).run("REBALANCE CLEANUP", expecting: ["problem"])
        let index = result.columnIndex("problem") ?? 0
        let problems = result.rows.compactMap { index < $0.count ? $0[index] : nil }
        if options.json {
            print(JSONValue.object([("problems", .array(problems.map(JSONValue.string)))]).render())
        } else if problems.isEmpty {
            print("Cleanup done: nothing of the job is left on the servers.")
        } else {
            print("Could not drop \(problems.count) leftover\(problems.count == 1 ? "" : "s"):")
            for problem in problems { print("  - \(problem)") }
        }
        if !problems.isEmpty { throw ExitCode.failure }
    }
}

// MARK: - Running

/// The console calls of the rebalance commands, the confirmation and the wait loop.
struct RebalanceRunner {
    let options: AdminOutputOptions

    static let followHint = "Follow it with: pgringctl rebalance status (or pass --wait)."

    /// Runs one console command and checks that its result has `columns`.
    func run(_ command: String, expecting columns: [String]) throws -> QueryResult {
        let result = try options.connection.run(command)
        for column in columns where result.columnIndex(column) == nil {
            throw AdminExit.report(.protocolViolation("\(command.split(separator: " ").prefix(2).joined(separator: " ")) answered without a \(column) column"))
        }
        return result
    }

    /// REBALANCE PLAN.
    func plan(_ request: RebalanceRequest) throws -> RebalancePlanReport {
        RebalancePlanReport(try run(request.command(.plan), expecting: ["kind"]))
    }

    /// SHOW REBALANCE.
    func status() throws -> RebalanceStatusReport {
        RebalanceStatusReport(try run("SHOW REBALANCE", expecting: ["key", "value"]))
    }

    /// add / remove / reweight: PLAN, print it, refuse on problems, confirm, START, optionally follow.
    func planAndStart(_ request: RebalanceRequest, yes: Bool, wait: Bool) throws {
        let report = try plan(request)
        let planJSON = report.json()
        /// In JSON mode everything goes into one object on stdout.
        func printJSON(_ job: [(String, JSONValue)]) {
            print(JSONValue.object([("plan", planJSON)] + job).render())
        }
        if options.json {
            if !report.problems.isEmpty { printJSON([("job", .null)]) }
        } else {
            print(report.text(operation: request.summary))
        }
        guard report.problems.isEmpty else {
            let count = report.problems.count
            throw CommandFailure(message: "the rebalance cannot start: \(count) failing precondition\(count == 1 ? "" : "s") (see the plan); nothing was started")
        }
        if !yes {
            guard isatty(STDIN_FILENO) != 0 else {
                if options.json { printJSON([("job", .null)]) }
                throw CommandFailure(message: "not started: stdin is not a terminal, so pgringctl cannot ask for confirmation; pass --yes to start without asking")
            }
            FileHandle.standardError.write(Data("Start this rebalance? [y/N] ".utf8))
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
            guard answer == "y" || answer == "yes" else {
                if options.json { printJSON([("job", .null)]) }
                FileHandle.standardError.write(Data("Not started.\n".utf8))
                throw ExitCode.failure
            }
        }
        let started = try run(request.command(.start), expecting: ["job", "phase"])
        let record = started.records.first ?? [:]
        let job = (record["job"] ?? nil) ?? "?"
        let phase = (record["phase"] ?? nil) ?? "?"
        var members: [(String, JSONValue)] = [("job", .string(job)), ("phase", .string(phase))]
        if !options.json {
            print("Started rebalance job \(job) (phase \(phase)).")
        }
        guard wait else {
            if options.json { printJSON(members) } else { print(Self.followHint) }
            return
        }
        let final = try follow(job: job, from: phase)
        if options.json {
            members.append(("status", final.json()))
            printJSON(members)
        } else {
            print(final.outcome(job: job))
        }
        if final.phase != "done" { throw ExitCode.failure }
    }

    /// Polls SHOW REBALANCE every second and prints each phase change (to stderr with --json) until the
    /// job is done, aborted or failed, or stops running, or another job replaces it. Returns the last status.
    func follow(job: String, from phase: String) throws -> RebalanceStatusReport {
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm:ss"
        func say(_ line: String) {
            if options.json {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            } else {
                print(line)
                fflush(nil)
            }
        }
        say("Waiting for job \(job) (Ctrl-C stops waiting, not the job):")
        var last = ""
        var notRunning = 0
        while true {
            let report = try status()
            let current = report.phase ?? "none"
            if current != last {
                var line = "  \(clock.string(from: Date()))  \(current)"
                if current == "failed", let failed = report.value("failed_phase") { line += " (in \(failed))" }
                say(line)
                last = current
            }
            if let other = report.value("job"), other != job {
                say("Another rebalance job (\(other)) replaced \(job); stopped waiting.")
                return report
            }
            if current == "none" || RebalanceStatusReport.endPhases.contains(current) { return report }
            // A job that stopped without failing (pgring restarted) does not move on by itself.
            notRunning = report.value("running") == "false" ? notRunning + 1 : 0
            if notRunning >= 3 {
                say("Job \(job) is not running (phase \(current)); continue it with: pgringctl rebalance resume --wait")
                return report
            }
            Thread.sleep(forTimeInterval: 1)
        }
    }
}

// MARK: - Formatting helpers

/// Human-readable numbers for the rebalance reports.
enum RebalanceFormat {
    /// `1536` -> `1.5 KiB`; nil or non-numbers as `-` or as sent.
    static func bytes(_ text: String?) -> String {
        guard let text else { return "-" }
        guard let value = Double(text), ColumnKind.isJSONNumber(text) else { return text }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var amount = value
        var unit = 0
        while abs(amount) >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(amount)) B" }
        return String(format: "%.1f %@", amount, units[unit])
    }

    /// `1234567` -> `1,234,567`; nil as `-`; non-integers as sent.
    static func count(_ text: String?) -> String {
        guard let text else { return "-" }
        guard let value = Int(text) else { return text }
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `50.000` -> `50.000%`; nil as `-`.
    static func percent(_ text: String?) -> String {
        guard let text else { return "-" }
        return text + "%"
    }

    /// Seconds as `12.3 s`, `5 min 03 s`, `2 h 05 min`.
    static func duration(_ text: String?) -> String {
        guard let text, let seconds = Double(text) else { return text ?? "-" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds)
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }

    /// A number as a JSON number when it is one, else a string; nil as null.
    static func number(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        return ColumnKind.isJSONNumber(text) ? .number(text) : .string(text)
    }

    /// A string or null.
    static func string(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
}

// MARK: - REBALANCE PLAN

/// A REBALANCE PLAN result (`kind|from|to|ranges|keyspace_percent|table|estimated_rows|estimated_bytes|detail`),
/// grouped: one move per source/target pair with its tables, the failing preconditions, the ring change.
/// Columns are found by name; numbers are kept as the console's text.
struct RebalancePlanReport: Equatable {
    /// One table of a move.
    struct Table: Equatable {
        var name: String
        /// A global table, copied whole to a new shard (`name (global, whole)` in the console's result).
        var global: Bool
        var estimatedRows: String?
        var estimatedBytes: String?
    }

    /// One source/target pair.
    struct Move: Equatable {
        var from: String
        var to: String
        /// Nil when the console sent no pair row (a pair that only copies global tables).
        var ranges: String?
        var keyspacePercent: String?
        var tables: [Table]
    }

    /// The ring change (the `ring` row).
    struct Ring: Equatable {
        /// The share of the keyspace that changes owner, in percent.
        var keyspacePercent: String?
        /// `version a -> b, fingerprint x -> y`, as sent.
        var detail: String
        var oldVersion: String?
        var newVersion: String?
        var oldFingerprint: String?
        var newFingerprint: String?

        init(keyspacePercent: String?, detail: String) {
            self.keyspacePercent = keyspacePercent
            self.detail = detail
            // "version 3 -> 4, fingerprint 0x1 -> 0x2"
            let parts = detail.components(separatedBy: ", ")
            for part in parts {
                let words = part.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard words.count == 4, words[2] == "->" else { continue }
                switch words[0] {
                case "version": (oldVersion, newVersion) = (words[1], words[3])
                case "fingerprint": (oldFingerprint, newFingerprint) = (words[1], words[3])
                default: break
                }
            }
        }
    }

    var moves: [Move]
    var problems: [String]
    var ring: Ring?

    static let globalSuffix = " (global, whole)"

    init(moves: [Move], problems: [String], ring: Ring?) {
        self.moves = moves
        self.problems = problems
        self.ring = ring
    }

    init(_ result: QueryResult) {
        var moves: [Move] = []
        var problems: [String] = []
        var ring: Ring?
        for record in result.records {
            func value(_ column: String) -> String? { record[column] ?? nil }
            switch value("kind") {
            case "move"?:
                let from = value("from") ?? "", to = value("to") ?? ""
                let index: Int
                if let found = moves.firstIndex(where: { $0.from == from && $0.to == to }) {
                    index = found
                } else {
                    moves.append(Move(from: from, to: to, ranges: nil, keyspacePercent: nil, tables: []))
                    index = moves.count - 1
                }
                if let table = value("table"), !table.isEmpty {
                    let global = table.hasSuffix(Self.globalSuffix)
                    moves[index].tables.append(Table(
                        name: global ? String(table.dropLast(Self.globalSuffix.count)) : table, global: global,
                        estimatedRows: value("estimated_rows"), estimatedBytes: value("estimated_bytes")))
                } else {
                    moves[index].ranges = value("ranges")
                    moves[index].keyspacePercent = value("keyspace_percent")
                }
            case "problem"?:
                problems.append(value("detail") ?? "(no detail)")
            case "ring"?:
                ring = Ring(keyspacePercent: value("keyspace_percent"), detail: value("detail") ?? "")
            default:
                continue
            }
        }
        self.init(moves: moves, problems: problems, ring: ring)
    }

    /// The human plan: the ring change, the pairs, the tables with estimates, then the problems.
    func text(operation: String? = nil) -> String {
        var fields: [(String, String)] = []
        if let operation { fields.append(("plan", operation)) }
        if let ring {
            if let old = ring.oldVersion, let new = ring.newVersion {
                fields.append(("ring version", "\(old) -> \(new)"))
            }
            if let old = ring.oldFingerprint, let new = ring.newFingerprint {
                fields.append(("fingerprint", "\(old) -> \(new)"))
            }
            if ring.oldVersion == nil && ring.oldFingerprint == nil && !ring.detail.isEmpty {
                fields.append(("ring", ring.detail))
            }
        }
        let pairs = moves.filter { $0.ranges != nil }
        var moved = ring.map { RebalanceFormat.percent($0.keyspacePercent) + " of the keyspace" } ?? "?"
        moved += ", \(pairs.count) source/target pair\(pairs.count == 1 ? "" : "s")"
        fields.append(("moves", moved))
        var sections = [Output.fields(fields)]
        if !pairs.isEmpty {
            sections.append(Output.table(
                header: ["FROM", "TO", "RANGES", "KEYSPACE"],
                alignments: [.left, .left, .right, .right],
                rows: pairs.map { [$0.from, $0.to, $0.ranges ?? "-", RebalanceFormat.percent($0.keyspacePercent)] }
            ))
        }
        var tableRows: [[String]] = []
        for move in moves {
            for (index, table) in move.tables.enumerated() {
                tableRows.append([
                    index == 0 ? move.from : "", index == 0 ? move.to : "",
                    table.global ? "\(table.name) (global, copied whole)" : table.name,
                    RebalanceFormat.count(table.estimatedRows), RebalanceFormat.bytes(table.estimatedBytes),
                ])
            }
        }
        if !tableRows.isEmpty {
            sections.append(Output.table(
                header: ["FROM", "TO", "TABLE", "EST. ROWS", "EST. SIZE"],
                alignments: [.left, .left, .left, .right, .right],
                rows: tableRows
            ))
        }
        if problems.isEmpty {
            sections.append("Preconditions: all met.")
        } else {
            let count = problems.count
            sections.append("The rebalance cannot start: \(count) failing precondition\(count == 1 ? "" : "s"):\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }

    /// `{"moves": [...], "problems": [...], "ring": {...}}`, numbers typed.
    func json() -> JSONValue {
        .object([
            ("moves", .array(moves.map { move in
                .object([
                    ("from", .string(move.from)),
                    ("to", .string(move.to)),
                    ("ranges", RebalanceFormat.number(move.ranges)),
                    ("keyspace_percent", RebalanceFormat.number(move.keyspacePercent)),
                    ("tables", .array(move.tables.map { table in
                        .object([
                            ("table", .string(table.name)),
                            ("global", .bool(table.global)),
                            ("estimated_rows", RebalanceFormat.number(table.estimatedRows)),
                            ("estimated_bytes", RebalanceFormat.number(table.estimatedBytes)),
                        ])
                    })),
                ])
            })),
            ("problems", .array(problems.map(JSONValue.string))),
            ("ring", ring.map { ring in
                .object([
                    ("keyspace_percent", RebalanceFormat.number(ring.keyspacePercent)),
                    ("old_version", RebalanceFormat.number(ring.oldVersion)),
                    ("new_version", RebalanceFormat.number(ring.newVersion)),
                    ("old_fingerprint", RebalanceFormat.string(ring.oldFingerprint)),
                    ("new_fingerprint", RebalanceFormat.string(ring.newFingerprint)),
                    ("detail", .string(ring.detail)),
                ])
            } ?? .null),
        ])
    }
}

// MARK: - SHOW REBALANCE

/// A SHOW REBALANCE result (`key|value` rows), grouped: the job's facts in console order, rows deleted per
/// table, the pairs with their lag and rows copied, and the events. `phase none` means no job.
struct RebalanceStatusReport: Equatable {
    /// One source/target pair (`pair.<i>...` keys).
    struct Pair: Equatable {
        var index: Int
        /// `a -> b, N ranges, P% of the keyspace`, as sent.
        var description: String?
        var lagBytes: String?
        /// Per table, in console order.
        var rowsCopied: [Entry]
    }

    /// A key and its value (nil = NULL).
    struct Entry: Equatable {
        var key: String
        var value: String?
    }

    /// An `event` row: `ISO-time message`.
    struct Event: Equatable {
        var time: String?
        var message: String
    }

    /// The phases a job stops in.
    static let endPhases: Set<String> = ["done", "aborted", "failed"]
    /// The facts `text()` knows (shown in its own words, or left out when NULL).
    static let knownKeys: Set<String> = [
        "job", "operation", "phase", "failed_phase", "error", "running", "ring_version", "live_ring_version", "created_at",
        "elapsed_seconds", "cutover_attempts", "cutover_timeout_seconds", "cutover_pause_ms", "held_writes",
        "held_writes_max_ms", "held_writes_p99_ms", "expected_pause_ms",
    ]
    /// Keys whose values are text even when they look like numbers (a job id may be all digits).
    static let textKeys: Set<String> = ["job", "operation", "phase", "failed_phase", "error", "ring_version", "created_at"]

    var facts: [Entry]
    var rowsDeleted: [Entry]
    var pairs: [Pair]
    var events: [Event]

    init(_ result: QueryResult) {
        var facts: [Entry] = []
        var rowsDeleted: [Entry] = []
        var pairs: [Pair] = []
        var events: [Event] = []
        let keyIndex = result.columnIndex("key") ?? 0
        let valueIndex = result.columnIndex("value") ?? 1
        func pairIndex(_ index: Int) -> Int {
            if let found = pairs.firstIndex(where: { $0.index == index }) { return found }
            pairs.append(Pair(index: index, description: nil, lagBytes: nil, rowsCopied: []))
            return pairs.count - 1
        }
        for row in result.rows {
            guard keyIndex < row.count, let key = row[keyIndex] else { continue }
            let value = valueIndex < row.count ? row[valueIndex] : nil
            if key == "event" {
                guard let value else { continue }
                let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2, parts[0].first?.isNumber == true, parts[0].contains("T") {
                    events.append(Event(time: String(parts[0]), message: String(parts[1])))
                } else {
                    events.append(Event(time: nil, message: value))
                }
            } else if key.hasPrefix("rows_deleted.") {
                rowsDeleted.append(Entry(key: String(key.dropFirst("rows_deleted.".count)), value: value))
            } else if key.hasPrefix("pair."), let pair = Self.parsePairKey(key) {
                let position = pairIndex(pair.index)
                switch pair.rest {
                case nil: pairs[position].description = value
                case "lag_bytes"?: pairs[position].lagBytes = value
                case let rest? where rest.hasPrefix("rows_copied."):
                    pairs[position].rowsCopied.append(Entry(key: String(rest.dropFirst("rows_copied.".count)), value: value))
                case let rest?:
                    pairs[position].rowsCopied.append(Entry(key: rest, value: value))
                }
            } else {
                facts.append(Entry(key: key, value: value))
            }
        }
        self.facts = facts
        self.rowsDeleted = rowsDeleted
        self.pairs = pairs
        self.events = events
    }

    /// `pair.3` -> (3, nil); `pair.3.lag_bytes` -> (3, "lag_bytes"); nil when not of that form.
    static func parsePairKey(_ key: String) -> (index: Int, rest: String?)? {
        let parts = key.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "pair", let index = Int(parts[1]) else { return nil }
        return (index, parts.count == 3 ? String(parts[2]) : nil)
    }

    /// The value of a fact (nil when missing or NULL).
    func value(_ key: String) -> String? {
        facts.first(where: { $0.key == key })?.value ?? nil
    }

    /// The phase; `none` when there is no job.
    var phase: String? { value("phase") }

    /// True when SHOW REBALANCE reports a job.
    var hasJob: Bool { phase != nil && phase != "none" }

    /// The human status: the key facts, the pairs with lag and rows copied, the last `eventLimit` events.
    func text(eventLimit: Int = 10) -> String {
        guard hasJob else { return "No rebalance job." }
        var fields: [(String, String)] = []
        func add(_ label: String, _ value: String) { fields.append((label, value)) }
        let phase = self.phase ?? "?"
        let running = value("running")
        add("job", value("job") ?? "?")
        if let operation = value("operation") { add("operation", operation) }
        var phaseText = phase
        if phase == "failed" {
            if let failed = value("failed_phase") { phaseText += " (in \(failed))" }
        } else if running == "true" {
            phaseText += " (running)"
        } else if !Self.endPhases.contains(phase), running == "false" {
            phaseText += " (not running: pgringctl rebalance resume continues it)"
        }
        add("phase", phaseText)
        if let error = value("error") { add("error", error) }
        if let ring = value("ring_version") {
            var text = ring
            if let live = value("live_ring_version") { text += " (live: \(live))" }
            add("ring version", text)
        }
        if let created = value("created_at") { add("started", created) }
        if let elapsed = value("elapsed_seconds") {
            // The console counts a finished job's time up to its end, a running one's up to now.
            add(phase == "done" || phase == "aborted" ? "took" : "elapsed", RebalanceFormat.duration(elapsed))
        }
        if let attempts = value("cutover_attempts") {
            var text = "\(attempts) attempt\(attempts == "1" ? "" : "s")"
            if let pause = value("cutover_pause_ms") {
                text += ", writes held \(pause) ms"
            } else if let expected = value("expected_pause_ms") {
                text += ", expected pause \(expected) ms"
            }
            if let timeout = value("cutover_timeout_seconds") { text += " (timeout \(timeout) s)" }
            add("cutover", text)
        }
        if let held = value("held_writes") {
            var details: [String] = []
            if let max = value("held_writes_max_ms") { details.append("max \(max) ms") }
            if let p99 = value("held_writes_p99_ms") { details.append("p99 \(p99) ms") }
            add("held writes", held + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"))
        }
        if !rowsDeleted.isEmpty {
            add("rows deleted", rowsDeleted.map { "\($0.key) \(RebalanceFormat.count($0.value))" }.joined(separator: ", "))
        }
        // Facts a newer console adds, NULLs left out.
        for fact in facts where !Self.knownKeys.contains(fact.key) {
            guard let value = fact.value else { continue }
            fields.append((fact.key.replacingOccurrences(of: "_", with: " "), value))
        }
        var sections = [Output.fields(fields)]
        if !pairs.isEmpty && pairs.allSatisfy({ $0.lagBytes == nil && $0.rowsCopied.isEmpty }) {
            // No live progress (before the copy, or after the cutover): just the pairs.
            sections.append(Output.table(header: ["PAIR"], alignments: [.left], rows: pairs.map { [$0.description ?? "pair \($0.index)"] }))
        } else if !pairs.isEmpty {
            var rows: [[String]] = []
            for pair in pairs {
                let lag = pair.lagBytes.map { RebalanceFormat.bytes($0) } ?? "-"
                let description = pair.description ?? "pair \(pair.index)"
                if pair.rowsCopied.isEmpty {
                    rows.append([description, lag, "", ""])
                }
                for (index, table) in pair.rowsCopied.enumerated() {
                    rows.append([index == 0 ? description : "", index == 0 ? lag : "", table.key, RebalanceFormat.count(table.value)])
                }
            }
            sections.append(Output.table(
                header: ["PAIR", "LAG", "TABLE", "ROWS COPIED"],
                alignments: [.left, .right, .left, .right],
                rows: rows
            ))
        }
        if eventLimit > 0 && !events.isEmpty {
            let recent = events.suffix(eventLimit)
            let title = recent.count < events.count ? "Last \(recent.count) of \(events.count) events:" : "Events:"
            sections.append(title + "\n" + recent.map { event in
                "  " + (event.time.map { $0 + "  " } ?? "") + event.message
            }.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }

    /// One line saying how the job ended, for `--wait`.
    func outcome(job: String) -> String {
        switch phase {
        case "done"?:
            var text = "Rebalance job \(job) done"
            if let elapsed = value("elapsed_seconds") { text += " after \(RebalanceFormat.duration(elapsed))" }
            if let pause = value("cutover_pause_ms") {
                text += "; writes of moving keys were held \(pause) ms"
                if let held = value("held_writes") { text += " (\(held) held write\(held == "1" ? "" : "s"))" }
            }
            if let ring = value("ring_version"), let new = ring.components(separatedBy: " -> ").last {
                text += "; ring version \(new) is live"
            }
            return text + "."
        case "aborted"?:
            return "Rebalance job \(job) aborted: placement, data and traffic are as before the job."
        case "failed"?:
            var text = "Rebalance job \(job) failed"
            if let failed = value("failed_phase") { text += " in phase \(failed)" }
            if let error = value("error") { text += ": \(error)" }
            let pastCutover = value("failed_phase") == "cleaning_up"
            return text + "\nContinue it with: pgringctl rebalance resume --wait"
                + (pastCutover ? "" : "\nor undo it with: pgringctl rebalance abort")
        case "none"?, nil:
            return "The rebalance job \(job) is gone (SHOW REBALANCE reports no job)."
        case let other?:
            return "Rebalance job \(job) stopped waiting in phase \(other)."
        }
    }

    /// Every key with a typed value (`running` a boolean, numbers as numbers except for text keys), then
    /// `rows_deleted` (object), `pairs` (array) and `events` (array of `{time, message}`).
    func json() -> JSONValue {
        var members: [(String, JSONValue)] = facts.map { fact in
            let value: JSONValue
            if Self.textKeys.contains(fact.key) {
                value = RebalanceFormat.string(fact.value)
            } else if fact.key == "running" {
                switch fact.value {
                case "true"?, "t"?: value = .bool(true)
                case "false"?, "f"?: value = .bool(false)
                default: value = RebalanceFormat.string(fact.value)
                }
            } else {
                value = RebalanceFormat.number(fact.value)
            }
            return (fact.key, value)
        }
        members.append(("rows_deleted", .object(rowsDeleted.map { ($0.key, RebalanceFormat.number($0.value)) })))
        members.append(("pairs", .array(pairs.map { pair in
            .object([
                ("pair", .integer(pair.index)),
                ("description", RebalanceFormat.string(pair.description)),
                ("lag_bytes", RebalanceFormat.number(pair.lagBytes)),
                ("rows_copied", .object(pair.rowsCopied.map { ($0.key, RebalanceFormat.number($0.value)) })),
            ])
        })))
        members.append(("events", .array(events.map { event in
            .object([("time", RebalanceFormat.string(event.time)), ("message", .string(event.message))])
        })))
        return .object(members)
    }
}
