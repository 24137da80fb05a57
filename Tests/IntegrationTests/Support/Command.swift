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
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        let outData = LockedData(), errData = LockedData()
        outPipe.fileHandleForReading.readabilityHandler = { outData.append($0.availableData) }
        errPipe.fileHandleForReading.readabilityHandler = { errData.append($0.availableData) }
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
        outPipe.fileHandleForReading.readabilityHandler = nil
        errPipe.fileHandleForReading.readabilityHandler = nil
        outData.append(outPipe.fileHandleForReading.readDataToEndOfFile())
        errData.append(errPipe.fileHandleForReading.readDataToEndOfFile())
        return CommandResult(
            status: status,
            stdout: String(decoding: outData.value, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self),
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

/// Bytes collected from a pipe on another thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.lock(); data.append(more); lock.unlock() }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}
