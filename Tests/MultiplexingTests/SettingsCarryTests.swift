import Multiplexing
import NIOCore
import PGWire
import Testing

/// Session settings follow a transaction-mode client from one server connection to the next, by difference.
@Suite struct SettingsCarryTests {
    static let startup = ["application_name": "SELECT pg_catalog.set_config('application_name', 'app', false)"]

    @Test func startupSettingsAreReplayedOnAFreshServerOnce() {
        var harness = MultiplexerHarness(startup: Self.startup)
        #expect(harness.client.settingsReplay(for: harness.servers[0]) == Self.startup["application_name"])
        harness.client.settingsReplayed(on: &harness.servers[0])
        #expect(harness.client.settingsReplay(for: harness.servers[0]) == nil)
    }

    @Test func aSetOutsideATransactionIsCarriedAfterItSucceeded() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("SET statement_timeout = '5s'")], to: 0)
        #expect(harness.client.settingsReplay(for: harness.servers[1]) == nil)
        _ = harness.receive([.commandComplete("SET"), .ready(.idle)], from: 0)
        #expect(harness.client.settingsReplay(for: harness.servers[0]) == nil)
        #expect(harness.client.settingsReplay(for: harness.servers[1]) == "SET statement_timeout = '5s'")
    }

    @Test func aFailedSetIsNotCarried() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("SET statement_timeout = 'soon'")])
        _ = harness.receive([.error("22023"), .ready(.idle)])
        #expect(harness.client.settingsReplay(for: harness.servers[1]) == nil)
    }

    @Test func aSetInsideACommittedTransactionIsCarried() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("BEGIN")])
        _ = harness.receive([.commandComplete("BEGIN"), .ready(.inTransaction)])
        _ = harness.send([.query("SET TIME ZONE 'UTC'")])
        _ = harness.receive([.commandComplete("SET"), .ready(.inTransaction)])
        #expect(harness.client.settingsReplay(for: harness.servers[1]) == nil)
        _ = harness.send([.query("COMMIT")])
        _ = harness.receive([.commandComplete("COMMIT"), .ready(.idle)])
        #expect(harness.client.settingsReplay(for: harness.servers[1]) == "SET TIME ZONE 'UTC'")
    }

    @Test(arguments: [["ROLLBACK"], ["COMMIT-after-error"]])
    func aSetInsideARolledBackTransactionIsNotCarried(ending: [String]) {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("BEGIN; SET search_path = a")])
        _ = harness.receive([.commandComplete("BEGIN"), .commandComplete("SET"), .ready(.inTransaction)])
        if ending == ["ROLLBACK"] {
            _ = harness.send([.query("ROLLBACK")])
            _ = harness.receive([.commandComplete("ROLLBACK"), .ready(.idle)])
        } else {
            _ = harness.send([.query("SELECT nope")])
            _ = harness.receive([.error("42703"), .ready(.failedTransaction)])
            _ = harness.send([.query("COMMIT")])
            _ = harness.receive([.commandComplete("ROLLBACK"), .ready(.idle)])
        }
        #expect(harness.client.settingsReplay(for: harness.servers[1]) == nil)
    }

    @Test func resetGoesBackToTheStartupValueAndResetsOtherServers() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("SET work_mem = '64MB'")], to: 0)
        _ = harness.receive([.commandComplete("SET"), .ready(.idle)], from: 0)
        _ = harness.send([.query("RESET work_mem")], to: 0)
        _ = harness.receive([.commandComplete("RESET"), .ready(.idle)], from: 0)
        #expect(harness.client.settingsReplay(for: harness.servers[0]) == nil)
        // A server that another client left with a value gets it reset.
        var server = ServerSessionState(maxPreparedStatements: 10)
        server.settings["work_mem"] = "SET work_mem = '1GB'"
        #expect(harness.client.settingsReplay(for: server) == "RESET work_mem")
    }

    @Test func roleAndSessionAuthorizationAreReplayedFirst() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("SET search_path = b; SET ROLE reader")])
        _ = harness.receive([.commandComplete("SET"), .commandComplete("SET"), .ready(.idle)])
        #expect(harness.client.settingsReplay(for: harness.servers[1]) == "SET ROLE reader; SET search_path = b")
    }

    @Test func setLocalIsNotCarried() {
        var harness = MultiplexerHarness()
        _ = harness.send([.query("BEGIN; SET LOCAL work_mem = '1MB'; COMMIT")])
        _ = harness.receive([.commandComplete("BEGIN"), .commandComplete("SET"), .commandComplete("COMMIT"), .ready(.idle)])
        #expect(harness.client.settingsReplay(for: harness.servers[1]) == nil)
    }

    @Test func aSetThroughTheExtendedProtocolIsCarried() {
        var harness = MultiplexerHarness()
        _ = harness.send([.parse("", "SET application_name = 'x'"), .bind("", ""), .execute, .sync])
        _ = harness.receive([.parseComplete, .bindComplete, .commandComplete("SET"), .ready(.idle)])
        #expect(harness.client.settingsReplay(for: harness.servers[1]) == "SET application_name = 'x'")
    }
}
