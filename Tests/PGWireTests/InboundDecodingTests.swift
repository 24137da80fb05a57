import NIOCore
@testable import PGWire
import Testing

/// ``InboundDecoding`` (the handlers' own decode loop) against NIO's: the same outputs for every way the
/// bytes are cut, the same treatment of errors, and a buffer that only keeps what is still undecoded.
@Suite struct InboundDecodingTests {
    /// Feeds `chunks` one read at a time, decoding after each read as the handlers do, then ends the stream.
    static func run<Decoder: NIOSingleStepByteToMessageDecoder>(
        _ decoder: Decoder,
        chunks: [[UInt8]]
    ) -> PipelineResult<Decoder.InboundOut> {
        var input = InboundDecoding(decoder)
        var outputs: [Decoder.InboundOut] = []
        do {
            for chunk in chunks {
                input.append(buffer(chunk))
                while let output = try input.next() { outputs.append(output) }
            }
            input.finish()
            return PipelineResult(outputs: outputs, error: nil)
        } catch {
            return PipelineResult(outputs: outputs, error: error)
        }
    }

    static let frontendStream = goldenStartupAliceShop + goldenQuerySelect1 + goldenSync + goldenTerminate

    @Test func frontendOutputsEqualNIOsAtEverySplit() {
        for chunks in splits(of: Self.frontendStream) {
            let ours = Self.run(FrontendBatchDecoder(), chunks: chunks)
            let nio = runPipeline(FrontendBatchDecoder(), chunks: chunks)
            #expect(ours.error == nil)
            #expect(ours.outputs == nio.outputs)
            #expect(ours.outputs.count >= 2)
        }
    }

    @Test func backendOutputsEqualNIOsAtEverySplit() {
        let stream = [UInt8(ascii: "N")] + goldenAuthenticationOk + BatchDecoderTests.backendStream
        for chunks in splits(of: stream) {
            let ours = Self.run(BackendBatchDecoder(expectEncryptionResponse: true), chunks: chunks)
            let nio = runPipeline(BackendBatchDecoder(expectEncryptionResponse: true), chunks: chunks)
            #expect(ours.error == nil)
            #expect(ours.outputs == nio.outputs)
            #expect(ours.outputs.first == .encryptionResponse(UInt8(ascii: "N")))
        }
    }

    @Test func aReadOfWholeFramesIsOneBatchOfThoseBytes() throws {
        var input = InboundDecoding(BackendBatchDecoder(expectEncryptionResponse: false))
        input.append(buffer(BatchDecoderTests.backendStream))
        let first = try input.next()
        #expect(first == .frames(FrameBatch(validatedBytes: buffer(BatchDecoderTests.backendStream))))
        #expect(try input.next() == nil)
        #expect(input.bufferedBytes == 0)
    }

    @Test func theSameErrorsAsNIOs() {
        let cases: [[UInt8]] = [
            goldenSSLRequest + goldenStartupAliceShop,  // bytes after SSLRequest
            goldenStartupAliceShop + [UInt8(ascii: "Q")] + be32(3),  // a length of 3
            goldenStartupAliceShop + [UInt8(ascii: "Q")] + be32(Int32.max),  // a length of 2^31-1
        ]
        for stream in cases {
            let ours = Self.run(FrontendBatchDecoder(maxMessageSize: 1024), chunks: [stream])
            let nio = runPipeline(FrontendBatchDecoder(maxMessageSize: 1024), chunks: [stream])
            #expect(ours.error != nil)
            #expect(ours.error as? WireProtocolError == nio.error as? WireProtocolError)
            #expect(ours.outputs == nio.outputs)
        }
    }

    @Test func anErrorIsFinal() throws {
        var input = InboundDecoding(BackendBatchDecoder(maxMessageSize: 1024, expectEncryptionResponse: false))
        input.append(buffer([UInt8(ascii: "Z")] + be32(3)))
        #expect(throws: WireProtocolError.invalidLength(3)) { try input.next() }
        #expect(input.hasFailed)
        // Nothing more comes out, not even for good bytes read afterwards.
        input.append(buffer(goldenReadyForQueryIdle))
        #expect(try input.next() == nil)
        #expect(input.bufferedBytes == 0)
    }

    @Test func aPartialFrameWaitsAndOnlyItsBytesAreKept() throws {
        var input = InboundDecoding(BackendBatchDecoder(expectEncryptionResponse: false))
        let next = goldenReadyForQueryIdle
        input.append(buffer(BatchDecoderTests.backendStream + next.prefix(3)))
        #expect(try input.next() == .frames(FrameBatch(validatedBytes: buffer(BatchDecoderTests.backendStream))))
        #expect(try input.next() == nil)
        #expect(input.bufferedBytes == 3)
        input.append(buffer(Array(next.dropFirst(3))))
        #expect(try input.next() == .frames(FrameBatch(validatedBytes: buffer(next))))
        #expect(input.bufferedBytes == 0)
    }

    @Test func readsThatEachEndInAPartialFrameDoNotGrowTheBuffer() throws {
        // A long result streamed in reads that each end mid-frame: what was decoded must not pile up.
        var input = InboundDecoding(BackendBatchDecoder(expectEncryptionResponse: false))
        let row = frame("D", be16(1) + be32(100) + Array(repeating: UInt8(ascii: "x"), count: 100))
        let stream = Array((0..<2_000).map { _ in row }.joined())
        var decodedBytes = 0
        var offset = 0
        while offset < stream.count {
            let end = min(offset + 1_000, stream.count)  // 1,000-byte reads: never on a frame boundary
            input.append(buffer(Array(stream[offset..<end])))
            offset = end
            while let output = try input.next() {
                guard case .frames(let batch) = output else { throw WireProtocolError.invalidLength(0) }
                decodedBytes += batch.bytes.readableBytes
            }
            #expect((input.pending?.capacity ?? 0) <= 4_096)
        }
        #expect(decodedBytes == stream.count)
        #expect(input.bufferedBytes == 0)
    }

    @Test func finishDropsAnIncompleteTrailingFrame() throws {
        var input = InboundDecoding(BackendBatchDecoder(expectEncryptionResponse: false))
        input.append(buffer(Array(goldenReadyForQueryIdle.prefix(4))))
        #expect(try input.next() == nil)
        #expect(input.bufferedBytes == 4)
        input.finish()
        #expect(input.bufferedBytes == 0)
        #expect(try input.next() == nil)
    }
}
