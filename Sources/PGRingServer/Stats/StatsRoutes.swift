import Foundation

/// One response of the stats port, before HTTP encoding.
struct StatsHTTPResponse: Sendable, Equatable {
    /// The HTTP status code.
    var status: Int
    /// The reason phrase for `status`.
    var reason: String
    /// The `Content-Type` header.
    var contentType: String
    /// The body.
    var body: String
    /// Extra headers (e.g. `Allow` on 405).
    var extraHeaders: [(String, String)] = []

    static func == (lhs: StatsHTTPResponse, rhs: StatsHTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.contentType == rhs.contentType && lhs.body == rhs.body
            && lhs.extraHeaders.map { "\($0.0):\($0.1)" } == rhs.extraHeaders.map { "\($0.0):\($0.1)" }
    }
}

/// The routing table of the stats port: a pure function from method and URI to a response.
enum StatsRoutes {
    /// The Prometheus text exposition content type.
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Answers one request. `snapshot` is called only by routes that need it.
    static func respond(
        method: String, uri: String, metrics: PGRingMetrics, snapshot: () -> StatsSnapshot, now: Date = Date()
    ) -> StatsHTTPResponse {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        guard let route = Route(rawValue: path) else {
            return .text(404, "Not Found", "not found\n")
        }
        guard method == "GET" else {
            var response = StatsHTTPResponse.text(405, "Method Not Allowed", "only GET is allowed\n")
            response.extraHeaders = [("Allow", "GET")]
            return response
        }
        switch route {
        case .health:
            return .text(200, "OK", "ok\n")
        case .metrics:
            let body = StatsRendering.prometheusText(metrics: metrics, snapshot: snapshot())
            return StatsHTTPResponse(status: 200, reason: "OK", contentType: prometheusContentType, body: body)
        case .stats:
            let body = StatsRendering.statsJSON(snapshot: snapshot(), totals: metrics.totals(), now: now)
            return StatsHTTPResponse(status: 200, reason: "OK", contentType: "application/json", body: body)
        case .ready:
            return readiness(snapshot())
        case .page:
            let body = StatsRendering.statsPage(snapshot: snapshot(), totals: metrics.totals(), now: now)
            return StatsHTTPResponse(status: 200, reason: "OK", contentType: "text/html; charset=utf-8", body: body)
        }
    }

    /// 200 `{"ready":true}` when every shard's primary is known reachable; else 503 naming the others.
    static func readiness(_ snapshot: StatsSnapshot) -> StatsHTTPResponse {
        let notReady = snapshot.primariesNotKnownReachable
        let document = ReadinessDocument(
            ready: notReady.isEmpty,
            unreachablePrimaries: notReady.map {
                .init(shard: $0.name, address: $0.primary.address, state: $0.primary.reachable == false ? "unreachable" : "unknown")
            }
        )
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"ready":false}"#
        if notReady.isEmpty {
            return StatsHTTPResponse(status: 200, reason: "OK", contentType: "application/json", body: body)
        }
        return StatsHTTPResponse(status: 503, reason: "Service Unavailable", contentType: "application/json", body: body)
    }

    /// The paths the stats port serves.
    enum Route: String {
        /// Liveness.
        case health = "/health"
        /// Readiness: every primary reachable.
        case ready = "/ready"
        /// Prometheus text.
        case metrics = "/metrics"
        /// JSON.
        case stats = "/stats"
        /// The live HTML page.
        case page = "/"
    }
}

/// Body of `/ready`: `{"ready":Bool,"unreachable_primaries":[{"shard","address","state"}]}` where state is
/// "unreachable" (last check failed) or "unknown" (not checked yet).
struct ReadinessDocument: Encodable {
    /// One primary that is not known reachable.
    struct Primary: Encodable {
        let shard: String
        let address: String
        let state: String
    }
    let ready: Bool
    let unreachablePrimaries: [Primary]
}

extension StatsHTTPResponse {
    /// A plain-text response.
    static func text(_ status: Int, _ reason: String, _ body: String) -> StatsHTTPResponse {
        StatsHTTPResponse(status: status, reason: reason, contentType: "text/plain; charset=utf-8", body: body)
    }
}
