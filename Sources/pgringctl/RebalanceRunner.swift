import AdminClient
import ArgumentParser
import Config
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Running

/// The console calls of the rebalance commands, the confirmation and the wait loop.
struct RebalanceRunner {
    let options: AdminOutputOptions

    static let followHint = "Follow it with: pgringctl rebalance status (or pass --wait)."

    /// Runs one console command and checks that its result has `columns`.
    func run(_ command: String, expecting columns: [String]) throws -> QueryResult {
        let result = try options.connection.run(command)
        for column in columns where result.columnIndex(column) == nil {
            throw AdminExit.report(.protocolViolation("\(command.split(separator: " ").prefix(2).joined(separator: " ")) answered without a \(column) column"))
        }
        return result
    }

    /// REBALANCE PLAN.
    func plan(_ request: RebalanceRequest) throws -> RebalancePlanReport {
        RebalancePlanReport(try run(request.command(.plan), expecting: ["kind"]))
    }

    /// SHOW REBALANCE.
    func status() throws -> RebalanceStatusReport {
        RebalanceStatusReport(try run("SHOW REBALANCE", expecting: ["key", "value"]))
    }

    /// add / remove / reweight: PLAN, print it, refuse on problems, confirm, START, optionally follow.
    func planAndStart(_ request: RebalanceRequest, yes: Bool, wait: Bool) throws {
        let report = try plan(request)
        let planJSON = report.json()
        /// In JSON mode everything goes into one object on stdout.
        func printJSON(_ job: [(String, JSONValue)]) {
            print(JSONValue.object([("plan", planJSON)] + job).render())
        }
        if options.json {
            if !report.problems.isEmpty { printJSON([("job", .null)]) }
        } else {
            print(report.text(operation: request.summary))
        }
        guard report.problems.isEmpty else {
            let count = report.problems.count
            throw CommandFailure(message: "the rebalance cannot start: \(count) failing precondition\(count == 1 ? "" : "s") (see the plan); nothing was started")
        }
        if !yes {
            guard isatty(STDIN_FILENO) != 0 else {
                if options.json { printJSON([("job", .null)]) }
                throw CommandFailure(message: "not started: stdin is not a terminal, so pgringctl cannot ask for confirmation; pass --yes to start without asking")
            }
            FileHandle.standardError.write(Data("Start this rebalance? [y/N] ".utf8))
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
            guard answer == "y" || answer == "yes" else {
                if options.json { printJSON([("job", .null)]) }
                FileHandle.standardError.write(Data("Not started.\n".utf8))
                throw ExitCode.failure
            }
        }
        let started = try run(request.command(.start), expecting: ["job", "phase"])
        let record = started.records.first ?? [:]
        let job = (record["job"] ?? nil) ?? "?"
        let phase = (record["phase"] ?? nil) ?? "?"
        var members: [(String, JSONValue)] = [("job", .string(job)), ("phase", .string(phase))]
        if !options.json {
            print("Started rebalance job \(job) (phase \(phase)).")
        }
        guard wait else {
            if options.json { printJSON(members) } else { print(Self.followHint) }
            return
        }
        let final = try follow(job: job, from: phase)
        if options.json {
            members.append(("status", final.json()))
            printJSON(members)
        } else {
            print(final.outcome(job: job))
        }
        if final.phase != "done" { throw ExitCode.failure }
    }

    /// Polls SHOW REBALANCE every second and prints each phase change (to stderr with --json) until the
    /// job is done, aborted or failed, or stops running, or another job replaces it. Returns the last status.
    func follow(job: String, from phase: String) throws -> RebalanceStatusReport {
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm:ss"
        func say(_ line: String) {
            if options.json {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            } else {
                print(line)
                fflush(nil)
            }
        }
        say("Waiting for job \(job) (Ctrl-C stops waiting, not the job):")
        var last = ""
        var notRunning = 0
        while true {
            let report = try status()
            let current = report.phase ?? "none"
            if current != last {
                var line = "  \(clock.string(from: Date()))  \(current)"
                if current == "failed", let failed = report.value("failed_phase") { line += " (in \(failed))" }
                say(line)
                last = current
            }
            if let other = report.value("job"), other != job {
                say("Another rebalance job (\(other)) replaced \(job); stopped waiting.")
                return report
            }
            if current == "none" || RebalanceStatusReport.endPhases.contains(current) { return report }
            // A job that stopped without failing (pgring restarted) does not move on by itself.
            notRunning = report.value("running") == "false" ? notRunning + 1 : 0
            if notRunning >= 3 {
                say("Job \(job) is not running (phase \(current)); continue it with: pgringctl rebalance resume --wait")
                return report
            }
            Thread.sleep(forTimeInterval: 1)
        }
    }
}

// MARK: - Formatting helpers

/// Human-readable numbers for the rebalance reports.
enum RebalanceFormat {
    /// `1536` -> `1.5 KiB`; nil or non-numbers as `-` or as sent.
    static func bytes(_ text: String?) -> String {
        guard let text else { return "-" }
        guard let value = Double(text), ColumnKind.isJSONNumber(text) else { return text }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var amount = value
        var unit = 0
        while abs(amount) >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(amount)) B" }
        return String(format: "%.1f %@", amount, units[unit])
    }

    /// `1234567` -> `1,234,567`; nil as `-`; non-integers as sent.
    static func count(_ text: String?) -> String {
        guard let text else { return "-" }
        guard let value = Int(text) else { return text }
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `50.000` -> `50.000%`; nil as `-`.
    static func percent(_ text: String?) -> String {
        guard let text else { return "-" }
        return text + "%"
    }

    /// Seconds as `12.3 s`, `5 min 03 s`, `2 h 05 min`.
    static func duration(_ text: String?) -> String {
        guard let text, let seconds = Double(text) else { return text ?? "-" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds)
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }

    /// A number as a JSON number when it is one, else a string; nil as null.
    static func number(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        return ColumnKind.isJSONNumber(text) ? .number(text) : .string(text)
    }

    /// A string or null.
    static func string(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
}
