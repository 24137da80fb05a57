import Testing
@testable import Routing

/// Replica health and choice: `LSN`, `ShardHealthStateMachine`, `ReplicaChooser`. Topics are nested
/// suites in `ReplicaSelectionTests+*.swift`; this file holds the chooser tests and shared helpers.
@Suite struct ReplicaSelectionTests {
    /// An LSN from its text form; fails the test when it does not parse.
    static func lsn(_ text: String) -> LSN {
        guard let lsn = LSN(text) else {
            Issue.record("fixture LSN \(text) must parse")
            return LSN(0)
        }
        return lsn
    }

    static let replicas = ["r1", "r2", "r3"]

    /// Runs `count` choices with fixed positions and loads; returns how often each replica was picked
    /// (`"nil"` counts the reads that fell back to the primary).
    static func tally(
        _ count: Int,
        replicas: [String] = replicas,
        minimumLSN: LSN? = nil,
        positions: [String: LSN] = [:],
        loads: [String: Int] = [:],
        balance: ReplicaChooser.Balance
    ) -> [String: Int] {
        var chooser = ReplicaChooser()
        var counts: [String: Int] = [:]
        for _ in 0..<count {
            let choice = chooser.choose(
                replicas: replicas,
                minimumLSN: minimumLSN,
                replayLSN: { positions[$0] },
                outstanding: { loads[$0, default: 0] },
                balance: balance
            )
            counts[choice ?? "nil", default: 0] += 1
        }
        return counts
    }

    @Test(arguments: ReplicaChooser.Balance.allCases)
    func fairOverStableSet(balance: ReplicaChooser.Balance) {
        #expect(Self.tally(300, balance: balance) == ["r1": 100, "r2": 100, "r3": 100])
    }

    @Test func roundRobinOrder() {
        var chooser = ReplicaChooser()
        let picks = (0..<6).map { _ in
            chooser.choose(replicas: Self.replicas, minimumLSN: nil, replayLSN: { _ in nil }, outstanding: { _ in 0 }, balance: .roundRobin)
        }
        #expect(picks == ["r1", "r2", "r3", "r1", "r2", "r3"])
    }

    @Test(arguments: ReplicaChooser.Balance.allCases)
    func emptyGivesNil(balance: ReplicaChooser.Balance) {
        #expect(Self.tally(3, replicas: [], balance: balance) == ["nil": 3])
    }

    static let positions = ["r1": lsn("0/100"), "r2": lsn("0/200"), "r3": lsn("1/0")]

    /// Minimum LSN -> the replicas that qualify.
    static let filterCases: [(String, [String])] = [
        ("0/0", ["r1", "r2", "r3"]),
        ("0/100", ["r1", "r2", "r3"]),
        ("0/101", ["r2", "r3"]),
        ("0/200", ["r2", "r3"]),
        ("0/FFFFFFFF", ["r3"]),
        ("1/0", ["r3"]),
        ("1/1", []),
    ]

    @Test(arguments: filterCases, ReplicaChooser.Balance.allCases)
    func minimumLSNFilters(testCase: (String, [String]), balance: ReplicaChooser.Balance) {
        let (minimum, qualifying) = testCase
        let n = 60
        let counts = Self.tally(n, minimumLSN: Self.lsn(minimum), positions: Self.positions, balance: balance)
        if qualifying.isEmpty {
            #expect(counts == ["nil": n])
        } else {
            #expect(counts == Dictionary(uniqueKeysWithValues: qualifying.map { ($0, n / qualifying.count) }))
        }
    }

    @Test(arguments: ReplicaChooser.Balance.allCases)
    func unknownReplayPositionNeverQualifiesWithMinimum(balance: ReplicaChooser.Balance) {
        let positions = ["r1": Self.lsn("0/500"), "r3": Self.lsn("0/500")]  // r2 unknown
        #expect(Self.tally(10, minimumLSN: Self.lsn("0/0"), positions: positions, balance: balance) == ["r1": 5, "r3": 5])
        // Without a minimum the replay position does not matter.
        #expect(Self.tally(9, minimumLSN: nil, positions: positions, balance: balance) == ["r1": 3, "r2": 3, "r3": 3])
    }

    /// Loads -> expected tally over 12 reads.
    static let leastOutstandingCases: [([String: Int], [String: Int])] = [
        (["r1": 5, "r2": 1, "r3": 3], ["r2": 12]),
        (["r1": 2, "r2": 2, "r3": 7], ["r1": 6, "r2": 6]),
        (["r1": 0, "r2": 0, "r3": 0], ["r1": 4, "r2": 4, "r3": 4]),
        (["r1": 9, "r2": 4, "r3": 4], ["r2": 6, "r3": 6]),
    ]

    @Test(arguments: leastOutstandingCases)
    func leastOutstandingPicksMinimumAndRotatesTies(loads: [String: Int], expected: [String: Int]) {
        #expect(Self.tally(12, loads: loads, balance: .leastOutstanding) == expected)
    }

    @Test func leastOutstandingOnlyAmongQualifying() {
        // r1 is idle but too far behind for this session; r2 and r3 tie.
        let counts = Self.tally(
            4, minimumLSN: Self.lsn("0/150"), positions: Self.positions,
            loads: ["r1": 0, "r2": 3, "r3": 3], balance: .leastOutstanding
        )
        #expect(counts == ["r2": 2, "r3": 2])
    }

    @Test func leastOutstandingFollowsChangingLoad() {
        var chooser = ReplicaChooser()
        var loads = ["r1": 0, "r2": 0, "r3": 0]
        // Reads never finish: each pick raises the replica's load, so the picks spread evenly.
        for _ in 0..<9 {
            let current = loads
            guard let pick = chooser.choose(
                replicas: Self.replicas, minimumLSN: nil, replayLSN: { _ in nil },
                outstanding: { current[$0, default: 0] }, balance: .leastOutstanding
            ) else {
                Issue.record("a replica must be chosen")
                return
            }
            loads[pick, default: 0] += 1
        }
        #expect(loads == ["r1": 3, "r2": 3, "r3": 3])
    }
}
