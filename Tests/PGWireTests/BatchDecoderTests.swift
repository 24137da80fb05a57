import NIOCore
import PGWire
import Testing

/// The batch decoders of the relay fast path: however the bytes are cut, the batches put back together
/// are exactly the input, each batch holds only complete frames, and every length check still applies.
///
/// (NIO's ByteToMessageDecoderVerifier expects outputs independent of how input is cut; a batch decoder
/// deliberately groups what arrives together, so it is checked here at every split point instead.)
@Suite struct BatchDecoderTests {
    /// A realistic backend answer to a simple query: RowDescription-like, DataRow, CommandComplete, ReadyForQuery.
    static let backendStream: [UInt8] = frame("T", be16(1) + cstr("x") + be32(0) + be16(0) + be32(23) + be16(4) + be32(-1) + be16(0))
        + frame("D", be16(1) + be32(1) + ascii("1"))
        + frame("C", cstr("SELECT 1"))
        + goldenReadyForQueryIdle

    static func frames(of outputs: [FrameBatch]) -> [RawMessage] {
        var all: [RawMessage] = []
        for batch in outputs {
            batch.forEachFrame { message, _ in
                all.append(message)
                return true
            }
        }
        return all
    }

    @Test func backendBatchesReassembleExactlyAtEverySplit() {
        for chunks in splits(of: Self.backendStream) {
            let result = runPipeline(BackendBatchDecoder(expectEncryptionResponse: false), chunks: chunks)
            #expect(result.error == nil)
            var joined: [UInt8] = []
            var batches: [FrameBatch] = []
            for output in result.outputs {
                guard case .frames(let batch) = output else {
                    Issue.record("unexpected output \(output)")
                    continue
                }
                batches.append(batch)
                joined += Array(batch.bytes.readableBytesView)
            }
            #expect(joined == Self.backendStream)
            #expect(Self.frames(of: batches).map(\.id) == [UInt8(ascii: "T"), UInt8(ascii: "D"), UInt8(ascii: "C"), UInt8(ascii: "Z")])
        }
    }

    @Test func allAtOnceIsOneBatch() {
        let result = runPipeline(BackendBatchDecoder(expectEncryptionResponse: false), chunks: [Self.backendStream])
        #expect(result.outputs.count == 1)
    }

    @Test func encryptionAnswerThenBatches() {
        let stream = [UInt8(ascii: "N")] + goldenAuthenticationOk + goldenReadyForQueryIdle
        for chunks in splits(of: stream) {
            let result = runPipeline(BackendBatchDecoder(expectEncryptionResponse: true), chunks: chunks)
            #expect(result.error == nil)
            #expect(result.outputs.first == .encryptionResponse(UInt8(ascii: "N")))
            let batches = result.outputs.dropFirst().compactMap { output -> FrameBatch? in
                if case .frames(let batch) = output { return batch }
                return nil
            }
            #expect(Self.frames(of: batches).map(\.id) == [UInt8(ascii: "R"), UInt8(ascii: "Z")])
        }
    }

    @Test func bytesAfterSAreRefused() {
        let result = runPipeline(BackendBatchDecoder(expectEncryptionResponse: true), chunks: [[UInt8(ascii: "S")] + goldenAuthenticationOk])
        #expect(result.error as? WireProtocolError == .bytesAfterEncryptionResponse)
    }

    @Test(arguments: [Int32(3), Int32(0), Int32(-1), Int32.max])
    func badLengthsThrowEvenAfterGoodFrames(_ length: Int32) {
        let stream = goldenSync + [UInt8(ascii: "Q")] + be32(length) + [0, 0, 0, 0]
        let result = runPipeline(BackendBatchDecoder(maxMessageSize: 1024, expectEncryptionResponse: false), chunks: [stream])
        #expect(result.error != nil)
    }

    @Test func frontendStartupThenBatchesAtEverySplit() {
        let messages = goldenQuerySelect1 + goldenSync + goldenTerminate
        let stream = goldenStartupAliceShop + messages
        for chunks in splits(of: stream) {
            let result = runPipeline(FrontendBatchDecoder(), chunks: chunks)
            #expect(result.error == nil)
            guard case .startup(.startup(let startup))? = result.outputs.first else {
                Issue.record("expected the startup packet first, got \(result.outputs.first.map { "\($0)" } ?? "nothing")")
                continue
            }
            #expect(startup.user == "alice")
            var joined: [UInt8] = []
            for output in result.outputs.dropFirst() {
                guard case .frames(let batch) = output else {
                    Issue.record("unexpected output \(output)")
                    continue
                }
                joined += Array(batch.bytes.readableBytesView)
            }
            #expect(joined == messages)
        }
    }

    @Test func frontendKeepsTheSSLRequestCheck() {
        let result = runPipeline(FrontendBatchDecoder(), chunks: [goldenSSLRequest + goldenStartupAliceShop])
        #expect(result.error as? WireProtocolError == .bytesAfterEncryptionRequest)
    }

    @Test func frontendRefusesAMessageTooLarge() {
        let stream = goldenStartupAliceShop + [UInt8(ascii: "Q")] + be32(2_000) + Array(repeating: 0, count: 10)
        let result = runPipeline(FrontendBatchDecoder(maxMessageSize: 1024), chunks: [stream])
        #expect(result.error as? WireProtocolError == .messageTooLarge(2_000, limit: 1024))
    }

    @Test func forEachFrameIDSeesWhatForEachFrameSees() {
        let batch = FrameBatch(validatedBytes: buffer(Self.backendStream + goldenQuerySelect1))
        var full: [(UInt8, Int, RawMessage)] = []
        batch.forEachFrame { message, offset in
            full.append((message.id, offset, message))
            return true
        }
        var light: [(UInt8, Int)] = []
        batch.forEachFrameID { id, offset in
            light.append((id, offset))
            return true
        }
        #expect(light.map(\.0) == full.map(\.0))
        #expect(light.map(\.1) == full.map(\.1))
        for (_, offset, message) in full {
            #expect(batch.message(at: offset) == message)
        }
        _ = batch.message(at: 1)  // not a frame start: whatever it reads there, it must not trap
        #expect(batch.message(at: -1) == nil)
        #expect(batch.message(at: batch.bytes.readableBytes - 2) == nil)
        #expect(batch.message(at: batch.bytes.readableBytes) == nil)
    }

    @Test func forEachFrameIDStopsAtATruncatedFrame() {
        // FrameBatch holds validated frames; still, a cut-off last frame is never reported.
        let bytes = goldenQuerySelect1 + Array(goldenSync.prefix(3))
        let batch = FrameBatch(validatedBytes: buffer(bytes))
        var ids: [UInt8] = []
        batch.forEachFrameID { id, _ in
            ids.append(id)
            return true
        }
        #expect(ids == [UInt8(ascii: "Q")])
        var stopped: [UInt8] = []
        FrameBatch(validatedBytes: buffer(goldenQuerySelect1 + goldenSync)).forEachFrameID { id, _ in
            stopped.append(id)
            return false
        }
        #expect(stopped == [UInt8(ascii: "Q")])
    }

    @Test func forEachFrameStopsWhenAsked() {
        let batch = FrameBatch(validatedBytes: buffer(goldenQuerySelect1 + goldenTerminate + goldenSync))
        var seen: [(UInt8, Int)] = []
        batch.forEachFrame { message, offset in
            seen.append((message.id, offset))
            return message.id != UInt8(ascii: "X")
        }
        #expect(seen.map(\.0) == [UInt8(ascii: "Q"), UInt8(ascii: "X")])
        #expect(seen.map(\.1) == [0, goldenQuerySelect1.count])
    }
}
