/// What pgring knows about one Query string or one Parse message's SQL, independent of any configuration:
/// the command kinds, the tables, the sharding-key candidates and the hints.
///
/// The value is computed once by `StatementAnalyzer` (and cached per prepared statement by
/// `PreparedStatementCache`); which of the candidate columns is a sharding key is decided later, with
/// `keyValues(forTableAt:keyColumn:)`, so a config reload never invalidates an analysis.
public struct AnalyzedStatement: Sendable, Equatable {
    /// The kind of every non-empty statement, in order (a Query may hold several, separated by `;`).
    public var commands: [CommandKind]
    /// Every table reference in every statement, in the order they appear. Names of CTEs (`WITH x AS ...`) are
    /// not tables and are left out.
    public var tables: [TableReference]
    /// The names of the functions called (`name(`), lower-cased when unquoted, without schema.
    public var functionCalls: Set<String>
    /// True when a `FOR UPDATE`, `FOR NO KEY UPDATE`, `FOR SHARE` or `FOR KEY SHARE` clause appears.
    public var hasLockingClause: Bool
    /// True for `SELECT ... INTO new_table` (creates a table, so it is a write).
    public var hasSelectInto: Bool
    /// True when any statement or CTE is an INSERT, UPDATE, DELETE or MERGE.
    public var hasDataModification: Bool
    /// Hints from comments (`/* pgring:shard_key=42 */`).
    public var hints: RoutingHints
    /// Set when the (single) statement sets or resets a `pgring.*` session setting.
    public var sessionCommand: SessionCommand?
    /// How many statements of the Query set or reset a `pgring.*` setting (the router refuses them inside a
    /// multi-statement Query, where pgring could not answer them itself).
    public var sessionCommandsInBatch: Int
    /// True when a string, quoted identifier, dollar-quoted string or comment was still open at the end.
    public var hasUnterminatedToken: Bool
    /// Equalities `[qualifier.]column = constant` and `column IN (constants)` found as top-level AND conjuncts
    /// of WHERE clauses.
    var equalities: [ColumnEquality]
    /// `a.col = b.col` conjuncts of WHERE and JOIN ... ON clauses, used to carry a key across a join.
    var columnLinks: [ColumnLink]
    /// The VALUES rows of INSERT statements, by target table index.
    var insertRows: [Int: InsertRows]
    /// The index of the last INSERT target, for `ON CONFLICT DO UPDATE SET`.
    var lastInsertTarget: Int?
    /// For each table index, the indices into `equalities` that apply to it (built by `resolveColumns()`).
    var equalitiesByTable: [Int: [Int]]
    /// `columnLinks` resolved to table indices (built by `resolveColumns()`).
    var resolvedLinks: [(left: Int, leftColumn: String, right: Int, rightColumn: String)]
    /// Columns assigned by `UPDATE ... SET`, `ON CONFLICT DO UPDATE SET` and `MERGE ... UPDATE SET`.
    var assignments: [ColumnAssignment]
    /// `scopeParents[s]` is the scope enclosing scope `s` (-1 for a statement's top scope).
    var scopeParents: [Int]

    /// An empty analysis (no statement).
    public init() {
        commands = []
        tables = []
        functionCalls = []
        hasLockingClause = false
        hasSelectInto = false
        hasDataModification = false
        hints = RoutingHints()
        sessionCommand = nil
        sessionCommandsInBatch = 0
        assignments = []
        hasUnterminatedToken = false
        equalities = []
        columnLinks = []
        insertRows = [:]
        lastInsertTarget = nil
        equalitiesByTable = [:]
        resolvedLinks = []
        scopeParents = []
    }

    /// The kind of the first statement, `.empty` when there is none.
    public var kind: CommandKind { commands.first ?? .empty }

    /// The number of non-empty statements.
    public var statementCount: Int { commands.count }

    /// Most equalities, column links and SET assignments recorded per Query; beyond them the rest is ignored
    /// (fewer keys, never wrong ones). Keeps the analysis of hostile input near-linear.
    static let maximumConditions = 256

    /// Most scope levels searched outwards to resolve a qualified column.
    static let maximumScopeSearch = 64

    /// Two analyses are equal when everything the router reads is equal.
    public static func == (lhs: AnalyzedStatement, rhs: AnalyzedStatement) -> Bool {
        lhs.commands == rhs.commands && lhs.tables == rhs.tables && lhs.functionCalls == rhs.functionCalls
            && lhs.hasLockingClause == rhs.hasLockingClause && lhs.hasSelectInto == rhs.hasSelectInto
            && lhs.hasDataModification == rhs.hasDataModification && lhs.hints == rhs.hints
            && lhs.sessionCommand == rhs.sessionCommand && lhs.sessionCommandsInBatch == rhs.sessionCommandsInBatch
            && lhs.hasUnterminatedToken == rhs.hasUnterminatedToken && lhs.equalities == rhs.equalities
            && lhs.columnLinks == rhs.columnLinks && lhs.insertRows == rhs.insertRows
            && lhs.assignments == rhs.assignments && lhs.scopeParents == rhs.scopeParents
    }
}

/// A column written as `[qualifier.]column`.
struct ColumnName: Sendable, Hashable {
    /// The table name or alias before the dot, if any.
    var qualifier: String?
    /// The column name.
    var column: String
}

/// A conjunct `column = constant` or `column IN (constants)` of a WHERE clause.
struct ColumnEquality: Sendable, Hashable {
    /// The column.
    var column: ColumnName
    /// The constants it must equal (one for `=`, several for `IN`).
    var values: [KeyValue]
    /// The scope of the WHERE clause.
    var scope: Int
}

/// A conjunct `column = column` of a WHERE or ON clause.
struct ColumnLink: Sendable, Hashable {
    /// The left column.
    var left: ColumnName
    /// The right column.
    var right: ColumnName
    /// The scope of the clause.
    var scope: Int
}

/// A column assigned by a SET list.
struct ColumnAssignment: Sendable, Hashable {
    /// The index of the assigned table in `AnalyzedStatement.tables`.
    var tableIndex: Int
    /// The assigned column.
    var column: String
}

/// The column list and VALUES rows of one INSERT.
struct InsertRows: Sendable, Hashable {
    /// The index of the target in `AnalyzedStatement.tables`.
    var tableIndex: Int
    /// The column list, nil when the INSERT has none (then the key position is unknown).
    var columns: [String]?
    /// One entry per VALUES row, one element per column: the constant, or nil for any other expression.
    /// Nil when the rows do not come from a VALUES list (INSERT ... SELECT, DEFAULT VALUES).
    var rows: [[KeyValue?]]?
}
