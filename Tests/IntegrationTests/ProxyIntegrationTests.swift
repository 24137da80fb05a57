import Config
import Foundation
import Testing

/// pgring in front of the real test cluster (tools/test starts it), through real clients:
/// psql and pgbench (libpq) and psycopg 3.
@Suite("Proxy through real clients", .serialized)
struct ProxyIntegrationTests {
    @Test("psql logs in with SCRAM-SHA-256 and runs a query")
    func psqlLogin() async throws {
        let proxy = try await ProxyHarness.start()
        defer { Task { await proxy.stop() } }
        let result = try await PSQL.run(proxy.url(), "SELECT current_user, current_database(), 40 + 2")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "app|app|42")
        await proxy.stop()
    }

    @Test("a wrong password and an unknown user get the same FATAL 28P01 text")
    func authenticationFailures() async throws {
        let proxy = try await ProxyHarness.start {
            $0.users.append(UserConfiguration(name: "alice", password: "secret"))
        }
        let wrong = try await PSQL.run(proxy.url(user: "alice", password: "wrong"), "SELECT 1")
        let unknown = try await PSQL.run(proxy.url(user: "mallory", password: "wrong"), "SELECT 1")
        let right = try await PSQL.run(proxy.url(user: "alice", password: "secret"), "SELECT 1")
        await proxy.stop()
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("password authentication failed for user \"alice\""), "\(wrong)")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("password authentication failed for user \"mallory\""), "\(unknown)")
        // Same text but for the name.
        #expect(wrong.stderr.replacingOccurrences(of: "alice", with: "X").replacingOccurrences(of: "wrong", with: "Y")
            == unknown.stderr.replacingOccurrences(of: "mallory", with: "X").replacingOccurrences(of: "wrong", with: "Y"))
        #expect(right.status == 0, "\(right)")
    }

    @Test("md5 and trust client authentication")
    func md5AndTrust() async throws {
        let md5 = try await ProxyHarness.start { $0.pgring.authMethod = .md5 }
        let md5Good = try await PSQL.run(md5.url(), "SELECT 'md5 ok'")
        let md5Bad = try await PSQL.run(md5.url(password: "nope"), "SELECT 1")
        await md5.stop()
        #expect(md5Good.stdout.contains("md5 ok"), "\(md5Good)")
        #expect(md5Bad.stderr.contains("password authentication failed for user \"app\""), "\(md5Bad)")

        let trust = try await ProxyHarness.start { $0.pgring.authMethod = .trust }
        let trusted = try await Command.run("psql", ["-X", "-A", "-t", "-d", "postgresql://app@127.0.0.1:\(trust.port)/app?sslmode=disable", "-c", "SELECT 'trusted'"], environment: ["PGPASSWORD": ""])
        await trust.stop()
        #expect(trusted.stdout.contains("trusted"), "\(trusted)")
    }

    @Test("an unknown database gets FATAL 3D000 naming it")
    func unknownDatabase() async throws {
        let proxy = try await ProxyHarness.start()
        let result = try await PSQL.run(proxy.url(database: "nope"), "SELECT 1")
        await proxy.stop()
        #expect(result.status != 0)
        #expect(result.stderr.contains("database \"nope\" does not exist"), "\(result)")
    }

    @Test("psycopg 3: extended protocol, NULLs, binary parameters, a named prepared statement, an error then a good query")
    func psycopgBasics() async throws {
        let proxy = try await ProxyHarness.start()
        let result = try await PythonClient.run("driver_checks.py", ["basic", proxy.url()])
        await proxy.stop()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("ok basic"))
    }

    @Test("COPY FROM STDIN and COPY TO STDOUT")
    func copyBothWays() async throws {
        let proxy = try await ProxyHarness.start()
        let rows = (1...1000).map { "\($0)\tline \($0)" }.joined(separator: "\n")
        let script = """
        CREATE TEMP TABLE copy_test (id int, body text);
        COPY copy_test FROM STDIN;
        \(rows)
        \\.
        SELECT count(*), sum(id) FROM copy_test;
        COPY (SELECT id, body FROM copy_test WHERE id <= 3 ORDER BY id) TO STDOUT;
        """
        let result = try await PSQL.script(proxy.url(), script)
        await proxy.stop()
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines == ["1000|500500", "1\tline 1", "2\tline 2", "3\tline 3"], "\(result)")
    }

    @Test("a 100,000-row result arrives whole")
    func largeResult() async throws {
        let proxy = try await ProxyHarness.start()
        let result = try await PSQL.run(proxy.url(), "SELECT g, repeat('x', 50) FROM generate_series(1, 100000) g")
        await proxy.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 100_000)
        let expectedLast = "100000|" + String(repeating: "x", count: 50)
        #expect(lines.last == expectedLast)
    }

    @Test("an error followed by a good query in one session")
    func errorThenQuery() async throws {
        let proxy = try await ProxyHarness.start()
        let result = try await PSQL.script(proxy.url(), "SELECT 1/0;\nSELECT 'after error';\n", onErrorStop: false)
        await proxy.stop()
        #expect(result.stderr.contains("division by zero"), "\(result)")
        #expect(result.stdout.contains("after error"), "\(result)")
    }

    @Test("LISTEN/NOTIFY")
    func listenNotify() async throws {
        let proxy = try await ProxyHarness.start()
        let result = try await PythonClient.run("driver_checks.py", ["notify", proxy.url()])
        await proxy.stop()
        #expect(result.status == 0, "\(result)")
    }

    @Test("cancel of pg_sleep(10) reaches the right server backend")
    func cancel() async throws {
        let proxy = try await ProxyHarness.start()
        let result = try await PythonClient.run("driver_checks.py", ["cancel", proxy.url()])
        await proxy.stop()
        #expect(result.status == 0, "\(result)")
    }

    @Test("50 concurrent sessions")
    func concurrentSessions() async throws {
        let proxy = try await ProxyHarness.start()
        let result = try await PythonClient.run("driver_checks.py", ["concurrent", proxy.url(), "50"])
        await proxy.stop()
        #expect(result.status == 0, "\(result)")
    }

    @Test("TLS towards the client (sslmode=require)")
    func clientTLS() async throws {
        let cluster = try TestCluster.current()
        let proxy = try await ProxyHarness.start {
            $0.tls.certificateFile = cluster.certificateFile
            $0.tls.keyFile = cluster.keyFile
        }
        let result = try await Command.run("psql", ["-X", "-d", proxy.url(sslmode: "require"), "-c", "\\conninfo", "-c", "SELECT 'over tls'"])
        let refused = try await Command.run("psql", ["-X", "-d", proxy.url(sslmode: "disable"), "-A", "-t", "-c", "SELECT 'plain'"])
        await proxy.stop()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("SSL connection"), "\(result)")
        #expect(result.stdout.contains("over tls"))
        #expect(refused.stdout.contains("plain"), "plaintext stays allowed unless the client asks for TLS: \(refused)")
    }

    @Test("without a certificate, sslmode=require is refused with 'N'")
    func clientTLSUnavailable() async throws {
        let proxy = try await ProxyHarness.start()
        let result = try await PSQL.run(proxy.url(sslmode: "require"), "SELECT 1")
        await proxy.stop()
        #expect(result.status != 0)
        #expect(result.stderr.contains("does not support SSL"), "\(result)")
    }

    @Test("TLS towards the server (tls = require)")
    func serverTLS() async throws {
        let proxy = try await ProxyHarness.start { $0.server.tlsMode = .require }
        let result = try await PSQL.run(proxy.url(), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        await proxy.stop()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "t", "\(result)")
    }

    @Test("session pooling: the server connection is reset and reused by the next client")
    func sessionReuse() async throws {
        let proxy = try await ProxyHarness.start()
        let first = try await PSQL.script(proxy.url(), "SET work_mem = '7MB';\nSHOW work_mem;\nSELECT pg_backend_pid();\n")
        let second = try await PSQL.script(proxy.url(), "SHOW work_mem;\nSELECT pg_backend_pid();\nSHOW application_name;\n")
        await proxy.stop()
        let a = first.stdout.split(separator: "\n").map(String.init)
        let b = second.stdout.split(separator: "\n").map(String.init)
        #expect(a.count == 2 && b.count == 3, "\(first) \(second)")
        guard a.count == 2, b.count == 3 else { return }
        #expect(a[0] == "7MB")
        #expect(b[0] == "4MB", "DISCARD ALL must reset the previous client's settings")
        #expect(a[1] == b[1], "the second client must reuse the first one's server connection")
        #expect(b[2] == "psql", "the client's application_name is applied on the reused connection")
    }

    @Test("pgbench -M simple, extended and prepared through pgring")
    func pgbenchModes() async throws {
        let cluster = try TestCluster.current()
        let initialize = try await Command.run("pgbench", ["-i", "-s", "1", "-q", cluster.directURL(shard: 0)], timeout: 300)
        #expect(initialize.status == 0, "\(initialize)")
        let proxy = try await ProxyHarness.start()
        for mode in ["simple", "extended", "prepared"] {
            let result = try await Command.run("pgbench", ["-n", "-S", "-M", mode, "-c", "8", "-j", "2", "-t", "200", proxy.url()], timeout: 300)
            #expect(result.status == 0, "\(mode): \(result)")
            #expect(result.stdout.contains("number of failed transactions: 0") || !result.stdout.contains("failed transactions"), "\(result)")
            #expect(result.stdout.contains("number of transactions actually processed: 1600/1600"), "\(mode): \(result)")
        }
        await proxy.stop()
    }

    @Test("the Unix socket listener")
    func unixSocket() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-sock-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The socket file is named after the TCP port, so this test picks a fixed one; another test may hold
        // it (ephemeral ports of many client connections), so a few are tried.
        var started: (ProxyHarness, Int)?
        for _ in 0..<10 where started == nil {
            let port = Int.random(in: 20_000...32_000)
            if let proxy = try? await ProxyHarness.start({
                $0.pgring.unixSocketDirectory = directory
                $0.pgring.listenPort = port
            }) {
                started = (proxy, port)
            }
        }
        guard let (proxy, port) = started else { throw TestSetupError("no free TCP port for the Unix socket test") }
        let result = try await Command.run("psql", ["-X", "-A", "-t", "-h", directory, "-p", "\(port)", "-U", "app", "-d", "app", "-c", "SELECT 'via unix socket'"], environment: ["PGPASSWORD": "app"])
        await proxy.stop()
        #expect(result.stdout.contains("via unix socket"), "\(result)")
    }
}
