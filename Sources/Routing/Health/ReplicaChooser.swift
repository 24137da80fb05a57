/// Picks the replica for one read, among the replicas in rotation: a pure value with a rotation counter,
/// one per shard (owned by whoever routes reads to that shard).
///
/// Read-your-writes: when the session has written (`minimumLSN`, its last commit's WAL position), only
/// replicas that have replayed at least that far qualify; one whose replay position is unknown never does.
/// Nil means no replica qualifies: the caller sends the read to the primary.
public struct ReplicaChooser: Sendable {
    /// How to spread reads over qualifying replicas (`replica_balance` in the configuration).
    public enum Balance: String, Sendable, Hashable, CaseIterable {
        /// Each qualifying replica in turn: over N reads with a stable set of k replicas, each gets N/k.
        case roundRobin = "round_robin"
        /// The qualifying replica with the fewest reads in flight; ties are taken in turn.
        case leastOutstanding = "least_outstanding"
    }

    /// Advanced by one at each choice; the index among candidates is `counter % candidates.count`.
    private var counter: UInt = 0

    /// A chooser that starts with the first replica.
    public init() {}

    /// The replica for one read, or nil when none qualifies.
    ///
    /// - Parameters:
    ///   - replicas: the replicas in rotation (`ShardHealthStateMachine.usableReplicas`), in a stable order.
    ///   - minimumLSN: the session's last write position; nil when any replica may serve it.
    ///   - replayLSN: a replica's last known replay position (`ShardHealthStateMachine.replayLSN(of:)`).
    ///   - outstanding: the reads currently in flight on a replica (used by `.leastOutstanding`).
    ///   - balance: the spreading rule.
    public mutating func choose(
        replicas: [String],
        minimumLSN: LSN?,
        replayLSN: (String) -> LSN?,
        outstanding: (String) -> Int,
        balance: Balance
    ) -> String? {
        var candidates = replicas
        if let minimumLSN {
            candidates = candidates.filter { replica in
                guard let replayed = replayLSN(replica) else { return false }
                return replayed >= minimumLSN
            }
        }
        switch balance {
        case .roundRobin:
            break
        case .leastOutstanding:
            let loads = candidates.map(outstanding)
            if let least = loads.min() {
                candidates = zip(candidates, loads).filter { $0.1 == least }.map(\.0)
            }
        }
        guard !candidates.isEmpty else { return nil }
        let chosen = candidates[Int(counter % UInt(candidates.count))]
        counter &+= 1
        return chosen
    }
}
