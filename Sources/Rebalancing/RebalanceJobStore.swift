import Config
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

/// A job kept as JSON in one file, replaced atomically (`ConfigurationRewriter.writeAtomically`: temporary file,
/// fsync, rename, fsync of the directory).
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
        do {
            try ConfigurationRewriter.writeAtomically(bytes: [UInt8](data), to: path)
        } catch {
            throw RebalanceStoreError(description: "cannot write the rebalance state file \(path): \(error)")
        }
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
}
