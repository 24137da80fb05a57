import Foundation
import NIOCore
import NIOEmbedded
import Testing
@testable import PGRingServer

/// A parsed raw HTTP/1.1 response read back from the channel's outbound bytes.
private struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: String
}

@Suite("Stats HTTP handler")
struct StatsHTTPHandlerTests {
    private func makeChannel(_ snapshot: StatsSnapshot = StatsFixtures.twoShards(), metrics: PGRingMetrics = PGRingMetrics()) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try StatsHTTPHandler.configure(channel, metrics: metrics, snapshot: { snapshot })
        // An EmbeddedChannel is inactive until connected; connect it so closing is observable.
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40000)).wait()
        #expect(channel.isActive)
        return channel
    }

    /// Sends `request` bytes and returns everything written back, as text.
    private func exchange(_ channel: EmbeddedChannel, _ request: String, peerMisbehaves: Bool = false) throws -> String {
        if peerMisbehaves {
            // The decoder error also reaches the end of the pipeline, where EmbeddedChannel rethrows it.
            _ = try? channel.writeInbound(ByteBuffer(string: request))
        } else {
            try channel.writeInbound(ByteBuffer(string: request))
        }
        var out = ""
        while let part = try channel.readOutbound(as: IOData.self) {
            switch part {
            case .byteBuffer(let buffer): out += String(buffer: buffer)
            case .fileRegion: Issue.record("unexpected file region")
            }
        }
        return out
    }

    /// - Parameter bodyOmitted: a response to HEAD declares a length but carries no body (RFC 9110 9.3.2).
    private func parse(_ text: String, bodyOmitted: Bool = false) throws -> RawResponse {
        let split = try #require(text.range(of: "\r\n\r\n"))
        let headLines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = try #require(headLines.first).split(separator: " ")
        let status = try #require(Int(statusParts.count > 1 ? String(statusParts[1]) : ""))
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            let pieces = line.split(separator: ":", maxSplits: 1)
            if pieces.count == 2 { headers[pieces[0].lowercased()] = pieces[1].trimmingCharacters(in: .whitespaces) }
        }
        var body = String(text[split.upperBound...])
        if let length = headers["content-length"], !bodyOmitted {
            let declared = try #require(Int(length))
            try #require(body.utf8.count >= declared)
            // Anything after the declared body is a later response (e.g. NIO's 400 to a closed connection).
            body = String(decoding: Array(body.utf8)[..<declared], as: UTF8.self)
        }
        return RawResponse(status: status, headers: headers, body: body)
    }

    private func get(_ path: String, _ snapshot: StatsSnapshot = StatsFixtures.twoShards(), metrics: PGRingMetrics = PGRingMetrics()) throws -> RawResponse {
        let channel = try makeChannel(snapshot, metrics: metrics)
        defer { _ = try? channel.finish() }
        return try parse(exchange(channel, "GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n"))
    }

    @Test func healthSaysOK() throws {
        let response = try get("/health")
        #expect(response.status == 200)
        #expect(response.body == "ok\n")
    }

    @Test func metricsIsPrometheusText() throws {
        let metrics = PGRingMetrics()
        metrics.queryCompleted(shard: "alpha", role: .primary, seconds: 0.001)
        let response = try get("/metrics", metrics: metrics)
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let parsed = PrometheusTextParser.parse(response.body)
        #expect(parsed.errors.isEmpty)
        #expect(parsed.value("pgring_queries_total", ["shard": "alpha", "role": "primary"]) == 1)
    }

    @Test func statsIsJSON() throws {
        let response = try get("/stats?pretty=0")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        #expect(object?["version"] as? String == "0.9.1")
    }

    @Test func pageIsHTML() throws {
        let response = try get("/")
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(response.body.contains("beta"))
    }

    @Test func readyIs503NamingTheUnreachablePrimary() throws {
        let response = try get("/ready")
        #expect(response.status == 503)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
        #expect(object["ready"] as? Bool == false)
        let primaries = try #require(object["unreachable_primaries"] as? [[String: String]])
        #expect(primaries == [["shard": "beta", "address": "10.0.1.1:5432", "state": "unreachable"]])
    }

    @Test func readyIs503WhileAPrimaryIsUnchecked() throws {
        var snapshot = StatsFixtures.allPrimariesUp()
        snapshot.shards[0].primary.reachable = nil
        let response = try get("/ready", snapshot)
        #expect(response.status == 503)
        #expect(response.body.contains("\"unknown\""))
    }

    @Test func readyIs200WhenEveryPrimaryIsUp() throws {
        let response = try get("/ready", StatsFixtures.allPrimariesUp())
        #expect(response.status == 200)
        #expect(response.body == #"{"ready":true,"unreachable_primaries":[]}"#)
    }

    @Test(arguments: ["/nope", "/metrics/x", "/health/", "//", "/%2e%2e/etc/passwd"])
    func unknownPathIs404(path: String) throws {
        #expect(try get(path).status == 404)
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "HEAD", "OPTIONS"])
    func nonGETIs405(method: String) throws {
        let channel = try makeChannel()
        defer { _ = try? channel.finish() }
        let response = try parse(
            exchange(channel, "\(method) /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), bodyOmitted: method == "HEAD"
        )
        #expect(response.status == 405)
        #expect(response.headers["allow"] == "GET")
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let channel = try makeChannel()
        defer { _ = try? channel.finish() }
        let first = try parse(exchange(channel, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
        let second = try parse(exchange(channel, "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(first.status == 200 && second.status == 503)
        #expect(channel.isActive)
    }

    @Test func oversizedHeadersGet431AndClose() throws {
        let channel = try makeChannel()
        let big = String(repeating: "a", count: StatsHTTPHandler.maxHeaderBytes + 1)
        let response = try parse(exchange(channel, "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n"))
        #expect(response.status == 431)
        #expect(response.headers["connection"] == "close")
        #expect(!channel.isActive)
    }

    @Test func declaredOversizedBodyGets413AndCloses() throws {
        let channel = try makeChannel()
        // The decoder complains that the announced body never came once we close: the peer's fault.
        let response = try parse(
            exchange(channel, "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", peerMisbehaves: true)
        )
        #expect(response.status == 413)
        #expect(!channel.isActive)
    }

    @Test func chunkedOversizedBodyGets413() throws {
        let channel = try makeChannel()
        let chunk = String(repeating: "b", count: 3000)
        let size = String(chunk.utf8.count, radix: 16)
        let request = "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\n\(chunk)\r\n\(size)\r\n\(chunk)\r\n0\r\n\r\n"
        let response = try parse(exchange(channel, request))
        #expect(response.status == 413)
        #expect(!channel.isActive)
    }

    @Test func smallBodyOnGETIsAcceptedAndIgnored() throws {
        let channel = try makeChannel()
        defer { _ = try? channel.finish() }
        let response = try parse(exchange(channel, "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"))
        #expect(response.status == 200)
    }

    @Test(arguments: ["garbage\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "\u{0}\u{1}\u{2}\r\n\r\n", "GET /health HTTP/1.1\r\nBad Header\r\n\r\n"])
    func malformedRequestGets400NotACrash(request: String) throws {
        let channel = try makeChannel()
        let text = try exchange(channel, request, peerMisbehaves: true)
        #expect(text.hasPrefix("HTTP/1.1 400"))
        #expect(!channel.isActive)
    }
}
