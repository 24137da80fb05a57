/// The two keys that are enough to log into PostgreSQL as a user with SCRAM-SHA-256, for one salt and
/// iteration count: `ClientKey` (signs the proof) and `ServerKey` (checks the server's signature).
///
/// Two uses:
/// - Cache: derive once per password (PBKDF2 is the expensive part, about 4.5 ms at 4096 iterations)
///   and reuse for every new server connection as long as the server sends the same salt and count.
/// - Pass-through (pgbouncer's SCRAM pass-through): when a client logged into pgring with SCRAM against
///   the same verifier PostgreSQL holds, `SCRAMServerStateMachine.passthroughKeys` recovers `ClientKey`
///   from its proof, so pgring can log into PostgreSQL as that user without ever knowing the password.
///
/// `clientKey` is password-equivalent for this verifier: keep it in memory only, never log it.
public struct SCRAMClientKeys: Sendable, Equatable {
    /// The salt the keys were derived with; the server-first-message must carry the same one.
    public let salt: [UInt8]
    /// The iteration count the keys were derived with; the server-first-message must carry the same one.
    public let iterations: Int
    /// `HMAC(SaltedPassword, "Client Key")`.
    public let clientKey: [UInt8]
    /// `HMAC(SaltedPassword, "Server Key")`.
    public let serverKey: [UInt8]

    /// Pairs a recovered `clientKey` with the verifier it belongs to, or `nil` when `clientKey` is not
    /// 32 bytes or does not hash to the verifier's StoredKey.
    public init?(clientKey: [UInt8], verifier: SCRAMVerifier) {
        guard clientKey.count == SCRAMLimits.keyLength,
            ConstantTime.equals(SCRAMCrypto.sha256(clientKey), verifier.storedKey)
        else { return nil }
        self.salt = verifier.salt
        self.iterations = verifier.iterations
        self.clientKey = clientKey
        self.serverKey = verifier.serverKey
    }

    /// Derives the keys of `password` (after SASLprep) for `salt` and `iterations`.
    /// `iterations` must be within `SCRAMLimits.iterationRange` (a programming error otherwise).
    public static func derive(password: String, salt: [UInt8], iterations: Int) -> SCRAMClientKeys {
        derive(preparedPassword: SASLprep.preparePassword(password), salt: salt, iterations: iterations)
    }

    /// Derives the keys of an already prepared password.
    static func derive(preparedPassword: [UInt8], salt: [UInt8], iterations: Int) -> SCRAMClientKeys {
        let keys = SCRAMCrypto.keys(
            saltedPassword: SCRAMCrypto.hi(password: preparedPassword, salt: salt, iterations: iterations))
        return SCRAMClientKeys(salt: salt, iterations: iterations, clientKey: keys.clientKey, serverKey: keys.serverKey)
    }

    /// Memberwise, for values known to be consistent.
    init(salt: [UInt8], iterations: Int, clientKey: [UInt8], serverKey: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.clientKey = clientKey
        self.serverKey = serverKey
    }

    /// Whether these keys fit a server-first-message carrying `salt` and `iterations`.
    func fit(salt: [UInt8], iterations: Int) -> Bool {
        self.iterations == iterations && self.salt == salt
    }
}
