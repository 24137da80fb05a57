import NIOCore
import PGWire
import Testing

/// Peer bytes must never crash pgring: every decoder is fed corrupted real traffic and random payloads.
/// A trap fails the whole test run; the counters check that both outcomes were exercised.
@Suite struct RobustnessTests {
    /// A tiny deterministic generator (SplitMix64), so failures are reproducible.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(self.next() % UInt64(bound)) }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: self.next()) }
    }

    /// Runs every typed decoder over `payload`; returns how many accepted it.
    static func decodeWithEveryTypedDecoder(_ payload: ByteBuffer) -> Int {
        var accepted = 0
        func attempt(_ body: () throws -> Void) {
            if (try? body()) != nil { accepted += 1 }
        }
        attempt { _ = try Query.decode(payload: payload) }
        attempt { _ = try Parse.decode(payload: payload) }
        attempt { _ = try Bind.decode(payload: payload) }
        attempt { _ = try Describe.decode(payload: payload) }
        attempt { _ = try Close.decode(payload: payload) }
        attempt { _ = try Execute.decode(payload: payload) }
        attempt { _ = try PasswordMessage.decode(payload: payload) }
        attempt { _ = try SASLInitialResponse.decode(payload: payload) }
        attempt { _ = SASLResponse.decode(payload: payload) }
        attempt { _ = try AuthenticationRequest.decode(payload: payload) }
        attempt { _ = try ParameterStatus.decode(payload: payload) }
        attempt { _ = try BackendKeyData.decode(payload: payload) }
        attempt { _ = try ReadyForQuery.decode(payload: payload) }
        attempt { _ = try ErrorResponse.decode(payload: payload) }
        attempt { _ = try NoticeResponse.decode(payload: payload) }
        attempt { _ = try CommandComplete.decode(payload: payload) }
        attempt { _ = try RowDescription.decode(payload: payload) }
        attempt { _ = try NegotiateProtocolVersion.decode(payload: payload) }
        attempt { _ = try StartupPacket.decode(body: payload) }
        return accepted
    }

    @Test func corruptedRealTrafficNeverCrashes() {
        var random = SplitMix64(state: 0x5047_5249_4E47)
        let streams = [
            RealTrafficTests.bytes(capturedPsqlClientHex), RealTrafficTests.bytes(capturedPsqlServerHex),
            RealTrafficTests.bytes(capturedPgbenchClientHex), RealTrafficTests.bytes(capturedPgbenchServerHex),
        ]
        var errors = 0
        var frames = 0
        for round in 0..<600 {
            var bytes = streams[round % streams.count]
            for _ in 0...random.below(4) {
                bytes[random.below(bytes.count)] = random.byte()
            }
            let cut = random.below(bytes.count)
            let chunks = [Array(bytes[..<cut]), Array(bytes[cut...])]
            let frontend = runPipeline(FrontendFrameDecoder(maxMessageSize: 1 << 16), chunks: chunks)
            let backend = runPipeline(BackendFrameDecoder(maxMessageSize: 1 << 16, expectEncryptionResponse: round % 2 == 0), chunks: chunks)
            errors += (frontend.error == nil ? 0 : 1) + (backend.error == nil ? 0 : 1)
            frames += frontend.outputs.count + backend.outputs.count
            for case .message(let message) in frontend.outputs {
                _ = Self.decodeWithEveryTypedDecoder(message.payload)
            }
            for case .message(let message) in backend.outputs {
                _ = Self.decodeWithEveryTypedDecoder(message.payload)
            }
        }
        #expect(errors > 0)
        #expect(frames > 0)
    }

    @Test func randomPayloadsNeverCrashTypedDecoders() {
        var random = SplitMix64(state: 42)
        var accepted = 0
        for _ in 0..<3_000 {
            let length = random.below(40)
            let bytes = (0..<length).map { _ in
                // Bias towards 0x00 and 0xFF so NULs, -1 lengths and huge counts come up often.
                switch random.below(4) {
                case 0: return UInt8(0)
                case 1: return UInt8(0xFF)
                default: return random.byte()
                }
            }
            accepted += Self.decodeWithEveryTypedDecoder(buffer(bytes))
        }
        #expect(accepted > 0)
    }
}
