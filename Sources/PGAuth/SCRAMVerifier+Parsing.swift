extension SCRAMVerifier {
    /// The mechanism prefix of a pg_authid SCRAM secret.
    static let prefix = Array("SCRAM-SHA-256$".utf8)

    /// Parses the pg_authid form `SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>`
    /// (PostgreSQL's `parse_scram_secret`), or returns `nil` when the text is not exactly that, or breaks a
    /// bound of `SCRAMLimits` (iterations, salt length, 32-byte keys, total length).
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count <= SCRAMLimits.maximumVerifierStringLength,
            bytes.starts(with: SCRAMVerifier.prefix)
        else { return nil }
        let body = bytes[SCRAMVerifier.prefix.count...]
        let halves = body.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let saltPart = halves[0].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let keyPart = halves[1].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard saltPart.count == 2, keyPart.count == 2,
            case .success(let iterations) = SCRAMMessage.parseIterationCount(saltPart[0]),
            let salt = Base64.decode(bytes: saltPart[1], maximumDecodedLength: SCRAMLimits.saltLengthRange.upperBound),
            let storedKey = Base64.decode(bytes: keyPart[0], maximumDecodedLength: SCRAMLimits.keyLength),
            let serverKey = Base64.decode(bytes: keyPart[1], maximumDecodedLength: SCRAMLimits.keyLength)
        else { return nil }
        self.init(iterations: iterations, salt: salt, storedKey: storedKey, serverKey: serverKey)
    }
}
