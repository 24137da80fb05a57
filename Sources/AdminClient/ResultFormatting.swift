/// Turns admin console results into what pgringctl prints: an aligned table or JSON.
public enum ResultFormatting {
    /// One value as typed JSON: NULL -> null, `t`/`f` -> a boolean in a boolean column, a number in a
    /// number column, otherwise a string.
    public static func jsonValue(_ value: String?, kind: ColumnKind) -> JSONValue {
        guard let value else { return .null }
        switch kind {
        case .number: return .number(value)
        case .boolean: return .bool(value == "t")
        case .text: return .string(value)
        }
    }

    /// The rows as JSON objects keyed by column name, in column order.
    public static func jsonObjects(_ result: QueryResult) -> [JSONValue] {
        let kinds = ColumnKind.infer(result)
        return result.rows.map { row in
            .object(result.columns.enumerated().map { index, column in
                (column, jsonValue(index < row.count ? row[index] : nil, kind: kinds[index]))
            })
        }
    }

    /// The rows as a JSON array of objects (`[]` for no rows).
    public static func json(_ result: QueryResult) -> String {
        JSONValue.array(jsonObjects(result)).render()
    }

    /// The result as a table: upper-case column headers, number columns right-aligned, NULL as an empty
    /// cell. A result without columns prints its command tag.
    public static func table(_ result: QueryResult) -> String {
        guard !result.columns.isEmpty else { return result.tag }
        let kinds = ColumnKind.infer(result)
        return TextTable.render(
            header: result.columns.map { $0.uppercased() },
            alignments: kinds.map { $0 == .number ? .right : .left },
            rows: result.rows.map { row in row.map { $0 ?? "" } }
        )
    }
}
