/// The SQL keywords `SQLLexer` reports as `.keyword` (lower case).
///
/// The list holds PostgreSQL's reserved keywords plus every non-reserved keyword the statement analyzer looks
/// at. A word not in the list is an `.identifier`. Because many keywords may also be column names in
/// PostgreSQL (`key`, `name`, `value`...), the analyzer accepts keywords where it expects a name (`SQLToken.isName`).
public enum SQLKeywords {
    /// Every keyword, lower case.
    public static let all: Set<String> = reserved.union([
        // Type-function and join keywords.
        "between", "cross", "full", "inner", "join", "left", "natural", "outer", "right", "is", "isnull", "notnull",
        "like", "ilike", "similar", "overlaps", "exists", "extract", "substring", "trim", "overlay", "position",
        "coalesce", "nullif", "greatest", "least", "row", "values",
        // Statement and clause keywords the analyzer recognises.
        "insert", "update", "delete", "merge", "set", "reset", "show", "begin", "start", "transaction", "commit",
        "rollback", "abort", "savepoint", "release", "prepare", "prepared", "execute", "deallocate", "copy", "listen",
        "unlisten", "notify", "discard", "explain", "verbose", "lock", "truncate", "local", "session", "read",
        "write", "committed", "uncommitted", "repeatable", "serializable", "isolation", "level", "work", "conflict",
        "nothing", "recursive", "materialized", "share", "key", "no", "nowait", "skip", "locked", "of", "by",
        "matched", "alter", "drop", "vacuum", "checkpoint", "call", "declare", "close", "move", "cluster",
        "reindex", "refresh", "comment", "security", "label", "import", "load", "chain", "ties", "value",
        "overriding", "system", "unknown",
    ])

    /// Words the analyzer never takes for a table or column name unless quoted: PostgreSQL's reserved keywords
    /// (documentation appendix C) plus the join words and the statement words VALUES, SET, INSERT, UPDATE, DELETE, MERGE.
    public static let reserved: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
        "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
        "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
        "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
        "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
        "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
        "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union",
        "unique", "user", "using", "variadic", "when", "where", "window", "with",
        "between", "cross", "full", "inner", "join", "left", "natural", "outer", "right", "is", "isnull", "notnull",
        "like", "ilike", "similar", "overlaps", "exists", "values", "set", "insert", "update", "delete", "merge",
    ]
}
