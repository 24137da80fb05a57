import PGWire

/// Which startup parameters of a client pgring applies on the server connection it gets, and the
/// statement that does it (`set_config`, which takes the value exactly as a startup packet would:
/// `SET search_path TO '"$user", public'` would instead make one schema of the whole list). The server connection was opened with pgring's own startup packet
/// (user and database only) and reset between clients, so the client's choices are re-applied.
enum StartupParameterSync {
    /// Parameters carried from the client's startup packet to the server (lower-cased name -> SQL name).
    /// Only these names are ever put in SQL; values are quoted as literals.
    static let carried: [String: String] = [
        "application_name": "application_name",
        "client_encoding": "client_encoding",
        "datestyle": "DateStyle",
        "timezone": "TimeZone",
        "intervalstyle": "IntervalStyle",
        "extra_float_digits": "extra_float_digits",
        "search_path": "search_path",
        "statement_timeout": "statement_timeout",
        "lock_timeout": "lock_timeout",
        "idle_in_transaction_session_timeout": "idle_in_transaction_session_timeout",
        "default_transaction_isolation": "default_transaction_isolation",
        "default_transaction_read_only": "default_transaction_read_only",
    ]

    /// The statement (one simple query) applying a client's startup parameters; "" when none.
    static func statements(for startup: StartupMessage) -> String {
        let values = carriedValues(startup)
        if values.isEmpty { return "" }
        return "SELECT " + values.values.sorted(by: { $0.sqlName < $1.sqlName })
            .map { setConfig($0.sqlName, $0.value) }
            .joined(separator: ", ")
    }

    /// The startup parameters to carry, by lower-cased name, each with the statement that applies it (for
    /// transaction pooling, which replays only the settings a server connection lacks).
    static func settings(for startup: StartupMessage) -> [String: String] {
        carriedValues(startup).mapValues { "SELECT " + setConfig($0.sqlName, $0.value) }
    }

    /// The carried parameters of a startup packet by lower-cased name, with their SQL name and value;
    /// `fallback_application_name` stands in for a missing `application_name`.
    private static func carriedValues(_ startup: StartupMessage) -> [String: (sqlName: String, value: String)] {
        var values: [String: (sqlName: String, value: String)] = [:]
        var fallbackApplicationName: String?
        for parameter in startup.parameters {
            let name = parameter.name.lowercased()
            if name == "fallback_application_name" {
                fallbackApplicationName = parameter.value
            } else if let sqlName = carried[name] {
                values[name] = (sqlName, parameter.value)
            }
        }
        if values["application_name"] == nil, let fallbackApplicationName {
            values["application_name"] = ("application_name", fallbackApplicationName)
        }
        return values
    }

    /// `pg_catalog.set_config('name', 'value', false)` with both quoted as literals.
    private static func setConfig(_ sqlName: String, _ value: String) -> String {
        "pg_catalog.set_config(\(quoteLiteral(sqlName)), \(quoteLiteral(value)), false)"
    }

    /// PostgreSQL's `parse_bool` for "false": off, false, no, 0 and their unambiguous prefixes, any case.
    static func isFalse(_ value: String) -> Bool {
        let text = value.lowercased()
        if text.isEmpty { return false }
        if text == "0" { return true }
        if text.count >= 2, "off".hasPrefix(text) { return true }
        if "false".hasPrefix(text) || "no".hasPrefix(text) { return true }
        return false
    }

    /// A SQL string literal: single quotes doubled, E'' never needed with standard_conforming_strings.
    static func quoteLiteral(_ value: String) -> String {
        var body = ""
        var needsE = false
        for character in value {
            switch character {
            case "'": body += "''"
            case "\\": body += "\\\\"; needsE = true
            default: body.append(character)
            }
        }
        return (needsE ? "E'" : "'") + body + "'"
    }
}
