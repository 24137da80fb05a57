import AdminClient
import Foundation

/// Printing for every pgringctl command: aligned text tables, key/value blocks and JSON.
enum Output {
    /// Column alignment in a table (`.left` for text, `.right` for numbers).
    typealias Alignment = TextTable.Alignment

    /// A table with a header row, columns padded to their widest cell, separated by two spaces.
    static func table(header: [String], alignments: [Alignment], rows: [[String]]) -> String {
        TextTable.render(header: header, alignments: alignments, rows: rows)
    }

    /// `key  value` lines with the keys padded to the same width.
    static func fields(_ pairs: [(String, String)]) -> String {
        let width = pairs.map(\.0.count).max() ?? 0
        return pairs.map { key, value in
            key + String(repeating: " ", count: width - key.count) + "  " + value
        }.joined(separator: "\n")
    }

    /// A fraction of the keyspace as a percentage with three decimals, e.g. `25.651%`.
    static func percent(_ fraction: Double) -> String {
        String(format: "%.3f%%", fraction * 100)
    }

    /// Pretty, key-sorted JSON of `value`.
    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }
}

/// A command failure with a message for the operator; ArgumentParser prints it to stderr as
/// `Error: <message>` and exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong and what to do about it.
    let message: String
    var description: String { message }
}
