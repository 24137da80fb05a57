import Foundation
import HashRing
import Testing

/// The ring's hashes against a live PostgreSQL, and pgringctl run as a real process.
@Suite("Ring against live PostgreSQL and pgringctl")
struct RingIntegrationTests {
    /// SplitMix64: a small deterministic generator for test keys.
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

    /// Runs one SQL statement on shard 0's primary and returns the output lines.
    static func query(_ sql: String) async throws -> [String] {
        let cluster = try TestCluster.current()
        let result = try await PSQL.script(cluster.directURL(shard: 0), sql + "\n", timeout: 120)
        guard result.status == 0 else { throw TestSetupError("psql failed: \(result)") }
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test("hashint8extended: 10,000 keys (boundaries and random) equal the live server's")
    func int8Hashes() async throws {
        var keys: [Int64] = [0, 1, -1, 2, -2, 42, Int64(Int32.max), Int64(Int32.min), Int64(Int32.max) + 1, Int64(Int32.min) - 1,
                             Int64(UInt32.max), Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        var generator = SplitMix64(state: 20261129)
        while keys.count < 10_000 {
            let raw = Int64(bitPattern: generator.next())
            // Mix magnitudes: small ids, 32-bit ids and full 64-bit values.
            switch keys.count % 3 {
            case 0: keys.append(raw % 1_000_000)
            case 1: keys.append(raw % Int64(Int32.max))
            default: keys.append(raw)
            }
        }
        let array = keys.map(String.init).joined(separator: ",")
        let lines = try await Self.query("SELECT hashint8extended(k, 0) FROM unnest('{\(array)}'::bigint[]) WITH ORDINALITY AS u(k, i) ORDER BY i;")
        #expect(lines.count == keys.count)
        var mismatches = 0
        for (key, line) in zip(keys, lines) where Int64(line) != PostgresHash.int8Extended(key) {
            mismatches += 1
            if mismatches < 5 { Issue.record("key \(key): PostgreSQL \(line), pgring \(PostgresHash.int8Extended(key))") }
        }
        #expect(mismatches == 0)
    }

    @Test("hashtextextended: 3,000 text keys (empty, multibyte UTF-8, long) equal the live server's")
    func textHashes() async throws {
        var keys = ["", "a", "user-42", "Ωμέγα", "日本語のキー", "emoji 🎉👩‍💻", String(repeating: "long", count: 500), "it's", "back\\slash"]
        var generator = SplitMix64(state: 77)
        let alphabet = Array("abcXYZ019 -_'\\é漢字😀Ω")
        while keys.count < 3_000 {
            let length = Int(generator.next() % 40)
            keys.append(String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
        }
        let values = keys.enumerated().map { "(\($0.offset), '\($0.element.replacingOccurrences(of: "'", with: "''"))')" }.joined(separator: ",\n")
        let lines = try await Self.query("SELECT hashtextextended(t, 0) FROM (VALUES \(values)) AS v(i, t) ORDER BY i;")
        #expect(lines.count == keys.count)
        var mismatches = 0
        for (key, line) in zip(keys, lines) where Int64(line) != PostgresHash.textExtended(key) {
            mismatches += 1
            if mismatches < 5 { Issue.record("key \(key.debugDescription): PostgreSQL \(line), pgring \(PostgresHash.textExtended(key))") }
        }
        #expect(mismatches == 0)
    }

    @Test("uuid_hash_extended: 1,000 uuids equal the live server's")
    func uuidHashes() async throws {
        var generator = SplitMix64(state: 5)
        let uuids: [String] = (0..<1_000).map { _ in
            let a = generator.next(), b = generator.next()
            let hex = String(format: "%016llx%016llx", a, b)
            let c = Array(hex)
            return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
        }
        let array = uuids.joined(separator: ",")
        let lines = try await Self.query("SELECT uuid_hash_extended(u, 0) FROM unnest('{\(array)}'::uuid[]) WITH ORDINALITY AS x(u, i) ORDER BY i;")
        #expect(lines.count == uuids.count)
        for (text, line) in zip(uuids, lines) {
            let uuid = try #require(PostgresUUID(text))
            #expect(Int64(line) == PostgresHash.uuidExtended(uuid), "uuid \(text)")
        }
    }

    @Test("a ring range's SQL predicate selects exactly the keys the ring places in it")
    func rangePredicate() async throws {
        let ring = try ConsistentHashRing(weights: [("shard0", 1), ("shard1", 1), ("shard2", 2)])
        // 200 of shard2's ranges (spread over the ring); count, in SQL, the keys whose hash falls in them.
        let all = try ring.ranges(ofShard: "shard2")
        let ranges = stride(from: 0, to: all.count, by: max(1, all.count / 200)).map { all[$0] }
        let predicate = ranges.map { $0.sqlPredicate(hashExpression: "h") }.joined(separator: " OR ")
        let lines = try await Self.query(
            "SELECT count(*) FROM (SELECT hashint8extended(k, 0) AS h FROM generate_series(1, 200000) AS k) AS hashed WHERE \(predicate);")
        let expected = (1...200_000).filter { key in
            let hash = PostgresHash.int8Extended(Int64(key))
            return ranges.contains { $0.contains(hash) }
        }.count
        #expect(expected > 0)
        #expect(lines.first.flatMap { Int($0) } == expected)
        // And every key in those ranges is one the ring places on shard2.
        for key in 1...20_000 {
            let hash = PostgresHash.int8Extended(Int64(key))
            if ranges.contains(where: { $0.contains(hash) }) {
                #expect(ring.shard(for: .integer(Int64(key))).name == "shard2")
            }
        }
    }

    // MARK: - pgringctl as a process

    static func pgringctl(_ arguments: [String]) async throws -> CommandResult {
        guard let binary = ProcessInfo.processInfo.environment["PGRINGCTL_BIN"] else {
            throw TestSetupError("PGRINGCTL_BIN is not set: run the tests with tools/test")
        }
        return try await Command.run(binary, arguments)
    }

    static func writeConfig(shards: [(String, Int)]) throws -> String {
        var text = "[server]\nuser = \"app\"\npassword = \"app\"\n[[databases]]\nname = \"app\"\n[[users]]\nname = \"app\"\npassword = \"app\"\n"
        for (index, shard) in shards.enumerated() {
            text += "[[shards]]\nname = \"\(shard.0)\"\nweight = \(shard.1)\nprimary = \"127.0.0.1:\(15432 + 10 * index)\"\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgringctl-\(UUID().uuidString).toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("pgringctl ring show: shares sum to 100% and match the library")
    func ringShow() async throws {
        let config = try Self.writeConfig(shards: [("a", 1), ("b", 1), ("c", 2)])
        let text = try await Self.pgringctl(["ring", "show", "--config", config])
        let json = try await Self.pgringctl(["ring", "show", "--config", config, "--json"])
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("fingerprint"))
        #expect(json.status == 0, "\(json)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let shards = try #require(object["shards"] as? [[String: Any]])
        let total = shards.compactMap { $0["share"] as? Double }.reduce(0, +)
        #expect(abs(total - 1) < 1e-9)
        let ring = try ConsistentHashRing(weights: [("a", 1), ("b", 1), ("c", 2)])
        #expect(object["fingerprint"] as? String == ring.fingerprint.description)
        let shareOfC = try #require(shards.first { $0["name"] as? String == "c" }?["share"] as? Double)
        #expect(abs(shareOfC - 0.5) < 0.03, "a weight-2 shard of 4 total weight holds about half")
    }

    @Test("pgringctl ring locate agrees with the library for int, text and uuid keys",
          arguments: [("42", "int"), ("-9223372036854775808", "int"), ("alice@example.com", "text"), ("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "uuid")])
    func ringLocate(_ key: String, _ type: String) async throws {
        let config = try Self.writeConfig(shards: [("a", 1), ("b", 1)])
        let result = try await Self.pgringctl(["ring", "locate", "--type", type, "--config", config, "--json", "--", key])
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let ring = try ConsistentHashRing(weights: [("a", 1), ("b", 1)])
        let parsed = try #require(ShardingKeyType(rawValue: type)?.parse(key))
        #expect(object["shard"] as? String == ring.shard(for: parsed).name)
        #expect(object["hashText"] as? String == String(parsed.hash))
    }

    @Test("pgringctl ring plan add moves about 1/3 of the keys from two shards to the new one")
    func ringPlanAdd() async throws {
        let config = try Self.writeConfig(shards: [("a", 1), ("b", 1)])
        let result = try await Self.pgringctl(["ring", "plan", "add", "c", "--config", config, "--json"])
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let moved = try #require(object["movedFraction"] as? Double)
        #expect(abs(moved - 1.0 / 3.0) < 0.03)
        let moves = try #require(object["moves"] as? [[String: Any]])
        #expect(Set(moves.compactMap { $0["to"] as? String }) == ["c"])
        #expect(Set(moves.compactMap { $0["from"] as? String }) == ["a", "b"])
    }

    @Test("pgringctl reports bad requests clearly and exits non-zero",
          arguments: [
            (["ring", "plan", "remove", "nope"], "no shard named \"nope\""),
            (["ring", "plan", "add", "a"], "\"a\" is used more than once"),
            (["ring", "plan", "reweight", "a", "0"], "weight must be an integer > 0"),
            (["ring", "locate", "--type", "int", "abc"], "abc"),
          ])
    func ringErrors(_ arguments: [String], _ message: String) async throws {
        let config = try Self.writeConfig(shards: [("a", 1), ("b", 1)])
        let result = try await Self.pgringctl(arguments + ["--config", config])
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result)")
    }
}
