/// Where and as whom pgringctl connects: a libpq-style URL
/// `postgres://user:password@host:port/database[?sslmode=disable]` (scheme `postgres` or `postgresql`).
///
/// User, password and database are percent-decoded. The port defaults to 6432 (pgring's), the host to
/// 127.0.0.1 and the database to `pgring` (the admin console's virtual database). `sslmode` may be
/// `disable`, `allow` or `prefer` (pgringctl speaks plain TCP; the admin console accepts loopback only);
/// other query parameters are ignored. The password never appears in `description` or `redacted`.
public struct AdminURL: Sendable, Equatable, CustomStringConvertible {
    /// pgring's default listen port.
    public static let defaultPort = 6432
    /// The admin console's virtual database.
    public static let defaultDatabase = "pgring"
    /// Used when `--admin` is not given and `PGRING_ADMIN_URL` is not set.
    public static let defaultURL = "postgres://admin:admin@127.0.0.1:6432/pgring"

    /// The user name sent in the StartupMessage.
    public var user: String
    /// The password, if the URL has one.
    public var password: String?
    /// Host name or IP address (an IPv6 address without its brackets).
    public var host: String
    /// TCP port.
    public var port: Int
    /// The database sent in the StartupMessage.
    public var database: String

    /// Creates a target directly.
    public init(user: String, password: String?, host: String, port: Int, database: String) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
    }

    /// `host:port` (`[v6]:port` for IPv6), as error messages name the target.
    public var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The URL with the password replaced by `***` (absent when there is none).
    public var redacted: String {
        let credentials = password == nil ? Self.percentEncode(user) : "\(Self.percentEncode(user)):***"
        return "postgres://\(credentials)@\(endpoint)/\(Self.percentEncode(database))"
    }

    /// Same as `redacted`: never the password.
    public var description: String { redacted }

    /// Parses a URL.
    /// - Throws: `AdminURLError`, whose text never contains the password.
    public init(parsing text: String) throws(AdminURLError) {
        var rest = Substring(text)
        if rest.hasPrefix("postgres://") {
            rest = rest.dropFirst("postgres://".count)
        } else if rest.hasPrefix("postgresql://") {
            rest = rest.dropFirst("postgresql://".count)
        } else {
            throw AdminURLError("the admin URL must start with postgres:// or postgresql://")
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        // The authority ends at the first '/' after the last '@' (a password may contain '/' only encoded,
        // but be lenient and split credentials off first).
        var credentials: Substring?
        if let at = rest.lastIndex(of: "@") {
            credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }

        var user = ""
        var password: String?
        if let credentials {
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.percentDecode(credentials[..<colon], what: "user")
                password = try Self.percentDecode(credentials[credentials.index(after: colon)...], what: "password")
            } else {
                user = try Self.percentDecode(credentials, what: "user")
            }
        }
        guard !user.isEmpty else {
            throw AdminURLError("the admin URL names no user (postgres://USER:PASSWORD@HOST:PORT/pgring)")
        }

        let (host, port) = try Self.parseHostPort(rest)
        let database = path.isEmpty ? Self.defaultDatabase : try Self.percentDecode(path, what: "database")

        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "sslmode" else { continue }
            switch parts[1] {
            case "disable", "allow", "prefer":
                break
            default:
                throw AdminURLError("sslmode=\(parts[1]) is not supported: pgringctl connects without TLS (use sslmode=disable)")
            }
        }
        self.init(user: user, password: password, host: host, port: port, database: database)
    }

    /// Splits `host`, `host:port`, `[v6]` or `[v6]:port`.
    static func parseHostPort(_ text: Substring) throws(AdminURLError) -> (String, Int) {
        var hostPart: Substring
        var portPart: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw AdminURLError("the admin URL has an unterminated [IPv6] host")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                portPart = after.dropFirst()
            } else if !after.isEmpty {
                throw AdminURLError("unexpected text after the [IPv6] host in the admin URL")
            }
        } else if let colon = text.firstIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        } else {
            hostPart = text
        }
        let host = hostPart.isEmpty ? "127.0.0.1" : (try percentDecode(hostPart, what: "host"))
        var port = defaultPort
        if let portPart, !portPart.isEmpty {
            guard portPart.allSatisfy(\.isASCII), portPart.allSatisfy(\.isNumber),
                let value = Int(portPart), (1...65535).contains(value)
            else {
                throw AdminURLError("the admin URL's port \(String(portPart).debugDescription) is not a number from 1 to 65535")
            }
            port = value
        }
        return (host, port)
    }

    /// Decodes `%XX` escapes (UTF-8). The error names `what`, never the value (it may be the password).
    static func percentDecode(_ text: Substring, what: String) throws(AdminURLError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw AdminURLError("the admin URL's \(what) has an invalid %-escape")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw AdminURLError("the admin URL's \(what) is not valid UTF-8 after %-decoding")
        }
        return decoded
    }

    /// The value of one hex digit.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Escapes everything but RFC 3986 unreserved characters.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}

/// A malformed admin URL. The message never contains the password.
public struct AdminURLError: Error, Equatable, CustomStringConvertible {
    /// What is wrong and how to write it.
    public let message: String
    /// Creates the error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
