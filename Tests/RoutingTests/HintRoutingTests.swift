import HashRing
import Testing
@testable import Routing

/// Hint comments and pgring session settings.
@Suite struct HintRoutingTests {
    @Test(arguments: [
        "/* pgring:shard_key=42 */ SELECT * FROM orders",
        "SELECT * FROM orders /* pgring:shard_key=42 */",
        "SELECT * FROM orders -- pgring:shard_key=42",
        "SELECT * FROM orders /* app=web pgring:shard_key='42' other */",
        "/* outer /* pgring:shard_key=42 */ still outer */ SELECT * FROM orders",
        "/*pgring:shard_key=42*/SELECT * FROM orders",
    ])
    func shardKeyComment(sql: String) {
        #expect(Fixture.route(sql) == .shard(Fixture.shard(42), role: .replica, reason: .hint))
    }

    @Test func shardKeyCommentUsesTheKeyTypeOfTheTable() {
        #expect(Fixture.route("/* pgring:shard_key=42 */ SELECT * FROM sessions")
            == .shard(Fixture.shard(.text("42")), role: .replica, reason: .hint))
        #expect(Fixture.route("/* pgring:shard_key=42 */ SELECT my_function()")
            == .shard(Fixture.shard(.integer(42)), role: .replica, reason: .hint))
    }

    @Test func shardKeyInsideAStringIsNotAHint() {
        #expect(Fixture.rejection(Fixture.route("SELECT * FROM orders WHERE note = '/* pgring:shard_key=42 */'")) != nil)
    }

    @Test func shardCommentPicksTheShard() {
        #expect(Fixture.route("/* pgring:shard=gamma */ SELECT * FROM orders") == .shard("gamma", role: .replica, reason: .hint))
        #expect(Fixture.route("/* pgring:shard=gamma */ DELETE FROM orders") == .shard("gamma", role: .primary, reason: .hint))
        let error = Fixture.rejection(Fixture.route("/* pgring:shard=nope */ SELECT 1"))
        #expect(error?.sqlState == "22023")
        #expect(error?.message.contains("nope") == true)
    }

    @Test func targetCommentSendsAReadToThePrimary() {
        #expect(Fixture.route("/* pgring:target=primary */ SELECT * FROM orders WHERE user_id = 42")
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func sessionShardKeyAndPin() {
        let keyed = SessionHints(shardKey: "42")
        #expect(Fixture.route("SELECT * FROM orders", session: keyed) == .shard(Fixture.shard(42), role: .replica, reason: .sessionKey))
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id = 42", session: keyed)
            == .shard(Fixture.shard(42), role: .replica, reason: .sessionKey))
        let pinned = SessionHints(shardKey: "42", pinnedShard: "gamma")
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id = 42", session: pinned) == .shard("gamma", role: .replica, reason: .pin))
        #expect(Fixture.route("/* pgring:shard=beta */ SELECT 1", session: pinned) == .shard("gamma", role: .replica, reason: .pin))
    }

    @Test func commentBeatsSessionKey() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        #expect(Fixture.route("/* pgring:shard_key=\(other) */ SELECT * FROM orders", session: SessionHints(shardKey: "42"))
            == .shard(Fixture.shard(other), role: .replica, reason: .hint))
    }

    @Test func hintConflictingWithTheStatementKeyIsRejected() {
        let other = Fixture.keyOnAnotherShard(than: 42)
        let error = Fixture.rejection(Fixture.route("/* pgring:shard_key=42 */ SELECT * FROM orders WHERE user_id = \(other)"))
        #expect(error?.sqlState == "0A000")
        #expect(error?.message.contains(Fixture.shard(other)) == true)
    }

    @Test func invalidHintValue() {
        #expect(Fixture.rejection(Fixture.route("/* pgring:shard_key=abc */ SELECT * FROM orders"))?.sqlState == "22P02")
    }

    @Test func sessionTargetOverride() {
        #expect(Fixture.route("SELECT * FROM orders WHERE user_id = 42", session: SessionHints(target: .primary))
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
        #expect(Fixture.route("UPDATE orders SET total = 1 WHERE user_id = 42", session: SessionHints(target: .replica))
            == .shard(Fixture.shard(42), role: .primary, reason: .key))
    }

    @Test func pgringSettingsAreLocalCommands() {
        #expect(Fixture.route("SET pgring.shard_key = 42") == .local(.session(SessionCommand(setting: .shardKey("42")))))
        #expect(Fixture.route("SET pgring.shard_key TO 'abc'") == .local(.session(SessionCommand(setting: .shardKey("abc")))))
        #expect(Fixture.route("set pgring.shard_key = -5") == .local(.session(SessionCommand(setting: .shardKey("-5")))))
        #expect(Fixture.route("SET LOCAL pgring.shard = beta") == .local(.session(SessionCommand(setting: .shard("beta"), isLocal: true))))
        #expect(Fixture.route("SET pgring.shard TO DEFAULT") == .local(.session(SessionCommand(setting: .shard(nil)))))
        #expect(Fixture.route("RESET pgring.shard_key") == .local(.session(SessionCommand(setting: .shardKey(nil)))))
        #expect(Fixture.route("SET pgring.target = 'primary'") == .local(.session(SessionCommand(setting: .target(.primary)))))
        #expect(Fixture.route("SET pgring.shard = 'nope'").flatMapRejection?.sqlState == "22023")
        #expect(Fixture.route("SET pgring.target = sideways").flatMapRejection?.sqlState == "22023")
        #expect(Fixture.route("SET pgring.colour = 'red'").flatMapRejection?.sqlState == "42704")
        #expect(Fixture.route("SET pgring.shard_key = 1 + 2").flatMapRejection?.sqlState == "42704")
    }

    @Test func pgringSettingInsideAMultiStatementQueryIsRejected() {
        let error = Fixture.rejection(Fixture.route("SET pgring.shard_key = 42; SELECT * FROM orders"))
        #expect(error?.sqlState == "0A000")
        #expect(error?.message.contains("pgring") == true)
    }

    @Test func sessionHintsApplyCommands() {
        var hints = SessionHints()
        hints = hints.applying(SessionCommand(setting: .shardKey("7")))
        hints = hints.applying(SessionCommand(setting: .shard("beta")))
        hints = hints.applying(SessionCommand(setting: .target(.primary)))
        #expect(hints == SessionHints(shardKey: "7", pinnedShard: "beta", target: .primary))
        hints = hints.applying(SessionCommand(setting: .target(nil)))
        hints = hints.applying(SessionCommand(setting: .shard(nil)))
        #expect(hints == SessionHints(shardKey: "7", pinnedShard: nil, target: .auto))
    }
}

extension RouteDecision {
    /// The rejection error, if this is one.
    var flatMapRejection: RoutingError? { Fixture.rejection(self) }
}
