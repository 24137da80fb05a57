import Multiplexing
import NIOCore
import PGWire
import Routing
import Testing

/// ``ShardRoutingStateMachine`` and the `SET`/`SHOW pgring.*` settings it answers itself: shard key and pin
/// hints, and the read-your-writes positions.
@Suite struct ShardRoutingHintTests {
    @Test(arguments: [Int64(42), 7, 1001])
    func aSessionShardKeyRoutesLaterStatementsWithoutKey(key: Int64) throws {
        var session = RoutingSession()
        let reply = try #require(session.run([.query("SET pgring.shard_key = '\(key)'")]).reply)
        #expect(reply.ids == "CZ")
        #expect(reply.tags == ["SET"])
        #expect(reply.statuses == [.idle])
        #expect(session.pending == nil)
        #expect(session.machine.hints.shardKey == "\(key)")
        #expect(session.run([.query("SELECT * FROM accounts")]) == .lease(Target(shard: Shards.shard(of: key), role: .replica)))
        session.pending = nil
        let show = try #require(session.run([.query("SHOW pgring.shard_key")]).reply)
        #expect(show.ids == "TDCZ")
        #expect(show.rows == [["\(key)"]])
    }

    @Test func resetShardKeyAnswersResetAndStatementsWithoutKeyAreRefusedAgain() throws {
        var session = RoutingSession()
        _ = session.run([.query("SET pgring.shard_key = '42'")])
        let reset = try #require(session.run([.query("RESET pgring.shard_key")]).reply)
        #expect(reset.tags == ["RESET"])
        #expect(session.machine.hints.shardKey == nil)
        #expect(session.run([.query("SELECT * FROM accounts")]).reply?.errorCodes == ["0A000"])
    }

    @Test(arguments: ["a", "b"])
    func aShardPinSendsEveryStatementToThatShard(shard: String) throws {
        var session = RoutingSession()
        let reply = try #require(session.run([.query("SET pgring.shard = '\(shard)'")]).reply)
        #expect(reply.tags == ["SET"])
        #expect(session.machine.hints.pinnedShard == shard)
        let other = Shards.other(than: shard)
        #expect(session.run([.query("SELECT * FROM accounts")]) == .lease(Target(shard: shard, role: .replica)))
        session.pending = nil
        // The pin wins over a key of the other shard.
        #expect(session.run([.query("DELETE FROM accounts WHERE user_id = \(Shards.key(on: other))")]) == .lease(Target(shard: shard, role: .primary)))
        session.pending = nil
        #expect(session.run([.query("SHOW pgring.shard")]).reply?.rows == [[shard]])
    }

    @Test func pinningAnUnknownShardIsRefused() throws {
        var session = RoutingSession()
        let reply = try #require(session.run([.query("SET pgring.shard = 'zzz'")]).reply)
        #expect(reply.ids == "EZ")
        #expect(reply.errorCodes == ["22023"])
        #expect(session.machine.hints.pinnedShard == nil)
    }

    @Test func setLocalOfAPgringSettingIsRefused() throws {
        var session = RoutingSession()
        let reply = try #require(session.run([.query("SET LOCAL pgring.shard_key = '42'")]).reply)
        #expect(reply.errorCodes == ["0A000"])
        #expect(session.machine.hints.shardKey == nil)
    }

    @Test func aSettingWaitsWhileTheHeldServerStillAnswers() {
        var session = RoutingSession()
        #expect(session.run([.query("SET pgring.shard_key = '42'")], held: .on("a", .primary, busy: true)) == .wait)
        #expect(session.pendingLines == ["Q SET pgring.shard_key = '42'"])
        #expect(session.machine.hints.shardKey == nil)
    }

    @Test func aSettingSentThroughTheExtendedProtocolIsAnsweredMessageByMessage() throws {
        var session = RoutingSession()
        let step = session.run([.parse("set_key", "SET pgring.shard_key = '42'"), .bind("set_key", []), .execute, .sync])
        let reply = try #require(step.reply)
        #expect(reply.ids == "12CZ")
        #expect(reply.tags == ["SET"])
        #expect(session.machine.hints.shardKey == "42")
        // The named Parse was answered by pgring: the caller registers it with the multiplexer.
        let parses = try #require(step.unsentParses)
        #expect(parses.map(Wire.describeFrontend) == [["P set_key SET pgring.shard_key = '42'"]])
    }

    @Test func showOfAPgringSettingThroughTheExtendedProtocolDescribesItsColumn() throws {
        var session = RoutingSession()
        _ = session.run([.query("SET pgring.shard = 'b'")])
        let reply = try #require(session.run([.parse("", "SHOW pgring.shard"), .bind("", []), .describePortal, .execute, .sync]).reply)
        #expect(reply.ids == "12TDCZ")
        #expect(reply.rows == [["b"]])
        #expect(reply.tags == ["SHOW"])
    }

    // MARK: - Read-your-writes positions

    @Test func showLastWriteLSNPrintsEveryShardsPosition() throws {
        var session = RoutingSession()
        let empty = try #require(session.run([.query("SHOW pgring.last_write_lsn")]).reply)
        #expect(empty.ids == "TDCZ")
        #expect(empty.rows == [[""]])
        session.machine.recordWrite(shard: "b", lsn: LSN(0x1_0000_00AB))
        session.machine.recordWrite(shard: "a", lsn: LSN(0x16))
        session.machine.recordWrite(shard: "a", lsn: LSN(0x10))  // older: ignored
        let reply = try #require(session.run([.query("SHOW pgring.last_write_lsn")]).reply)
        #expect(reply.ids == "TDCZ")
        #expect(reply.rows == [["a=0/16,b=1/AB"]])
        #expect(reply.tags == ["SHOW"])
        #expect(reply.statuses == [.idle])
    }

    @Test func setMinLSNIsAnsweredAndRaisesTheMinimumForThatShard() throws {
        var session = RoutingSession()
        let reply = try #require(session.run([.query("SET pgring.min_lsn = 'a=0/10'")]).reply)
        #expect(reply.ids == "CZ")
        #expect(reply.tags == ["SET"])
        #expect(session.machine.minimumLSN(for: "a") == LSN(0x10))
        #expect(session.machine.minimumLSN(for: "b") == nil)
        #expect(session.run([.query("SHOW pgring.min_lsn")]).reply?.rows == [["a=0/10"]])
    }

    @Test func whatShowLastWriteLSNPrintsIsAcceptedBySetMinLSN() throws {
        var writer = RoutingSession()
        writer.machine.recordWrite(shard: "a", lsn: LSN(0x3_0000_0010))
        writer.machine.recordWrite(shard: "b", lsn: LSN(0xFF))
        let printed = try #require(writer.run([.query("SHOW pgring.last_write_lsn")]).reply?.rows.first?.first ?? nil)
        var reader = RoutingSession()
        #expect(reader.run([.query("SET pgring.min_lsn = '\(printed)'")]).reply?.tags == ["SET"])
        #expect(reader.machine.minimumLSN(for: "a") == LSN(0x3_0000_0010))
        #expect(reader.machine.minimumLSN(for: "b") == LSN(0xFF))
    }

    @Test(arguments: ["a=zz", "c=0/10", "0/10", "a", "a=0/10,b"])
    func anInvalidMinLSNIsRefusedAndChangesNothing(value: String) throws {
        var session = RoutingSession()
        _ = session.run([.query("SET pgring.min_lsn = 'b=0/5'")])
        let reply = try #require(session.run([.query("SET pgring.min_lsn = '\(value)'")]).reply)
        #expect(reply.ids == "EZ")
        #expect(reply.errorCodes == ["22023"])
        #expect(reply.statuses == [.idle])
        #expect(session.machine.minimumLSNs == ["b": LSN(5)])
    }

    @Test func resetMinLSNForgetsThePositions() {
        var session = RoutingSession()
        _ = session.run([.query("SET pgring.min_lsn = 'a=0/10,b=0/20'")])
        #expect(session.machine.minimumLSNs.count == 2)
        #expect(session.run([.query("RESET pgring.min_lsn")]).reply?.ids == "CZ")
        #expect(session.machine.minimumLSNs.isEmpty)
    }

    /// (last write, SET min_lsn, expected minimum), positions on shard a.
    static let minimumCases: [(UInt64?, UInt64?, UInt64?)] = [
        (nil, nil, nil),
        (0x16, nil, 0x16),
        (nil, 0x10, 0x10),
        (0x16, 0x10, 0x16),
        (0x16, 0x20, 0x20),
        (0x1_0000_0000, 0xFFFF_FFFF, 0x1_0000_0000),
    ]

    @Test(arguments: minimumCases)
    func minimumLSNIsTheLaterOfTheLastWriteAndMinLSN(input: (UInt64?, UInt64?, UInt64?)) {
        var session = RoutingSession()
        if let write = input.0 { session.machine.recordWrite(shard: "a", lsn: LSN(write)) }
        if let minimum = input.1 {
            _ = session.run([.query("SET pgring.min_lsn = 'a=\(LSN(minimum))'")])
            #expect(session.pending == nil)
        }
        #expect(session.machine.minimumLSN(for: "a") == input.2.map(LSN.init))
        #expect(session.machine.minimumLSN(for: "b") == nil)
    }

    @Test func showRingVersionAndAnUnknownPgringSetting() throws {
        var session = RoutingSession()
        #expect(session.run([.query("SHOW pgring.ring_version")]).reply?.rows == [["7"]])
        let unknown = try #require(session.run([.query("SHOW pgring.nonsense")]).reply)
        #expect(unknown.ids == "EZ")
        #expect(unknown.errorCodes == ["42704"])
    }

    @Test func aPgringSettingSentWithAnotherStatementIsRefused() throws {
        var session = RoutingSession()
        let step = session.run([
            .parse("", "SHOW pgring.shard"), .bind("", []), .execute,
            .parse("", "SELECT 1"), .bind("", []), .execute, .sync,
        ])
        let reply = try #require(step.reply)
        #expect(reply.ids == "EZ")
        #expect(reply.errorCodes == ["0A000"])
    }
}
