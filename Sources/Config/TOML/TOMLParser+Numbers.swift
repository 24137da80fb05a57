extension TOMLDocumentParser {
    /// Integers (`42`, `+1_000`, `-7`, `0x1F`, `0o17`, `0b101`) and floats (`3.14`, `1e6`, `-2.5E-3`,
    /// `inf`, `-nan`). Dates and times are recognised only to be refused with a clear message.
    mutating func parseNumber() throws(TOMLSyntaxError) -> TOMLValue {
        let start = position
        let word = readWord()
        guard let value = Self.number(from: word) else {
            if Self.looksLikeDateOrTime(word) {
                throw error("date and time values are not supported by pgring's TOML parser", at: start)
            }
            if let first = word.unicodeScalars.first, first == "i" || first == "n" {
                throw error(
                    "expected a value, found `\(word)` (strings must be quoted; special floats are `inf` and `nan`)",
                    at: start)
            }
            throw error("invalid number `\(word)`", at: start)
        }
        switch value {
        case .success(let number):
            return number
        case .failure(let failure):
            throw error(failure.message, at: start)
        }
    }

    /// A number word's value; nil when it is not shaped like a number at all, `.failure` when it is
    /// shaped like one but breaks a rule (the message says which).
    private static func number(from word: String) -> Result<TOMLValue, NumberError>? {
        var body = Substring(word)
        var sign: Character? = nil
        if let first = body.first, first == "+" || first == "-" {
            sign = first
            body = body.dropFirst()
        }
        let isNegative = sign == "-"
        switch body {
        case "inf": return .success(.float(isNegative ? -.infinity : .infinity))
        case "nan": return .success(.float(.nan))
        default: break
        }
        guard let firstDigit = body.first, firstDigit.isASCII, firstDigit.isNumber else { return nil }
        if body.hasPrefix("0x") || body.hasPrefix("0o") || body.hasPrefix("0b") {
            guard sign == nil else {
                return .failure(NumberError("a hexadecimal, octal or binary integer cannot have a sign"))
            }
            let radix = body.hasPrefix("0x") ? 16 : body.hasPrefix("0o") ? 8 : 2
            let radixName = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary"
            guard let digits = stripUnderscores(body.dropFirst(2), radix: radix) else {
                return .failure(NumberError("invalid \(radixName) integer `\(word)`"))
            }
            guard let value = Int64(digits, radix: radix) else {
                return .failure(NumberError("integer `\(word)` does not fit in 64 bits"))
            }
            return .success(.integer(value))
        }
        if looksLikeDateOrTime(word) { return nil }
        if body.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            return float(body, sign: sign, word: word)
        }
        guard let digits = stripUnderscores(body, radix: 10) else {
            return .failure(NumberError("invalid integer `\(word)` (only digits, with single underscores between digits)"))
        }
        if digits.count > 1, digits.hasPrefix("0") {
            return .failure(NumberError("leading zeros are not allowed in `\(word)`"))
        }
        guard let value = Int64((isNegative ? "-" : "") + digits) else {
            return .failure(NumberError("integer `\(word)` does not fit in 64 bits"))
        }
        return .success(.integer(value))
    }

    /// A float: integer part, optional `.fraction`, optional exponent.
    private static func float(_ body: Substring, sign: Character?, word: String) -> Result<TOMLValue, NumberError> {
        let invalid = Result<TOMLValue, NumberError>.failure(NumberError("invalid float `\(word)`"))
        var mantissa = body
        var exponent: Substring? = nil
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = body[..<e]
            exponent = body[body.index(after: e)...]
        }
        var integerPart = mantissa
        var fractionPart: Substring? = nil
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        }
        guard let integerDigits = stripUnderscores(integerPart, radix: 10) else { return invalid }
        if integerDigits.count > 1, integerDigits.hasPrefix("0") {
            return .failure(NumberError("leading zeros are not allowed in `\(word)`"))
        }
        var text = (sign == "-" ? "-" : "") + integerDigits
        if let fractionPart {
            guard let fractionDigits = stripUnderscores(fractionPart, radix: 10) else {
                return .failure(NumberError("invalid float `\(word)`: a decimal point must have digits on both sides"))
            }
            text += "." + fractionDigits
        }
        if var exponent {
            var exponentSign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                exponentSign = String(first)
                exponent = exponent.dropFirst()
            }
            guard let exponentDigits = stripUnderscores(exponent, radix: 10) else { return invalid }
            text += "e" + exponentSign + exponentDigits
        }
        guard let value = Double(text) else { return invalid }
        return .success(.float(value))
    }

    /// Digits with single underscores between them, underscores removed; nil when empty, when an
    /// underscore is leading, trailing or doubled, or when a character is not a digit of `radix`.
    private static func stripUnderscores(_ text: Substring, radix: Int) -> String? {
        var digits = ""
        var previousWasDigit = false
        for character in text {
            if character == "_" {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
                continue
            }
            guard character.isASCII, let digit = character.hexDigitValue, digit < radix else { return nil }
            digits.append(character)
            previousWasDigit = true
        }
        guard previousWasDigit else { return nil }
        return digits
    }

    /// `1979-05-27…` or `07:32:00…`: the start of a TOML date or time.
    static func looksLikeDateOrTime(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        func isDigit(_ index: Int) -> Bool {
            index < scalars.count && ("0"..."9").contains(scalars[index])
        }
        let isDate = (0..<4).allSatisfy(isDigit) && scalars.count > 4 && scalars[4] == "-"
        let isTime = (0..<2).allSatisfy(isDigit) && scalars.count > 2 && scalars[2] == ":"
        return isDate || isTime
    }
}

/// Why a number-shaped word is not a valid TOML number.
struct NumberError: Error {
    /// The message for the syntax error.
    var message: String
    init(_ message: String) {
        self.message = message
    }
}
