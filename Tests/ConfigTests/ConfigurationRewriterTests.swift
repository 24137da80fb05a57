import Foundation
import XCTest

@testable import Config

/// `ConfigurationRewriter`: the new shard list and ring version go into the file, every other byte stays.
final class ConfigurationRewriterTests: XCTestCase {
    /// The package root: this file is <root>/Tests/ConfigTests/ConfigurationRewriterTests.swift.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let threeShards = [
        ShardEntry(name: "shard0", weight: 1, primary: "127.0.0.1:15432", replicas: ["127.0.0.1:15433"]),
        ShardEntry(name: "shard1", weight: 2, primary: "127.0.0.1:15442", replicas: ["127.0.0.1:15443", "127.0.0.1:15444"]),
        ShardEntry(name: "shard2", weight: 1, primary: "[::1]:15452", replicas: []),
    ]

    /// `threeShards` as the rewriter must write them.
    static let threeShardsText = """
        [[shards]]
        name = "shard0"
        weight = 1
        primary = "127.0.0.1:15432"
        replicas = ["127.0.0.1:15433"]

        [[shards]]
        name = "shard1"
        weight = 2
        primary = "127.0.0.1:15442"
        replicas = ["127.0.0.1:15443", "127.0.0.1:15444"]

        [[shards]]
        name = "shard2"
        weight = 1
        primary = "[::1]:15452"
        replicas = []

        """

    static let oneShard = [ShardEntry(name: "n0", weight: 3, primary: "10.0.0.1:5432", replicas: ["10.0.0.2:5432"])]
    static let oneShardText = """
        [[shards]]
        name = "n0"
        weight = 3
        primary = "10.0.0.1:5432"
        replicas = ["10.0.0.2:5432"]

        """

    /// Loads `text` with the project's loader (no file system checks).
    func load(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> PGRingConfiguration {
        do {
            return try ConfigurationLoader.parse(text, source: "rewritten.toml", isReadableFile: { _ in true })
        } catch {
            XCTFail("the rewritten configuration does not load: \(error)\n\(text)", file: file, line: line)
            throw error
        }
    }

    /// The loader's view of `entries`.
    func shardConfigurations(_ entries: [ShardEntry]) throws -> [ShardConfiguration] {
        try entries.map { entry in
            ShardConfiguration(
                name: entry.name, weight: entry.weight, primary: try ServerAddress(parsing: entry.primary),
                replicas: try entry.replicas.map { try ServerAddress(parsing: $0) })
        }
    }

    /// The error `body` throws, as a `ConfigurationRewriteError`.
    func rewriteError(_ body: () throws -> String, file: StaticString = #filePath, line: UInt = #line) -> ConfigurationRewriteError? {
        do {
            let result = try body()
            XCTFail("expected an error, got:\n\(result)", file: file, line: line)
        } catch let error as ConfigurationRewriteError {
            return error
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: The shipped file

    func testShippedConfigurationKeepsEverythingOutsideTheShardsByteForByte() throws {
        let original = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("config/pgring.toml"), encoding: .utf8)
        let result = try ConfigurationRewriter.rewrite(original, shards: Self.threeShards, ringVersion: 7)

        // Split the original around its shards: before the first [[shards]] header, and from the comment block
        // directly above the first header after the last [[shards]].
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let firstShards = try XCTUnwrap(lines.firstIndex(of: "[[shards]]"))
        let lastShards = try XCTUnwrap(lines.lastIndex(of: "[[shards]]"))
        var after = try XCTUnwrap(lines[(lastShards + 1)...].firstIndex { $0.hasPrefix("[") })
        while lines[after - 1].hasPrefix("#") {
            after -= 1
        }
        var before = lines[..<firstShards].joined(separator: "\n") + "\n"
        let suffix = lines[after...].joined(separator: "\n")
        XCTAssertEqual(before.components(separatedBy: "\nversion = 1\n").count, 2, "the shipped file has one `version = 1` line")
        before = before.replacingOccurrences(of: "\nversion = 1\n", with: "\nversion = 7\n")

        XCTAssertEqual(result, before + Self.threeShardsText + "\n" + suffix)
        XCTAssertTrue(before.hasSuffix("# Shards: the name is used for placement, so renaming a shard moves data; the order of the entries does not matter.\n"),
                      "the comment above the first [[shards]] stays")
    }

    func testShippedConfigurationLoadsBackWithTheNewShardsAndVersion() throws {
        let original = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("config/pgring.toml"), encoding: .utf8)
        let result = try ConfigurationRewriter.rewrite(original, shards: Self.threeShards, ringVersion: 7)
        let before = try load(original)
        let after = try load(result)
        XCTAssertEqual(after.shards, try shardConfigurations(Self.threeShards))
        XCTAssertEqual(after.ring.version, 7)
        // Nothing else changed.
        var expected = before
        expected.shards = after.shards
        expected.ring.version = 7
        XCTAssertEqual(after, expected)
        // Rewriting again with the same shards and version changes nothing; with a new version, only the version.
        XCTAssertEqual(try ConfigurationRewriter.rewrite(result, shards: Self.threeShards, ringVersion: 7), result)
        let again = try ConfigurationRewriter.rewrite(result, shards: Self.threeShards, ringVersion: 8)
        XCTAssertEqual(again, result.replacingOccurrences(of: "\nversion = 7\n", with: "\nversion = 8\n"))
    }

    // MARK: [ring] version

    func testFileWithoutRingGetsARingTableAtTheEnd() throws {
        let text = """
            [pgring]
            listen_port = 6432

            [[shards]]
            name = "old"
            primary = "127.0.0.1:5432"

            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"
            """
        let result = try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 2)
        XCTAssertEqual(result, """
            [pgring]
            listen_port = 6432

            \(Self.oneShardText)
            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"

            [ring]
            version = 2

            """)
        let configuration = try load(result)
        XCTAssertEqual(configuration.shards, try shardConfigurations(Self.oneShard))
        XCTAssertEqual(configuration.ring.version, 2)
    }

    func testRingWithoutVersionGetsVersionAsItsFirstKey() throws {
        let text = """
            [ring]
            # Points per unit of weight.
            vnodes = 64

            [[shards]]
            name = "old"
            primary = "127.0.0.1:5432"

            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"

            """
        let result = try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 5)
        XCTAssertEqual(result, """
            [ring]
            version = 5
            # Points per unit of weight.
            vnodes = 64

            \(Self.oneShardText)
            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"

            """)
        let configuration = try load(result)
        XCTAssertEqual(configuration.ring.version, 5)
        XCTAssertEqual(configuration.ring.vnodes, 64)
    }

    func testVersionWithACommentIsReplacedInPlace() throws {
        let text = """
            [ring]
            vnodes = 64
            version = 3 # bumped by each rebalance
            [[shards]]
            name = "old"
            primary = "127.0.0.1:5432"
            [[databases]]
            name = "app"
            [[users]]
            name = "app"
            password = "secret"

            """
        let result = try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 12)
        XCTAssertEqual(result, """
            [ring]
            vnodes = 64
            version = 12 # bumped by each rebalance
            \(Self.oneShardText)
            [[databases]]
            name = "app"
            [[users]]
            name = "app"
            password = "secret"

            """)
        XCTAssertEqual(try load(result).ring.version, 12)
    }

    func testVersionKeepsItsSpellingAndSpacing() throws {
        let shards = "[[shards]]\nname = \"old\"\nprimary = \"127.0.0.1:5432\"\n"
        let quoted = try ConfigurationRewriter.rewrite(
            "[ring]\n  \"version\"\t=   1_000   #c\n\n" + shards, shards: Self.oneShard, ringVersion: 1001)
        XCTAssertEqual(quoted, "[ring]\n  \"version\"\t=   1001   #c\n\n" + Self.oneShardText)
        // A dotted key at the root is the same key.
        let dotted = try ConfigurationRewriter.rewrite(
            "ring.version = 4\n\n" + shards, shards: Self.oneShard, ringVersion: 9)
        XCTAssertEqual(dotted, "ring.version = 9\n\n" + Self.oneShardText)
        // `version` in another table is not the ring's.
        let other = try ConfigurationRewriter.rewrite(
            "[ring]\nvnodes = 1\n\n[other]\nversion = 4\n\n" + shards, shards: Self.oneShard, ringVersion: 9)
        XCTAssertEqual(other, "[ring]\nversion = 9\nvnodes = 1\n\n[other]\nversion = 4\n\n" + Self.oneShardText)
    }

    func testRingDefinedByDottedKeysCannotTakeANewTable() {
        let text = "ring.vnodes = 64\n\n[[shards]]\nname = \"old\"\nprimary = \"127.0.0.1:5432\"\n"
        let error = rewriteError { try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 2) }
        guard case .rewriteNotPossible? = error else {
            return XCTFail("expected rewriteNotPossible, got \(String(describing: error))")
        }
    }

    // MARK: Shards tables

    func testMultiLineReplicasArrayIsRemovedWhole() throws {
        let text = """
            [ring]
            version = 1

            [[shards]]
            name = "a"
            primary = "127.0.0.1:5432"
            replicas = [
                "127.0.0.1:5433", # first
                # [[databases]] is not a header here
                "127.0.0.1:5434",
            ]

            [[shards]]
            name = "b"
            replicas = [
            "127.0.0.1:6433",
            ]
            primary = "127.0.0.1:6432"

            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"

            """
        let result = try ConfigurationRewriter.rewrite(text, shards: Self.threeShards, ringVersion: 2)
        XCTAssertEqual(result, """
            [ring]
            version = 2

            \(Self.threeShardsText)
            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"

            """)
        XCTAssertEqual(try load(result).shards, try shardConfigurations(Self.threeShards))
    }

    func testHeaderLikeLinesInMultiLineStringsAndArraysAreNotHeaders() throws {
        let valid = #"""
            [pool]
            reset_query = """
            [[shards]]
            [ring]
            version = 99
            """
            server_check_query = '''
            [[shards]]
            '''

            [routing]
            volatile_functions = [
                "f",
            # [[shards]]
            "[ring]",
            ]

            [[shards]]
            name = "old"
            primary = "127.0.0.1:5432"

            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"

            """#
        let result = try ConfigurationRewriter.rewrite(valid, shards: Self.oneShard, ringVersion: 3)
        let head = String(valid[..<valid.range(of: "\n[[shards]]\nname = \"old\"")!.lowerBound]) + "\n"
        XCTAssertEqual(result, head + Self.oneShardText + """

            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"

            [ring]
            version = 3

            """)
        let configuration = try load(result)
        XCTAssertEqual(configuration.pool.resetQuery, "[[shards]]\n[ring]\nversion = 99\n")
        XCTAssertEqual(configuration.pool.serverCheckQuery, "[[shards]]\n")
        XCTAssertEqual(configuration.routing.volatileFunctions, ["f", "[ring]"])
        XCTAssertEqual(configuration.shards, try shardConfigurations(Self.oneShard))
        XCTAssertEqual(configuration.ring.version, 3)
    }

    func testShardsAsTheLastTable() throws {
        let head = """
            [ring]
            version = 1

            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"

            # Shards.
            """
        let shards = "\n[[shards]]\nname = \"a\"\nprimary = \"127.0.0.1:5432\"\n\n[[shards]]\nname = \"b\"\nprimary = \"127.0.0.1:6432\""
        // With and without a line end at the end of the file, and with trailing blank lines: the new shards end
        // the file, without a blank line after them.
        for ending in ["", "\n", "\n\n\n"] {
            let result = try ConfigurationRewriter.rewrite(head + shards + ending, shards: Self.threeShards, ringVersion: 4)
            XCTAssertEqual(result, head.replacingOccurrences(of: "version = 1", with: "version = 4") + "\n" + Self.threeShardsText,
                           "ending \(ending.debugDescription)")
            XCTAssertEqual(try load(result).shards, try shardConfigurations(Self.threeShards))
        }
        // Without [ring], the new [ring] table comes after the shards, one blank line apart.
        let noRing = "[[databases]]\nname = \"app\"\n\n[[users]]\nname = \"app\"\npassword = \"s\"\n" + shards
        let result = try ConfigurationRewriter.rewrite(noRing, shards: Self.oneShard, ringVersion: 6)
        XCTAssertEqual(result, "[[databases]]\nname = \"app\"\n\n[[users]]\nname = \"app\"\npassword = \"s\"\n\n"
                       + Self.oneShardText + "\n[ring]\nversion = 6\n")
        XCTAssertEqual(try load(result).ring.version, 6)
    }

    func testInterleavedShardsAreAllReplacedAtTheFirstPosition() throws {
        let text = """
            [ring]
            version = 10

            # The shards.
            [[shards]]
            name = "a"
            primary = "127.0.0.1:5432"

            [[databases]]
            name = "app"

            # The second shard.
            [[shards]]
            name = "b"
            primary = "127.0.0.1:6432"

            # Users.
            [[users]]
            name = "app"
            password = "secret"

            [[shards]]
            name = "c"
            primary = "127.0.0.1:7432"

            """
        let result = try ConfigurationRewriter.rewrite(text, shards: Self.threeShards, ringVersion: 11)
        XCTAssertEqual(result, """
            [ring]
            version = 11

            # The shards.
            \(Self.threeShardsText)
            [[databases]]
            name = "app"

            # Users.
            [[users]]
            name = "app"
            password = "secret"


            """)
        let configuration = try load(result)
        XCTAssertEqual(configuration.shards, try shardConfigurations(Self.threeShards))
        XCTAssertEqual(configuration.databases, [DatabaseConfiguration(name: "app")])
        XCTAssertEqual(configuration.users, [UserConfiguration(name: "app", password: "secret")])
    }

    func testCommentsAroundShards() throws {
        let text = """
            [ring]
            version = 1

            # Above the first shard: stays.
            [[shards]]
            # Inside: goes.
            name = "a"
            primary = "127.0.0.1:5432"
            # weight = 2   (directly under the last key: goes)

            # About the second shard: goes.
            [[shards]]
            name = "b"
            primary = "127.0.0.1:6432"

            # Free-standing: stays.

            # Above the databases: stays.
            [[databases]]
            name = "app"
            """
        let result = try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 1)
        XCTAssertEqual(result, """
            [ring]
            version = 1

            # Above the first shard: stays.
            \(Self.oneShardText)
            # Free-standing: stays.

            # Above the databases: stays.
            [[databases]]
            name = "app"
            """)
        // A comment directly under the last key and directly above the next header belongs to the next header.
        let tight = "[[shards]]\nname = \"a\"\nprimary = \"127.0.0.1:5432\"\n# Databases.\n[[databases]]\nname = \"app\"\n"
        XCTAssertEqual(
            try ConfigurationRewriter.rewrite(tight, shards: Self.oneShard, ringVersion: 1),
            Self.oneShardText + "\n# Databases.\n[[databases]]\nname = \"app\"\n\n[ring]\nversion = 1\n")
    }

    func testShardsSubTablesGoWithTheirShard() throws {
        let text = """
            [[shards]]
            name = "a"
            primary = "127.0.0.1:5432"

            [shards.extra]
            note = "belongs to shard a"

            [[shards.replica_set]]
            host = "127.0.0.1:5433"

            [[databases]]
            name = "app"

            [shards.late]
            note = "still shard a's"

            [[users]]
            name = "app"
            password = "secret"

            """
        let result = try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 1)
        XCTAssertEqual(result, Self.oneShardText + """

            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "secret"

            [ring]
            version = 1

            """)
    }

    func testIndentedHeadersAndCRLFLineEnds() throws {
        let text = "[ring]\r\nvnodes = 8\r\n\r\n  [[shards]]  # indented\r\n  name = \"a\"\r\n  primary = \"127.0.0.1:5432\"\r\n\r\n"
            + "[[databases]]\r\nname = \"app\"\r\n"
        let result = try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 2)
        XCTAssertEqual(result, "[ring]\r\nversion = 2\r\nvnodes = 8\r\n\r\n"
                       + Self.oneShardText.replacingOccurrences(of: "\n", with: "\r\n")
                       + "\r\n[[databases]]\r\nname = \"app\"\r\n")
        XCTAssertNoThrow(try TOMLParser.parse(result))
    }

    func testByteOrderMarkIsKept() throws {
        let text = "\u{FEFF}[[shards]]\nname = \"a\"\nprimary = \"127.0.0.1:5432\"\n\n[ring]\nversion = 1\n"
        let result = try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 2)
        XCTAssertEqual(result, "\u{FEFF}" + Self.oneShardText + "\n[ring]\nversion = 2\n")
    }

    // MARK: Errors

    func testNoShardsTableIsAnError() {
        let text = "[ring]\nversion = 1\n\n[[databases]]\nname = \"app\"\n# [[shards]] only in a comment\n"
        let error = rewriteError { try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 2) }
        XCTAssertEqual(error, .noShardsTable)
        XCTAssertTrue(String(describing: error!).contains("no [[shards]] table"), String(describing: error!))
        // Shards as an inline array are not tables the rewriter can replace.
        let inline = "shards = [{ name = \"a\", primary = \"127.0.0.1:5432\" }]\n"
        XCTAssertEqual(rewriteError { try ConfigurationRewriter.rewrite(inline, shards: Self.oneShard, ringVersion: 2) }, .noShardsTable)
    }

    func testEmptyShardListIsAnError() {
        let text = "[[shards]]\nname = \"a\"\nprimary = \"127.0.0.1:5432\"\n"
        let error = rewriteError { try ConfigurationRewriter.rewrite(text, shards: [], ringVersion: 2) }
        XCTAssertEqual(error, .noShards)
    }

    func testInvalidTOMLIsAnError() {
        let text = "[[shards]]\nname = \"a\nprimary = \"127.0.0.1:5432\"\n"
        let error = rewriteError { try ConfigurationRewriter.rewrite(text, shards: Self.oneShard, ringVersion: 2) }
        guard case .invalidTOML(let syntax)? = error else {
            return XCTFail("expected invalidTOML, got \(String(describing: error))")
        }
        XCTAssertEqual(syntax.line, 2)
    }

    // MARK: Escaping

    func testStringsAreEscaped() throws {
        let shard = ShardEntry(
            name: "we\"ird\\name\t\u{1}\u{7F}é", weight: 1, primary: "h\"ost:1",
            replicas: ["a\\b:2", "line\nbreak:3"])
        let text = "[[shards]]\nname = \"a\"\nprimary = \"127.0.0.1:5432\"\n"
        let result = try ConfigurationRewriter.rewrite(text, shards: [shard], ringVersion: 1)
        XCTAssertEqual(result, """
            [[shards]]
            name = "we\\"ird\\\\name\\t\\u0001\\u007Fé"
            weight = 1
            primary = "h\\"ost:1"
            replicas = ["a\\\\b:2", "line\\nbreak:3"]

            [ring]
            version = 1

            """)
        let document = try TOMLParser.parse(result)
        guard case .array(let shards)? = document["shards"], case .table(let table)? = shards.first else {
            return XCTFail("no shards in \(result)")
        }
        XCTAssertEqual(table["name"], .string(shard.name))
        XCTAssertEqual(table["primary"], .string(shard.primary))
        XCTAssertEqual(table["replicas"], .array(shard.replicas.map { .string($0) }))
    }

    // MARK: writeAtomically

    /// A new empty directory, removed after the test.
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-rewriter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try XCTUnwrap(attributes[.posixPermissions] as? Int)
    }

    func testWriteAtomicallyCreatesAFile() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("pgring.toml").path
        try ConfigurationRewriter.writeAtomically("a = 1\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "a = 1\n")
        XCTAssertEqual(try mode(path), 0o600, "a new configuration file is private")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["pgring.toml"])
    }

    func testWriteAtomicallyReplacesAndKeepsTheMode() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("pgring.toml").path
        for permissions in [0o600, 0o640] {
            try "old contents, longer than the new ones\n".write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
            let text = "[ring]\nversion = \(permissions)\n"
            try ConfigurationRewriter.writeAtomically(text, to: path)
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), text)
            XCTAssertEqual(try mode(path), permissions)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["pgring.toml"],
                           "no temporary file is left behind")
        }
    }

    func testWriteAtomicallyThroughASymbolicLinkReplacesTheTarget() throws {
        let directory = try temporaryDirectory()
        let target = directory.appendingPathComponent("real.toml").path
        let link = directory.appendingPathComponent("pgring.toml").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.toml")
        try ConfigurationRewriter.writeAtomically("new\n", to: link)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real.toml")
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "new\n")
        XCTAssertEqual(try mode(target), 0o600)
    }

    func testWriteAtomicallyIntoAMissingDirectoryFails() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("missing/pgring.toml").path
        XCTAssertThrowsError(try ConfigurationRewriter.writeAtomically("a = 1\n", to: path)) { error in
            guard case .writeFailed(let failedPath, _, let code)? = error as? ConfigurationRewriteError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(failedPath, path)
            XCTAssertEqual(code, ENOENT)
            XCTAssertTrue(String(describing: error).contains(path))
        }
    }

    func testRewriteThenWriteRoundTrip() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("pgring.toml").path
        let original = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("config/pgring.toml"), encoding: .utf8)
        try original.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let rewritten = try ConfigurationRewriter.rewrite(
            try String(contentsOfFile: path, encoding: .utf8), shards: Self.threeShards, ringVersion: 2)
        try ConfigurationRewriter.writeAtomically(rewritten, to: path)
        let configuration = try ConfigurationLoader.load(path: path)
        XCTAssertEqual(configuration.shards, try shardConfigurations(Self.threeShards))
        XCTAssertEqual(configuration.ring.version, 2)
        XCTAssertEqual(try mode(path), 0o600)
    }
}
