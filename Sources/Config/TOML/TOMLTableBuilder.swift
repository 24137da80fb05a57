/// A table while the document is being parsed: mutable, shared by reference, and remembering how it was
/// created so that TOML's rules about redefining tables can be enforced. Frozen into `TOMLTable` at the end.
final class TOMLTableBuilder {
    /// How a table came to exist; decides what may still be added to it.
    enum Kind {
        /// The document root.
        case root
        /// Created as a parent of a header, e.g. `a` for `[a.b]`; a later `[a]` may still define it.
        case implicit
        /// Defined by a `[header]` or as an element of `[[header]]`; cannot be defined again.
        case header
        /// Created by a dotted key, e.g. `a` for `a.b = 1`; more dotted keys may extend it, a header may not.
        case dotted
        /// An inline table `{ … }` being parsed; complete once its closing brace is read.
        case inline
    }

    /// One key's entry while parsing.
    enum Entry {
        /// A finished value: string, number, boolean, array, or an inline table (which is closed).
        case value(TOMLValue)
        /// A table that may still receive keys, depending on its kind.
        case table(TOMLTableBuilder)
        /// An array of tables from `[[header]]`; later headers go into its last element.
        case arrayOfTables([TOMLTableBuilder])
    }

    /// How this table was created (may move from `.implicit` to `.header`).
    var kind: Kind
    /// Keys in definition order.
    private(set) var keys: [String] = []
    /// The entries by key.
    private(set) var entries: [String: Entry] = [:]

    init(kind: Kind) {
        self.kind = kind
    }

    /// The entry for `key`, if any.
    subscript(key: String) -> Entry? {
        entries[key]
    }

    /// Sets `key`, appending it to the key order when new.
    func set(_ key: String, _ entry: Entry) {
        if entries.updateValue(entry, forKey: key) == nil {
            keys.append(key)
        }
    }

    /// The finished table.
    func build() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            guard let entry = entries[key] else { continue }
            switch entry {
            case .value(let value):
                table[key] = value
            case .table(let builder):
                table[key] = .table(builder.build())
            case .arrayOfTables(let builders):
                table[key] = .array(builders.map { .table($0.build()) })
            }
        }
        return table
    }
}

extension TOMLTableBuilder.Entry {
    /// "a table", "an array of tables", or the value's type, for messages.
    var typeDescription: String {
        switch self {
        case .value(let value): return value.typeDescription
        case .table: return "a table"
        case .arrayOfTables: return "an array of tables"
        }
    }
}

/// Formats a key path the way it would be written in TOML: bare keys as they are, others quoted.
func tomlKeyPath(_ keys: [String]) -> String {
    keys.map { key in
        let isBare = !key.isEmpty && key.unicodeScalars.allSatisfy(TOMLDocumentParser.isBareKeyScalar)
        if isBare { return key }
        var quoted = "\""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }.joined(separator: ".")
}
