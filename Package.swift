// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Reef",
    products: [
        // libreef.so: preloaded into inference processes. `make` links it with the Swift stdlib
        // statically and an exact export list (see Makefile); SwiftPM alone builds it for tests.
        .library(name: "reef", type: .dynamic, targets: ["Interposer"]),
        .executable(name: "reefctl", targets: ["ControlCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "CInterpose",
            cSettings: [
                .define("_GNU_SOURCE"),
                .unsafeFlags(["-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-strict-aliasing"]),
            ],
            linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]
        ),
        // The shared-memory control segment: its C layout and robust lock, and the Swift code
        // both libreef.so and reefctl use to attach, register and read it.
        .target(name: "CControl", linkerSettings: [.linkedLibrary("pthread")]),
        .target(name: "ControlPlane", dependencies: ["CControl"]),
        .target(
            name: "Interposer",
            dependencies: ["CInterpose", "ControlPlane"],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .executableTarget(
            name: "ControlCLI",
            dependencies: ["ControlPlane", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "InterposerTests", dependencies: ["Interposer", "CInterpose"], exclude: ["Fixtures"]),
        .testTarget(name: "ControlPlaneTests", dependencies: ["ControlPlane", "CControl"]),
    ]
)
