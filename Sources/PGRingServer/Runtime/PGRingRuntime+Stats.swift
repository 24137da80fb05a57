import Config
import Foundation
import HashRing
import Pooling

extension PGRingRuntime {
    /// What the stats port shows right now: clients (from the pools' counts), pools, shards with their
    /// keyspace share and primary reachability, the ring. Cheap: pool snapshots and a few counters.
    public func statsSnapshot(reachability: PrimaryReachability?) -> StatsSnapshot {
        let configuration = snapshot.configuration
        var pools: [PoolStats] = []
        var active = 0
        var waiting = 0
        for pool in allPools.sorted(by: { $0.key.description < $1.key.description }) {
            let counts = pool.snapshot
            active += counts.leasedConnections
            waiting += counts.waitingRequests
            pools.append(PoolStats(
                pool: pool.key.statsLabel,
                shard: pool.shardName,
                role: pool.role,
                server: "\(pool.key.address)",
                mode: pool.key.mode.rawValue,
                sizeLimit: configuration.pool.size,
                idle: counts.idleConnections,
                active: counts.leasedConnections,
                connecting: counts.connectingConnections,
                waitingClients: counts.waitingRequests,
                oldestWaitSeconds: pool.oldestWaitSeconds
            ))
        }
        // Transaction-mode clients between transactions hold no server connection: they are idle.
        let idle = max(0, sessions.count - active - waiting)
        let ring = self.ring
        let shares = Dictionary(ring?.shares().map { ($0.shard.name, $0.fraction) } ?? [], uniquingKeysWith: { first, _ in first })
        let shards = configuration.shards.map { shard in
            // The primary: the reachability check, else (not run yet, or not running) the health checks.
            let primaryReachable = reachability?.reachable(shard.primary) ?? self.health.serverStats(shard.primary).reachable
            var stats = ShardStats(configuration: shard, keyspaceShare: shares[shard.name] ?? 0, primaryReachable: primaryReachable)
            // Replicas: reachability, lag and rotation from the replica health checks.
            stats.replicas = zip(shard.replicas, stats.replicas).map { address, replica in
                var replica = replica
                let health = self.health.serverStats(address)
                replica.reachable = health.reachable ?? replica.reachable
                replica.lagBytes = health.lagBytes.map { Int64(clamping: $0) }
                replica.lagSeconds = health.lagSeconds
                replica.inRotation = health.inRotation
                return replica
            }
            return stats
        }
        return StatsSnapshot(
            startedAt: startedAt,
            version: PGRingRuntime.version,
            clients: ClientCounts(active: active, idle: idle, waiting: waiting),
            pools: pools,
            shards: shards,
            ring: RingStats(version: ring?.version ?? configuration.ring.version, fingerprint: ring.map { "\($0.fingerprint)" } ?? "none",
                            rebalance: rebalancer.job.map { job in
                                RebalanceStats(job: job.id, phase: job.phase.rawValue, running: rebalancer.isRunning,
                                               heldClients: writeFreezeGate.waitingCount, cutoverAttempts: job.cutoverAttempts,
                                               cutoverPauseSeconds: job.cutoverMillis.map { $0 / 1000 })
                            })
        )
    }
}

extension PoolKey {
    /// The bounded `pool` label of metrics: database, server and mode (never the client's user).
    var statsLabel: String { "\(database)@\(address)" + (mode == .session ? "" : "/\(mode.rawValue)") }
}
