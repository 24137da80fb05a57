import Foundation
import Testing

/// Bad bytes from a peer get an ErrorResponse or a clean close, and pgring keeps serving others.
@Suite("Bad input from clients", .serialized)
struct BadInputTests {
    static let cases: [String] = [
        "truncated", "length3", "length_max", "garbage", "no_user",
        "plaintext_after_sslrequest", "password_first", "query_during_auth",
    ]

    @Test("each malformed opening gets 08P01/28000 or a close, and the next client is served", arguments: cases)
    func badInput(_ badCase: String) async throws {
        let cluster = try TestCluster.current()
        let proxy = try await ProxyHarness.start {
            $0.tls.certificateFile = cluster.certificateFile
            $0.tls.keyFile = cluster.keyFile
        }
        let bad = try await PythonClient.run("driver_checks.py", ["bad_input", "127.0.0.1", "\(proxy.port)", badCase])
        let good = try await PSQL.run(proxy.url(), "SELECT 'still serving'")
        await proxy.stop()
        #expect(bad.status == 0, "\(bad)")
        #expect(good.stdout.contains("still serving"), "\(good)")
    }

    @Test("a client asking for protocol 3.2 gets NegotiateProtocolVersion down to 3.0")
    func protocolNegotiation() async throws {
        let proxy = try await ProxyHarness.start()
        let result = try await PythonClient.run("driver_checks.py", ["negotiate", "127.0.0.1", "\(proxy.port)"])
        await proxy.stop()
        #expect(result.status == 0, "\(result)")
    }
}
