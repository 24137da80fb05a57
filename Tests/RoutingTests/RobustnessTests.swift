import HashRing
import Testing
@testable import Routing

/// Random and garbled statements must never trap, and every decision must be well formed.
@Suite struct RobustnessTests {
    /// SplitMix64: a small seeded PRNG so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments = [
        "SELECT", "INSERT", "INTO", "UPDATE", "DELETE", "FROM", "WHERE", "AND", "OR", "IN", "VALUES", "SET", "WITH",
        "AS", "JOIN", "ON", "USING", "FOR", "BEGIN", "COMMIT", "TABLE", "COPY", "EXPLAIN", "CAST", "BETWEEN", "NOT",
        "orders", "users", "sessions", "countries", "o", "user_id", "token", "x", "public", "pgring", "shard_key",
        "(", ")", ",", ";", ".", "::", "=", "-", "+", "*", "[", "]", ":", "$", "$1", "$2", "$99999999999999999999",
        "42", "-7", "1e5", "0x", "'a'", "'", "''", "E'\\'", "E'\\", "$$", "$t$", "\"", "\"Q\"\"", "U&'", "/*", "*/",
        "--", "\n", " ", "/* pgring:shard_key=", "/* pgring:shard=alpha */", "é", "\u{0}", "nextval", "bigint",
    ]

    @Test func fiveThousandGarbledStatementsNeverTrap() {
        var generator = SeededGenerator(state: 0x5EED_2026)
        let router = Router(configuration: Fixture.configuration(noKeyPolicy: .allShards, globalWrites: .allShards))
        let transactions: [TransactionState] = [.idle, .openUnpinned, .pinned(shard: "beta")]
        var cache = PreparedStatementCache(capacity: 16)
        var decisions = 0
        for round in 0..<5_000 {
            var sql = ""
            let pieces = Int.random(in: 0...40, using: &generator)
            for _ in 0..<pieces {
                if Int.random(in: 0..<10, using: &generator) == 0 {
                    // Raw random bytes, possibly invalid UTF-8.
                    let bytes = (0..<Int.random(in: 1...6, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    sql += String(decoding: bytes, as: UTF8.self)
                } else {
                    sql += Self.fragments[Int.random(in: 0..<Self.fragments.count, using: &generator)]
                }
                if Bool.random(using: &generator) { sql += " " }
            }
            let statement = StatementAnalyzer().analyze(sql)
            cache.insert(statement, named: "s\(round % 40)")
            let parameters: [BindParameter]? = Bool.random(using: &generator) ? nil : (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                BindParameter(
                    bytes: Bool.random(using: &generator) ? nil : (0..<Int.random(in: 0...17, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) },
                    format: Int16.random(in: -1...2, using: &generator),
                    typeOID: [nil, 0, 20, 21, 23, 25, 2950, 999].randomElement(using: &generator) ?? nil
                )
            }
            let context = RoutingContext(
                ring: Fixture.ring,
                transaction: transactions[round % transactions.count],
                session: SessionHints(shardKey: round % 7 == 0 ? "12" : nil)
            )
            let decision = router.route(statement, parameters: parameters, context: context)
            switch decision {
            case .shard(let name, _, _):
                #expect(Fixture.ring.shard(named: name) != nil)
            case .reject(let error):
                #expect(error.sqlState.utf8.count == 5)
                #expect(!error.message.isEmpty)
            case .allShards, .deferred, .local:
                break
            }
            decisions += 1
        }
        #expect(decisions == 5_000)
        #expect(cache.count <= 16)
    }

    @Test func deepNestingIsSafe() {
        let depth = 100_000
        let parens = String(repeating: "(", count: depth) + "user_id = 42" + String(repeating: ")", count: depth)
        let statement = StatementAnalyzer().analyze("SELECT * FROM orders WHERE " + parens)
        #expect(statement.tables.count == 1)
        let unbalanced = StatementAnalyzer().analyze(String(repeating: "(SELECT * FROM orders WHERE ", count: 20_000))
        #expect(unbalanced.tables.count == 20_000)
        let shallow = StatementAnalyzer().analyze("SELECT * FROM orders WHERE ((((user_id = 42))))")
        #expect(Router(configuration: Fixture.configuration()).route(shallow, parameters: nil, context: RoutingContext(ring: Fixture.ring))
            == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func everyPrefixOfATrickyStatementIsSafe() {
        let sql = "/* pgring:shard_key='4' */ WITH a AS (SELECT $t$;'\"$t$, E'\\'', \"x\"\"y\" FROM orders o WHERE o.user_id = $1::int8) INSERT INTO orders (user_id) VALUES (-4) ON CONFLICT DO NOTHING; -- end"
        let bytes = Array(sql.utf8)
        for length in 0...bytes.count {
            let prefix = String(decoding: bytes[0..<length], as: UTF8.self)
            let statement = StatementAnalyzer().analyze(prefix)
            _ = Router(configuration: Fixture.configuration()).route(
                statement, parameters: [.text("4")], context: RoutingContext(ring: Fixture.ring)
            )
        }
    }
}
