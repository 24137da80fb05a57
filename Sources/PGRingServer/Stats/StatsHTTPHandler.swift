import Foundation
import NIOCore
import NIOHTTP1

/// The stats port's HTTP/1.1 handler: checks request size, asks ``StatsRoutes`` for the response and
/// writes it. No policy inside; never crashes on peer input (bad HTTP is answered 400 by NIO's
/// `HTTPServerProtocolErrorHandler`, oversized requests 431/413 here, then the connection closes).
final class StatsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The most bytes of request line plus headers accepted; more gets 431.
    static let maxHeaderBytes = 8 * 1024
    /// The most body bytes accepted (GET requests need none); more gets 413.
    static let maxBodyBytes = 4 * 1024

    /// Where the handler is in the current request.
    private enum State {
        /// Between requests.
        case idle
        /// Head received and accepted; counting body bytes.
        case receiving(HTTPRequestHead, bodyBytes: Int)
        /// An error response was sent; the connection is closing, further parts are ignored.
        case rejected
    }

    private let metrics: PGRingMetrics
    private let snapshot: @Sendable () -> StatsSnapshot
    private var state = State.idle

    init(metrics: PGRingMetrics, snapshot: @escaping @Sendable () -> StatsSnapshot) {
        self.metrics = metrics
        self.snapshot = snapshot
    }

    /// Adds the HTTP/1.1 server pipeline and this handler to `channel` (must run on its event loop).
    static func configure(
        _ channel: any Channel, metrics: PGRingMetrics, snapshot: @escaping @Sendable () -> StatsSnapshot
    ) throws {
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
        try channel.pipeline.syncOperations.addHandler(StatsHTTPHandler(metrics: metrics, snapshot: snapshot))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (part, state) {
        case (_, .rejected):
            return
        case (.head(let head), .idle), (.head(let head), .receiving):
            if Self.headerBytes(head) > Self.maxHeaderBytes {
                reject(context: context, .text(431, "Request Header Fields Too Large", "request headers too large\n"))
                return
            }
            if let length = head.headers.first(name: "content-length"), (Int(length) ?? Int.max) > Self.maxBodyBytes {
                reject(context: context, .text(413, "Content Too Large", "request body too large\n"))
                return
            }
            state = .receiving(head, bodyBytes: 0)
        case (.body(let buffer), .receiving(let head, let bodyBytes)):
            let (total, overflow) = bodyBytes.addingReportingOverflow(buffer.readableBytes)
            if overflow || total > Self.maxBodyBytes {
                reject(context: context, .text(413, "Content Too Large", "request body too large\n"))
                return
            }
            state = .receiving(head, bodyBytes: total)
        case (.end, .receiving(let head, _)):
            state = .idle
            let response = StatsRoutes.respond(method: head.method.rawValue, uri: head.uri, metrics: metrics, snapshot: snapshot)
            write(context: context, response, keepAlive: head.isKeepAlive)
        case (.body, .idle), (.end, .idle):
            // A body or end without a head: the decoder never produces this; ignore it.
            return
        }
    }

    /// Bad HTTP from the peer: NIO's protocol error handler has already answered 400; close the connection
    /// (nothing further in the pipeline would).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        state = .rejected
        context.close(promise: nil)
    }

    /// Sends `response` with `Connection: close` and closes once it is written.
    private func reject(context: ChannelHandlerContext, _ response: StatsHTTPResponse) {
        state = .rejected
        write(context: context, response, keepAlive: false)
    }

    private func write(context: ChannelHandlerContext, _ response: StatsHTTPResponse, keepAlive: Bool) {
        var body = context.channel.allocator.buffer(capacity: response.body.utf8.count)
        body.writeString(response.body)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        for (name, value) in response.extraHeaders { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: response.status, reasonPhrase: response.reason),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    /// Request line plus header bytes, overflow-safe.
    static func headerBytes(_ head: HTTPRequestHead) -> Int {
        var total = head.uri.utf8.count + head.method.rawValue.utf8.count + 12
        for (name, value) in head.headers {
            let (sum, overflow) = total.addingReportingOverflow(name.utf8.count + value.utf8.count + 4)
            if overflow { return Int.max }
            total = sum
        }
        return total
    }
}
