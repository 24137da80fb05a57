import AdminClient
import ArgumentParser
import HashRing

/// `pgringctl ring ...`: inspect the consistent-hash ring and plan changes, offline from a config file.
struct RingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ring",
        abstract: "Inspect the consistent-hash ring and plan changes.",
        discussion: """
            With --config FILE the ring comes from a configuration file (offline); without it, from the \
            running pgring's SHOW RING (--admin URL), rebuilt locally with the same placement. The placement \
            rules are specified in docs/ring.md.
            """,
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
    @Option(name: .long, help: ArgumentHelp(
        "The pgring configuration file (TOML). Without it the ring is read from the running pgring.",
        valueName: "file"))
    var config: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var connection: AdminConnectionOptions

    /// The ring the configuration file defines, or (without `--config`) the one the running pgring reports.
    func loadRing() throws -> ConsistentHashRing {
        if let config {
            return try RingLoader.ring(configurationPath: config)
        }
        let result = try connection.run("SHOW RING")
        do {
            return try AdminRing.ring(from: result)
        } catch {
            throw CommandFailure(message: error.message)
        }
    }
}
