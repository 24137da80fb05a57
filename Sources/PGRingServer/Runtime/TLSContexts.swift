import Config
import NIOSSL

/// Builds the TLS contexts from the configuration: towards clients (`[tls]`) and towards servers (`[server] tls`).
enum TLSContexts {
    /// The server-side context pgring uses when a client sends SSLRequest; nil when `[tls]` is not set.
    static func client(_ configuration: ClientTLSConfiguration) throws -> NIOSSLContext? {
        guard let certificateFile = configuration.certificateFile, let keyFile = configuration.keyFile else { return nil }
        let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: tls)
    }

    /// The client-side context pgring uses towards PostgreSQL; nil when `tls = disable`.
    /// `prefer` and `require` encrypt without verifying the certificate (as libpq's sslmode);
    /// `verify-full` checks the chain against `ca_file` and the host name.
    static func server(_ configuration: ServerConnectionConfiguration) throws -> NIOSSLContext? {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        switch configuration.tlsMode {
        case .disable:
            return nil
        case .prefer, .require:
            tls.certificateVerification = .none
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            if let ca = configuration.caFile {
                tls.trustRoots = .file(ca)
            }
        }
        return try NIOSSLContext(configuration: tls)
    }
}
