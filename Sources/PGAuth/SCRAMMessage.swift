/// Lexical helpers for SCRAM messages (RFC 5802 section 7): comma-separated `name=value` attributes.
///
/// Everything works on byte slices of one message that is already known to be at most
/// `SCRAMLimits.maximumMessageLength` bytes long, so no index arithmetic can overflow.
enum SCRAMMessage {
    /// One `name=value` attribute; `value` is a slice of the original message.
    struct Attribute {
        /// The attribute letter (`ALPHA` in RFC 5802), e.g. `r` for the nonce.
        let name: UInt8
        /// Everything after the `=` up to the next comma (may be empty).
        let value: ArraySlice<UInt8>
    }

    /// Checks the common framing of an incoming message: not empty, not longer than the limit, no NUL
    /// byte (PostgreSQL handles these messages as C strings). Returns the problem, or `nil` when fine.
    static func framingProblem(_ bytes: [UInt8]) -> SCRAMError? {
        if bytes.isEmpty {
            return .malformed("message is empty")
        }
        if bytes.count > SCRAMLimits.maximumMessageLength {
            return .malformed("message is longer than \(SCRAMLimits.maximumMessageLength) bytes")
        }
        if bytes.contains(0) {
            return .malformed("message contains a NUL byte")
        }
        return nil
    }

    /// Splits a message at every comma, keeping empty fields (the gs2 header has them). Returns `nil` when
    /// there are more than `SCRAMLimits.maximumAttributeCount` fields.
    static func fields(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        let fields = bytes.split(separator: UInt8(ascii: ","), maxSplits: SCRAMLimits.maximumAttributeCount,
                                 omittingEmptySubsequences: false)
        guard fields.count <= SCRAMLimits.maximumAttributeCount else { return nil }
        return fields
    }

    /// Parses `x=value` where `x` is an ASCII letter; `nil` otherwise.
    static func attribute(_ field: ArraySlice<UInt8>) -> Attribute? {
        guard field.count >= 2 else { return nil }
        let name = field[field.startIndex]
        let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(name)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(name)
        guard isLetter, field[field.startIndex + 1] == UInt8(ascii: "=") else { return nil }
        return Attribute(name: name, value: field[(field.startIndex + 2)...])
    }

    /// Parses the attribute in `field` and requires its name to be `name`; otherwise returns the error
    /// to report (`m=` anywhere a known attribute is expected means an unsupported mandatory extension).
    static func expect(_ name: Character, in field: ArraySlice<UInt8>, describing: String) -> Result<ArraySlice<UInt8>, SCRAMError> {
        guard let parsed = attribute(field) else {
            return .failure(.malformed("expected attribute \(name)= (\(describing))"))
        }
        if parsed.name == UInt8(ascii: "m") {
            return .failure(.unsupportedMandatoryExtension)
        }
        guard let ascii = name.asciiValue, parsed.name == ascii else {
            return .failure(.malformed("expected attribute \(name)= (\(describing))"))
        }
        return .success(parsed.value)
    }

    /// Checks that every field is a well-formed attribute (used for optional extensions, which are then
    /// ignored as RFC 5802 allows); returns the error otherwise.
    static func extensionsProblem(_ fields: ArraySlice<ArraySlice<UInt8>>) -> SCRAMError? {
        for field in fields {
            guard let parsed = attribute(field) else {
                return .malformed("extension is not a name=value attribute")
            }
            if parsed.name == UInt8(ascii: "m") {
                return .unsupportedMandatoryExtension
            }
        }
        return nil
    }

    /// Whether `nonce` is a valid SCRAM nonce: not empty, only printable ASCII except comma
    /// (RFC 5802 `printable = %x21-2B / %x2D-7E`).
    static func isValidNonce<Bytes: Collection>(_ nonce: Bytes) -> Bool where Bytes.Element == UInt8 {
        !nonce.isEmpty && nonce.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") }
    }

    /// Parses an iteration count: decimal digits without sign or leading zeros (RFC 5802 `posit-number`),
    /// within `SCRAMLimits.iterationRange`. More than 9 digits is reported as out of range without ever
    /// being converted, so nothing can overflow.
    static func parseIterationCount(_ digits: ArraySlice<UInt8>) -> Result<Int, SCRAMError> {
        let decimal = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard !digits.isEmpty, digits.allSatisfy({ decimal.contains($0) }) else {
            return .failure(.malformed("iteration count is not a decimal number"))
        }
        if digits.count > 1, digits.first == UInt8(ascii: "0") {
            return .failure(.malformed("iteration count has a leading zero"))
        }
        guard digits.count <= 9 else { return .failure(.iterationCountOutOfRange) }
        var value = 0
        for digit in digits {
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        guard SCRAMLimits.iterationRange.contains(value) else { return .failure(.iterationCountOutOfRange) }
        return .success(value)
    }

    /// Escapes a user name as a SCRAM `saslname`: `,` becomes `=2C` and `=` becomes `=3D`.
    static func saslName(_ username: String) -> [UInt8] {
        var output: [UInt8] = []
        for byte in username.utf8 {
            switch byte {
            case UInt8(ascii: ","):
                output += Array("=2C".utf8)
            case UInt8(ascii: "="):
                output += Array("=3D".utf8)
            default:
                output.append(byte)
            }
        }
        return output
    }
}
