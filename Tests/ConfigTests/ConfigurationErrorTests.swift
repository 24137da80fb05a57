import Foundation
import Testing

@testable import Config

/// Problems are collected, not stopped at: every mistake is reported, with the source and key path.
@Suite("Configuration: error reporting")
struct ConfigurationErrorTests {
    @Test func fiveMistakesAreAllReported() throws {
        let text = """
            [pgring]
            listen_port = 0              # 1: out of range

            [pool]
            sizee = 10                   # 2: unknown key

            [[shards]]
            name = "s0"
            weight = 0                   # 3: weight must be > 0
            primary = "127.0.0.1:15432"

            [[shards]]
            name = "s0"                  # 4: duplicate name
            primary = "127.0.0.1:15442"

            [[databases]]
            name = "app"

            [[users]]
            name = "app"                 # 5: no secret with scram-sha-256
            """
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(text, source: "pgring.toml")
        }
        #expect(error.source == "pgring.toml")
        #expect(error.problems.map(\.keyPath) == ["pool.sizee", "pgring.listen_port", "shards[0].weight", "shards[1].name", "users[0]"])
        let expectedDescription = """
            pgring.toml: pool.sizee: unknown key `pool.sizee`; did you mean `size`?
            pgring.toml: pgring.listen_port: must be between 1 and 65535, got 0
            pgring.toml: shards[0].weight: must be between 1 and 1000, got 0
            pgring.toml: shards[1].name: duplicate shard name `s0` (also shards[0])
            pgring.toml: users[0]: user `app` needs one of password, scram_verifier, md5_hash (auth_method is scram-sha-256; only "trust" allows none)
            """
        #expect(error.description == expectedDescription)
    }

    @Test func indicesStayRightWhenAnEarlierEntryIsLeftOut() {
        let text = ConfigurationDocument.text([
            "shards": """
                [[shards]]
                name = "broken"
                [[shards]]
                name = "s1"
                weight = 0
                primary = "127.0.0.1:5432"
                [[shards]]
                name = "s1"
                primary = "127.0.0.1:5433"
                """,
            "users": "[[users]]\npassword = \"x\"\n[[users]]\nname = \"b\"\n",
        ])
        #expect(ConfigurationDocument.problems(in: text) == [
            ConfigurationProblem(keyPath: "shards[0].primary", message: "is required: the shard's primary server as \"host:port\""),
            ConfigurationProblem(keyPath: "users[0].name", message: "is required: the user name clients log in with"),
            ConfigurationProblem(keyPath: "shards[1].weight", message: "must be between 1 and 1000, got 0"),
            ConfigurationProblem(keyPath: "shards[2].name", message: "duplicate shard name `s1` (also shards[1])"),
            ConfigurationProblem(
                keyPath: "users[1]",
                message: "user `b` needs one of password, scram_verifier, md5_hash (auth_method is scram-sha-256; only \"trust\" allows none)"),
        ])
    }

    @Test func syntaxErrorCarriesLineAndColumn() throws {
        let text = "[pool]\nsize = 10\nsize = 11\n"
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(text, source: "bad.toml")
        }
        #expect(error.problems == [
            ConfigurationProblem(
                keyPath: "", message: "TOML syntax error: duplicate key `pool.size` (already defined as an integer)", line: 3, column: 1)
        ])
        #expect(error.description == "bad.toml:3:1: TOML syntax error: duplicate key `pool.size` (already defined as an integer)")
    }

    @Test func defaultSourceIsString() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse("[pool]\nsize = 0\nmax_idle = 0\n[[shards]]\nname = \"a\"\nprimary = \"h:1\"\n[[databases]]\nname = \"d\"\n[[users]]\nname = \"u\"\npassword = \"p\"\n")
        }
        #expect(error.description == "<string>: pool.size: must be at least 1, got 0")
    }

    @Test func missingFileIsOneClearProblem() throws {
        let path = "/nonexistent-\(UUID().uuidString)/pgring.toml"
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(path: path)
        }
        #expect(error.problems == [ConfigurationProblem(keyPath: "", message: "configuration file not found")])
        #expect(error.description == "\(path): configuration file not found")
    }

    @Test func directoryIsOneClearProblem() throws {
        let directory = FileManager.default.temporaryDirectory.path
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(path: directory)
        }
        #expect(error.problems == [ConfigurationProblem(keyPath: "", message: "is a directory, not a configuration file")])
    }

    @Test func invalidUTF8IsOneClearProblem() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-config-\(UUID().uuidString).toml")
        try Data([0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0xFE, 0x22, 0x0A]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(path: url.path)
        }
        #expect(error.problems == [ConfigurationProblem(keyPath: "", message: "the configuration file is not valid UTF-8")])
    }

    @Test func tlsFilesAreCheckedOnTheRealFileSystem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("server.crt")
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: certificate)
        let missingKey = directory.appendingPathComponent("server.key").path
        let text = ConfigurationDocument.text([
            "tls": "[tls]\ncert_file = \"\(certificate.path)\"\nkey_file = \"\(missingKey)\"\n"
        ])
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(text)
        }
        #expect(error.problems == [
            ConfigurationProblem(keyPath: "tls.key_file", message: "cannot read the file `\(missingKey)` (missing, a directory, or not readable)")
        ])
        try Data("-----BEGIN PRIVATE KEY-----\n".utf8).write(to: URL(fileURLWithPath: missingKey))
        let configuration = try ConfigurationLoader.parse(text)
        #expect(configuration.tls.isEnabled)
    }

    @Test func secretsAreNeverRepeatedInMessages() throws {
        let badVerifier = "SCRAM-SHA-256$x:TOPSECRET$y:z"
        let badHash = "md5TOPSECRETTOPSECRET"
        let text = ConfigurationDocument.text([
            "pgring": "[pgring]\nauth_method = \"md5\"\n",
            "users": """
                [[users]]
                name = "a"
                scram_verifier = "\(badVerifier)"
                [[users]]
                name = "b"
                md5_hash = "\(badHash)"
                password = "TOPSECRET"
                """,
        ])
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(text)
        }
        #expect(error.problems.count >= 3)
        #expect(!error.description.contains("TOPSECRET"))
    }

    @Test func programmaticConfigurationsAreValidatedToo() {
        var configuration = PGRingConfiguration()
        #expect(configuration.validationProblems().map(\.keyPath) == ["shards", "databases", "users"])
        configuration.shards = [ShardConfiguration(name: "s", weight: 1, primary: ServerAddress(host: "", port: 0))]
        configuration.databases = [DatabaseConfiguration(name: "app")]
        configuration.users = [UserConfiguration(name: "u", password: "p")]
        #expect(configuration.validationProblems() == [
            ConfigurationProblem(keyPath: "shards[0].primary", message: "the host must not be empty"),
            ConfigurationProblem(keyPath: "shards[0].primary", message: "the port must be between 1 and 65535, got 0"),
        ])
        configuration.shards[0].primary = ServerAddress(host: "127.0.0.1", port: 5432)
        #expect(configuration.validationProblems() == [])
    }

    @Test func problemDescriptions() {
        #expect(ConfigurationProblem(keyPath: "pool.size", message: "m").description == "pool.size: m")
        #expect(ConfigurationProblem(keyPath: "", message: "m").description == "m")
        #expect(ConfigurationProblem(keyPath: "", message: "m", line: 2, column: 9).description == "2:9: m")
        let error = ConfigurationError(
            problems: [.init(keyPath: "a", message: "x"), .init(keyPath: "", message: "y"), .init(keyPath: "", message: "z", line: 1, column: 2)],
            source: "f.toml")
        #expect(error.description == "f.toml: a: x\nf.toml: y\nf.toml:1:2: z")
    }
}
