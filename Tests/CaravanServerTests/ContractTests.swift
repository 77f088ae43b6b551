import CaravanDomain
import CaravanMatching
@testable import CaravanServer
import Foundation
import Testing
import VaporTesting

/// `openapi.yaml` spells out the vocabularies the server checks against (the taxonomy's skills and occupations, the
/// countries of the ICU data), so a client and the fuzzer in `scripts/contract` can send only what the server takes.
/// These tests keep the spelled-out lists equal to the server's own.
@Suite struct ContractTests {
    /// The alternatives of a `'^(a|b|c)$'` pattern in the component schema `name`.
    private func alternatives(of name: String, in document: String) throws -> Set<String> {
        let lines = document.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "    \(name):"), "no component \(name)")
        let pattern = try #require(lines[start...].first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("pattern:") })
        let body = try #require(pattern.split(separator: "'").dropFirst().first)
        #expect(body.hasPrefix("^(") && body.hasSuffix(")$"))
        return Set(body.dropFirst(2).dropLast(2).split(separator: "|").map(String.init))
    }

    private func document() async throws -> String {
        var text = ""
        try await withTestApp { app in
            text = try await app.sendRequest(.GET, "/api/v1/openapi.yaml").text
        }
        return text
    }

    @Test func theSkillAndOccupationIdsAreTheTaxonomys() async throws {
        let document = try await document()
        let taxonomy = try SkillTaxonomy.bundled()
        #expect(try alternatives(of: "SkillId", in: document) == Set(taxonomy.skills.map(\.id.rawValue)))
        #expect(try alternatives(of: "OccupationId", in: document) == Set(taxonomy.occupations.map(\.id)))
    }

    @Test func theCountryCodesAreTheServers() async throws {
        #expect(try alternatives(of: "CountryCode", in: try await document()) == CountryCode.all)
    }

    /// Every operation can answer 400 (a body or parameter that is not what the schema says), and every one that
    /// takes a body can answer 413 (over 64 KiB, 10 MB for a document) and 422 (a field error).
    @Test func everyOperationListsTheStatusesEveryOperationCanGive() async throws {
        let lines = try await document().components(separatedBy: "\n")
        let end = try #require(lines.firstIndex(of: "components:"))
        var index = 0
        var checked = 0
        while index < end {
            guard let method = ["get", "post", "put", "delete"].first(where: { lines[index] == "    \($0):" }) else { index += 1; continue }
            var next = index + 1
            while next < end, lines[next].hasPrefix("      ") || lines[next].isEmpty { next += 1 }
            let block = lines[index..<next]
            let codes = Set(block.compactMap { line -> String? in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard line.hasPrefix("        '"), trimmed.count > 5 else { return nil }
                return String(trimmed.dropFirst().prefix(3))
            })
            let operation = block.first { $0.contains("operationId:") } ?? "\(method) at line \(index)"
            #expect(codes.contains("400"), "\(operation) does not list 400")
            if block.contains(where: { $0.contains("requestBody:") }) {
                #expect(codes.contains("413") && codes.contains("422"), "\(operation) takes a body but does not list 413 and 422")
            }
            checked += 1
            index = next
        }
        #expect(checked >= 39)
    }
}
