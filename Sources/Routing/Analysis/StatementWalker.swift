/// One pass over the tokens of one statement, adding what it finds to an `AnalyzedStatement`.
///
/// The walker keeps a stack of parenthesis frames. Every `(` opens a new *scope*: tables and WHERE clauses met
/// inside belong to it, so an unqualified column in a subquery's WHERE is matched only with that subquery's
/// tables. Keywords that introduce tables or conditions are handled where they appear, at any depth.
struct StatementWalker {
    /// One open parenthesis (or the statement itself).
    struct Frame {
        /// The scope id (index into `AnalyzedStatement.scopeParents`).
        var scope: Int
        /// True when the parenthesis holds the arguments of a function call (`extract(year FROM x)`), where
        /// FROM and other keywords do not introduce tables.
        var isFunctionCall: Bool
        /// True while a FROM list is open in this frame, so a `,` introduces another table.
        var inFromList: Bool
        /// True when the last JOIN of this frame is LEFT, RIGHT or FULL: its ON clause does not restrict the
        /// preserved side, so no key is taken from it.
        var lastJoinIsOuter = false
    }

    /// The statement's tokens, comments removed, no `;`.
    let tokens: [SQLToken]
    /// For each `(` token, the index of its matching `)` (or `tokens.count` when unclosed); -1 elsewhere.
    let matchingClose: [Int]
    /// The analysis being built.
    var result: AnalyzedStatement
    /// Open parenthesis frames; the first is the statement's top scope and is never popped.
    var frames: [Frame]
    /// The statement's kind.
    var command: CommandKind = .empty
    /// The index of the first token of the statement body (after an `EXPLAIN ...` prefix).
    var bodyStart = 0
    /// Names defined by `WITH name AS (...)`: references to them are not tables.
    var cteNames: Set<String> = []
    /// Set by `DELETE` at command position: the next FROM names the modified table.
    var deleteTargetPending = false
    /// True when this statement (or one of its CTEs) modifies data.
    var modifiesData = false
    /// The index of the next token to look at.
    var index = 0
    /// The table a following `SET` assigns columns of (after UPDATE t, DO UPDATE, THEN UPDATE).
    var assignmentTarget: Int?
    /// True inside a MERGE statement, whose ON clause does not restrict the source's rows.
    var inMerge = false

    /// Prepares a walk over `tokens`, continuing `result`.
    init(tokens: [SQLToken], result: AnalyzedStatement) {
        self.tokens = tokens
        self.result = result
        self.matchingClose = tokens.matchingCloseParentheses()
        let scope = self.result.scopeParents.count
        self.result.scopeParents.append(-1)
        self.frames = [Frame(scope: scope, isFunctionCall: false, inFromList: false)]
    }

    /// The token at `position`, nil when out of range.
    func token(at position: Int) -> SQLToken? {
        position >= 0 && position < tokens.count ? tokens[position] : nil
    }

    /// True when the token at `position` is the keyword `word`.
    func isKeyword(_ word: String, at position: Int) -> Bool {
        token(at: position)?.isKeyword(word) ?? false
    }

    /// True when the token at `position` is the punctuation/operator `symbol`.
    func isSymbol(_ symbol: String, at position: Int) -> Bool {
        token(at: position)?.isSymbol(symbol) ?? false
    }

    /// The innermost frame's scope.
    var currentScope: Int { frames[frames.count - 1].scope }

    /// True when the token at `position` starts a command: the body start, or right after `(` or `)`
    /// (a CTE body, or the main statement after the CTE list).
    func isCommandPosition(_ position: Int) -> Bool {
        position == bodyStart || isSymbol("(", at: position - 1) || isSymbol(")", at: position - 1)
    }

    /// Walks the whole statement.
    mutating func walk() {
        command = Self.commandKind(of: tokens)
        bodyStart = explainBodyStart()
        if case .copy = command {
            walkCopy()
        }
        index = bodyStart
        while index < tokens.count {
            let current = tokens[index]
            switch current.kind {
            case .punctuation:
                handlePunctuation(current)
            case .keyword:
                handleKeyword(current.text)
            case .identifier, .quotedIdentifier, .number, .string, .dollarString, .parameter, .operator,
                 .lineComment, .blockComment:
                break
            }
            index += 1
        }
        if case .with = command {
            command = .with(containsDataModification: modifiesData)
        }
        if modifiesData {
            result.hasDataModification = true
        }
        if command != .empty {
            result.commands.append(command)
        }
    }

    /// Handles `(`, `)` and `,`.
    mutating func handlePunctuation(_ current: SQLToken) {
        if current.isSymbol("(") {
            let isCall = recordFunctionCall(before: index)
            let scope = result.scopeParents.count
            result.scopeParents.append(currentScope)
            frames.append(Frame(scope: scope, isFunctionCall: isCall, inFromList: false))
        } else if current.isSymbol(")") {
            if frames.count > 1 {
                frames.removeLast()
            }
        } else if current.isSymbol(","), frames[frames.count - 1].inFromList {
            index = parseTableReference(at: index + 1, usage: .read, allowsAlias: true) - 1
        }
    }

    /// Records `name(` as a function call and returns true when the token before `position` is a function name.
    mutating func recordFunctionCall(before position: Int) -> Bool {
        guard let previous = token(at: position - 1) else { return false }
        switch previous.kind {
        case .identifier, .quotedIdentifier:
            result.functionCalls.insert(previous.text)
            return true
        case .keyword:
            guard Self.functionKeywords.contains(previous.text) else { return false }
            result.functionCalls.insert(previous.text)
            return true
        case .number, .string, .dollarString, .parameter, .operator, .punctuation, .lineComment, .blockComment:
            return false
        }
    }

    /// Keywords that are function names when followed by `(`.
    static let functionKeywords: Set<String> = [
        "coalesce", "nullif", "greatest", "least", "left", "right", "extract", "substring", "trim", "overlay",
        "position",
    ]
}
