extension ConfigurationValidator {
    /// `[routing]`: `default_shard` names a shard; `volatile_functions` entries non-empty; replica lag limits
    /// `>= 0` (0 = no limit); health-check interval and timeout `> 0`; `read_your_writes_wait` `>= 0`.
    /// `pgring.admin_users` and `pgring.stats_users` name `[[users]]` entries.
    func checkConsoleUsers(into problems: inout [ConfigurationProblem]) {
        let known = Set(configuration.users.map(\.name))
        for (key, names) in [("admin_users", configuration.pgring.adminUsers), ("stats_users", configuration.pgring.statsUsers)] {
            for (index, name) in names.enumerated() where !known.contains(name) {
                problems.append(.init(
                    keyPath: "pgring.\(key)[\(index)]",
                    message: "no [[users]] entry named `\(name)` (console users log in with a [[users]] password)"))
            }
        }
    }

    func checkRouting(into problems: inout [ConfigurationProblem]) {
        let routing = configuration.routing
        if let defaultShard = routing.defaultShard {
            checkDefaultShard(defaultShard, into: &problems)
        }
        for (index, function) in routing.volatileFunctions.enumerated() where function.isEmpty {
            problems.append(.init(keyPath: "routing.volatile_functions[\(index)]", message: "must not be empty"))
        }
        if routing.maxReplicaLagBytes < 0 {
            problems.append(.init(
                keyPath: "routing.max_replica_lag_bytes",
                message: "must be at least 0 (0 = no limit), got \(routing.maxReplicaLagBytes)"))
        }
        checkSeconds(routing.maxReplicaLagSeconds, "routing.max_replica_lag_seconds", into: &problems)
        checkPositiveSeconds(routing.healthCheckInterval, "routing.health_check_interval", into: &problems)
        checkPositiveSeconds(routing.healthCheckTimeout, "routing.health_check_timeout", into: &problems)
        checkSeconds(routing.readYourWritesWait, "routing.read_your_writes_wait", into: &problems)
    }

    /// `routing.default_shard` must be one of the shards' names (compared exactly: shard names are case-sensitive).
    /// Not checked when a `[[shards]]` entry was left out by the mapper (already reported), since the name
    /// may be that entry's.
    private func checkDefaultShard(_ name: String, into problems: inout [ConfigurationProblem]) {
        if name.isEmpty {
            problems.append(.init(keyPath: "routing.default_shard", message: "must not be empty; remove the key to use the first shard"))
            return
        }
        let shardNames = configuration.shards.map(\.name)
        guard !shardNames.isEmpty, shardNames.count == origins.shardEntriesInFile, !shardNames.contains(name) else { return }
        var message = "no shard named `\(name)` (shards: \(shardNames.joined(separator: ", ")))"
        if let suggestion = KeySuggestion.closest(to: name, among: shardNames) {
            message += "; did you mean `\(suggestion)`?"
        }
        problems.append(.init(keyPath: "routing.default_shard", message: message))
    }

    /// `[[tables]]`: names non-empty and unique (names are stored folded to lower case, so `Accounts` and
    /// `accounts` are the same table); a sharded table has a non-empty `key`; a global table has none.
    func checkTables(into problems: inout [ConfigurationProblem]) {
        var firstIndexOfName: [String: Int] = [:]
        for (position, table) in configuration.tables.enumerated() {
            let index = position < origins.tables.count ? origins.tables[position] : position
            let path = "tables[\(index)]"
            if table.name.isEmpty {
                problems.append(.init(keyPath: "\(path).name", message: "must not be empty"))
            } else if let first = firstIndexOfName[table.name] {
                problems.append(.init(keyPath: "\(path).name", message: "duplicate table `\(table.name)` (also tables[\(first)])"))
            } else {
                firstIndexOfName[table.name] = index
            }
            switch (table.isGlobal, table.keyColumn) {
            case (false, nil):
                problems.append(.init(keyPath: "\(path).key", message: "required for a sharded table (or set global = true)"))
            case (false, .some(let key)):
                if key.isEmpty {
                    problems.append(.init(keyPath: "\(path).key", message: "must not be empty: the table's sharding key column"))
                }
            case (true, .some):
                problems.append(.init(keyPath: "\(path).key", message: "must be absent for a global table (global = true)"))
            case (true, nil):
                break
            }
        }
    }

    /// A duration that must be finite and strictly positive.
    func checkPositiveSeconds(_ value: Double, _ keyPath: String, into problems: inout [ConfigurationProblem]) {
        if !value.isFinite || value <= 0 {
            problems.append(.init(keyPath: keyPath, message: "must be a finite number of seconds > 0, got \(value)"))
        }
    }
}
