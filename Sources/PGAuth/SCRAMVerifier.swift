/// A SCRAM-SHA-256 secret as PostgreSQL stores it in `pg_authid.rolpassword`: what the server needs to
/// check a client's proof without knowing the password (RFC 5802 section 3).
///
/// Invariants (checked by every initialiser): `iterations` in `SCRAMLimits.iterationRange`, salt length in
/// `SCRAMLimits.saltLengthRange`, `storedKey` and `serverKey` exactly 32 bytes.
/// `==` is an ordinary comparison, meant for tests and configuration reloads, not for secret checks.
public struct SCRAMVerifier: Sendable, Equatable {
    /// PBKDF2 iteration count used to derive the salted password.
    public let iterations: Int
    /// The salt sent to the client in the server-first-message.
    public let salt: [UInt8]
    /// `H(ClientKey)`; the server recovers `ClientKey` from the proof and compares its hash with this.
    public let storedKey: [UInt8]
    /// `HMAC(SaltedPassword, "Server Key")`; signs the server-final-message.
    public let serverKey: [UInt8]

    /// Builds a verifier from its parts, or returns `nil` when a part breaks the invariants.
    public init?(iterations: Int, salt: [UInt8], storedKey: [UInt8], serverKey: [UInt8]) {
        guard SCRAMLimits.iterationRange.contains(iterations),
            SCRAMLimits.saltLengthRange.contains(salt.count),
            storedKey.count == SCRAMLimits.keyLength,
            serverKey.count == SCRAMLimits.keyLength
        else { return nil }
        self.iterations = iterations
        self.salt = salt
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    /// Derives the verifier of `password` for `salt` and `iterations`, as PostgreSQL's
    /// `scram_build_secret` does: the password goes through `SASLprep.preparePassword` (raw UTF-8 when
    /// SASLprep rejects it), then `SaltedPassword = Hi(password, salt, iterations)`.
    ///
    /// `iterations` and the salt length must satisfy `SCRAMLimits` (a programming error otherwise).
    public static func derive(password: String, salt: [UInt8], iterations: Int) -> SCRAMVerifier {
        let saltedPassword = SCRAMCrypto.hi(
            password: SASLprep.preparePassword(password), salt: salt, iterations: iterations)
        let keys = SCRAMCrypto.keys(saltedPassword: saltedPassword)
        guard let verifier = SCRAMVerifier(
            iterations: iterations, salt: salt, storedKey: keys.storedKey, serverKey: keys.serverKey)
        else {
            preconditionFailure("derive(password:salt:iterations:) called with iterations or salt outside SCRAMLimits")
        }
        return verifier
    }

    /// Derives a verifier for `password` with a fresh random salt of `SCRAMLimits.defaultSaltLength` bytes,
    /// e.g. for users whose plaintext password is in pgring's configuration.
    public static func generate(password: String, iterations: Int = SCRAMLimits.defaultIterations) -> SCRAMVerifier {
        derive(password: password, salt: SecureRandom.bytes(count: SCRAMLimits.defaultSaltLength), iterations: iterations)
    }

    /// The pg_authid form: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64 encoded.
    public var stringValue: String {
        "SCRAM-SHA-256$\(iterations):\(Base64.encode(salt))$\(Base64.encode(storedKey)):\(Base64.encode(serverKey))"
    }
}
