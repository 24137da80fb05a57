/// One result of a simple Query: the columns of its RowDescription (none for a command such as PAUSE),
/// its DataRows as text (nil = SQL NULL) and its CommandComplete tag (e.g. `SHOW`, `PAUSE`, `SELECT 1`).
public struct QueryResult: Sendable, Equatable {
    /// Column names in order; empty for a command that returns no rows.
    public var columns: [String]
    /// Rows, each with one value per column.
    public var rows: [[String?]]
    /// The CommandComplete tag; empty for an EmptyQueryResponse.
    public var tag: String

    /// Creates a result.
    public init(columns: [String], rows: [[String?]], tag: String) {
        self.columns = columns
        self.rows = rows
        self.tag = tag
    }

    /// The rows as `column name -> value` dictionaries (NULL values included as nil).
    public var records: [[String: String?]] {
        rows.map { row in
            var record: [String: String?] = [:]
            for (index, column) in columns.enumerated() where index < row.count {
                record[column] = row[index]
            }
            return record
        }
    }

    /// The index of column `name`, or nil.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex(of: name)
    }
}
