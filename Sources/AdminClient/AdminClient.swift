import NIOCore
import NIOPosix
import PGWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small PostgreSQL client for pgring's admin console: one TCP connection per call, simple queries only,
/// text results. Blocking (`run` waits on an event loop), for a command-line tool.
///
/// Bounded: the TCP connect must succeed within `connectTimeout`, the whole call (connect, login, every
/// query) within `commandTimeout`. No TLS (the admin console accepts loopback connections only).
public struct AdminClient: Sendable {
    /// The target and credentials.
    public var url: AdminURL
    /// Limit for the TCP connect.
    public var connectTimeout: Duration
    /// Limit for the whole call.
    public var commandTimeout: Duration
    /// The largest message accepted from the server (length field).
    public var maximumMessageSize: Int

    /// Creates a client; nothing connects until `run`.
    public init(
        url: AdminURL,
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration = .seconds(60),
        maximumMessageSize: Int = 16 * 1024 * 1024
    ) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.maximumMessageSize = maximumMessageSize
    }

    /// Connects, logs in, runs `queries` one after another (one Query message each) and returns every
    /// result set in order, then sends Terminate.
    /// - Throws: ``AdminClientError`` (never containing the password).
    public func run(_ queries: [String]) throws(AdminClientError) -> [QueryResult] {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let commandTimeout = Self.timeAmount(self.commandTimeout)
        let deadline = NIODeadline.now() + commandTimeout
        let promise = eventLoop.makePromise(of: [QueryResult].self)
        let machine = AdminConnectionStateMachine(url: url, queries: queries)
        let seconds = Int(commandTimeout.nanoseconds / 1_000_000_000)
        let maximumMessageSize = self.maximumMessageSize
        let endpoint = url.endpoint
        let effectiveConnectTimeout = min(Self.timeAmount(connectTimeout), commandTimeout)

        let connect = ClientBootstrap(group: eventLoop)
            .connectTimeout(effectiveConnectTimeout)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(RawMessageDecoder(maxMessageSize: maximumMessageSize)),
                        AdminChannelHandler(stateMachine: machine, promise: promise, deadline: deadline, timeoutSeconds: seconds),
                    ])
                }
            }
            .connect(host: url.host, port: url.port)
        connect.whenFailure { error in
            promise.fail(AdminClientError.unreachable(endpoint: endpoint, reason: Self.reason(for: error)))
        }
        do {
            let results = try promise.futureResult.wait()
            // The handler closed the channel; wait for the close so no write is cut short.
            if let channel = try? connect.wait() { try? channel.closeFuture.wait() }
            return results
        } catch let error as AdminClientError {
            if let channel = try? connect.wait() { channel.close(promise: nil) }
            throw error
        } catch {
            throw .protocolViolation("\(error)")
        }
    }

    /// `duration` as NIO's TimeAmount (whole nanoseconds).
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// A short, password-free reason for a connect or I/O failure: "Connection refused",
    /// "timed out after 5 s", "cannot resolve host"...
    static func reason(for error: Error) -> String {
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first {
                return reason(for: first.error)
            }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return "cannot resolve host \(connection.host)"
            }
            return "no address to connect to for \(connection.host)"
        }
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode))
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout(let amount):
                return "connect timed out after \(amount.nanoseconds / 1_000_000_000) s"
            default:
                return "\(channel)"
            }
        }
        if error is SocketAddressError {
            return "invalid address"
        }
        return "\(error)"
    }
}
