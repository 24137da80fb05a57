import Testing

@Suite("SplitMix64 (test support)")
struct SplitMix64Tests {
    @Test("matches the reference sequence for seed 0")
    func referenceVector() {
        // First outputs of the reference C implementation (splitmix64.c by Sebastiano Vigna) for seed 0.
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }
}
