import Testing
@testable import Routing

extension ReplicaSelectionTests {
    /// `ShardHealthStateMachine`: replicas in and out of rotation, lag, events.
    @Suite struct HealthTests {
        static let primary = "127.0.0.1:15432"
        static let replica = "127.0.0.1:15433"
        static let other = "127.0.0.1:15434"

        static func lsn(_ text: String) -> LSN { ReplicaSelectionTests.lsn(text) }

        /// A replica check with replay position `position` and replay age `age`.
        static func standby(_ position: String?, age: Double? = 1) -> ServerCheck {
            .reachable(isInRecovery: true, lsn: position.map(lsn), replayAgeSeconds: age)
        }

        /// A primary check at `position`.
        static func primaryAt(_ position: String) -> ServerCheck {
            .reachable(isInRecovery: false, lsn: lsn(position), replayAgeSeconds: nil)
        }

        /// A machine with one primary and two replicas and the given limits; the primary at `primaryLSN`
        /// when given.
        static func machine(
            maxLagBytes: UInt64 = 0,
            maxLagSeconds: Double = 0,
            primaryLSN: String? = "0/1000"
        ) -> ShardHealthStateMachine {
            var machine = ShardHealthStateMachine(
                primary: primary,
                replicas: [replica, other],
                configuration: .init(maxLagBytes: maxLagBytes, maxLagSeconds: maxLagSeconds)
            )
            if let primaryLSN {
                #expect(machine.record(primaryAt(primaryLSN), for: primary) == [])
            }
            return machine
        }

        @Test func neverCheckedReplicaIsOut() {
            let machine = Self.machine()
            #expect(!machine.inRotation(Self.replica))
            #expect(machine.status(of: Self.replica) == .outOfRotation(.notChecked))
            #expect(machine.usableReplicas == [])
            #expect(machine.replayLSN(of: Self.replica) == nil)
            #expect(machine.replicaLag(Self.replica) == (nil, nil))
        }

        @Test func firstHealthyCheckJoins() {
            var machine = Self.machine()
            #expect(machine.record(Self.standby("0/1000"), for: Self.replica) == [.joinedRotation(server: Self.replica)])
            #expect(machine.inRotation(Self.replica))
            #expect(machine.usableReplicas == [Self.replica])
            #expect(machine.replayLSN(of: Self.replica) == Self.lsn("0/1000"))
            // The same outcome again is not an event.
            #expect(machine.record(Self.standby("0/1000"), for: Self.replica) == [])
        }

        @Test func usableReplicasKeepConfigurationOrder() {
            var machine = Self.machine()
            _ = machine.record(Self.standby("0/1000"), for: Self.other)
            _ = machine.record(Self.standby("0/1000"), for: Self.replica)
            #expect(machine.usableReplicas == [Self.replica, Self.other])
        }

        /// A failing check -> the exclusion it causes, under limits 0x100 bytes / 5 seconds and the primary
        /// at 0/1000.
        static let exclusionCases: [(ServerCheck, ReplicaExclusion)] = [
            (.unreachable(error: "connection refused"), .unreachable(error: "connection refused")),
            (.reachable(isInRecovery: false, lsn: lsn("0/2000"), replayAgeSeconds: nil), .notInRecovery),
            (.reachable(isInRecovery: false, lsn: nil, replayAgeSeconds: nil), .notInRecovery),
            (standby(nil), .replayPositionUnknown),
            (standby("0/E00", age: 1), .lagBytes(0x200, limit: 0x100)),
            (standby("0/E00", age: 60), .lagBytes(0x200, limit: 0x100)),
            (standby("0/F80", age: 60), .lagSeconds(60, limit: 5)),
        ]

        @Test(arguments: exclusionCases)
        func leavesAndRejoinsRotation(failing: ServerCheck, reason: ReplicaExclusion) {
            var machine = Self.machine(maxLagBytes: 0x100, maxLagSeconds: 5)
            #expect(machine.record(Self.standby("0/1000"), for: Self.replica) == [.joinedRotation(server: Self.replica)])

            #expect(machine.record(failing, for: Self.replica) == [.leftRotation(server: Self.replica, reason: reason)])
            #expect(!machine.inRotation(Self.replica))
            #expect(machine.status(of: Self.replica) == .outOfRotation(reason))
            #expect(machine.usableReplicas == [])
            // Still failing the same way: no new event.
            #expect(machine.record(failing, for: Self.replica) == [])

            #expect(machine.record(Self.standby("0/FF0"), for: Self.replica) == [.joinedRotation(server: Self.replica)])
            #expect(machine.inRotation(Self.replica))
        }

        @Test(arguments: exclusionCases)
        func firstCheckFailingKeepsOut(failing: ServerCheck, reason: ReplicaExclusion) {
            var machine = Self.machine(maxLagBytes: 0x100, maxLagSeconds: 5)
            #expect(machine.record(failing, for: Self.replica) == [.keptOutOfRotation(server: Self.replica, reason: reason)])
            #expect(!machine.inRotation(Self.replica))
        }

        @Test func newKindOfReasonWhileOutIsReported() {
            var machine = Self.machine(maxLagBytes: 0x100)
            _ = machine.record(Self.standby("0/1000"), for: Self.replica)
            #expect(machine.record(.unreachable(error: "timeout"), for: Self.replica)
                == [.leftRotation(server: Self.replica, reason: .unreachable(error: "timeout"))])
            // A different error text is the same kind of reason.
            #expect(machine.record(.unreachable(error: "refused"), for: Self.replica) == [])
            #expect(machine.record(Self.standby("0/0"), for: Self.replica)
                == [.keptOutOfRotation(server: Self.replica, reason: .lagBytes(0x1000, limit: 0x100))])
            // Lag changes but stays over the limit: no event, the status carries the new value.
            #expect(machine.record(Self.standby("0/800"), for: Self.replica) == [])
            #expect(machine.status(of: Self.replica) == .outOfRotation(.lagBytes(0x800, limit: 0x100)))
        }

        @Test func idleCaughtUpReplicaWithOldReplayStaysIn() {
            var machine = Self.machine(maxLagSeconds: 5)
            // Nothing written for a day: the replay age is huge, but the replica is at the primary's position.
            #expect(machine.record(Self.standby("0/1000", age: 86_400), for: Self.replica) == [.joinedRotation(server: Self.replica)])
            #expect(machine.replicaLag(Self.replica) == (0, 0))
            // Also when it has replayed past the last primary position we know.
            #expect(machine.record(Self.standby("0/1200", age: 86_400), for: Self.replica) == [])
            #expect(machine.replicaLag(Self.replica) == (0, 0))
            #expect(machine.inRotation(Self.replica))
        }

        @Test func behindReplicaWithOldReplayLeaves() {
            var machine = Self.machine(maxLagSeconds: 5)
            _ = machine.record(Self.standby("0/1000", age: 86_400), for: Self.replica)
            _ = machine.record(Self.primaryAt("0/1001"), for: Self.primary)
            #expect(machine.record(Self.standby("0/1000", age: 86_401), for: Self.replica)
                == [.leftRotation(server: Self.replica, reason: .lagSeconds(86_401, limit: 5))])
            #expect(machine.replicaLag(Self.replica) == (1, 86_401))
        }

        @Test func lagSecondsAtTheLimitStaysIn() {
            var machine = Self.machine(maxLagSeconds: 5)
            _ = machine.record(Self.standby("0/F00", age: 5), for: Self.replica)
            #expect(machine.inRotation(Self.replica))
            _ = machine.record(Self.standby("0/F00", age: 5.001), for: Self.replica)
            #expect(!machine.inRotation(Self.replica))
        }

        @Test func behindWithoutReplayTimestampHasUnknownSeconds() {
            var machine = Self.machine(maxLagSeconds: 5)
            _ = machine.record(Self.standby("0/F00", age: nil), for: Self.replica)
            #expect(machine.inRotation(Self.replica))
            #expect(machine.replicaLag(Self.replica) == (0x100, nil))
        }

        @Test func negativeReplayAgeFromClockSkewIsZero() {
            var machine = Self.machine(maxLagSeconds: 5)
            _ = machine.record(Self.standby("0/F00", age: -3), for: Self.replica)
            #expect(machine.replicaLag(Self.replica) == (0x100, 0))
        }

        /// (primary, replica, bytes)
        @Test(arguments: [
            ("0/1000", "0/1000", 0),
            ("0/1000", "0/400", 0xC00),
            ("1/0", "0/FFFFFF00", 0x100),
            ("16/B374D848", "16/B3000000", 0x74_D848),
            ("0/1000", "0/2000", 0),
        ] as [(String, String, UInt64)])
        func lagBytesFromPrimaryPosition(primaryLSN: String, replicaLSN: String, bytes: UInt64) {
            var machine = Self.machine(primaryLSN: primaryLSN)
            _ = machine.record(Self.standby(replicaLSN), for: Self.replica)
            #expect(machine.replicaLag(Self.replica).bytes == bytes)
            #expect(machine.inRotation(Self.replica))
        }

        @Test func unknownPrimaryPositionNeverBansForLag() {
            var machine = Self.machine(maxLagBytes: 1, maxLagSeconds: 1, primaryLSN: nil)
            #expect(machine.record(Self.standby("0/0", age: 10_000), for: Self.replica) == [.joinedRotation(server: Self.replica)])
            #expect(machine.replicaLag(Self.replica) == (nil, nil))
        }

        @Test func primaryCheckMovesNoReplicaButCountsAtItsNextCheck() {
            var machine = Self.machine(maxLagBytes: 0x100)
            _ = machine.record(Self.standby("0/1000"), for: Self.replica)
            #expect(machine.record(Self.primaryAt("0/9000"), for: Self.primary) == [])
            #expect(machine.inRotation(Self.replica))
            #expect(machine.replicaLag(Self.replica).bytes == 0)
            #expect(machine.record(Self.standby("0/1000"), for: Self.replica)
                == [.leftRotation(server: Self.replica, reason: .lagBytes(0x8000, limit: 0x100))])
        }

        @Test func unreachablePrimaryKeepsLastPosition() {
            var machine = Self.machine(maxLagBytes: 0x100)
            #expect(machine.record(.unreachable(error: "down"), for: Self.primary) == [])
            #expect(machine.primaryLSN == Self.lsn("0/1000"))
            #expect(machine.lastCheck(of: Self.primary) == .unreachable(error: "down"))
            #expect(machine.replayLSN(of: Self.primary) == nil)
            _ = machine.record(Self.standby("0/0"), for: Self.replica)
            #expect(machine.status(of: Self.replica) == .outOfRotation(.lagBytes(0x1000, limit: 0x100)))
        }

        @Test func unreachableReplicaHasNoPosition() {
            var machine = Self.machine()
            _ = machine.record(Self.standby("0/1000"), for: Self.replica)
            _ = machine.record(.unreachable(error: "timeout"), for: Self.replica)
            #expect(machine.replayLSN(of: Self.replica) == nil)
            #expect(machine.replicaLag(Self.replica) == (nil, nil))
        }

        @Test func unknownServerIsIgnored() {
            var machine = Self.machine()
            #expect(machine.record(Self.standby("0/1000"), for: "10.0.0.9:5432") == [])
            #expect(!machine.inRotation("10.0.0.9:5432"))
            #expect(machine.status(of: "10.0.0.9:5432") == nil)
            #expect(!machine.inRotation(Self.primary))
        }

        @Test func reconfigureReevaluates() {
            var machine = Self.machine()
            _ = machine.record(Self.standby("0/800", age: 30), for: Self.replica)
            #expect(machine.inRotation(Self.replica))
            #expect(machine.reconfigure(.init(maxLagBytes: 0x100)) == [
                .leftRotation(server: Self.replica, reason: .lagBytes(0x800, limit: 0x100)),
            ])
            #expect(machine.reconfigure(.init(maxLagBytes: 0, maxLagSeconds: 10)) == [
                .keptOutOfRotation(server: Self.replica, reason: .lagSeconds(30, limit: 10)),
            ])
            #expect(machine.reconfigure(.init()) == [.joinedRotation(server: Self.replica)])
            // The never-checked replica stays out and silent.
            #expect(machine.status(of: Self.other) == .outOfRotation(.notChecked))
        }

        @Test func chooserOverHealthyReplicas() {
            var machine = Self.machine(maxLagBytes: 0x100)
            _ = machine.record(Self.standby("0/1000"), for: Self.replica)
            _ = machine.record(Self.standby("0/F80"), for: Self.other)
            var chooser = ReplicaChooser()
            let fresh = chooser.choose(
                replicas: machine.usableReplicas, minimumLSN: Self.lsn("0/FC0"),
                replayLSN: { machine.replayLSN(of: $0) }, outstanding: { _ in 0 }, balance: .roundRobin
            )
            #expect(fresh == Self.replica)
            let none = chooser.choose(
                replicas: machine.usableReplicas, minimumLSN: Self.lsn("0/1001"),
                replayLSN: { machine.replayLSN(of: $0) }, outstanding: { _ in 0 }, balance: .roundRobin
            )
            #expect(none == nil)
        }
    }
}
