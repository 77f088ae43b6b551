import Foundation
import Testing

/// The rule of the house: domain modules never import Vapor, Fluent or NIO. Every module folder under
/// Sources/ is a domain module except the server, the executable and the benchmark.
@Suite struct LayeringTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")
    static let allowedToUseTheServerStack: Set<String> = ["CaravanServer", "caravan", "caravan-bench"]
    static let forbidden = ["Vapor", "Fluent", "NIO", "Leaf", "SQLKit", "PostgresNIO", "SQLiteNIO", "OpenAPIVapor", "AsyncHTTPClient"]

    @Test func domainModulesImportNoServerFramework() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path)
            .filter { !Self.allowedToUseTheServerStack.contains($0) && !$0.hasPrefix(".") }
        #expect(modules.contains("CaravanDomain"))
        var offences: [String] = []
        for module in modules {
            let folder = Self.sources.appendingPathComponent(module)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                    guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { continue }
                    // `@testable import X`, `public import X`, `import struct X.Y` all name the module last.
                    let imported = words[words.count - 1].split(separator: ".").first.map(String.init) ?? ""
                    if Self.forbidden.contains(where: { imported.hasPrefix($0) }) {
                        offences.append("\(module)/\(file): \(line.trimmingCharacters(in: .whitespaces))")
                    }
                }
            }
        }
        #expect(offences.isEmpty, "domain modules must stay plain Swift: \(offences)")
    }
}
