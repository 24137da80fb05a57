import Testing
@testable import PGAuth

/// Constant-time comparison, base64 and secure random bytes.
@Suite("Primitives")
struct PrimitivesTests {
    @Test(arguments: [
        ([UInt8](), [UInt8](), true),
        ([1, 2, 3], [1, 2, 3], true),
        ([1, 2, 3], [0, 2, 3], false),
        ([1, 2, 3], [1, 2, 4], false),
        ([1, 2, 3], [1, 2], false),
        ([1, 2], [1, 2, 3], false),
        ([1, 2, 0], [1, 2], false),
        ([], [0], false),
        ([0], [], false),
    ] as [([UInt8], [UInt8], Bool)])
    func constantTimeEquals(a: [UInt8], b: [UInt8], equal: Bool) {
        #expect(ConstantTime.equals(a, b) == equal)
    }

    /// RFC 4648 section 10.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64RFC4648Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(bytes(plain)) == encoded)
        #expect(Base64.decode(encoded, maximumDecodedLength: 16) == bytes(plain))
    }

    @Test func base64AllByteValuesRoundTrip() {
        let all = (0...255).map { UInt8($0) }
        let encoded = Base64.encode(all)
        #expect(encoded.hasSuffix("+/w=="))
        #expect(Base64.decode(encoded, maximumDecodedLength: 256) == all)
    }

    @Test(arguments: [
        "Zg=", "Zg", "Z", "Zg==Zg==", "Zm9=Zm9v", "Zh==", "Zm9=", "Z m9v", "Zm9v\n", "====", "=Zm9", "Zg=a",
        "Zm9v!", "Zm9v====", "Zm-_", "Zm\u{E9}v",
    ])
    func base64RejectsNonCanonicalInput(text: String) {
        #expect(Base64.decode(text, maximumDecodedLength: 64) == nil)
    }

    @Test func base64DecodeIsBounded() {
        #expect(Base64.decode("Zm9vYmFy", maximumDecodedLength: 5) == nil)
        #expect(Base64.decode("Zm9vYmFy", maximumDecodedLength: 6) == bytes("foobar"))
        #expect(Base64.decode("Zm9vYmE=", maximumDecodedLength: 5) == bytes("fooba"))
        #expect(Base64.decode(String(repeating: "A", count: 4_000_000), maximumDecodedLength: 32) == nil)
    }

    @Test func secureRandomBytes() {
        #expect(SecureRandom.bytes(count: 0).isEmpty)
        #expect(SecureRandom.bytes(count: 13).count == 13)
        #expect(SecureRandom.bytes(count: 32) != SecureRandom.bytes(count: 32))
        let nonce = SecureRandom.scramNonce()
        #expect(nonce.count == 24)
        #expect(SCRAMMessage.isValidNonce(nonce))
    }

    @Test(arguments: [
        ("abc", "abc"), ("", ""), ("caf\u{E9}", "caf\u{E9}"), ("I\u{2168}", "IIX"),
        ("\u{200B}x\u{FEFF}\u{AD}", " x"), ("x\u{3000}y", "x y"), ("\u{627}1\u{A0}", "\u{627}1\u{A0}"),
        ("\u{627}\u{A0}\u{628}", "\u{627} \u{628}"), ("\u{627}\u{A0}a\u{628}", "\u{627}\u{A0}a\u{628}"),
    ])
    func saslprepPasswords(input: String, prepared: String) {
        #expect(SASLprep.preparePassword(input) == bytes(prepared))
    }
}
