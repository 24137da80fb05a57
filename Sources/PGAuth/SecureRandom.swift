/// Cryptographically secure random bytes for nonces, salts and cancel keys.
///
/// Backed by `SystemRandomNumberGenerator`, which the Swift standard library documents as
/// cryptographically secure: on Linux it reads `getrandom(2)` (the kernel CSPRNG), on Darwin
/// `arc4random_buf`. It never blocks after boot and never fails silently.
public enum SecureRandom {
    /// Returns `count` random bytes. `count` must not be negative (a programming error).
    public static func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes(count:) needs a non-negative count")
        var generator = SystemRandomNumberGenerator()
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            var word = generator.next()
            for _ in 0..<Swift.min(8, count - result.count) {
                result.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return result
    }

    /// Returns a fresh printable SCRAM nonce: `rawNonceLength` random bytes, base64-encoded (24 characters),
    /// exactly as PostgreSQL and libpq build theirs.
    public static func scramNonce() -> [UInt8] {
        Base64.encodeToBytes(bytes(count: SCRAMLimits.rawNonceLength))
    }
}
