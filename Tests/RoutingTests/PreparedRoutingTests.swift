import HashRing
import Testing
@testable import Routing

/// The extended protocol: Parse once (analysis cached by statement name), Bind many times with text and
/// binary parameters.
@Suite struct PreparedRoutingTests {
    /// Simulates Parse (analysis into the cache) followed by Bind (routing with the parameters).
    struct Session {
        var cache = PreparedStatementCache(capacity: 8)
        let router = Router(configuration: Fixture.configuration())

        mutating func parse(_ name: String, _ sql: String) {
            cache.insert(StatementAnalyzer().analyze(sql), named: name)
        }

        mutating func bind(_ name: String, _ parameters: [BindParameter], transaction: TransactionState = .idle) -> RouteDecision? {
            guard let statement = cache.statement(named: name) else { return nil }
            return router.route(statement, parameters: parameters, context: RoutingContext(ring: Fixture.ring, transaction: transaction))
        }
    }

    static func int8(_ value: Int64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    @Test func textParametersRouteEachBindToItsShard() {
        var session = Session()
        session.parse("q", "SELECT * FROM orders WHERE user_id = $1")
        for key: Int64 in [1, 2, 3, 42, -5, 1_000_000_007] {
            #expect(session.bind("q", [.text(String(key))]) == .shard(Fixture.shard(key), role: .replica, reason: .key))
        }
    }

    @Test func binaryIntegerParametersOfEverySize() {
        var session = Session()
        session.parse("q", "SELECT * FROM orders WHERE user_id = $1::int8")
        let int2 = BindParameter(bytes: [0xFF, 0xFE], format: 1, typeOID: BindParameter.TypeOID.int2)
        #expect(session.bind("q", [int2]) == .shard(Fixture.shard(-2), role: .replica, reason: .key))
        let int4 = BindParameter(bytes: [0x00, 0x00, 0x01, 0x00], format: 1, typeOID: BindParameter.TypeOID.int4)
        #expect(session.bind("q", [int4]) == .shard(Fixture.shard(256), role: .replica, reason: .key))
        let int8 = BindParameter(bytes: Self.int8(42), format: 1, typeOID: BindParameter.TypeOID.int8)
        #expect(session.bind("q", [int8]) == .shard(Fixture.shard(42), role: .replica, reason: .key))
        let untyped = BindParameter(bytes: Self.int8(Int64.min), format: 1, typeOID: 0)
        #expect(session.bind("q", [untyped]) == .shard(Fixture.shard(Int64.min), role: .replica, reason: .key))
    }

    @Test func binaryTextAndUUIDParameters() {
        var session = Session()
        session.parse("s", "SELECT * FROM sessions WHERE token = $1")
        let text = BindParameter(bytes: Array("tök".utf8), format: 1, typeOID: BindParameter.TypeOID.text)
        #expect(session.bind("s", [text]) == .shard(Fixture.shard(.text("tök")), role: .replica, reason: .key))
        session.parse("d", "DELETE FROM devices WHERE device_id = $1")
        let bytes: [UInt8] = Array(0..<16)
        let uuid = BindParameter(bytes: bytes, format: 1, typeOID: BindParameter.TypeOID.uuid)
        let expected = PostgresUUID(bytes: bytes).map { Fixture.shard(.uuid($0)) }
        #expect(expected != nil)
        #expect(session.bind("d", [uuid]) == expected.map { .shard($0, role: .primary, reason: .key) })
    }

    @Test func parametersInInsertAndInList() {
        var session = Session()
        session.parse("ins", "INSERT INTO orders (id, user_id) VALUES ($1, $2), ($3, $4)")
        let same = { () -> Int64 in
            var candidate: Int64 = 43
            while Fixture.shard(candidate) != Fixture.shard(42) { candidate += 1 }
            return candidate
        }()
        #expect(session.bind("ins", [.text("1"), .text("42"), .text("2"), .text(String(same))])
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
        let other = Fixture.keyOnAnotherShard(than: 42)
        let crossShard = session.bind("ins", [.text("1"), .text("42"), .text("2"), .text(String(other))])
        #expect(crossShard.flatMap(Fixture.rejection)?.sqlState == "0A000")
        session.parse("in", "SELECT * FROM orders WHERE user_id IN ($1, $2)")
        #expect(session.bind("in", [.text("42"), .text("42")]) == .shard(Fixture.shard(42), role: .replica, reason: .key))
    }

    @Test func badParametersAreRejectedWithoutEchoingTheValue() {
        var session = Session()
        session.parse("q", "SELECT * FROM orders WHERE user_id = $1")
        let cases: [(BindParameter, String)] = [
            (BindParameter(bytes: nil), "22004"),
            (BindParameter(bytes: Array("secret-not-a-number".utf8)), "22P02"),
            (BindParameter(bytes: [1, 2, 3], format: 1, typeOID: BindParameter.TypeOID.int4), "22P03"),
            (BindParameter(bytes: [1, 2, 3], format: 1), "22P03"),
            (BindParameter(bytes: [1], format: 7), "22P03"),
        ]
        for (parameter, state) in cases {
            let error = session.bind("q", [parameter]).flatMap(Fixture.rejection)
            #expect(error?.sqlState == state)
            #expect(error?.message.contains("secret") == false)
            #expect(error?.message.contains("$1") == true)
        }
        let missing = session.bind("q", []).flatMap(Fixture.rejection)
        #expect(missing?.sqlState == "08P01")
    }

    @Test func parameterWithoutBindInSimpleQueryIsRejected() {
        #expect(Fixture.rejection(Fixture.route("SELECT * FROM orders WHERE user_id = $1"))?.sqlState == "08P01")
    }

    @Test func unnamedStatementIsReplacedByTheNextParse() {
        var session = Session()
        session.parse("", "SELECT * FROM orders WHERE user_id = $1")
        session.parse("", "UPDATE orders SET total = 0 WHERE user_id = $1")
        #expect(session.bind("", [.text("42")]) == .shard(Fixture.shard(42), role: .primary, reason: .key))
        #expect(session.cache.count == 1)
    }
}
