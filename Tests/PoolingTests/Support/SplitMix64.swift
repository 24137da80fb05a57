/// A tiny seeded pseudo-random generator (Steele, Lea and Flood's SplitMix64), so randomized tests replay
/// exactly from their seed on every platform.
struct SplitMix64: RandomNumberGenerator {
    /// The generator's whole state.
    private var state: UInt64

    /// Starts the sequence for `seed`.
    init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniformly chosen element of `collection`, or `nil` if it is empty. Sorts first so the choice depends
    /// only on the seed, never on `Set` iteration order.
    mutating func pick<Element: Comparable>(_ collection: some Collection<Element>) -> Element? {
        guard !collection.isEmpty else {
            return nil
        }
        let sorted = collection.sorted()
        return sorted[Int.random(in: 0..<sorted.count, using: &self)]
    }
}
