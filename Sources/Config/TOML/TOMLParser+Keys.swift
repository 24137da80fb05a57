extension TOMLDocumentParser {
    /// A key segment and where it starts.
    struct KeySegment {
        /// The key, unquoted.
        var name: String
        /// Where it starts, for errors about it.
        var position: TOMLSourcePosition
    }

    /// `A-Za-z0-9_-`: the characters of a bare key.
    static func isBareKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    /// Parses a (possibly dotted) key: `a`, `"quoted key"`, `'literal'`, `a.b."c"`. Whitespace around dots is allowed.
    mutating func parseKey() throws(TOMLSyntaxError) -> [KeySegment] {
        var segments: [KeySegment] = []
        while true {
            skipWhitespace()
            segments.append(try parseSimpleKey())
            skipWhitespace()
            guard peek() == "." else { return segments }
            advance()
        }
    }

    /// Parses one bare or quoted key segment.
    mutating func parseSimpleKey() throws(TOMLSyntaxError) -> KeySegment {
        let start = position
        switch peek() {
        case "\"":
            if lookingAt("\"\"\"") { throw error("a key cannot be a multi-line string") }
            return KeySegment(name: try parseBasicString(), position: start)
        case "'":
            if lookingAt("'''") { throw error("a key cannot be a multi-line string") }
            return KeySegment(name: try parseLiteralString(), position: start)
        default:
            var name = ""
            while let scalar = peek(), Self.isBareKeyScalar(scalar) {
                name.unicodeScalars.append(scalar)
                advance()
            }
            guard !name.isEmpty else {
                throw error("expected a key, found \(describeCurrent())")
            }
            return KeySegment(name: name, position: start)
        }
    }

    /// Parses `key = value` and stores it in `table` (whose path is `tablePath`, for messages).
    mutating func parseKeyValue(into table: TOMLTableBuilder, tablePath: [String]) throws(TOMLSyntaxError) {
        let key = try parseKey()
        let keyText = tomlKeyPath(key.map(\.name))
        skipWhitespace()
        guard peek() == "=" else {
            throw error("expected `=` after the key `\(keyText)`, found \(describeCurrent())")
        }
        advance()
        skipWhitespace()
        let valueStart = position
        if peek() == nil || peek() == "\n" || peek() == "\r" || peek() == "#" {
            throw error("expected a value after `\(keyText) =`, found \(describeCurrent())")
        }
        let value = try parseValue()
        try store(value, at: key, in: table, tablePath: tablePath, valueStart: valueStart)
    }

    /// Stores a value under a dotted key, creating the intermediate dotted tables.
    private mutating func store(
        _ value: TOMLValue,
        at key: [KeySegment],
        in table: TOMLTableBuilder,
        tablePath: [String],
        valueStart: TOMLSourcePosition
    ) throws(TOMLSyntaxError) {
        var target = table
        var path = tablePath
        for segment in key.dropLast() {
            path.append(segment.name)
            switch target[segment.name] {
            case nil:
                let child = TOMLTableBuilder(kind: .dotted)
                target.set(segment.name, .table(child))
                target = child
            case .table(let child):
                guard child.kind == .dotted else {
                    throw error(
                        "cannot add keys to the table `\(tomlKeyPath(path))` with a dotted key: it is defined by a header elsewhere",
                        at: segment.position)
                }
                target = child
            case .arrayOfTables:
                throw error(
                    "cannot add keys to `\(tomlKeyPath(path))` with a dotted key: it is an array of tables",
                    at: segment.position)
            case .value(let existing):
                throw error(Self.notExtendable(path, existing), at: segment.position)
            }
        }
        guard let last = key.last else { return }
        path.append(last.name)
        if let existing = target[last.name] {
            throw error(
                "duplicate key `\(tomlKeyPath(path))` (already defined as \(existing.typeDescription))",
                at: last.position)
        }
        target.set(last.name, .value(value))
    }

    /// Parses `[a.b]` or `[[a.b]]` and makes the named table the current one.
    mutating func parseTableHeader() throws(TOMLSyntaxError) {
        let start = position
        let isArray = lookingAt("[[")
        advance(by: isArray ? 2 : 1)
        let key = try parseKey()
        if isArray {
            guard lookingAt("]]") else {
                throw error("expected `]]` to close the array-of-tables header, found \(describeCurrent())")
            }
            advance(by: 2)
        } else {
            guard peek() == "]" else {
                throw error("expected `]` to close the table header, found \(describeCurrent())")
            }
            advance()
        }
        let names = key.map(\.name)
        var target = root
        var path: [String] = []
        for segment in key.dropLast() {
            path.append(segment.name)
            switch target[segment.name] {
            case nil:
                let child = TOMLTableBuilder(kind: .implicit)
                target.set(segment.name, .table(child))
                target = child
            case .table(let child):
                guard child.kind != .inline else {
                    throw error("`\(tomlKeyPath(path))` is an inline table and cannot be extended", at: segment.position)
                }
                target = child
            case .arrayOfTables(let elements):
                guard let lastElement = elements.last else {
                    throw error("`\(tomlKeyPath(path))` is an empty array of tables", at: segment.position)
                }
                target = lastElement
            case .value(let existing):
                throw error(Self.notExtendable(path, existing), at: segment.position)
            }
        }
        guard let last = key.last else { return }
        path.append(last.name)
        let pathText = tomlKeyPath(names)
        if isArray {
            let element = TOMLTableBuilder(kind: .header)
            switch target[last.name] {
            case nil:
                target.set(last.name, .arrayOfTables([element]))
            case .arrayOfTables(let elements):
                target.set(last.name, .arrayOfTables(elements + [element]))
            case .table:
                throw error("cannot define `[[\(pathText)]]`: `\(pathText)` is already a table", at: start)
            case .value(let existing):
                throw error(
                    "cannot define `[[\(pathText)]]`: `\(pathText)` is already defined as \(existing.typeDescription)",
                    at: start)
            }
            currentTable = element
        } else {
            switch target[last.name] {
            case nil:
                let child = TOMLTableBuilder(kind: .header)
                target.set(last.name, .table(child))
                currentTable = child
            case .table(let child):
                switch child.kind {
                case .implicit:
                    child.kind = .header
                    currentTable = child
                case .header, .root:
                    throw error("the table `[\(pathText)]` is defined twice", at: start)
                case .dotted:
                    throw error("the table `\(pathText)` is already defined by dotted keys", at: start)
                case .inline:
                    throw error("`\(pathText)` is an inline table and cannot be extended", at: start)
                }
            case .arrayOfTables:
                throw error(
                    "`\(pathText)` is an array of tables; write `[[\(pathText)]]` to add an element", at: start)
            case .value(let existing):
                throw error(Self.notExtendable(names, existing), at: start)
            }
        }
        currentPath = names
    }

    /// Why a finished value cannot take more keys: an inline table is closed, anything else is not a table.
    static func notExtendable(_ path: [String], _ existing: TOMLValue) -> String {
        if existing.isTable {
            return "`\(tomlKeyPath(path))` is an inline table and cannot be extended"
        }
        return "`\(tomlKeyPath(path))` is already defined as \(existing.typeDescription), not a table"
    }
}
