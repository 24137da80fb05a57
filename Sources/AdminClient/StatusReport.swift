/// What `pgringctl status` shows, summarised from `SHOW VERSION`, `SHOW SHARDS` and `SHOW LISTS`.
/// Columns are found by name, so a column the console adds later does not break it; a missing one reads as NULL.
public struct StatusReport: Sendable, Equatable {
    /// One server of a shard (a row of SHOW SHARDS).
    public struct Server: Sendable, Equatable {
        /// `primary` or `replica`.
        public var role: String
        /// `host:port`.
        public var address: String
        /// Whether health checks reach it; nil = not known yet.
        public var reachable: Bool?
        /// Whether it takes reads (replicas); nil for a primary or when unknown.
        public var inRotation: Bool?
        /// Replication lag in bytes (replicas), as sent.
        public var lagBytes: String?
        /// Replication lag in seconds (replicas), as sent.
        public var lagSeconds: String?

        /// Creates a server line.
        public init(role: String, address: String, reachable: Bool?, inRotation: Bool?, lagBytes: String?, lagSeconds: String?) {
            self.role = role
            self.address = address
            self.reachable = reachable
            self.inRotation = inRotation
            self.lagBytes = lagBytes
            self.lagSeconds = lagSeconds
        }
    }

    /// One shard with its servers.
    public struct Shard: Sendable, Equatable {
        /// Shard name.
        public var name: String
        /// Ring weight, as sent.
        public var weight: String?
        /// Fraction of the keyspace it owns (0...1), as sent.
        public var keyspaceShare: String?
        /// Whether PAUSE holds its transactions.
        public var paused: Bool?
        /// Primary first, then replicas, in console order.
        public var servers: [Server]

        /// Creates a shard line.
        public init(name: String, weight: String?, keyspaceShare: String?, paused: Bool?, servers: [Server]) {
            self.name = name
            self.weight = weight
            self.keyspaceShare = keyspaceShare
            self.paused = paused
            self.servers = servers
        }
    }

    /// `SHOW VERSION`.
    public var version: String
    /// The shards in console order.
    public var shards: [Shard]
    /// `SHOW LISTS`: name and count, in console order.
    public var lists: [(name: String, items: String)]

    public static func == (lhs: StatusReport, rhs: StatusReport) -> Bool {
        lhs.version == rhs.version && lhs.shards == rhs.shards
            && lhs.lists.map(\.name) == rhs.lists.map(\.name) && lhs.lists.map(\.items) == rhs.lists.map(\.items)
    }

    /// Builds the report from the three results, in the order VERSION, SHARDS, LISTS.
    public init(version: QueryResult, shards: QueryResult, lists: QueryResult) {
        self.version = version.rows.first.flatMap { row in version.columnIndex("version").flatMap { row[$0] } } ?? "unknown"
        func value(_ row: [String?], _ column: String, in result: QueryResult) -> String? {
            result.columnIndex(column).flatMap { $0 < row.count ? row[$0] : nil }
        }
        func flag(_ text: String?) -> Bool? {
            switch text {
            case "t"?: return true
            case "f"?: return false
            default: return nil
            }
        }
        var shardList: [Shard] = []
        for row in shards.rows {
            let name = value(row, "shard", in: shards) ?? ""
            let server = Server(
                role: value(row, "role", in: shards) ?? "",
                address: value(row, "server", in: shards) ?? "",
                reachable: flag(value(row, "reachable", in: shards)),
                inRotation: flag(value(row, "in_rotation", in: shards)),
                lagBytes: value(row, "lag_bytes", in: shards),
                lagSeconds: value(row, "lag_seconds", in: shards)
            )
            if let last = shardList.indices.last, shardList[last].name == name {
                shardList[last].servers.append(server)
            } else {
                shardList.append(Shard(
                    name: name,
                    weight: value(row, "weight", in: shards),
                    keyspaceShare: value(row, "keyspace_share", in: shards),
                    paused: flag(value(row, "paused", in: shards)),
                    servers: [server]
                ))
            }
        }
        self.shards = shardList
        self.lists = lists.rows.compactMap { row in
            guard let name = value(row, "list", in: lists) else { return nil }
            return (name, value(row, "items", in: lists) ?? "")
        }
    }

    /// Servers reachable / not reachable / not known.
    public var serverCounts: (up: Int, down: Int, unknown: Int) {
        let servers = shards.flatMap(\.servers)
        return (servers.filter { $0.reachable == true }.count,
                servers.filter { $0.reachable == false }.count,
                servers.filter { $0.reachable == nil }.count)
    }

    /// The human summary: key/value lines, then one table row per server.
    public func text() -> String {
        let counts = serverCounts
        var servers = "\(counts.up) up, \(counts.down) down"
        if counts.unknown > 0 { servers += ", \(counts.unknown) unknown" }
        let paused = shards.filter { $0.paused == true }.map(\.name)
        var pairs: [(String, String)] = [
            ("version", version),
            ("shards", "\(shards.count)" + (paused.isEmpty ? "" : " (paused: \(paused.joined(separator: ", ")))")),
            ("servers", servers),
        ]
        for list in lists where list.name != "shards" && list.name != "servers" {
            pairs.append((list.name.replacingOccurrences(of: "_", with: " "), list.items))
        }
        let width = pairs.map(\.0.count).max() ?? 0
        var text = pairs.map { key, value in
            key + String(repeating: " ", count: width - key.count) + "  " + value
        }.joined(separator: "\n")
        guard !shards.isEmpty else { return text }
        var rows: [[String]] = []
        for shard in shards {
            for (index, server) in shard.servers.enumerated() {
                let first = index == 0
                rows.append([
                    first ? shard.name : "",
                    first ? (shard.weight ?? "") : "",
                    first ? Self.percent(shard.keyspaceShare) : "",
                    server.role,
                    server.address,
                    server.reachable.map { $0 ? "up" : "down" } ?? "unknown",
                    server.inRotation.map { $0 ? "yes" : "no" } ?? "-",
                    server.lagBytes ?? "-",
                    server.lagSeconds ?? "-",
                    first ? (shard.paused.map { $0 ? "yes" : "no" } ?? "-") : "",
                ])
            }
        }
        text += "\n\n" + TextTable.render(
            header: ["SHARD", "WEIGHT", "SHARE", "ROLE", "SERVER", "STATE", "IN ROTATION", "LAG BYTES", "LAG SECONDS", "PAUSED"],
            alignments: [.left, .right, .right, .left, .left, .left, .left, .right, .right, .left],
            rows: rows
        )
        return text
    }

    /// A fraction (`0.500`) as a percentage (`50.0%`); other text as is.
    static func percent(_ text: String?) -> String {
        guard let text else { return "" }
        guard let fraction = Double(text) else { return text }
        let tenths = (fraction * 1000).rounded()
        return "\(Int(tenths) / 10).\(abs(Int(tenths)) % 10)%"
    }

    /// The JSON summary: version, shards with their servers (typed), lists (numbers where numeric).
    public func json() -> JSONValue {
        func number(_ text: String?) -> JSONValue {
            guard let text else { return .null }
            return ColumnKind.isJSONNumber(text) ? .number(text) : .string(text)
        }
        func bool(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }
        return .object([
            ("version", .string(version)),
            ("shards", .array(shards.map { shard in
                .object([
                    ("name", .string(shard.name)),
                    ("weight", number(shard.weight)),
                    ("keyspace_share", number(shard.keyspaceShare)),
                    ("paused", bool(shard.paused)),
                    ("servers", .array(shard.servers.map { server in
                        .object([
                            ("role", .string(server.role)),
                            ("server", .string(server.address)),
                            ("reachable", bool(server.reachable)),
                            ("in_rotation", bool(server.inRotation)),
                            ("lag_bytes", number(server.lagBytes)),
                            ("lag_seconds", number(server.lagSeconds)),
                        ])
                    })),
                ])
            })),
            ("lists", .object(lists.map { ($0.name, number($0.items)) })),
        ])
    }
}
