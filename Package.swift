// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "agentreplay",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "agentreplay", targets: ["agentreplay"]),
        .library(
            name: "AgentReplay",
            targets: [
                "Trace", "Importers", "ToolSemantics", "Shell", "Replay", "RunStore", "Analysis", "Bisect", "Git", "Export", "Insight", "HTMLReport",
                "Audit", "Sessions", "Collector", "Hooks", "Index",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(
            name: "CGit2Support", dependencies: ["CGit2"],
            // zlib and OpenSSL's libcrypto come with libgit2-dev (its own dependencies;
            // scripts/setup names libssl-dev too).
            linkerSettings: [.linkedLibrary("z"), .linkedLibrary("crypto")]
        ),
        // glibc's memmem for the tool semantics' byte searches, apart from libgit2's headers.
        .target(name: "CFindBytes"),
        .target(name: "Git", dependencies: ["CGit2", "CGit2Support"]),
        .target(name: "Trace"),
        // libpq's headers (libpq-dev), and the library opened with dlopen when a store in
        // PostgreSQL is first used (never linked: the other commands start without it).
        .target(name: "CPostgres"),
        // The Swift face of libpq: a connection, its statements and answers, URLs shown without passwords.
        .target(name: "Postgres", dependencies: ["CPostgres"]),
        .target(name: "Importers", dependencies: ["Trace"]),
        // Each agent's editors and apply_patch: bytes in, an edit or a failure out; no git.
        .target(name: "ToolSemantics", dependencies: ["Trace", "CFindBytes"]),
        // The shell model: a command line, a directory and a view of the tree in, effects out.
        .target(name: "Shell", dependencies: ["ToolSemantics"]),
        .target(name: "Replay", dependencies: ["Trace", "Git", "ToolSemantics", "Shell"]),
        // What a run leaves in its repository (refs, the stored trace, the lock) and the one
        // entry point that replays and stores.
        .target(name: "RunStore", dependencies: ["Trace", "Importers", "Git", "Replay"]),
        .target(name: "Analysis", dependencies: ["Trace", "Replay", "ToolSemantics", "Git"]),
        .target(name: "Bisect", dependencies: ["Trace", "Replay", "RunStore", "Git"]),
        // OTLP's messages, generated from opentelemetry-proto (scripts/generate-otlp-proto).
        .target(name: "OTLPProto", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(
            name: "Export",
            dependencies: [
                "Trace", "Replay", "ToolSemantics", "Git", "Audit", "OTLPProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        // libcurl's headers, and the library opened with dlopen when a send first needs it
        // (never linked: a process that sends nothing does not load it).
        .target(name: "CCurl"),
        .target(
            name: "Collector", dependencies: ["Trace", "CCurl", "OTLPProto", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "Insight", dependencies: ["Trace", "Replay", "ToolSemantics", "Analysis", "Git"]),
        .target(name: "HTMLReport", dependencies: ["Insight", "Audit", "Trace", "Replay", "Git"]),
        .target(name: "Audit", dependencies: ["Trace", "Replay", "Shell", "Insight"]),
        .target(name: "Sessions", dependencies: ["Trace", "Importers", "Replay", "Insight", "Git"]),
        .target(name: "Hooks", dependencies: ["Trace", "Replay", "Git"]),
        .target(
            name: "Index",
            dependencies: [
                "Trace", "Importers", "Replay", "RunStore", "Git", "Insight", "Audit", "Sessions", "Postgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own calls, to bind a row's values without GRDB's conversions.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "agentreplay",
            dependencies: [
                "Trace", "Importers", "ToolSemantics", "Shell", "Replay", "RunStore", "Analysis", "Bisect", "Git", "Export", "Insight", "HTMLReport",
                "Audit", "Sessions", "Collector", "Hooks",
                "Index",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // agentreplay(1), which `agentreplay manual` prints: the committed page
            // (docs/agentreplay.1, linked here), embedded in the binary as its bytes.
            resources: [.embedInCode("agentreplay.1")]
        ),
        // Builders of session logs and fixture repositories shared by the test targets.
        .target(name: "TestSupport", dependencies: ["Trace", "Git"], path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["Git", "CGit2Support"]),
        .testTarget(name: "TraceTests", dependencies: ["TestSupport", "Trace"]),
        .testTarget(name: "ImportersTests", dependencies: ["TestSupport", "Importers", "Trace"]),
        .testTarget(name: "ToolSemanticsTests", dependencies: ["ToolSemantics", "Trace"]),
        .testTarget(name: "ShellTests", dependencies: ["TestSupport", "Shell", "ToolSemantics"]),
        .testTarget(name: "ReplayTests", dependencies: ["TestSupport", "Replay", "ToolSemantics", "Trace", "Git", "Importers"]),
        .testTarget(name: "RunStoreTests", dependencies: ["TestSupport", "RunStore", "Replay", "Trace", "Git", "Importers"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Replay", "Trace", "Git", "Importers"]),
        .testTarget(name: "BisectTests", dependencies: ["TestSupport", "Bisect", "Replay", "RunStore", "Trace", "Git"]),
        .testTarget(name: "InsightTests", dependencies: ["TestSupport", "Insight", "HTMLReport", "Analysis", "Replay", "Trace", "Git", "Importers"]),
        // Snapshots/: what the commands print, compared by SnapshotTests (not sources).
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Git"], exclude: ["Snapshots"]),
        .testTarget(name: "AuditTests", dependencies: ["TestSupport", "Audit", "HTMLReport", "Importers", "Replay", "Shell", "Trace"]),
        .testTarget(name: "SessionsTests", dependencies: ["Sessions", "Insight", "Trace"]),
        .testTarget(name: "HooksTests", dependencies: ["TestSupport", "Hooks", "Replay", "Importers", "Trace", "Git", "CGit2", "CGit2Support"]),
        .testTarget(name: "ExportTests", dependencies: ["TestSupport", "Export", "Importers", "Replay", "Trace", "Git", "OTLPProto"]),
        .testTarget(name: "CollectorTests", dependencies: ["Collector", "CCurl"]),
        .testTarget(
            name: "IndexTests",
            dependencies: [
                "TestSupport", "Index", "Importers", "Insight", "Sessions", "Trace", "Postgres", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // Expected/: the pinned rows IndexRowsTests reads from the source tree (not a resource).
            exclude: ["Expected"]),
    ]
)
