import Config
import Logging
import NIOCore
import NIOEmbedded
import PGAuth
import PGWire
import Testing

@testable import PGRingServer

/// A `ClientSessionHandler` (which decodes its own input) on an `EmbeddedChannel`,
/// with a real `PGRingRuntime` whose event loop group is the same `EmbeddedEventLoop`.
///
/// Only the phases before a server connection is leased can be driven: `ServerPool` opens server
/// connections with `ClientBootstrap` on the client's event loop, which cannot be an `EmbeddedEventLoop`.
final class ClientSessionHarness {
    let loop: EmbeddedEventLoop
    let channel: EmbeddedChannel
    let runtime: PGRingRuntime

    /// A configuration with one shard (127.0.0.1:1, where nothing listens), database `app`, and users
    /// `alice` (password "wonderland") and `pgring_md5` (a PostgreSQL md5 hash).
    static func configuration(
        authMethod: ClientAuthMethod = .scramSHA256,
        authFailureDelay: Double = 0,
        shards: [ShardConfiguration] = [ShardConfiguration(name: "s1", primary: ServerAddress(host: "127.0.0.1", port: 1))]
    ) -> PGRingConfiguration {
        var proxy = ProxyConfiguration()
        proxy.authMethod = authMethod
        proxy.authFailureDelay = authFailureDelay
        return PGRingConfiguration(
            pgring: proxy,
            shards: shards,
            databases: [DatabaseConfiguration(name: "app")],
            users: [
                UserConfiguration(name: "alice", password: "wonderland"),
                UserConfiguration(name: PostgresSecrets.md5User, md5Hash: PostgresSecrets.md5StoredHash),
            ]
        )
    }

    init(configuration: PGRingConfiguration = ClientSessionHarness.configuration()) throws {
        loop = EmbeddedEventLoop()
        var logger = Logger(label: "pgring.tests.client-session")
        logger.logLevel = .critical
        runtime = try PGRingRuntime(configuration: configuration, group: loop, logger: logger)
        channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(
            ClientSessionHandler(runtime: runtime, maxMessageSize: WireLimits.defaultMaxMessageSize, logger: logger)
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 54321)).wait()
    }

    deinit {
        _ = try? channel.finish()
        try? loop.syncShutdownGracefully()
    }

    /// Sends the bytes an encoder writes, as one read.
    func send(_ encode: (inout ByteBuffer) -> Void) throws {
        try sendBytes(encodedBytes(encode))
    }

    /// Sends raw bytes as one read.
    func sendBytes(_ bytes: [UInt8]) throws {
        try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
        loop.run()
    }

    /// Sends a StartupMessage.
    func sendStartup(_ parameters: [(String, String)], protocolVersion: UInt32 = StartupMessage.protocolVersion3_0) throws {
        let message = StartupMessage(
            protocolVersion: protocolVersion,
            parameters: parameters.map { StartupParameter(name: $0.0, value: $0.1) })
        try send { message.encode(into: &$0) }
    }

    /// Everything the handler wrote since the last call, as bytes.
    func writtenBytes() throws -> [UInt8] {
        loop.run()
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readableBytesView
        }
        return bytes
    }

    /// Everything the handler wrote since the last call, as typed backend messages.
    func writtenMessages() throws -> [RawMessage] {
        try backendMessages(in: writtenBytes())
    }

    var isOpen: Bool { channel.isActive }

    /// Plays a SCRAM client through the handler after AuthenticationSASL; returns what the handler wrote
    /// after the SASLResponse, and PGAuth's verdict on the server-final-message if there was one.
    func runSCRAM(password: String) throws -> (messages: [RawMessage], verdict: SCRAMClientStateMachine.Action?) {
        var client = SCRAMClientStateMachine(username: "", password: password)
        let first = client.clientFirstMessage()
        try send { SASLInitialResponse(mechanism: "SCRAM-SHA-256", data: first).encode(into: &$0) }
        let continued = try writtenMessages()
        guard continued.count == 1, case .saslContinue(let serverFirst) = try AuthenticationRequest.decode(from: continued[0]) else {
            Issue.record("expected AuthenticationSASLContinue, got \(continued)")
            return (continued, nil)
        }
        guard case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst) else {
            Issue.record("PGAuth's client refused the server-first-message")
            return ([], nil)
        }
        try send { SASLResponse(data: clientFinal).encode(into: &$0) }
        let final = try writtenMessages()
        var verdict: SCRAMClientStateMachine.Action?
        if let first = final.first, first.id == UInt8(ascii: "R"),
            case .saslFinal(let serverFinal) = try AuthenticationRequest.decode(from: first) {
            verdict = client.receiveServerFinal(serverFinal)
        }
        return (final, verdict)
    }
}

/// Decodes an ErrorResponse, recording an issue when `message` is not one.
func errorFields(_ message: RawMessage?, sourceLocation: SourceLocation = #_sourceLocation) throws -> ErrorResponse {
    let message = try #require(message, "expected an ErrorResponse, got nothing", sourceLocation: sourceLocation)
    #expect(message.id == UInt8(ascii: "E"), "expected 'E', got \(message)", sourceLocation: sourceLocation)
    return try ErrorResponse.decode(from: message)
}
