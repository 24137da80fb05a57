import AdminClient
import ArgumentParser
import Foundation

/// How to reach the running pgring's admin console: `--admin URL` and `--timeout SECONDS`.
struct AdminConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The admin console URL (default: $PGRING_ADMIN_URL, else \(AdminURL.defaultURL)). A missing password is taken from $PGPASSWORD.",
        valueName: "url"))
    var admin: String?

    @Option(name: .long, help: ArgumentHelp("Give up when the whole command takes longer (seconds).", valueName: "seconds"))
    var timeout: Int = 60

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
        // An explicit --admin is checked up front; a bad $PGRING_ADMIN_URL only matters when the console is
        // used (offline `ring ... --config` commands must not fail on it).
        if admin != nil {
            do {
                _ = try url()
            } catch {
                throw ValidationError("invalid admin URL: \(error)")
            }
        }
    }

    /// The URL from `--admin`, `PGRING_ADMIN_URL` or the default, with `PGPASSWORD` filling a missing password.
    func url() throws(AdminURLError) -> AdminURL {
        let environment = ProcessInfo.processInfo.environment
        let text = admin ?? environment["PGRING_ADMIN_URL"] ?? AdminURL.defaultURL
        var url = try AdminURL(parsing: text)
        if url.password == nil, let password = environment["PGPASSWORD"] { url.password = password }
        return url
    }

    /// Runs `queries` in one session and returns every result set in order. Failures are reported on stderr
    /// and end the process with the documented exit code (see `AdminExit`).
    func run(_ queries: [String]) throws -> [QueryResult] {
        let target: AdminURL
        do {
            target = try url()
        } catch {
            let source = admin != nil ? "--admin" : "$PGRING_ADMIN_URL"
            throw CommandFailure(message: "invalid admin URL (\(source)): \(error)")
        }
        let client = AdminClient(url: target, connectTimeout: .seconds(5), commandTimeout: .seconds(timeout))
        do {
            return try client.run(queries)
        } catch {
            throw AdminExit.report(error)
        }
    }

    /// Runs one query and returns its (first) result.
    func run(_ query: String) throws -> QueryResult {
        guard let result = try run([query]).first else {
            throw AdminExit.report(.protocolViolation("no result for \(query)"))
        }
        return result
    }
}

/// Options of every command that reads from the admin console: the connection and `--json`.
struct AdminOutputOptions: ParsableArguments {
    @OptionGroup var connection: AdminConnectionOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false
}

/// Reports admin console failures with the documented exit codes (``AdminClientError/exitCode``):
/// 2 unreachable or no answer in time, 3 permission denied (42501), 1 any other error.
/// Messages never contain the password (errors carry only `host:port`).
enum AdminExit {
    /// Prints `error` to stderr as `Error: <message>` and returns the `ExitCode` to throw.
    static func report(_ error: AdminClientError) -> ExitCode {
        FileHandle.standardError.write(Data(("Error: " + error.operatorMessage + "\n").utf8))
        return ExitCode(error.exitCode)
    }
}
