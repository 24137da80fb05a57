/// One hash range whose owner changes between two rings.
public struct RangeMove: Sendable, Hashable {
    /// The shard that owns the range in the old ring.
    public let from: String
    /// The shard that owns the range in the new ring.
    public let to: String
    /// The hash values that move (never wrapping; see `HashRange`).
    public let range: HashRange
    /// The fraction of the keyspace in `range`.
    public var fraction: Double { range.fraction }
}

/// The total movement from one shard to another.
public struct MoveSummary: Sendable, Hashable {
    /// The old owner.
    public let from: String
    /// The new owner.
    public let to: String
    /// How many (merged) ranges move.
    public let rangeCount: Int
    /// The fraction of the keyspace that moves.
    public let fraction: Double
}

/// What changes owner between two rings: the ranges, in ascending hash order, adjacent ranges with the same
/// `(from, to)` merged (but never across the wrap from `Int64.max` to `Int64.min`).
public struct RingDiff: Sendable {
    /// The old ring's fingerprint.
    public let oldFingerprint: RingFingerprint
    /// The new ring's fingerprint.
    public let newFingerprint: RingFingerprint
    /// Every moving range, ascending by `range.lo`.
    public let moves: [RangeMove]

    /// Compares two rings' ownership over the whole hash space.
    public init(from old: ConsistentHashRing, to new: ConsistentHashRing) {
        oldFingerprint = old.fingerprint
        newFingerprint = new.fingerprint
        var moves = [RangeMove]()
        var oldIndex = 0
        var newIndex = 0
        var lo = Int64.min
        // Both range lists cover Int64.min...Int64.max exactly once, so they can be overlaid in one sweep.
        while oldIndex < old.ranges.count, newIndex < new.ranges.count {
            let oldRange = old.ranges[oldIndex]
            let newRange = new.ranges[newIndex]
            let hi = min(oldRange.range.hi, newRange.range.hi)
            if oldRange.shard != newRange.shard {
                if let last = moves.last, last.from == oldRange.shard, last.to == newRange.shard,
                   last.range.hi &+ 1 == lo, last.range.hi != .max {
                    moves[moves.count - 1] = RangeMove(
                        from: last.from, to: last.to, range: HashRange(lo: last.range.lo, hi: hi))
                } else {
                    moves.append(RangeMove(from: oldRange.shard, to: newRange.shard, range: HashRange(lo: lo, hi: hi)))
                }
            }
            if hi == .max { break }
            if oldRange.range.hi == hi { oldIndex += 1 }
            if newRange.range.hi == hi { newIndex += 1 }
            lo = hi + 1
        }
        self.moves = moves
    }

    /// The fraction of the keyspace that changes owner.
    public var movedFraction: Double {
        moves.reduce(0) { $0 + $1.fraction }
    }

    /// The moves totalled per `(from, to)` pair, sorted by `from` then `to` (UTF-8 byte order).
    public var summary: [MoveSummary] {
        var totals = [String: [String: (count: Int, fraction: Double)]]()
        for move in moves {
            var entry = totals[move.from, default: [:]][move.to, default: (0, 0)]
            entry.count += 1
            entry.fraction += move.fraction
            totals[move.from, default: [:]][move.to] = entry
        }
        var result = [MoveSummary]()
        for from in totals.keys.sorted(by: RingShard.namePrecedes) {
            let targets = totals[from, default: [:]]
            for to in targets.keys.sorted(by: RingShard.namePrecedes) {
                let entry = targets[to, default: (0, 0)]
                result.append(MoveSummary(from: from, to: to, rangeCount: entry.count, fraction: entry.fraction))
            }
        }
        return result
    }
}

extension ConsistentHashRing {
    /// The ranges that change owner from `old` to `new`.
    public static func diff(_ old: ConsistentHashRing, _ new: ConsistentHashRing) -> RingDiff {
        RingDiff(from: old, to: new)
    }
}
