// swift-tools-version:6.1
import PackageDescription

/// A bare SwiftNIO TCP forwarder, for `scripts/bench --nio-floor`: what forwarding alone costs on SwiftNIO,
/// with no protocol work at all. Not part of pglens.
let package = Package(
    name: "nio-floor",
    dependencies: [.package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2")],
    targets: [
        .executableTarget(
            name: "nio-floor",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])])
    ]
)
