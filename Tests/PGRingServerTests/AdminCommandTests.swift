import Rebalancing
import Testing

@testable import PGRingServer

/// Parsing of admin console commands, the REBALANCE family in particular (docs/admin.md, docs/rebalancing.md).
@Suite("AdminCommand")
struct AdminCommandTests {
    @Test func rebalanceCommandsParseWithTheirRoles() throws {
        let add = try AdminCommand.parse("rebalance start ADD shard2 PRIMARY 10.0.0.3:5432 replica 10.0.0.4:5432 REPLICA '10.0.0.5:5432' WEIGHT 2 copy_schema;").get()
        #expect(add == .rebalance(.start(.add(ShardSpec(name: "shard2", weight: 2, primary: "10.0.0.3:5432",
                                                           replicas: ["10.0.0.4:5432", "10.0.0.5:5432"])), copySchema: true)))
        #expect(add.requiredRole == .admin)
        let plan = try AdminCommand.parse("REBALANCE PLAN REMOVE \"shard 1\"").get()
        #expect(plan == .rebalance(.plan(.remove(name: "shard 1"), copySchema: false)))
        #expect(plan.requiredRole == .stats)
        #expect(try AdminCommand.parse("REBALANCE PLAN REWEIGHT s 3").get() == .rebalance(.plan(.reweight(name: "s", weight: 3), copySchema: false)))
        #expect(try AdminCommand.parse("REBALANCE abort").get() == .rebalance(.abort))
        #expect(try AdminCommand.parse("rebalance RESUME").get() == .rebalance(.resume))
        #expect(try AdminCommand.parse("REBALANCE CLEANUP").get() == .rebalance(.cleanup))
        #expect(try AdminCommand.parse("SHOW REBALANCE").get() == .show(.rebalance))
    }

    @Test(arguments: [
        ("REBALANCE", "REBALANCE PLAN|START"),
        ("REBALANCE START ADD x", "ADD needs PRIMARY host:port"),
        ("REBALANCE START ADD x PRIMARY", "PRIMARY needs a value"),
        ("REBALANCE START ADD x PRIMARY nowhere", "nowhere is not a host:port address"),
        ("REBALANCE START ADD x PRIMARY h:1 WEIGHT heavy", "WEIGHT must be an integer"),
        ("REBALANCE START ADD x PRIMARY h:1 COLOR red", "unknown word COLOR"),
        ("REBALANCE PLAN REMOVE a b", "REMOVE takes one shard name"),
        ("REBALANCE PLAN REWEIGHT a", "REWEIGHT takes a shard name and an integer weight"),
        ("REBALANCE ABORT now", "REBALANCE ABORT takes no arguments"),
    ])
    func badRebalanceCommandsSayWhatIsWrong(sql: String, message: String) {
        guard case .failure(.invalid(let text)) = AdminCommand.parse(sql) else {
            Issue.record("\(sql) should be invalid")
            return
        }
        #expect(text.contains(message), "\(text)")
    }
}
