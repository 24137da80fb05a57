import NIOCore
import PGWire

/// Backend messages a scripted PostgreSQL sends during login, built with PGWire's encoders and decoded
/// back into the `RawMessage` values the server connection handler would see.
enum Backend {
    static func authentication(_ request: AuthenticationRequest) throws -> RawMessage {
        try rawMessage { request.encode(into: &$0) }
    }

    static func parameterStatus(_ name: String, _ value: String) throws -> RawMessage {
        try rawMessage { ParameterStatus(name: name, value: value).encode(into: &$0) }
    }

    static func backendKeyData(processID: Int32, secretKey: [UInt8]) throws -> RawMessage {
        try rawMessage { BackendKeyData(processID: processID, secretKey: secretKey).encode(into: &$0) }
    }

    static func readyForQuery(_ status: TransactionStatus = .idle) throws -> RawMessage {
        try rawMessage { ReadyForQuery(transactionStatus: status).encode(into: &$0) }
    }

    static func error(code: String, message: String) throws -> RawMessage {
        try rawMessage { ErrorResponse(severity: .fatal, code: code, message: message).encode(into: &$0) }
    }

    static func notice(_ message: String) throws -> RawMessage {
        // NoticeResponse 'N': severity, code, message, terminator (built by hand).
        rawMessage("N", payload: [UInt8(ascii: "S")] + cstr("WARNING") + [UInt8(ascii: "C")] + cstr("01000")
            + [UInt8(ascii: "M")] + cstr(message) + [0])
    }

    static func negotiateProtocolVersion(minor: Int32, options: [String]) throws -> RawMessage {
        try rawMessage { NegotiateProtocolVersion(newestMinorVersion: minor, unrecognizedOptions: options).encode(into: &$0) }
    }
}
