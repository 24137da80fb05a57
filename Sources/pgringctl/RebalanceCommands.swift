import AdminClient
import ArgumentParser
import Config
import Foundation

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
