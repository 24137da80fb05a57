import NIOCore
import PGWire

/// A channel handler that decodes its own input (``InboundDecoding``) instead of sitting behind NIO's
/// `ByteToMessageHandler`: ``ClientSessionHandler`` and ``ServerConnectionHandler``, the relay's hot path.
protocol SelfDecodingHandler: AnyObject {
    associatedtype Decoder: NIOSingleStepByteToMessageDecoder
    /// The bytes read so far, cut into the decoder's outputs.
    var input: InboundDecoding<Decoder> { get set }
    /// True while ``decodeAndHandle(_:context:)`` works through `input` further up the stack.
    var decodingInput: Bool { get set }
    /// One decoded output.
    func handleInput(_ item: Decoder.InboundOut, context: ChannelHandlerContext)
    /// A decoder error (bad length, bytes after SSLRequest...), answered as NIO's handler would report it.
    func errorCaught(context: ChannelHandlerContext, error: Error)
}

extension SelfDecodingHandler {
    /// Adds the bytes of one read and hands every complete output to ``handleInput(_:context:)``, in order.
    /// A read that arrives while an output is being handled (the handler's own writes can cause one) only adds
    /// its bytes: the loop further up the stack decodes them next, so outputs never overtake each other.
    func decodeAndHandle(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        input.append(bytes)
        guard !decodingInput else { return }
        decodingInput = true
        defer { decodingInput = false }
        do {
            while let item = try input.next() {
                handleInput(item, context: context)
            }
        } catch {
            errorCaught(context: context, error: error)
        }
    }
}
