import NIOCore

/// One `name=value` pair of a StartupMessage, in the order the client sent it.
public struct StartupParameter: Sendable, Equatable, Hashable {
    /// Parameter name, e.g. "user", "database", "application_name", or a `_pq_.` protocol option.
    public var name: String
    /// Parameter value (may be empty).
    public var value: String

    /// Creates a pair.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The StartupMessage (PostgreSQL protocol, "Message Formats", StartupMessage): Int32 length,
/// Int32 protocol version (major << 16 | minor), then NUL-terminated name/value pairs, then one NUL.
///
/// The decoder accepts any protocol 3.x (the handler answers NegotiateProtocolVersion for minor > 0 it does
/// not support) and any set of parameters, even without `user`: policy (reject a missing user, refuse
/// `replication`) belongs to the handler. Names and values must be valid UTF-8 (they are matched against
/// configuration), otherwise decoding fails with `malformed`.
public struct StartupMessage: Sendable, Equatable {
    /// Protocol 3.0 (196608).
    public static let protocolVersion3_0: UInt32 = 0x0003_0000
    /// Protocol 3.2 (196610), PostgreSQL 18's longer cancel keys.
    public static let protocolVersion3_2: UInt32 = 0x0003_0002

    /// The requested version: major in the high 16 bits, minor in the low 16 bits.
    public var protocolVersion: UInt32
    /// Parameters in wire order. Duplicates are kept; lookups return the last one, as PostgreSQL applies them in order.
    public var parameters: [StartupParameter]

    /// Creates a StartupMessage.
    public init(protocolVersion: UInt32 = StartupMessage.protocolVersion3_0, parameters: [StartupParameter]) {
        self.protocolVersion = protocolVersion
        self.parameters = parameters
    }

    /// Major protocol version (always 3 for a decoded message).
    public var majorVersion: UInt16 { UInt16(truncatingIfNeeded: self.protocolVersion >> 16) }
    /// Minor protocol version.
    public var minorVersion: UInt16 { UInt16(truncatingIfNeeded: self.protocolVersion) }

    /// The value of the last parameter called `name`, or nil.
    public func value(for name: String) -> String? {
        self.parameters.last(where: { $0.name == name })?.value
    }

    /// The `user` parameter; nil when absent (the handler must then refuse the connection, as PostgreSQL does).
    public var user: String? { self.value(for: "user") }

    /// The `database` parameter; when absent or empty it defaults to `user`, as in PostgreSQL.
    public var database: String? {
        if let database = self.value(for: "database"), !database.isEmpty { return database }
        return self.user
    }

    /// The `options` parameter (command-line style `-c name=value` settings), if any.
    public var options: String? { self.value(for: "options") }

    /// The `application_name` parameter, if any.
    public var applicationName: String? { self.value(for: "application_name") }

    /// The `replication` parameter, if any ("true", "database"...); pgring does not proxy replication.
    public var replication: String? { self.value(for: "replication") }

    /// Protocol options: parameters whose name starts with `_pq_.`. A server that does not know them must
    /// list them in NegotiateProtocolVersion instead of failing.
    public var protocolOptions: [StartupParameter] {
        self.parameters.filter { $0.name.hasPrefix("_pq_.") }
    }

    /// Decodes the body after the protocol version word: pairs of NUL-terminated strings, then a final NUL.
    /// `protocolVersion` must already have been checked by the caller (`StartupPacket.decode`).
    static func decode(protocolVersion: UInt32, body: ByteBuffer) throws -> StartupMessage {
        var reader = PayloadReader(body, messageName: "StartupMessage")
        var parameters: [StartupParameter] = []
        while true {
            let name = try reader.readCString(.strict)
            if name.isEmpty { break }
            let value = try reader.readCString(.strict)
            parameters.append(StartupParameter(name: name, value: value))
        }
        guard reader.remaining == 0 else {
            throw WireProtocolError.malformed("invalid startup packet layout: expected terminator as last byte")
        }
        return StartupMessage(protocolVersion: protocolVersion, parameters: parameters)
    }

    /// Writes the whole packet: length, version, pairs, terminator.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeLengthCountingItself { buffer in
            buffer.writeInteger(self.protocolVersion)
            for parameter in self.parameters {
                buffer.writeCString(parameter.name)
                buffer.writeCString(parameter.value)
            }
            buffer.writeInteger(UInt8(0))
        }
    }
}
