import Testing

@testable import Config

/// `host:port` parsing and printing, and the "did you mean" suggestions.
@Suite("Server addresses and suggestions")
struct ServerAddressParsingTests {
    @Test(arguments: [
        ("127.0.0.1:5432", "127.0.0.1", 5432),
        ("localhost:1", "localhost", 1),
        ("db.example.com:65535", "db.example.com", 65535),
        ("[::1]:5432", "::1", 5432),
        ("[2001:db8::1]:6432", "2001:db8::1", 6432),
    ])
    func parsesValidAddresses(text: String, host: String, port: Int) throws {
        let address = try ServerAddress(parsing: text)
        #expect(address == ServerAddress(host: host, port: port))
        #expect(address.description == text)
    }

    @Test(arguments: [
        ("", "an address is required, e.g. `127.0.0.1:5432` or `[::1]:5432`"),
        ("localhost", "`localhost` has no port; expected host:port, e.g. `127.0.0.1:5432` or `[::1]:5432`"),
        (":5432", "`:5432` has no host; expected host:port, e.g. `127.0.0.1:5432` or `[::1]:5432`"),
        ("host:", "`host:`: the port must be a number between 1 and 65535"),
        ("host:-1", "`host:-1`: the port must be a number between 1 and 65535"),
        ("host:123456", "`host:123456`: the port must be a number between 1 and 65535"),
        ("host:65536", "`host:65536`: the port must be between 1 and 65535, got 65536"),
        ("host:0", "`host:0`: the port must be between 1 and 65535, got 0"),
        ("[::1:5432", "`[::1:5432` has no closing `]` after the IPv6 address"),
        ("[::1]", "`[::1]` has no port; expected [host]:port, e.g. `127.0.0.1:5432` or `[::1]:5432`"),
        ("[]:5432", "`[]:5432` has no host; expected host:port, e.g. `127.0.0.1:5432` or `[::1]:5432`"),
        ("fe80::1:5432", "`fe80::1:5432`: an IPv6 address must be written in brackets, e.g. `[::1]:5432`"),
        ("my host:5432", "`my host:5432` contains whitespace; expected host:port, e.g. `127.0.0.1:5432` or `[::1]:5432`"),
    ])
    func rejectsInvalidAddresses(text: String, message: String) {
        #expect(throws: ServerAddressParseError(message)) {
            try ServerAddress(parsing: text)
        }
    }

    @Test func editDistance() {
        #expect(KeySuggestion.editDistance("", "abc") == 3)
        #expect(KeySuggestion.editDistance("size", "size") == 0)
        #expect(KeySuggestion.editDistance("sizee", "size") == 1)
        #expect(KeySuggestion.editDistance("kitten", "sitting") == 3)
        #expect(KeySuggestion.editDistance("Size", "size") == 0)
    }

    @Test func suggestionsOnlyForPlausibleTypos() {
        #expect(KeySuggestion.closest(to: "max_idel", among: ["size", "max_idle", "mode"]) == "max_idle")
        #expect(KeySuggestion.closest(to: "xyz", among: ["size", "mode"]) == nil)
        #expect(KeySuggestion.closest(to: "ab", among: ["cd"]) == nil)
        #expect(KeySuggestion.closest(to: "anything", among: [String]()) == nil)
    }
}
