extension ServerAddress {
    /// Addition: parses `host:port`, `[IPv6]:port` (e.g. `[::1]:5432`); the port must be 1...65535.
    /// The stored host has no brackets.
    public init(parsing text: String) throws(ServerAddressParseError) {
        let example = "e.g. `127.0.0.1:5432` or `[::1]:5432`"
        guard !text.isEmpty else {
            throw ServerAddressParseError("an address is required, \(example)")
        }
        guard !text.contains(where: { $0.isWhitespace }) else {
            throw ServerAddressParseError("`\(text)` contains whitespace; expected host:port, \(example)")
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ServerAddressParseError("`\(text)` has no closing `]` after the IPv6 address")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw ServerAddressParseError("`\(text)` has no port; expected [host]:port, \(example)")
            }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw ServerAddressParseError("`\(text)` has no port; expected host:port, \(example)")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                throw ServerAddressParseError("`\(text)`: an IPv6 address must be written in brackets, e.g. `[::1]:5432`")
            }
        }
        guard !host.isEmpty else {
            throw ServerAddressParseError("`\(text)` has no host; expected host:port, \(example)")
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), portText.count <= 5,
            let port = Int(portText)
        else {
            throw ServerAddressParseError("`\(text)`: the port must be a number between 1 and 65535")
        }
        guard (1...65535).contains(port) else {
            throw ServerAddressParseError("`\(text)`: the port must be between 1 and 65535, got \(port)")
        }
        self.init(host: String(host), port: port)
    }
}

/// Why a `host:port` text is not a server address.
public struct ServerAddressParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, quoting the text.
    public var message: String
    public init(_ message: String) {
        self.message = message
    }
    public var description: String { message }
}
