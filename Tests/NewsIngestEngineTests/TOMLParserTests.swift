import Testing

@testable import NewsIngestEngine

@Suite struct TOMLParserTests {
    @Test func tablesArraysOfTablesAndValues() throws {
        let table = try TOMLParser.parse(
            """
            # a comment
            title = "Tin \\"mới\\" \\u00e0"   # trailing comment
            literal = 'C:\\path'
            count = 1_000
            hex = 0xff
            ratio = 0.5
            on = true
            list = [
                "a",  # first
                "b",
            ]
            inline = { "User-Agent" = "x", retries = 3 }

            [output]
            path = "out/a.jsonl"

            [[source.directory]]
            path = "one"

            [[source.directory]]
            path = "two"
            a.b = 1
            """
        )
        #expect(table["title"] == .string("Tin \"mới\" à"))
        #expect(table["literal"] == .string("C:\\path"))
        #expect(table["count"] == .integer(1000))
        #expect(table["hex"] == .integer(255))
        #expect(table["ratio"] == .float(0.5))
        #expect(table["on"] == .boolean(true))
        #expect(table["list"] == .array([.string("a"), .string("b")]))
        guard case .table(let inline)? = table["inline"] else { Issue.record("inline table missing"); return }
        #expect(inline["User-Agent"] == .string("x"))
        guard case .table(let source)? = table["source"], case .array(let directories)? = source["directory"] else {
            Issue.record("source.directory missing")
            return
        }
        #expect(directories.count == 2)
        guard case .table(let second) = directories[1], case .table(let a)? = second["a"] else {
            Issue.record("dotted key missing")
            return
        }
        #expect(second["path"] == .string("two"))
        #expect(a["b"] == .integer(1))
        #expect(table.lines["on"] == 7)
    }

    @Test(arguments: [
        ("key = ", 1, "expected a value"),
        ("key = bare", 1, "'bare' is not a TOML value (strings need quotes)"),
        ("a = 1\na = 2", 2, "key 'a' is defined twice"),
        ("[t]\n[t]", 2, "table [t] is defined twice"),
        ("s = \"open", 1, "unterminated string"),
        ("x = [1, 2", 1, "expected ',' or ']' in an array"),
        ("x = 1 2", 1, "unexpected '2' after a value"),
        ("x = \"\"\"multi\"\"\"", 1, "multi-line strings are not supported"),
    ])
    func syntaxErrorsNameTheLine(text: String, line: Int, reason: String) {
        #expect(throws: TOMLError(line: line, reason: reason)) { try TOMLParser.parse(text) }
    }
}
