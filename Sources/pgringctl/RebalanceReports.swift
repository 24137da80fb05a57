import AdminClient
import Foundation

// MARK: - REBALANCE PLAN

/// A REBALANCE PLAN result (`kind|from|to|ranges|keyspace_percent|table|estimated_rows|estimated_bytes|detail`),
/// grouped: one move per source/target pair with its tables, the failing preconditions, the ring change.
/// Columns are found by name; numbers are kept as the console's text.
struct RebalancePlanReport: Equatable {
    /// One table of a move.
    struct Table: Equatable {
        var name: String
        /// A global table, copied whole to a new shard (`name (global, whole)` in the console's result).
        var global: Bool
        var estimatedRows: String?
        var estimatedBytes: String?
    }

    /// One source/target pair.
    struct Move: Equatable {
        var from: String
        var to: String
        /// Nil when the console sent no pair row (a pair that only copies global tables).
        var ranges: String?
        var keyspacePercent: String?
        var tables: [Table]
    }

    /// The ring change (the `ring` row).
    struct Ring: Equatable {
        /// The share of the keyspace that changes owner, in percent.
        var keyspacePercent: String?
        /// `version a -> b, fingerprint x -> y`, as sent.
        var detail: String
        var oldVersion: String?
        var newVersion: String?
        var oldFingerprint: String?
        var newFingerprint: String?

        init(keyspacePercent: String?, detail: String) {
            self.keyspacePercent = keyspacePercent
            self.detail = detail
            // "version 3 -> 4, fingerprint 0x1 -> 0x2"
            let parts = detail.components(separatedBy: ", ")
            for part in parts {
                let words = part.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard words.count == 4, words[2] == "->" else { continue }
                switch words[0] {
                case "version": (oldVersion, newVersion) = (words[1], words[3])
                case "fingerprint": (oldFingerprint, newFingerprint) = (words[1], words[3])
                default: break
                }
            }
        }
    }

    var moves: [Move]
    var problems: [String]
    var ring: Ring?

    static let globalSuffix = " (global, whole)"

    init(moves: [Move], problems: [String], ring: Ring?) {
        self.moves = moves
        self.problems = problems
        self.ring = ring
    }

    init(_ result: QueryResult) {
        var moves: [Move] = []
        var problems: [String] = []
        var ring: Ring?
        for record in result.records {
            func value(_ column: String) -> String? { record[column] ?? nil }
            switch value("kind") {
            case "move"?:
                let from = value("from") ?? "", to = value("to") ?? ""
                let index: Int
                if let found = moves.firstIndex(where: { $0.from == from && $0.to == to }) {
                    index = found
                } else {
                    moves.append(Move(from: from, to: to, ranges: nil, keyspacePercent: nil, tables: []))
                    index = moves.count - 1
                }
                if let table = value("table"), !table.isEmpty {
                    let global = table.hasSuffix(Self.globalSuffix)
                    moves[index].tables.append(Table(
                        name: global ? String(table.dropLast(Self.globalSuffix.count)) : table, global: global,
                        estimatedRows: value("estimated_rows"), estimatedBytes: value("estimated_bytes")))
                } else {
                    moves[index].ranges = value("ranges")
                    moves[index].keyspacePercent = value("keyspace_percent")
                }
            case "problem"?:
                problems.append(value("detail") ?? "(no detail)")
            case "ring"?:
                ring = Ring(keyspacePercent: value("keyspace_percent"), detail: value("detail") ?? "")
            default:
                continue
            }
        }
        self.init(moves: moves, problems: problems, ring: ring)
    }

    /// The human plan: the ring change, the pairs, the tables with estimates, then the problems.
    func text(operation: String? = nil) -> String {
        var fields: [(String, String)] = []
        if let operation { fields.append(("plan", operation)) }
        if let ring {
            if let old = ring.oldVersion, let new = ring.newVersion {
                fields.append(("ring version", "\(old) -> \(new)"))
            }
            if let old = ring.oldFingerprint, let new = ring.newFingerprint {
                fields.append(("fingerprint", "\(old) -> \(new)"))
            }
            if ring.oldVersion == nil && ring.oldFingerprint == nil && !ring.detail.isEmpty {
                fields.append(("ring", ring.detail))
            }
        }
        let pairs = moves.filter { $0.ranges != nil }
        var moved = ring.map { RebalanceFormat.percent($0.keyspacePercent) + " of the keyspace" } ?? "?"
        moved += ", \(pairs.count) source/target pair\(pairs.count == 1 ? "" : "s")"
        fields.append(("moves", moved))
        var sections = [Output.fields(fields)]
        if !pairs.isEmpty {
            sections.append(Output.table(
                header: ["FROM", "TO", "RANGES", "KEYSPACE"],
                alignments: [.left, .left, .right, .right],
                rows: pairs.map { [$0.from, $0.to, $0.ranges ?? "-", RebalanceFormat.percent($0.keyspacePercent)] }
            ))
        }
        var tableRows: [[String]] = []
        for move in moves {
            for (index, table) in move.tables.enumerated() {
                tableRows.append([
                    index == 0 ? move.from : "", index == 0 ? move.to : "",
                    table.global ? "\(table.name) (global, copied whole)" : table.name,
                    RebalanceFormat.count(table.estimatedRows), RebalanceFormat.bytes(table.estimatedBytes),
                ])
            }
        }
        if !tableRows.isEmpty {
            sections.append(Output.table(
                header: ["FROM", "TO", "TABLE", "EST. ROWS", "EST. SIZE"],
                alignments: [.left, .left, .left, .right, .right],
                rows: tableRows
            ))
        }
        if problems.isEmpty {
            sections.append("Preconditions: all met.")
        } else {
            let count = problems.count
            sections.append("The rebalance cannot start: \(count) failing precondition\(count == 1 ? "" : "s"):\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }

    /// `{"moves": [...], "problems": [...], "ring": {...}}`, numbers typed.
    func json() -> JSONValue {
        .object([
            ("moves", .array(moves.map { move in
                .object([
                    ("from", .string(move.from)),
                    ("to", .string(move.to)),
                    ("ranges", RebalanceFormat.number(move.ranges)),
                    ("keyspace_percent", RebalanceFormat.number(move.keyspacePercent)),
                    ("tables", .array(move.tables.map { table in
                        .object([
                            ("table", .string(table.name)),
                            ("global", .bool(table.global)),
                            ("estimated_rows", RebalanceFormat.number(table.estimatedRows)),
                            ("estimated_bytes", RebalanceFormat.number(table.estimatedBytes)),
                        ])
                    })),
                ])
            })),
            ("problems", .array(problems.map(JSONValue.string))),
            ("ring", ring.map { ring in
                .object([
                    ("keyspace_percent", RebalanceFormat.number(ring.keyspacePercent)),
                    ("old_version", RebalanceFormat.number(ring.oldVersion)),
                    ("new_version", RebalanceFormat.number(ring.newVersion)),
                    ("old_fingerprint", RebalanceFormat.string(ring.oldFingerprint)),
                    ("new_fingerprint", RebalanceFormat.string(ring.newFingerprint)),
                    ("detail", .string(ring.detail)),
                ])
            } ?? .null),
        ])
    }
}

// MARK: - SHOW REBALANCE

/// A SHOW REBALANCE result (`key|value` rows), grouped: the job's facts in console order, rows deleted per
/// table, the pairs with their lag and rows copied, and the events. `phase none` means no job.
struct RebalanceStatusReport: Equatable {
    /// One source/target pair (`pair.<i>...` keys).
    struct Pair: Equatable {
        var index: Int
        /// `a -> b, N ranges, P% of the keyspace`, as sent.
        var description: String?
        var lagBytes: String?
        /// Per table, in console order.
        var rowsCopied: [Entry]
    }

    /// A key and its value (nil = NULL).
    struct Entry: Equatable {
        var key: String
        var value: String?
    }

    /// An `event` row: `ISO-time message`.
    struct Event: Equatable {
        var time: String?
        var message: String
    }

    /// The phases a job stops in.
    static let endPhases: Set<String> = ["done", "aborted", "failed"]
    /// The facts `text()` knows (shown in its own words, or left out when NULL).
    static let knownKeys: Set<String> = [
        "job", "operation", "phase", "failed_phase", "error", "running", "ring_version", "live_ring_version", "created_at",
        "elapsed_seconds", "cutover_attempts", "cutover_timeout_seconds", "cutover_pause_ms", "held_writes",
        "held_writes_max_ms", "held_writes_p99_ms", "expected_pause_ms",
    ]
    /// Keys whose values are text even when they look like numbers (a job id may be all digits).
    static let textKeys: Set<String> = ["job", "operation", "phase", "failed_phase", "error", "ring_version", "created_at"]

    var facts: [Entry]
    var rowsDeleted: [Entry]
    var pairs: [Pair]
    var events: [Event]

    init(_ result: QueryResult) {
        var facts: [Entry] = []
        var rowsDeleted: [Entry] = []
        var pairs: [Pair] = []
        var events: [Event] = []
        let keyIndex = result.columnIndex("key") ?? 0
        let valueIndex = result.columnIndex("value") ?? 1
        func pairIndex(_ index: Int) -> Int {
            if let found = pairs.firstIndex(where: { $0.index == index }) { return found }
            pairs.append(Pair(index: index, description: nil, lagBytes: nil, rowsCopied: []))
            return pairs.count - 1
        }
        for row in result.rows {
            guard keyIndex < row.count, let key = row[keyIndex] else { continue }
            let value = valueIndex < row.count ? row[valueIndex] : nil
            if key == "event" {
                guard let value else { continue }
                let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2, parts[0].first?.isNumber == true, parts[0].contains("T") {
                    events.append(Event(time: String(parts[0]), message: String(parts[1])))
                } else {
                    events.append(Event(time: nil, message: value))
                }
            } else if key.hasPrefix("rows_deleted.") {
                rowsDeleted.append(Entry(key: String(key.dropFirst("rows_deleted.".count)), value: value))
            } else if key.hasPrefix("pair."), let pair = Self.parsePairKey(key) {
                let position = pairIndex(pair.index)
                switch pair.rest {
                case nil: pairs[position].description = value
                case "lag_bytes"?: pairs[position].lagBytes = value
                case let rest? where rest.hasPrefix("rows_copied."):
                    pairs[position].rowsCopied.append(Entry(key: String(rest.dropFirst("rows_copied.".count)), value: value))
                case let rest?:
                    pairs[position].rowsCopied.append(Entry(key: rest, value: value))
                }
            } else {
                facts.append(Entry(key: key, value: value))
            }
        }
        self.facts = facts
        self.rowsDeleted = rowsDeleted
        self.pairs = pairs
        self.events = events
    }

    /// `pair.3` -> (3, nil); `pair.3.lag_bytes` -> (3, "lag_bytes"); nil when not of that form.
    static func parsePairKey(_ key: String) -> (index: Int, rest: String?)? {
        let parts = key.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "pair", let index = Int(parts[1]) else { return nil }
        return (index, parts.count == 3 ? String(parts[2]) : nil)
    }

    /// The value of a fact (nil when missing or NULL).
    func value(_ key: String) -> String? {
        facts.first(where: { $0.key == key })?.value ?? nil
    }

    /// The phase; `none` when there is no job.
    var phase: String? { value("phase") }

    /// True when SHOW REBALANCE reports a job.
    var hasJob: Bool { phase != nil && phase != "none" }

    /// The human status: the key facts, the pairs with lag and rows copied, the last `eventLimit` events.
    func text(eventLimit: Int = 10) -> String {
        guard hasJob else { return "No rebalance job." }
        var fields: [(String, String)] = []
        func add(_ label: String, _ value: String) { fields.append((label, value)) }
        let phase = self.phase ?? "?"
        let running = value("running")
        add("job", value("job") ?? "?")
        if let operation = value("operation") { add("operation", operation) }
        var phaseText = phase
        if phase == "failed" {
            if let failed = value("failed_phase") { phaseText += " (in \(failed))" }
        } else if running == "true" {
            phaseText += " (running)"
        } else if !Self.endPhases.contains(phase), running == "false" {
            phaseText += " (not running: pgringctl rebalance resume continues it)"
        }
        add("phase", phaseText)
        if let error = value("error") { add("error", error) }
        if let ring = value("ring_version") {
            var text = ring
            if let live = value("live_ring_version") { text += " (live: \(live))" }
            add("ring version", text)
        }
        if let created = value("created_at") { add("started", created) }
        if let elapsed = value("elapsed_seconds") {
            // The console counts a finished job's time up to its end, a running one's up to now.
            add(phase == "done" || phase == "aborted" ? "took" : "elapsed", RebalanceFormat.duration(elapsed))
        }
        if let attempts = value("cutover_attempts") {
            var text = "\(attempts) attempt\(attempts == "1" ? "" : "s")"
            if let pause = value("cutover_pause_ms") {
                text += ", writes held \(pause) ms"
            } else if let expected = value("expected_pause_ms") {
                text += ", expected pause \(expected) ms"
            }
            if let timeout = value("cutover_timeout_seconds") { text += " (timeout \(timeout) s)" }
            add("cutover", text)
        }
        if let held = value("held_writes") {
            var details: [String] = []
            if let max = value("held_writes_max_ms") { details.append("max \(max) ms") }
            if let p99 = value("held_writes_p99_ms") { details.append("p99 \(p99) ms") }
            add("held writes", held + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"))
        }
        if !rowsDeleted.isEmpty {
            add("rows deleted", rowsDeleted.map { "\($0.key) \(RebalanceFormat.count($0.value))" }.joined(separator: ", "))
        }
        // Facts a newer console adds, NULLs left out.
        for fact in facts where !Self.knownKeys.contains(fact.key) {
            guard let value = fact.value else { continue }
            fields.append((fact.key.replacingOccurrences(of: "_", with: " "), value))
        }
        var sections = [Output.fields(fields)]
        if !pairs.isEmpty && pairs.allSatisfy({ $0.lagBytes == nil && $0.rowsCopied.isEmpty }) {
            // No live progress (before the copy, or after the cutover): just the pairs.
            sections.append(Output.table(header: ["PAIR"], alignments: [.left], rows: pairs.map { [$0.description ?? "pair \($0.index)"] }))
        } else if !pairs.isEmpty {
            var rows: [[String]] = []
            for pair in pairs {
                let lag = pair.lagBytes.map { RebalanceFormat.bytes($0) } ?? "-"
                let description = pair.description ?? "pair \(pair.index)"
                if pair.rowsCopied.isEmpty {
                    rows.append([description, lag, "", ""])
                }
                for (index, table) in pair.rowsCopied.enumerated() {
                    rows.append([index == 0 ? description : "", index == 0 ? lag : "", table.key, RebalanceFormat.count(table.value)])
                }
            }
            sections.append(Output.table(
                header: ["PAIR", "LAG", "TABLE", "ROWS COPIED"],
                alignments: [.left, .right, .left, .right],
                rows: rows
            ))
        }
        if eventLimit > 0 && !events.isEmpty {
            let recent = events.suffix(eventLimit)
            let title = recent.count < events.count ? "Last \(recent.count) of \(events.count) events:" : "Events:"
            sections.append(title + "\n" + recent.map { event in
                "  " + (event.time.map { $0 + "  " } ?? "") + event.message
            }.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }

    /// One line saying how the job ended, for `--wait`.
    func outcome(job: String) -> String {
        switch phase {
        case "done"?:
            var text = "Rebalance job \(job) done"
            if let elapsed = value("elapsed_seconds") { text += " after \(RebalanceFormat.duration(elapsed))" }
            if let pause = value("cutover_pause_ms") {
                text += "; writes of moving keys were held \(pause) ms"
                if let held = value("held_writes") { text += " (\(held) held write\(held == "1" ? "" : "s"))" }
            }
            if let ring = value("ring_version"), let new = ring.components(separatedBy: " -> ").last {
                text += "; ring version \(new) is live"
            }
            return text + "."
        case "aborted"?:
            return "Rebalance job \(job) aborted: placement, data and traffic are as before the job."
        case "failed"?:
            var text = "Rebalance job \(job) failed"
            if let failed = value("failed_phase") { text += " in phase \(failed)" }
            if let error = value("error") { text += ": \(error)" }
            let pastCutover = value("failed_phase") == "cleaning_up"
            return text + "\nContinue it with: pgringctl rebalance resume --wait"
                + (pastCutover ? "" : "\nor undo it with: pgringctl rebalance abort")
        case "none"?, nil:
            return "The rebalance job \(job) is gone (SHOW REBALANCE reports no job)."
        case let other?:
            return "Rebalance job \(job) stopped waiting in phase \(other)."
        }
    }

    /// Every key with a typed value (`running` a boolean, numbers as numbers except for text keys), then
    /// `rows_deleted` (object), `pairs` (array) and `events` (array of `{time, message}`).
    func json() -> JSONValue {
        var members: [(String, JSONValue)] = facts.map { fact in
            let value: JSONValue
            if Self.textKeys.contains(fact.key) {
                value = RebalanceFormat.string(fact.value)
            } else if fact.key == "running" {
                switch fact.value {
                case "true"?, "t"?: value = .bool(true)
                case "false"?, "f"?: value = .bool(false)
                default: value = RebalanceFormat.string(fact.value)
                }
            } else {
                value = RebalanceFormat.number(fact.value)
            }
            return (fact.key, value)
        }
        members.append(("rows_deleted", .object(rowsDeleted.map { ($0.key, RebalanceFormat.number($0.value)) })))
        members.append(("pairs", .array(pairs.map { pair in
            .object([
                ("pair", .integer(pair.index)),
                ("description", RebalanceFormat.string(pair.description)),
                ("lag_bytes", RebalanceFormat.number(pair.lagBytes)),
                ("rows_copied", .object(pair.rowsCopied.map { ($0.key, RebalanceFormat.number($0.value)) })),
            ])
        })))
        members.append(("events", .array(events.map { event in
            .object([("time", RebalanceFormat.string(event.time)), ("message", .string(event.message))])
        })))
        return .object(members)
    }
}
