import ArgumentParser

/// `pgringctl`: the pgring admin CLI. Each command group lives in its own file (`RingCommands.swift`, ...);
/// add a group by listing its top-level command in `subcommands`.
@main
struct PGRingCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgringctl",
        abstract: "Administer pgring, the PostgreSQL shard router.",
        subcommands: [RingCommand.self]
    )
}
