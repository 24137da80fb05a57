import Multiplexing
import NIOCore
import PGWire
import Testing

/// When a transaction-mode client's server connection can go back to the pool (protocol 55.2 message flow).
@Suite struct ReleaseRuleTests {
    @Test func aSimpleQueryIsDoneAtReadyForQueryIdle() {
        var harness = MultiplexerHarness()
        #expect(harness.client.canRelease)
        _ = harness.send([.query("SELECT 1")])
        #expect(harness.client.canRelease == false)
        _ = harness.receive([.commandComplete("SELECT 1")])
        #expect(harness.client.canRelease == false)
        _ = harness.receive([.ready(.idle)])
        #expect(harness.client.canRelease)
    }

    @Test func aPipelineIsDoneOnlyWhenEverySyncIsAnswered() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("", "SELECT 1"), .bind("", ""), .execute, .sync, .bind("", ""), .execute, .sync])
        _ = harness.receive([.parseComplete, .bindComplete, .commandComplete("SELECT 1"), .ready(.idle)])
        #expect(harness.client.canRelease == false)
        #expect(harness.client.readyForQueryOutstanding == 1)
        _ = harness.receive([.bindComplete, .commandComplete("SELECT 1"), .ready(.idle)])
        #expect(harness.client.canRelease)
    }

    @Test func messagesAfterTheLastSyncKeepTheConnection() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("SELECT 1"), .parse("", "SELECT 2"), .bind("", ""), .execute, .flush])
        _ = harness.receive([.commandComplete("SELECT 1"), .ready(.idle), .parseComplete, .bindComplete, .commandComplete("SELECT 1")])
        #expect(harness.client.unsynced)
        #expect(harness.client.canRelease == false)
        _ = harness.send([.sync])
        _ = harness.receive([.ready(.idle)])
        #expect(harness.client.canRelease)
    }

    @Test func anOpenTransactionBlockKeepsTheConnection() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("BEGIN")])
        _ = harness.receive([.commandComplete("BEGIN"), .ready(.inTransaction)])
        #expect(harness.client.canRelease == false)
        _ = harness.send([.query("SELECT nope")])
        _ = harness.receive([.error("42703"), .ready(.failedTransaction)])
        #expect(harness.client.canRelease == false)
        _ = harness.send([.query("ROLLBACK")])
        _ = harness.receive([.commandComplete("ROLLBACK"), .ready(.idle)])
        #expect(harness.client.canRelease)
    }

    @Test func anErrorInAPipelineStillEndsAtItsSync() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("", "SELEC"), .bind("", ""), .execute, .sync])
        _ = harness.receive([.error("42601"), .ready(.idle)])
        #expect(harness.client.canRelease)
    }

    @Test func statementModeFlagsATransactionBlock() {
        var harness = MultiplexerHarness(statementMode: true)
        _ = harness.send([.query("SELECT 1")])
        _ = harness.receive([.commandComplete("SELECT 1"), .ready(.idle)])
        #expect(harness.client.violatesStatementMode == false)
        _ = harness.send([.query("BEGIN")])
        _ = harness.receive([.commandComplete("BEGIN"), .ready(.inTransaction)])
        #expect(harness.client.violatesStatementMode)
    }

    @Test func listenPinsUntilUnlistenAll() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("LISTEN jobs")])
        _ = harness.receive([.commandComplete("LISTEN"), .ready(.idle)])
        #expect(harness.client.canRelease == false)
        _ = harness.send([.query("UNLISTEN *")])
        _ = harness.receive([.commandComplete("UNLISTEN"), .ready(.idle)])
        #expect(harness.client.canRelease)
    }

    @Test(arguments: [
        "CREATE TEMP TABLE t (id int)",
        "SELECT pg_advisory_lock(42)",
        "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
        "PREPARE p AS SELECT 1",
    ])
    func sessionBoundStateKeepsTheConnection(sql: String) {
        var harness = MultiplexerHarness()
        _ = harness.send([.query(sql)])
        _ = harness.receive([.commandComplete("X"), .ready(.idle)])
        #expect(harness.client.canRelease == false, "\(sql)")
        #expect(harness.client.pins.isEmpty == false)
    }

    @Test func discardAllUnpins() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("CREATE TEMP TABLE t (id int)")])
        _ = harness.receive([.commandComplete("CREATE TABLE"), .ready(.idle)])
        _ = harness.send([.query("DISCARD ALL")])
        _ = harness.receive([.commandComplete("DISCARD ALL"), .ready(.idle)])
        #expect(harness.client.canRelease)
    }
}
