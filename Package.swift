// swift-tools-version:6.2
import PackageDescription

/// Settings every target of ours shares: Swift 6 language mode and no warnings.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "NewsIngest",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "newsingest", targets: ["NewsIngestCommand"]),
        .executable(name: "newsingest-bench", targets: ["NewsIngestBenchmarks"]),
        .executable(name: "newsingest-fuzz", targets: ["FuzzArticleParser"]),
        .library(name: "NewsFormat", targets: ["NewsFormat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The pure core: bytes of one article in, one normalized record out. No files, sockets or queues.
        .target(
            name: "NewsFormat",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // The edge: system calls (EINTR retried, errno typed) and file reading.
        .target(
            name: "NewsIngestSystem",
            dependencies: ["CLinuxStat"],
            swiftSettings: strictSettings
        ),
        // Linux's statx(2), which the Glibc module does not declare: a file's birth time.
        .systemLibrary(name: "CLinuxStat"),
        // SQLite from the system (libsqlite3-dev), for the state store.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // libcurl from the system (libcurl4-openssl-dev), for URL sources.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // zlib from the system (zlib1g-dev), for gzip-compressed sitemaps (`sitemap.xml.gz`).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libpsl from the system (libpsl-dev), for the registrable domain of a host (the Public Suffix List):
        // which links of an index are on the index's own site.
        .systemLibrary(
            name: "CPSL",
            pkgConfig: "libpsl",
            providers: [.apt(["libpsl-dev"])]
        ),
        // The NATS C client from the system (libnats-dev), for the JetStream sink, the cluster's key-value
        // claims and `newsingest tail`.
        .systemLibrary(
            name: "CNATS",
            pkgConfig: "libnats",
            providers: [.apt(["libnats-dev"])]
        ),
        // The engine: reading sources and (with the daemon) the pipeline, state and sinks.
        .target(
            name: "NewsIngestEngine",
            dependencies: [
                "NewsFormat",
                "NewsIngestSystem",
                "CSQLite",
                "CCurl",
                "CZlib",
                "CPSL",
                "CNATS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The thin executable: argument parsing and wiring.
        .executableTarget(
            name: "NewsIngestCommand",
            dependencies: [
                "NewsFormat",
                "NewsIngestSystem",
                "NewsIngestEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Generated test articles (every layout, outlet and encoding), shared by tests, benchmarks and the fuzzer.
        .target(
            name: "ArticleFixtures",
            dependencies: ["NewsFormat"],
            swiftSettings: strictSettings
        ),
        // Helpers for integration tests: running the real binary, temporary directories, reading the state file.
        .target(
            name: "TestSupport",
            dependencies: ["CSQLite", "CNATS", "NewsIngestSystem"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "NewsIngestBenchmarks",
            dependencies: ["NewsFormat", "NewsIngestSystem", "NewsIngestEngine", "ArticleFixtures", "TestSupport"],
            swiftSettings: strictSettings
        ),
        // libFuzzer target for articles and configuration files; built by `make fuzz` with -sanitize=address,
        // coverage and -DFUZZING.
        .executableTarget(
            name: "FuzzArticleParser",
            dependencies: ["NewsFormat", "NewsIngestEngine", "ArticleFixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "NewsFormatTests",
            dependencies: ["NewsFormat", "ArticleFixtures", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "NewsIngestSystemTests",
            dependencies: ["NewsIngestSystem", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "NewsIngestEngineTests",
            dependencies: ["NewsIngestEngine", "ArticleFixtures", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "NewsIngestCommandTests",
            dependencies: ["NewsIngestCommand", "ArticleFixtures", "NewsFormat", "NewsIngestSystem", "TestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
