/// Reads typed values out of one TOML table of the configuration, reporting wrong types to the
/// collector (and returning nil), and remembering which keys were asked for so that every other
/// key can be reported as unknown.
final class ConfigurationTableReader {
    /// The table being read.
    let table: TOMLTable
    /// Its key path: "" for the root, `pool`, `shards[1]`.
    let path: String
    /// Where problems go.
    let problems: ProblemCollector
    /// Keys asked for so far: the keys this section knows.
    private var knownKeys: [String] = []

    init(table: TOMLTable, path: String, problems: ProblemCollector) {
        self.table = table
        self.path = path
        self.problems = problems
    }

    /// The full key path of `key` in this table.
    func keyPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The raw value of a known key (nil when absent).
    func value(_ key: String) -> TOMLValue? {
        if !knownKeys.contains(key) {
            knownKeys.append(key)
        }
        return table[key]
    }

    /// Reports `expected …, found …` for `key`.
    func reportType(_ key: String, expected: String, found value: TOMLValue) {
        problems.report(keyPath(key), "expected \(expected), found \(value.typeDescription)")
    }

    /// A string, or nil when absent or of the wrong type.
    func string(_ key: String) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let string) = value else {
            reportType(key, expected: "a string", found: value)
            return nil
        }
        return string
    }

    /// An integer, or nil when absent or of the wrong type.
    func integer(_ key: String) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .integer(let integer) = value, let result = Int(exactly: integer) else {
            reportType(key, expected: "an integer", found: value)
            return nil
        }
        return result
    }

    /// A boolean, or nil when absent or of the wrong type.
    func boolean(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .boolean(let boolean) = value else {
            reportType(key, expected: "a boolean (true or false)", found: value)
            return nil
        }
        return boolean
    }

    /// A duration in seconds (integer or float), or nil when absent or of the wrong type.
    /// Range checks (>= 0, finite) belong to validation.
    func seconds(_ key: String) -> Double? {
        guard let value = value(key) else { return nil }
        switch value {
        case .integer(let integer):
            return Double(integer)
        case .float(let float):
            return float
        case .string, .boolean, .array, .table:
            reportType(key, expected: "a number of seconds (integer or float)", found: value)
            return nil
        }
    }

    /// One of an enum's string values; a wrong value is reported with the valid ones and a suggestion.
    func enumeration<Value: RawRepresentable & CaseIterable>(_ key: String, _ type: Value.Type) -> Value?
    where Value.RawValue == String {
        guard let text = string(key) else { return nil }
        if let result = Value(rawValue: text) {
            return result
        }
        let valid = Value.allCases.map(\.rawValue)
        var message = "must be one of " + valid.map { "`\($0)`" }.joined(separator: ", ") + "; got `\(text)`"
        if let suggestion = KeySuggestion.closest(to: text, among: valid) {
            message += "; did you mean `\(suggestion)`?"
        }
        problems.report(keyPath(key), message)
        return nil
    }

    /// An array of strings; elements of another type are reported (by index) and left out.
    func strings(_ key: String) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else {
            reportType(key, expected: "an array of strings", found: value)
            return nil
        }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                problems.report("\(keyPath(key))[\(index)]", "expected a string, found \(element.typeDescription)")
                continue
            }
            result.append(text)
        }
        return result
    }

    /// A `host:port` address; a malformed one is reported.
    func address(_ key: String) -> ServerAddress? {
        guard let text = string(key) else { return nil }
        return parseAddress(text, keyPath: keyPath(key))
    }

    /// An array of `host:port` addresses; malformed elements are reported (by index) and left out.
    func addresses(_ key: String) -> [ServerAddress]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else {
            reportType(key, expected: "an array of \"host:port\" strings", found: value)
            return nil
        }
        var result: [ServerAddress] = []
        for (index, element) in elements.enumerated() {
            let elementPath = "\(keyPath(key))[\(index)]"
            guard case .string(let text) = element else {
                problems.report(elementPath, "expected a \"host:port\" string, found \(element.typeDescription)")
                continue
            }
            if let address = parseAddress(text, keyPath: elementPath) {
                result.append(address)
            }
        }
        return result
    }

    private func parseAddress(_ text: String, keyPath: String) -> ServerAddress? {
        do {
            return try ServerAddress(parsing: text)
        } catch {
            problems.report(keyPath, "invalid address: \(error.message)")
            return nil
        }
    }

    /// A sub-table as a reader; `[name]` sections. Absent gives an empty table, so defaults apply.
    func section(_ key: String) -> ConfigurationTableReader? {
        guard let value = value(key) else {
            return ConfigurationTableReader(table: TOMLTable(), path: keyPath(key), problems: problems)
        }
        guard case .table(let table) = value else {
            reportType(key, expected: "a table (a `[\(key)]` section)", found: value)
            return nil
        }
        return ConfigurationTableReader(table: table, path: keyPath(key), problems: problems)
    }

    /// An array of tables (`[[name]]`) as readers, each with its index in the file; elements that are
    /// not tables are reported and left out. Absent gives an empty array. `entriesInFile` counts every
    /// element, valid or not (a value that is not an array at all counts as one).
    func sectionArray(_ key: String) -> (entriesInFile: Int, readers: [(index: Int, reader: ConfigurationTableReader)]) {
        guard let value = value(key) else { return (0, []) }
        guard case .array(let elements) = value else {
            reportType(key, expected: "an array of tables (write each entry as `[[\(key)]]`)", found: value)
            // Counts as one entry: the key is there and already reported, so "at least one" would be noise.
            return (1, [])
        }
        var readers: [(index: Int, reader: ConfigurationTableReader)] = []
        for (index, element) in elements.enumerated() {
            let elementPath = "\(keyPath(key))[\(index)]"
            guard case .table(let table) = element else {
                problems.report(elementPath, "expected a table, found \(element.typeDescription)")
                continue
            }
            readers.append((index, ConfigurationTableReader(table: table, path: elementPath, problems: problems)))
        }
        return (elements.count, readers)
    }

    /// Reports every key of the table that was never asked for, suggesting the closest known key.
    func reportUnknownKeys() {
        for key in table.keys where !knownKeys.contains(key) {
            var message = "unknown key `\(keyPath(key))`"
            if let suggestion = KeySuggestion.closest(to: key, among: knownKeys) {
                message += "; did you mean `\(suggestion)`?"
            } else {
                message += "; known keys here: " + knownKeys.joined(separator: ", ")
            }
            problems.report(keyPath(key), message)
        }
    }
}
