import Testing
@testable import PGAuth

/// Secrets computed by a real PostgreSQL 15.x (`password_encryption = 'scram-sha-256'`, then
/// `SELECT rolpassword FROM pg_authid`), pinned here.
@Suite("PostgreSQL 15 SCRAM verifiers")
struct PostgresVectorTests {
    /// `CREATE ROLE pgring_scram LOGIN PASSWORD 'correct horse battery staple'` on PostgreSQL 15.
    static let password = "correct horse battery staple"
    static let verifierString =
        "SCRAM-SHA-256$4096:c7KoYFPDSFJzY1ui64WcdQ==$KwGYGGz1uVgZB2Qklh+Li5nGzkue6VsrCu4a3vc+xEk=:m4mjuqS6jserOla4XHtkGxapnvSil+DpAgILBNFKuh4="

    @Test func parsesAndRoundTripsThePostgresVerifier() throws {
        let verifier = try #require(SCRAMVerifier(parsing: Self.verifierString))
        #expect(verifier.iterations == 4096)
        #expect(verifier.salt.count == 16)
        #expect(verifier.storedKey.count == 32)
        #expect(verifier.serverKey.count == 32)
        #expect(verifier.stringValue == Self.verifierString)
    }

    @Test func deriveReproducesThePostgresKeys() throws {
        let stored = try #require(SCRAMVerifier(parsing: Self.verifierString))
        let derived = SCRAMVerifier.derive(password: Self.password, salt: stored.salt, iterations: stored.iterations)
        #expect(derived.storedKey == stored.storedKey)
        #expect(derived.serverKey == stored.serverKey)
        #expect(derived.stringValue == Self.verifierString)
    }

    @Test func exchangeWithTheRightPasswordSucceedsOnBothSides() throws {
        let verifier = try #require(SCRAMVerifier(parsing: Self.verifierString))
        let outcome = runExchange(password: Self.password, verifier: verifier)
        guard case .sendServerFinalAndSucceed = outcome.serverAction else {
            Issue.record("server did not accept the right password: \(outcome.serverAction)")
            return
        }
        #expect(outcome.clientAction == .authenticated)
    }

    @Test(arguments: ["correct horse battery stapl", "Correct horse battery staple", "", "correct horse battery staple "])
    func exchangeWithAWrongPasswordFails(wrong: String) throws {
        let verifier = try #require(SCRAMVerifier(parsing: Self.verifierString))
        let outcome = runExchange(password: wrong, verifier: verifier)
        #expect(outcome.serverAction == .fail(.invalidProof))
        #expect(outcome.clientAction == nil)
    }

    /// One role per SASLprep path, created on PostgreSQL 15 with `CREATE ROLE ... PASSWORD U&'...'`.
    struct SASLprepVector: Sendable, CustomTestStringConvertible {
        let role: String
        let password: String
        let verifier: String
        /// What SASLprep must hand to PBKDF2 (stated from RFC 4013 / PostgreSQL's rules, not computed).
        let prepared: String
        var testDescription: String { role }
    }

    static let saslprepVectors: [SASLprepVector] = [
        // NFC input: normalisation is the identity.
        SASLprepVector(role: "sp_nfc", password: "p\u{E4}ssw\u{F6}rd",
            verifier: "SCRAM-SHA-256$4096:xBMoeMgOGpMfqzN7JeOStA==$pu1LcSLoKoH/sjRiLXwzh2ztI1VBqjsRiSZiiU3oR+8=:1QlDNN5laxNCPbs3RXXJX4zS+bJNIDie8VKuA/vxock=",
            prepared: "p\u{E4}ssw\u{F6}rd"),
        // NFD input: NFKC composes it.
        SASLprepVector(role: "sp_nfd", password: "pa\u{308}sswo\u{308}rd",
            verifier: "SCRAM-SHA-256$4096:5WpwWPUlpILLmJcchAaa7g==$U/bAzpgmdpDY6axmyngv7I7UTkQGtxAeq+0Lpwe2h5I=:RItZhYjiSIFUg15PfHTrasSV5fnFVT7MKYkEVjlfGx0=",
            prepared: "p\u{E4}ssw\u{F6}rd"),
        // No-break space (C.1.2) maps to U+0020.
        SASLprepVector(role: "sp_nbsp", password: "a\u{A0}b",
            verifier: "SCRAM-SHA-256$4096:ZOZpbMXKBw57XJGcCy1N2g==$honzJ6Uhx2GXuxfSkw2ky4YJlCyPQ6DR9Pl/APdvQGk=:GptgG13Fj3ihDjJMw0og659Sjg+eixVZETnd9hM+el8=",
            prepared: "a b"),
        // Soft hyphen (B.1) maps to nothing.
        SASLprepVector(role: "sp_shy", password: "a\u{AD}b",
            verifier: "SCRAM-SHA-256$4096:OST8BBNDnIyhdIadwhnqsA==$DgABvMjSE3ZDqXnxdvTZgPFxYXlVqsE9cfkqXiw96Os=:XQO52aUsPFGuHAwzwi5VVT+kuM/+iejo/CbOjJU67y4=",
            prepared: "ab"),
        // Fullwidth letters: NFKC gives ASCII.
        SASLprepVector(role: "sp_fullwidth", password: "\u{FF50}\u{FF41}\u{FF53}\u{FF53}",
            verifier: "SCRAM-SHA-256$4096:E012IlBXL/I8avDt5CUPBw==$dFZ2HX2245aihYfhnm44fk7KMyeiGhTkHUOKh+NS3AM=:Qemt3rK+91H1rQ81Ekd0onz7m//R+BbUaYWUZCHHHtc=",
            prepared: "pass"),
        // Private use (C.3) is prohibited: raw UTF-8 is used (the no-break space is NOT mapped).
        SASLprepVector(role: "sp_private", password: "\u{E000}x\u{A0}",
            verifier: "SCRAM-SHA-256$4096:Aa1RNSITznJp0tleixqUFQ==$LLdFVToxD61VCu4GY6ynCBtmCrptFBrPR6sPi2u1M80=:oSfU614G0G3qDpjHoCLcCnMJhafR7PoJk8aXom2W+Zo=",
            prepared: "\u{E000}x\u{A0}"),
        // U+1F511 is unassigned in Unicode 3.2 (A.1): raw UTF-8.
        SASLprepVector(role: "sp_emoji", password: "\u{1F511}key\u{A0}",
            verifier: "SCRAM-SHA-256$4096:BWZKciA2v5sscYNr8Cn/tw==$OUgTGWEIJ2reSFtHbnoMEL6oWDHjdL3X4jtoowG1QVA=:YVik/AmwvIbNHufcR6hrni5F+I9msa9uwO8StdkNl7w=",
            prepared: "\u{1F511}key\u{A0}"),
        // Right-to-left only: satisfies the bidirectional rule.
        SASLprepVector(role: "sp_hebrew", password: "\u{5D0}\u{5D1}\u{5D2}",
            verifier: "SCRAM-SHA-256$4096:w8LtvZFzYGzLNbVCU7opLw==$1nA9v2TbajbrhUxdp3oeGg2ni2u1TRBgoBCuYKdvyxw=:Ecgcnh3EZx6sHu0MXChdNV9CcFDwxdIzFOESvbesLFg=",
            prepared: "\u{5D0}\u{5D1}\u{5D2}"),
        // Left-to-right and right-to-left mixed: bidirectional rule fails, raw UTF-8.
        SASLprepVector(role: "sp_mixedbidi", password: "a\u{5D0}\u{A0}",
            verifier: "SCRAM-SHA-256$4096:bNhNFH5i3EkynQs8ybOcTQ==$sEwWcQllQ/njhn8M2K3fIJ+H82NgzDyfRsjtP6RgYyg=:dZkTZZN8AbSLz42Sio3mz+8VNqAkdT7SQOJwiN6+mCo=",
            prepared: "a\u{5D0}\u{A0}"),
        // Right-to-left with a no-break space: mapped to U+0020 (bidi class WS), rule satisfied.
        SASLprepVector(role: "sp_rtl_space", password: "\u{627}\u{A0}\u{628}",
            verifier: "SCRAM-SHA-256$4096:hQvtZEeTOSO9QRPi32j/eQ==$0mB+wwPyXLK3oDhl4tW4f9gSLa/vihqQKznJhlkEEsw=:DGeExAqhSQ5lwpIMMjHItPDCwIg2nkMbWcocd3gU2Gc=",
            prepared: "\u{627} \u{628}"),
        // Roman numeral nine: NFKC gives "IX".
        SASLprepVector(role: "sp_roman", password: "I\u{2168}",
            verifier: "SCRAM-SHA-256$4096:hxqYRBhNI3D4keh6ZEpbZQ==$hmBWKnxhBOE5hAKZ3JKB8Hw+U36GZelumySuXkQpmdA=:oqnQwFerZZInFkedSKyJtdwHeAIzocTNue+IfIzaQNw=",
            prepared: "IIX"),
        // U+200B is both in C.1.2 and B.1; PostgreSQL maps it to a space (C.1.2 wins), U+FEFF to nothing.
        SASLprepVector(role: "sp_zwsp", password: "\u{200B}x\u{FEFF}",
            verifier: "SCRAM-SHA-256$4096:GrqeCu7q5bLd5LAB65/hcQ==$BgBJzgyq9TwQkr09s+7FVMO/EmMheMPySGOyJcgf8iA=:YAHIH5IGgiJhBY4hpacPvON1jC4yEk91MubQ/rruzu8=",
            prepared: " x"),
        // Pure ASCII (even with a control character): used unchanged.
        SASLprepVector(role: "sp_ctrl", password: "x\u{7}y",
            verifier: "SCRAM-SHA-256$4096:kPgB5W9FfmsTmjRzwgQCaQ==$PrynuiXfio0NXWIVbKcEAmDWN2oau+kMw0DrVHONXXE=:yF/W/RUvQf2zmDcqXQHa/e+HukLcyi0CZXnxkmURVW0=",
            prepared: "x\u{7}y"),
        // Maps to the empty string: raw UTF-8.
        SASLprepVector(role: "sp_empty_after", password: "\u{AD}",
            verifier: "SCRAM-SHA-256$4096:LIPvUyH89v+x0sbHj9MFqg==$MLxxUlfMlSEC6jg1S+hT6hoeqYJyrzxQuGd0UtMjHEw=:t3X244fbZF1s+b3i9QhN04B3FV5jljkm4bM6zaJr6QY=",
            prepared: "\u{AD}"),
    ]

    @Test(arguments: saslprepVectors)
    func saslprepMatchesPostgres(vector: SASLprepVector) throws {
        #expect(SASLprep.preparePassword(vector.password) == bytes(vector.prepared))
        let stored = try #require(SCRAMVerifier(parsing: vector.verifier))
        let derived = SCRAMVerifier.derive(password: vector.password, salt: stored.salt, iterations: stored.iterations)
        #expect(derived == stored)
    }

    @Test(arguments: saslprepVectors)
    func saslprepPasswordsLogInThroughTheStateMachines(vector: SASLprepVector) throws {
        let stored = try #require(SCRAMVerifier(parsing: vector.verifier))
        let outcome = runExchange(password: vector.password, verifier: stored)
        #expect(outcome.clientAction == .authenticated)
    }
}
