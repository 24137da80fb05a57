extension StatementAnalyzer {
    /// The `pgring.*` setting a `SET`/`RESET` statement changes, or nil when it is not one of pgring's.
    ///
    /// Accepted: `SET [SESSION|LOCAL] pgring.<name> {=|TO} {value|DEFAULT}` and `RESET pgring.<name>`, where
    /// `value` is a string, a signed number or a word. Names: `shard_key`, `shard`, `target`.
    static func sessionCommand(in tokens: [SQLToken]) -> SessionCommand? {
        guard let first = tokens.first else { return nil }
        var position = 1
        let isReset = first.isKeyword("reset")
        guard isReset || first.isKeyword("set") else { return nil }
        var isLocal = false
        if !isReset, position < tokens.count, tokens[position].isKeyword("local") || tokens[position].isKeyword("session") {
            isLocal = tokens[position].isKeyword("local")
            position += 1
        }
        guard position + 2 < tokens.count,
              tokens[position].text == "pgring", tokens[position].kind == .identifier,
              tokens[position + 1].isSymbol(".")
        else { return nil }
        let name = tokens[position + 2].text
        position += 3
        var value: String?
        if !isReset {
            guard position < tokens.count, tokens[position].isSymbol("=") || tokens[position].isKeyword("to") else {
                return SessionCommand(setting: .invalid(name: "pgring." + name, value: nil), isLocal: isLocal)
            }
            position += 1
            let valueTokens = tokens[position...]
            guard let parsed = settingValue(valueTokens) else {
                return SessionCommand(setting: .invalid(name: "pgring." + name, value: nil), isLocal: isLocal)
            }
            value = parsed.isDefault ? nil : parsed.text
        } else if position != tokens.count {
            return SessionCommand(setting: .invalid(name: "pgring." + name, value: nil), isLocal: false)
        }
        switch name {
        case "shard_key":
            return SessionCommand(setting: .shardKey(value), isLocal: isLocal)
        case "shard":
            return SessionCommand(setting: .shard(value), isLocal: isLocal)
        case "target":
            guard let value else { return SessionCommand(setting: .target(nil), isLocal: isLocal) }
            guard let target = TargetOverride(rawValue: value.lowercased()) else {
                return SessionCommand(setting: .invalid(name: "pgring.target", value: value), isLocal: isLocal)
            }
            return SessionCommand(setting: .target(target), isLocal: isLocal)
        default:
            return SessionCommand(setting: .invalid(name: "pgring." + name, value: value), isLocal: isLocal)
        }
    }

    /// The value of a SET: one string, number, word or `DEFAULT` token, or a sign and a number.
    private static func settingValue(_ tokens: ArraySlice<SQLToken>) -> (text: String, isDefault: Bool)? {
        let values = Array(tokens)
        if values.count == 1 {
            let only = values[0]
            switch only.kind {
            case .string, .dollarString, .number, .identifier, .quotedIdentifier:
                return (only.text, false)
            case .keyword:
                return (only.text, only.text == "default")
            case .parameter, .operator, .punctuation, .lineComment, .blockComment:
                return nil
            }
        }
        if values.count == 2, values[0].isSymbol("-") || values[0].isSymbol("+"), values[1].kind == .number {
            return (values[0].text == "-" ? "-" + values[1].text : values[1].text, false)
        }
        return nil
    }
}
