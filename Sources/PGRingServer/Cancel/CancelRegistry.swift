import Config
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PGAuth
import PGWire

/// Where a cancel for one client session must go: the server connection serving it right now.
struct CancelTarget: Sendable, Equatable {
    var address: ServerAddress
    var processID: Int32
    var secretKey: [UInt8]
    /// The server connection, when pooled: it is not handed to another client while a cancel is in flight
    /// (``ServerConnection/whenNoCancelInFlight()``), so a cancel never reaches the next client's query.
    var connection: ServerConnection? = nil

    static func == (lhs: CancelTarget, rhs: CancelTarget) -> Bool {
        lhs.address == rhs.address && lhs.processID == rhs.processID && lhs.secretKey == rhs.secretKey
            && lhs.connection === rhs.connection
    }
}

/// The BackendKeyData pgring hands to one client, and the server connection it currently maps to.
/// Thread-safe: the session updates the target on its loop, a cancel connection reads it on another.
final class ClientCancelKey: Sendable {
    /// The process ID pgring told the client (not any server's pid).
    let processID: Int32
    /// The secret pgring told the client.
    let secretKey: [UInt8]
    private let target = NIOLockedValueBox<CancelTarget?>(nil)

    init(processID: Int32, secretKey: [UInt8]) {
        self.processID = processID
        self.secretKey = secretKey
    }

    /// Sets (or clears) the server connection a cancel must reach.
    func setTarget(_ value: CancelTarget?) {
        target.withLockedValue { $0 = value }
    }

    var currentTarget: CancelTarget? { target.withLockedValue { $0 } }

    /// The current target, counted as having a cancel in flight (under the same lock as ``setTarget(_:)``,
    /// so a session that clears its target afterwards waits for the cancel). The caller must call
    /// `cancelFinished()` on the target's connection when the cancel was delivered or failed.
    func beginCancel() -> CancelTarget? {
        target.withLockedValue { target in
            target?.connection?.cancelStarted()
            return target
        }
    }
}

/// All live client cancel keys, by the process ID pgring made up for them.
final class CancelRegistry: Sendable {
    private let keys = NIOLockedValueBox<[Int32: ClientCancelKey]>([:])

    /// Creates and registers a new unique key for a client session.
    func register() -> ClientCancelKey {
        var generator = SystemRandomNumberGenerator()
        return keys.withLockedValue { keys in
            while true {
                let pid = Int32.random(in: 1...Int32.max, using: &generator)
                if keys[pid] != nil { continue }
                let secret = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let key = ClientCancelKey(processID: pid, secretKey: secret)
                keys[pid] = key
                return key
            }
        }
    }

    /// Forgets a session's key (the session ended).
    func unregister(_ key: ClientCancelKey) {
        keys.withLockedValue { keys in
            if keys[key.processID] === key { keys[key.processID] = nil }
        }
    }

    /// The target for a CancelRequest, or nil when the pid is unknown or the secret does not match.
    /// The secret is compared in constant time. A target returned counts as a cancel in flight on its
    /// connection (``ClientCancelKey/beginCancel()``).
    func target(processID: Int32, secretKey: [UInt8]) -> CancelTarget? {
        guard let key = keys.withLockedValue({ $0[processID] }) else { return nil }
        guard ConstantTime.equals(key.secretKey, secretKey) else { return nil }
        return key.beginCancel()
    }

    var count: Int { keys.withLockedValue { $0.count } }
}

/// Sends a CancelRequest to a PostgreSQL server on a new connection, as libpq does.
enum CancelForwarder {
    /// Completes when the server closed the cancel connection, which it does after it signalled the
    /// backend (or after `timeout`): only then may the backend's connection serve another client.
    static func send(_ target: CancelTarget, group: EventLoopGroup, timeout: TimeAmount) -> EventLoopFuture<Void> {
        ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .connect(host: target.address.host, port: target.address.port)
            .flatMap { channel in
                var buffer = channel.allocator.buffer(capacity: 16 + target.secretKey.count)
                CancelRequest(processID: target.processID, secretKey: target.secretKey).encode(into: &buffer)
                let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
                channel.writeAndFlush(buffer, promise: nil)
                return channel.closeFuture.always { _ in deadline.cancel() }
            }
    }
}
