@testable import Pooling
import Testing

@Suite("WaitingQueue")
struct WaitingQueueTests {
    func instant(_ seconds: UInt64) -> PoolInstant {
        PoolInstant(nanoseconds: seconds * 1_000_000_000)
    }

    @Test("first in, first out")
    func fifo() {
        var queue = WaitingQueue<Int>()
        for request in 1...5 {
            queue.append(request, since: instant(UInt64(request)))
        }
        #expect(queue.count == 5)
        #expect(queue.first?.request == 1)
        var popped: [Int] = []
        while let next = queue.popFirst() {
            popped.append(next.request)
            #expect(next.since == instant(UInt64(next.request)))
        }
        #expect(popped == [1, 2, 3, 4, 5])
        #expect(queue.isEmpty)
    }

    @Test("removal from anywhere keeps the others in order")
    func removal() {
        var queue = WaitingQueue<Int>()
        for request in 1...5 {
            queue.append(request, since: instant(0))
        }
        #expect(queue.remove(1) == instant(0))
        #expect(queue.remove(3) == instant(0))
        #expect(queue.remove(3) == nil)
        #expect(queue.requestsInOrder == [2, 4, 5])
        #expect(queue.first?.request == 2)
        #expect(queue.popFirst()?.request == 2)
        #expect(queue.removeAll() == [4, 5])
        #expect(queue.isEmpty)
        #expect(queue.popFirst() == nil)
    }

    @Test("a request removed and queued again waits at its new place")
    func requeue() {
        var queue = WaitingQueue<Int>()
        queue.append(1, since: instant(1))
        queue.append(2, since: instant(2))
        _ = queue.remove(1)
        queue.append(1, since: instant(3))
        #expect(queue.requestsInOrder == [2, 1])
        #expect(queue.popFirst()?.request == 2)
        let last = queue.popFirst()
        #expect(last?.request == 1)
        #expect(last?.since == instant(3))
    }

    @Test("many cancellations behind one long waiter do not change the order or lose anyone")
    func manyCancellations() {
        var queue = WaitingQueue<Int>()
        queue.append(0, since: instant(0))
        for request in 1...10_000 {
            queue.append(request, since: instant(1))
            if request % 10 != 0 {
                _ = queue.remove(request)
            }
        }
        #expect(queue.count == 1_001)
        #expect(queue.requestsInOrder == [0] + Array(stride(from: 10, through: 10_000, by: 10)))
    }
}
