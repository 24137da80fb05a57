import HashRing
import Multiplexing
import NIOCore
import PGWire
import Routing
import Testing

/// ``ShardRoutingStateMachine`` during a rebalance cutover (``WriteFreeze``): new work on a source shard's
/// primary that names a moving key waits (`.frozen`); reads, other keys and transactions that were running
/// before the freeze go on.
@Suite struct ShardRoutingFreezeTests {
    /// The moving key (on shard a) and a key of a that does not move.
    static let moving = Shards.key(on: "a", index: 0)
    static let staying = Shards.key(on: "a", index: 1)

    static func frozenTable(sources: Set<String> = ["a"]) -> RoutingTable {
        var table = Shards.table()
        let hash = ShardingKey.integer(moving).hash
        table.freeze = WriteFreeze(id: 1, ranges: [HashRange(lo: hash, hi: hash)], sources: sources)
        return table
    }

    static func insert(_ key: Int64) -> String { "INSERT INTO accounts (user_id, balance) VALUES (\(key), 1)" }

    @Test func aWriteOfAMovingKeyWaitsAndKeepsItsFrames() {
        var session = RoutingSession(table: Self.frozenTable())
        #expect(session.run([.query(Self.insert(Self.moving))]) == .frozen)
        #expect(session.pendingLines == ["Q \(Self.insert(Self.moving))"])
        // Once the freeze is gone (the cutover ended) the same unit is routed.
        session.table = Shards.table()
        #expect(session.step() == .lease(Target(shard: "a", role: .primary)))
    }

    @Test func readsAndOtherKeysFlow() {
        var session = RoutingSession(table: Self.frozenTable())
        #expect(session.run([.query("SELECT * FROM accounts WHERE user_id = \(Self.moving)")]) == .lease(Target(shard: "a", role: .replica)))
        var other = RoutingSession(table: Self.frozenTable())
        #expect(other.run([.query(Self.insert(Self.staying))]) == .lease(Target(shard: "a", role: .primary)))
        var elsewhere = RoutingSession(table: Self.frozenTable(sources: ["b"]))
        #expect(elsewhere.run([.query(Self.insert(Self.moving))]) == .lease(Target(shard: "a", role: .primary)))
    }

    @Test func aBoundParameterIsSeenToo() {
        var session = RoutingSession(table: Self.frozenTable())
        let step = session.run([
            .parse("", "INSERT INTO accounts (user_id, balance) VALUES ($1, 1)"), .bind("", ["\(Self.moving)"]), .execute, .sync,
        ])
        #expect(step == .frozen)
        var staying = RoutingSession(table: Self.frozenTable())
        let flows = staying.run([
            .parse("", "INSERT INTO accounts (user_id, balance) VALUES ($1, 1)"), .bind("", ["\(Self.staying)"]), .execute, .sync,
        ])
        #expect(flows == .lease(Target(shard: "a", role: .primary)))
    }

    @Test func aTransactionThatStartsOnAMovingKeyWaitsEvenForAReadAsItMayWriteLater() {
        var session = RoutingSession(table: Self.frozenTable())
        #expect(session.run([.query("BEGIN")]).reply?.ids == "CZ")
        #expect(session.run([.query("SELECT * FROM accounts WHERE user_id = \(Self.moving)")]) == .frozen)
    }

    @Test func aTransactionRunningBeforeTheFreezeGoesOnButOneLeasedDuringItWaits() {
        let sql = Self.insert(Self.moving)
        var before = RoutingSession(table: Self.frozenTable())
        let running = Held.on("a", .primary, status: .inTransaction)
        #expect(before.run([.query(sql)], held: running) == .forward(ClientFrame.bytes([.query(sql)]), silentQueries: [], statusOverride: nil))
        var during = RoutingSession(table: Self.frozenTable())
        let leasedDuring = Held(target: Target(shard: "a", role: .primary), isBusy: false, isUnsynced: false, status: .inTransaction,
                                isPinned: false, leasedDuringFreeze: true)
        #expect(during.run([.query(sql)], held: leasedDuring) == .frozen)
    }

    @Test func aKeylessWriteSentToTheDefaultShardWaitsWhenItIsASource() {
        var table = Self.frozenTable()
        let keyless = Shards.table(noKeyPolicy: .defaultShard)
        table = RoutingTable(version: table.version, ring: table.ring, router: keyless.router, shardsWithReplicas: table.shardsWithReplicas)
        table.freeze = Self.frozenTable().freeze
        var session = RoutingSession(table: table)
        #expect(session.run([.query("UPDATE accounts SET balance = 0")]) == .frozen)
        var read = RoutingSession(table: table)
        #expect(read.run([.query("SELECT count(*) FROM accounts")]).leaseTarget?.shard == "a")
    }

    @Test func aShardPinnedSessionWaitsAsItsKeysAreUnknown() {
        var session = RoutingSession(table: Self.frozenTable())
        #expect(session.run([.query("SET pgring.shard = 'a'")]).reply?.ids == "CZ")
        #expect(session.run([.query("UPDATE accounts SET balance = 2")]) == .frozen)
        var hinted = RoutingSession(table: Self.frozenTable())
        #expect(hinted.run([.query("/* pgring:shard_key=\(Self.moving) */ UPDATE accounts SET balance = 2")]) == .frozen)
        var other = RoutingSession(table: Self.frozenTable())
        #expect(other.run([.query("/* pgring:shard_key=\(Self.staying) */ UPDATE accounts SET balance = 2")]) == .lease(Target(shard: "a", role: .primary)))
    }
}

/// ``WriteFreeze/contains(_:)``: a binary search over sorted disjoint ranges.
@Suite struct WriteFreezeTests {
    @Test func containsIsExactAtEveryBoundary() {
        let freeze = WriteFreeze(id: 1, ranges: [HashRange(lo: 100, hi: 200), HashRange(lo: -50, hi: -10), HashRange(lo: .max - 1, hi: .max)], sources: [])
        for inside: Int64 in [-50, -10, -30, 100, 150, 200, .max - 1, .max] { #expect(freeze.contains(inside), "\(inside)") }
        for outside: Int64 in [.min, -51, -9, 0, 99, 201, .max - 2] { #expect(!freeze.contains(outside), "\(outside)") }
        #expect(!WriteFreeze(id: 2, ranges: [], sources: []).contains(0))
    }

    @Test func agreesWithALinearScanOnARingDiff() throws {
        let old = try ConsistentHashRing(weights: [("a", 1), ("b", 1)], virtualNodes: 64)
        let new = try ConsistentHashRing(weights: [("a", 1), ("b", 1), ("c", 1)], virtualNodes: 64)
        let ranges = RingDiff(from: old, to: new).moves.map(\.range)
        let freeze = WriteFreeze(id: 1, ranges: ranges.reversed(), sources: ["a", "b"])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let hash = Int64.random(in: .min ... .max, using: &generator)
            #expect(freeze.contains(hash) == ranges.contains { $0.contains(hash) })
            #expect(freeze.contains(hash) == (old.shard(forHash: hash).name != new.shard(forHash: hash).name))
        }
    }
}
