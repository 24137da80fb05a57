// Release-mode micro-benchmark of the HashRing lookup; compiled by tools/bench-ring together with
// Sources/HashRing/*.swift into one module (so no `import HashRing`).

/// SplitMix64, for reproducible random keys.
struct BenchGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@main
struct BenchRing {
    static func main() throws {
        let arguments = CommandLine.arguments
        let shardCount = arguments.count > 1 ? Int(arguments[1]) ?? 16 : 16
        let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 31 : 31
        let keyCount = 1_000_000
        let clock = ContinuousClock()

        let shards = (1...shardCount).map { RingShard(name: "shard-\($0)", weight: 1) }
        var ring: ConsistentHashRing?
        let buildTime = try clock.measure { ring = try ConsistentHashRing(shards: shards) }
        guard let ring else { return }

        var generator = BenchGenerator(state: 42)
        let keys = (0..<keyCount).map { _ in Int64(bitPattern: generator.next()) }

        var checksum = 0
        var perLookup = [Double]()
        for _ in 0..<rounds {
            let elapsed = clock.measure {
                for key in keys {
                    checksum &+= ring.shardIndex(forHash: PostgresHash.int8Extended(key))
                }
            }
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            perLookup.append(nanoseconds / Double(keyCount))
        }
        perLookup.sort()
        let median = perLookup[perLookup.count / 2]

        var loads = [Int](repeating: 0, count: ring.shards.count)
        for key in keys { loads[ring.shardIndex(forHash: PostgresHash.int8Extended(key))] += 1 }
        let mean = Double(keyCount) / Double(shardCount)
        let most = Double(loads.max() ?? 0) / mean
        let least = Double(loads.min() ?? 0) / mean

        print("ring: \(shardCount) shards × \(ring.virtualNodes) vnodes = \(ring.pointCount) points, built in \(buildTime)")
        print("lookup (hashint8extended + owner), \(keyCount) keys × \(rounds) rounds:")
        print("  median \(format3(median)) ns/lookup, min \(format3(perLookup[0])), max \(format3(perLookup[perLookup.count - 1]))")
        print("balance over \(keyCount) keys: most loaded \(format3(most)) × mean, least \(format3(least)) × mean")
        print("(checksum \(checksum))")
    }

    static func format3(_ value: Double) -> String {
        let thousandths = Int(value * 1000 + 0.5)
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
