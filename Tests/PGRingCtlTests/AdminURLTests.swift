import AdminClient
import Testing

@Suite("Admin URL parsing")
struct AdminURLTests {
    @Test("valid URLs", arguments: [
        ("postgres://admin:admin@127.0.0.1:6432/pgring", AdminURL(user: "admin", password: "admin", host: "127.0.0.1", port: 6432, database: "pgring")),
        ("postgresql://app:app@localhost:26432/app?sslmode=disable", AdminURL(user: "app", password: "app", host: "localhost", port: 26432, database: "app")),
        ("postgres://ad%40min:p%40ss%3Aw%2Fd@db.example:7000/pg%20ring", AdminURL(user: "ad@min", password: "p@ss:w/d", host: "db.example", port: 7000, database: "pg ring")),
        ("postgres://admin@127.0.0.1/pgring", AdminURL(user: "admin", password: nil, host: "127.0.0.1", port: 6432, database: "pgring")),
        ("postgres://admin:@127.0.0.1", AdminURL(user: "admin", password: "", host: "127.0.0.1", port: 6432, database: "pgring")),
        ("postgres://admin:x@[::1]:6000/pgring", AdminURL(user: "admin", password: "x", host: "::1", port: 6000, database: "pgring")),
        ("postgres://admin:x@[::1]/pgring", AdminURL(user: "admin", password: "x", host: "::1", port: 6432, database: "pgring")),
        ("postgres://admin:x@:7000/pgring", AdminURL(user: "admin", password: "x", host: "127.0.0.1", port: 7000, database: "pgring")),
        ("postgres://admin:p@ss@127.0.0.1/pgring", AdminURL(user: "admin", password: "p@ss", host: "127.0.0.1", port: 6432, database: "pgring")),
        ("postgres://%C3%A9l%C3%A8ve:pw@h/pgring?application_name=x&sslmode=prefer", AdminURL(user: "élève", password: "pw", host: "h", port: 6432, database: "pgring")),
    ])
    func parses(text: String, expected: AdminURL) throws {
        #expect(try AdminURL(parsing: text) == expected)
    }

    @Test("invalid URLs are rejected without echoing the password", arguments: [
        ("http://admin:topsecret@h/pgring", "postgres://"),
        ("postgres://h:6432/pgring", "names no user"),
        ("postgres://:topsecret@h/pgring", "names no user"),
        ("postgres://admin:topsecret@h:99999/pgring", "port"),
        ("postgres://admin:topsecret@h:12ab/pgring", "port"),
        ("postgres://admin:top%zzsecret@h/pgring", "password has an invalid %-escape"),
        ("postgres://admin:top%FFsecret@h/pgring", "password is not valid UTF-8"),
        ("postgres://admin:topsecret@[::1/pgring", "IPv6"),
        ("postgres://admin:topsecret@h/pgring?sslmode=require", "sslmode=require"),
    ])
    func rejects(text: String, expectedFragment: String) {
        #expect {
            _ = try AdminURL(parsing: text)
        } throws: { error in
            let message = "\(error)"
            return message.contains(expectedFragment) && !message.contains("topsecret")
        }
    }

    @Test func redactionNeverShowsThePassword() throws {
        let url = try AdminURL(parsing: "postgres://ad%20min:topsecret@127.0.0.1:6432/pgring")
        #expect(url.redacted == "postgres://ad%20min:***@127.0.0.1:6432/pgring")
        #expect("\(url)" == url.redacted)
        #expect(url.endpoint == "127.0.0.1:6432")
        let v6 = try AdminURL(parsing: "postgres://a@[::1]:7/db")
        #expect(v6.redacted == "postgres://a@[::1]:7/db")
    }

    @Test func errorsNameOnlyTheEndpoint() throws {
        let url = try AdminURL(parsing: "postgres://admin:topsecret@127.0.0.1:6432/pgring")
        let errors: [AdminClientError] = [
            .unreachable(endpoint: url.endpoint, reason: "Connection refused"),
            .timedOut(endpoint: url.endpoint, seconds: 60),
            .connectionClosed(endpoint: url.endpoint),
            .passwordRequired,
        ]
        for error in errors {
            #expect(!error.operatorMessage.contains("topsecret"))
        }
        #expect(errors[0].operatorMessage == "cannot reach pgring at 127.0.0.1:6432: Connection refused")
    }
}

@Suite("Exit codes and messages")
struct AdminExitTests {
    @Test("exit codes", arguments: [
        (AdminClientError.unreachable(endpoint: "h:1", reason: "Connection refused"), Int32(2)),
        (.timedOut(endpoint: "h:1", seconds: 5), 2),
        (.connectionClosed(endpoint: "h:1"), 2),
        (.server(ServerError(sqlState: "42501", message: "SHOW POOLS needs the stats role")), 3),
        (.server(ServerError(sqlState: "42601", message: "unknown command")), 1),
        (.server(ServerError(severity: "FATAL", sqlState: "28P01", message: "password authentication failed")), 1),
        (.passwordRequired, 1),
        (.authenticationFailed("SCRAM"), 1),
        (.protocolViolation("x"), 1),
    ])
    func exitCode(error: AdminClientError, code: Int32) {
        #expect(error.exitCode == code)
    }

    @Test func permissionDeniedMessage() {
        let error = AdminClientError.server(ServerError(sqlState: "42501", message: "PAUSE needs the admin role"))
        #expect(error.operatorMessage == "permission denied: PAUSE needs the admin role (connect as an admin user)")
        let prefixed = AdminClientError.server(ServerError(sqlState: "42501", message: "permission denied: this command needs the admin role"))
        #expect(prefixed.operatorMessage == "permission denied: this command needs the admin role (connect as an admin user)")
    }

    @Test func otherErrorsShowDetailAndHint() {
        let error = AdminClientError.server(ServerError(
            sqlState: "42601", message: "unknown admin command: SHOW FOO", detail: "d", hint: "Run SHOW HELP."))
        #expect(error.operatorMessage == "unknown admin command: SHOW FOO\nDetail: d\nHint: Run SHOW HELP.")
    }
}
