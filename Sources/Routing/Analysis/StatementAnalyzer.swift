/// Turns SQL text into an `AnalyzedStatement`: command kinds, tables, sharding-key candidates, hints.
///
/// This is a token-level analysis, not a full SQL parser. What it accepts is documented on each part:
/// `StatementWalker+Clauses.swift` (WHERE / ON conjuncts), `StatementWalker+Insert.swift` (INSERT VALUES),
/// `StatementWalker+Values.swift` (constants and casts), `StatementWalker+Tables.swift` (table references).
/// Anything it does not understand yields *no* key (never a wrong one), so the router falls back to its policy.
/// In particular:
/// - keys are taken from WHERE clauses and from the ON clauses of inner joins only (the ON clause of a
///   LEFT/RIGHT/FULL join or of MERGE does not restrict the preserved side);
/// - each parenthesised subquery and each branch of UNION/INTERSECT/EXCEPT is its own scope: an unqualified
///   column matches only the tables of its scope, a qualified one is resolved outwards (correlated subqueries);
/// - a sharded table needs its own key, or a join link `a.key = b.key` to a table that has one;
/// - at most `AnalyzedStatement.maximumConditions` conditions and SET assignments are recorded per Query.
/// It never traps, whatever the input, and its cost grows linearly with the input (each clause scan jumps
/// over nested parentheses).
public struct StatementAnalyzer: Sendable {
    /// Creates an analyzer. It holds no state: one instance may be shared freely.
    public init() {}

    /// Analyzes a Query string or the SQL of a Parse message.
    public func analyze(_ sql: String) -> AnalyzedStatement {
        analyze(tokens: SQLLexer.tokenize(sql))
    }

    /// Analyzes already tokenized SQL (comments included: they carry hints).
    public func analyze(tokens: [SQLToken]) -> AnalyzedStatement {
        var result = AnalyzedStatement()
        var code: [SQLToken] = []
        code.reserveCapacity(tokens.count)
        for token in tokens {
            if token.isUnterminated {
                result.hasUnterminatedToken = true
            }
            if token.isComment {
                result.hints.scan(comment: token.text)
            } else {
                code.append(token)
            }
        }
        var statementStart = 0
        for index in code.indices where code[index].isSymbol(";") {
            analyzeStatement(Array(code[statementStart..<index]), into: &result)
            statementStart = index + 1
        }
        analyzeStatement(Array(code[statementStart...]), into: &result)
        result.resolveColumns()
        return result
    }

    /// Analyzes one statement (no `;`) and adds what it finds to `result`.
    private func analyzeStatement(_ tokens: [SQLToken], into result: inout AnalyzedStatement) {
        guard !tokens.isEmpty else { return }
        var walker = StatementWalker(tokens: tokens, result: result)
        walker.walk()
        result = walker.result
        if let command = Self.sessionCommand(in: tokens) {
            result.sessionCommandsInBatch += 1
            result.sessionCommand = command
        }
        if result.commands.count > 1 {
            result.sessionCommand = nil
        }
    }
}
