import NIOCore
import PGWire
import Testing

// Regenerating CapturedTraffic.swift: start PostgreSQL 15 with scram-sha-256 (initdb -A scram-sha-256,
// password "pw") on a free port, run a TCP relay that appends each direction's bytes to a file, point
// `psql "sslmode=prefer application_name=pgwire" -c "SELECT 1 AS one, NULL AS n" -c "SELEC bad"` and
// `pgbench -n -M extended -t 1 -f script.sql` (script: `\set x 5` / `SELECT :x::int + 1 AS y;`) at the
// relay, and paste the hex of the files.

/// Decodes real client and server byte streams captured from psql, pgbench and PostgreSQL 15.
@Suite struct RealTrafficTests {
    /// Bytes from hex lines.
    static func bytes(_ hexLines: [String]) -> [UInt8] {
        let hex = Array(hexLines.joined().utf8)
        var out: [UInt8] = []
        var index = 0
        while index + 1 < hex.count {
            let text = String(decoding: hex[index...index + 1], as: UTF8.self)
            out.append(UInt8(text, radix: 16) ?? 0)
            index += 2
        }
        return out
    }

    /// The typed messages of a decode result, re-emitted as bytes.
    static func reEmit(_ messages: [RawMessage]) -> [UInt8] {
        var out = ByteBuffer()
        for message in messages { message.write(into: &out) }
        return Array(out.readableBytesView)
    }

    @Test func psqlClientStream() throws {
        let stream = Self.bytes(capturedPsqlClientHex)
        // The client sent SSLRequest, waited for 'N', then sent the rest.
        let result = runPipeline(FrontendFrameDecoder(), chunks: [Array(stream[..<8]), Array(stream[8...])])
        #expect(result.error == nil)
        #expect(result.outputs.count == 7)
        guard result.outputs.count == 7 else { return }

        #expect(result.outputs[0] == .startup(.sslRequest))
        guard case .startup(.startup(let startup)) = result.outputs[1] else {
            Issue.record("expected StartupMessage")
            return
        }
        #expect(startup.protocolVersion == StartupMessage.protocolVersion3_0)
        #expect(startup.user == "postgres")
        #expect(startup.database == "postgres")
        #expect(startup.applicationName == "pgwire")

        var typed: [RawMessage] = []
        for frame in result.outputs.dropFirst(2) {
            guard case .message(let message) = frame else {
                Issue.record("expected typed messages after the StartupMessage")
                return
            }
            typed.append(message)
        }
        let initial = try SASLInitialResponse.decode(from: typed[0])
        #expect(initial.mechanism == "SCRAM-SHA-256")
        #expect(initial.data.map { Array($0.prefix(8)) } == ascii("n,,n=,r="))
        let response = try SASLResponse.decode(from: typed[1])
        #expect(Array(response.data.prefix(9)) == ascii("c=biws,r="))
        #expect(try Query.decode(from: typed[2]) == Query(sql: "SELECT 1 AS one, NULL AS n"))
        #expect(try Query.decode(from: typed[3]) == Query(sql: "SELEC bad"))
        #expect(typed[4].frontendID == .terminate)
        #expect(typed[4].payload.readableBytes == 0)

        // Forwarding the typed messages reproduces the client's bytes after the StartupMessage exactly.
        let startupLength = 8 + Int(stream[8]) << 24 + Int(stream[9]) << 16 + Int(stream[10]) << 8 + Int(stream[11])
        #expect(Self.reEmit(typed) == Array(stream[startupLength...]))
    }

    @Test func psqlServerStream() throws {
        let stream = Self.bytes(capturedPsqlServerHex)
        let result = runPipeline(
            BackendFrameDecoder(expectEncryptionResponse: true),
            chunks: [Array(stream[..<1]), Array(stream[1...])]
        )
        #expect(result.error == nil)
        #expect(result.outputs.first == .encryptionResponse(0x4E))
        let typed: [RawMessage] = result.outputs.compactMap {
            if case .message(let message) = $0 { return message }
            return nil
        }
        #expect(typed.count == 25)
        guard typed.count == 25 else { return }

        #expect(try AuthenticationRequest.decode(from: typed[0]) == .sasl(mechanisms: ["SCRAM-SHA-256"]))
        guard case .saslContinue(let serverFirst) = try AuthenticationRequest.decode(from: typed[1]) else {
            Issue.record("expected SASLContinue")
            return
        }
        #expect(Array(serverFirst.prefix(2)) == ascii("r="))
        guard case .saslFinal(let serverFinal) = try AuthenticationRequest.decode(from: typed[2]) else {
            Issue.record("expected SASLFinal")
            return
        }
        #expect(Array(serverFinal.prefix(2)) == ascii("v="))
        #expect(try AuthenticationRequest.decode(from: typed[3]) == .ok)

        let statuses = try typed[4..<17].map { try ParameterStatus.decode(from: $0) }
        #expect(statuses.first == ParameterStatus(name: "application_name", value: "pgwire"))
        #expect(statuses.contains(ParameterStatus(name: "client_encoding", value: "UTF8")))
        #expect(statuses.contains { $0.name == "server_version" && $0.value.hasPrefix("15.") })

        let key = try BackendKeyData.decode(from: typed[17])
        #expect(key.secretKey.count == 4)
        #expect(try ReadyForQuery.decode(from: typed[18]).transactionStatus == .idle)

        let columns = try RowDescription.decode(from: typed[19]).columns
        #expect(columns.map(\.name) == ["one", "n"])
        #expect(columns.map(\.dataTypeOID) == [RowDescription.int4OID, RowDescription.textOID])
        #expect(typed[20] == RawMessage(id: BackendMessageID.dataRow, payload: buffer(be16(2) + be32(1) + ascii("1") + be32(-1))))
        #expect(try CommandComplete.decode(from: typed[21]).tag == "SELECT 1")
        #expect(try ReadyForQuery.decode(from: typed[22]).transactionStatus == .idle)

        let error = try ErrorResponse.decode(from: typed[23])
        #expect(error.severity == "ERROR")
        #expect(error.sqlState == "42601")
        #expect(error.message == "syntax error at or near \"SELEC\"")
        #expect(error[.position] == "1")
        #expect(error.detail == nil)
        #expect(try ReadyForQuery.decode(from: typed[24]).transactionStatus == .idle)

        #expect(Self.reEmit(typed) == Array(stream[1...]))
    }

    @Test func pgbenchExtendedProtocolUnderEverySplit() throws {
        let stream = Self.bytes(capturedPgbenchClientHex)
        var reference: [FrontendFrame] = []
        for chunks in splits(of: stream) {
            let result = runPipeline(FrontendFrameDecoder(), chunks: chunks)
            #expect(result.error == nil)
            if reference.isEmpty { reference = result.outputs }
            #expect(result.outputs == reference)
        }
        let typed: [RawMessage] = reference.compactMap {
            if case .message(let message) = $0 { return message }
            return nil
        }
        #expect(reference.count == typed.count + 1)
        #expect(typed.map(\.frontendID) == [.password, .password, .parse, .bind, .describe, .execute, .sync, .terminate])
        guard typed.count == 8 else { return }

        #expect(try Parse.decode(from: typed[2]) == Parse(statementName: "", query: "SELECT $1::int + 1 AS y;", parameterTypeOIDs: []))
        let bind = try Bind.decode(from: typed[3])
        #expect(bind.portalName == "" && bind.statementName == "")
        #expect(bind.parameterFormats == [], "libpq sends no format codes: all parameters are text")
        #expect(bind.parameterFormat(at: 0) == 0)
        #expect(bind.parameters == [buffer(ascii("5"))])
        #expect(bind.resultFormats == [0])
        #expect(try Describe.decode(from: typed[4]) == Describe(kind: .portal, name: ""))
        #expect(try Execute.decode(from: typed[5]) == Execute(portalName: "", maxRows: 0))
        #expect(typed[6] == RawMessage(id: FrontendMessageID.sync, payload: ByteBuffer()))
    }

    @Test func pgbenchServerStream() throws {
        let stream = Self.bytes(capturedPgbenchServerHex)
        let result = runPipeline(BackendFrameDecoder(expectEncryptionResponse: false), chunks: [stream])
        #expect(result.error == nil)
        let typed: [RawMessage] = result.outputs.compactMap {
            if case .message(let message) = $0 { return message }
            return nil
        }
        #expect(typed.count == result.outputs.count)
        let tail = typed.suffix(6).map(\.backendID)
        #expect(tail == [.parseComplete, .bindComplete, .rowDescription, .dataRow, .commandComplete, .readyForQuery])
        #expect(try RowDescription.decode(from: typed[typed.count - 4]).columns.map(\.name) == ["y"])
        #expect(Self.reEmit(typed) == stream)
    }
}
