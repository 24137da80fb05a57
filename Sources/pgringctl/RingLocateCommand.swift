import ArgumentParser
import HashRing

/// `pgringctl ring locate KEY [--type int|text|uuid] [--config FILE | --admin URL] [--json]`: the key's hash and
/// shard, from a configuration file or the running pgring's SHOW RING.
struct RingLocateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locate",
        abstract: "Show a key's PostgreSQL hash and the shard that owns it.",
        discussion: """
            Negative integers work as they are (pgringctl ring locate -42 --config pgring.toml); \
            put a text key that starts with '-' after '--'.
            """
    )

    // Captures "-42" too, which a plain positional argument would take for an option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The sharding key value.", valueName: "key"))
    var key: [String] = []

    @Option(name: .long, help: ArgumentHelp("The key's type: int (smallint/integer/bigint), text or uuid.", valueName: "type"))
    var type: ShardingKeyType = .int

    @OptionGroup var source: RingSourceOptions

    /// The key, without the `--` terminator the parser passes through.
    var keyText: String? {
        let values = key.first == "--" ? Array(key.dropFirst()) : key
        return values.count == 1 ? values[0] : nil
    }

    func validate() throws {
        guard keyText != nil else {
            throw ValidationError(key.isEmpty ? "Missing the key to locate." : "Expected one key, got \(key.count): \(key)")
        }
    }

    func run() throws {
        guard let text = keyText else { throw ValidationError("Missing the key to locate.") }
        guard let parsed = type.parse(text) else {
            throw CommandFailure(message: "\(text.debugDescription) is not a valid \(type.rawValue) key\(Self.hint(for: type))")
        }
        let ring = try source.loadRing()
        let hash = parsed.hash
        let owned = ring.ownedRange(containing: hash)
        let report = RingLocateReport(
            key: text, type: type.rawValue, hash: hash, shard: owned.shard,
            rangeLo: owned.range.lo, rangeHi: owned.range.hi,
            sql: type.sqlHashExpression(column: Self.sqlLiteral(parsed)),
            ringVersion: ring.version, fingerprint: ring.fingerprint.description
        )
        if source.json {
            print(try Output.json(report))
            return
        }
        print(Output.fields([
            ("key", "\(text) (\(type.rawValue))"),
            ("hash", "\(hash)  = \(report.sql)"),
            ("shard", owned.shard),
            ("range", "\(owned.range.lo) .. \(owned.range.hi)"),
            ("ring", "version \(ring.version), fingerprint \(ring.fingerprint)"),
        ]))
    }

    /// What a valid key of `type` looks like.
    static func hint(for type: ShardingKeyType) -> String {
        switch type {
        case .int: return ": expected a whole number from -9223372036854775808 to 9223372036854775807"
        case .text: return ""
        case .uuid: return ": expected 32 hex digits, e.g. a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
        }
    }

    /// The key as a SQL literal for the `hash` line.
    static func sqlLiteral(_ key: ShardingKey) -> String {
        switch key {
        case .integer(let value): return "\(value)"
        case .text(let value): return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .uuid(let value): return "'\(value)'::uuid"
        }
    }
}

/// The JSON content of `ring locate`.
struct RingLocateReport: Encodable {
    private enum CodingKeys: String, CodingKey {
        /// One JSON key per reported field (`hashText` is computed from `hash`).
        case key, type, hash, hashText, shard, rangeLo, rangeHi, sql, ringVersion, fingerprint
    }

    let key: String
    let type: String
    /// The PostgreSQL hash (int8). JSON readers with 53-bit numbers should read `hashText`.
    let hash: Int64
    /// `hash` as decimal text.
    var hashText: String { "\(hash)" }
    let shard: String
    /// The merged range of the owning shard that holds the hash.
    let rangeLo: Int64
    let rangeHi: Int64
    /// The SQL that computes the same hash.
    let sql: String
    let ringVersion: Int
    let fingerprint: String

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(type, forKey: .type)
        try container.encode(hash, forKey: .hash)
        try container.encode(hashText, forKey: .hashText)
        try container.encode(shard, forKey: .shard)
        try container.encode(rangeLo, forKey: .rangeLo)
        try container.encode(rangeHi, forKey: .rangeHi)
        try container.encode(sql, forKey: .sql)
        try container.encode(ringVersion, forKey: .ringVersion)
        try container.encode(fingerprint, forKey: .fingerprint)
    }
}

extension ShardingKeyType: ExpressibleByArgument {}
