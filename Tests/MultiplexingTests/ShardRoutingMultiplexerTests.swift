import Multiplexing
import NIOCore
import PGWire
import Routing
import Testing

/// The multiplexer side of shard routing: silent Queries (a held BEGIN) whose answers the client never sees,
/// a ReadyForQuery status shown to the client instead of the server's, and statements pgring answered itself
/// prepared on the server when first bound.
@Suite struct ShardRoutingMultiplexerTests {
    static let insert = "INSERT INTO accounts (user_id, balance) VALUES (1, 1)"

    /// The pgring-wide name of an untyped statement.
    static func globalName(_ sql: String) -> String {
        var body = ByteBuffer()
        body.writeString(sql)
        body.writeInteger(UInt8(0))
        body.writeInteger(Int16(0))
        return StatementNaming.globalName(forParseBody: body)
    }

    /// Feeds backend messages and returns what is relayed to the client (nil: nothing).
    static func relay(_ messages: [BackendTestMessage], harness: inout MultiplexerHarness, from index: Int = 0) -> ByteBuffer? {
        let bytes = Wire.backend(messages)
        let summary = Wire.readyForQuerySummary(bytes)
        return harness.client.backend(bytes, readyForQueryCount: summary.count, lastStatus: summary.last, server: &harness.servers[index])
    }

    @Test func aSilentQueryGoesFirstAndItsAnswersAreDropped() throws {
        var harness = MultiplexerHarness()
        let sent = harness.client.frontend(
            ClientFrame.bytes([.query(Self.insert)]), server: &harness.servers[0], silentQueries: ["BEGIN"], statusOverride: nil)
        #expect(Wire.describeFrontend(sent) == ["Q BEGIN", "Q \(Self.insert)"])
        #expect(harness.client.readyForQueryOutstanding == 2)
        let relayed = try #require(Self.relay([
            .commandComplete("BEGIN"), .ready(.inTransaction), .commandComplete("INSERT 0 1"), .ready(.inTransaction),
        ], harness: &harness))
        let reply = LocalReply(relayed)
        #expect(reply.ids == "CZ")
        #expect(reply.tags == ["INSERT 0 1"])
        #expect(reply.statuses == [.inTransaction])
        #expect(harness.client.readyForQueryOutstanding == 0)
        #expect(harness.client.transactionStatus == .inTransaction)
        #expect(harness.client.canRelease == false)
    }

    @Test func silentAnswersSplitAcrossBatchesAreDroppedToo() throws {
        var harness = MultiplexerHarness()
        _ = harness.client.frontend(
            ClientFrame.bytes([.query(Self.insert)]), server: &harness.servers[0], silentQueries: ["BEGIN", "SAVEPOINT s1"], statusOverride: nil)
        #expect(Self.relay([.commandComplete("BEGIN")], harness: &harness) == nil)
        #expect(Self.relay([.ready(.inTransaction), .commandComplete("SAVEPOINT")], harness: &harness) == nil)
        #expect(harness.client.readyForQueryOutstanding == 2)
        let relayed = try #require(Self.relay([.ready(.inTransaction), .commandComplete("INSERT 0 1")], harness: &harness))
        #expect(LocalReply(relayed).tags == ["INSERT 0 1"])
        #expect(harness.receive([.ready(.inTransaction)]) == "Z")
        #expect(harness.receive([.commandComplete("COMMIT"), .ready(.idle)]) == "CZ")
        #expect(harness.client.canRelease)
    }

    @Test func theClientsErrorAfterASilentQueryIsRelayed() throws {
        var harness = MultiplexerHarness()
        _ = harness.client.frontend(
            ClientFrame.bytes([.query(Self.insert)]), server: &harness.servers[0], silentQueries: ["BEGIN"], statusOverride: nil)
        let relayed = try #require(Self.relay([
            .commandComplete("BEGIN"), .ready(.inTransaction), .error("23505"), .ready(.failedTransaction),
        ], harness: &harness))
        let reply = LocalReply(relayed)
        #expect(reply.ids == "EZ")
        #expect(reply.errorCodes == ["23505"])
        #expect(reply.statuses == [.failedTransaction])
    }

    @Test func aStatusOverrideRewritesTheReadyForQueryOfThoseFramesOnly() throws {
        var harness = MultiplexerHarness()
        let frames = ClientFrame.bytes([.parse("", "SELECT 1"), .bind("", []), .describePortal, .execute, .sync])
        let sent = harness.client.frontend(frames, server: &harness.servers[0], silentQueries: [], statusOverride: .inTransaction)
        #expect(sent == frames)
        let relayed = try #require(Self.relay([.parseComplete, .bindComplete, .noData, .commandComplete("SELECT 1"), .ready(.idle)], harness: &harness))
        let reply = LocalReply(relayed)
        #expect(reply.ids == "12nCZ")
        #expect(reply.statuses == [.inTransaction])
        // The server is outside a transaction: the connection can go back to the pool.
        #expect(harness.client.transactionStatus == .idle)
        #expect(harness.client.canRelease)
        // Later frames show the server's status again.
        _ = harness.send([.query("SELECT 2")])
        let next = try #require(Self.relay([.commandComplete("SELECT 1"), .ready(.idle)], harness: &harness))
        #expect(LocalReply(next).statuses == [.idle])
    }

    @Test func aStatusOverrideAppliesToEverySyncOfTheFrames() throws {
        var harness = MultiplexerHarness()
        let frames = ClientFrame.bytes([.parse("", "SELECT 1"), .sync, .bind("", []), .execute, .sync])
        _ = harness.client.frontend(frames, server: &harness.servers[0], silentQueries: [], statusOverride: .inTransaction)
        let relayed = try #require(Self.relay([
            .parseComplete, .ready(.idle), .bindComplete, .commandComplete("SELECT 1"), .ready(.idle),
        ], harness: &harness))
        #expect(LocalReply(relayed).statuses == [.inTransaction, .inTransaction])
    }

    @Test func aParseAnsweredByPgringIsPreparedOnTheServerAtItsFirstBind() {
        var harness = MultiplexerHarness()
        let name = Self.globalName("SELECT 1")
        harness.client.registerUnsentParse(ClientFrame.bytes([.parse("s1", "SELECT 1")]))
        #expect(harness.client.statementCount == 1)
        #expect(harness.servers[0].statements.count == 0)
        #expect(harness.send([.bind("", "s1"), .execute, .sync]) == ["P \(name) SELECT 1", "B  \(name)", "E", "S"])
        #expect(harness.receive([.parseComplete, .bindComplete, .commandComplete("SELECT 1"), .ready(.idle)]) == "2CZ")
        #expect(harness.servers[0].statements.contains(name))
        // Prepared now: nothing injected the next time.
        #expect(harness.send([.bind("", "s1"), .execute, .sync]) == ["B  \(name)", "E", "S"])
    }

    @Test func aParseAnsweredByPgringIsPreparedAtItsFirstDescribe() {
        var harness = MultiplexerHarness()
        let name = Self.globalName("SELECT 1")
        harness.client.registerUnsentParse(ClientFrame.bytes([.parse("s1", "SELECT 1")]))
        #expect(harness.send([.describeStatement("s1"), .sync]) == ["P \(name) SELECT 1", "D S \(name)", "S"])
        #expect(harness.receive([.parseComplete, .noData, .ready(.idle)]) == "nZ")
    }

    @Test func aStatusOverrideKeepsDroppingTheAnswersOfInjectedParses() throws {
        var harness = MultiplexerHarness()
        let name = Self.globalName("SELECT 1")
        harness.client.registerUnsentParse(ClientFrame.bytes([.parse("s1", "SELECT 1")]))
        let sent = harness.client.frontend(
            ClientFrame.bytes([.bind("s1", []), .execute, .sync]), server: &harness.servers[0], silentQueries: [], statusOverride: .inTransaction)
        #expect(Wire.describeFrontend(sent) == ["P \(name) SELECT 1", "B  \(name)", "E", "S"])
        let relayed = try #require(Self.relay([.parseComplete, .bindComplete, .commandComplete("SELECT 1"), .ready(.idle)], harness: &harness))
        let reply = LocalReply(relayed)
        #expect(reply.ids == "2CZ")
        #expect(reply.statuses == [.inTransaction])
        #expect(harness.servers[0].statements.contains(name))
    }

    @Test func anUnnamedParseAnsweredByPgringIsNotRegistered() {
        var harness = MultiplexerHarness()
        harness.client.registerUnsentParse(ClientFrame.bytes([.parse("", "SELECT 1")]))
        #expect(harness.client.statementCount == 0)
        #expect(harness.send([.bind("", ""), .execute, .sync]) == ["B  ", "E", "S"])
    }

    /// The machine and the multiplexer together: a unit answered by pgring (a held BEGIN) carried a named
    /// Parse; the later Bind of it is routed by its SQL and prepared on the server it reaches, after the BEGIN.
    @Test func aStatementParsedWithAHeldBeginReachesTheServerBehindTheBegin() throws {
        var session = RoutingSession()
        let sql = "SELECT * FROM accounts WHERE user_id = $1"
        let answered = session.run([.parse("by_user", sql), .parse("", "BEGIN"), .bind("", []), .execute, .sync])
        let reply = try #require(answered.reply)
        #expect(reply.ids == "112CZ")
        #expect(reply.statuses == [.inTransaction])
        let unsent = try #require(answered.unsentParses)
        #expect(unsent.map(Wire.describeFrontend) == [["P by_user \(sql)"]])

        var harness = MultiplexerHarness()
        for frame in unsent { harness.client.registerUnsentParse(frame) }
        let key = Shards.key(on: "b")
        let step = session.run([.bind("by_user", [String(key)]), .execute, .sync], held: .on("b", .primary))
        guard case .forward(let bytes, let silentQueries, let statusOverride) = step else {
            Issue.record("expected a forward, got \(step)")
            return
        }
        #expect(silentQueries == ["BEGIN"])
        let sent = harness.client.frontend(bytes, server: &harness.servers[0], silentQueries: silentQueries, statusOverride: statusOverride)
        let name = Self.globalName(sql)
        #expect(Wire.describeFrontend(sent) == ["Q BEGIN", "P \(name) \(sql)", "B  \(name)", "E", "S"])
        #expect(harness.receive([
            .commandComplete("BEGIN"), .ready(.inTransaction),
            .parseComplete, .bindComplete, .commandComplete("SELECT 1"), .ready(.inTransaction),
        ]) == "2CZ")
    }
}
