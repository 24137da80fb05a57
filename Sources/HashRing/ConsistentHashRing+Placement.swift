extension ConsistentHashRing {
    /// Checks the definition and returns the shards sorted by name (UTF-8 bytes).
    static func validated(shards: [RingShard], virtualNodes: Int) throws(HashRingError) -> [RingShard] {
        guard !shards.isEmpty else { throw .noShards }
        guard virtualNodes > 0 else { throw .nonPositiveVirtualNodes(virtualNodes) }
        var totalWeight = 0
        var overflow = false
        for shard in shards {
            guard !shard.name.isEmpty else { throw .emptyShardName }
            guard !shard.name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw .invalidShardName(shard.name)
            }
            guard shard.weight > 0 else { throw .nonPositiveWeight(shard: shard.name, weight: shard.weight) }
            let (sum, didOverflow) = totalWeight.addingReportingOverflow(shard.weight)
            totalWeight = sum
            overflow = overflow || didOverflow
        }
        let sorted = shards.sorted { RingShard.namePrecedes($0.name, $1.name) }
        for index in sorted.indices.dropFirst() where sorted[index - 1].name == sorted[index].name {
            throw .duplicateShardName(sorted[index].name)
        }
        // Canonically equivalent names that differ in bytes are not adjacent after a byte sort; catch them too.
        if Set(sorted.map(\.name)).count != sorted.count {
            var seen = Set<String>()
            for shard in sorted where !seen.insert(shard.name).inserted {
                throw .duplicateShardName(shard.name)
            }
        }
        let (points, pointsOverflow) = totalWeight.multipliedReportingOverflow(by: virtualNodes)
        if overflow || pointsOverflow {
            throw .tooManyPoints(requested: nil, limit: maximumPointCount)
        }
        guard points <= maximumPointCount else { throw .tooManyPoints(requested: points, limit: maximumPointCount) }
        return sorted
    }

    /// The position of point `index` of shard `name`: `hashtextextended('<name>#<index>', 0)`.
    public static func pointPosition(shard name: String, index: Int) -> Int64 {
        PostgresHash.textExtended("\(name)#\(index)")
    }

    /// All points of all shards, sorted by (position, shard index, point index).
    static func place(shards: [RingShard], virtualNodes: Int) -> (positions: [Int64], owners: [UInt32]) {
        var points = [(position: Int64, owner: UInt32, index: UInt32)]()
        points.reserveCapacity(shards.reduce(0) { $0 + $1.weight * virtualNodes })
        var label = [UInt8]()
        for (shardIndex, shard) in shards.enumerated() {
            label.removeAll(keepingCapacity: true)
            label.append(contentsOf: shard.name.utf8)
            label.append(UInt8(ascii: "#"))
            let prefixLength = label.count
            for pointIndex in 0..<(shard.weight * virtualNodes) {
                label.removeSubrange(prefixLength...)
                appendDecimal(pointIndex, to: &label)
                let position = label.withUnsafeBytes { Int64(bitPattern: PostgresHash.bytesExtended($0)) }
                points.append((position, UInt32(shardIndex), UInt32(pointIndex)))
            }
        }
        points.sort { lhs, rhs in
            if lhs.position != rhs.position { return lhs.position < rhs.position }
            if lhs.owner != rhs.owner { return lhs.owner < rhs.owner }
            return lhs.index < rhs.index
        }
        return (points.map(\.position), points.map(\.owner))
    }

    /// Appends the decimal digits of a non-negative integer (as `"\(value)"` would spell them).
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        precondition(value >= 0)
        var digits = [UInt8]()
        var rest = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes.append(contentsOf: digits.reversed())
    }

    /// The lookup index: for each bucket of the top `bucketBits` bits, the first point inside or after it.
    static func bucketStarts(positions: [Int64]) -> [UInt32] {
        let bucketCount = 1 << Int(bucketBits)
        var starts = [UInt32](repeating: UInt32(positions.count), count: bucketCount + 1)
        var point = 0
        for bucket in 0..<bucketCount {
            while point < positions.count, Int(bucketOf(positions[point])) < bucket {
                point += 1
            }
            starts[bucket] = UInt32(point)
        }
        return starts
    }

    /// The bucket of a hash: the top `bucketBits` bits of `hash - Int64.min` (order preserving).
    @inlinable
    static func bucketOf(_ hash: Int64) -> UInt64 {
        (UInt64(bitPattern: hash) ^ (1 << 63)) >> (64 - bucketBits)
    }

    /// The merged ownership ranges: point `p` owns `(position[p-1], position[p]]`, the first point also owns
    /// `[Int64.min, position[0]]` and `(position[last], Int64.max]` (the wrap).
    static func ownedRanges(shards: [RingShard], positions: [Int64], owners: [UInt32]) -> [OwnedHashRange] {
        var result = [OwnedHashRange]()
        func add(_ lo: Int64, _ hi: Int64, _ owner: UInt32) {
            let shardIndex = Int(owner)
            if let last = result.last, last.shardIndex == shardIndex {
                result[result.count - 1] = OwnedHashRange(
                    range: HashRange(lo: last.range.lo, hi: hi), shard: last.shard, shardIndex: shardIndex)
            } else {
                result.append(OwnedHashRange(
                    range: HashRange(lo: lo, hi: hi), shard: shards[shardIndex].name, shardIndex: shardIndex))
            }
        }
        guard let firstPosition = positions.first, let lastPosition = positions.last, let wrapOwner = owners.first
        else { return [] }
        add(.min, firstPosition, wrapOwner)
        for point in positions.indices.dropFirst() where positions[point] > positions[point - 1] {
            add(positions[point - 1] + 1, positions[point], owners[point])
        }
        if lastPosition < .max {
            add(lastPosition + 1, .max, wrapOwner)
        }
        return result
    }
}
