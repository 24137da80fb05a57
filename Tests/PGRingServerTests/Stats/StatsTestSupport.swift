import Foundation
@testable import PGRingServer

/// One parsed sample line of Prometheus text.
struct ParsedSample: Equatable {
    var name: String
    var labels: [String: String]
    var value: Double
}

/// The result of parsing a Prometheus text exposition, or the first line that is wrong.
struct ParsedExposition {
    var samples: [ParsedSample] = []
    var types: [String: String] = [:]
    var helps: [String: String] = [:]
    var errors: [String] = []

    /// The value of the single sample with `name` and exactly `labels`; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { $0.name == name && $0.labels == labels }
        return matching.count == 1 ? matching[0].value : nil
    }

    func samples(named name: String) -> [ParsedSample] { samples.filter { $0.name == name } }
}

/// A strict line-by-line parser of the Prometheus text format 0.0.4 (independent of the code under test).
enum PrometheusTextParser {
    static func parse(_ text: String) -> ParsedExposition {
        var result = ParsedExposition()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line)
            if line.isEmpty { continue }
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                guard parts.count >= 3, isValidName(parts[2]) else { result.errors.append("\(number): \(line)"); continue }
                if parts[1] == "TYPE" {
                    let type = parts.count == 4 ? parts[3] : ""
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(type),
                        result.types[parts[2]] == nil
                    else { result.errors.append("\(number): \(line)"); continue }
                    result.types[parts[2]] = type
                } else {
                    result.helps[parts[2]] = parts.count == 4 ? parts[3] : ""
                }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let sample = parseSample(line) else { result.errors.append("\(number): \(line)"); continue }
            result.samples.append(sample)
        }
        return result
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first == ":" || first.properties.isAlphabetic && first.isASCII else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0 == ":" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    private static func parseSample(_ line: String) -> ParsedSample? {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        var name = ""
        while index < scalars.count, scalars[index] != "{", scalars[index] != " " {
            name.unicodeScalars.append(scalars[index]); index += 1
        }
        guard isValidName(name) else { return nil }
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while index < scalars.count, scalars[index] != "}" {
                var key = ""
                while index < scalars.count, scalars[index] != "=" { key.unicodeScalars.append(scalars[index]); index += 1 }
                guard isValidName(key), index + 1 < scalars.count, scalars[index + 1] == "\"" else { return nil }
                index += 2
                var value = ""
                var closed = false
                while index < scalars.count {
                    let scalar = scalars[index]
                    if scalar == "\\" {
                        guard index + 1 < scalars.count else { return nil }
                        switch scalars[index + 1] {
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        case "n": value += "\n"
                        default: return nil
                        }
                        index += 2
                        continue
                    }
                    if scalar == "\"" { closed = true; index += 1; break }
                    value.unicodeScalars.append(scalar); index += 1
                }
                guard closed, labels[key] == nil else { return nil }
                labels[key] = value
                if index < scalars.count, scalars[index] == "," { index += 1 }
            }
            guard index < scalars.count else { return nil }
            index += 1
        }
        guard index < scalars.count, scalars[index] == " " else { return nil }
        let rest = String(String.UnicodeScalarView(scalars[(index + 1)...]))
        let valueText = rest.split(separator: " ").first.map(String.init) ?? ""
        let value: Double
        switch valueText {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(valueText) else { return nil }
            value = parsed
        }
        return ParsedSample(name: name, labels: labels, value: value)
    }
}

/// Snapshots for the tests.
enum StatsFixtures {
    static let startedAt = Date(timeIntervalSince1970: 1_800_000_000)

    /// Two shards: "alpha" (primary up, one replica with lag measured, one not) and "beta" (primary down).
    static func twoShards() -> StatsSnapshot {
        StatsSnapshot(
            startedAt: startedAt,
            version: "0.9.1",
            clients: ClientCounts(active: 3, idle: 5, waiting: 2),
            pools: [
                PoolStats(
                    pool: "appdb/app@alpha/primary", shard: "alpha", role: .primary, server: "10.0.0.1:5432",
                    mode: "transaction", sizeLimit: 20, idle: 4, active: 3, connecting: 1, waitingClients: 2,
                    oldestWaitSeconds: 0.75
                ),
                PoolStats(
                    pool: "appdb/app@alpha/replica", shard: "alpha", role: .replica, server: "10.0.0.2:5432",
                    mode: "transaction", sizeLimit: 10, idle: 1, active: 0, connecting: 0, waitingClients: 0
                ),
            ],
            shards: [
                ShardStats(
                    name: "alpha", weight: 2, keyspaceShare: 0.625,
                    primary: ServerStats(address: "10.0.0.1:5432", reachable: true),
                    replicas: [
                        ServerStats(address: "10.0.0.2:5432", reachable: true, lagBytes: 4096, lagSeconds: 0.5),
                        ServerStats(address: "10.0.0.3:5432"),
                    ]
                ),
                ShardStats(
                    name: "beta", weight: 1, keyspaceShare: 0.375,
                    primary: ServerStats(address: "10.0.1.1:5432", reachable: false)
                ),
            ],
            ring: RingStats(version: 7, fingerprint: "a1b2c3d4e5f60718")
        )
    }

    /// The same shards with every primary up.
    static func allPrimariesUp() -> StatsSnapshot {
        var snapshot = twoShards()
        for index in snapshot.shards.indices { snapshot.shards[index].primary.reachable = true }
        return snapshot
    }
}
