import Foundation
import HashRing
import Rebalancing
import XCTest

final class RebalancePlanTests: XCTestCase {
    let shards = [
        ShardSpec(name: "shard0", weight: 1, primary: "127.0.0.1:15432", replicas: ["127.0.0.1:15433"]),
        ShardSpec(name: "shard1", weight: 1, primary: "127.0.0.1:15442"),
    ]

    func testAddMovesRangesOnlyToTheNewShardAndMatchesTheRingDiff() throws {
        let plan = try RebalancePlan(shards: shards, vnodes: 64, version: 3,
                                     operation: .add(ShardSpec(name: "shard2", weight: 1, primary: "127.0.0.1:15452")))
        XCTAssertEqual(plan.newRing.version, 4)
        XCTAssertEqual(plan.oldRing.version, 3)
        XCTAssertEqual(Set(plan.pairs.map(\.to)), ["shard2"])
        XCTAssertEqual(plan.sources, ["shard0", "shard1"])
        XCTAssertEqual(plan.targets, ["shard2"])
        // About a third of the keyspace moves to a third equal shard.
        XCTAssertEqual(plan.movedFraction, 1.0 / 3.0, accuracy: 0.08)
        // Every key: it moves exactly when its owner changes, and to the pair that says so.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let hash = Int64.random(in: .min ... .max, using: &generator)
            let old = plan.oldRing.shard(forHash: hash).name, new = plan.newRing.shard(forHash: hash).name
            let pair = plan.pairs.first { $0.ranges.contains { $0.contains(hash) } }
            if old == new {
                XCTAssertNil(pair)
            } else {
                XCTAssertEqual(pair?.from, old)
                XCTAssertEqual(pair?.to, new)
            }
        }
        // The moving ranges are disjoint and sorted.
        let ranges = plan.movingRanges
        for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertLessThan(a.hi, b.lo) }
    }

    func testRemoveAndReweight() throws {
        let three = shards + [ShardSpec(name: "shard2", weight: 1, primary: "127.0.0.1:15452")]
        let removal = try RebalancePlan(shards: three, vnodes: 64, version: 1, operation: .remove(name: "shard2"))
        XCTAssertEqual(Set(removal.pairs.map(\.from)), ["shard2"])
        XCTAssertEqual(removal.newShards.map(\.name), ["shard0", "shard1"])
        let heavier = try RebalancePlan(shards: shards, vnodes: 64, version: 1, operation: .reweight(name: "shard1", weight: 2))
        XCTAssertEqual(Set(heavier.pairs.map(\.to)), ["shard1"])
        let lighter = try RebalancePlan(shards: heavier.newShards, vnodes: 64, version: 2, operation: .reweight(name: "shard1", weight: 1))
        XCTAssertEqual(Set(lighter.pairs.map(\.from)), ["shard1"])
    }

    func testInvalidOperationsAreRefusedWithAReason() {
        XCTAssertThrowsError(try RebalancePlan(shards: shards, vnodes: 64, version: 1, operation: .remove(name: "nope"))) { error in
            XCTAssertEqual("\(error)", "unknown shard \"nope\" (shards: shard0, shard1)")
        }
        XCTAssertThrowsError(try RebalancePlan(shards: shards, vnodes: 64, version: 1,
                                               operation: .add(ShardSpec(name: "shard1", weight: 1, primary: "127.0.0.1:1"))))
        XCTAssertThrowsError(try RebalancePlan(shards: shards, vnodes: 64, version: 1,
                                               operation: .add(ShardSpec(name: "x", weight: 1, primary: "127.0.0.1:15433")))) { error in
            XCTAssertEqual("\(error)", "127.0.0.1:15433 is already a server of shard shard0")
        }
        XCTAssertThrowsError(try RebalancePlan(shards: [shards[0]], vnodes: 64, version: 1, operation: .remove(name: "shard0")))
        XCTAssertThrowsError(try RebalancePlan(shards: shards, vnodes: 64, version: 1, operation: .reweight(name: "shard0", weight: 1)))
        XCTAssertThrowsError(try RebalancePlan(shards: shards, vnodes: 64, version: 1, operation: .reweight(name: "shard0", weight: 0)))
    }
}

final class RebalanceSQLTests: XCTestCase {
    func testPredicatesAndPublication() {
        let table = TableSpec(name: "accounts", keyColumn: "user_id", keyType: "int", isGlobal: false)
        let ranges = [HashRange(lo: -5, hi: 10), HashRange(lo: 100, hi: 200)]
        XCTAssertEqual(RebalanceSQL.predicate(table, ranges: ranges),
                       "(hashint8extended(\"user_id\", 0) <@ '{[-5,10],[100,200]}'::int8multirange)")
        XCTAssertEqual(RebalanceSQL.predicate(table, ranges: [HashRange(lo: .min, hi: -1), HashRange(lo: 7, hi: .max)]),
                       "(hashint8extended(\"user_id\", 0) <@ '{[-9223372036854775808,-1],[7,]}'::int8multirange)")
        XCTAssertEqual(RebalanceSQL.predicate(table, ranges: []), "false")
        let global = TableSpec(name: "countries", keyColumn: nil, keyType: "int", isGlobal: true)
        XCTAssertNil(RebalanceSQL.predicate(global, ranges: ranges))
        let text = TableSpec(name: "we\"ird", keyColumn: "email", keyType: "text", isGlobal: false)
        XCTAssertEqual(RebalanceSQL.predicate(text, ranges: [HashRange(lo: 1, hi: 2)]), "(hashtextextended(\"email\", 0) <@ '{[1,2]}'::int8multirange)")
        XCTAssertEqual(
            RebalanceSQL.createPublication(job: "ab12", pair: 3, tables: [table, global, text], ranges: [HashRange(lo: 1, hi: 2)], globals: true),
            "CREATE PUBLICATION \"pgring_rb_ab12_3\" FOR TABLE \"accounts\" WHERE (hashint8extended(\"user_id\", 0) <@ '{[1,2]}'::int8multirange), "
                + "\"countries\", \"we\"\"ird\" WHERE (hashtextextended(\"email\", 0) <@ '{[1,2]}'::int8multirange), "
                + "pgring.rebalance_fence WHERE (job = 'ab12' AND pair = 3)")
        XCTAssertFalse(RebalanceSQL.createPublication(job: "ab12", pair: 0, tables: [global], ranges: ranges, globals: false).contains("countries"))
    }

    func testDeletesAndCopySchemaStatements() {
        let table = TableSpec(name: "accounts", keyColumn: "user_id", keyType: "int", isGlobal: false)
        let ranges = [HashRange(lo: 1, hi: 2)]
        XCTAssertEqual(RebalanceSQL.deleteBlocks(table, ranges: ranges, first: 10, end: 20),
                       "WITH deleted AS (DELETE FROM \"accounts\" WHERE ctid >= '(10,0)'::tid AND ctid < '(20,0)'::tid AND "
                       + "(hashint8extended(\"user_id\", 0) <@ '{[1,2]}'::int8multirange) RETURNING 1) SELECT count(*) FROM deleted")
        XCTAssertEqual(RebalanceSQL.deleteBatch(table, ranges: ranges, limit: 500),
                       "WITH deleted AS (DELETE FROM \"accounts\" WHERE ctid = ANY (ARRAY(SELECT ctid FROM \"accounts\" WHERE "
                       + "(hashint8extended(\"user_id\", 0) <@ '{[1,2]}'::int8multirange) LIMIT 500)) RETURNING 1) SELECT count(*) FROM deleted")
        let global = TableSpec(name: "countries", keyColumn: nil, keyType: "int", isGlobal: true)
        XCTAssertNil(RebalanceSQL.deleteBlocks(global, ranges: ranges, first: 0, end: 1), "global tables are never deleted by range")
        XCTAssertEqual(RebalanceSQL.createTable(table, columns: [("user_id", "bigint", true), ("note", "text", false)], primaryKey: "PRIMARY KEY (user_id)"),
                       "CREATE TABLE IF NOT EXISTS \"accounts\" (\"user_id\" bigint NOT NULL, \"note\" text, PRIMARY KEY (user_id))")
        XCTAssertEqual(RebalanceSQL.grant(table, privilege: "SELECT", to: "PUBLIC"),
                       "DO $pgring$ BEGIN IF true THEN EXECUTE 'GRANT SELECT ON \"accounts\" TO PUBLIC'; END IF; END $pgring$")
        XCTAssertEqual(RebalanceSQL.grant(table, privilege: "INSERT", to: "o'app"),
                       "DO $pgring$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'o''app') THEN "
                       + "EXECUTE 'GRANT INSERT ON \"accounts\" TO \"o''app\"'; END IF; END $pgring$")
        XCTAssertNil(RebalanceSQL.grant(table, privilege: "SELECT; DROP TABLE x", to: "app"), "only known privileges")
        XCTAssertEqual(RebalanceSQL.writeFence(job: "j'1", pair: 2, seq: 3),
                       "INSERT INTO pgring.rebalance_fence (job, pair, seq) VALUES ('j''1', 2, 3) ON CONFLICT (job, pair) DO UPDATE SET seq = EXCLUDED.seq")
    }

    func testConnectionStringQuotesValues() {
        XCTAssertEqual(RebalanceSQL.connectionString(host: "127.0.0.1", port: 5432, database: "app", user: "re'b", password: "p\\w d"),
                       "host='127.0.0.1' port=5432 dbname='app' user='re\\'b' password='p\\\\w d'")
        XCTAssertEqual(RebalanceSQL.createSubscription(job: "j", pair: 0, connection: "host='h' password='it''s'").contains("CONNECTION 'host=''h'' password=''it''''s'''"), true)
    }
}

final class RebalanceJobTests: XCTestCase {
    func job() throws -> RebalanceJob {
        let shards = [ShardSpec(name: "a", weight: 1, primary: "127.0.0.1:1"), ShardSpec(name: "b", weight: 1, primary: "127.0.0.1:2")]
        let operation = RebalanceOperation.add(ShardSpec(name: "c", weight: 2, primary: "127.0.0.1:3", replicas: ["127.0.0.1:4"]))
        let plan = try RebalancePlan(shards: shards, vnodes: 32, version: 1, operation: operation)
        return RebalanceJob(id: "0123abcd", operation: operation, plan: plan, vnodes: 32,
                            tables: [TableSpec(name: "t", keyColumn: "k", keyType: "int", isGlobal: false)], database: "app",
                            copySchema: false, now: Date(timeIntervalSince1970: 1_000))
    }

    func testPhasesFailureResumeAndAbortability() throws {
        var job = try job()
        XCTAssertEqual(job.phase, .planned)
        XCTAssertTrue(job.canAbort)
        job.enter(.copying, now: Date())
        job.fail("target unreachable", now: Date())
        XCTAssertEqual(job.phase, .failed)
        XCTAssertEqual(job.resumePhase, .copying)
        XCTAssertTrue(job.canAbort)
        XCTAssertEqual(job.liveShards.map(\.name), ["a", "b"])
        job.enter(.cleaningUp, now: Date())
        XCTAssertNil(job.error)
        XCTAssertFalse(job.canAbort)
        XCTAssertEqual(job.liveShards.map(\.name), ["a", "b", "c"])
        XCTAssertEqual(job.liveVersion, 2)
        job.fail("delete failed", now: Date())
        XCTAssertFalse(job.canAbort, "past the cutover a failed job can only go forward")
        XCTAssertEqual(job.liveVersion, 2)
        for i in 0..<(RebalanceJob.maxEvents + 10) { job.record("event \(i)", now: Date()) }
        XCTAssertEqual(job.events.count, RebalanceJob.maxEvents)
    }

    func testFileStoreRoundTripsAndReplacesAtomically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-rebalance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = FileRebalanceJobStore(path: directory.appendingPathComponent("state.json").path)
        XCTAssertNil(try store.load())
        var job = try job()
        try store.save(job)
        XCTAssertEqual(try store.load(), job)
        job.enter(.copying, now: Date(timeIntervalSince1970: 2_000))
        job.replicaFloors = ["c": "0/3000060"]
        try store.save(job)
        XCTAssertEqual(try store.load(), job)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["state.json"])
        XCTAssertEqual(try job.plan().pairs, try self.job().plan().pairs)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: store.path))
        XCTAssertThrowsError(try store.load()) { XCTAssertTrue("\($0)".contains("cannot read the rebalance state file")) }
    }
}
