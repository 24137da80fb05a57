import ArgumentParser
import HashRing

/// `pgringctl ring ...`: inspect the consistent-hash ring and plan changes, offline from a config file.
struct RingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ring",
        abstract: "Inspect the consistent-hash ring and plan changes (offline, from a config file).",
        discussion: "The placement rules are specified in docs/ring.md.",
        subcommands: [RingShowCommand.self, RingLocateCommand.self, RingPlanCommand.self]
    )
}

/// `pgringctl ring plan ...`: what a ring change would move.
struct RingPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show which hash ranges a ring change moves, from which shard to which.",
        subcommands: [RingPlanAddCommand.self, RingPlanRemoveCommand.self, RingPlanReweightCommand.self]
    )
}

/// Options every `ring` command takes.
struct RingSourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The pgring configuration file (TOML).", valueName: "file"))
    var config: String

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    /// The ring the configuration file defines.
    func loadRing() throws -> ConsistentHashRing {
        try RingLoader.ring(configurationPath: config)
    }
}
