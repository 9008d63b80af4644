// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "cachewatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cachewatch", targets: ["cachewatch"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Wire format only: values, incremental decoder, command encoder. Knows nothing of sockets.
        .target(
            name: "RESP",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // Endpoints, connections (pipelining, timeouts, handshake), reconnection, typed errors.
        .target(
            name: "RedisClient",
            dependencies: [
                "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // What is read from a server: INFO, SLOWLOG, PING round trips, the poller and its samples.
        .target(
            name: "Telemetry",
            dependencies: ["RedisClient", "RESP"]
        ),
        // Several nodes at once: a poller per node, cluster discovery and topology following.
        .target(
            name: "Fleet",
            dependencies: ["RedisClient", "Telemetry", "Metrics", "RESP", .product(name: "Yams", package: "Yams")]
        ),
        // Ring buffers, per-node series and derived rates.
        .target(
            name: "Metrics",
            dependencies: [
                "Telemetry",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // RDB files read key by key: every format and encoding, the checksum, memory estimates.
        // Built without dynamic exclusivity checks: the reader's per-key buffers are class state
        // touched millions of times a second, and the checks (a thread-local access set per
        // access) cost a tenth of its time; the module is single-threaded per reader.
        // libcrypt (libxcrypt), for the endpoint's basic_auth_users bcrypt hashes.
        .systemLibrary(name: "CCrypt"),
        // Redis's CRC-64 folded with carry-less multiplication (x86-64 PCLMULQDQ), for RDB files.
        .target(name: "CCRC64"),
        .target(
            name: "RDB", dependencies: ["Metrics", "Telemetry", "CCRC64"],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        // Threshold rules with Prometheus semantics (pending → firing → resolved).
        .target(
            name: "Alerts",
            dependencies: ["Metrics", "Telemetry", .product(name: "Yams", package: "Yams")]
        ),
        // The monitoring engine: a fleet's tasks in one task group, one stream of events, and the
        // pure step that turns them into store updates, key figures, rule evaluations and events.
        .target(
            name: "Engine",
            dependencies: ["Fleet", "Metrics", "Alerts", "Telemetry", "RedisClient", "RESP"]
        ),
        // Line formats for headless output (table, JSON lines, logfmt).
        .target(
            name: "Export",
            dependencies: ["Engine", "Metrics", "Telemetry", "Alerts", .product(name: "CSV", package: "CSV.swift")]
        ),
        // The Prometheus endpoint of `watch --listen`: /metrics and health over NIOHTTP1.
        .target(
            name: "MetricsEndpoint",
            dependencies: [
                "Export", "CCrypt", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Views as pure functions of the engine's state: virtual screen, widgets, key map. No
        // terminal I/O.
        .target(
            name: "Dashboard",
            dependencies: ["Engine", "Metrics", "Telemetry", "Alerts"]
        ),
        // ncursesw through a module map and a shim of static inline functions.
        .systemLibrary(
            name: "CNCurses",
            path: "Sources/CNCurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        // SQLite (the recording's store) and zlib (its tick records), through module maps.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // History that survives the session: `--record DIR` writes what the engine knew at each
        // tick into a SQLite store; `replay` and `report` read it back.
        .target(
            name: "Recording",
            dependencies: ["CSQLite", "CZlib", "Engine", "Export", "Metrics", "Alerts", "Telemetry"]
        ),
        // The only code that touches ncurses: draw a Screen (diffed), read keys, resize.
        .target(
            name: "CursesTerminal",
            dependencies: ["CNCurses", "Dashboard", "Engine", "Export", "Alerts", "Metrics", "Telemetry", "Recording"]
        ),
        // The demo's own server and its cache-aside traffic: the only writer in the project.
        .target(
            name: "Workload",
            dependencies: ["RedisClient", "RESP"]
        ),
        .executableTarget(
            name: "cachewatch",
            dependencies: [
                "RedisClient", "Telemetry", "Metrics", "Export", "Workload", "Dashboard", "CursesTerminal", "Alerts",
                "Fleet", "Engine", "MetricsEndpoint", "Recording", "RDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz harnesses over every parser of untrusted input (Fuzz/): built with -DFUZZING and
        // -sanitize=fuzzer by `scripts/fuzz`, libFuzzer drives them; built plainly, each replays
        // the files it is given (a corpus, a crash) through the same checks.
        .target(
            name: "FuzzSupport", dependencies: ["RESP", .product(name: "NIOCore", package: "swift-nio")],
            path: "Fuzz/Support"),
        .executableTarget(
            name: "FuzzRESP", dependencies: ["FuzzSupport", "RESP", .product(name: "NIOCore", package: "swift-nio")],
            path: "Fuzz/RESP"),
        .executableTarget(
            name: "FuzzHostileRESP",
            dependencies: ["FuzzSupport", "RESP", .product(name: "NIOCore", package: "swift-nio")],
            path: "Fuzz/HostileRESP"),
        .executableTarget(name: "FuzzInfo", dependencies: ["FuzzSupport", "Telemetry", "Metrics"], path: "Fuzz/Info"),
        .executableTarget(name: "FuzzURL", dependencies: ["FuzzSupport", "RedisClient"], path: "Fuzz/URL"),
        .executableTarget(name: "FuzzRules", dependencies: ["FuzzSupport", "Alerts"], path: "Fuzz/Rules"),
        .executableTarget(name: "FuzzRDB", dependencies: ["FuzzSupport", "RDB"], path: "Fuzz/RDB"),
        .executableTarget(
            name: "FuzzReplies",
            dependencies: ["FuzzSupport", "RESP", "Telemetry", .product(name: "NIOCore", package: "swift-nio")],
            path: "Fuzz/Replies"),
        // Micro-benchmarks of the hot paths (`scripts/bench`); not part of the product.
        .executableTarget(
            name: "CachewatchBenchmarks",
            dependencies: [
                "RESP", "Telemetry", "Metrics", "Alerts", "Export", .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/CachewatchBenchmarks"
        ),
        // What --record costs, and how fast a day of five nodes opens and seeks
        // (`scripts/bench-record`); not part of the product.
        .executableTarget(
            name: "RecordingBenchmark",
            dependencies: ["Recording", "Engine", "Export", "Fleet", "Metrics", "Alerts", "Telemetry"],
            path: "Benchmarks/RecordingBenchmark"
        ),
        // The time-to-full forecast against the real time to full (`scripts/bench-forecast`);
        // not part of the product.
        .executableTarget(
            name: "ForecastBenchmark",
            dependencies: ["Metrics", "Telemetry"],
            path: "Benchmarks/ForecastBenchmark"
        ),
        // Real redis-server processes, a fault-injecting fake server, a process runner.
        .target(
            name: "TestSupport",
            dependencies: [
                "RedisClient", "RESP", "Workload", "Telemetry",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "RESPTests", dependencies: ["RESP", "TestSupport"]),
        .testTarget(name: "RedisClientTests", dependencies: ["RedisClient", "TestSupport"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "Metrics", "TestSupport"]),
        .testTarget(
            name: "FleetTests", dependencies: ["Fleet", "Metrics", "Telemetry", "RESP", "RedisClient", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "TestSupport"]),
        .testTarget(
            name: "RDBTests", dependencies: ["RDB", "Metrics", "Telemetry", "RESP", "RedisClient", "TestSupport"]),
        .testTarget(
            name: "ExportTests",
            dependencies: [
                "Export", "Metrics", "Alerts", "Telemetry", "Workload", "MetricsEndpoint", "TestSupport",
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(name: "AlertsTests", dependencies: ["Alerts", "Metrics", "Telemetry", "TestSupport"]),
        .testTarget(
            name: "DashboardTests", dependencies: ["Dashboard", "Engine", "Metrics", "Telemetry", "Alerts"],
            exclude: ["Golden"]),
        .testTarget(name: "WorkloadTests", dependencies: ["Workload", "TestSupport"]),
        .testTarget(
            name: "RecordingTests",
            dependencies: ["Recording", "Engine", "Export", "Metrics", "Alerts", "Telemetry", "TestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Alerts", "Engine", "Fleet", "Metrics", "Telemetry", "Workload", "TestSupport"]),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine", "Fleet", "Alerts", "Metrics", "Telemetry", "RESP", "RedisClient", "Recording", "TestSupport",
            ]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "TestSupport", "Export", "Telemetry", "Recording", "Engine", "Fleet", "Alerts", "Metrics",
                .product(name: "CSV", package: "CSV.swift"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOTLS", package: "swift-nio"),
            ],
            exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
