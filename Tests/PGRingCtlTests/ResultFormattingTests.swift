import AdminClient
import Testing

@Suite("Table and JSON output")
struct ResultFormattingTests {
    @Test("JSON number grammar", arguments: [
        ("0", true), ("42", true), ("-7", true), ("3.25", true), ("-0.5", true), ("1e10", true), ("2.5E-3", true),
        ("9223372036854775807", true),
        ("", false), ("-", false), ("007", false), ("1.", false), (".5", false), ("+1", false), ("1e", false),
        ("NaN", false), ("inf", false), ("1,5", false), (" 1", false), ("0x10", false), ("127.0.0.1:5432", false),
    ])
    func jsonNumbers(text: String, isNumber: Bool) {
        #expect(ColumnKind.isJSONNumber(text) == isNumber)
    }

    static let kindCases: [([String?], ColumnKind)] = [
        (["1", "2", nil], .number),
        (["t", "f", nil], .boolean),
        (["t", "x"], .text),
        (["1", "x"], .text),
        ([nil, nil], .text),
        ([], .text),
        (["0.250"], .number),
    ]

    @Test("column kinds", arguments: kindCases)
    func kinds(values: [String?], kind: ColumnKind) {
        #expect(ColumnKind.infer(values) == kind)
    }

    let pools = QueryResult(
        columns: ["pool", "shard", "size", "idle", "max_wait_seconds", "paused"],
        rows: [
            ["shard0/primary", "shard0", "20", "3", "0.000", "f"],
            ["shard1/replica", "shard1", "100", "12", "1.500", "t"],
            ["x", nil, "5", "0", nil, nil],
        ],
        tag: "SHOW"
    )

    @Test func tableRightAlignsNumbers() {
        let expected = """
            POOL            SHARD   SIZE  IDLE  MAX_WAIT_SECONDS  PAUSED
            shard0/primary  shard0    20     3             0.000  f
            shard1/replica  shard1   100    12             1.500  t
            x                          5     0
            """
        #expect(ResultFormatting.table(pools) == expected)
    }

    @Test func tableWithoutRowsShowsTheHeader() {
        let result = QueryResult(columns: ["id", "user"], rows: [], tag: "SHOW")
        #expect(ResultFormatting.table(result) == "ID  USER")
    }

    @Test func commandWithoutColumnsShowsItsTag() {
        #expect(ResultFormatting.table(QueryResult(columns: [], rows: [], tag: "PAUSE")) == "PAUSE")
    }

    @Test func jsonTypesValuesAndKeepsColumnOrder() {
        let expected = """
            [{"pool":"shard0/primary","shard":"shard0","size":20,"idle":3,"max_wait_seconds":0.000,"paused":false},\
            {"pool":"shard1/replica","shard":"shard1","size":100,"idle":12,"max_wait_seconds":1.500,"paused":true},\
            {"pool":"x","shard":null,"size":5,"idle":0,"max_wait_seconds":null,"paused":null}]
            """
        #expect(JSONValue.array(ResultFormatting.jsonObjects(pools)).render(pretty: false) == expected)
    }

    @Test func prettyJSON() {
        let result = QueryResult(columns: ["a", "b"], rows: [["1", nil]], tag: "SELECT 1")
        #expect(ResultFormatting.json(result) == "[\n  {\n    \"a\": 1,\n    \"b\": null\n  }\n]")
        #expect(ResultFormatting.json(QueryResult(columns: ["a"], rows: [], tag: "SHOW")) == "[]")
    }

    @Test func jsonEscapesStrings() {
        let value = JSONValue.string("a\"b\\c\nd\u{01}é")
        #expect(value.render() == #""a\"b\\c\nd\u0001é""#)
        #expect(JSONValue.object([]).render() == "{}")
    }

    @Test func textTableMatchesTheRingCommandsLayout() {
        let text = TextTable.render(
            header: ["SHARD", "WEIGHT"], alignments: [.left, .right], rows: [["a", "1"], ["longer", "10"]])
        #expect(text == "SHARD   WEIGHT\na            1\nlonger      10")
    }
}
