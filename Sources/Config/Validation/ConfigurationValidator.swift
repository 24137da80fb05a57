#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HashRing

extension PGRingConfiguration {
    /// Addition: every range and consistency problem of this configuration (empty when it is usable).
    ///
    /// For configurations built in code; `ConfigurationLoader` runs the same checks on loaded files.
    /// - Parameter isReadableFile: tells whether a TLS file can be read; defaults to asking the file system.
    ///   Relative paths are relative to the process's working directory.
    public func validationProblems(
        isReadableFile: (String) -> Bool = ConfigurationValidator.fileSystemIsReadable
    ) -> [ConfigurationProblem] {
        withoutActuallyEscaping(isReadableFile) { isReadableFile in
            ConfigurationValidator(
                configuration: self, origins: ConfigurationEntryOrigins(identityFor: self), isReadableFile: isReadableFile
            ).problems()
        }
    }
}

/// Addition: the range and consistency rules of a configuration (see config/README.md for each key).
/// Checks every rule and returns every broken one, in section order.
public struct ConfigurationValidator {
    /// The swift-log level names accepted by `pgring.log_level`.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    /// Smallest and largest `pgring.max_message_size`: 1 KiB and 1 GiB.
    public static let maxMessageSizeRange = 1024...(1024 * 1024 * 1024)
    /// Valid TCP ports.
    public static let portRange = 1...65535
    /// Valid `shards[].weight`.
    public static let weightRange = 1...1000
    /// Valid `ring.vnodes`.
    public static let vnodesRange = 1...100_000

    /// The default file check: the file exists, is not a directory, and this process may read it.
    public static func fileSystemIsReadable(_ path: String) -> Bool {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory else {
            return false
        }
        return FileManager.default.isReadableFile(atPath: path)
    }

    /// The configuration being checked.
    let configuration: PGRingConfiguration
    /// Where each array entry sits in the file, for key paths.
    let origins: ConfigurationEntryOrigins
    /// Whether a file can be read (injected so tests need no files).
    let isReadableFile: (String) -> Bool

    /// Every broken rule.
    func problems() -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        checkProxy(into: &problems)
        checkClientTLS(into: &problems)
        checkServer(into: &problems)
        checkPool(into: &problems)
        checkRing(into: &problems)
        checkStats(into: &problems)
        checkRebalance(into: &problems)
        checkShards(into: &problems)
        checkDatabases(into: &problems)
        checkUsers(into: &problems)
        checkRouting(into: &problems)
        checkConsoleUsers(into: &problems)
        checkTables(into: &problems)
        return problems
    }

    // MARK: Sections

    private func checkProxy(into problems: inout [ConfigurationProblem]) {
        let proxy = configuration.pgring
        if proxy.listenHost.isEmpty {
            problems.append(.init(keyPath: "pgring.listen_host", message: "must not be empty (e.g. \"127.0.0.1\" or \"0.0.0.0\")"))
        }
        checkRange(proxy.listenPort, Self.portRange, "pgring.listen_port", into: &problems)
        if let directory = proxy.unixSocketDirectory, directory.isEmpty {
            problems.append(.init(keyPath: "pgring.unix_socket_dir", message: "must not be empty; remove the key to disable the Unix socket"))
        }
        if !Self.maxMessageSizeRange.contains(proxy.maxMessageSize) {
            problems.append(.init(
                keyPath: "pgring.max_message_size",
                message: "must be between 1024 (1 KiB) and 1073741824 (1 GiB) bytes, got \(proxy.maxMessageSize)"))
        }
        checkSeconds(proxy.shutdownTimeout, "pgring.shutdown_timeout", into: &problems)
        if !Self.logLevels.contains(proxy.logLevel) {
            var message = "must be one of " + Self.logLevels.map { "`\($0)`" }.joined(separator: ", ")
                + "; got `\(proxy.logLevel)`"
            if let suggestion = KeySuggestion.closest(to: proxy.logLevel, among: Self.logLevels) {
                message += "; did you mean `\(suggestion)`?"
            }
            problems.append(.init(keyPath: "pgring.log_level", message: message))
        }
        checkSeconds(proxy.authFailureDelay, "pgring.auth_failure_delay", into: &problems)
        checkRange(proxy.maxClientConnections, 1...1_000_000, "pgring.max_client_conn", into: &problems)
        checkSeconds(proxy.clientIdleTimeout, "pgring.client_idle_timeout", into: &problems)
    }

    private func checkRebalance(into problems: inout [ConfigurationProblem]) {
        let rebalance = configuration.rebalance
        if rebalance.user?.isEmpty == true {
            problems.append(.init(keyPath: "rebalance.user", message: "must not be empty; remove the key to use server.user"))
        }
        if rebalance.stateFile.isEmpty {
            problems.append(.init(keyPath: "rebalance.state_file", message: "must not be empty (e.g. \"pgring-rebalance.json\")"))
        }
        if !rebalance.cutoverTimeout.isFinite || rebalance.cutoverTimeout <= 0 || rebalance.cutoverTimeout > 600 {
            problems.append(.init(keyPath: "rebalance.cutover_timeout", message: "must be more than 0 and at most 600 seconds, got \(rebalance.cutoverTimeout)"))
        }
        checkRange(rebalance.cutoverAttempts, 1...100, "rebalance.cutover_attempts", into: &problems)
        checkRange(rebalance.maxCatchupLagBytes, 0...1 << 40, "rebalance.max_catchup_lag_bytes", into: &problems)
        checkRange(rebalance.deleteBatchSize, 1...1_000_000, "rebalance.delete_batch_size", into: &problems)
    }

    private func checkStats(into problems: inout [ConfigurationProblem]) {
        let stats = configuration.stats
        guard stats.enabled else { return }
        if stats.listenHost.isEmpty {
            problems.append(.init(keyPath: "stats.listen_host", message: "must not be empty (e.g. \"127.0.0.1\")"))
        }
        checkRange(stats.listenPort, Self.portRange, "stats.listen_port", into: &problems)
        if stats.listenPort != 0, stats.listenPort == configuration.pgring.listenPort, stats.listenHost == configuration.pgring.listenHost {
            problems.append(.init(keyPath: "stats.listen_port", message: "is the same address as pgring.listen_port (\(stats.listenPort)); pick another port"))
        }
    }

    private func checkClientTLS(into problems: inout [ConfigurationProblem]) {
        let tls = configuration.tls
        switch (tls.certificateFile, tls.keyFile) {
        case (nil, nil):
            break
        case (.some, nil):
            problems.append(.init(keyPath: "tls.key_file", message: "is required when tls.cert_file is set (set both or neither)"))
        case (nil, .some):
            problems.append(.init(keyPath: "tls.cert_file", message: "is required when tls.key_file is set (set both or neither)"))
        case (.some, .some):
            break
        }
        checkReadable(tls.certificateFile, "tls.cert_file", into: &problems)
        checkReadable(tls.keyFile, "tls.key_file", into: &problems)
    }

    private func checkServer(into problems: inout [ConfigurationProblem]) {
        let server = configuration.server
        if server.user.isEmpty {
            problems.append(.init(keyPath: "server.user", message: "must not be empty: the role pgring logs in to PostgreSQL as"))
        }
        switch server.tlsMode {
        case .verifyFull:
            if server.caFile == nil {
                problems.append(.init(keyPath: "server.ca_file", message: "is required when server.tls = \"verify-full\""))
            }
        case .disable, .prefer, .require:
            break
        }
        checkReadable(server.caFile, "server.ca_file", into: &problems)
        checkSeconds(server.connectTimeout, "server.connect_timeout", into: &problems)
        checkSeconds(server.loginRetryDelay, "server.login_retry_delay", into: &problems)
    }

    private func checkPool(into problems: inout [ConfigurationProblem]) {
        let pool = configuration.pool
        if pool.maxPreparedStatements < 0 || pool.maxPreparedStatements > 100_000 {
            problems.append(.init(
                keyPath: "pool.max_prepared_statements",
                message: "must be between 0 (off) and 100000, got \(pool.maxPreparedStatements)"))
        }
        if pool.size < 1 {
            problems.append(.init(keyPath: "pool.size", message: "must be at least 1, got \(pool.size)"))
        }
        if pool.maxIdle < 0 || pool.maxIdle > max(pool.size, 0) {
            problems.append(.init(
                keyPath: "pool.max_idle", message: "must be between 0 and pool.size (\(pool.size)), got \(pool.maxIdle)"))
        }
        checkSeconds(pool.idleTimeout, "pool.idle_timeout", into: &problems)
        checkSeconds(pool.serverLifetime, "pool.server_lifetime", into: &problems)
        checkSeconds(pool.queryWaitTimeout, "pool.query_wait_timeout", into: &problems)
        if pool.minIdle < 0 || pool.minIdle > max(pool.size, 0) {
            problems.append(.init(keyPath: "pool.min_idle", message: "must be between 0 and pool.size (\(pool.size)), got \(pool.minIdle)"))
        }
        checkRange(pool.reserveSize, 0...10_000, "pool.reserve_size", into: &problems)
        checkSeconds(pool.reserveTimeout, "pool.reserve_timeout", into: &problems)
        checkSeconds(pool.idleTransactionTimeout, "pool.idle_transaction_timeout", into: &problems)
        checkSeconds(pool.serverCheckDelay, "pool.server_check_delay", into: &problems)
    }

    private func checkRing(into problems: inout [ConfigurationProblem]) {
        let ring = configuration.ring
        if let vnodes = ring.vnodes {
            checkRange(vnodes, Self.vnodesRange, "ring.vnodes", into: &problems)
        }
        if ring.version < 1 {
            problems.append(.init(keyPath: "ring.version", message: "must be at least 1, got \(ring.version)"))
        }
        // The ring holds vnodes x total weight points; past the library's limit it cannot be built.
        let vnodes = ring.vnodes ?? ConsistentHashRing.defaultVirtualNodes
        let totalWeight = configuration.shards.reduce(0) { $0 + max(0, $1.weight) }
        let (points, overflow) = vnodes.multipliedReportingOverflow(by: totalWeight)
        if Self.vnodesRange.contains(vnodes), overflow || points > ConsistentHashRing.maximumPointCount {
            problems.append(.init(
                keyPath: "ring.vnodes",
                message: "vnodes (\(vnodes)) x total shard weight (\(totalWeight)) makes more than "
                    + "\(ConsistentHashRing.maximumPointCount) ring points; lower vnodes or the weights"))
        }
    }

    // MARK: Helpers

    /// `value` must be in `range`.
    func checkRange(_ value: Int, _ range: ClosedRange<Int>, _ keyPath: String, into problems: inout [ConfigurationProblem]) {
        if !range.contains(value) {
            problems.append(.init(
                keyPath: keyPath, message: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)"))
        }
    }

    /// A duration: finite and >= 0 seconds.
    func checkSeconds(_ value: Double, _ keyPath: String, into problems: inout [ConfigurationProblem]) {
        if !value.isFinite || value < 0 {
            problems.append(.init(keyPath: keyPath, message: "must be a finite number of seconds >= 0, got \(value)"))
        }
    }

    /// When set, the file must exist and be readable.
    func checkReadable(_ path: String?, _ keyPath: String, into problems: inout [ConfigurationProblem]) {
        guard let path else { return }
        if path.isEmpty {
            problems.append(.init(keyPath: keyPath, message: "must not be empty; remove the key instead"))
        } else if !isReadableFile(path) {
            problems.append(.init(keyPath: keyPath, message: "cannot read the file `\(path)` (missing, a directory, or not readable)"))
        }
    }
}
