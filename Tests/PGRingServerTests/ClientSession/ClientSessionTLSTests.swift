import Config
import Foundation
import NIOCore
import PGWire
import Testing

@testable import PGRingServer

/// `[tls]` configured: SSLRequest is answered 'S' and nothing is read in plain text afterwards.
@Suite("ClientSessionHandler: TLS towards clients")
struct ClientSessionTLSTests {
    /// A throwaway self-signed P-256 certificate (CN=pgring-test), generated for these tests with
    /// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500`.
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBhDCCASmgAwIBAgIURw9jkU0OhSP5qyGcPwb4plPwZXIwCgYIKoZIzj0EAwIw
        FjEUMBIGA1UEAwwLcGdyaW5nLXRlc3QwIBcNMjYxMTI5MTQwNDAwWhgPMjEyNjEx
        MDUxNDA0MDBaMBYxFDASBgNVBAMMC3BncmluZy10ZXN0MFkwEwYHKoZIzj0CAQYI
        KoZIzj0DAQcDQgAE+bVqY7htQAnGiwepsOiIDrGuaT6d3iRgZfSsQwOqluGlkhxa
        bME/2Imw8P7Biu3trsS6cKySX/IqkTTMJvYoHqNTMFEwHQYDVR0OBBYEFD1F3U2P
        Ah7zkE0fbxSrLgzuhCs4MB8GA1UdIwQYMBaAFD1F3U2PAh7zkE0fbxSrLgzuhCs4
        MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAOzfqsfTxuyGLFAs
        jSgBz+Yf4vAQrilfy+JudXBiTPWLAiEA+NJ22mZPSUMdF8Th5idC2b6JxnT/yRFn
        6kdatOf2caU=
        -----END CERTIFICATE-----

        """
    static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwd+2UcU+PI6I/cVz
        ArSB5/Q6rFFZ/6w7Vcx6t5eUCNWhRANCAAT5tWpjuG1ACcaLB6mw6IgOsa5pPp3e
        JGBl9KxDA6qW4aWSHFpswT/YibDw/sGK7e2uxLpwrJJf8iqRNMwm9ige
        -----END PRIVATE KEY-----

        """

    /// A harness whose configuration has `[tls]` pointing at the PEM files above (written to a temp dir).
    static func tlsHarness() throws -> ClientSessionHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgring-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        try certificatePEM.write(to: certificate, atomically: true, encoding: .utf8)
        try privateKeyPEM.write(to: key, atomically: true, encoding: .utf8)
        var configuration = ClientSessionHarness.configuration()
        configuration.tls.certificateFile = certificate.path
        configuration.tls.keyFile = key.path
        return try ClientSessionHarness(configuration: configuration)
    }

    @Test func sslRequestIsAnsweredS() throws {
        let harness = try Self.tlsHarness()
        try harness.send { StartupPacket.sslRequest.encode(into: &$0) }
        #expect(try harness.writtenBytes() == [UInt8(ascii: "S")])
        #expect(harness.isOpen)
    }

    @Test func gssEncRequestIsStillAnsweredN() throws {
        let harness = try Self.tlsHarness()
        try harness.send { StartupPacket.gssEncRequest.encode(into: &$0) }
        #expect(try harness.writtenBytes() == [UInt8(ascii: "N")])
    }

    @Test func aPlainTextStartupAfterSIsNeverProcessed() throws {
        let harness = try Self.tlsHarness()
        try harness.send { StartupPacket.sslRequest.encode(into: &$0) }
        #expect(try harness.writtenBytes() == [UInt8(ascii: "S")])
        // The client ignores the 'S' and talks plain text: the TLS handler must reject it.
        try? harness.sendStartup([("user", "alice"), ("database", "app")])
        let written = try harness.writtenBytes()
        // At most a TLS alert record (content type 21) goes out; never a PostgreSQL message.
        #expect(written.isEmpty || written.first == 0x15, "wrote \(written)")
        #expect(!harness.isOpen)
    }

    @Test func withoutTLSAPlainStartupStillWorks() throws {
        let harness = try Self.tlsHarness()
        try harness.sendStartup([("user", "alice"), ("database", "app")])
        #expect(typeLetters(try harness.writtenMessages()) == "R")
    }
}
