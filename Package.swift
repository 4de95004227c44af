// swift-tools-version:6.1
import PackageDescription

/// The forwarding path runs per message: in release builds, skip the dynamic exclusivity checks there
/// (the code is single-owner by construction: one event loop per connection pair).
let hotPathSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "pglens",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pglens", targets: ["pglens"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        // The system OpenSSL (libssl 3, libcrypto), with a small C shim for its macros.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // Hash, HMAC, PBKDF2 and randomness from libcrypto, behind Swift owner types.
        .target(
            name: "PGLensCrypto",
            dependencies: ["COpenSSL"]
        ),
        // TLS over OpenSSL as a NIO channel handler: the only place C TLS calls live.
        .target(
            name: "PGLensTLS",
            dependencies: [
                "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: hotPathSettings
        ),
        // The PostgreSQL frontend/backend protocol 3.0: framing, messages, encoding. No I/O.
        .target(
            name: "PGWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio")
            ],
            swiftSettings: hotPathSettings
        ),
        // SCRAM-SHA-256, md5 and cleartext authentication as I/O-free state machines.
        .target(
            name: "PGLensAuth",
            dependencies: ["PGLensCrypto"]
        ),
        // The configuration model, its TOML file, environment overrides and validation.
        .target(
            name: "PGLensConfig",
            dependencies: [
                "PGLensAuth",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The proxy: listener, client sessions, server connections, pools.
        .target(
            name: "PGLensProxy",
            dependencies: [
                "PGWire",
                "PGLensAnalysis",
                "PGLensAuth",
                "PGLensConfig",
                "PGLensCrypto",
                "PGLensTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPathSettings
        ),
        // Statement analysis: SQL lexing, normalization, statistics, slow log, findings, report. No I/O.
        .target(
            name: "PGLensAnalysis",
            dependencies: [
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The HTTP API (report, statements, slow log, health) and the client `pglens report` uses. Export layer.
        .target(
            name: "PGLensHTTP",
            dependencies: [
                "PGLensAnalysis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `pglens top`, the live terminal view: its frame as a pure function of the data and the terminal's size,
        // its keys, and the thin terminal I/O (raw mode, alternate screen, size).
        .target(
            name: "PGLensTop",
            dependencies: ["PGLensAnalysis", "PGLensHTTP"]
        ),
        .executableTarget(
            name: "pglens",
            dependencies: [
                "PGLensProxy",
                "PGLensHTTP",
                "PGLensTop",
                "PGLensAnalysis",
                "PGLensConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The analysis's costs part by part (scripts/microbench): event-loop work per statement, consumer
        // events per second.
        .executableTarget(
            name: "PGLensMicrobench",
            dependencies: ["PGLensProxy", "PGLensAnalysis"]
        ),
        .testTarget(
            name: "PGWireTests",
            dependencies: [
                "PGWire",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "PGLensTLSTests",
            dependencies: [
                "PGLensTLS",
                "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "PGLensAuthTests",
            dependencies: ["PGLensAuth", "PGLensCrypto"]
        ),
        .testTarget(
            name: "PGLensConfigTests",
            dependencies: ["PGLensConfig"]
        ),
        .testTarget(
            name: "PGLensAnalysisTests",
            dependencies: ["PGLensAnalysis"]
        ),
        .testTarget(
            name: "PGLensHTTPTests",
            dependencies: ["PGLensHTTP", "PGLensAnalysis"]
        ),
        .testTarget(
            name: "PGLensTopTests",
            dependencies: ["PGLensTop", "PGLensHTTP", "PGLensAnalysis"]
        ),
        .testTarget(
            name: "PGLensProxyTests",
            dependencies: [
                "PGLensProxy",
                "PGWire",
                "PGLensAuth",
                "PGLensConfig",
                "PGLensCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "PGLensProxy",
                "PGLensConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Clients")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
