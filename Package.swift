// swift-tools-version:6.0
import PackageDescription

// Recount: a tiktoken-exact recount of relay billing.
// Toolchain only: no third-party packages (the product owner asked for none).
let package = Package(
    name: "Recount",
    products: [
        .library(name: "TokenCounter", targets: ["TokenCounter"]),
        .library(name: "RecountKit", targets: ["RecountKit"]),
        .library(name: "GatewayDB", targets: ["GatewayDB"]),
        .executable(name: "recount", targets: ["recount"]),
    ],
    targets: [
        // The four tiktoken vocabularies, linked into the binary with `.incbin` so a copied
        // executable needs no data files beside it. `vocab/` is on the assembler's include path.
        .target(
            name: "CVocabulary",
            exclude: ["vocab"],
            cSettings: [.headerSearchPath("vocab")]
        ),
        .target(
            name: "TokenCounter",
            dependencies: ["CVocabulary"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // System zlib (on every machine) for `.jsonl.gz` logs.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // The gateways' databases (SQLite, PostgreSQL, MySQL/MariaDB) through their system client
        // libraries, loaded with dlopen at run time: nothing to link, nothing to install to build.
        .target(name: "GatewayDB"),
        .target(name: "RecountKit", dependencies: ["TokenCounter", "CZlib", "GatewayDB"]),
        // The sample-day generator (`recount sample`, and the tests' generated days).
        .target(name: "RecountSample", dependencies: ["RecountKit", "TokenCounter"]),
        // Generic argv parsing and generated help (what swift-argument-parser would be): knows
        // nothing of Recount.
        .target(name: "ArgumentParsing"),
        .target(
            name: "RecountCLI",
            dependencies: ["ArgumentParsing", "RecountKit", "RecountSample", "TokenCounter", "GatewayDB"]),
        .executableTarget(name: "recount", dependencies: ["ArgumentParsing", "RecountCLI", "RecountKit"]),
        // What the test targets share: the seeded PRNG, the scratch-directory fixture.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TokenCounterTests", dependencies: ["TokenCounter", "TestSupport"]),
        .testTarget(
            name: "RecountKitTests", dependencies: ["RecountKit", "RecountSample", "TokenCounter", "TestSupport"]),
        .testTarget(
            name: "GatewayDBTests", dependencies: ["ArgumentParsing", "GatewayDB", "RecountKit", "RecountCLI"]),
        .testTarget(name: "ArgumentParsingTests", dependencies: ["ArgumentParsing"]),
        .testTarget(
            name: "RecountCLITests",
            dependencies: ["ArgumentParsing", "RecountCLI", "RecountKit", "RecountSample", "TestSupport"]),
    ]
)
