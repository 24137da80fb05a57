/// Reads the SQL of a simple-protocol Query message and says which session-state effects it has
/// (`SessionEffect`), for transaction pooling. Pure: no I/O, no state.
///
/// The analysis is token-level (it uses `SQLLexer`), with PostgreSQL 15's grammar applied exactly to the
/// statements that change session state (`SET`, `RESET`, `DISCARD`, `DEALLOCATE`, `LISTEN`, `UNLISTEN`,
/// `PREPARE`, `DECLARE`, `LOAD`, `CREATE ... TEMP`, `SELECT ... INTO TEMP`, `DO`, `EXPLAIN ANALYZE`) and a scan for
/// function calls (`pg_advisory_lock` and its session-level siblings, `set_config`) in every other statement.
/// Rules, each documented where it is implemented:
/// - Statements are separated by `;` at parenthesis depth 0 (a `;` inside parentheses belongs to a rule body).
/// - Only a statement's first tokens decide its kind: `UPDATE t SET x = 1` or
///   `CREATE FUNCTION f() ... AS $$ SET x = 1 $$` change nothing. Strings, dollar quotes, comments and quoted
///   identifiers never trigger anything (except that a quoted identifier can name a function, as in PostgreSQL).
/// - A statement that PostgreSQL's grammar would reject contributes nothing. If any token of the Query is
///   unterminated (quote, dollar quote, block comment) the server rejects the whole Query, so the result is `[]`.
/// - `SET LOCAL`, `SET TRANSACTION`, `SET SESSION TRANSACTION`, `SET CONSTRAINTS`, `SET TRANSACTION SNAPSHOT`,
///   `RESET TRANSACTION ISOLATION LEVEL`, `DISCARD PLANS`, `DISCARD SEQUENCES`, `SHOW`, plain `EXPLAIN` and
///   pgring's own settings (`SET [SESSION|LOCAL] pgring.<name> ...` / `RESET pgring.<name>`, recognised exactly as
///   `StatementAnalyzer` recognises them: the unquoted word `pgring` followed by `.`) have no effect.
/// - Within one statement each pin reason is reported at most once.
///
/// Limits (documented, not bugs): functions called by the query may change session state in ways no lexical
/// analysis can see (a user function calling `set_config`, dynamic SQL in a `DO` block built at run time); a
/// function name spelt with `U&"..."` escapes is not recognised. The analysis is meant for honest clients.
///
/// Work is linear in the input: one lexer pass, one pass per statement, parentheses matched with an explicit
/// stack, no recursion on anything the input controls (a `DO` body is scanned bytewise, never re-analysed).
public enum SessionEffectAnalyzer {
    /// Every session effect of a Query string, in statement order (a Query may hold several statements
    /// separated by top-level `;`). Statements with no session effect contribute nothing.
    public static func effects(of sql: String) -> [SessionEffect] {
        var lexer = SQLLexer(bytes: Array(sql.utf8))
        let tokens = lexer.allTokens()
        return effects(tokens: tokens, source: lexer.bytes)
    }

    /// A fast, conservative pre-check on the raw UTF-8 bytes of a Query: false only when `effects(of:)` would
    /// certainly return `[]`.
    ///
    /// It scans the bytes once, case-insensitively, for the trigger words every effect needs in the source:
    /// `set` (also inside `set_config`), `reset`, `discard`, `dealloc`, `listen`, `load`, `temp` (also in
    /// `temporary` and `pg_temp`), `advisory`, `hold` and `prepare`. Words that can only start a token count only
    /// where a token may start (not after the letters g–z, and `set` not after `off`, so `OFFSET` does not
    /// trigger); matches inside strings or identifiers make it true, which is merely conservative.
    public static func mayHaveEffects<Bytes: Collection>(_ utf8: Bytes) -> Bool where Bytes.Element == UInt8 {
        if let found = utf8.withContiguousStorageIfAvailable({ mayHaveEffects(bytes: UnsafeRawBufferPointer($0)) }) {
            return found
        }
        return Array(utf8).withUnsafeBytes { mayHaveEffects(bytes: $0) }
    }

    /// ``mayHaveEffects(_:)`` for bytes in memory: the per-statement call of transaction pooling, which the
    /// generic form (not specialized across modules) made pay for witness-table dispatch on every Query.
    public static func mayHaveEffects(bytes: UnsafeRawBufferPointer) -> Bool {
        TriggerWordScanner.containsTrigger(UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
    }

    /// The effects of an already tokenized Query (comments included) whose UTF-8 source is `source`.
    static func effects(tokens: [SQLToken], source: [UInt8]) -> [SessionEffect] {
        var code: [SQLToken] = []
        code.reserveCapacity(tokens.count)
        for token in tokens {
            if token.isUnterminated { return [] }
            if !token.isComment { code.append(token) }
        }
        var effects: [SessionEffect] = []
        var depth = 0
        var statementStart = 0
        for index in code.indices {
            let token = code[index]
            if token.isSymbol("(") {
                depth += 1
            } else if token.isSymbol(")") {
                depth = max(0, depth - 1)
            } else if token.isSymbol(";"), depth == 0 {
                appendEffects(of: code[statementStart..<index], source: source, to: &effects)
                statementStart = index + 1
            }
        }
        appendEffects(of: code[statementStart...], source: source, to: &effects)
        return effects
    }

    /// Analyzes one statement (code tokens, no `;`) and appends its effects.
    private static func appendEffects(of tokens: ArraySlice<SQLToken>, source: [UInt8],
                                      to effects: inout [SessionEffect]) {
        guard !tokens.isEmpty else { return }
        let statement = Statement(tokens: Array(tokens), source: source)
        effects.append(contentsOf: statement.effects())
    }
}

extension SessionEffectAnalyzer {
    /// One statement of a Query being analyzed for session effects: its code tokens (no comments, no `;`), the
    /// whole Query's UTF-8 source (to copy the statement text), and each `(`'s matching `)`.
    struct Statement {
        /// The statement's code tokens.
        let tokens: [SQLToken]
        /// The UTF-8 source of the whole Query.
        let source: [UInt8]
        /// For each `(` token, the index of its matching `)` (`tokens.count` when unclosed); -1 for other tokens.
        let matchingClose: [Int]

        /// Prepares the analysis of `tokens` (non-empty) taken from `source`.
        init(tokens: [SQLToken], source: [UInt8]) {
            self.tokens = tokens
            self.source = source
            self.matchingClose = tokens.matchingCloseParentheses()
        }

        /// The statement's exact source text, from its first token to its last.
        var text: String {
            guard let first = tokens.first, let last = tokens.last else { return "" }
            return String(decoding: source[first.range.lowerBound..<last.range.upperBound], as: UTF8.self)
        }

        /// The token at `position`, nil when out of range.
        func token(at position: Int) -> SQLToken? {
            position >= 0 && position < tokens.count ? tokens[position] : nil
        }

        /// True when the token at `position` is the unquoted word `word` (keyword or identifier, lower case).
        func isWord(_ word: String, at position: Int) -> Bool {
            guard let candidate = token(at: position) else { return false }
            return (candidate.kind == .keyword || candidate.kind == .identifier) && candidate.text == word
        }

        /// True when the token at `position` is the punctuation or operator `symbol`.
        func isSymbol(_ symbol: String, at position: Int) -> Bool {
            token(at: position)?.isSymbol(symbol) ?? false
        }

        /// Every session effect of this statement, in order: the statement's own effect first, then the pins found
        /// in its body (temporary tables made by `SELECT ... INTO`, function calls), each reason at most once.
        func effects() -> [SessionEffect] {
            var found: [SessionEffect] = []
            var scansBody = true
            switch tokens[0].kind == .keyword || tokens[0].kind == .identifier ? tokens[0].text : "" {
            case "set": found = setEffects()
            case "reset": found = resetEffects()
            case "discard": found = discardEffects()
            case "deallocate": found = deallocateEffects()
            case "listen", "unlisten": found = listenEffects()
            case "prepare": found = prepareEffects()
            case "declare": found = declareEffects()
            case "load": found = loadEffects()
            case "create": found = createEffects(from: 0)
            case "do": found = doEffects()
            case "explain":
                scansBody = false
                if let bodyStart = explainAnalyzeBodyStart() {
                    if isWord("create", at: bodyStart) { found = createEffects(from: bodyStart) }
                    found += bodyPins(from: bodyStart)
                }
            default: break
            }
            if scansBody {
                found += bodyPins(from: 0)
            }
            return Self.withoutRepeatedPins(found)
        }

        /// The pins of a statement body from `start`: `INTO TEMP` targets and session-level function calls.
        func bodyPins(from start: Int) -> [SessionEffect] {
            var found: [SessionEffect] = []
            if selectsIntoTemporaryTable(from: start) { found.append(.pin(.temporaryObject)) }
            found += functionCallPins(from: start)
            return found
        }

        /// `effects` with every pin reason after its first occurrence removed.
        static func withoutRepeatedPins(_ effects: [SessionEffect]) -> [SessionEffect] {
            var seen: Set<SessionPinReason> = []
            var result: [SessionEffect] = []
            for effect in effects {
                if case .pin(let reason) = effect {
                    guard seen.insert(reason).inserted else { continue }
                }
                result.append(effect)
            }
            return result
        }
    }
}
