import Multiplexing
import NIOCore
import PGWire
import Testing

/// Named prepared statements in transaction mode: renamed to pgring-wide names, prepared on whichever server
/// connection the client holds only where missing, answers to pgring's own messages dropped.
@Suite struct PreparedStatementTests {
    /// Computed independently: "pgring_" + the first 16 bytes of SHA-256("SELECT 1\0" + Int16 0) in hex (Python hashlib).
    static let select1 = "pgring_b1042ee1ac35ef0dad64d6c4f86f40b3"
    /// SHA-256("SELECT $1\0" + Int16 1 + UInt32 23).
    static let selectInt4 = "pgring_74d920206644c6c5b4c3fa51671842cd"

    @Test func namesAreTheSHA256OfTheParseBody() {
        var body = ByteBuffer()
        body.writeString("SELECT 1")
        body.writeInteger(UInt8(0))
        body.writeInteger(Int16(0))
        #expect(StatementNaming.globalName(forParseBody: body) == Self.select1)
        var typed = ByteBuffer()
        typed.writeString("SELECT $1")
        typed.writeInteger(UInt8(0))
        typed.writeInteger(Int16(1))
        typed.writeInteger(UInt32(23))
        #expect(StatementNaming.globalName(forParseBody: typed) == Self.selectInt4)
    }

    @Test func unnamedStatementsPassThroughByteIdentical() {
        var harness = MultiplexerHarness()
        let bytes = Wire.frontend([.parse("", "SELECT 1"), .bind("", ""), .describeStatement(""), .execute, .sync])
        let sent = harness.client.frontend(bytes, server: &harness.servers[0])
        #expect(sent == bytes)
        #expect(harness.receive([.parseComplete, .bindComplete, .noData, .commandComplete("SELECT 1"), .ready(.idle)]) == "12nCZ")
        #expect(harness.client.canRelease)
    }

    @Test func namedParseIsRenamedAndItsAnswerRelayed() {
        var harness = MultiplexerHarness()
        #expect(harness.send([.parse("s1", "SELECT 1"), .describeStatement("s1"), .sync]) == [
            "P \(Self.select1) SELECT 1", "D S \(Self.select1)", "S",
        ])
        #expect(harness.receive([.parseComplete, .noData, .ready(.idle)]) == "1nZ")
        #expect(harness.servers[0].statements.contains(Self.select1))
        #expect(harness.client.statementCount == 1)
    }

    @Test func bindOnAServerThatHasTheStatementSendsNoParse() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("s1", "SELECT 1"), .sync])
        _ = harness.receive([.parseComplete, .ready(.idle)])
        #expect(harness.send([.bind("", "s1"), .execute, .sync]) == ["B  \(Self.select1)", "E", "S"])
        #expect(harness.receive([.bindComplete, .commandComplete("SELECT 1"), .ready(.idle)]) == "2CZ")
    }

    @Test func bindOnAnotherServerPreparesFirstAndDropsThatParseComplete() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("s1", "SELECT 1"), .sync], to: 0)
        _ = harness.receive([.parseComplete, .ready(.idle)], from: 0)
        #expect(harness.send([.bind("", "s1"), .execute, .sync], to: 1) == [
            "P \(Self.select1) SELECT 1", "B  \(Self.select1)", "E", "S",
        ])
        #expect(harness.receive([.parseComplete, .bindComplete, .commandComplete("SELECT 1"), .ready(.idle)], from: 1) == "2CZ")
        #expect(harness.servers[1].statements.contains(Self.select1))
        // Next time on that server: nothing injected.
        #expect(harness.send([.bind("", "s1"), .execute, .sync], to: 1) == ["B  \(Self.select1)", "E", "S"])
    }

    @Test func answersSplitAcrossBatchesAreAlignedToo() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("s1", "SELECT 1"), .sync], to: 0)
        _ = harness.receive([.parseComplete, .ready(.idle)], from: 0)
        _ = harness.send([.query("SELECT 2"), .bind("", "s1"), .execute, .sync], to: 1)
        #expect(harness.receive([.commandComplete("SELECT 1")], from: 1) == "C")
        #expect(harness.client.canRelease == false)
        #expect(harness.receive([.ready(.idle), .parseComplete], from: 1) == "Z")
        #expect(harness.receive([.bindComplete, .commandComplete("SELECT 1"), .ready(.idle)], from: 1) == "2CZ")
        #expect(harness.client.canRelease)
    }

    @Test func reparsingAStatementTheServerHasClosesItFirst() {
        var harness = MultiplexerHarness()
        // Another client prepared the same SQL on server 0.
        var other = TransactionMultiplexer(isStatementMode: false, maxPreparedStatements: 200, startupSettings: [:])
        _ = other.frontend(Wire.frontend([.parse("x", "SELECT 1"), .sync]), server: &harness.servers[0])
        #expect(harness.send([.parse("mine", "SELECT 1"), .sync]) == ["C S \(Self.select1)", "P \(Self.select1) SELECT 1", "S"])
        #expect(harness.receive([.closeComplete, .parseComplete, .ready(.idle)]) == "1Z")
    }

    @Test func closeKeepsTheServerStatementButForgetsTheClientName() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("s1", "SELECT 1"), .sync])
        _ = harness.receive([.parseComplete, .ready(.idle)])
        #expect(harness.send([.closeStatement("s1"), .sync]) == ["C S \(StatementNaming.nothing)", "S"])
        #expect(harness.receive([.closeComplete, .ready(.idle)]) == "3Z")
        #expect(harness.servers[0].statements.contains(Self.select1))
        // The name is gone for the client: a Bind of it goes through untouched and the server will refuse it.
        #expect(harness.send([.bind("", "s1"), .sync]) == ["B  s1", "S"])
    }

    @Test func aFailedParseLeavesNeitherClientNorServerWithTheStatement() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("bad", "SELEC 1"), .describeStatement("bad"), .sync])
        #expect(harness.receive([.error("42601"), .ready(.idle)]) == "EZ")
        #expect(harness.servers[0].statements.count == 0)
        #expect(harness.client.statementCount == 0)
    }

    @Test func aFailedInjectedParseIsForgottenSoItIsSentAgain() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("s1", "SELECT 1"), .sync], to: 0)
        _ = harness.receive([.parseComplete, .ready(.idle)], from: 0)
        _ = harness.send([.bind("", "s1"), .execute, .sync], to: 1)
        #expect(harness.receive([.error("42P01"), .ready(.idle)], from: 1) == "EZ")
        #expect(harness.servers[1].statements.contains(Self.select1) == false)
        #expect(harness.send([.bind("", "s1"), .sync], to: 1).first == "P \(Self.select1) SELECT 1")
    }

    @Test func aFullServerCacheClosesTheLeastRecentlyUsedStatement() {
        var harness = MultiplexerHarness(maxPreparedStatements: 2)
        _ = harness.send([.parse("a", "SELECT 1"), .parse("b", "SELECT 2"), .sync])
        _ = harness.receive([.parseComplete, .parseComplete, .ready(.idle)])
        _ = harness.send([.bind("", "a"), .sync])  // a is now the most recently used
        _ = harness.receive([.bindComplete, .ready(.idle)])
        let sent = harness.send([.parse("c", "SELECT 3"), .sync])
        #expect(sent.count == 3)
        #expect(sent[0].hasPrefix("C S pgring_"))
        #expect(sent[0] != "C S \(Self.select1)")
        #expect(sent[1].hasPrefix("P pgring_") && sent[1].hasSuffix("SELECT 3"))
        #expect(harness.receive([.closeComplete, .parseComplete, .ready(.idle)]) == "1Z")
        #expect(harness.servers[0].statements.count == 2)
        #expect(harness.servers[0].statements.contains(Self.select1))
    }

    @Test func sameSQLWithDifferentParameterTypesGetsDifferentNames() {
        var harness = MultiplexerHarness()
        let untyped = harness.send([.parse("a", "SELECT $1")])
        let typed = harness.send([.parse("b", "SELECT $1", [23])])
        #expect(untyped != typed)
        #expect(typed == ["P \(Self.selectInt4) SELECT $1"])
    }

    @Test func deallocateOfARenamedStatementDeallocatesItsGlobalName() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("s1", "SELECT 1"), .sync], to: 0)
        _ = harness.receive([.parseComplete, .ready(.idle)], from: 0)
        #expect(harness.send([.query("DEALLOCATE s1")], to: 1) == ["P \(Self.select1) SELECT 1", "Q DEALLOCATE \"\(Self.select1)\""])
        #expect(harness.receive([.parseComplete, .commandComplete("DEALLOCATE"), .ready(.idle)], from: 1) == "CZ")
        #expect(harness.client.statementCount == 0)
        #expect(harness.servers[1].statements.contains(Self.select1) == false)
    }

    @Test func deallocateAllForgetsEverything() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("s1", "SELECT 1"), .sync])
        _ = harness.receive([.parseComplete, .ready(.idle)])
        #expect(harness.send([.query("DEALLOCATE ALL")]) == ["Q DEALLOCATE ALL"])
        #expect(harness.receive([.commandComplete("DEALLOCATE ALL"), .ready(.idle)]) == "CZ")
        #expect(harness.client.statementCount == 0)
        #expect(harness.servers[0].statements.count == 0)
    }

    @Test func aPreparedDeallocateAllTakesEffectWhenExecutedNotWhenParsed() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("s1", "SELECT 1"), .parse("d", "DEALLOCATE ALL"), .describeStatement("d"), .sync])
        _ = harness.receive([.parseComplete, .parseComplete, .noData, .ready(.idle)])
        #expect(harness.client.statementCount == 2)
        #expect(harness.servers[0].statements.contains(Self.select1))
        _ = harness.send([.bind("", "d"), .execute, .sync])
        _ = harness.receive([.bindComplete, .commandComplete("DEALLOCATE ALL"), .ready(.idle)])
        #expect(harness.client.statementCount == 0)
        #expect(harness.servers[0].statements.count == 0)
    }

    @Test func prepareSupportOffPassesNamesThrough() {
        var harness = MultiplexerHarness(maxPreparedStatements: 0)
        #expect(harness.send([.parse("s1", "SELECT 1"), .bind("", "s1"), .sync]) == ["P s1 SELECT 1", "B  s1", "S"])
    }
}
