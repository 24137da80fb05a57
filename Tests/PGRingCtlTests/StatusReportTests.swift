import AdminClient
import HashRing
import Testing

@Suite("status summary")
struct StatusReportTests {
    let version = QueryResult(columns: ["version"], rows: [["pgring 0.9.0"]], tag: "SHOW")
    let shards = QueryResult(
        columns: ["shard", "weight", "keyspace_share", "role", "server", "reachable", "in_rotation", "lag_bytes", "lag_seconds", "paused"],
        rows: [
            ["shard0", "1", "0.498", "primary", "127.0.0.1:26432", "t", nil, nil, nil, "f"],
            ["shard0", "1", "0.498", "replica", "127.0.0.1:26433", "t", "t", "0", "0.000", "f"],
            ["shard1", "1", "0.502", "primary", "127.0.0.1:26442", "f", nil, nil, nil, "t"],
            ["shard1", "1", "0.502", "replica", "127.0.0.1:26443", nil, "f", "1048576", "12.500", "t"],
        ],
        tag: "SHOW"
    )
    let lists = QueryResult(
        columns: ["list", "items"],
        rows: [["databases", "1"], ["users", "3"], ["shards", "2"], ["pools", "4"], ["clients", "7"], ["servers", "5"], ["paused_clients", "0"]],
        tag: "SHOW"
    )

    @Test func groupsServersByShard() {
        let report = StatusReport(version: version, shards: shards, lists: lists)
        #expect(report.version == "pgring 0.9.0")
        #expect(report.shards.map(\.name) == ["shard0", "shard1"])
        #expect(report.shards[1].paused == true)
        #expect(report.shards[1].servers[1] == StatusReport.Server(
            role: "replica", address: "127.0.0.1:26443", reachable: nil, inRotation: false, lagBytes: "1048576", lagSeconds: "12.500"))
        #expect(report.serverCounts == (up: 2, down: 1, unknown: 1))
    }

    @Test func text() {
        let expected = """
            version         pgring 0.9.0
            shards          2 (paused: shard1)
            servers         2 up, 1 down, 1 unknown
            databases       1
            users           3
            pools           4
            clients         7
            paused clients  0

            SHARD   WEIGHT  SHARE  ROLE     SERVER           STATE    IN ROTATION  LAG BYTES  LAG SECONDS  PAUSED
            shard0       1  49.8%  primary  127.0.0.1:26432  up       -                    -            -  no
                                   replica  127.0.0.1:26433  up       yes                  0        0.000
            shard1       1  50.2%  primary  127.0.0.1:26442  down     -                    -            -  yes
                                   replica  127.0.0.1:26443  unknown  no             1048576       12.500
            """
        #expect(StatusReport(version: version, shards: shards, lists: lists).text() == expected)
    }

    @Test func json() {
        let json = StatusReport(version: version, shards: shards, lists: lists).json().render(pretty: false)
        #expect(json.hasPrefix(#"{"version":"pgring 0.9.0","shards":[{"name":"shard0","weight":1,"keyspace_share":0.498,"paused":false,"servers":[{"role":"primary","server":"127.0.0.1:26432","reachable":true,"in_rotation":null,"lag_bytes":null,"lag_seconds":null},"#))
        #expect(json.hasSuffix(#""lists":{"databases":1,"users":3,"shards":2,"pools":4,"clients":7,"servers":5,"paused_clients":0}}"#))
    }

    @Test func noShards() {
        let empty = QueryResult(columns: shards.columns, rows: [], tag: "SHOW")
        let text = StatusReport(version: version, shards: empty, lists: QueryResult(columns: ["list", "items"], rows: [], tag: "SHOW")).text()
        #expect(text == "version  pgring 0.9.0\nshards   0\nservers  0 up, 0 down")
    }
}

@Suite("ring from SHOW RING")
struct AdminRingTests {
    func showRing(_ ring: ConsistentHashRing, fingerprint: String? = nil) -> QueryResult {
        QueryResult(
            columns: ["shard", "weight", "vnodes", "keyspace_share", "version", "fingerprint"],
            rows: ring.shares().map { share in
                [share.shard.name, "\(share.shard.weight)", "\(ring.virtualNodes)", "0.5", "\(ring.version)",
                 fingerprint ?? ring.fingerprint.description]
            },
            tag: "SHOW"
        )
    }

    @Test func rebuildsTheSameRing() throws {
        let ring = try ConsistentHashRing(weights: [("shard0", 1), ("shard1", 2), ("eu", 3)], virtualNodes: 64, version: 7)
        let rebuilt = try AdminRing.ring(from: showRing(ring))
        #expect(rebuilt == ring)
        #expect(rebuilt.version == 7)
        #expect(rebuilt.fingerprint == ring.fingerprint)
        #expect(rebuilt.shard(forHash: 42).name == ring.shard(forHash: 42).name)
    }

    @Test func fingerprintMismatchIsAnError() throws {
        let ring = try ConsistentHashRing(weights: [("a", 1), ("b", 1)], virtualNodes: 16)
        #expect(throws: AdminRingError.self) { try AdminRing.ring(from: showRing(ring, fingerprint: "0123456789abcdef")) }
    }

    @Test func emptyAnswerExplainsItself() {
        #expect {
            try AdminRing.ring(from: QueryResult(columns: [], rows: [], tag: "SHOW"))
        } throws: { error in
            "\(error)".contains("--config")
        }
    }

    @Test func missingColumnIsAnError() {
        let result = QueryResult(columns: ["shard", "weight"], rows: [["a", "1"]], tag: "SHOW")
        #expect(throws: AdminRingError("SHOW RING has no column vnodes (columns: shard, weight)")) { try AdminRing.ring(from: result) }
    }
}
