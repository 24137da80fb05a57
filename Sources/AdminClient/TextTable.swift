/// Aligned text tables: a header row, columns padded to their widest cell, separated by two spaces.
/// pgringctl prints every table through this (its `Output.table` forwards here).
public enum TextTable {
    /// Column alignment.
    public enum Alignment: Sendable, Equatable {
        /// Padded on the right (text).
        case left
        /// Padded on the left (numbers).
        case right
    }

    /// Renders the table. Lines have no trailing blanks (a left-aligned last column is not padded, and empty
    /// trailing cells leave nothing behind).
    /// Widths count Characters (grapheme clusters).
    public static func render(header: [String], alignments: [Alignment], rows: [[String]]) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        return all.map { row in
            row.enumerated().map { column, cell in
                let width = column < widths.count ? widths[column] : cell.count
                let padding = String(repeating: " ", count: max(0, width - cell.count))
                let alignment = column < alignments.count ? alignments[column] : .left
                switch alignment {
                case .left: return column == row.count - 1 ? cell : cell + padding
                case .right: return padding + cell
                }
            }.joined(separator: "  ").trimmingTrailingBlanks()
        }.joined(separator: "\n")
    }
}

extension String {
    /// The string without trailing spaces.
    func trimmingTrailingBlanks() -> String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[..<end])
    }
}
