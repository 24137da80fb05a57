import Config
import PGAuth

/// What pgring knows about one client user, prepared once per configuration so a login does no
/// key derivation: the SCRAM verifier (parsed, or derived from a plain password) and the md5 hash.
struct UserCredentials: Sendable {
    var name: String
    var scramVerifier: SCRAMVerifier?
    var md5Hash: String?
}

/// The `[[users]]` of a configuration, ready for authentication.
struct UserDirectory: Sendable {
    private var users: [String: UserCredentials] = [:]
    /// Seed for the mock SCRAM verifiers of unknown users: fixed per process, so an unknown user always
    /// gets the same salt (as PostgreSQL's scram_mock_salt), yet no one can tell it from a real one.
    let mockSeed: [UInt8]

    init(_ users: [UserConfiguration], scramIterations: Int = 4096) {
        var generator = SystemRandomNumberGenerator()
        mockSeed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for user in users {
            var credentials = UserCredentials(name: user.name)
            if let text = user.scramVerifier {
                credentials.scramVerifier = SCRAMVerifier(parsing: text)
            } else if let password = user.password {
                let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
                credentials.scramVerifier = SCRAMVerifier.derive(password: password, salt: salt, iterations: scramIterations)
            }
            if let hash = user.md5Hash {
                credentials.md5Hash = hash
            } else if let password = user.password {
                credentials.md5Hash = MD5Password.hash(user: user.name, password: password)
            }
            self.users[user.name] = credentials
        }
    }

    subscript(name: String) -> UserCredentials? { users[name] }
}
