import Foundation
import Testing
@testable import CaravanRegistry

/// The OKVED 2 data: its edition, the whole of section J, the common extra codes, the IT flag kept in step with the
/// accreditation rulebook, and search by code and by words in both languages.
@Suite struct OkvedClassifierTests {
    static let classifier = CompanyFixtures.classifier

    @Test func namesItsEditionAndSource() {
        #expect(Self.classifier.edition == "ОК 029-2014 (КДЕС Ред. 2)")
        #expect(Self.classifier.source.contains("7708234640-okved2"))
        #expect(Self.classifier.section("J")?.ru == "ДЕЯТЕЛЬНОСТЬ В ОБЛАСТИ ИНФОРМАЦИИ И СВЯЗИ")
    }

    @Test func holdsTheWholeOfSectionJ() throws {
        let j = Self.classifier.entries.filter { $0.section == "J" }
        #expect(Set(j.filter { $0.digitCount == 2 }.map(\.code)) == ["58", "59", "60", "61", "62", "63"])
        // The count of section J's codes in the source file (divisions, groups, classes, subclasses, types).
        #expect(j.count == 92)
        // Every code below a division has its parent in the classifier: no hole in the tree.
        for entry in j where entry.digitCount > 2 {
            let parent = try #require(OkvedCode.parent(of: entry.code))
            #expect(Self.classifier.contains(parent), "\(entry.code) lacks its parent \(parent)")
        }
        for code in ["58.11.1", "58.29", "59.20.3", "60.20", "61.10.8", "61.30.2", "62.01", "62.02.9", "62.03.13", "62.03.19", "62.09",
                     "63.11.1", "63.12.1", "63.99.12", "63.99.2"] {
            #expect(Self.classifier.contains(code), "\(code)")
        }
        #expect(Self.classifier.entry("62.01")?.ru == "Разработка компьютерного программного обеспечения")
    }

    @Test func holdsTheCodesASmallCompanyAdds() {
        for code in ["46.51", "47.91", "69.20", "70.22", "72.19", "73.11", "73.20", "74.10", "74.30", "74.90", "85.41", "85.42.9", "95.11"] {
            #expect(Self.classifier.contains(code), "\(code)")
        }
        #expect(Self.classifier.entry("70.22")?.ru == "Консультирование по вопросам коммерческой деятельности и управления")
    }

    @Test func knowsOnlyRealCodes() {
        // 58.29.1–58.29.5 are OKPD 2 (products), and 61.10.7 is not in the classifier either.
        for code in ["58.29.1", "58.29.5", "61.10.7", "62.04", "99.99", "62.1"] {
            #expect(!Self.classifier.contains(code), "\(code)")
        }
        for entry in Self.classifier.entries {
            #expect(OkvedCode.isWellFormed(entry.code), "\(entry.code)")
            #expect(!entry.ru.isEmpty && !entry.en.isEmpty && !entry.ru.contains("\t"))
        }
        #expect(Set(Self.classifier.entries.map(\.code)).count == Self.classifier.entries.count)
    }

    @Test func entriesAreInClassifierOrder() {
        let codes = Self.classifier.entries.map(\.code)
        #expect(codes.firstIndex(of: "58.19")! < codes.firstIndex(of: "58.2")!)
        #expect(codes.firstIndex(of: "62.0")! < codes.firstIndex(of: "62.01")!)
        #expect(codes.firstIndex(of: "62.02.9")! < codes.firstIndex(of: "62.03")!)
        #expect(codes.firstIndex(of: "61.10.9")! < codes.firstIndex(of: "61.2")!)
        #expect(zip(codes, codes.dropFirst()).allSatisfy { OkvedCode.precedes($0, $1) })
    }

    /// The IT flag is the accreditation rulebook's rule applied to each code, nothing typed by hand.
    @Test func itFlagFollowsTheRulebook() throws {
        let rulebook = try ITAccreditationRulebook.bundled()
        for entry in Self.classifier.entries {
            #expect(entry.isIT == rulebook.acceptsMainActivity(entry.code), "\(entry.code)")
        }
        for code in ["62.01", "62.02", "62.02.1", "62.02.4", "62.02.9", "62.03.13", "62.09", "63.11", "63.11.1", "58.29"] {
            #expect(Self.classifier.entry(code)?.isIT == true, "\(code)")
        }
        for code in ["62.02.2", "62.03.12", "61.10.1", "72.19", "70.22", "46.51"] {
            #expect(Self.classifier.entry(code)?.isIT == false, "\(code)")
        }
        #expect(Self.classifier.entry("72.19")?.note?.contains("Unconfirmed") == true)
    }

    @Test func parentsOfCodes() {
        #expect(OkvedCode.parent(of: "62.02.1") == "62.02")
        #expect(OkvedCode.parent(of: "62.03.11") == "62.03.1")
        #expect(OkvedCode.parent(of: "62.02") == "62.0")
        #expect(OkvedCode.parent(of: "62.0") == "62")
        #expect(OkvedCode.parent(of: "62") == nil)
    }

    @Test func wellFormedCodes() {
        for code in ["62", "62.0", "62.01", "62.02.1", "62.03.11", " 62,01 "] { #expect(OkvedCode.isWellFormed(code), "\(code)") }
        for code in ["6", "620", "62.", "62.012", "62.0.1", "62.01.123", "ab", "62-01", "62.01.1.1"] {
            #expect(!OkvedCode.isWellFormed(code), "\(code)")
        }
    }

    // MARK: Search

    func codes(_ query: String, limit: Int = 20) -> [String] { Self.classifier.search(query, limit: limit).map(\.entry.code) }

    @Test func findsByCodeAndPrefix() {
        #expect(codes("62.01").first == "62.01")
        #expect(Self.classifier.search("62.01").first?.kind == .exactCode)
        let group = codes("62.0", limit: 100)
        #expect(group.first == "62.0")
        #expect(group.contains("62.03.19"))
        #expect(group.allSatisfy { $0.hasPrefix("62.0") })
        #expect(codes("6", limit: 200).allSatisfy { $0.hasPrefix("6") })
        #expect(codes("62,01").first == "62.01")
        #expect(codes("99").isEmpty)
    }

    @Test func findsRussianWordsInAnyForm() {
        #expect(codes("программного обеспечения").contains("62.01"))
        #expect(codes("разработка программного обеспечения").first == "62.01")
        #expect(codes("программное обеспечение").contains("62.01"))
        #expect(codes("компьютерные игры").first == "58.21")
        #expect(codes("рекламных агентств").first == "73.11")
        #expect(codes("перевод").contains("74.30"))
        #expect(codes("ёлка палка").isEmpty)
    }

    @Test func findsEnglishWords() {
        #expect(codes("software").contains("62.01"))
        #expect(codes("software development").first == "62.01")
        #expect(codes("computer games").first == "58.21")
        #expect(codes("hosting").contains("63.11"))
        #expect(codes("translation").contains("74.30"))
    }

    @Test func allWordsRankAboveSomeWords() {
        let matches = Self.classifier.search("разработка программного обеспечения", limit: 50)
        let kinds = matches.map(\.kind)
        #expect(kinds.first == .allWords)
        #expect(kinds == kinds.sorted())
        #expect(matches.contains { $0.entry.code == "58.2" && $0.kind == .someWords })
        #expect(Self.classifier.search("", limit: 5).isEmpty)
        #expect(Self.classifier.search("software", limit: 0).isEmpty)
    }
}
