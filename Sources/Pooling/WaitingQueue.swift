/// The requests waiting for a connection, first in first out, with O(1) enqueue, dequeue and cancellation.
///
/// Like postgres-nio's `RequestQueue`, cancellation only removes the request from the `waiting` table and
/// leaves a stale entry in `order`, which is skipped when it reaches the head. Every entry carries a ticket
/// number, so a request ID that is cancelled and queued again waits at its new place, not its old one.
struct WaitingQueue<RequestID: Hashable & Sendable>: Sendable {
    /// One queued (or stale) place in line.
    struct Entry: Sendable, Equatable {
        /// The waiting request.
        var request: RequestID
        /// Unique per enqueue; the entry is live only while `waiting[request]?.ticket == ticket`.
        var ticket: UInt64
    }

    /// What the queue remembers about a live waiter.
    struct Waiter: Sendable, Equatable {
        /// Matches the ticket of the waiter's live entry in `order`.
        var ticket: UInt64
        /// When the request started to wait.
        var since: PoolInstant
    }

    /// Places in line; entries before `head` are consumed. May contain stale entries.
    private var order: [Entry] = []
    /// Index of the first unconsumed entry of `order`.
    private var head = 0
    /// Live waiters. Its count is the queue length.
    private var waiting: [RequestID: Waiter] = [:]
    /// The next ticket number.
    private var nextTicket: UInt64 = 0

    /// How many requests wait.
    var count: Int { waiting.count }

    /// `true` when nobody waits.
    var isEmpty: Bool { waiting.isEmpty }

    /// `true` when `request` is waiting.
    func contains(_ request: RequestID) -> Bool {
        waiting[request] != nil
    }

    /// The longest-waiting request and when it started to wait.
    var first: (request: RequestID, since: PoolInstant)? {
        var index = head
        while index < order.count {
            let entry = order[index]
            if let waiter = waiting[entry.request], waiter.ticket == entry.ticket {
                return (entry.request, waiter.since)
            }
            index += 1
        }
        return nil
    }

    /// Live waiters, longest-waiting first.
    var requestsInOrder: [RequestID] {
        order[head...].compactMap { entry in
            waiting[entry.request]?.ticket == entry.ticket ? entry.request : nil
        }
    }

    /// Queues `request` at the back. The caller checks `contains` first.
    mutating func append(_ request: RequestID, since: PoolInstant) {
        precondition(waiting[request] == nil, "request queued twice")
        let ticket = nextTicket
        nextTicket &+= 1
        waiting[request] = Waiter(ticket: ticket, since: since)
        order.append(Entry(request: request, ticket: ticket))
    }

    /// Removes and returns the longest-waiting request.
    mutating func popFirst() -> (request: RequestID, since: PoolInstant)? {
        while head < order.count {
            let entry = order[head]
            head += 1
            if let waiter = waiting[entry.request], waiter.ticket == entry.ticket {
                waiting[entry.request] = nil
                compactIfWorthwhile()
                return (entry.request, waiter.since)
            }
        }
        compactIfWorthwhile()
        return nil
    }

    /// Removes `request` wherever it is in line; returns when it started to wait, or `nil` if it was not
    /// waiting.
    /// Removes and returns the first of the `limit` longest-waiting requests that satisfies `predicate`, or
    /// nil when none of them does (the queue is unchanged then).
    mutating func popFirst(among limit: Int, where predicate: (RequestID) -> Bool) -> (request: RequestID, since: PoolInstant)? {
        var index = head
        var seen = 0
        while index < order.count, seen < limit {
            let entry = order[index]
            if let waiter = waiting[entry.request], waiter.ticket == entry.ticket {
                if predicate(entry.request) {
                    waiting[entry.request] = nil
                    if index == head { head += 1 }
                    compactIfWorthwhile()
                    return (entry.request, waiter.since)
                }
                seen += 1
            }
            index += 1
        }
        return nil
    }

    mutating func remove(_ request: RequestID) -> PoolInstant? {
        guard let waiter = waiting.removeValue(forKey: request) else {
            return nil
        }
        if waiting.isEmpty {
            order.removeAll(keepingCapacity: true)
            head = 0
        } else if order.count - head > 2 * waiting.count + 64 {
            // Mostly stale entries (many cancellations behind a long waiter): rebuild with live ones only.
            order = order[head...].filter { waiting[$0.request]?.ticket == $0.ticket }
            head = 0
        }
        return waiter.since
    }

    /// Removes everybody; returns them longest-waiting first.
    mutating func removeAll() -> [RequestID] {
        let requests = requestsInOrder
        waiting.removeAll()
        order.removeAll()
        head = 0
        return requests
    }

    /// Drops consumed entries once they make up most of `order`, so memory stays proportional to the
    /// number of waiters.
    private mutating func compactIfWorthwhile() {
        if head == order.count {
            order.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
