import Config
import Foundation
import HashRing
import Testing

/// Online rebalancing on the real cluster (docs/rebalancing.md): a pgring process in front of shards 0 and 1,
/// and a third shard (tools/dev-cluster extra-shard, primary on base+50, streaming replica on base+51) that a
/// job adds and removes while a load generator (Scripts/rebalance_load.py, psycopg 3) writes through pgring.
/// Each test checks placement against the ring, the generator's log against the rows (nothing lost, nothing
/// duplicated), and the job's own report.
@Suite("Online rebalancing", .serialized)
struct RebalanceIntegrationTests {
    static let tables = ["rb_accounts", "rb_events"]
    static let vnodes = 256

    /// A pgring process with its own configuration file and state file in a temporary directory.
    final class PGRingProcess: @unchecked Sendable {
        let directory: String
        let port: Int
        var process: Process?

        init(directory: String, port: Int) {
            self.directory = directory
            self.port = port
        }

        var configPath: String { directory + "/pgring.toml" }
        var statePath: String { directory + "/pgring-rebalance.json" }
        var appURL: String { "postgresql://app:app@127.0.0.1:\(port)/app?sslmode=disable" }
        var adminURL: String { "postgresql://admin:admin@127.0.0.1:\(port)/pgring?sslmode=disable" }

        func start() async throws {
            guard let binary = ProcessInfo.processInfo.environment["PGRING_BIN"] else {
                throw TestSetupError("PGRING_BIN is not set: run the tests with tools/test")
            }
            let log = directory + "/pgring.log"
            FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            handle.seekToEndOfFile()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["--config", configPath]
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            self.process = process
            for _ in 0..<150 {
                if (try? await PSQL.run(appURL, "SELECT 1", timeout: 5))?.status == 0 { return }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw TestSetupError("pgring did not start; its log: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }

        func kill9() {
            guard let process, process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            guard let process, process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
        }

        /// Runs an admin console command; fails the test on an error.
        @discardableResult
        func admin(_ sql: String, timeout: Double = 120) async throws -> String {
            let result = try await PSQL.run(adminURL, sql, extraArguments: ["-F", "|"], timeout: timeout)
            guard result.status == 0 else { throw TestSetupError("\(sql): \(result)") }
            return result.stdout
        }

        /// SHOW REBALANCE as a dictionary (events dropped).
        func status() async throws -> [String: String] {
            var facts: [String: String] = [:]
            for line in try await admin("SHOW REBALANCE").split(separator: "\n") {
                let parts = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                if parts.count == 2, parts[0] != "event" { facts[parts[0]] = parts[1] }
            }
            return facts
        }

        /// Waits until the job's phase is one of `phases` (or fails on `failed`).
        /// The default timeout is generous: the other suites write to the same primaries in parallel, and
        /// under overlapping write transactions PostgreSQL makes each replication slot of the copy wait for the
        /// next logged snapshot of running transactions (every 15 s); one full-suite run took 247 s here.
        func waitForPhase(_ phases: Set<String>, timeout: Double = 420) async throws -> [String: String] {
            let deadline = Date().addingTimeInterval(timeout)
            var last: [String: String] = [:]
            while Date() < deadline {
                last = try await status()
                if let phase = last["phase"], phases.contains(phase) { return last }
                if last["phase"] == "failed", !phases.contains("failed") {
                    throw TestSetupError("the rebalance job failed: \(last["error"] ?? "?")\n\(try await admin("SHOW REBALANCE"))")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw TestSetupError("the job did not reach \(phases) in \(timeout) s: \(last)")
        }
    }

    static var cluster: TestCluster { get throws { try TestCluster.current() } }
    static func extraPort() throws -> Int { try cluster.basePort + 50 }
    static func url(port: Int, user: String = "app") -> String {
        "postgresql://\(user):\(user)@127.0.0.1:\(port)/app?sslmode=disable"
    }
    /// The primaries of shard0, shard1 and the extra shard.
    static func primaries() throws -> [(name: String, port: Int)] {
        [("shard0", try cluster.primaryPort(shard: 0)), ("shard1", try cluster.primaryPort(shard: 1)), ("shard2", try extraPort())]
    }

    /// The extra shard exists and runs; every primary has empty rb_ tables and no leftover replication objects.
    static func prepareServers() async throws {
        let cluster = try cluster
        let result = try await Command.run(
            "\(RoutingIntegrationTests.repositoryRoot)/tools/dev-cluster",
            ["extra-shard", "add", "--dir", cluster.directory, "--port", "\(try extraPort())", "--replica-port", "\(try extraPort() + 1)"],
            timeout: 300)
        guard result.status == 0 else { throw TestSetupError("dev-cluster extra-shard add: \(result)") }
        for (_, port) in try primaries() {
            let reset = try await PSQL.script(url(port: port, user: "rebalancer"), """
                DO $$ DECLARE s record; BEGIN
                  FOR s IN SELECT subname FROM pg_subscription WHERE subname LIKE 'pgring_rb_%' LOOP
                    EXECUTE format('ALTER SUBSCRIPTION %I DISABLE', s.subname);
                    EXECUTE format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', s.subname);
                    EXECUTE format('DROP SUBSCRIPTION %I', s.subname);
                  END LOOP;
                  FOR s IN SELECT pubname FROM pg_publication WHERE pubname LIKE 'pgring_rb_%' LOOP
                    EXECUTE format('DROP PUBLICATION %I', s.pubname);
                  END LOOP;
                END $$;
                SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'pgring_rb_%' AND NOT active;
                DROP TABLE IF EXISTS rb_accounts, rb_events, rb_countries;
                CREATE TABLE rb_accounts (user_id bigint PRIMARY KEY, balance bigint, last_worker int, last_seq bigint);
                CREATE TABLE rb_events (user_id bigint, worker int, seq bigint, value bigint, PRIMARY KEY (user_id, worker, seq));
                CREATE TABLE rb_countries (code text PRIMARY KEY, name text NOT NULL);
                GRANT ALL ON rb_accounts, rb_events, rb_countries TO app;
                """ + (port == (try extraPort()) ? "" : "INSERT INTO rb_countries VALUES ('fr', 'France'), ('jp', 'Japan'), ('br', 'Brazil');"))
            guard reset.status == 0 else { throw TestSetupError("resetting 127.0.0.1:\(port): \(reset)") }
        }
    }

    /// A pgring process for shards 0 and 1 (with their replicas), transaction pooling, the rb_ tables sharded.
    static func startPGRing(rebalance extra: String = "") async throws -> PGRingProcess {
        let cluster = try cluster
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-rebalance-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Below the ephemeral port range (32768-60999), so that no client socket of the other suites holds the
        // port when the crash test starts pgring again on it.
        let pgring = PGRingProcess(directory: directory, port: Int.random(in: 21_000...24_000))
        let shards = (0..<2).map { i in
            """
            [[shards]]
            name = "shard\(i)"
            primary = "127.0.0.1:\(cluster.primaryPort(shard: i))"
            replicas = ["127.0.0.1:\(cluster.replicaPort(shard: i, replica: 1))"]
            """
        }.joined(separator: "\n\n")
        try """
            # Written by RebalanceIntegrationTests; the rebalance rewrites [[shards]] and [ring] version.
            [pgring]
            listen_port = \(pgring.port)
            log_level = "info"
            admin_users = ["admin"]

            [server]
            user = "app"
            password = "app"
            tls = "disable"

            [pool]
            mode = "transaction"
            size = 20

            [ring]
            vnodes = \(vnodes)

            [stats]
            listen_port = \(pgring.port + 1)

            [rebalance]
            user = "rebalancer"
            password = "rebalancer"
            \(extra)

            \(shards)

            [[tables]]
            name = "rb_accounts"
            key = "user_id"

            [[tables]]
            name = "rb_events"
            key = "user_id"

            # Global: the same rows on every shard; a new shard gets a copy.
            [[tables]]
            name = "rb_countries"
            global = true

            [[databases]]
            name = "app"

            [[users]]
            name = "app"
            password = "app"

            [[users]]
            name = "admin"
            password = "admin"
            """.write(toFile: pgring.configPath, atomically: true, encoding: .utf8)
        try await pgring.start()
        return pgring
    }

    /// Starts the load generator; returns its task and the stop file.
    static func startLoad(_ pgring: PGRingProcess, name: String, seed: Int, workerBase: Int = 0) -> (Task<CommandResult, Error>, stopFile: String, log: String) {
        let stopFile = pgring.directory + "/stop-\(name)"
        let log = pgring.directory + "/load-\(name).json"
        let task = Task {
            try await PythonClient.run("rebalance_load.py", [
                "--dsn", pgring.appURL, "--log", log, "--workers", "4", "--keys", "3000", "--stop-file", stopFile,
                "--max-seconds", "240", "--seed", "\(seed)", "--worker-base", "\(workerBase)",
            ], timeout: 300)
        }
        return (task, stopFile, log)
    }

    static func stopLoad(_ load: (Task<CommandResult, Error>, stopFile: String, log: String)) async throws -> [String: Any] {
        FileManager.default.createFile(atPath: load.stopFile, contents: Data())
        let result = try await load.0.value
        #expect(result.status == 0, "\(result)")
        let data = try Data(contentsOf: URL(fileURLWithPath: load.log))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The generator's log against the rows of every primary (`shards` names the ones in the ring).
    static func verify(_ log: String, also: [String] = [], shards: [String]) async throws -> [String: Any] {
        let ports = Dictionary(uniqueKeysWithValues: try primaries().map { ($0.name, $0.port) })
        let arguments = shards.flatMap { ["--shard-dsn", "\($0)=\(url(port: ports[$0]!))"] } + also.flatMap { ["--also-log", $0] }
        let result = try await PythonClient.run("rebalance_load.py", ["--verify", "--log", log] + arguments, timeout: 300)
        #expect(result.status == 0, "\(result)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// Every row of every rb_ table on every primary is on the shard `ring` says, and nowhere else.
    static func checkPlacement(ring: ConsistentHashRing) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (name, port) in try primaries() {
            for table in tables {
                let result = try await PSQL.run(url(port: port), "SELECT user_id FROM \(table)")
                #expect(result.status == 0, "\(result)")
                let ids = result.stdout.split(separator: "\n").compactMap { Int64($0) }
                counts[name, default: 0] += ids.count
                let misplaced = ids.filter { ring.shard(for: .integer($0)).name != name }
                #expect(misplaced.isEmpty, "\(misplaced.count) rows of \(table) on \(name) belong elsewhere, e.g. \(misplaced.prefix(5))")
            }
        }
        return counts
    }

    static func ring(_ shards: [String], version: Int) throws -> ConsistentHashRing {
        try ConsistentHashRing(weights: shards.map { ($0, 1) }, virtualNodes: vnodes, version: version)
    }

    /// Names of publications, subscriptions and slots a job left on any primary.
    static func leftovers() async throws -> [String] {
        var found: [String] = []
        for (name, port) in try primaries() {
            let result = try await PSQL.run(url(port: port, user: "rebalancer"), """
                SELECT subname FROM pg_subscription WHERE subname LIKE 'pgring_rb_%' UNION ALL
                SELECT pubname FROM pg_publication WHERE pubname LIKE 'pgring_rb_%' UNION ALL
                SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'pgring_rb_%'
                """)
            found += result.stdout.split(separator: "\n").map { "\(name): \($0)" }
        }
        return found
    }

    static func expectClean(_ log: [String: Any], _ report: [String: Any], _ what: String) {
        #expect(log["error_count"] as? Int == 0, "\(what): client errors: \(log["errors"] ?? "")")
        #expect(log["reconnects"] as? Int == 0, "\(what): reconnects")
        #expect((log["ok"] as? Int ?? 0) > 100, "\(what): too few writes: \(log["ok"] ?? "")")
        #expect(report["ok"] as? Bool == true, "\(what): \(report)")
    }

    @Test("2 shards -> add a third while writes flow, then remove it: every row where the ring says, none lost or duplicated, no client error")
    func addThenRemoveUnderLoad() async throws {
        try await Self.prepareServers()
        let pgring = try await Self.startPGRing()
        defer { pgring.stop() }
        let extra = try Self.extraPort()

        // Add shard2.
        let load = Self.startLoad(pgring, name: "add", seed: 7)
        try await Task.sleep(for: .seconds(3))
        let plan = try await pgring.admin("REBALANCE PLAN ADD shard2 PRIMARY 127.0.0.1:\(extra) REPLICA 127.0.0.1:\(extra + 1)")
        #expect(plan.contains("move|shard0|shard2") && plan.contains("move|shard1|shard2"), "\(plan)")
        #expect(!plan.contains("problem|"), "\(plan)")
        try await pgring.admin("REBALANCE START ADD shard2 PRIMARY 127.0.0.1:\(extra) REPLICA 127.0.0.1:\(extra + 1)")
        let added = try await pgring.waitForPhase(["done"])
        try await Task.sleep(for: .seconds(2))  // writes go on against the new ring
        let addLog = try await Self.stopLoad(load)
        let addReport = try await Self.verify(load.log, shards: ["shard0", "shard1", "shard2"])
        Self.expectClean(addLog, addReport, "add")
        let counts = try await Self.checkPlacement(ring: try Self.ring(["shard0", "shard1", "shard2"], version: 2))
        #expect(counts["shard2", default: 0] > 0, "nothing moved to shard2: \(counts)")
        let countries = try await PSQL.run(Self.url(port: extra), "SELECT string_agg(code, ',' ORDER BY code) FROM rb_countries")
        #expect(countries.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "br,fr,jp", "the global table was not copied whole: \(countries)")
        #expect(added["live_ring_version"] == "2")
        let configuration = try ConfigurationLoader.load(path: pgring.configPath)
        #expect(configuration.shards.map(\.name) == ["shard0", "shard1", "shard2"])
        #expect(configuration.shards.last?.replicas.map(\.port) == [extra + 1])
        #expect(configuration.ring.version == 2)
        #expect(try await Self.leftovers().isEmpty)
        // The stats port follows the new shard list: its primary's reachability and the job's gauges.
        var metrics = ""
        for _ in 0..<60 {
            metrics = try await StatsIntegrationTests.get(pgring.port + 1, "/metrics").stdout
            if metrics.contains("pgring_server_up{shard=\"shard2\",role=\"primary\",server=\"127.0.0.1:\(extra)\"} 1") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(metrics.contains("pgring_server_up{shard=\"shard2\",role=\"primary\",server=\"127.0.0.1:\(extra)\"} 1"), "\(metrics)")
        #expect(metrics.contains("pgring_rebalance_info{job=\"\(added["job"] ?? "?")\",phase=\"done\"} 1"), "\(metrics)")
        #expect(metrics.contains("pgring_rebalance_cutover_pause_seconds "), "\(metrics)")
        let ready = try await StatsIntegrationTests.get(pgring.port + 1, "/ready")
        #expect(ready.stdout.hasSuffix("200"), "\(ready)")
        let ringRows = try await pgring.admin("SHOW RING")
        #expect(ringRows.contains("shard2|"), "\(ringRows)")
        print("rebalance add: cutover pause \(added["cutover_pause_ms"] ?? "?") ms, held writes \(added["held_writes"] ?? "?") (max \(added["held_writes_max_ms"] ?? "-") ms, p99 \(added["held_writes_p99_ms"] ?? "-") ms); load p99 \(addLog["latency_ms"] ?? "")")

        // Remove it again: its ranges go back to shard0 and shard1.
        let removal = Self.startLoad(pgring, name: "remove", seed: 8, workerBase: 100)
        try await Task.sleep(for: .seconds(2))
        // This time through pgringctl, as an operator would: plan, no prompt (--yes), follow the job (--wait).
        guard let pgringctl = ProcessInfo.processInfo.environment["PGRINGCTL_BIN"] else {
            throw TestSetupError("PGRINGCTL_BIN is not set: run the tests with tools/test")
        }
        let ctl = try await Command.run(pgringctl, ["rebalance", "remove", "shard2", "--yes", "--wait", "--admin", pgring.adminURL], timeout: 240)
        #expect(ctl.status == 0, "\(ctl)")
        #expect(ctl.stdout.contains("shard2  shard0") && ctl.stdout.contains("Preconditions: all met."), "\(ctl.stdout)")
        let statusJSON = try await Command.run(pgringctl, ["rebalance", "status", "--json", "--admin", pgring.adminURL])
        let status = try JSONSerialization.jsonObject(with: Data(statusJSON.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(status["phase"] as? String == "done", "\(statusJSON)")
        #expect(status["live_ring_version"] as? Int == 3, "\(statusJSON)")
        let removed = try await pgring.status()
        try await Task.sleep(for: .seconds(2))
        let removeLog = try await Self.stopLoad(removal)
        let removeReport = try await Self.verify(removal.log, also: [load.log], shards: ["shard0", "shard1", "shard2"])
        Self.expectClean(removeLog, removeReport, "remove")
        let after = try await Self.checkPlacement(ring: try Self.ring(["shard0", "shard1"], version: 3))
        #expect(after["shard2", default: 0] == 0, "\(after)")
        #expect(try ConfigurationLoader.load(path: pgring.configPath).shards.map(\.name) == ["shard0", "shard1"])
        #expect(try await Self.leftovers().isEmpty)
        print("rebalance remove: cutover pause \(removed["cutover_pause_ms"] ?? "?") ms, held writes \(removed["held_writes"] ?? "?") (max \(removed["held_writes_max_ms"] ?? "-") ms); load p99 \(removeLog["latency_ms"] ?? "")")
    }

    /// Holds the initial copy of rb_events on the extra shard (a SHARE lock blocks the subscription's COPY, not
    /// pgring's checks) for `seconds`, so a job stays in its copy phase.
    static func holdCopy(seconds: Int) -> Task<CommandResult, Error> {
        Task {
            try await PSQL.run(url(port: try extraPort()), "BEGIN; LOCK TABLE rb_events IN SHARE MODE; SELECT pg_sleep(\(seconds)); COMMIT;",
                               timeout: Double(seconds + 30))
        }
    }

    @Test("an abort during the copy leaves placement, data, configuration and traffic exactly as before")
    func abortDuringCopy() async throws {
        try await Self.prepareServers()
        let pgring = try await Self.startPGRing()
        defer { pgring.stop() }
        let extra = try Self.extraPort()
        let load = Self.startLoad(pgring, name: "abort", seed: 9)
        try await Task.sleep(for: .seconds(2))
        let configBefore = try String(contentsOfFile: pgring.configPath, encoding: .utf8)
        let lock = Self.holdCopy(seconds: 6)
        try await Task.sleep(for: .milliseconds(500))
        try await pgring.admin("REBALANCE START ADD shard2 PRIMARY 127.0.0.1:\(extra)")
        let copying = try await pgring.waitForPhase(["copying"])
        #expect(copying["live_ring_version"] == "1")
        let aborted = try await pgring.admin("REBALANCE ABORT", timeout: 120)
        #expect(aborted.contains("|aborted|"), "\(aborted)")
        _ = try await lock.value
        try await Task.sleep(for: .seconds(1))
        let log = try await Self.stopLoad(load)
        let report = try await Self.verify(load.log, shards: ["shard0", "shard1", "shard2"])
        Self.expectClean(log, report, "abort")
        let counts = try await Self.checkPlacement(ring: try Self.ring(["shard0", "shard1"], version: 1))
        #expect(counts["shard2", default: 0] == 0, "rows left on the target: \(counts)")
        let countries = try await PSQL.run(Self.url(port: extra), "SELECT count(*) FROM rb_countries")
        #expect(countries.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "global rows left on the target: \(countries)")
        #expect(try String(contentsOfFile: pgring.configPath, encoding: .utf8) == configBefore)
        #expect(try await Self.leftovers().isEmpty)
        #expect(try await pgring.status()["phase"] == "aborted")
        // A resume or another abort of an aborted job is refused with a reason.
        let again = try await PSQL.run(pgring.adminURL, "REBALANCE RESUME")
        #expect(again.status != 0 && again.stderr.contains("aborted"), "\(again)")
    }

    @Test("a cutover that cannot finish in cutover_timeout is undone (old ring, writes flow) and retried until it can")
    func cutoverUndoneThenRetried() async throws {
        try await Self.prepareServers()
        let pgring = try await Self.startPGRing(rebalance: "cutover_timeout = 1\ncutover_attempts = 20")
        defer { pgring.stop() }
        let extra = try Self.extraPort()
        let load = Self.startLoad(pgring, name: "undo", seed: 11)
        // A session tied to a server connection of shard0's primary (LISTEN) for 15 s: every cutover before it
        // ends must give up, since the cutover waits for every lease taken before its hold. (A LISTEN has no
        // transaction id, so it does not hold up the creation of the subscriptions' slots, as a write would.)
        let long = Task {
            try await PSQL.run(pgring.appURL, "LISTEN rb_test; SELECT pg_sleep(15);", timeout: 60)
        }
        try await Task.sleep(for: .milliseconds(500))
        try await pgring.admin("REBALANCE START ADD shard2 PRIMARY 127.0.0.1:\(extra)")
        let done = try await pgring.waitForPhase(["done"])
        let longResult = try await long.value
        #expect(longResult.status == 0, "\(longResult)")
        #expect(Int(done["cutover_attempts"] ?? "") ?? 0 >= 2, "\(done)")
        let history = try await pgring.admin("SHOW REBALANCE")
        #expect(history.contains("undone, writes resumed on the old ring") && history.contains("still running"), "\(history)")
        try await Task.sleep(for: .seconds(1))
        let log = try await Self.stopLoad(load)
        let report = try await Self.verify(load.log, shards: ["shard0", "shard1", "shard2"])
        Self.expectClean(log, report, "undone cutovers")
    }

    @Test("pgring killed during the copy: after a restart the job tells the truth and resumes to completion")
    func crashDuringCopyThenResume() async throws {
        try await Self.prepareServers()
        var pgring = try await Self.startPGRing()
        defer { pgring.stop() }
        let extra = try Self.extraPort()
        // Rows written before the job (the job copies them).
        let before = Self.startLoad(pgring, name: "crash", seed: 10)
        try await Task.sleep(for: .seconds(3))
        let log = try await Self.stopLoad(before)
        let lock = Self.holdCopy(seconds: 5)
        try await Task.sleep(for: .milliseconds(500))
        try await pgring.admin("REBALANCE START ADD shard2 PRIMARY 127.0.0.1:\(extra) REPLICA 127.0.0.1:\(extra + 1)")
        _ = try await pgring.waitForPhase(["copying"])
        pgring.kill9()
        _ = try await lock.value

        let restarted = PGRingProcess(directory: pgring.directory, port: pgring.port)
        try await restarted.start()
        pgring = restarted
        let status = try await restarted.status()
        #expect(status["phase"] == "copying", "\(status)")
        #expect(status["running"] == "false", "\(status)")
        #expect(status["live_ring_version"] == "1")
        // Writes keep working on the old ring while the job waits.
        let write = try await PSQL.run(restarted.appURL, "INSERT INTO rb_accounts (user_id, balance, last_worker, last_seq) VALUES (999999, 1, 99, 1)")
        #expect(write.status == 0, "\(write)")
        try await restarted.admin("REBALANCE RESUME")
        let done = try await restarted.waitForPhase(["done"])
        #expect(done["live_ring_version"] == "2")
        _ = try await Self.checkPlacement(ring: try Self.ring(["shard0", "shard1", "shard2"], version: 2))
        let owner = try Self.ring(["shard0", "shard1", "shard2"], version: 2).shard(for: .integer(999_999)).name
        let port = try Self.primaries().first { $0.name == owner }!.port
        #expect(try await PSQL.run(Self.url(port: port), "SELECT last_worker FROM rb_accounts WHERE user_id = 999999").stdout.contains("99"))
        let delete = try await PSQL.run(restarted.appURL, "DELETE FROM rb_accounts WHERE user_id = 999999")
        #expect(delete.status == 0, "\(delete)")
        let report = try await Self.verify(before.log, shards: ["shard0", "shard1", "shard2"])
        #expect(log["error_count"] as? Int == 0)
        #expect(report["ok"] as? Bool == true, "\(report)")
        #expect(try ConfigurationLoader.load(path: restarted.configPath).shards.count == 3)
        #expect(try await Self.leftovers().isEmpty)

        // Put the cluster back as the other suites expect it: shard2 leaves the ring.
        try await restarted.admin("REBALANCE START REMOVE shard2")
        _ = try await restarted.waitForPhase(["done"])
    }
}
