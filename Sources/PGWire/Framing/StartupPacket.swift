import NIOCore

/// A startup-phase packet: Int32 length (counting itself) then an Int32 code that says what it is
/// (PostgreSQL protocol, "Message Flow: Start-up" and "Message Formats"). No type byte.
public enum StartupPacket: Sendable, Equatable {
    /// StartupMessage: protocol 3.x and the connection parameters. After it the client sends typed messages.
    case startup(StartupMessage)
    /// SSLRequest (code 80877103): the client asks for TLS; the server answers one byte, 'S' or 'N'.
    case sslRequest
    /// GSSENCRequest (code 80877104): the client asks for GSSAPI encryption; answer 'G' or 'N'.
    case gssEncRequest
    /// CancelRequest (code 80877102): cancel the query running on another connection; nothing follows.
    case cancel(CancelRequest)

    /// The SSLRequest code 80877103 (1234 << 16 | 5679).
    public static let sslRequestCode: UInt32 = 80_877_103
    /// The GSSENCRequest code 80877104 (1234 << 16 | 5680).
    public static let gssEncRequestCode: UInt32 = 80_877_104

    /// Decodes a packet body: everything after the length word (the code and what follows).
    ///
    /// - Throws: `unsupportedProtocolVersion` for a StartupMessage with major version != 3 (including 2.0),
    ///   `malformed` for a wrong-sized SSL/GSS/cancel request or a bad parameter layout.
    public static func decode(body: ByteBuffer) throws -> StartupPacket {
        var body = body
        guard let code = body.readInteger(as: UInt32.self) else {
            throw WireProtocolError.malformed("invalid startup packet: missing protocol version")
        }
        switch code {
        case Self.sslRequestCode, Self.gssEncRequestCode:
            guard body.readableBytes == 0 else {
                throw WireProtocolError.malformed("invalid length of encryption request packet")
            }
            return code == Self.sslRequestCode ? .sslRequest : .gssEncRequest
        case CancelRequest.requestCode:
            return .cancel(try CancelRequest.decode(body: body))
        default:
            guard code >> 16 == 3 else { throw WireProtocolError.unsupportedProtocolVersion(code) }
            return .startup(try StartupMessage.decode(protocolVersion: code, body: body))
        }
    }

    /// Writes the whole packet (length included), e.g. for pgring's own connections to PostgreSQL.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .startup(let message):
            message.encode(into: &buffer)
        case .sslRequest:
            buffer.writeLengthCountingItself { $0.writeInteger(Self.sslRequestCode) }
        case .gssEncRequest:
            buffer.writeLengthCountingItself { $0.writeInteger(Self.gssEncRequestCode) }
        case .cancel(let request):
            request.encode(into: &buffer)
        }
    }
}
