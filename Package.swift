// swift-tools-version:6.1
import PackageDescription

// One set of compiler settings for every target, so the whole package reads the same way.
// A computed `var` (not a `let`) so each target gets its own copy, as penny-bot notes.
var swiftSettings: [SwiftSetting] {
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}

let package = Package(
    name: "caravan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "caravan", targets: ["caravan"]),
        .executable(name: "caravan-bench", targets: ["caravan-bench"]),
    ],
    dependencies: [
        // Vapor 4 on purpose: its main branch is Vapor 5.
        .package(url: "https://github.com/vapor/vapor.git", from: "4.115.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.10.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.4.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/swift-openapi-vapor.git", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.8.0"..<"5.0.0"),
        // Already in the graph through Vapor; named here because the SMTP client is written on them.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // RFC 4180 CSV (quoted fields with commas and newlines) for `caravan entry-bans import`.
        .package(url: "https://github.com/swiftcsv/SwiftCSV.git", from: "0.10.0"),
        // One ZIP archive for "download everything Caravan holds on me" (the JSON and the person's files).
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // Property-based tests of the grant mechanism (test targets only).
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
    ],
    targets: [
        // Domain: plain Swift, Foundation at most. Never Vapor, Fluent or NIO
        // (LayeringTests in CaravanServerTests fails the build's tests when one does).
        .target(
            name: "CaravanDomain",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CaravanSearch",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CaravanMatching",
            dependencies: ["CaravanSearch"],
            resources: [.copy("Resources/skills.json")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CaravanPermits",
            dependencies: ["CaravanDomain"],
            resources: [.copy("Resources/calendars"), .copy("Resources/rulebooks")],
            swiftSettings: swiftSettings
        ),
        // Centres abroad: opening hours, host-country holidays, slots, booking rules, the Russian test's scoring.
        .target(
            name: "CaravanCentres",
            dependencies: ["CaravanDomain", "CaravanPermits"],
            resources: [.copy("Resources/centres.json"), .copy("Resources/trki.json"), .copy("Resources/holidays")],
            swiftSettings: swiftSettings
        ),
        // The registries: digital residency (application rules, grounds as data, the residency card, signed documents'
        // canonical bytes, WebAuthn passkey verification with swift-crypto) and company registration (names through
        // the Russian stemmer, exact shares, OKVED 2, OGRN/INN/KPP issued with check digits, the signed extract, IT
        // accreditation rules).
        .target(
            name: "CaravanRegistry",
            dependencies: ["CaravanDomain", "CaravanPermits", "CaravanSearch", .product(name: "Crypto", package: "swift-crypto")],
            resources: [
                .copy("Resources/residency-grounds.json"),
                // OKVED 2 (section J whole, and codes a small company adds), with its edition and source named.
                .copy("Resources/okved2.json"),
                // The registry's refusal grounds (129-FZ art. 23), each with its letter; unconfirmed ones say so.
                .copy("Resources/company-grounds.json"),
                // IT accreditation under Government Decree No. 1729 of 30.09.2022, versioned like the permit rulebook.
                .copy("Resources/accreditation-rulebook-2022.json"),
            ],
            swiftSettings: swiftSettings
        ),
        // Study grants: the published input, the choice rules, priorities with the seeded lottery, student-proposing
        // deferred acceptance with per-country ceilings, stability and why-not, the reproducible result.
        .target(
            name: "CaravanAllocation",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Departures and returns from mobility data: the definition as data, the steps from events to residence
        // episodes and classes, the estimate with its Wilson interval, the CSV input.
        .target(
            name: "CaravanFlows",
            swiftSettings: swiftSettings
        ),
        // The only module that imports Vapor and Fluent.
        .target(
            name: "CaravanServer",
            dependencies: [
                "CaravanDomain",
                "CaravanAllocation",
                "CaravanFlows",
                "CaravanMatching",
                "CaravanPermits",
                "CaravanCentres",
                "CaravanRegistry",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIVapor", package: "swift-openapi-vapor"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [
                .copy("Resources/Views"),
                .copy("Resources/Locales"),
                .copy("Resources/Public"),
                // A drawn portrait for the demo's residency applications (no real person's photo).
                .copy("Resources/Demo"),
                // Served at /api/v1/openapi.yaml; the generator plugin reads the same file.
                .copy("openapi.yaml"),
            ],
            swiftSettings: swiftSettings,
            plugins: [
                .plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator"),
            ]
        ),
        // The executable only starts the server.
        .executableTarget(
            name: "caravan",
            dependencies: ["CaravanServer"],
            swiftSettings: swiftSettings
        ),
        // Benchmarks with seeded data generators; run release builds only (scripts/bench).
        .executableTarget(
            name: "caravan-bench",
            dependencies: [
                "CaravanFlows",
                "CaravanAllocation",
                "CaravanSearch",
                "CaravanMatching",
                "CaravanPermits",
                "CaravanCentres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaravanDomainTests",
            dependencies: ["CaravanDomain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaravanSearchTests",
            dependencies: ["CaravanSearch"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaravanMatchingTests",
            dependencies: ["CaravanMatching", "CaravanSearch"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaravanPermitsTests",
            dependencies: ["CaravanPermits", "CaravanDomain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaravanCentresTests",
            dependencies: ["CaravanCentres", "CaravanPermits", "CaravanDomain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaravanRegistryTests",
            dependencies: ["CaravanRegistry", "CaravanPermits", "CaravanDomain", .product(name: "Crypto", package: "swift-crypto")],
            // A signature recorded from Chromium's virtual authenticator, read by its test through #filePath.
            exclude: ["Recorded/chromium-es256.json"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaravanAllocationTests",
            dependencies: [
                "CaravanAllocation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaravanFlowsTests",
            dependencies: ["CaravanFlows"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CaravanServerTests",
            dependencies: [
                "CaravanServer",
                "CaravanDomain",
                "CaravanCentres",
                "CaravanRegistry",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                // A silent or garbled SMTP server for the client's timeout and parsing tests.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
