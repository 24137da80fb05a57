import Config
import Foundation
import HashRing

/// Why a RELOAD did not apply (the old configuration keeps running).
public struct ReloadError: Error, CustomStringConvertible {
    public var description: String
}

extension PGRingRuntime {
    /// RELOAD / SIGHUP: reads the configuration file again and applies what can change while clients stay
    /// connected — pool sizes and timeouts, users and their limits, replicas added or removed, routing and
    /// replica settings, console users, client limits. An invalid file, or one that changes what a reload
    /// cannot (the ring, primaries, tables, listeners, TLS files), is refused with every reason; the running
    /// configuration stays. Returns what changed (one line per section).
    public func reload() -> Result<[String], ReloadError> {
        guard let path = configurationPath else {
            return .failure(ReloadError(description: "pgring was not started from a configuration file"))
        }
        let new: PGRingConfiguration
        do {
            new = try ConfigurationLoader.load(path: path)
        } catch {
            return .failure(ReloadError(description: "the new configuration is invalid, the running one stays:\n\(error)"))
        }
        let old = snapshot.configuration
        let refusals = Self.unreloadableChanges(from: old, to: new)
        guard refusals.isEmpty else {
            return .failure(ReloadError(description: "not reloaded (the running configuration stays):\n" + refusals.map { "- \($0)" }.joined(separator: "\n")))
        }
        var changes: [String] = []
        if old.pool != new.pool || old.server.connectTimeout != new.server.connectTimeout || old.server.loginRetryDelay != new.server.loginRetryDelay {
            let poolConfiguration = Self.poolConfiguration(new)
            for pool in allPools { pool.reconfigure(poolConfiguration) }
            changes.append("pool settings (\(allPools.count) running pools reconfigured)")
        }
        if old.users != new.users || old.pgring != new.pgring { changes.append("users and client limits") }
        if old.shards != new.shards {
            // Only replica lists can differ here: pools of removed replicas close, health checks follow.
            let servers = Set(new.shards.flatMap { [$0.primary] + $0.replicas })
            for pool in removePools(where: { !servers.contains($0.address) }) { pool.shutdown() }
            changes.append("replicas")
        }
        if old.shards != new.shards || old.routing != new.routing {
            health.reconfigure(new)
        }
        if old.routing != new.routing || old.shards != new.shards, let ring {
            setRoutingTable(Self.routingTable(new, ring: ring))
            if old.routing != new.routing { changes.append("routing") }
        }
        replaceSnapshot(RuntimeSnapshot(configuration: new, users: UserDirectory(new.users)))
        logger.info("configuration reloaded", metadata: ["changes": "\(changes.isEmpty ? "none" : changes.joined(separator: "; "))"])
        return .success(changes)
    }

    /// What differs between `old` and `new` that a reload cannot apply, one line each.
    static func unreloadableChanges(from old: PGRingConfiguration, to new: PGRingConfiguration) -> [String] {
        var refusals: [String] = []
        let oldRing = old.shards.map { "\($0.name):\($0.weight)" }, newRing = new.shards.map { "\($0.name):\($0.weight)" }
        if oldRing.sorted() != newRing.sorted() || old.ring != new.ring {
            refusals.append("shards, weights or [ring] changed: moving data is not a reload; use `pgringctl rebalance add|remove|reweight`, which moves the data and writes the new ring to the file itself (docs/rebalancing.md)")
        }
        for shard in new.shards {
            if let before = old.shards.first(where: { $0.name == shard.name }), before.primary != shard.primary {
                refusals.append("shards: the primary of \(shard.name) changed (\(before.primary) -> \(shard.primary)); restart pgring to change primaries")
            }
        }
        if old.tables != new.tables { refusals.append("tables: which tables are sharded or global decides placement; restart to change it") }
        if old.routing.defaultShard != new.routing.defaultShard { refusals.append("routing.default_shard decides placement; restart to change it") }
        if old.pgring.listenHost != new.pgring.listenHost || old.pgring.listenPort != new.pgring.listenPort
            || old.pgring.unixSocketDirectory != new.pgring.unixSocketDirectory {
            refusals.append("pgring.listen_host / listen_port / unix_socket_dir: listeners change on restart")
        }
        if old.tls != new.tls || old.server.tlsMode != new.server.tlsMode || old.server.caFile != new.server.caFile {
            refusals.append("tls / server.tls / server.ca_file: TLS settings change on restart")
        }
        if old.stats != new.stats { refusals.append("stats: the stats port changes on restart") }
        if old.databases != new.databases { refusals.append("databases: change on restart") }
        if old.server.user != new.server.user || old.server.password != new.server.password {
            refusals.append("server.user / server.password: change on restart (pools keep their logins)")
        }
        if old.pgring.maxMessageSize != new.pgring.maxMessageSize || old.pgring.authMethod != new.pgring.authMethod
            || old.pgring.logLevel != new.pgring.logLevel || old.pgring.shutdownTimeout != new.pgring.shutdownTimeout {
            refusals.append("pgring.max_message_size / auth_method / log_level / shutdown_timeout: change on restart")
        }
        return refusals
    }
}
