import Crypto

/// The cryptographic building blocks of SCRAM-SHA-256 (RFC 5802 section 2.2, RFC 7677), on top of
/// swift-crypto's SHA-256 and HMAC.
enum SCRAMCrypto {
    /// `HMAC(key, message)` with SHA-256.
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// `H(bytes)`: SHA-256.
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// `Hi(password, salt, iterations)` of RFC 5802, i.e. PBKDF2-HMAC-SHA-256 with a 32-byte output.
    ///
    /// The keyed HMAC state is built once and copied for every iteration, so each iteration costs two
    /// SHA-256 compressions. `iterations` must be at least 1 (callers validate peer input first).
    static func hi(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        precondition(iterations >= 1, "Hi needs at least one iteration")
        let keyed = HMAC<SHA256>(key: SymmetricKey(data: password))
        var first = keyed
        first.update(data: salt)
        first.update(data: [0, 0, 0, 1])
        var block = Array(first.finalize())
        var result = block
        var round = 1
        while round < iterations {
            var next = keyed
            next.update(data: block)
            block = Array(next.finalize())
            for index in 0..<result.count {
                result[index] ^= block[index]
            }
            round += 1
        }
        return result
    }

    /// Byte-wise XOR of two equally long arrays (a programming error otherwise).
    static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        precondition(a.count == b.count, "XOR needs equally long inputs")
        var result = a
        for index in 0..<result.count {
            result[index] ^= b[index]
        }
        return result
    }

    /// The keys derived from a salted password: `ClientKey`, `StoredKey = H(ClientKey)` and `ServerKey`.
    static func keys(saltedPassword: [UInt8]) -> (clientKey: [UInt8], storedKey: [UInt8], serverKey: [UInt8]) {
        let clientKey = hmac(key: saltedPassword, message: Array("Client Key".utf8))
        let serverKey = hmac(key: saltedPassword, message: Array("Server Key".utf8))
        return (clientKey, sha256(clientKey), serverKey)
    }
}
