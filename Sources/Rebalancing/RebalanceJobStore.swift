import Foundation

/// Where rebalance jobs are kept. A file today (``FileRebalanceJobStore``); the protocol is what a store in
/// PostgreSQL, shared by several pgring instances, would implement.
public protocol RebalanceJobStore: Sendable {
    /// The current job (running, failed, or the last finished one), or nil.
    func load() throws -> RebalanceJob?
    /// Persists `job` durably before returning.
    func save(_ job: RebalanceJob) throws
}

/// Why the job state could not be read or written.
public struct RebalanceStoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// A job kept as JSON in one file, replaced atomically (temporary file, fsync, rename, fsync of the directory).
public struct FileRebalanceJobStore: RebalanceJobStore {
    /// The file.
    public let path: String

    /// A store at `path`.
    public init(path: String) {
        self.path = path
    }

    public func load() throws -> RebalanceJob? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try Self.decoder.decode(RebalanceJob.self, from: data)
        } catch {
            throw RebalanceStoreError(description: "cannot read the rebalance state file \(path): \(error)")
        }
    }

    public func save(_ job: RebalanceJob) throws {
        let data: Data
        do { data = try Self.encoder.encode(job) } catch {
            throw RebalanceStoreError(description: "cannot encode the rebalance job: \(error)")
        }
        try Self.writeAtomically(data, to: path)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Writes `data` to `path` so that a crash leaves either the old or the new contents, never a mix.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw RebalanceStoreError(description: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var ok = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw RebalanceStoreError(description: "cannot write \(path): \(reason)")
        }
        let directoryFD = open(directory, O_RDONLY)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
