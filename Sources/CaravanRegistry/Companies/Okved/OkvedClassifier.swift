import CaravanSearch
import Foundation

/// One code of OKVED 2 (ОК 029-2014), the classifier of economic activities a company names on form Р11001.
public struct OkvedEntry: Codable, Hashable, Sendable, Identifiable {
    /// `62.01`: a division (2 digits), group (`62.0`), class (`62.01`), subclass (`62.02.1`) or type (`62.03.11`).
    public let code: String
    /// The official name.
    public let ru: String
    /// Caravan's translation.
    public let en: String
    /// The section letter (`J`).
    public let section: String
    /// Whether Annex 1 of Decree No. 1729 accepts it as an IT company's main activity.
    public let isIT: Bool
    /// Why a value is as it is, when that is not obvious or not confirmed.
    public let note: String?

    public var id: String { code }

    public func name(_ language: String) -> String { language == "ru" ? ru : en }

    /// How many digits the code has: 2 for a division, 3 for a group, 4 for a class and more below.
    public var digitCount: Int { code.filter(\.isNumber).count }
}

/// A search hit: the entry and why it ranked where it did.
public struct OkvedMatch: Hashable, Sendable {
    public enum Kind: Int, Sendable, Comparable {
        /// The query is the code itself.
        case exactCode
        /// The code starts with the query (`62.0` finds 62.01, 62.02 …).
        case codePrefix
        /// Every word of the query is in the name (after stemming).
        case allWords
        /// Some words of the query are in the name.
        case someWords

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let entry: OkvedEntry
    public let kind: Kind
    /// BM25 for word matches, 0 for code matches.
    public let score: Double
}

/// The OKVED 2 classifier as Caravan ships it (`okved2.json`): its edition named, the whole of section J and the
/// codes a small company commonly adds, searchable by code and by words in Russian and English.
public struct OkvedClassifier: Sendable {
    public struct Section: Codable, Hashable, Sendable {
        public let code: String
        public let ru: String
        public let en: String
    }

    struct File: Decodable {
        let edition: String
        let editionNote: String
        let source: String
        let sections: [Section]
        let entries: [OkvedEntry]
    }

    /// `ОК 029-2014 (КДЕС Ред. 2)`.
    public let edition: String
    /// Which publication of the classifier the data is.
    public let editionNote: String
    public let source: String
    public let sections: [Section]
    /// In classifier order (62.01 before 62.02 before 62.02.1 before 62.03).
    public let entries: [OkvedEntry]
    private let byCode: [String: OkvedEntry]
    private let index: InvertedIndex

    /// The names in both languages are one field each, weighted alike: a Russian query is stemmed by the Russian
    /// stemmer and meets only Russian names, an English one only English names.
    static let schema = IndexSchema(fields: [SearchField("ru", weight: 1), SearchField("en", weight: 1)])

    public init(edition: String, editionNote: String = "", source: String = "", sections: [Section] = [], entries: [OkvedEntry]) {
        self.edition = edition
        self.editionNote = editionNote
        self.source = source
        self.sections = sections
        self.entries = entries.sorted { OkvedCode.precedes($0.code, $1.code) }
        var byCode: [String: OkvedEntry] = [:]
        for entry in entries { byCode[entry.code] = entry }
        self.byCode = byCode
        index = InvertedIndex.build(
            documents: self.entries.map { SearchDocument(key: $0.code, fields: ["ru": $0.ru, "en": $0.en]) }, schema: Self.schema
        )
    }

    public init(data: Data) throws {
        let file = try JSONDecoder().decode(File.self, from: data)
        self.init(edition: file.edition, editionNote: file.editionNote, source: file.source, sections: file.sections, entries: file.entries)
    }

    /// The classifier shipped in this module, read once per process.
    public static func bundled() throws -> OkvedClassifier { try bundledResult.get() }

    private static let bundledResult: Result<OkvedClassifier, any Error> = Result {
        guard let url = Bundle.module.url(forResource: "okved2", withExtension: "json") else { throw CocoaError(.fileNoSuchFile) }
        return try OkvedClassifier(data: Data(contentsOf: url))
    }

    /// The entry for a code as typed (`62.01`, ` 62.01 `); nil when the classifier has no such code.
    public func entry(_ code: String) -> OkvedEntry? { byCode[OkvedCode.normalized(code)] }

    public func contains(_ code: String) -> Bool { entry(code) != nil }

    public func section(_ letter: String) -> Section? { sections.first { $0.code == letter } }

    /// Entries ranked for a query: a code or code prefix (`62`, `62.0`, `62.01`) finds codes; words find names,
    /// through CaravanSearch's analyzer, so "программного обеспечения" and "software" both find 62.01. Matches
    /// of every word come before matches of some, each ranked by BM25, then classifier order.
    public func search(_ query: String, limit: Int = 20) -> [OkvedMatch] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, limit > 0 else { return [] }
        if OkvedCode.isCodePrefix(trimmed) {
            let prefix = OkvedCode.normalized(trimmed)
            return entries.lazy.filter { OkvedCode.code($0.code, startsWith: prefix) }.prefix(limit).map {
                OkvedMatch(entry: $0, kind: $0.code == prefix ? .exactCode : .codePrefix, score: 0)
            }
        }
        var matches: [OkvedMatch] = []
        var seen = Set<String>()
        let pool = max(limit, entries.count)
        for (mode, kind) in [(SearchQuery.Mode.all, OkvedMatch.Kind.allWords), (.any, .someWords)] {
            let hits = index.search(SearchQuery(trimmed, mode: mode, limit: pool)).hits
            let ranked = hits.compactMap { hit in byCode[hit.key].map { (entry: $0, score: hit.score) } }
                .sorted { $0.score != $1.score ? $0.score > $1.score : OkvedCode.precedes($0.entry.code, $1.entry.code) }
            for (entry, score) in ranked where seen.insert(entry.code).inserted {
                matches.append(OkvedMatch(entry: entry, kind: kind, score: score))
            }
        }
        return Array(matches.prefix(limit))
    }
}

/// The shape of OKVED 2 codes.
public enum OkvedCode {
    /// The code without surrounding spaces; a comma typed for the dot is read as a dot.
    public static func normalized(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ",", with: ".")
    }

    /// `NN`, `NN.N`, `NN.NN`, `NN.NN.N` or `NN.NN.NN`: the levels of the classifier.
    public static func isWellFormed(_ text: String) -> Bool {
        let parts = normalized(text).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts[0].count == 2
        else { return false }
        if parts.count >= 2, !(1...2).contains(parts[1].count) { return false }
        if parts.count == 3, parts[1].count != 2 || !(1...2).contains(parts[2].count) { return false }
        return true
    }

    /// A query made of digits and dots only (`6`, `62.`, `62.0`): looked up as a code, not as words.
    static func isCodePrefix(_ text: String) -> Bool {
        let normalized = normalized(text)
        return normalized.first?.isNumber == true && normalized.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." }
    }

    /// Whether `code` is `prefix` or lies under it. Plain string prefix does it, because the codes are
    /// hierarchical digit by digit: `62.0` is a prefix of 62.01 and 62.09.1 and of nothing outside group 62.0.
    static func code(_ code: String, startsWith prefix: String) -> Bool {
        code.hasPrefix(prefix)
    }

    /// Classifier order, a parent before its children (`62.0` < `62.01` < `62.02` < `62.02.1` < `62.03`). Each
    /// part compares by its digits as written, not as a number: the classifier lists 58.1, 58.11, 58.19, 58.2,
    /// and "1" < "11" < "19" < "2" is exactly that.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.split(separator: ".").map(String.init), right = rhs.split(separator: ".").map(String.init)
        for (a, b) in zip(left, right) where a != b { return a < b }
        return left.count < right.count
    }

    /// The parent code: `62.02.1` → `62.02`, `62.03.11` → `62.03.1`, `62.02` → `62.0`, `62.0` → `62`, `62` → nil.
    public static func parent(of code: String) -> String? {
        var parts = normalized(code).split(separator: ".").map(String.init)
        guard parts.count > 1 else { return nil }
        if parts[parts.count - 1].count == 2 {
            parts[parts.count - 1].removeLast()
        } else {
            parts.removeLast()
        }
        return parts.joined(separator: ".")
    }
}
