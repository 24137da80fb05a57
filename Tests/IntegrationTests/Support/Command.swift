import Foundation

/// The result of running an external program (psql, pgbench, python3).
struct CommandResult: Sendable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool
    var description: String { "exit \(status)\(timedOut ? " (timed out)" : "")\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs real client programs as subprocesses, with a bounded time.
enum Command {
    static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: String? = nil,
        timeout: Double = 120
    ) async throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try resolve(executable))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // stdout and stderr go to temporary files, read once the program has exited. Not pipes with a
        // `readabilityHandler`: tearing such a handler down races libdispatch's cancellation of its read source
        // and can crash the whole test process in `_dispatch_event_loop_drain` (swift-corelibs-foundation, seen
        // in one CI run of this suite; swiftlang/swift-corelibs-foundation#5507 reproduces it).
        let scratch = FileManager.default.temporaryDirectory
        let outURL = scratch.appendingPathComponent("pgring-cmd-\(UUID().uuidString).out")
        let errURL = scratch.appendingPathComponent("pgring-cmd-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        let inPipe = Pipe()
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inPipe
        let timedOut = LockedFlag()
        // No thread blocks while the program runs: its exit resumes the task.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning {
                    timedOut.set()
                    kill(pid, SIGKILL)
                }
            }
            if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
            try? inPipe.fileHandleForWriting.close()
        }
        let outData = (try? Data(contentsOf: outURL)) ?? Data()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return CommandResult(
            status: status,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            timedOut: timedOut.value
        )
    }

    static func resolve(_ executable: String) throws -> String {
        if executable.hasPrefix("/") { return executable }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestSetupError("\(executable) is not installed (tools/test installs it)")
    }
}

/// A flag set from another thread.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
