import Testing

@testable import Config

/// Each TOML syntax feature the parser supports, checked against hand-written expected values.
@Suite("TOML parser: syntax features")
struct TOMLParserTests {
    private func parse(_ text: String) throws -> TOMLTable {
        try TOMLParser.parse(text)
    }

    @Test func emptyDocumentAndCommentsOnly() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("# only a comment\n\n   # another\n").isEmpty)
    }

    @Test func bareAndQuotedKeys() throws {
        let table = try parse(
            """
            bare_key-1 = 1
            "quoted key" = 2
            'literal key' = 3
            "" = 4
            1234 = 5
            """)
        #expect(table.keys == ["bare_key-1", "quoted key", "literal key", "", "1234"])
        #expect(table["bare_key-1"] == .integer(1))
        #expect(table["quoted key"] == .integer(2))
        #expect(table["literal key"] == .integer(3))
        #expect(table[""] == .integer(4))
        #expect(table["1234"] == .integer(5))
    }

    @Test func keysKeepDefinitionOrder() throws {
        let table = try parse("zeta = 1\nalpha = 2\nmid = 3\n")
        #expect(table.keys == ["zeta", "alpha", "mid"])
        #expect(table.entries.map(\.key) == ["zeta", "alpha", "mid"])
    }

    @Test func dottedKeysCreateTables() throws {
        let table = try parse(
            """
            a.b.c = 1
            a . b . d = 2
            a."x.y" = 3
            """)
        let expected = TOMLTable([
            "a": .table(TOMLTable([
                "b": .table(TOMLTable(["c": .integer(1), "d": .integer(2)])),
                "x.y": .integer(3),
            ]))
        ])
        #expect(table == expected)
    }

    @Test func basicStringEscapes() throws {
        let table = try parse(#"s = "tab\there\nnew \"quoted\" back\\slash \u00E9 \U0001F600 \b\f\r""#)
        #expect(table["s"] == .string("tab\there\nnew \"quoted\" back\\slash é 😀 \u{08}\u{0C}\r"))
    }

    @Test func literalStringKeepsBackslashes() throws {
        let table = try parse(#"path = 'C:\Users\nodejs\templates'"#)
        #expect(table["path"] == .string(#"C:\Users\nodejs\templates"#))
    }

    @Test func multilineBasicString() throws {
        let table = try parse(
            "s = \"\"\"\nRoses are red\nViolets are \\\"blue\\\"\"\"\"\n"
                + "t = \"\"\"\\\n    The quick \\\n\n    brown fox.\\\n    \"\"\"\n")
        #expect(table["s"] == .string("Roses are red\nViolets are \"blue\""))
        #expect(table["t"] == .string("The quick brown fox."))
    }

    @Test func multilineBasicStringAllowsOneOrTwoQuotesInside() throws {
        let table = try parse(#"s = """a "quoted" and ""double"" end"""""# + "\n")
        #expect(table["s"] == .string(#"a "quoted" and ""double"" end""#))
    }

    @Test func multilineLiteralString() throws {
        let table = try parse("re = '''\nI [dw]on't need \\d{2} apples\nsecond line'''\n")
        #expect(table["re"] == .string("I [dw]on't need \\d{2} apples\nsecond line"))
    }

    @Test func crlfLineEndings() throws {
        let table = try parse("a = 1\r\nb = \"\"\"x\r\ny\"\"\"\r\n")
        #expect(table["a"] == .integer(1))
        #expect(table["b"] == .string("x\ny"))
    }

    @Test(arguments: [
        ("0", Int64(0)), ("+99", 99), ("42", 42), ("-17", -17), ("1_000", 1000), ("5_349_221", 5_349_221),
        ("-0", 0), ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
        ("0xDEADbeef", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF), ("0o755", 0o755), ("0b1101", 13),
    ])
    func integers(text: String, expected: Int64) throws {
        #expect(try parse("n = \(text)")["n"] == .integer(expected))
    }

    @Test(arguments: [
        ("1.0", 1.0), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6), ("-2E-2", -0.02),
        ("6.626e-34", 6.626e-34), ("224_617.445_991", 224_617.445_991), ("+1.5", 1.5), ("inf", Double.infinity),
        ("+inf", Double.infinity), ("-inf", -Double.infinity), ("0.5", 0.5),
    ])
    func floats(text: String, expected: Double) throws {
        #expect(try parse("f = \(text)")["f"] == .float(expected))
    }

    @Test func nanIsAFloat() throws {
        for text in ["nan", "+nan", "-nan"] {
            guard case .float(let value) = try parse("f = \(text)")["f"] else {
                Issue.record("\(text) is not a float")
                continue
            }
            #expect(value.isNaN)
        }
    }

    @Test func booleans() throws {
        let table = try parse("t = true\nf = false")
        #expect(table["t"] == .boolean(true))
        #expect(table["f"] == .boolean(false))
    }

    @Test func arraysAcrossLinesWithCommentsAndTrailingComma() throws {
        let table = try parse(
            """
            a = [ 1, 2, 3 ]
            b = [
              "x",  # first
              # a whole comment line
              'y',
            ]
            c = []
            d = [ [1, 2], ["a"], [] ]
            e = [ 1, "mixed", 2.5 ]
            """)
        #expect(table["a"] == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(table["b"] == .array([.string("x"), .string("y")]))
        #expect(table["c"] == .array([]))
        #expect(table["d"] == .array([.array([.integer(1), .integer(2)]), .array([.string("a")]), .array([])]))
        #expect(table["e"] == .array([.integer(1), .string("mixed"), .float(2.5)]))
    }

    @Test func inlineTables() throws {
        let table = try parse(#"point = { x = 1, y = 2, name.first = "a" }"# + "\nempty = {}\n")
        #expect(table["point"] == .table(TOMLTable([
            "x": .integer(1), "y": .integer(2), "name": .table(TOMLTable(["first": .string("a")])),
        ])))
        #expect(table["empty"] == .table(TOMLTable()))
    }

    @Test func tablesAndSubTables() throws {
        let table = try parse(
            """
            top = 0
            [a]
            x = 1 # trailing comment
            [ a . b ]
            y = 2
            [c.d.e]
            z = 3
            [c]
            w = 4
            ["quoted header"]
            q = 5
            """)
        #expect(table.keys == ["top", "a", "c", "quoted header"])
        #expect(table["a"] == .table(TOMLTable(["x": .integer(1), "b": .table(TOMLTable(["y": .integer(2)]))])))
        #expect(table["c"] == .table(TOMLTable([
            "d": .table(TOMLTable(["e": .table(TOMLTable(["z": .integer(3)]))])), "w": .integer(4),
        ])))
        #expect(table["quoted header"] == .table(TOMLTable(["q": .integer(5)])))
    }

    @Test func arraysOfTables() throws {
        let table = try parse(
            """
            [[shards]]
            name = "a"
            [shards.extra]
            k = 1
            [[shards]]
            name = "b"
            [[shards.tags]]
            t = "x"
            [[shards.tags]]
            t = "y"
            """)
        let expected: TOMLValue = .array([
            .table(TOMLTable(["name": .string("a"), "extra": .table(TOMLTable(["k": .integer(1)]))])),
            .table(TOMLTable([
                "name": .string("b"),
                "tags": .array([.table(TOMLTable(["t": .string("x")])), .table(TOMLTable(["t": .string("y")]))]),
            ])),
        ])
        #expect(table["shards"] == expected)
        #expect(table["shards"]?.typeDescription == "an array of tables")
    }

    @Test func dottedKeyTableMayGetSubTableHeaders() throws {
        let table = try parse(
            """
            [fruit]
            apple.color = "red"
            [fruit.apple.texture]
            smooth = true
            """)
        #expect(table["fruit"] == .table(TOMLTable([
            "apple": .table(TOMLTable([
                "color": .string("red"), "texture": .table(TOMLTable(["smooth": .boolean(true)])),
            ]))
        ])))
    }

    @Test func byteOrderMarkAndWhitespaceAreIgnored() throws {
        let table = try parse("\u{FEFF}  \t key \t =  \t 'v'   \n")
        #expect(table["key"] == .string("v"))
    }

    @Test func typeDescriptions() {
        #expect(TOMLValue.string("").typeDescription == "a string")
        #expect(TOMLValue.integer(1).typeDescription == "an integer")
        #expect(TOMLValue.float(1).typeDescription == "a float")
        #expect(TOMLValue.boolean(true).typeDescription == "a boolean")
        #expect(TOMLValue.array([.integer(1)]).typeDescription == "an array")
        #expect(TOMLValue.array([]).typeDescription == "an array")
        #expect(TOMLValue.table(TOMLTable()).typeDescription == "a table")
    }

    @Test func tomlTableRemovesKeys() {
        var table = TOMLTable(["a": .integer(1), "b": .integer(2)])
        table["a"] = nil
        table["c"] = .integer(3)
        table["b"] = .integer(20)
        #expect(table.keys == ["b", "c"])
        #expect(table["b"] == .integer(20))
        #expect(table.count == 2)
    }
}
