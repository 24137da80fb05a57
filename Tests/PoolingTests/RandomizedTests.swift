import Pooling
import Testing

/// What the I/O layer knows, rebuilt independently from the actions the pool emits. Every action is checked
/// against it, and after every event its counts must equal the pool's snapshot.
struct IOModel {
    /// The pool's (effective) limits, to check counts and timeouts against.
    let limits: PoolEffectiveLimits
    /// Requests that got neither a lease nor a failure yet, in the order they asked (the FIFO the pool must
    /// follow).
    var waitingInOrder: [String] = []
    /// When each waiting request asked.
    var askedAt: [String: PoolInstant] = [:]
    /// Requests that got their one answer (a lease or a failure).
    var answered: Set<String> = []
    /// Every connection ID the pool ever asked to open.
    var created: Set<PoolConnectionID> = []
    /// Attempts in flight.
    var connecting: Set<PoolConnectionID> = []
    /// Established connections not closed yet (idle or leased).
    var open: Set<PoolConnectionID> = []
    /// Which request holds each leased connection.
    var holder: [PoolConnectionID: String] = [:]
    /// IDs the pool closed or that died; events for them are stray from now on.
    var gone: Set<PoolConnectionID> = []
    /// How many leases were handed out, for the coverage check at the end.
    var leaseCount = 0
    /// How many failures of each kind were seen, for the coverage check at the end.
    var failureCounts: [String: Int] = [:]

    /// Checks `actions` (emitted at `now`) against the model and applies them.
    mutating func apply(_ actions: [PoolAction], now: PoolInstant, sourceLocation: SourceLocation = #_sourceLocation) {
        for action in actions {
            switch action {
            case .createConnection(let id):
                #expect(!created.contains(id), "ID \(id) handed out twice", sourceLocation: sourceLocation)
                created.insert(id)
                connecting.insert(id)
            case .lease(let id, let request):
                #expect(open.contains(id), "leased \(id), which is not an open connection", sourceLocation: sourceLocation)
                #expect(holder[id] == nil, "double lease of \(id)", sourceLocation: sourceLocation)
                #expect(waitingInOrder.first == request, "FIFO broken: leased to \(request), head is \(waitingInOrder.first ?? "-")", sourceLocation: sourceLocation)
                answer(request, sourceLocation: sourceLocation)
                holder[id] = request
                leaseCount += 1
            case .failRequest(let request, let error):
                answer(request, sourceLocation: sourceLocation)
                failureCounts[Self.kind(of: error), default: 0] += 1
                if error == .waitTimeout, let waitTimeout = limits.waitTimeout, let asked = askedAt[request] {
                    #expect(asked + waitTimeout <= now, "\(request) timed out early", sourceLocation: sourceLocation)
                }
                askedAt[request] = nil
            case .closeConnection(let id):
                #expect(created.contains(id), "closed \(id), which was never created", sourceLocation: sourceLocation)
                #expect(holder[id] == nil, "closed \(id) while leased", sourceLocation: sourceLocation)
                connecting.remove(id)
                open.remove(id)
                gone.insert(id)
            }
        }
    }

    /// A short name for the kind of `error`, ignoring its text.
    static func kind(of error: PoolError) -> String {
        switch error {
        case .waitTimeout:
            return "waitTimeout"
        case .connectFailed:
            return "connectFailed"
        case .connectTimeout:
            return "connectTimeout"
        case .poolShuttingDown:
            return "poolShuttingDown"
        case .requestCancelled:
            return "requestCancelled"
        }
    }

    /// Records the one answer to `request`.
    private mutating func answer(_ request: String, sourceLocation: SourceLocation) {
        #expect(!answered.contains(request), "\(request) answered twice", sourceLocation: sourceLocation)
        #expect(waitingInOrder.contains(request), "\(request) answered but not waiting", sourceLocation: sourceLocation)
        answered.insert(request)
        waitingInOrder.removeAll { $0 == request }
    }

    /// Compares the model with the pool after an event.
    func check(against pool: TestPool, now: PoolInstant, afterTick: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let snapshot = pool.snapshot
        #expect(pool.invariantViolations() == [], sourceLocation: sourceLocation)
        #expect(snapshot.leasedConnections == holder.count, sourceLocation: sourceLocation)
        #expect(snapshot.connectingConnections == connecting.count, sourceLocation: sourceLocation)
        #expect(snapshot.idleConnections == open.count - holder.count, sourceLocation: sourceLocation)
        #expect(snapshot.waitingRequests == waitingInOrder.count, sourceLocation: sourceLocation)
        #expect(pool.waitingRequests == waitingInOrder, sourceLocation: sourceLocation)
        #expect(snapshot.totalConnections <= limits.maxConnections, sourceLocation: sourceLocation)
        #expect(snapshot.idleConnections <= limits.maxIdleConnections, sourceLocation: sourceLocation)
        if snapshot.totalConnections == 0 {
            #expect(snapshot.waitingRequests == 0, "requests wait on a pool with nothing to serve them", sourceLocation: sourceLocation)
        }
        if snapshot.waitingRequests > 0 {
            #expect(snapshot.idleConnections == 0, "requests wait while connections idle", sourceLocation: sourceLocation)
        }
        for (id, request) in holder {
            guard case .leased(let to, _, _)? = pool.state(of: id) else {
                Issue.record("\(id) should be leased", sourceLocation: sourceLocation)
                continue
            }
            #expect(to == request, sourceLocation: sourceLocation)
        }
        if afterTick, let waitTimeout = limits.waitTimeout {
            for request in waitingInOrder {
                if let asked = askedAt[request] {
                    #expect(asked + waitTimeout > now, "\(request) overdue after tick", sourceLocation: sourceLocation)
                }
            }
        }
    }
}

@Suite("Randomized event sequences")
struct RandomizedTests {
    /// One random configuration per seed: small pools so that queueing, limits and timeouts all happen often.
    static func configuration(using generator: inout SplitMix64) -> PoolConfiguration {
        let maxConnections = Int.random(in: 1...5, using: &generator)
        return PoolConfiguration(
            maxConnections: maxConnections,
            minIdleConnections: Int.random(in: 0...2, using: &generator),
            maxIdleConnections: Int.random(in: 0...maxConnections, using: &generator),
            idleTimeout: .seconds(Int.random(in: 0...20, using: &generator)),
            maxLifetime: .seconds(Int.random(in: 0...60, using: &generator)),
            waitTimeout: .seconds(Int.random(in: 1...10, using: &generator)),
            connectTimeout: .seconds(Int.random(in: 0...5, using: &generator)),
            connectRetryDelay: .seconds(Int.random(in: 0...3, using: &generator))
        )
    }

    @Test(
        "10,000 random events keep every rule: limits, one lease per connection, FIFO, one answer per request",
        arguments: [UInt64(1), 2, 3, 42, 2024, 0xDEAD_BEEF, 7_777_777, 123_456_789]
    )
    func randomEvents(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let configuration = Self.configuration(using: &generator)
        var pool = TestPool(configuration: configuration)
        var model = IOModel(limits: pool.effectiveLimits)
        var now = PoolInstant(nanoseconds: 1_000_000_000_000)
        var nextRequestNumber = 0

        for _ in 0..<10_000 {
            var ticked = false
            let roll = Int.random(in: 0..<100, using: &generator)
            switch roll {
            case 0..<24:
                let request = "r\(nextRequestNumber)"
                nextRequestNumber += 1
                model.waitingInOrder.append(request)
                model.askedAt[request] = now
                model.apply(pool.leaseRequested(request, now: now), now: now)
            case 24..<38:
                if let id = generator.pick(model.connecting) {
                    model.connecting.remove(id)
                    model.open.insert(id)
                    model.apply(pool.connectionEstablished(id, now: now), now: now)
                }
            case 38..<44:
                if let id = generator.pick(model.connecting) {
                    model.connecting.remove(id)
                    model.gone.insert(id)
                    model.apply(pool.connectionFailed(id, reason: "refused", now: now), now: now)
                }
            case 44..<64:
                if let id = generator.pick(model.holder.keys) {
                    model.holder[id] = nil
                    let reusable = Int.random(in: 0..<10, using: &generator) != 0
                    model.apply(pool.connectionReleased(id, reusable: reusable, now: now), now: now)
                }
            case 64..<68:
                if let id = generator.pick(model.open) {
                    model.holder[id] = nil
                    model.open.remove(id)
                    model.gone.insert(id)
                    model.apply(pool.connectionClosed(id, now: now), now: now)
                }
            case 68..<73:
                if let request = generator.pick(model.waitingInOrder) {
                    let actions = pool.requestCancelled(request, now: now)
                    #expect(actions == [.failRequest(request, .requestCancelled)])
                    model.apply(actions, now: now)
                }
            case 73..<77:
                // Stray events about connections that are gone or never existed must do nothing.
                let id = generator.pick(model.gone) ?? PoolConnectionID(UInt64.max)
                let before = pool.snapshot
                #expect(pool.connectionReleased(id, reusable: true, now: now) == [])
                #expect(pool.connectionClosed(id, now: now) == [])
                #expect(pool.connectionFailed(id, reason: "late", now: now) == [])
                #expect(pool.connectionEstablished(id, now: now) == [.closeConnection(id)])
                #expect(pool.requestCancelled("never-asked", now: now) == [])
                #expect(pool.snapshot == before)
            case 77..<100:
                now = now + .milliseconds(Int.random(in: 0...3_000, using: &generator))
                model.apply(pool.tick(now: now), now: now)
                ticked = true
            default:
                Issue.record("roll out of range")
            }
            model.check(against: pool, now: now, afterTick: ticked)
        }

        // Shut down, let every client finish, and confirm every request got exactly one answer.
        model.apply(pool.shutdown(now: now), now: now)
        model.check(against: pool, now: now, afterTick: false)
        for id in model.holder.keys.sorted() {
            model.holder[id] = nil
            model.apply(pool.connectionReleased(id, reusable: true, now: now), now: now)
        }
        for id in model.connecting.sorted() {
            model.apply(pool.connectionEstablished(id, now: now), now: now)
        }
        model.check(against: pool, now: now, afterTick: false)
        #expect(pool.snapshot.isDrained)
        #expect(model.waitingInOrder.isEmpty)
        #expect(model.answered.count == nextRequestNumber)

        // The sequence must really have exercised the pool, or passing means little.
        #expect(nextRequestNumber > 2_000)
        #expect(model.leaseCount > 500)
        #expect(model.created.count > 20)
        for kind in ["waitTimeout", "connectFailed", "requestCancelled"] {
            #expect(model.failureCounts[kind, default: 0] > 0, "no \(kind) failure happened")
        }
    }
}
