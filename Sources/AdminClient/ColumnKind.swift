/// How a column of an admin console result reads: the console sends every value as text (numbers in
/// decimal, booleans as `t`/`f`, unknown values as NULL, see docs/admin.md), so the kind is inferred from
/// the values of the whole column, which keeps one JSON type per key across rows.
public enum ColumnKind: Sendable, Equatable {
    /// Every non-NULL value is a JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`), and there is one.
    case number
    /// Every non-NULL value is `t` or `f`, and there is one.
    case boolean
    /// Anything else (also a column of NULLs only).
    case text

    /// The kind of the values in `values`.
    public static func infer<Values: Sequence>(_ values: Values) -> ColumnKind where Values.Element == String? {
        var allNumbers = true
        var allBooleans = true
        var any = false
        for case let value? in values {
            any = true
            if allNumbers && !isJSONNumber(value) { allNumbers = false }
            if allBooleans && value != "t" && value != "f" { allBooleans = false }
            if !allNumbers && !allBooleans { return .text }
        }
        guard any else { return .text }
        return allNumbers ? .number : (allBooleans ? .boolean : .text)
    }

    /// The kind of each column of `result`.
    public static func infer(_ result: QueryResult) -> [ColumnKind] {
        result.columns.indices.map { index in
            infer(result.rows.lazy.map { index < $0.count ? $0[index] : nil })
        }
    }

    /// Whether `text` is a number in JSON's grammar (so it can be written as is).
    public static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                bytes.removeFirst()
                count += 1
            }
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes.removeFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            if digits() == 0 { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes.removeFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }
}
