/// Bounds applied to every SCRAM-SHA-256 field pgring reads from a peer or from configuration.
///
/// SCRAM messages arrive from peers that are not yet authenticated, so every length, count and number is
/// checked against these limits before any work is done (DESIGN.md: "bound every SCRAM field").
/// The defaults mirror PostgreSQL's `SCRAM_DEFAULT_ITERATIONS`, `SCRAM_DEFAULT_SALT_LEN` and
/// `SCRAM_RAW_NONCE_LEN` (src/include/common/scram-common.h).
public enum SCRAMLimits {
    /// Longest SCRAM message (client-first, server-first, client-final, server-final) accepted, in bytes.
    /// Real messages are under 300 bytes (libpq's client-final is about 110).
    public static let maximumMessageLength = 1024

    /// Longest client nonce accepted in a client-first-message, in bytes. libpq sends 24.
    public static let maximumClientNonceLength = 256

    /// Longest combined nonce (client part + server part) accepted in a server-first-message, in bytes.
    public static let maximumCombinedNonceLength = 512

    /// Iteration counts accepted in stored verifiers and in a server-first-message.
    ///
    /// The upper bound stops a hostile or misconfigured server from making pgring spend minutes of CPU
    /// in PBKDF2 (10 million iterations take several seconds); PostgreSQL's default is 4096.
    public static let iterationRange: ClosedRange<Int> = 1...10_000_000

    /// Accepted salt lengths, in decoded bytes. PostgreSQL generates 16.
    public static let saltLengthRange: ClosedRange<Int> = 1...256

    /// Most comma-separated attributes accepted in one SCRAM message (extensions included).
    public static let maximumAttributeCount = 16

    /// Longest `e=` server error value kept from a server-final-message, in bytes.
    public static let maximumServerErrorLength = 256

    /// Longest pg_authid verifier string accepted by `SCRAMVerifier(parsing:)`, in bytes.
    public static let maximumVerifierStringLength = 1024

    /// Length of StoredKey, ServerKey, proofs and signatures: the SHA-256 digest size.
    public static let keyLength = 32

    /// Iteration count pgring uses when it creates a verifier itself (PostgreSQL's default).
    public static let defaultIterations = 4096

    /// Salt length pgring uses when it creates a verifier itself (PostgreSQL's default).
    public static let defaultSaltLength = 16

    /// Number of random bytes behind a nonce pgring generates; base64 turns 18 bytes into 24 characters.
    public static let rawNonceLength = 18
}
