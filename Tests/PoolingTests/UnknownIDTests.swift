import Pooling
import Testing

@Suite("Unknown and stale IDs")
struct UnknownIDTests {
    /// An event a buggy or racing I/O layer might send about a connection the pool does not count in that state.
    enum StrayEvent: String, CaseIterable, CustomStringConvertible {
        /// A release of a connection that is not leased.
        case release
        /// A non-reusable release of a connection that is not leased.
        case releaseNotReusable
        /// A server close of a connection the pool does not know.
        case closed
        /// A failed attempt for a connection that is not connecting.
        case failed

        var description: String { rawValue }

        func send(_ id: PoolConnectionID, to harness: inout PoolHarness) -> [PoolAction] {
            switch self {
            case .release:
                return harness.release(id)
            case .releaseNotReusable:
                return harness.release(id, reusable: false)
            case .closed:
                return harness.closed(id)
            case .failed:
                return harness.failed(id)
            }
        }
    }

    /// A pool with conn 0 leased to "a", conn 1 leased to "c" and conn 2 still connecting.
    func busyPool() -> PoolHarness {
        var harness = PoolHarness(testConfiguration(maxConnections: 3))
        harness.leaseNewConnection("a", expected: conn(0))
        harness.leaseNewConnection("b", expected: conn(1))
        _ = harness.release(conn(1))
        _ = harness.lease("x")  // takes conn 1 ...
        _ = harness.lease("c")  // ... so c needs conn 2
        #expect(harness.release(conn(1)) == [.lease(conn(1), to: "c")])
        #expect(harness.counts == Counts(leased: 2, connecting: 1))
        return harness
    }

    @Test("events for IDs the pool never handed out do nothing", arguments: StrayEvent.allCases, [conn(99), conn(UInt64.max)])
    func neverHandedOut(event: StrayEvent, id: PoolConnectionID) {
        var harness = busyPool()
        let before = harness.pool.snapshot
        #expect(event.send(id, to: &harness) == [])
        #expect(harness.pool.snapshot == before)
    }

    @Test("events for a connection that is closed already do nothing", arguments: StrayEvent.allCases)
    func alreadyClosed(event: StrayEvent) {
        var harness = PoolHarness(testConfiguration(maxConnections: 2))
        harness.leaseNewConnection("a", expected: conn(0))
        _ = harness.release(conn(0), reusable: false)
        #expect(event.send(conn(0), to: &harness) == [])
        #expect(harness.counts == Counts())
    }

    @Test("an established report for an ID the pool never handed out is answered by closing it")
    func establishedUnknown() {
        var harness = PoolHarness()
        #expect(harness.established(conn(7)) == [.closeConnection(conn(7))])
        #expect(harness.counts == Counts())
    }

    @Test("a second established report for a leased or idle connection is ignored")
    func establishedTwice() {
        var harness = PoolHarness()
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.established(conn(0)) == [])
        _ = harness.release(conn(0))
        #expect(harness.established(conn(0)) == [])
        #expect(harness.counts == Counts(idle: 1))
    }

    @Test("a failure report for an established connection is ignored (the close report is what counts)")
    func failedAfterEstablished() {
        var harness = PoolHarness()
        harness.leaseNewConnection("a", expected: conn(0))
        #expect(harness.failed(conn(0)) == [])
        #expect(harness.counts == Counts(leased: 1))
    }
}
