import Routing
import HashRing
import Testing

@testable import Config

private let twoShards = """
    [[shards]]
    name = "shard0"
    primary = "127.0.0.1:5432"
    [[shards]]
    name = "shard1"
    primary = "127.0.0.1:5442"

    """

/// `[routing]` and `[[tables]]`: defaults, mapping of every key, and every rule (config/README.md).
@Suite("Configuration: routing and tables")
struct RoutingConfigurationTests {
    /// The configuration loaded from the valid base document with `sections` replaced.
    static func load(_ sections: [String: String]) throws -> PGRingConfiguration {
        try ConfigurationLoader.parse(ConfigurationDocument.text(sections), source: "test.toml", isReadableFile: { _ in false })
    }

    // MARK: Defaults

    @Test func defaultsWhenTheSectionsAreAbsent() throws {
        let configuration = try Self.load([:])
        #expect(configuration.routing == RoutingSettings())
        #expect(configuration.tables == [])
    }

    @Test func anEmptyRoutingSectionKeepsTheDefaults() throws {
        let configuration = try Self.load(["routing": "[routing]\n"])
        #expect(configuration.routing == RoutingSettings())
    }

    @Test func theDefaultsAreTheDocumentedOnes() {
        let routing = RoutingSettings()
        #expect(routing.defaultShard == nil)
        #expect(routing.noKeyPolicy == .reject)
        #expect(routing.globalWrites == .reject)
        #expect(routing.volatileFunctions == [])
        #expect(routing.hintKeyType == .int)
        #expect(routing.replicaReads)
        #expect(routing.replicaBalance == .roundRobin)
        #expect(routing.replicaFallback == .primary)
        #expect(routing.maxReplicaLagBytes == 16_777_216)
        #expect(routing.maxReplicaLagSeconds == 10)
        #expect(routing.healthCheckInterval == 1)
        #expect(routing.healthCheckTimeout == 2)
        #expect(routing.readYourWrites)
        #expect(routing.readYourWritesWait == 0)
    }

    // MARK: Mapping

    @Test func everyRoutingKeyMapsToItsField() throws {
        let configuration = try Self.load([
            "shards": twoShards,
            "routing": """
                [routing]
                default_shard = "shard1"
                no_key_policy = "all_shards"
                global_writes = "all_shards"
                volatile_functions = ["my_fn", "Audit_Log"]
                hint_key_type = "uuid"
                replica_reads = false
                replica_balance = "least_outstanding"
                replica_fallback = "error"
                max_replica_lag_bytes = 0
                max_replica_lag_seconds = 2.5
                health_check_interval = 0.5
                health_check_timeout = 3
                read_your_writes = false
                read_your_writes_wait = 0.25

                """,
        ])
        var expected = RoutingSettings()
        expected.defaultShard = "shard1"
        expected.noKeyPolicy = .allShards
        expected.globalWrites = .allShards
        expected.volatileFunctions = ["my_fn", "Audit_Log"]
        expected.hintKeyType = .uuid
        expected.replicaReads = false
        expected.replicaBalance = .leastOutstanding
        expected.replicaFallback = .error
        expected.maxReplicaLagBytes = 0
        expected.maxReplicaLagSeconds = 2.5
        expected.healthCheckInterval = 0.5
        expected.healthCheckTimeout = 3
        expected.readYourWrites = false
        expected.readYourWritesWait = 0.25
        #expect(configuration.routing == expected)
    }

    @Test func integersAreAcceptedForSecondKeys() throws {
        let configuration = try Self.load([
            "routing": "[routing]\nmax_replica_lag_seconds = 30\nhealth_check_interval = 2\nread_your_writes_wait = 1\n"
        ])
        #expect(configuration.routing.maxReplicaLagSeconds == 30)
        #expect(configuration.routing.healthCheckInterval == 2)
        #expect(configuration.routing.readYourWritesWait == 1)
    }

    @Test(arguments: NoKeyPolicy.allCases)
    func everyNoKeyPolicyValueMaps(_ value: NoKeyPolicy) throws {
        let configuration = try Self.load(["routing": "[routing]\nno_key_policy = \"\(value.rawValue)\"\n"])
        #expect(configuration.routing.noKeyPolicy == value)
    }

    @Test(arguments: GlobalWritePolicy.allCases)
    func everyGlobalWritesValueMaps(_ value: GlobalWritePolicy) throws {
        let configuration = try Self.load(["routing": "[routing]\nglobal_writes = \"\(value.rawValue)\"\n"])
        #expect(configuration.routing.globalWrites == value)
    }

    @Test(arguments: ReplicaChooser.Balance.allCases)
    func everyReplicaBalanceValueMaps(_ value: ReplicaChooser.Balance) throws {
        let configuration = try Self.load(["routing": "[routing]\nreplica_balance = \"\(value.rawValue)\"\n"])
        #expect(configuration.routing.replicaBalance == value)
    }

    @Test(arguments: ReplicaFallback.allCases)
    func everyReplicaFallbackValueMaps(_ value: ReplicaFallback) throws {
        let configuration = try Self.load(["routing": "[routing]\nreplica_fallback = \"\(value.rawValue)\"\n"])
        #expect(configuration.routing.replicaFallback == value)
    }

    @Test(arguments: ShardingKeyType.allCases)
    func everyKeyTypeMapsForHintsAndTables(_ value: ShardingKeyType) throws {
        let configuration = try Self.load([
            "routing": "[routing]\nhint_key_type = \"\(value.rawValue)\"\n",
            "tables": "[[tables]]\nname = \"t\"\nkey = \"k\"\nkey_type = \"\(value.rawValue)\"\n",
        ])
        #expect(configuration.routing.hintKeyType == value)
        #expect(configuration.tables == [TableConfiguration(name: "t", keyColumn: "k", keyType: value)])
    }

    @Test func tablesMapInFileOrderWithNamesAndKeysFolded() throws {
        let configuration = try Self.load([
            "tables": """
                [[tables]]
                name = "accounts"
                key = "user_id"

                [[tables]]
                name = "Posts"
                key = "User_ID"
                key_type = "text"
                global = false

                [[tables]]
                name = "COUNTRIES"
                global = true

                [[tables]]
                name = "Städte"
                key = "Id"

                """
        ])
        #expect(configuration.tables == [
            TableConfiguration(name: "accounts", keyColumn: "user_id", keyType: .int, isGlobal: false),
            TableConfiguration(name: "posts", keyColumn: "user_id", keyType: .text, isGlobal: false),
            TableConfiguration(name: "countries", keyColumn: nil, isGlobal: true),
            // Only ASCII letters fold, as in PostgreSQL's downcase_identifier for a UTF-8 database.
            TableConfiguration(name: "städte", keyColumn: "id"),
        ])
    }

    // MARK: Problems

    static let invalidCases: [InvalidConfigurationCase] = [
        // Unknown keys.
        .init(
            sections: ["routing": "[routing]\nreplica_read = true\n"], keyPath: "routing.replica_read",
            message: "unknown key `routing.replica_read`; did you mean `replica_reads`?"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nkey = \"k\"\nkeytype = \"int\"\n"], keyPath: "tables[0].keytype",
            message: "unknown key `tables[0].keytype`; did you mean `key_type`?"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nkey = \"k\"\nschema = \"public\"\n"], keyPath: "tables[0].schema",
            message: "unknown key `tables[0].schema`; known keys here: name, key, key_type, global"),
        .init(sections: ["tables": "[[table]]\nname = \"a\"\n"], keyPath: "table", message: "unknown key `table`; did you mean `tables`?"),
        // Wrong types.
        .init(sections: ["routing": "[routing]\ndefault_shard = 1\n"], keyPath: "routing.default_shard", message: "expected a string, found an integer"),
        .init(
            sections: ["routing": "[routing]\nreplica_reads = \"yes\"\n"], keyPath: "routing.replica_reads",
            message: "expected a boolean (true or false), found a string"),
        .init(
            sections: ["routing": "[routing]\nvolatile_functions = \"my_fn\"\n"], keyPath: "routing.volatile_functions",
            message: "expected an array of strings, found a string"),
        .init(
            sections: ["routing": "[routing]\nvolatile_functions = [\"my_fn\", 1]\n"], keyPath: "routing.volatile_functions[1]",
            message: "expected a string, found an integer"),
        .init(
            sections: ["routing": "[routing]\nmax_replica_lag_bytes = 1.5\n"], keyPath: "routing.max_replica_lag_bytes",
            message: "expected an integer, found a float"),
        .init(
            sections: ["routing": "[routing]\nhealth_check_interval = \"1s\"\n"], keyPath: "routing.health_check_interval",
            message: "expected a number of seconds (integer or float), found a string"),
        .init(
            sections: ["routing": "routing = 1\n"], keyPath: "routing",
            message: "expected a table (a `[routing]` section), found an integer"),
        .init(
            sections: ["tables": "[tables]\nname = \"a\"\n"], keyPath: "tables",
            message: "expected an array of tables (write each entry as `[[tables]]`), found a table"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nglobal = \"yes\"\n"], keyPath: "tables[0].global",
            message: "expected a boolean (true or false), found a string"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nkey = 1\n"], keyPath: "tables[0].key",
            message: "expected a string, found an integer"),
        // Enumerations.
        .init(
            sections: ["routing": "[routing]\nno_key_policy = \"default\"\n"], keyPath: "routing.no_key_policy",
            message: "must be one of `reject`, `default_shard`, `all_shards`; got `default`"),
        .init(
            sections: ["routing": "[routing]\nno_key_policy = \"all_shard\"\n"], keyPath: "routing.no_key_policy",
            message: "must be one of `reject`, `default_shard`, `all_shards`; got `all_shard`; did you mean `all_shards`?"),
        .init(
            sections: ["routing": "[routing]\nglobal_writes = \"allow\"\n"], keyPath: "routing.global_writes",
            message: "must be one of `reject`, `all_shards`; got `allow`"),
        .init(
            sections: ["routing": "[routing]\nhint_key_type = \"bigint\"\n"], keyPath: "routing.hint_key_type",
            message: "must be one of `int`, `text`, `uuid`; got `bigint`"),
        .init(
            sections: ["routing": "[routing]\nreplica_balance = \"roundrobin\"\n"], keyPath: "routing.replica_balance",
            message: "must be one of `round_robin`, `least_outstanding`; got `roundrobin`; did you mean `round_robin`?"),
        .init(
            sections: ["routing": "[routing]\nreplica_fallback = \"fail\"\n"], keyPath: "routing.replica_fallback",
            message: "must be one of `primary`, `error`; got `fail`"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nkey = \"k\"\nkey_type = \"integer\"\n"], keyPath: "tables[0].key_type",
            message: "must be one of `int`, `text`, `uuid`; got `integer`"),
        // default_shard.
        .init(
            sections: ["shards": twoShards, "routing": "[routing]\ndefault_shard = \"x\"\n"], keyPath: "routing.default_shard",
            message: "no shard named `x` (shards: shard0, shard1)"),
        .init(
            sections: ["shards": twoShards, "routing": "[routing]\ndefault_shard = \"shard2\"\n"], keyPath: "routing.default_shard",
            message: "no shard named `shard2` (shards: shard0, shard1); did you mean `shard0`?"),
        .init(
            sections: ["shards": twoShards, "routing": "[routing]\ndefault_shard = \"Shard1\"\n"], keyPath: "routing.default_shard",
            message: "no shard named `Shard1` (shards: shard0, shard1); did you mean `shard1`?"),
        .init(
            sections: ["routing": "[routing]\ndefault_shard = \"\"\n"], keyPath: "routing.default_shard",
            message: "must not be empty; remove the key to use the first shard"),
        // A shard left out by the mapper may be the one named: only its own problem is reported.
        .init(
            sections: [
                "shards": twoShards + "[[shards]]\nname = \"shard2\"\n", "routing": "[routing]\ndefault_shard = \"shard2\"\n",
            ],
            keyPath: "shards[2].primary", message: "is required: the shard's primary server as \"host:port\""),
        // Numbers.
        .init(
            sections: ["routing": "[routing]\nvolatile_functions = [\"f\", \"\"]\n"], keyPath: "routing.volatile_functions[1]",
            message: "must not be empty"),
        .init(
            sections: ["routing": "[routing]\nmax_replica_lag_bytes = -1\n"], keyPath: "routing.max_replica_lag_bytes",
            message: "must be at least 0 (0 = no limit), got -1"),
        .init(
            sections: ["routing": "[routing]\nmax_replica_lag_seconds = -1\n"], keyPath: "routing.max_replica_lag_seconds",
            message: "must be a finite number of seconds >= 0, got -1.0"),
        .init(
            sections: ["routing": "[routing]\nmax_replica_lag_seconds = nan\n"], keyPath: "routing.max_replica_lag_seconds",
            message: "must be a finite number of seconds >= 0, got nan"),
        .init(
            sections: ["routing": "[routing]\nhealth_check_interval = 0\n"], keyPath: "routing.health_check_interval",
            message: "must be a finite number of seconds > 0, got 0.0"),
        .init(
            sections: ["routing": "[routing]\nhealth_check_interval = inf\n"], keyPath: "routing.health_check_interval",
            message: "must be a finite number of seconds > 0, got inf"),
        .init(
            sections: ["routing": "[routing]\nhealth_check_timeout = -0.5\n"], keyPath: "routing.health_check_timeout",
            message: "must be a finite number of seconds > 0, got -0.5"),
        .init(
            sections: ["routing": "[routing]\nread_your_writes_wait = -2\n"], keyPath: "routing.read_your_writes_wait",
            message: "must be a finite number of seconds >= 0, got -2.0"),
        // Tables.
        .init(
            sections: ["tables": "[[tables]]\nkey = \"user_id\"\n"], keyPath: "tables[0].name",
            message: "is required: the table name as written in queries (without schema)"),
        .init(sections: ["tables": "[[tables]]\nname = \"\"\nkey = \"k\"\n"], keyPath: "tables[0].name", message: "must not be empty"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"accounts\"\nkey = \"k\"\n[[tables]]\nname = \"Accounts\"\nglobal = true\n"],
            keyPath: "tables[1].name", message: "duplicate table `accounts` (also tables[0])"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nkey = \"k\"\n[[tables]]\nname = \"b\"\nkey = \"k\"\n[[tables]]\nname = \"c\"\n"],
            keyPath: "tables[2].key", message: "required for a sharded table (or set global = true)"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nkey_type = \"text\"\n"], keyPath: "tables[0].key",
            message: "required for a sharded table (or set global = true)"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nkey = \"\"\n"], keyPath: "tables[0].key",
            message: "must not be empty: the table's sharding key column"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nkey = \"k\"\nglobal = true\n"], keyPath: "tables[0].key",
            message: "must be absent for a global table (global = true)"),
        .init(
            sections: ["tables": "[[tables]]\nname = \"a\"\nkey_type = \"int\"\nglobal = true\n"], keyPath: "tables[0].key_type",
            message: "must be absent for a global table (global = true)"),
    ]

    @Test(arguments: invalidCases)
    func reportsExactlyTheBrokenRule(_ testCase: InvalidConfigurationCase) {
        let problems = ConfigurationDocument.problems(in: ConfigurationDocument.text(testCase.sections))
        #expect(problems == [ConfigurationProblem(keyPath: testCase.keyPath, message: testCase.message)])
    }

    @Test func everyProblemIsReportedAtOnceWithFileIndices() {
        let text = ConfigurationDocument.text([
            "shards": twoShards,
            "routing": "[routing]\ndefault_shard = \"nope\"\nhealth_check_timeout = 0\nhealth_check_timout = 1\n",
            "tables": """
                [[tables]]
                key = "k"
                [[tables]]
                name = "a"
                key = "k"
                [[tables]]
                name = "A"

                """,
        ])
        #expect(ConfigurationDocument.problems(in: text) == [
            ConfigurationProblem(
                keyPath: "routing.health_check_timout",
                message: "unknown key `routing.health_check_timout`; did you mean `health_check_timeout`?"),
            ConfigurationProblem(keyPath: "tables[0].name", message: "is required: the table name as written in queries (without schema)"),
            ConfigurationProblem(keyPath: "routing.default_shard", message: "no shard named `nope` (shards: shard0, shard1)"),
            ConfigurationProblem(keyPath: "routing.health_check_timeout", message: "must be a finite number of seconds > 0, got 0.0"),
            ConfigurationProblem(keyPath: "tables[2].name", message: "duplicate table `a` (also tables[1])"),
            ConfigurationProblem(keyPath: "tables[2].key", message: "required for a sharded table (or set global = true)"),
        ])
    }

    @Test func boundaryValuesAreAccepted() throws {
        let configuration = try Self.load([
            "routing": """
                [routing]
                default_shard = "s0"
                max_replica_lag_bytes = 0
                max_replica_lag_seconds = 0
                health_check_interval = 0.001
                health_check_timeout = 0.001
                read_your_writes_wait = 0
                volatile_functions = []

                """,
            "tables": "[[tables]]\nname = \"g\"\nglobal = true\n[[tables]]\nname = \"s\"\nkey = \"k\"\nglobal = false\n",
        ])
        #expect(configuration.routing.defaultShard == "s0")
        #expect(configuration.tables.map(\.name) == ["g", "s"])
    }

    @Test func validationProblemsCheckConfigurationsBuiltInCode() {
        var configuration = PGRingConfiguration(
            shards: [ShardConfiguration(name: "s0", primary: ServerAddress(host: "127.0.0.1", port: 5432))],
            databases: [DatabaseConfiguration(name: "app")],
            users: [UserConfiguration(name: "app", password: "p")])
        configuration.routing.defaultShard = "s1"
        configuration.tables = [
            TableConfiguration(name: "accounts", keyColumn: "user_id"),
            TableConfiguration(name: "countries", keyColumn: "code", isGlobal: true),
            TableConfiguration(name: "accounts"),
        ]
        #expect(configuration.validationProblems(isReadableFile: { _ in false }) == [
            ConfigurationProblem(keyPath: "routing.default_shard", message: "no shard named `s1` (shards: s0)"),
            ConfigurationProblem(keyPath: "tables[1].key", message: "must be absent for a global table (global = true)"),
            ConfigurationProblem(keyPath: "tables[2].name", message: "duplicate table `accounts` (also tables[0])"),
            ConfigurationProblem(keyPath: "tables[2].key", message: "required for a sharded table (or set global = true)"),
        ])
    }
}
