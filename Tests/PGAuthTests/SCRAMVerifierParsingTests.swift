import Testing
@testable import PGAuth

/// `SCRAMVerifier(parsing:)` on the pg_authid form, good and bad.
@Suite("SCRAM verifier parsing")
struct SCRAMVerifierParsingTests {
    static let good = PostgresVectorTests.verifierString
    static let salt = "c7KoYFPDSFJzY1ui64WcdQ=="
    static let stored = "KwGYGGz1uVgZB2Qklh+Li5nGzkue6VsrCu4a3vc+xEk="
    static let server = "m4mjuqS6jserOla4XHtkGxapnvSil+DpAgILBNFKuh4="

    @Test(arguments: [
        "SCRAM-SHA-256$1:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$10000000:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$4096:AA==$\(stored):\(server)",
    ])
    func acceptsBoundaryValues(text: String) throws {
        let verifier = try #require(SCRAMVerifier(parsing: text))
        #expect(verifier.stringValue == text)
    }

    @Test(arguments: [
        "",
        "md525a21ae1464b6c759ff2e7cc9ffeb9e6",
        "SCRAM-SHA-1$4096:\(salt)$\(stored):\(server)",
        "scram-sha-256$4096:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$0:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$10000001:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$99999999999999999999:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$-4096:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$04096:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$4096x:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$4096:$\(stored):\(server)",
        "SCRAM-SHA-256$4096:c7KoYFPDSFJzY1ui64WcdQ=$\(stored):\(server)",
        "SCRAM-SHA-256$4096:\(salt)$\(Base64.encode([UInt8](repeating: 1, count: 31))):\(server)",
        "SCRAM-SHA-256$4096:\(salt)$\(stored):\(Base64.encode([UInt8](repeating: 1, count: 33)))",
        "SCRAM-SHA-256$4096:\(Base64.encode([UInt8](repeating: 1, count: 257)))$\(stored):\(server)",
        "SCRAM-SHA-256$4096:\(salt)$\(stored)",
        "SCRAM-SHA-256$4096:\(salt)$\(stored):\(server)$",
        "SCRAM-SHA-256$4096:\(salt):x$\(stored):\(server)",
        "SCRAM-SHA-256$4096:\(salt)$\(stored):\(server):x",
        "SCRAM-SHA-256$4096:\(salt)$\(stored):\(server) ",
        " SCRAM-SHA-256$4096:\(salt)$\(stored):\(server)",
        "SCRAM-SHA-256$4096:\(salt)$\(stored):\(server)" + String(repeating: "A", count: 2000),
    ])
    func rejectsMalformedVerifiers(text: String) {
        #expect(SCRAMVerifier(parsing: text) == nil)
    }

    @Test func memberwiseInitialiserChecksInvariants() {
        let key = [UInt8](repeating: 1, count: 32)
        #expect(SCRAMVerifier(iterations: 4096, salt: [1], storedKey: key, serverKey: key) != nil)
        #expect(SCRAMVerifier(iterations: 0, salt: [1], storedKey: key, serverKey: key) == nil)
        #expect(SCRAMVerifier(iterations: 4096, salt: [], storedKey: key, serverKey: key) == nil)
        #expect(SCRAMVerifier(iterations: 4096, salt: [1], storedKey: [1], serverKey: key) == nil)
        #expect(SCRAMVerifier(iterations: 4096, salt: [1], storedKey: key, serverKey: key + [1]) == nil)
    }

    @Test func generateUsesAFreshSaltAndTheDefaults() {
        let first = SCRAMVerifier.generate(password: "secret")
        let second = SCRAMVerifier.generate(password: "secret")
        #expect(first.iterations == 4096)
        #expect(first.salt.count == 16)
        #expect(first.salt != second.salt)
        #expect(SCRAMVerifier.derive(password: "secret", salt: first.salt, iterations: 4096) == first)
        #expect(runExchange(password: "secret", verifier: first).clientAction == .authenticated)
    }
}
