import ArgumentParser

/// `pgringctl`: the pgring admin CLI. Each command group lives in its own file (`RingCommands.swift`,
/// `AdminCommands.swift`, ...); add a group by listing its top-level command in `subcommands`.
/// Commands without `--config` talk to the running pgring's admin console (docs/admin.md).
@main
struct PGRingCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgringctl",
        abstract: "Administer pgring, the PostgreSQL shard router.",
        subcommands: [
            StatusCommand.self, PoolsCommand.self, ClientsCommand.self, ServersCommand.self, ShardsCommand.self,
            StatsCommand.self, RingCommand.self, PauseCommand.self, ResumeCommand.self, ReloadCommand.self,
            QueryCommand.self, RebalanceCommand.self,
        ]
    )
}
