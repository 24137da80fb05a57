/// Mock verifiers for users that do not exist (PostgreSQL's `scram_mock_salt` / `mock_scram_secret`).
extension SCRAMVerifier {
    /// A deterministic fake verifier for `username`, so that a client naming an unknown user goes through
    /// the same exchange as a real one: same salt length and iteration count in the server-first-message,
    /// the same salt every time for the same name, the same HMAC work at the end, and finally the same
    /// `.fail(.invalidProof)` as a wrong password.
    ///
    /// - Parameters:
    ///   - username: the user name from the StartupMessage.
    ///   - mockSeed: a secret of at least 32 random bytes, generated once per installation (or per process)
    ///     and kept. A stable seed keeps the fake salt stable for a name across attempts; a salt that
    ///     changed per attempt would reveal that the user does not exist. PostgreSQL keeps its
    ///     `mock_authentication_nonce` in pg_control for the same reason.
    ///   - iterations: use the iteration count of real verifiers (PostgreSQL's default is 4096).
    ///
    /// Pass the result to `SCRAMServerStateMachine(verifier:isMockVerifier: true)`: the keys are random-looking
    /// bytes no password produces, and the state machine refuses every proof for a mock verifier anyway.
    public static func mock(
        username: String,
        mockSeed: [UInt8],
        iterations: Int = SCRAMLimits.defaultIterations
    ) -> SCRAMVerifier {
        func derived(_ label: String) -> [UInt8] {
            // Label, a NUL separator (no label contains one), then the name: unambiguous for every name.
            SCRAMCrypto.hmac(key: mockSeed, message: Array(label.utf8) + [0] + Array(username.utf8))
        }
        let salt = Array(derived("pgring mock salt").prefix(SCRAMLimits.defaultSaltLength))
        let clamped = Swift.min(Swift.max(iterations, SCRAMLimits.iterationRange.lowerBound), SCRAMLimits.iterationRange.upperBound)
        guard let verifier = SCRAMVerifier(
            iterations: clamped, salt: salt,
            storedKey: derived("pgring mock stored key"), serverKey: derived("pgring mock server key"))
        else {
            preconditionFailure("mock verifier parts are always within SCRAMLimits")
        }
        return verifier
    }
}
