import AdminClient
import ArgumentParser
import Testing
@testable import pgringctl

@Suite("rebalance: console command text")
struct RebalanceRequestTests {
    @Test func addQuotesNameAndAddresses() throws {
        let command = try RebalanceAddCommand.parse(
            ["shard2", "--primary", "10.0.0.5:5432", "--replica", "10.0.0.6:5432", "--replica", "[::1]:5433", "--weight", "3", "--copy-schema"])
        #expect(command.request.command(.plan)
            == "REBALANCE PLAN ADD 'shard2' PRIMARY '10.0.0.5:5432' REPLICA '10.0.0.6:5432' REPLICA '[::1]:5433' WEIGHT 3 COPY_SCHEMA")
        #expect(command.request.command(.start)
            == "REBALANCE START ADD 'shard2' PRIMARY '10.0.0.5:5432' REPLICA '10.0.0.6:5432' REPLICA '[::1]:5433' WEIGHT 3 COPY_SCHEMA")
        #expect(command.request.summary == "add shard2 (weight 3, primary 10.0.0.5:5432, replicas 10.0.0.6:5432, [::1]:5433), copying missing table definitions")
        #expect(!command.start.yes && !command.start.wait)
    }

    @Test func addDefaults() throws {
        let command = try RebalanceAddCommand.parse(["shard1", "--primary", "127.0.0.1:27842", "--yes", "--wait"])
        #expect(command.request.command(.start) == "REBALANCE START ADD 'shard1' PRIMARY '127.0.0.1:27842' WEIGHT 1")
        #expect(command.start.yes && command.start.wait)
    }

    /// A name that is also a keyword of the console command stays a name once quoted.
    @Test func keywordLikeNames() throws {
        #expect(try RebalanceRemoveCommand.parse(["copy_schema"]).request.command(.plan) == "REBALANCE PLAN REMOVE 'copy_schema'")
        #expect(try RebalancePlanReweightCommand.parse(["weight", "2"]).request.command(.plan) == "REBALANCE PLAN REWEIGHT 'weight' 2")
        #expect(try RebalanceRemoveCommand.parse(["s-1.a_b", "--copy-schema"]).request.command(.start)
            == "REBALANCE START REMOVE 's-1.a_b' COPY_SCHEMA")
    }

    @Test func quoting() {
        #expect(RebalanceRequest.quoted("shard1") == "'shard1'")
        #expect(RebalanceRequest.quoted("o'hara") == "'o''hara'")
    }

    @Test func reweight() throws {
        let command = try RebalanceReweightCommand.parse(["shard0", "4", "-y"])
        #expect(command.request.command(.start) == "REBALANCE START REWEIGHT 'shard0' 4")
        #expect(command.request.summary == "reweight shard0 to 4")
        #expect(command.start.yes)
    }

    @Test("rejected arguments", arguments: [
        ["rebalance", "remove", "shard 1"],
        ["rebalance", "remove", "x'y"],
        ["rebalance", "remove", "a;b"],
        ["rebalance", "remove", ""],
        ["rebalance", "add", "s2"],
        ["rebalance", "add", "s2", "--primary", "nohost"],
        ["rebalance", "add", "s2", "--primary", "h:99999"],
        ["rebalance", "add", "s2", "--primary", "h:1", "--replica", "h'x:2"],
        ["rebalance", "add", "s2", "--primary", "h:1", "--weight", "0"],
        ["rebalance", "reweight", "s1"],
        ["rebalance", "reweight", "s1", "-1"],
        ["rebalance", "reweight", "s1", "x"],
        ["rebalance", "plan", "reweight", "s1", "0"],
    ])
    func rejected(arguments: [String]) {
        #expect(throws: (any Error).self) { try PGRingCtl.parseAsRoot(arguments) }
    }

    @Test func subcommandsAreRegistered() throws {
        for arguments in [["rebalance", "status"], ["rebalance", "abort"], ["rebalance", "resume", "--wait"], ["rebalance", "cleanup", "--json"],
                          ["rebalance", "plan", "remove", "s1"]] {
            _ = try PGRingCtl.parseAsRoot(arguments)
        }
        #expect(try PGRingCtl.parseAsRoot(["rebalance", "plan", "add", "s2", "--primary", "h:1"]) is RebalancePlanAddCommand)
    }
}

@Suite("rebalance: plan rendering")
struct RebalancePlanReportTests {
    static let columns = ["kind", "from", "to", "ranges", "keyspace_percent", "table", "estimated_rows", "estimated_bytes", "detail"]
    static let ringDetail = "version 3 -> 4, fingerprint 0x1a2b -> 0x3c4d"

    let plan = QueryResult(
        columns: columns,
        rows: [
            ["move", "shard0", "shard2", "130", "16.667", nil, nil, nil, nil],
            ["move", "shard0", "shard2", "130", "16.667", "rb_accounts", "1234567", "104857600", nil],
            ["move", "shard0", "shard2", "130", "16.667", "rb_events", nil, nil, nil],
            ["move", "shard1", "shard2", "128", "16.500", nil, nil, nil, nil],
            ["move", "shard1", "shard2", "128", "16.500", "rb_accounts", "12", "1536", nil],
            ["move", "shard1", "shard2", "128", "16.500", "rb_events", "0", "0", nil],
            ["move", "shard0", "shard2", "0", "0.000", "countries (global, whole)", "250", "16384", nil],
            ["ring", nil, nil, nil, "33.167", nil, nil, nil, ringDetail],
        ],
        tag: "REBALANCE"
    )

    @Test func groupsRowsByPair() {
        let report = RebalancePlanReport(plan)
        #expect(report.moves.map { "\($0.from)->\($0.to)" } == ["shard0->shard2", "shard1->shard2"])
        #expect(report.moves[0].ranges == "130")
        #expect(report.moves[0].tables.map(\.name) == ["rb_accounts", "rb_events", "countries"])
        #expect(report.moves[0].tables[2].global)
        #expect(report.problems.isEmpty)
        #expect(report.ring?.oldVersion == "3" && report.ring?.newVersion == "4")
        #expect(report.ring?.oldFingerprint == "0x1a2b" && report.ring?.newFingerprint == "0x3c4d")
    }

    @Test func text() {
        let expected = """
            plan          add shard2 (weight 1, primary 10.0.0.5:5432)
            ring version  3 -> 4
            fingerprint   0x1a2b -> 0x3c4d
            moves         33.167% of the keyspace, 2 source/target pairs

            FROM    TO      RANGES  KEYSPACE
            shard0  shard2     130   16.667%
            shard1  shard2     128   16.500%

            FROM    TO      TABLE                             EST. ROWS  EST. SIZE
            shard0  shard2  rb_accounts                       1,234,567  100.0 MiB
                            rb_events                                 -          -
                            countries (global, copied whole)        250   16.0 KiB
            shard1  shard2  rb_accounts                              12    1.5 KiB
                            rb_events                                 0        0 B

            Preconditions: all met.
            """
        #expect(RebalancePlanReport(plan).text(operation: "add shard2 (weight 1, primary 10.0.0.5:5432)") == expected)
    }

    @Test func json() {
        let json = RebalancePlanReport(plan).json().render(pretty: false)
        #expect(json.hasPrefix(#"{"moves":[{"from":"shard0","to":"shard2","ranges":130,"keyspace_percent":16.667,"tables":[{"table":"rb_accounts","global":false,"estimated_rows":1234567,"estimated_bytes":104857600},{"table":"rb_events","global":false,"estimated_rows":null,"estimated_bytes":null},{"table":"countries","global":true,"estimated_rows":250,"estimated_bytes":16384}]},"#))
        #expect(json.hasSuffix(#""problems":[],"ring":{"keyspace_percent":33.167,"old_version":3,"new_version":4,"old_fingerprint":"0x1a2b","new_fingerprint":"0x3c4d","detail":"version 3 -> 4, fingerprint 0x1a2b -> 0x3c4d"}}"#))
    }

    @Test func problems() {
        let result = QueryResult(
            columns: Self.columns,
            rows: [
                ["move", "shard0", "shard1", "256", "50.000", nil, nil, nil, nil],
                ["move", "shard0", "shard1", "256", "50.000", "rb_accounts", "10", "8192", nil],
                ["problem", nil, nil, nil, nil, nil, nil, nil, "shard1: table rb_accounts does not exist (create it, or use --copy-schema)"],
                ["problem", nil, nil, nil, nil, nil, nil, nil, "127.0.0.1:5432: wal_level is replica, must be logical"],
                ["ring", nil, nil, nil, "50.000", nil, nil, nil, Self.ringDetail],
            ],
            tag: "REBALANCE"
        )
        let report = RebalancePlanReport(result)
        #expect(report.problems.count == 2)
        #expect(report.text().hasSuffix("""
            The rebalance cannot start: 2 failing preconditions:
              - shard1: table rb_accounts does not exist (create it, or use --copy-schema)
              - 127.0.0.1:5432: wal_level is replica, must be logical
            """))
        #expect(report.json().render(pretty: false).contains(
            #""problems":["shard1: table rb_accounts does not exist (create it, or use --copy-schema)","127.0.0.1:5432: wal_level is replica, must be logical"]"#))
    }

    @Test func nothingMoves() {
        let result = QueryResult(
            columns: Self.columns,
            rows: [
                ["problem", nil, nil, nil, nil, nil, nil, nil, "nothing moves: the new ring places every key where it is"],
                ["ring", nil, nil, nil, "0.000", nil, nil, nil, "weird detail"],
            ],
            tag: "REBALANCE"
        )
        let report = RebalancePlanReport(result)
        #expect(report.text() == """
            ring   weird detail
            moves  0.000% of the keyspace, 0 source/target pairs

            The rebalance cannot start: 1 failing precondition:
              - nothing moves: the new ring places every key where it is
            """)
        #expect(report.json().render(pretty: false) == #"{"moves":[],"problems":["nothing moves: the new ring places every key where it is"],"ring":{"keyspace_percent":0.000,"old_version":null,"new_version":null,"old_fingerprint":null,"new_fingerprint":null,"detail":"weird detail"}}"#)
    }

    @Test("human sizes", arguments: [
        (nil, "-"), ("0", "0 B"), ("1023", "1023 B"), ("1024", "1.0 KiB"), ("1536", "1.5 KiB"), ("104857600", "100.0 MiB"),
        ("5368709120", "5.0 GiB"), ("x", "x"),
    ] as [(String?, String)])
    func bytes(text: String?, expected: String) {
        #expect(RebalanceFormat.bytes(text) == expected)
    }

    @Test func counts() {
        #expect(RebalanceFormat.count("0") == "0")
        #expect(RebalanceFormat.count("999") == "999")
        #expect(RebalanceFormat.count("1000") == "1,000")
        #expect(RebalanceFormat.count("-1234567") == "-1,234,567")
        #expect(RebalanceFormat.count(nil) == "-")
        #expect(RebalanceFormat.duration("5.25") == "5.2 s" || RebalanceFormat.duration("5.25") == "5.3 s")
        #expect(RebalanceFormat.duration("185") == "3 min 05 s")
        #expect(RebalanceFormat.duration("7500") == "2 h 05 min")
    }
}

@Suite("rebalance: SHOW REBALANCE rendering")
struct RebalanceStatusReportTests {
    let show = QueryResult(
        columns: ["key", "value"],
        rows: [
            ["job", "12345678"], ["operation", "add shard1 (weight 1, primary 127.0.0.1:27842)"], ["phase", "copying"],
            ["failed_phase", nil], ["error", nil], ["running", "true"], ["ring_version", "3 -> 4"], ["live_ring_version", "3"],
            ["created_at", "2025-03-01T10:00:00Z"], ["elapsed_seconds", "75.500"], ["cutover_attempts", "0"],
            ["cutover_timeout_seconds", "30.000"], ["cutover_pause_ms", nil], ["held_writes", nil],
            ["held_writes_max_ms", nil], ["held_writes_p99_ms", nil], ["expected_pause_ms", "8.250"],
            ["pair.0", "shard0 -> shard1, 256 ranges, 50.000% of the keyspace"], ["pair.0.lag_bytes", "2048"],
            ["pair.0.rows_copied.rb_accounts", "1500"], ["pair.0.rows_copied.rb_events", nil],
            ["pair.1", "shard2 -> shard1, 3 ranges, 1.000% of the keyspace"], ["pair.1.lag_bytes", nil],
            ["event", "2025-03-01T10:00:00Z planned: add shard1; 1 source/target pairs, 50.000% of the keyspace"],
            ["event", "2025-03-01T10:00:01Z phase preparing"],
            ["event", "2025-03-01T10:00:02Z phase copying"],
        ],
        tag: "SHOW"
    )

    @Test func groups() {
        let report = RebalanceStatusReport(show)
        #expect(report.hasJob)
        #expect(report.phase == "copying")
        #expect(report.pairs.count == 2)
        #expect(report.pairs[0].rowsCopied == [.init(key: "rb_accounts", value: "1500"), .init(key: "rb_events", value: nil)])
        #expect(report.events.count == 3)
        #expect(report.events[1] == .init(time: "2025-03-01T10:00:01Z", message: "phase preparing"))
        #expect(RebalanceStatusReport.parsePairKey("pair.12.rows_copied.t.x")! == (12, "rows_copied.t.x"))
    }

    @Test func text() {
        let expected = """
            job           12345678
            operation     add shard1 (weight 1, primary 127.0.0.1:27842)
            phase         copying (running)
            ring version  3 -> 4 (live: 3)
            started       2025-03-01T10:00:00Z
            elapsed       1 min 15 s
            cutover       0 attempts, expected pause 8.250 ms (timeout 30.000 s)

            PAIR                                                       LAG  TABLE        ROWS COPIED
            shard0 -> shard1, 256 ranges, 50.000% of the keyspace  2.0 KiB  rb_accounts        1,500
                                                                            rb_events              -
            shard2 -> shard1, 3 ranges, 1.000% of the keyspace           -

            Last 2 of 3 events:
              2025-03-01T10:00:01Z  phase preparing
              2025-03-01T10:00:02Z  phase copying
            """
        #expect(RebalanceStatusReport(show).text(eventLimit: 2) == expected)
    }

    @Test func json() {
        let json = RebalanceStatusReport(show).json().render(pretty: false)
        // The job id stays a string though it reads as a number; running is a boolean; NULLs are null.
        #expect(json.hasPrefix(#"{"job":"12345678","operation":"add shard1 (weight 1, primary 127.0.0.1:27842)","phase":"copying","failed_phase":null,"error":null,"running":true,"ring_version":"3 -> 4","live_ring_version":3,"created_at":"2025-03-01T10:00:00Z","elapsed_seconds":75.500,"cutover_attempts":0,"cutover_timeout_seconds":30.000,"cutover_pause_ms":null,"#))
        #expect(json.contains(#""held_writes_p99_ms":null,"expected_pause_ms":8.250,"rows_deleted":{}"#))
        #expect(json.hasSuffix(#""rows_deleted":{},"pairs":[{"pair":0,"description":"shard0 -> shard1, 256 ranges, 50.000% of the keyspace","lag_bytes":2048,"rows_copied":{"rb_accounts":1500,"rb_events":null}},{"pair":1,"description":"shard2 -> shard1, 3 ranges, 1.000% of the keyspace","lag_bytes":null,"rows_copied":{}}],"events":[{"time":"2025-03-01T10:00:00Z","message":"planned: add shard1; 1 source/target pairs, 50.000% of the keyspace"},{"time":"2025-03-01T10:00:01Z","message":"phase preparing"},{"time":"2025-03-01T10:00:02Z","message":"phase copying"}]}"#))
    }

    @Test func doneAndFailed() {
        let done = RebalanceStatusReport(QueryResult(
            columns: ["key", "value"],
            rows: [["job", "ab12cd34"], ["phase", "done"], ["running", "false"], ["ring_version", "3 -> 4"],
                   ["pair.0", "shard0 -> shard1, 135 ranges, 50.168% of the keyspace"],
                   ["elapsed_seconds", "6.400"], ["cutover_attempts", "1"], ["cutover_pause_ms", "12.500"], ["held_writes", "3"],
                   ["held_writes_max_ms", "11.000"], ["held_writes_p99_ms", "10.900"], ["rows_deleted.rb_accounts", "1500"]],
            tag: "SHOW"))
        #expect(done.outcome(job: "ab12cd34")
            == "Rebalance job ab12cd34 done after 6.4 s; writes of moving keys were held 12.500 ms (3 held writes); ring version 4 is live.")
        #expect(done.text() == """
            job           ab12cd34
            phase         done
            ring version  3 -> 4
            took          6.4 s
            cutover       1 attempt, writes held 12.500 ms
            held writes   3 (max 11.000 ms, p99 10.900 ms)
            rows deleted  rb_accounts 1,500

            PAIR
            shard0 -> shard1, 135 ranges, 50.168% of the keyspace
            """)
        #expect(done.json().render(pretty: false).contains(#""running":false"#))
        #expect(done.json().render(pretty: false).contains(#""rows_deleted":{"rb_accounts":1500}"#))

        let failed = RebalanceStatusReport(QueryResult(
            columns: ["key", "value"],
            rows: [["job", "ab12cd34"], ["phase", "failed"], ["failed_phase", "copying"], ["error", "shard1 is not reachable"],
                   ["running", "false"]],
            tag: "SHOW"))
        #expect(failed.text() == """
            job    ab12cd34
            phase  failed (in copying)
            error  shard1 is not reachable
            """)
        #expect(failed.outcome(job: "ab12cd34") == """
            Rebalance job ab12cd34 failed in phase copying: shard1 is not reachable
            Continue it with: pgringctl rebalance resume --wait
            or undo it with: pgringctl rebalance abort
            """)
    }

    @Test func noJob() {
        let report = RebalanceStatusReport(QueryResult(columns: ["key", "value"], rows: [["phase", "none"]], tag: "SHOW"))
        #expect(!report.hasJob)
        #expect(report.text() == "No rebalance job.")
        #expect(report.json().render(pretty: false) == #"{"phase":"none","rows_deleted":{},"pairs":[],"events":[]}"#)
    }
}
