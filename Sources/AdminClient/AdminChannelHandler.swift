import NIOCore
import PGWire

/// Runs an ``AdminConnectionStateMachine`` on a channel: translates channel events into state-machine calls
/// and performs the returned actions in one place (`run(_:context:)`). Completes `promise` exactly once:
/// with the results, or with an ``AdminClientError`` (also when `deadline` passes first).
final class AdminChannelHandler: ChannelInboundHandler {
    typealias InboundIn = RawMessage
    typealias OutboundOut = ByteBuffer

    /// The session logic.
    private var stateMachine: AdminConnectionStateMachine
    /// Completed once, by `complete(_:context:)`.
    private let promise: EventLoopPromise<[QueryResult]>
    /// When the whole command must have finished.
    private let deadline: NIODeadline
    /// The whole-command budget in seconds, for the error text.
    private let timeoutSeconds: Int
    /// Cancelled when the session ends.
    private var timeout: Scheduled<Void>?
    /// Whether `promise` has been completed.
    private var completed = false

    init(stateMachine: AdminConnectionStateMachine, promise: EventLoopPromise<[QueryResult]>, deadline: NIODeadline, timeoutSeconds: Int) {
        self.stateMachine = stateMachine
        self.promise = promise
        self.deadline = deadline
        self.timeoutSeconds = timeoutSeconds
    }

    func channelActive(context: ChannelHandlerContext) {
        let endpoint = stateMachine.url.endpoint
        let seconds = timeoutSeconds
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.complete(.failure(AdminClientError.timedOut(endpoint: endpoint, seconds: seconds)), context: context)
        }
        run(stateMachine.start(), context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !completed else { return }
        run(stateMachine.message(unwrapInboundIn(data)), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !completed { run(stateMachine.connectionClosed(), context: context) }
        // Only reached when the state machine had already finished but the promise was not completed.
        complete(.failure(AdminClientError.connectionClosed(endpoint: stateMachine.url.endpoint)), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let failure: AdminClientError
        if let wire = error as? WireProtocolError {
            failure = .protocolViolation("\(wire)")
        } else {
            failure = .unreachable(endpoint: stateMachine.url.endpoint, reason: AdminClient.reason(for: error))
        }
        complete(.failure(failure), context: context)
    }

    /// Performs one action of the state machine.
    private func run(_ action: AdminConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .send(let messages):
            var buffer = context.channel.allocator.buffer(capacity: 256)
            for message in messages { message.encode(into: &buffer) }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .wait:
            break
        case .finish(let results):
            var buffer = context.channel.allocator.buffer(capacity: 5)
            AdminFrontendMessage.terminate.encode(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            complete(.success(results), context: context)
        case .fail(let error):
            complete(.failure(error), context: context)
        }
    }

    /// Completes the promise once, cancels the timer and closes the channel.
    private func complete(_ result: Result<[QueryResult], Error>, context: ChannelHandlerContext) {
        guard !completed else { return }
        completed = true
        timeout?.cancel()
        timeout = nil
        promise.completeWith(result)
        context.close(promise: nil)
    }
}
