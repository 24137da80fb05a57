import Testing

@testable import Config

/// Builds configuration documents for tests: every section can be replaced, the rest is a small
/// valid configuration, so that a test shows only the part it is about.
enum ConfigurationDocument {
    /// The sections in file order, with the valid defaults used when a test does not replace them.
    static let sectionOrder: [(name: String, defaultText: String)] = [
        ("pgring", ""),
        ("tls", ""),
        ("server", ""),
        ("pool", ""),
        ("ring", ""),
        ("stats", ""),
        ("routing", ""),
        ("shards", "[[shards]]\nname = \"s0\"\nprimary = \"127.0.0.1:5432\"\n"),
        ("databases", "[[databases]]\nname = \"app\"\n"),
        ("users", "[[users]]\nname = \"app\"\npassword = \"secret\"\n"),
        ("tables", ""),
    ]

    /// A document with `overrides[section]` replacing that section's text (use "" to leave it out).
    static func text(_ overrides: [String: String] = [:]) -> String {
        sectionOrder.map { overrides[$0.name] ?? $0.defaultText }.joined(separator: "\n")
    }

    /// The problems found in `text` (empty when it loads). TLS files are "readable" when listed in `readableFiles`.
    static func problems(in text: String, readableFiles: Set<String> = []) -> [ConfigurationProblem] {
        do {
            _ = try ConfigurationLoader.parse(text, source: "test.toml", isReadableFile: { readableFiles.contains($0) })
            return []
        } catch let error as ConfigurationError {
            return error.problems
        } catch {
            Issue.record("unexpected error type: \(error)")
            return []
        }
    }
}
