import Testing

@testable import Config

/// One document the parser must refuse, with the exact position and message expected.
struct TOMLErrorCase: Sendable, CustomTestStringConvertible {
    let text: String
    let line: Int
    let column: Int
    let message: String
    var testDescription: String { message }
}

/// Every syntax error carries the line and column of the offending character and a clear message.
@Suite("TOML parser: errors")
struct TOMLParserErrorTests {
    static let cases: [TOMLErrorCase] = [
        .init(text: "a = 1\nb = 2\na = 3", line: 3, column: 1, message: "duplicate key `a` (already defined as an integer)"),
        .init(text: "[t]\nx = 1\nx = 2", line: 3, column: 1, message: "duplicate key `t.x` (already defined as an integer)"),
        .init(text: "[a]\nx = 1\n[a]\n", line: 3, column: 1, message: "the table `[a]` is defined twice"),
        .init(
            text: "key = \"unterminated\n", line: 1, column: 20,
            message: "unterminated string: a \"…\" string must end on the line it starts; use \"\"\"…\"\"\" for several lines"),
        .init(
            text: "s = \"bad \\x escape\"", line: 1, column: 10,
            message: "invalid escape sequence `\\x`; valid ones are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX"),
        .init(text: "n = 01", line: 1, column: 5, message: "leading zeros are not allowed in `01`"),
        .init(text: "n = 1__0", line: 1, column: 5, message: "invalid integer `1__0` (only digits, with single underscores between digits)"),
        .init(text: "n = 1_", line: 1, column: 5, message: "invalid integer `1_` (only digits, with single underscores between digits)"),
        .init(text: "n = 99999999999999999999", line: 1, column: 5, message: "integer `99999999999999999999` does not fit in 64 bits"),
        .init(text: "d = 1979-05-27", line: 1, column: 5, message: "date and time values are not supported by pgring's TOML parser"),
        .init(text: "t = 07:32:00", line: 1, column: 5, message: "date and time values are not supported by pgring's TOML parser"),
        .init(text: "a = [1, 2\nb = 3", line: 2, column: 1, message: "expected `,` or `]` in the array, found `b`"),
        .init(text: "a = [,]", line: 1, column: 6, message: "expected a value (string, number, boolean, array or inline table), found `,`"),
        .init(text: "t = { a = 1,\n b = 2 }", line: 1, column: 13, message: "an inline table must be on a single line"),
        .init(text: "t = { a = 1 \n}", line: 1, column: 13, message: "an inline table must be on a single line; expected `,` or `}`"),
        .init(text: "t = { a = 1, }", line: 1, column: 14, message: "a trailing comma is not allowed in an inline table"),
        .init(text: "t = { a = 1, a = 2 }", line: 1, column: 14, message: "duplicate key `a` (already defined as an integer)"),
        .init(text: "a = 1 2", line: 1, column: 7, message: "expected the end of the line after the value, found `2`"),
        .init(text: "[a] x = 1", line: 1, column: 5, message: "expected the end of the line after the table header, found `x`"),
        .init(text: "a = \n", line: 1, column: 5, message: "expected a value after `a =`, found end of line"),
        .init(text: "a = # nothing", line: 1, column: 5, message: "expected a value after `a =`, found `#`"),
        .init(text: "a 1", line: 1, column: 3, message: "expected `=` after the key `a`, found `1`"),
        .init(text: "a.\"b c\" 1", line: 1, column: 9, message: "expected `=` after the key `a.\"b c\"`, found `1`"),
        .init(text: "= 1", line: 1, column: 1, message: "expected a key, found `=`"),
        .init(text: "a = hello", line: 1, column: 5, message: "expected a value (string, number, boolean, array or inline table), found `h`"),
        .init(text: "a = tru", line: 1, column: 5, message: "expected a value, found `tru` (strings must be quoted; booleans are `true` and `false`)"),
        .init(text: "a = nope", line: 1, column: 5, message: "expected a value, found `nope` (strings must be quoted; special floats are `inf` and `nan`)"),
        .init(text: "[a\nx = 1", line: 1, column: 3, message: "expected `]` to close the table header, found end of line"),
        .init(text: "[[a]\n", line: 1, column: 4, message: "expected `]]` to close the array-of-tables header, found `]`"),
        .init(text: "a = 1\n[a]", line: 2, column: 1, message: "`a` is already defined as an integer, not a table"),
        .init(text: "a = 1\n[a.b]", line: 2, column: 2, message: "`a` is already defined as an integer, not a table"),
        .init(text: "[[a]]\n[a]", line: 2, column: 1, message: "`a` is an array of tables; write `[[a]]` to add an element"),
        .init(text: "a = [1]\n[[a]]", line: 2, column: 1, message: "cannot define `[[a]]`: `a` is already defined as an array"),
        .init(text: "[a]\n[[a]]", line: 2, column: 1, message: "cannot define `[[a]]`: `a` is already a table"),
        .init(text: "a = {x = 1}\n[a]", line: 2, column: 1, message: "`a` is an inline table and cannot be extended"),
        .init(text: "a = {x = 1}\na.y = 2", line: 2, column: 1, message: "`a` is an inline table and cannot be extended"),
        .init(
            text: "[a.b]\n[a]\nb.c = 1", line: 3, column: 1,
            message: "cannot add keys to the table `a.b` with a dotted key: it is defined by a header elsewhere"),
        .init(text: "a.b = 1\n[a]", line: 2, column: 1, message: "the table `a` is already defined by dotted keys"),
        .init(text: "a.b = 1\na = 2", line: 2, column: 1, message: "duplicate key `a` (already defined as a table)"),
        .init(text: "s = \"\\u12\"", line: 1, column: 10, message: "expected 4 hexadecimal digits in the escape sequence, found `\"`"),
        .init(text: "s = \"\\uD800\"", line: 1, column: 6, message: "escape sequence U+D800 is not a Unicode scalar value"),
        .init(text: "s = 'a\u{01}b'", line: 1, column: 7, message: "control character U+0001 is not allowed in a literal string"),
        .init(text: "s = \"a\u{7F}\"", line: 1, column: 7, message: "control character U+007F must be escaped in a string"),
        .init(text: "a = 1\r", line: 1, column: 6, message: "a carriage return must be followed by a line feed"),
        .init(text: "x = 0x-1", line: 1, column: 5, message: "invalid hexadecimal integer `0x-1`"),
        .init(text: "x = -0x10", line: 1, column: 5, message: "a hexadecimal, octal or binary integer cannot have a sign"),
        .init(text: "x = 0b102", line: 1, column: 5, message: "invalid binary integer `0b102`"),
        .init(text: "x = 1.", line: 1, column: 5, message: "invalid float `1.`: a decimal point must have digits on both sides"),
        .init(text: "x = 1e", line: 1, column: 5, message: "invalid float `1e`"),
        .init(text: "x = 03.5", line: 1, column: 5, message: "leading zeros are not allowed in `03.5`"),
        .init(text: "s = \"\"\"abc", line: 1, column: 11, message: "unterminated multi-line string (started at line 1, column 5)"),
        .init(text: "s = 'abc", line: 1, column: 9, message: "unterminated string (started at line 1, column 5)"),
        .init(
            text: "s = '''a''''''", line: 1, column: 9,
            message: "too many quotes: a multi-line string ends with three quotes, at most two more may precede them"),
        .init(
            text: "a = " + String(repeating: "[", count: 70), line: 1, column: 69,
            message: "arrays and inline tables are nested more than 64 deep"),
        .init(text: "# a\u{7F}", line: 1, column: 4, message: "control character U+007F is not allowed in a comment"),
        .init(text: "\"\"\"key\"\"\" = 1", line: 1, column: 1, message: "a key cannot be a multi-line string"),
        .init(text: "\n\n  [x]\n  y = 1\n  y = 2\n", line: 5, column: 3, message: "duplicate key `x.y` (already defined as an integer)"),
        .init(text: "é = 1", line: 1, column: 1, message: "expected a key, found `é`"),
        .init(text: "s = \"ééé\" x", line: 1, column: 11, message: "expected the end of the line after the value, found `x`"),
    ]

    @Test(arguments: cases)
    func reportsPositionAndMessage(_ testCase: TOMLErrorCase) {
        #expect(throws: TOMLSyntaxError(line: testCase.line, column: testCase.column, message: testCase.message)) {
            try TOMLParser.parse(testCase.text)
        }
    }

    @Test func descriptionIsLineColonColumn() {
        let error = TOMLSyntaxError(line: 3, column: 7, message: "boom")
        #expect(error.description == "3:7: boom")
    }
}
