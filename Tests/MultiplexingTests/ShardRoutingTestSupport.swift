import HashRing
import Multiplexing
import NIOCore
import PGWire
import Routing

/// Fixtures for the ``ShardRoutingStateMachine`` tests: a two-shard ring, a routing table and keys on each shard.
enum Shards {
    /// Two equal shards `a` and `b`.
    static let ring: ConsistentHashRing = {
        do {
            return try ConsistentHashRing(weights: [("a", 1), ("b", 1)], virtualNodes: 64)
        } catch {
            preconditionFailure("fixture ring must build: \(error)")
        }
    }()

    /// `accounts` and `events` sharded by `user_id` (int), `countries` global, default shard `a`.
    static func table(replicas: Set<String> = ["a", "b"], noKeyPolicy: NoKeyPolicy = .reject) -> RoutingTable {
        let configuration = RoutingConfiguration(
            shardedTables: [
                "accounts": ShardedTable(keyColumn: "user_id", keyType: .int),
                "events": ShardedTable(keyColumn: "user_id", keyType: .int),
            ],
            globalTables: ["countries"],
            defaultShard: "a",
            noKeyPolicy: noKeyPolicy
        )
        return RoutingTable(version: 7, ring: ring, router: Router(configuration: configuration), shardsWithReplicas: replicas)
    }

    /// The shard the ring (not the machine) assigns to an integer key.
    static func shard(of key: Int64) -> String {
        ring.shard(for: .integer(key)).name
    }

    /// The `index`-th positive integer key (0-based) that the ring puts on `shard`.
    static func key(on shard: String, index: Int = 0) -> Int64 {
        var found = -1
        var candidate: Int64 = 1
        while true {
            if ring.shard(for: .integer(candidate)).name == shard {
                found += 1
                if found == index { return candidate }
            }
            candidate += 1
        }
    }

    /// The other shard of the two.
    static func other(than shard: String) -> String {
        shard == "a" ? "b" : "a"
    }
}

/// Frontend frames for routing tests, with Bind values (text format).
enum ClientFrame {
    case query(String)
    case parse(String, String, [UInt32] = [])
    case bind(String, [String?])
    case describePortal
    case describeStatement(String)
    case execute
    case sync
    case flush
    case closeStatement(String)

    /// The frames encoded one after the other.
    static func bytes(_ frames: [ClientFrame]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for frame in frames { frame.encode(into: &buffer) }
        return buffer
    }

    func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .query(let sql):
            Query(sql: sql).encode(into: &buffer)
        case .parse(let name, let sql, let types):
            Parse(statementName: name, query: sql, parameterTypeOIDs: types).encode(into: &buffer)
        case .bind(let statement, let values):
            Bind(
                portalName: "", statementName: statement, parameterFormats: [],
                parameters: values.map { $0.map { ByteBuffer(string: $0) } }, resultFormats: []
            ).encode(into: &buffer)
        case .describePortal:
            Describe(kind: .portal, name: "").encode(into: &buffer)
        case .describeStatement(let name):
            Describe(kind: .statement, name: name).encode(into: &buffer)
        case .execute:
            Execute(portalName: "", maxRows: 0).encode(into: &buffer)
        case .sync:
            Sync().encode(into: &buffer)
        case .flush:
            buffer.writeInteger(UInt8(ascii: "H"))
            buffer.writeInteger(Int32(4))
        case .closeStatement(let name):
            Close(kind: .statement, name: name).encode(into: &buffer)
        }
    }
}

/// What pgring answered a client itself, decoded.
struct LocalReply {
    /// The message type letters, in order.
    var ids = ""
    /// CommandComplete tags.
    var tags: [String] = []
    /// ErrorResponse SQLSTATEs.
    var errorCodes: [String] = []
    /// ErrorResponse messages.
    var errorMessages: [String] = []
    /// ReadyForQuery statuses.
    var statuses: [TransactionStatus] = []
    /// DataRow values.
    var rows: [[String?]] = []

    init(_ bytes: ByteBuffer) {
        ids = Wire.backendIDs(bytes)
        FrameBatch(validatedBytes: bytes).forEachFrame { message, _ in
            switch message.id {
            case UInt8(ascii: "C"):
                if let complete = try? CommandComplete.decode(from: message) { tags.append(complete.tag) }
            case UInt8(ascii: "E"):
                if let error = try? ErrorResponse.decode(from: message) {
                    errorCodes.append(error.sqlState ?? "?")
                    errorMessages.append(error.message ?? "?")
                }
            case UInt8(ascii: "Z"):
                if let ready = try? ReadyForQuery.decode(from: message) { statuses.append(ready.transactionStatus) }
            case UInt8(ascii: "D"):
                if let row = try? DataRow.decode(from: message) { rows.append(row.values) }
            default:
                break
            }
            return true
        }
    }
}

typealias Target = ShardRoutingStateMachine.Target
typealias Held = ShardRoutingStateMachine.Held
typealias Step = ShardRoutingStateMachine.Step

extension ShardRoutingStateMachine.Held {
    /// A held server connection, idle and free by default.
    static func on(
        _ shard: String, _ role: ShardRole, busy: Bool = false, unsynced: Bool = false,
        status: TransactionStatus = .idle, pinned: Bool = false
    ) -> Held {
        Held(target: Target(shard: shard, role: role), isBusy: busy, isUnsynced: unsynced, status: status, isPinned: pinned)
    }
}

extension ShardRoutingStateMachine.Step {
    /// The lease target, nil for any other step.
    var leaseTarget: Target? {
        if case .lease(let target) = self { return target }
        return nil
    }

    /// The local answer, decoded; nil for any other step.
    var reply: LocalReply? {
        if case .answer(let bytes, _) = self { return LocalReply(bytes) }
        return nil
    }

    /// The Parse frames of a local answer that no server has.
    var unsentParses: [ByteBuffer]? {
        if case .answer(_, let parses) = self { return parses }
        return nil
    }

    /// The forwarded frames described (``Wire/describeFrontend(_:)``), nil for any other step.
    var forwardedLines: [String]? {
        if case .forward(let bytes, _, _) = self { return Wire.describeFrontend(bytes) }
        return nil
    }

    /// The silent Queries of a forward, nil for any other step.
    var silentQueries: [String]? {
        if case .forward(_, let queries, _) = self { return queries }
        return nil
    }

    /// The status override of a forward (nil inside when none), nil for any other step.
    var statusOverride: TransactionStatus?? {
        if case .forward(_, _, let status) = self { return .some(status) }
        return nil
    }
}

/// One client session driven through the machine: what it sent and has not been consumed yet.
struct RoutingSession {
    var machine: ShardRoutingStateMachine
    var pending: ByteBuffer?
    var table: RoutingTable

    init(replicaReads: Bool = true, table: RoutingTable = Shards.table()) {
        machine = ShardRoutingStateMachine(replicaReads: replicaReads)
        self.table = table
    }

    /// Appends frames to what is pending.
    mutating func send(_ frames: [ClientFrame]) {
        var bytes = ClientFrame.bytes(frames)
        if pending == nil { pending = ByteBuffer() }
        pending?.writeBuffer(&bytes)
    }

    /// One call of ``ShardRoutingStateMachine/next(_:held:table:)``.
    mutating func step(held: Held? = nil) -> Step {
        machine.next(&pending, held: held, table: table)
    }

    /// Sends `frames` and steps once.
    mutating func run(_ frames: [ClientFrame], held: Held? = nil) -> Step {
        send(frames)
        return step(held: held)
    }

    /// ``ShardRoutingStateMachine/takeLeaseWrote()``.
    mutating func takeLeaseWrote() -> Bool {
        machine.takeLeaseWrote()
    }

    /// The pending frames, described.
    var pendingLines: [String] {
        pending.map(Wire.describeFrontend) ?? []
    }
}
