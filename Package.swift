// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "pgring",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pgring", targets: ["pgring"]),
        .executable(name: "pgringctl", targets: ["pgringctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Wire protocol framing and the few typed messages pgring needs. No sockets.
        .target(name: "PGWire", dependencies: [.product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        // SCRAM-SHA-256 / MD5 state machines, both sides. No sockets.
        .target(name: "PGAuth", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        // PostgreSQL-compatible hashing and the consistent-hash ring. No dependencies, no I/O.
        .target(name: "HashRing", swiftSettings: strict),
        // SQL lexer, statement analysis, sharding-key extraction, read/write classification, Router. No I/O.
        // Not yet used by the proxy (sharded routing is the next step).
        .target(name: "Routing", dependencies: ["HashRing"], swiftSettings: strict),
        // Transaction pooling: release rule, prepared statements under pgring-wide names, carried session
        // settings. No I/O.
        .target(
            name: "Multiplexing",
            dependencies: ["PGWire", "Routing", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // Online rebalancing: the plan (ring diff per source/target pair), the SQL it runs, the persisted job.
        // No I/O beyond the job's state file.
        .target(name: "Rebalancing", dependencies: ["HashRing", "Config"], swiftSettings: strict),
        // Pool state machine, generic over a clock. No I/O.
        .target(name: "Pooling", swiftSettings: strict),
        // Config model, TOML parser, validation. No I/O beyond reading the file.
        .target(name: "Config", dependencies: ["HashRing", "Routing"], swiftSettings: strict),
        // The only I/O library: listeners, sessions, pools, cancel, services.
        .target(
            name: "PGRingServer",
            dependencies: [
                "PGWire", "PGAuth", "HashRing", "Pooling", "Config", "Multiplexing", "Rebalancing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "pgring",
            dependencies: [
                "PGRingServer", "Config",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The admin console client of pgringctl: a small PostgreSQL client (SCRAM), result formatting.
        .target(
            name: "AdminClient",
            dependencies: [
                "PGWire", "PGAuth", "HashRing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "pgringctl",
            dependencies: [
                "HashRing", "Config", "AdminClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "PGWireTests", dependencies: ["PGWire", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOTestUtils", package: "swift-nio")], swiftSettings: strict),
        .testTarget(name: "PGAuthTests", dependencies: ["PGAuth"], swiftSettings: strict),
        .testTarget(name: "HashRingTests", dependencies: ["HashRing"], resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "HashRing"], swiftSettings: strict),
        .testTarget(name: "PoolingTests", dependencies: ["Pooling"], swiftSettings: strict),
        .testTarget(name: "RebalancingTests", dependencies: ["Rebalancing", "HashRing", "Config"], swiftSettings: strict),
        .testTarget(
            name: "MultiplexingTests",
            dependencies: ["Multiplexing", "PGWire", "Routing", "HashRing", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Routing"], swiftSettings: strict),
        .testTarget(
            name: "PGRingCtlTests",
            dependencies: ["AdminClient", "HashRing", "PGWire", "PGAuth", "pgringctl", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PGRingServerTests",
            dependencies: [
                "PGRingServer", "PGWire", "PGAuth", "Config", "Rebalancing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "PGRingServer", "Config", "HashRing", "Rebalancing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Scripts"],
            swiftSettings: strict
        ),
    ]
)
