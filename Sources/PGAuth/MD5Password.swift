import Crypto

/// PostgreSQL's MD5 password scheme (protocol section 55.2.2, AuthenticationMD5Password; src/common/md5_common.c).
///
/// - Stored form (pg_authid): `"md5" + hex(md5(password + user))`.
/// - On the wire the client answers a 4-byte salt with `"md5" + hex(md5(hex(md5(password + user)) + salt))`.
///
/// MD5 is obsolete (PostgreSQL 18 deprecates it); pgring supports it for existing installations only.
/// Strings are concatenated as UTF-8 bytes, as libpq and the server do.
public enum MD5Password {
    /// Length of `"md5"` followed by 32 hex digits.
    static let hashedLength = 35

    /// The pg_authid form of `password` for `user`: `"md5" + hex(md5(password + user))`.
    public static func hash(user: String, password: String) -> String {
        "md5" + hex(md5(Array(password.utf8) + Array(user.utf8)))
    }

    /// What a client sends in PasswordMessage for the server's `salt` (4 bytes in the protocol).
    public static func response(user: String, password: String, salt: [UInt8]) -> String {
        let inner = Array(hex(md5(Array(password.utf8) + Array(user.utf8))).utf8)
        return "md5" + hex(md5(inner + salt))
    }

    /// What a client sends for `salt` when only the stored hash is known (pgring logging into PostgreSQL
    /// with an `md5...` secret from its configuration, as pgbouncer allows). `nil` when `storedHash` is not
    /// `"md5"` followed by 32 hex digits.
    public static func response(storedHash: String, salt: [UInt8]) -> String? {
        guard let inner = innerDigestHex(storedHash) else { return nil }
        return "md5" + hex(md5(inner + salt))
    }

    /// Server side: whether a client's PasswordMessage `response` is right for `storedHash` (the `md5...`
    /// form) and the `salt` pgring sent. The comparison runs in constant time; a malformed `storedHash`
    /// gives `false` after a comparison of the same length.
    public static func verify(response: String, storedHash: String, salt: [UInt8]) -> Bool {
        let received = Array(response.utf8)
        guard let expected = self.response(storedHash: storedHash, salt: salt) else {
            _ = ConstantTime.equals(received, [UInt8](repeating: 0, count: hashedLength))
            return false
        }
        return ConstantTime.equals(received, Array(expected.utf8))
    }

    /// Whether `text` is an MD5 secret as stored in pg_authid (`"md5"` + 32 hex digits).
    public static func isStoredHash(_ text: String) -> Bool {
        innerDigestHex(text) != nil
    }

    /// The 32 hex digits after `"md5"`, used verbatim (as PostgreSQL does), or `nil` if malformed.
    static func innerDigestHex(_ storedHash: String) -> [UInt8]? {
        let bytes = Array(storedHash.utf8)
        guard bytes.count == hashedLength, bytes.starts(with: Array("md5".utf8)) else { return nil }
        let digits = bytes[3...]
        let isHex = digits.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0)
        }
        return isHex ? Array(digits) : nil
    }

    /// MD5 digest of `bytes`.
    static func md5(_ bytes: [UInt8]) -> [UInt8] {
        Array(Insecure.MD5.hash(data: bytes))
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
