/// Secrets produced by a real PostgreSQL 15 (the same vectors PGAuthTests pins), so the tests do not
/// derive their expectations with the code under test.
enum PostgresSecrets {
    /// `CREATE ROLE pgring_scram LOGIN PASSWORD 'correct horse battery staple'` (scram-sha-256).
    static let scramPassword = "correct horse battery staple"
    /// `rolpassword` of that role.
    static let scramVerifier =
        "SCRAM-SHA-256$4096:c7KoYFPDSFJzY1ui64WcdQ==$KwGYGGz1uVgZB2Qklh+Li5nGzkue6VsrCu4a3vc+xEk=:m4mjuqS6jserOla4XHtkGxapnvSil+DpAgILBNFKuh4="
    /// The salt of that verifier, base64, as it must appear in `s=` of the server-first-message.
    static let scramSaltBase64 = "c7KoYFPDSFJzY1ui64WcdQ=="

    /// `SET password_encryption = 'md5'; CREATE ROLE pgring_md5 LOGIN PASSWORD 'md5 secret'`.
    static let md5User = "pgring_md5"
    /// Its password.
    static let md5Password = "md5 secret"
    /// `rolpassword` of that role.
    static let md5StoredHash = "md525a21ae1464b6c759ff2e7cc9ffeb9e6"
    /// Responses to AuthenticationMD5Password for that user, computed with Python's hashlib:
    /// "md5" + md5(md5(password + user).hexdigest() + salt).hexdigest().
    static let md5Responses: [(salt: [UInt8], response: String)] = [
        ([0x01, 0x02, 0x03, 0x04], "md5656e5cbe0ae42b81e227a3fc0fe6d4ef"),
        ([0xDE, 0xAD, 0xBE, 0xEF], "md539fe54402cc88ad3b9fc12c679e37351"),
    ]
}
