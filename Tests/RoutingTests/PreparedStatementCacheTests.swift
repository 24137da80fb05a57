import Testing
@testable import Routing

/// The bounded LRU cache of analyzed prepared statements.
@Suite struct PreparedStatementCacheTests {
    static func analysis(_ sql: String) -> AnalyzedStatement {
        StatementAnalyzer().analyze(sql)
    }

    @Test func storesAndReturnsAnalyses() {
        var cache = PreparedStatementCache(capacity: 3)
        cache.insert(Self.analysis("SELECT 1"), named: "a")
        #expect(cache.statement(named: "a") == Self.analysis("SELECT 1"))
        #expect(cache.statement(named: "b") == nil)
        #expect(cache.count == 1)
    }

    @Test func evictsTheLeastRecentlyUsed() {
        var cache = PreparedStatementCache(capacity: 3)
        #expect(cache.insert(Self.analysis("SELECT 1"), named: "a") == nil)
        cache.insert(Self.analysis("SELECT 2"), named: "b")
        cache.insert(Self.analysis("SELECT 3"), named: "c")
        _ = cache.statement(named: "a")
        #expect(cache.namesByRecency == ["a", "c", "b"])
        #expect(cache.insert(Self.analysis("SELECT 4"), named: "d") == "b")
        #expect(cache.statement(named: "b") == nil)
        #expect(cache.namesByRecency == ["d", "a", "c"])
        #expect(cache.count == 3)
    }

    @Test func replacingRemovingAndClearing() {
        var cache = PreparedStatementCache(capacity: 2)
        cache.insert(Self.analysis("SELECT 1"), named: "a")
        cache.insert(Self.analysis("DELETE FROM t"), named: "a")
        #expect(cache.statement(named: "a")?.kind == .delete)
        #expect(cache.count == 1)
        let removedFirst = cache.remove(named: "a")
        let removedAgain = cache.remove(named: "a")
        #expect(removedFirst)
        #expect(!removedAgain)
        #expect(cache.count == 0)
        cache.insert(Self.analysis("SELECT 1"), named: "x")
        cache.insert(Self.analysis("SELECT 2"), named: "y")
        cache.removeAll()
        #expect(cache.count == 0)
        #expect(cache.namesByRecency.isEmpty)
        cache.insert(Self.analysis("SELECT 3"), named: "z")
        #expect(cache.namesByRecency == ["z"])
    }

    @Test func matchesAReferenceModelUnderRandomOperations() {
        var generator = RobustnessTests.SeededGenerator(state: 99)
        var cache = PreparedStatementCache(capacity: 5)
        var model: [String] = [] // most recent first
        let statement = Self.analysis("SELECT 1")
        for _ in 0..<5_000 {
            let name = "s\(Int.random(in: 0..<9, using: &generator))"
            switch Int.random(in: 0..<3, using: &generator) {
            case 0:
                let evicted = cache.insert(statement, named: name)
                if let position = model.firstIndex(of: name) {
                    model.remove(at: position)
                    #expect(evicted == nil)
                } else if model.count == 5 {
                    let oldest = model.removeLast()
                    #expect(evicted == oldest)
                } else {
                    #expect(evicted == nil)
                }
                model.insert(name, at: 0)
            case 1:
                let lookup = cache.statement(named: name)
                let found = lookup != nil
                #expect(found == model.contains(name))
                if let position = model.firstIndex(of: name) {
                    model.remove(at: position)
                    model.insert(name, at: 0)
                }
            default:
                let removed = cache.remove(named: name)
                #expect(removed == model.contains(name))
                model.removeAll { $0 == name }
            }
            #expect(cache.namesByRecency == model)
        }
    }

    @Test func capacityIsAtLeastOne() {
        var cache = PreparedStatementCache(capacity: 0)
        cache.insert(Self.analysis("SELECT 1"), named: "a")
        cache.insert(Self.analysis("SELECT 2"), named: "b")
        #expect(cache.namesByRecency == ["b"])
    }
}
