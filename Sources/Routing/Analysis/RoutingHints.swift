/// Routing hints written in SQL comments: `/* pgring:shard_key=42 */`, `/* pgring:shard=shard1 */`,
/// `-- pgring:target=primary`.
///
/// Any comment anywhere in the statement may carry hints. Each `pgring:` prefix is followed by one
/// `name=value` pair; the value runs to the next space, comma or `*/`, or is quoted with `'...'` or `"..."`.
/// Unknown names are ignored. When a name repeats, the first value wins.
public struct RoutingHints: Sendable, Hashable {
    /// `pgring:shard_key=<value>`: the sharding-key value, typed with the key type of the statement's tables.
    public var shardKey: String?
    /// `pgring:shard=<name>`: the shard to use for this statement.
    public var shard: String?
    /// `pgring:target=primary|replica|auto`: the role to use for this statement when it is a read.
    public var target: TargetOverride?

    /// No hints.
    public init(shardKey: String? = nil, shard: String? = nil, target: TargetOverride? = nil) {
        self.shardKey = shardKey
        self.shard = shard
        self.target = target
    }

    /// True when no hint was found.
    public var isEmpty: Bool { shardKey == nil && shard == nil && target == nil }

    /// Adds the hints found in one comment body.
    mutating func scan(comment: String) {
        let bytes = Array(comment.utf8)
        let prefix = Array("pgring:".utf8)
        var index = 0
        while index + prefix.count <= bytes.count {
            guard bytes[index..<index + prefix.count].elementsEqual(prefix) else {
                index += 1
                continue
            }
            index += prefix.count
            var nameEnd = index
            while nameEnd < bytes.count, bytes[nameEnd] != UInt8(ascii: "="), !SQLLexer.isWhitespace(bytes[nameEnd]) {
                nameEnd += 1
            }
            guard nameEnd < bytes.count, bytes[nameEnd] == UInt8(ascii: "=") else {
                index = nameEnd
                continue
            }
            let name = String(decoding: bytes[index..<nameEnd].map(SQLLexer.lowercased), as: UTF8.self)
            let (value, valueEnd) = Self.value(in: bytes, from: nameEnd + 1)
            index = valueEnd
            record(name: name, value: value)
        }
    }

    /// Stores one `name=value` pair if the name is known and not set yet.
    private mutating func record(name: String, value: String) {
        guard !value.isEmpty else { return }
        switch name {
        case "shard_key":
            if shardKey == nil { shardKey = value }
        case "shard":
            if shard == nil { shard = value }
        case "target":
            if target == nil { target = TargetOverride(rawValue: value.lowercased()) }
        default:
            break
        }
    }

    /// Reads a hint value starting at `start`: quoted with `'` or `"`, or a bare run of bytes up to whitespace,
    /// `,`, `;` or `*`. Returns the value and the offset after it.
    private static func value(in bytes: [UInt8], from start: Int) -> (String, Int) {
        guard start < bytes.count else { return ("", start) }
        let quote = bytes[start]
        if quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") {
            var end = start + 1
            while end < bytes.count, bytes[end] != quote {
                end += 1
            }
            return (String(decoding: bytes[start + 1..<end], as: UTF8.self), min(end + 1, bytes.count))
        }
        var end = start
        while end < bytes.count, !SQLLexer.isWhitespace(bytes[end]),
              bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: ";"), bytes[end] != UInt8(ascii: "*") {
            end += 1
        }
        return (String(decoding: bytes[start..<end], as: UTF8.self), end)
    }
}

/// Which server role a read should use, overriding the default (reads to a replica outside transactions).
public enum TargetOverride: String, Sendable, Hashable {
    /// Send reads to the primary.
    case primary
    /// Send reads to a replica (writes still go to the primary).
    case replica
    /// The default: reads to a replica outside a transaction, to the primary inside one.
    case auto
}
