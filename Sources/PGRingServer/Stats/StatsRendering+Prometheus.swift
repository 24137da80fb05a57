import Foundation

/// Pure renderers of the stats port: Prometheus text, JSON, HTML. No I/O; unit-tested.
public enum StatsRendering {}

extension StatsRendering {
    /// The `/metrics` body: the registry's counters and histograms followed by the gauges taken from
    /// `snapshot` at scrape time (Prometheus text exposition format 0.0.4).
    public static func prometheusText(metrics: PGRingMetrics, snapshot: StatsSnapshot) -> String {
        metrics.registry.emitToString() + snapshotGaugesText(snapshot)
    }

    /// The gauges read from a snapshot. Values not measured (nil) produce no sample at all.
    static func snapshotGaugesText(_ snapshot: StatsSnapshot) -> String {
        var out = PrometheusTextWriter()

        out.family("pgring_info", "gauge", "Always 1; the version label says which pgring runs.")
        out.sample("pgring_info", [("version", snapshot.version)], 1)
        out.family("pgring_start_time_seconds", "gauge", "Start time of the process, Unix seconds.")
        out.sample("pgring_start_time_seconds", [], snapshot.startedAt.timeIntervalSince1970)

        out.family("pgring_clients", "gauge", "Client connections by state (active, idle, waiting).")
        out.sample("pgring_clients", [("state", "active")], Double(snapshot.clients.active))
        out.sample("pgring_clients", [("state", "idle")], Double(snapshot.clients.idle))
        out.sample("pgring_clients", [("state", "waiting")], Double(snapshot.clients.waiting))

        out.family("pgring_pool_connections", "gauge", "Server connections by pool and state (idle, active, connecting).")
        for pool in snapshot.pools {
            let labels = poolLabels(pool)
            out.sample("pgring_pool_connections", labels + [("state", "idle")], Double(pool.idle))
            out.sample("pgring_pool_connections", labels + [("state", "active")], Double(pool.active))
            out.sample("pgring_pool_connections", labels + [("state", "connecting")], Double(pool.connecting))
        }
        out.family("pgring_pool_size_limit", "gauge", "The most server connections a pool may open.")
        for pool in snapshot.pools {
            out.sample("pgring_pool_size_limit", poolLabels(pool), Double(pool.sizeLimit))
        }
        out.family("pgring_pool_waiting_clients", "gauge", "Clients waiting for a server connection, by pool.")
        for pool in snapshot.pools {
            out.sample("pgring_pool_waiting_clients", poolLabels(pool), Double(pool.waitingClients))
        }
        out.family("pgring_pool_oldest_wait_seconds", "gauge", "How long the longest-waiting client of a pool has waited.")
        for pool in snapshot.pools {
            if let seconds = pool.oldestWaitSeconds {
                out.sample("pgring_pool_oldest_wait_seconds", poolLabels(pool), seconds)
            }
        }

        out.family("pgring_shard_weight", "gauge", "Ring weight of a shard.")
        for shard in snapshot.shards {
            out.sample("pgring_shard_weight", [("shard", shard.name)], Double(shard.weight))
        }
        out.family("pgring_shard_keyspace_share", "gauge", "Share of the hash keyspace a shard owns, 0 to 1.")
        for shard in snapshot.shards {
            out.sample("pgring_shard_keyspace_share", [("shard", shard.name)], shard.keyspaceShare)
        }
        out.family("pgring_server_up", "gauge", "1 when the last check reached the server, 0 when not; absent until checked.")
        for shard in snapshot.shards {
            for (role, server) in servers(of: shard) {
                if let reachable = server.reachable {
                    out.sample("pgring_server_up", serverLabels(shard, role, server), reachable ? 1 : 0)
                }
            }
        }
        out.family("pgring_replica_lag_bytes", "gauge", "Replication lag of a replica in WAL bytes; absent until measured.")
        for shard in snapshot.shards {
            for replica in shard.replicas {
                if let lag = replica.lagBytes {
                    out.sample("pgring_replica_lag_bytes", serverLabels(shard, .replica, replica), Double(lag))
                }
            }
        }
        out.family("pgring_replica_lag_seconds", "gauge", "Replication lag of a replica in seconds; absent until measured.")
        for shard in snapshot.shards {
            for replica in shard.replicas {
                if let lag = replica.lagSeconds {
                    out.sample("pgring_replica_lag_seconds", serverLabels(shard, .replica, replica), lag)
                }
            }
        }

        out.family("pgring_replica_in_rotation", "gauge", "1 while reads may go to the replica, 0 while it is out of rotation (down, not in recovery, or lagging beyond the limits).")
        for shard in snapshot.shards {
            for replica in shard.replicas {
                if let inRotation = replica.inRotation {
                    out.sample("pgring_replica_in_rotation", serverLabels(shard, .replica, replica), inRotation ? 1 : 0)
                }
            }
        }

        out.family("pgring_ring_version", "gauge", "Version of the ring in use.")
        out.sample("pgring_ring_version", [], Double(snapshot.ring.version))
        out.family("pgring_ring_info", "gauge", "Always 1; the fingerprint label identifies the ring in use.")
        out.sample("pgring_ring_info", [("fingerprint", snapshot.ring.fingerprint)], 1)

        out.family("pgring_rebalance_running", "gauge", "1 while a rebalance job runs in this process (docs/rebalancing.md).")
        out.sample("pgring_rebalance_running", [], snapshot.ring.rebalance?.running == true ? 1 : 0)
        if let rebalance = snapshot.ring.rebalance {
            out.family("pgring_rebalance_info", "gauge", "Always 1; the labels name the current or last rebalance job and its phase.")
            out.sample("pgring_rebalance_info", [("job", rebalance.job), ("phase", rebalance.phase)], 1)
            out.family("pgring_rebalance_held_clients", "gauge", "Sessions whose writes of moving keys a cutover holds right now.")
            out.sample("pgring_rebalance_held_clients", [], Double(rebalance.heldClients))
            out.family("pgring_rebalance_cutover_attempts", "gauge", "Cutovers the job has tried.")
            out.sample("pgring_rebalance_cutover_attempts", [], Double(rebalance.cutoverAttempts))
            if let pause = rebalance.cutoverPauseSeconds {
                out.family("pgring_rebalance_cutover_pause_seconds", "gauge", "How long the job's cutover held writes of moving keys.")
                out.sample("pgring_rebalance_cutover_pause_seconds", [], pause)
            }
        }
        return out.text
    }

    private static func poolLabels(_ pool: PoolStats) -> [(String, String)] {
        [("pool", pool.pool), ("shard", pool.shard), ("role", pool.role.rawValue), ("server", pool.server)]
    }

    private static func serverLabels(_ shard: ShardStats, _ role: ServerRole, _ server: ServerStats) -> [(String, String)] {
        [("shard", shard.name), ("role", role.rawValue), ("server", server.address)]
    }

    private static func servers(of shard: ShardStats) -> [(ServerRole, ServerStats)] {
        [(.primary, shard.primary)] + shard.replicas.map { (.replica, $0) }
    }
}

/// Builds Prometheus text exposition lines with correct escaping.
struct PrometheusTextWriter {
    /// What was written so far.
    private(set) var text = ""

    /// `# HELP` and `# TYPE` lines of one metric family.
    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    /// One sample line.
    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    /// A label value with `\`, `"` and line feed escaped.
    static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Help text with `\` and line feed escaped.
    static func escapeHelp(_ help: String) -> String {
        help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A sample value: integers without a fraction, `+Inf`/`-Inf`/`NaN` as Prometheus spells them.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
