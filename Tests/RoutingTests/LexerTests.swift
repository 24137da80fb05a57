import Testing
@testable import Routing

/// The lexer on tricky inputs: each case lists the expected (kind, text) of every token.
@Suite struct LexerTests {
    typealias Expected = [(SQLTokenKind, String)]

    static func lex(_ sql: String) -> [SQLToken] {
        SQLLexer.tokenize(sql)
    }

    static func check(_ sql: String, _ expected: Expected, sourceLocation: SourceLocation = #_sourceLocation) {
        let tokens = lex(sql)
        #expect(tokens.map(\.kind) == expected.map(\.0), sourceLocation: sourceLocation)
        #expect(tokens.map(\.text) == expected.map(\.1), sourceLocation: sourceLocation)
    }

    @Test func wordsAreFoldedAndKeywordsRecognised() {
        Self.check("SELECT Foo, \"Foo\", _x$1 FROM t", [
            (.keyword, "select"), (.identifier, "foo"), (.punctuation, ","), (.quotedIdentifier, "Foo"),
            (.punctuation, ","), (.identifier, "_x$1"), (.keyword, "from"), (.identifier, "t"),
        ])
    }

    @Test func quotedIdentifiersKeepCaseSpacesAndEscapedQuotes() {
        Self.check("\"My Table\".\"say \"\"hi\"\"\"", [
            (.quotedIdentifier, "My Table"), (.punctuation, "."), (.quotedIdentifier, "say \"hi\""),
        ])
        Self.check("U&\"d\\0061t\"", [(.quotedIdentifier, "d\\0061t")])
    }

    @Test func strings() {
        Self.check("'it''s'", [(.string, "it's")])
        Self.check("'a\\'", [(.string, "a\\")])
        Self.check("E'\\''", [(.string, "'")])
        Self.check("e'a\\nb\\x41\\101\\u00e9\\\\'", [(.string, "a\nbAAé\\")])
        Self.check("U&'d\\0061t''x'", [(.string, "d\\0061t'x")])
        Self.check("B'1010' X'FF' N'n'", [(.string, "1010"), (.string, "FF"), (.string, "n")])
        Self.check("'multi\nline'", [(.string, "multi\nline")])
    }

    @Test func dollarQuotedStringsHideSemicolonsQuotesAndComments() {
        Self.check("$$a;b'c\"d--e/*f$$", [(.dollarString, "a;b'c\"d--e/*f")])
        Self.check("$fn$ SELECT $$inner$$; $fn$", [(.dollarString, " SELECT $$inner$$; ")])
        Self.check("$a$x$b$y$a$", [(.dollarString, "x$b$y")])
        Self.check("a$b$c", [(.identifier, "a$b$c")])
        Self.check("$1 $23::int", [(.parameter, "1"), (.parameter, "23"), (.operator, "::"), (.identifier, "int")])
    }

    @Test func comments() {
        Self.check("-- line\nSELECT", [(.lineComment, " line"), (.keyword, "select")])
        Self.check("/* a /* nested */ still */ x", [(.blockComment, " a /* nested */ still "), (.identifier, "x")])
        Self.check("a/*c*/b", [(.identifier, "a"), (.blockComment, "c"), (.identifier, "b")])
        Self.check("1--2", [(.number, "1"), (.lineComment, "2")])
        Self.check("x+/*c*/y", [(.identifier, "x"), (.operator, "+"), (.blockComment, "c"), (.identifier, "y")])
    }

    @Test func numbers() {
        Self.check("42 3.5 .5 5. 1e10 2.5E-3 0x1F 0o17 0b101 1_000", [
            (.number, "42"), (.number, "3.5"), (.number, ".5"), (.number, "5."), (.number, "1e10"),
            (.number, "2.5E-3"), (.number, "0x1F"), (.number, "0o17"), (.number, "0b101"), (.number, "1_000"),
        ])
        Self.check("-42", [(.operator, "-"), (.number, "42")])
        Self.check("1..2", [(.number, "1"), (.punctuation, ".."), (.number, "2")])
    }

    @Test func operatorsAndCasts() {
        Self.check("a::bigint", [(.identifier, "a"), (.operator, "::"), (.identifier, "bigint")])
        Self.check("a<>b", [(.identifier, "a"), (.operator, "<>"), (.identifier, "b")])
        Self.check("a=-1", [(.identifier, "a"), (.operator, "="), (.operator, "-"), (.number, "1")])
        Self.check("a @- b", [(.identifier, "a"), (.operator, "@-"), (.identifier, "b")])
        Self.check("j->>'k'", [(.identifier, "j"), (.operator, "->>"), (.string, "k")])
        Self.check("a[1:2]", [
            (.identifier, "a"), (.punctuation, "["), (.number, "1"), (.punctuation, ":"), (.number, "2"),
            (.punctuation, "]"),
        ])
    }

    @Test(arguments: [
        ("'abc", SQLTokenKind.string, "abc"),
        ("E'abc\\", .string, "abc"),
        ("\"abc", .quotedIdentifier, "abc"),
        ("$$abc", .dollarString, "abc"),
        ("$q$abc$q", .dollarString, "abc$q"),
        ("/* abc /* def */", .blockComment, " abc /* def */"),
    ])
    func unterminatedTokensAreFlagged(sql: String, kind: SQLTokenKind, text: String) {
        let tokens = Self.lex(sql)
        #expect(tokens.count == 1)
        #expect(tokens.first?.kind == kind)
        #expect(tokens.first?.text == text)
        #expect(tokens.first?.isUnterminated == true)
        #expect(tokens.first?.range == 0..<sql.utf8.count)
    }

    @Test func rangesCoverTheSourceBytes() {
        let sql = "SELECT 'é', \"ü\" FROM t -- x"
        let bytes = Array(sql.utf8)
        for token in Self.lex(sql) {
            #expect(token.range.lowerBound >= 0 && token.range.upperBound <= bytes.count)
        }
        let texts = Self.lex(sql).map { String(decoding: bytes[$0.range], as: UTF8.self) }
        #expect(texts == ["SELECT", "'é'", ",", "\"ü\"", "FROM", "t", "-- x"])
    }

    @Test func semicolonsInsideQuotesDoNotSplitStatements() {
        let sql = "SELECT ';', $$;$$, \";\" /* ; */; SELECT E'\\';'"
        #expect(StatementAnalyzer().analyze(sql).statementCount == 2)
    }

    @Test func lexingIsLinearOnPathologicalInput() {
        // 200 000 bytes of an unclosed dollar tag followed by near-miss closings and nested comment openers.
        let body = String(repeating: "$ta", count: 40_000) + String(repeating: "/*", count: 40_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let tokens = SQLLexer.tokenize("$tag$" + body)
            #expect(tokens.count == 1)
        }
        // Linear: well under a millisecond in release; a quadratic scan would take minutes. Generous for loaded debug runs.
        #expect(elapsed < .seconds(30))
    }
}
