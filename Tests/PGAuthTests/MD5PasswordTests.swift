import Testing
@testable import PGAuth

/// MD5 secrets and challenge responses, pinned from PostgreSQL and from Python's hashlib.
@Suite("MD5 passwords")
struct MD5PasswordTests {
    /// `SET password_encryption = 'md5'; CREATE ROLE pgring_md5 LOGIN PASSWORD 'md5 secret'` on PostgreSQL 15.
    static let user = "pgring_md5"
    static let password = "md5 secret"
    static let storedHash = "md525a21ae1464b6c759ff2e7cc9ffeb9e6"
    /// Responses computed with Python: "md5" + md5(md5(password + user).hexdigest() + salt).hexdigest().
    static let responses: [(salt: [UInt8], response: String)] = [
        ([0x01, 0x02, 0x03, 0x04], "md5656e5cbe0ae42b81e227a3fc0fe6d4ef"),
        ([0xDE, 0xAD, 0xBE, 0xEF], "md539fe54402cc88ad3b9fc12c679e37351"),
    ]

    @Test func hashMatchesPostgres() {
        #expect(MD5Password.hash(user: Self.user, password: Self.password) == Self.storedHash)
        #expect(MD5Password.isStoredHash(Self.storedHash))
    }

    @Test(arguments: 0..<2)
    func responseMatchesReference(index: Int) {
        let vector = Self.responses[index]
        #expect(MD5Password.response(user: Self.user, password: Self.password, salt: vector.salt) == vector.response)
        #expect(MD5Password.response(storedHash: Self.storedHash, salt: vector.salt) == vector.response)
        #expect(MD5Password.verify(response: vector.response, storedHash: Self.storedHash, salt: vector.salt))
    }

    @Test func wrongResponsesAreRefused() {
        let salt: [UInt8] = [0x01, 0x02, 0x03, 0x04]
        let right = "md5656e5cbe0ae42b81e227a3fc0fe6d4ef"
        #expect(!MD5Password.verify(response: right, storedHash: Self.storedHash, salt: [0x01, 0x02, 0x03, 0x05]))
        #expect(!MD5Password.verify(response: right.uppercased(), storedHash: Self.storedHash, salt: salt))
        #expect(!MD5Password.verify(response: String(right.dropLast()), storedHash: Self.storedHash, salt: salt))
        #expect(!MD5Password.verify(response: right + "0", storedHash: Self.storedHash, salt: salt))
        #expect(!MD5Password.verify(response: "", storedHash: Self.storedHash, salt: salt))
        #expect(!MD5Password.verify(
            response: MD5Password.response(user: Self.user, password: "other", salt: salt),
            storedHash: Self.storedHash, salt: salt))
    }

    @Test(arguments: ["", "md5", "md525a21ae1464b6c759ff2e7cc9ffeb9e", "md525a21ae1464b6c759ff2e7cc9ffeb9eg",
                      "MD525a21ae1464b6c759ff2e7cc9ffeb9e6", PostgresVectorTests.verifierString])
    func malformedStoredHashNeverVerifies(stored: String) {
        #expect(!MD5Password.isStoredHash(stored))
        #expect(MD5Password.response(storedHash: stored, salt: [1, 2, 3, 4]) == nil)
        #expect(!MD5Password.verify(response: "md5656e5cbe0ae42b81e227a3fc0fe6d4ef", storedHash: stored, salt: [1, 2, 3, 4]))
    }
}
