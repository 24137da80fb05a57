extension StatementWalker {
    /// The constant written by exactly the tokens in `range`, or nil.
    ///
    /// Accepted: a number with an optional sign (`42`, `-42`, `+7`, `1.5e3`), a string (`'x'`, `E'x'`,
    /// `U&'x'`, `$$x$$`), a parameter `$n`, a typed literal `type 'text'` (`uuid '...'`, `int8 '42'`), each
    /// optionally followed by casts (`::bigint`, `::character varying(20)`, `::int8[]`), wrapped in
    /// `CAST(... AS type)`, or enclosed in parentheses.
    func constantValue(in range: Range<Int>) -> KeyValue? {
        var lower = range.lowerBound
        var upper = min(range.upperBound, tokens.count)
        // Each step removes at least one token, so this loop ends.
        while lower < upper {
            if isSymbol("(", at: lower), matchingClose[lower] == upper - 1 {
                lower += 1
                upper -= 1
                continue
            }
            if isKeyword("cast", at: lower), isSymbol("(", at: lower + 1), matchingClose[lower + 1] == upper - 1,
               let asIndex = topLevelIndex(ofKeyword: "as", in: lower + 2..<upper - 1) {
                upper = asIndex
                lower += 2
                continue
            }
            if let castIndex = topLevelIndex(ofOperator: "::", in: lower..<upper), castIndex > lower,
               isTypeName(castIndex + 1..<upper) {
                upper = castIndex
                continue
            }
            break
        }
        switch upper - lower {
        case 1:
            let only = tokens[lower]
            switch only.kind {
            case .number:
                return .literal(only.text)
            case .string, .dollarString:
                return .literal(only.text)
            case .parameter:
                guard let number = Int(only.text), number > 0 else { return nil }
                return .parameter(number)
            case .keyword, .identifier, .quotedIdentifier, .operator, .punctuation, .lineComment, .blockComment:
                return nil
            }
        case 2:
            let first = tokens[lower]
            let second = tokens[lower + 1]
            if first.kind == .operator, first.text == "-" || first.text == "+", second.kind == .number {
                return .literal(first.text == "-" ? "-" + second.text : second.text)
            }
            if first.kind == .identifier || first.kind == .keyword, second.kind == .string {
                return .literal(second.text)
            }
            return nil
        default:
            return nil
        }
    }

    /// True when `range` is a type name: words, dots, brackets, and a parenthesised modifier list of numbers.
    /// At most 16 tokens (`timestamp(3) with time zone[]` is 9).
    func isTypeName(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty, range.count <= 16 else { return false }
        var sawName = false
        for position in range {
            guard let current = token(at: position) else { return false }
            switch current.kind {
            case .identifier, .keyword, .quotedIdentifier:
                sawName = true
            case .number:
                continue
            case .punctuation:
                guard [".", "(", ")", "[", "]", ","].contains(current.text) else { return false }
            case .operator:
                guard current.text == "::" else { return false }
            case .string, .dollarString, .parameter, .lineComment, .blockComment:
                return false
            }
        }
        return sawName
    }

    /// The index of the first operator `symbol` in `range` outside parentheses, if any.
    func topLevelIndex(ofOperator symbol: String, in range: Range<Int>) -> Int? {
        var found: Int?
        forEachTopLevel(range) { position in
            let current = tokens[position]
            if current.kind == .operator, current.text == symbol {
                found = position
                return false
            }
            return true
        }
        return found
    }

    /// The index of the first keyword `word` in `range` outside parentheses, if any.
    func topLevelIndex(ofKeyword word: String, in range: Range<Int>) -> Int? {
        var found: Int?
        forEachTopLevel(range) { position in
            if tokens[position].isKeyword(word) {
                found = position
                return false
            }
            return true
        }
        return found
    }
}
