import Testing
@testable import Routing

/// Properties of `SessionEffectAnalyzer` over generated and mutated Queries, the pre-check, and hostile input.
@Suite struct SessionEffectPropertyTests {
    /// SplitMix64: a small seeded generator so every run sees the same inputs and failures reproduce.
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

    /// Every Query of the example tables.
    static let corpus: [String] = {
        let tables = SessionEffectTests.genericSet + SessionEffectTests.specialSet + SessionEffectTests.otherStatements
            + SessionEffectTests.pins + SessionEffectTests.quotingAndMultiStatement
        return tables.map(\.sql) + SessionEffectTests.noEffect
    }()

    /// Pieces spliced into Queries by the mutator.
    static let fragments = [
        "SET", "set", "RESET", "SESSION", "LOCAL", "TO", "=", "DEFAULT", "ALL", "TIME", "ZONE", "NAMES", "ROLE",
        "NONE", "AUTHORIZATION", "DISCARD", "TEMP", "TEMPORARY", "DEALLOCATE", "PREPARE", "LISTEN", "UNLISTEN", "*",
        "CREATE", "TABLE", "INTO", "SELECT", "FROM", "DECLARE", "CURSOR", "WITH", "HOLD", "FOR", "LOAD", "DO",
        "EXPLAIN", "ANALYZE", "pg_advisory_lock", "pg_try_advisory_lock_shared", "pg_catalog", "set_config",
        "pg_temp", "pgring", "shard_key", "x", "y", "search_path", "\"Q\"", "(", ")", ",", ";", ".", "-", "+", "1",
        "0x1f", "'v'", "'", "E'\\'", "$$", "$t$", "\"", "/*", "*/", "--", "\n", " ", "true", "false", "OFFSET", "é",
    ]

    /// The Queries of the property test: corpus entries, random fragment strings, and mutations of both.
    static func generatedQueries(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(state: seed)
        var queries: [String] = []
        queries.reserveCapacity(count)
        while queries.count < count {
            var bytes: [UInt8]
            if Bool.random(using: &generator) {
                bytes = Array(corpus[Int.random(in: 0..<corpus.count, using: &generator)].utf8)
            } else {
                bytes = []
                for _ in 0..<Int.random(in: 1...12, using: &generator) {
                    bytes += Array(fragments[Int.random(in: 0..<fragments.count, using: &generator)].utf8)
                    bytes.append(UInt8(ascii: " "))
                }
            }
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                mutate(&bytes, using: &generator)
            }
            queries.append(String(decoding: bytes, as: UTF8.self))
        }
        return queries
    }

    /// Applies one random edit: flip the case of a letter, insert a fragment, delete a range, replace a byte,
    /// or append another corpus Query after `;`.
    static func mutate(_ bytes: inout [UInt8], using generator: inout SeededGenerator) {
        let position = Int.random(in: 0...bytes.count, using: &generator)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0:
            if position < bytes.count, (UInt8(ascii: "A")...UInt8(ascii: "z")).contains(bytes[position]) {
                bytes[position] ^= 0x20
            }
        case 1:
            let fragment = fragments[Int.random(in: 0..<fragments.count, using: &generator)]
            bytes.insert(contentsOf: Array(fragment.utf8), at: position)
        case 2:
            let end = min(bytes.count, position + Int.random(in: 1...6, using: &generator))
            bytes.removeSubrange(position..<end)
        case 3:
            if position < bytes.count { bytes[position] = UInt8.random(in: 0x20...0x7E, using: &generator) }
        default:
            bytes += Array("; ".utf8) + Array(corpus[Int.random(in: 0..<corpus.count, using: &generator)].utf8)
        }
    }

    @Test func preCheckIsTrueWheneverThereAreEffects() {
        var withEffects = 0
        for sql in Self.generatedQueries(count: 2_000, seed: 0x5E55_10A1) {
            let effects = SessionEffectAnalyzer.effects(of: sql)
            guard !effects.isEmpty else { continue }
            withEffects += 1
            #expect(SessionEffectAnalyzer.mayHaveEffects(Array(sql.utf8)), "\(sql.debugDescription) has \(effects)")
            #expect(Array(sql.utf8).withUnsafeBytes { SessionEffectAnalyzer.mayHaveEffects(bytes: $0) })
        }
        // The generator must actually exercise the property.
        #expect(withEffects > 300)
    }

    @Test func setStatementTextIsASliceOfTheQueryStartingWithSet() {
        for sql in Self.generatedQueries(count: 2_000, seed: 0xC0FF_EE00) {
            for case .set(let name, let statement) in SessionEffectAnalyzer.effects(of: sql) {
                #expect(!name.isEmpty)
                #expect(name == name.lowercased() || name.contains(where: { !$0.isASCII }))
                #expect(sql.contains(statement))
                #expect(statement.lowercased().hasPrefix("set"))
                #expect(!statement.hasSuffix(";"))
            }
        }
    }

    @Test func pgringSettingsTheRouterHandlesHaveNoEffect() {
        var checked = 0
        for sql in Self.generatedQueries(count: 2_000, seed: 0x9E11_0001) + [
            "SET pgring.shard_key = 42", "SET LOCAL pgring.shard TO beta", "RESET pgring.target", "SET pgring.x = 1",
        ] where !sql.contains(";") {
            guard StatementAnalyzer().analyze(sql).sessionCommand != nil else { continue }
            checked += 1
            #expect(SessionEffectAnalyzer.effects(of: sql) == [], "\(sql.debugDescription)")
        }
        #expect(checked >= 4)
    }

    /// Two well-formed Queries joined by `;` have the effects of the first followed by those of the second.
    @Test func effectsOfJoinedQueriesAreConcatenated() {
        let wellFormed = Self.corpus.filter { sql in
            let tokens = SQLLexer.tokenize(sql)
            let opens = tokens.filter { $0.isSymbol("(") }.count
            let closes = tokens.filter { $0.isSymbol(")") }.count
            return !tokens.contains(where: \.isUnterminated) && !tokens.contains { $0.kind == .lineComment }
                && opens == closes
        }
        #expect(wellFormed.count > 150)
        var generator = SeededGenerator(state: 0x10_1E55)
        for _ in 0..<400 {
            let first = wellFormed[Int.random(in: 0..<wellFormed.count, using: &generator)]
            let second = wellFormed[Int.random(in: 0..<wellFormed.count, using: &generator)]
            let joined = SessionEffectAnalyzer.effects(of: first + ";\n" + second)
            #expect(joined == SessionEffectAnalyzer.effects(of: first) + SessionEffectAnalyzer.effects(of: second),
                    "\(first.debugDescription) ; \(second.debugDescription)")
        }
    }

    static let everydayQueries = [
        "SELECT abalance FROM pgbench_accounts WHERE aid = 42;",
        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 2, 3, 4, CURRENT_TIMESTAMP);",
        "SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20 OFFSET 40",
        "BEGIN", "COMMIT", "ROLLBACK", "SELECT 1", "DELETE FROM sessions WHERE token = 'abc'",
        "SELECT count(*) FROM users u JOIN orders o ON o.user_id = u.user_id WHERE u.country = 'FR'",
    ]

    @Test(arguments: everydayQueries) func preCheckIsFalseForEverydayQueries(_ sql: String) {
        #expect(!SessionEffectAnalyzer.mayHaveEffects(Array(sql.utf8)))
        #expect(!SessionEffectAnalyzer.mayHaveEffects(sql.utf8))
        #expect(!Array(sql.utf8).withUnsafeBytes { SessionEffectAnalyzer.mayHaveEffects(bytes: $0) })
    }

    static let triggerSpellings: [(String, Bool)] = [
        ("SET x = 1", true), ("reset all", true), ("DISCARD ALL", true), ("DeAlLoCaTe p", true), ("unlisten *", true),
        ("LOAD 'x'", true), ("CREATE TEMP TABLE t ()", true), ("SELECT pg_advisory_lock(1)", true),
        ("SELECT 0x1fset_config('a','b',false)", true), ("DECLARE c CURSOR WITH HOLD FOR SELECT 1", true),
        ("PREPARE p AS SELECT 1", true), ("SELECT x FROM pg_temp.t", true), ("SELECT 1 OFFSET 1", false),
        ("SELECT threshold, upload, attempt FROM t", false), ("UPDATE t SET a = 1", true), ("", false),
    ]

    @Test(arguments: triggerSpellings) func preCheckTriggerWords(_ sql: String, _ expected: Bool) {
        #expect(SessionEffectAnalyzer.mayHaveEffects(Array(sql.utf8)) == expected)
        #expect(Array(sql.utf8).withUnsafeBytes { SessionEffectAnalyzer.mayHaveEffects(bytes: $0) } == expected)
    }

    @Test func preCheckAgreesOnEveryCollectionKind() {
        for sql in Self.corpus + Self.everydayQueries {
            let array = Array(sql.utf8)
            let expected = SessionEffectAnalyzer.mayHaveEffects(array)
            #expect(SessionEffectAnalyzer.mayHaveEffects(sql.utf8) == expected)
            #expect(SessionEffectAnalyzer.mayHaveEffects(([0x20] + array + [0x20])[1...array.count]) == expected)
            #expect(SessionEffectAnalyzer.mayHaveEffects(array.lazy.map { $0 }) == expected)
        }
    }

    /// Large hostile inputs finish (work is linear) and give the documented answers.
    @Test func hostileInputs() {
        let deepParentheses = String(repeating: "(", count: 100_000) + "SELECT pg_advisory_lock(1)"
        #expect(SessionEffectAnalyzer.effects(of: deepParentheses) == [.pin(.advisoryLock)])
        let nestedSetConfig = "SELECT " + String(repeating: "set_config('a', ", count: 20_000) + "'b'"
            + String(repeating: ", true)", count: 20_000)
        #expect(SessionEffectAnalyzer.effects(of: nestedSetConfig) == [])
        let longList = "SET search_path = " + String(repeating: "s, ", count: 50_000) + "public"
        #expect(SessionEffectAnalyzer.effects(of: longList) == [.set(name: "search_path", statement: longList)])
        let manyStatements = String(repeating: "LISTEN a;", count: 20_000)
        #expect(SessionEffectAnalyzer.effects(of: manyStatements).count == 20_000)
        let semicolons = String(repeating: ";", count: 100_000)
        #expect(SessionEffectAnalyzer.effects(of: semicolons) == [])
        let manyClosings = String(repeating: ")", count: 50_000) + "; SET a.b = 1"
        #expect(SessionEffectAnalyzer.effects(of: manyClosings) == [.set(name: "a.b", statement: "SET a.b = 1")])
    }
}
