import Foundation
import Testing

@testable import Config

/// A small deterministic generator (SplitMix64) so the mutation test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Broken input never crashes the parser or the loader, and every error points inside the document.
@Suite("TOML parser: robustness")
struct TOMLParserRobustnessTests {
    static let alphabet: [Unicode.Scalar] = Array("[]{}=,.#\"'\\ \n\r\t0123456789_+-exuUabnf:é".unicodeScalars) + ["\u{0}", "\u{7F}"]

    @Test func randomMutationsOfTheShippedFileNeverCrash() throws {
        let base = try String(contentsOfFile: ShippedConfigurationTests.path("pgring.toml"), encoding: .utf8)
        let baseScalars = Array(base.unicodeScalars)
        var generator = SplitMix64(state: 0x5EED)
        var syntaxErrors = 0
        for _ in 0..<300 {
            var scalars = baseScalars
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<scalars.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: scalars.remove(at: index)
                case 1: scalars.insert(Self.alphabet.randomElement(using: &generator) ?? "x", at: index)
                default: scalars[index] = Self.alphabet.randomElement(using: &generator) ?? "x"
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            do {
                _ = try TOMLParser.parse(text)
            } catch {
                syntaxErrors += 1
                let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
                #expect(error.line >= 1 && error.line <= lineCount + 1, "line \(error.line) outside the document")
                #expect(error.column >= 1, "column \(error.column)")
            }
            do {
                _ = try ConfigurationLoader.parse(text, isReadableFile: { _ in true })
            } catch let error as ConfigurationError {
                #expect(!error.problems.isEmpty)
            }
        }
        // Most mutations of a TOML file break it; if none did, the mutation loop is not doing its job.
        #expect(syntaxErrors > 60)
    }

    @Test func truncatedDocumentsNeverCrash() throws {
        let base = try String(contentsOfFile: ShippedConfigurationTests.path("pgring.toml"), encoding: .utf8)
        let scalars = Array(base.unicodeScalars)
        for length in stride(from: 0, through: scalars.count, by: 7) {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[0..<length])
            _ = try? TOMLParser.parse(text)
        }
    }
}
