import Testing

@testable import Config

/// One invalid configuration: the sections that differ from the valid base document, and the one
/// problem (key path and exact message) it must produce.
struct InvalidConfigurationCase: Sendable, CustomTestStringConvertible {
    let sections: [String: String]
    let keyPath: String
    let message: String
    var readableFiles: Set<String> = []
    var testDescription: String { "\(keyPath): \(message)" }
}

private let shard0 = "[[shards]]\nname = \"s0\"\nprimary = \"127.0.0.1:5432\"\n"
private let validMD5 = "md5" + String(repeating: "0123456789abcdef", count: 2)
private let validSCRAM = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5MTI=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5MTI="

/// Each rule of the configuration, broken alone, reports exactly one problem at the right key path.
@Suite("Configuration: invalid configurations")
struct InvalidConfigurationTests {
    static let cases: [InvalidConfigurationCase] = [
        // Unknown keys, with and without a suggestion.
        .init(sections: ["pool": "[pool]\nsizee = 5\n"], keyPath: "pool.sizee", message: "unknown key `pool.sizee`; did you mean `size`?"),
        .init(sections: ["pgring": "[pgrnig]\nlisten_port = 1\n"], keyPath: "pgrnig", message: "unknown key `pgrnig`; did you mean `pgring`?"),
        .init(sections: ["ring": "[ring]\nfoo = 1\n"], keyPath: "ring.foo", message: "unknown key `ring.foo`; known keys here: vnodes, version"),
        .init(
            sections: ["shards": shard0 + "wieght = 2\n"], keyPath: "shards[0].wieght",
            message: "unknown key `shards[0].wieght`; did you mean `weight`?"),
        .init(
            sections: ["users": "[[users]]\nname = \"app\"\npasword = \"x\"\npassword = \"y\"\n"], keyPath: "users[0].pasword",
            message: "unknown key `users[0].pasword`; did you mean `password`?"),
        // Wrong types name the expected type.
        .init(sections: ["pool": "[pool]\nsize = \"20\"\n"], keyPath: "pool.size", message: "expected an integer, found a string"),
        .init(sections: ["shards": shard0 + "weight = 1.5\n"], keyPath: "shards[0].weight", message: "expected an integer, found a float"),
        .init(
            sections: ["pool": "[pool]\nidle_timeout = \"10s\"\n"], keyPath: "pool.idle_timeout",
            message: "expected a number of seconds (integer or float), found a string"),
        .init(sections: ["server": "[server]\npassword = 1234\n"], keyPath: "server.password", message: "expected a string, found an integer"),
        .init(sections: ["pgring": "pgring = 5\n"], keyPath: "pgring", message: "expected a table (a `[pgring]` section), found an integer"),
        .init(
            sections: ["shards": "[shards]\nname = \"s0\"\nprimary = \"127.0.0.1:5432\"\n"], keyPath: "shards",
            message: "expected an array of tables (write each entry as `[[shards]]`), found a table"),
        .init(sections: ["shards": "shards = [\"s0\"]\n"], keyPath: "shards[0]", message: "expected a table, found a string"),
        .init(
            sections: ["shards": shard0 + "replicas = \"127.0.0.1:5433\"\n"], keyPath: "shards[0].replicas",
            message: "expected an array of \"host:port\" strings, found a string"),
        .init(
            sections: ["shards": shard0 + "replicas = [\"127.0.0.1:5433\", 5]\n"], keyPath: "shards[0].replicas[1]",
            message: "expected a \"host:port\" string, found an integer"),
        // Enumerations.
        .init(
            sections: ["pool": "[pool]\nmode = \"sesion\"\n"], keyPath: "pool.mode",
            message: "must be one of `session`, `transaction`, `statement`; got `sesion`; did you mean `session`?"),
        .init(
            sections: ["pgring": "[pgring]\nauth_method = \"password\"\n"], keyPath: "pgring.auth_method",
            message: "must be one of `scram-sha-256`, `md5`, `trust`; got `password`"),
        .init(
            sections: ["server": "[server]\ntls = \"verify-ca\"\n"], keyPath: "server.tls",
            message: "must be one of `disable`, `prefer`, `require`, `verify-full`; got `verify-ca`"),
        .init(
            sections: ["pgring": "[pgring]\nlog_level = \"infoo\"\n"], keyPath: "pgring.log_level",
            message: "must be one of `trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`; got `infoo`; did you mean `info`?"),
        .init(
            sections: ["pgring": "[pgring]\nlog_level = \"verbose\"\n"], keyPath: "pgring.log_level",
            message: "must be one of `trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`; got `verbose`"),
        // Addresses.
        .init(
            sections: ["shards": "[[shards]]\nname = \"s0\"\nprimary = \"127.0.0.1\"\n"], keyPath: "shards[0].primary",
            message: "invalid address: `127.0.0.1` has no port; expected host:port, e.g. `127.0.0.1:5432` or `[::1]:5432`"),
        .init(
            sections: ["shards": "[[shards]]\nname = \"s0\"\nprimary = \"127.0.0.1:70000\"\n"], keyPath: "shards[0].primary",
            message: "invalid address: `127.0.0.1:70000`: the port must be between 1 and 65535, got 70000"),
        .init(
            sections: ["shards": "[[shards]]\nname = \"s0\"\nprimary = \"db:0\"\n"], keyPath: "shards[0].primary",
            message: "invalid address: `db:0`: the port must be between 1 and 65535, got 0"),
        .init(
            sections: ["shards": "[[shards]]\nname = \"s0\"\nprimary = \"::1:5432\"\n"], keyPath: "shards[0].primary",
            message: "invalid address: `::1:5432`: an IPv6 address must be written in brackets, e.g. `[::1]:5432`"),
        .init(
            sections: ["shards": shard0 + "replicas = [\"127.0.0.1:x\"]\n"], keyPath: "shards[0].replicas[0]",
            message: "invalid address: `127.0.0.1:x`: the port must be a number between 1 and 65535"),
        // Required keys and sections.
        .init(
            sections: ["shards": "[[shards]]\nname = \"s0\"\n"], keyPath: "shards[0].primary",
            message: "is required: the shard's primary server as \"host:port\""),
        .init(
            sections: ["shards": "[[shards]]\nprimary = \"127.0.0.1:5432\"\n"], keyPath: "shards[0].name",
            message: "is required: every shard needs a unique name"),
        .init(
            sections: ["databases": "[[databases]]\nserver_database = \"x\"\n"], keyPath: "databases[0].name",
            message: "is required: the database name clients connect to"),
        .init(
            sections: ["users": "[[users]]\npassword = \"p\"\n"], keyPath: "users[0].name",
            message: "is required: the user name clients log in with"),
        .init(sections: ["shards": ""], keyPath: "shards", message: "at least one shard is required: add a [[shards]] section"),
        .init(sections: ["shards": "shards = []\n"], keyPath: "shards", message: "at least one shard is required: add a [[shards]] section"),
        .init(sections: ["databases": ""], keyPath: "databases", message: "at least one database is required: add a [[databases]] section"),
        .init(sections: ["users": ""], keyPath: "users", message: "at least one user is required: add a [[users]] section"),
        // Shards.
        .init(
            sections: ["shards": shard0 + "[[shards]]\nname = \"s0\"\nprimary = \"127.0.0.1:5442\"\n"], keyPath: "shards[1].name",
            message: "duplicate shard name `s0` (also shards[0])"),
        .init(
            sections: ["shards": "[[shards]]\nname = \"\"\nprimary = \"127.0.0.1:5432\"\n"], keyPath: "shards[0].name",
            message: "must not be empty"),
        .init(
            sections: ["shards": "[[shards]]\nname = \"shard 0\"\nprimary = \"127.0.0.1:5432\"\n"], keyPath: "shards[0].name",
            message: "`shard 0` may only contain letters, digits, `_`, `.` and `-`"),
        .init(sections: ["shards": shard0 + "weight = 0\n"], keyPath: "shards[0].weight", message: "must be between 1 and 1000, got 0"),
        .init(sections: ["shards": shard0 + "weight = -3\n"], keyPath: "shards[0].weight", message: "must be between 1 and 1000, got -3"),
        .init(sections: ["shards": shard0 + "weight = 1001\n"], keyPath: "shards[0].weight", message: "must be between 1 and 1000, got 1001"),
        .init(
            sections: ["shards": shard0 + "replicas = [\"127.0.0.1:5432\"]\n"], keyPath: "shards[0].replicas[0]",
            message: "`127.0.0.1:5432` is the shard's primary; a replica must be another server"),
        .init(
            sections: ["shards": shard0 + "replicas = [\"127.0.0.1:5433\", \"127.0.0.1:5433\"]\n"], keyPath: "shards[0].replicas[1]",
            message: "`127.0.0.1:5433` is listed twice"),
        .init(
            sections: ["shards": shard0 + "replicas = [\"[::1]:5433\", \"[::1]:5433\"]\n"], keyPath: "shards[0].replicas[1]",
            message: "`[::1]:5433` is listed twice"),
        // Databases.
        .init(
            sections: ["databases": "[[databases]]\nname = \"app\"\n[[databases]]\nname = \"app\"\n"], keyPath: "databases[1].name",
            message: "duplicate database name `app` (also databases[0])"),
        .init(sections: ["databases": "[[databases]]\nname = \"\"\n"], keyPath: "databases[0].name", message: "must not be empty"),
        .init(
            sections: ["databases": "[[databases]]\nname = \"app\"\nserver_database = \"\"\n"], keyPath: "databases[0].server_database",
            message: "must not be empty; remove the key to use `name`"),
        // Users.
        .init(
            sections: ["users": "[[users]]\nname = \"app\"\npassword = \"a\"\n[[users]]\nname = \"app\"\npassword = \"b\"\n"],
            keyPath: "users[1].name", message: "duplicate user `app` (also users[0])"),
        .init(
            sections: ["users": "[[users]]\nname = \"app\"\n"], keyPath: "users[0]",
            message: "user `app` needs one of password, scram_verifier, md5_hash (auth_method is scram-sha-256; only \"trust\" allows none)"),
        .init(
            sections: ["pgring": "[pgring]\nauth_method = \"md5\"\n", "users": "[[users]]\nname = \"app\"\n"], keyPath: "users[0]",
            message: "user `app` needs one of password, scram_verifier, md5_hash (auth_method is md5; only \"trust\" allows none)"),
        .init(
            sections: ["users": "[[users]]\nname = \"app\"\npassword = \"p\"\nmd5_hash = \"\(validMD5)\"\n"], keyPath: "users[0]",
            message: "user `app` sets password and md5_hash; set exactly one of password, scram_verifier, md5_hash"),
        .init(
            sections: [
                "pgring": "[pgring]\nauth_method = \"trust\"\n",
                "users": "[[users]]\nname = \"app\"\npassword = \"p\"\nscram_verifier = \"\(validSCRAM)\"\n",
            ],
            keyPath: "users[0]",
            message: "user `app` sets password and scram_verifier; set exactly one of password, scram_verifier, md5_hash"),
        .init(
            sections: ["users": "[[users]]\nname = \"app\"\nscram_verifier = \"SCRAM-SHA-256$abc:c2FsdA==$YQ==:Yg==\"\n"],
            keyPath: "users[0].scram_verifier",
            message: "must look like SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>, as in pg_authid.rolpassword"),
        .init(
            sections: ["users": "[[users]]\nname = \"app\"\nscram_verifier = \"SCRAM-SHA-256$4096:c2FsdA==$YQ==\"\n"],
            keyPath: "users[0].scram_verifier",
            message: "must look like SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>, as in pg_authid.rolpassword"),
        .init(
            sections: [
                "pgring": "[pgring]\nauth_method = \"md5\"\n",
                "users": "[[users]]\nname = \"app\"\nmd5_hash = \"md5\(String(repeating: "ABCDEF0123456789", count: 2))\"\n",
            ],
            keyPath: "users[0].md5_hash",
            message: "must be \"md5\" followed by 32 lowercase hexadecimal digits, as in pg_authid.rolpassword"),
        .init(
            sections: ["pgring": "[pgring]\nauth_method = \"md5\"\n", "users": "[[users]]\nname = \"app\"\nmd5_hash = \"md5abc\"\n"],
            keyPath: "users[0].md5_hash",
            message: "must be \"md5\" followed by 32 lowercase hexadecimal digits, as in pg_authid.rolpassword"),
        .init(
            sections: ["users": "[[users]]\nname = \"app\"\nmd5_hash = \"\(validMD5)\"\n"], keyPath: "users[0].md5_hash",
            message: "cannot be used with auth_method = \"scram-sha-256\"; set password or scram_verifier instead"),
        .init(
            sections: ["pgring": "[pgring]\nauth_method = \"md5\"\n", "users": "[[users]]\nname = \"app\"\nscram_verifier = \"\(validSCRAM)\"\n"],
            keyPath: "users[0].scram_verifier",
            message: "cannot be used with auth_method = \"md5\"; set password or md5_hash instead"),
        // TLS.
        .init(
            sections: ["tls": "[tls]\ncert_file = \"/c.pem\"\n"], keyPath: "tls.key_file",
            message: "is required when tls.cert_file is set (set both or neither)", readableFiles: ["/c.pem"]),
        .init(
            sections: ["tls": "[tls]\nkey_file = \"/k.pem\"\n"], keyPath: "tls.cert_file",
            message: "is required when tls.key_file is set (set both or neither)", readableFiles: ["/k.pem"]),
        .init(
            sections: ["tls": "[tls]\ncert_file = \"/c.pem\"\nkey_file = \"/k.pem\"\n"], keyPath: "tls.key_file",
            message: "cannot read the file `/k.pem` (missing, a directory, or not readable)", readableFiles: ["/c.pem"]),
        .init(
            sections: ["server": "[server]\ntls = \"verify-full\"\n"], keyPath: "server.ca_file",
            message: "is required when server.tls = \"verify-full\""),
        .init(
            sections: ["server": "[server]\ntls = \"verify-full\"\nca_file = \"/ca.pem\"\n"], keyPath: "server.ca_file",
            message: "cannot read the file `/ca.pem` (missing, a directory, or not readable)"),
        // Pool, timeouts, limits, ring.
        .init(sections: ["pool": "[pool]\nsize = 0\nmax_idle = 0\n"], keyPath: "pool.size", message: "must be at least 1, got 0"),
        .init(sections: ["ring": "[ring]\nvnodes = 100000\n", "shards": "[[shards]]\nname = \"s0\"\nweight = 100\nprimary = \"127.0.0.1:5432\"\n"],
            keyPath: "ring.vnodes",
            message: "vnodes (100000) x total shard weight (100) makes more than 8388608 ring points; lower vnodes or the weights"),
        .init(sections: ["pool": "[pool]\nmode = \"transactions\"\n"], keyPath: "pool.mode",
            message: "must be one of `session`, `transaction`, `statement`; got `transactions`; did you mean `transaction`?"),
        .init(sections: ["pool": "[pool]\nmax_prepared_statements = -1\n"], keyPath: "pool.max_prepared_statements",
            message: "must be between 0 (off) and 100000, got -1"),
        .init(sections: ["pool": "[pool]\nsize = 5\nmax_idle = 5\nmin_idle = 6\n"], keyPath: "pool.min_idle",
            message: "must be between 0 and pool.size (5), got 6"),
        .init(sections: ["pool": "[pool]\nidle_transaction_timeout = -2\n"], keyPath: "pool.idle_transaction_timeout",
            message: "must be a finite number of seconds >= 0, got -2.0"),
        .init(sections: ["pgring": "[pgring]\nmax_client_conn = 0\n"], keyPath: "pgring.max_client_conn",
            message: "must be between 1 and 1000000, got 0"),
        .init(sections: ["stats": "[stats]\nlisten_port = 70000\n"], keyPath: "stats.listen_port",
            message: "must be between 1 and 65535, got 70000"),
        .init(sections: ["stats": "[stats]\nenabled = \"yes\"\n"], keyPath: "stats.enabled",
            message: "expected a boolean (true or false), found a string"),
        .init(sections: ["server": "[server]\nuser = \"app\"\npassword = \"app\"\nlogin_retry_delay = -1\n"], keyPath: "server.login_retry_delay",
            message: "must be a finite number of seconds >= 0, got -1.0"),
        .init(
            sections: ["pool": "[pool]\nsize = 5\nmax_idle = 6\n"], keyPath: "pool.max_idle",
            message: "must be between 0 and pool.size (5), got 6"),
        .init(sections: ["pool": "[pool]\nmax_idle = -1\n"], keyPath: "pool.max_idle", message: "must be between 0 and pool.size (20), got -1"),
        .init(
            sections: ["pool": "[pool]\nidle_timeout = -1\n"], keyPath: "pool.idle_timeout",
            message: "must be a finite number of seconds >= 0, got -1.0"),
        .init(
            sections: ["pool": "[pool]\nquery_wait_timeout = nan\n"], keyPath: "pool.query_wait_timeout",
            message: "must be a finite number of seconds >= 0, got nan"),
        .init(
            sections: ["pool": "[pool]\nserver_lifetime = -0.5\n"], keyPath: "pool.server_lifetime",
            message: "must be a finite number of seconds >= 0, got -0.5"),
        .init(
            sections: ["pgring": "[pgring]\nshutdown_timeout = inf\n"], keyPath: "pgring.shutdown_timeout",
            message: "must be a finite number of seconds >= 0, got inf"),
        .init(
            sections: ["pgring": "[pgring]\nauth_failure_delay = -2\n"], keyPath: "pgring.auth_failure_delay",
            message: "must be a finite number of seconds >= 0, got -2.0"),
        .init(
            sections: ["server": "[server]\nconnect_timeout = -0.25\n"], keyPath: "server.connect_timeout",
            message: "must be a finite number of seconds >= 0, got -0.25"),
        .init(
            sections: ["pgring": "[pgring]\nmax_message_size = 1023\n"], keyPath: "pgring.max_message_size",
            message: "must be between 1024 (1 KiB) and 1073741824 (1 GiB) bytes, got 1023"),
        .init(
            sections: ["pgring": "[pgring]\nmax_message_size = 1073741825\n"], keyPath: "pgring.max_message_size",
            message: "must be between 1024 (1 KiB) and 1073741824 (1 GiB) bytes, got 1073741825"),
        .init(sections: ["pgring": "[pgring]\nlisten_port = 0\n"], keyPath: "pgring.listen_port", message: "must be between 1 and 65535, got 0"),
        .init(sections: ["pgring": "[pgring]\nlisten_port = 65536\n"], keyPath: "pgring.listen_port", message: "must be between 1 and 65535, got 65536"),
        .init(
            sections: ["pgring": "[pgring]\nlisten_host = \"\"\n"], keyPath: "pgring.listen_host",
            message: "must not be empty (e.g. \"127.0.0.1\" or \"0.0.0.0\")"),
        .init(
            sections: ["pgring": "[pgring]\nunix_socket_dir = \"\"\n"], keyPath: "pgring.unix_socket_dir",
            message: "must not be empty; remove the key to disable the Unix socket"),
        .init(
            sections: ["server": "[server]\nuser = \"\"\n"], keyPath: "server.user",
            message: "must not be empty: the role pgring logs in to PostgreSQL as"),
        .init(sections: ["ring": "[ring]\nvnodes = 0\n"], keyPath: "ring.vnodes", message: "must be between 1 and 100000, got 0"),
        .init(sections: ["ring": "[ring]\nvnodes = 100001\n"], keyPath: "ring.vnodes", message: "must be between 1 and 100000, got 100001"),
        .init(sections: ["ring": "[ring]\nversion = 0\n"], keyPath: "ring.version", message: "must be at least 1, got 0"),
    ]

    @Test(arguments: cases)
    func reportsExactlyTheBrokenRule(_ testCase: InvalidConfigurationCase) {
        let problems = ConfigurationDocument.problems(
            in: ConfigurationDocument.text(testCase.sections), readableFiles: testCase.readableFiles)
        #expect(problems == [ConfigurationProblem(keyPath: testCase.keyPath, message: testCase.message)])
    }

    @Test func theBaseDocumentIsValid() {
        #expect(ConfigurationDocument.problems(in: ConfigurationDocument.text()) == [])
    }

    @Test func boundaryValuesAreAccepted() {
        let text = ConfigurationDocument.text([
            "pgring": "[pgring]\nlisten_port = 65535\nmax_message_size = 1024\nshutdown_timeout = 0\n",
            "pool": "[pool]\nsize = 1\nmax_idle = 1\nidle_timeout = 0\n",
            "ring": "[ring]\nvnodes = 100000\nversion = 1\n",
            "shards": "[[shards]]\nname = \"A-z_0.9\"\nweight = 83\nprimary = \"h:1\"\n",
        ])
        #expect(ConfigurationDocument.problems(in: text) == [], "100000 x 83 points is just under the ring's limit")
        let heaviest = ConfigurationDocument.text([
            "ring": "[ring]\nvnodes = 8000\n",
            "shards": "[[shards]]\nname = \"s0\"\nweight = 1000\nprimary = \"h:1\"\n",
        ])
        #expect(ConfigurationDocument.problems(in: heaviest) == [])
        let upper = ConfigurationDocument.text([
            "pgring": "[pgring]\nlisten_port = 1\nmax_message_size = 1073741824\n",
            "ring": "[ring]\nvnodes = 1\n",
        ])
        #expect(ConfigurationDocument.problems(in: upper) == [])
    }
}
