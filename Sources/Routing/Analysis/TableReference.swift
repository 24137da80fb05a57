/// A table named by a statement.
public struct TableReference: Sendable, Hashable {
    /// The table name: lower-cased when unquoted, as written when quoted. For `schema.table` the last part.
    public var name: String
    /// The schema when the name was qualified (`app.orders` -> `app`), else nil.
    public var schema: String?
    /// The alias (`FROM orders o`, `orders AS o`), else nil.
    public var alias: String?
    /// How the statement uses the table.
    public var usage: TableUsage
    /// The query scope (parenthesis level) the reference belongs to; used to match unqualified columns.
    var scope: Int

    /// Creates a reference.
    public init(name: String, schema: String? = nil, alias: String? = nil, usage: TableUsage) {
        self.init(name: name, schema: schema, alias: alias, usage: usage, scope: 0)
    }

    /// Creates a reference in a scope.
    init(name: String, schema: String?, alias: String?, usage: TableUsage, scope: Int) {
        self.name = name
        self.schema = schema
        self.alias = alias
        self.usage = usage
        self.scope = scope
    }

    /// The name other parts of the statement use for this reference: the alias if any, else the table name.
    public var exposedName: String { alias ?? name }
}

/// How a statement uses a table.
public enum TableUsage: Sendable, Hashable {
    /// Only read (FROM, JOIN, USING, TABLE, COPY ... TO).
    case read
    /// Written: the target of INSERT, UPDATE, DELETE, MERGE, TRUNCATE, LOCK or COPY ... FROM.
    case modified
}
