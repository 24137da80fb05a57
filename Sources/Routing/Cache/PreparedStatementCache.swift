/// Analyses of named prepared statements, so a statement is analyzed once at Parse, not at every Bind.
///
/// A value type (one per client session, owned by its handler): not shared, so no locking. Bounded: when
/// full, inserting evicts the least recently used entry. The unnamed statement (`""`) is cached like any
/// other name; Parse replaces an entry, Close removes it.
///
/// All operations are O(1) amortized: entries live in a dictionary, recency in a doubly linked list of
/// slots stored in arrays (no reference types).
public struct PreparedStatementCache: Sendable {
    /// One cached entry, also a node of the recency list.
    struct Slot: Sendable {
        /// The statement name.
        var name: String
        /// Its analysis.
        var statement: AnalyzedStatement
        /// The more recently used neighbour, or -1.
        var newer: Int
        /// The less recently used neighbour, or -1.
        var older: Int
    }

    /// The most entries kept.
    public let capacity: Int
    /// Slot storage; freed slots are reused.
    var slots: [Slot] = []
    /// Indices of freed slots.
    var freeSlots: [Int] = []
    /// Name -> slot index.
    var indexByName: [String: Int] = [:]
    /// The most recently used slot, or -1.
    var newest = -1
    /// The least recently used slot, or -1.
    var oldest = -1

    /// Creates an empty cache holding at most `capacity` entries (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The number of entries.
    public var count: Int { indexByName.count }

    /// The analysis for `name`, marking it most recently used; nil when absent.
    public mutating func statement(named name: String) -> AnalyzedStatement? {
        guard let slot = indexByName[name] else { return nil }
        moveToFront(slot)
        return slots[slot].statement
    }

    /// Stores (or replaces) the analysis for `name`; returns the name evicted to make room, if any.
    @discardableResult
    public mutating func insert(_ statement: AnalyzedStatement, named name: String) -> String? {
        if let slot = indexByName[name] {
            slots[slot].statement = statement
            moveToFront(slot)
            return nil
        }
        var evicted: String?
        if indexByName.count >= capacity, oldest >= 0 {
            evicted = slots[oldest].name
            removeSlot(oldest)
        }
        let entry = Slot(name: name, statement: statement, newer: -1, older: -1)
        let slot: Int
        if let reused = freeSlots.popLast() {
            slots[reused] = entry
            slot = reused
        } else {
            slots.append(entry)
            slot = slots.count - 1
        }
        indexByName[name] = slot
        linkAtFront(slot)
        return evicted
    }

    /// Removes the entry for `name` (Close of a statement); returns true when it existed.
    @discardableResult
    public mutating func remove(named name: String) -> Bool {
        guard let slot = indexByName[name] else { return false }
        removeSlot(slot)
        return true
    }

    /// Removes every entry (DISCARD ALL, DEALLOCATE ALL, server reset).
    public mutating func removeAll() {
        slots.removeAll()
        freeSlots.removeAll()
        indexByName.removeAll()
        newest = -1
        oldest = -1
    }

    /// The names from most to least recently used (for tests and the admin console).
    public var namesByRecency: [String] {
        var names: [String] = []
        var slot = newest
        while slot >= 0, names.count < indexByName.count {
            names.append(slots[slot].name)
            slot = slots[slot].older
        }
        return names
    }

    /// Unlinks and frees a slot.
    private mutating func removeSlot(_ slot: Int) {
        unlink(slot)
        indexByName[slots[slot].name] = nil
        slots[slot].statement = AnalyzedStatement()
        freeSlots.append(slot)
    }

    /// Moves a linked slot to the front of the recency list.
    private mutating func moveToFront(_ slot: Int) {
        guard newest != slot else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    /// Inserts an unlinked slot at the front.
    private mutating func linkAtFront(_ slot: Int) {
        slots[slot].newer = -1
        slots[slot].older = newest
        if newest >= 0 {
            slots[newest].newer = slot
        }
        newest = slot
        if oldest < 0 {
            oldest = slot
        }
    }

    /// Removes a slot from the recency list.
    private mutating func unlink(_ slot: Int) {
        let newer = slots[slot].newer
        let older = slots[slot].older
        if newer >= 0 { slots[newer].older = older } else { newest = older }
        if older >= 0 { slots[older].newer = newer } else { oldest = newer }
        slots[slot].newer = -1
        slots[slot].older = -1
    }
}
