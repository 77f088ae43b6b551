import Foundation
import Testing
@testable import CaravanSearch

/// The stemmers against the Snowball project's own reference output (a sample of its vocabulary):
/// a faithful implementation reproduces every line.
@Suite struct SnowballSampleTests {
    @Test func russianMatchesEveryReferenceLine() throws {
        let result = try check(RussianStemmer(), fixture: "russian-sample.tsv")
        #expect(result.lines == 3875)
        #expect(result.mismatches.isEmpty, "\(result.summary)")
    }

    @Test func englishMatchesEveryReferenceLine() throws {
        let result = try check(EnglishStemmer(), fixture: "english-sample.tsv")
        #expect(result.lines == 3302)
        #expect(result.mismatches.isEmpty, "\(result.summary)")
    }

    @Test func russianMapsYoToYeItself() {
        #expect(RussianStemmer().stem("ёлками") == RussianStemmer().stem("елками"))
        #expect(RussianStemmer().stem("ёлками") == "елк")
    }

    @Test(arguments: [("", ""), ("a", "a"), ("'", "'"), ("yy", "yy"), ("'''", "'"), ("yyy", "yyy"), ("ÿés", "ÿés")])
    func englishHandlesShortAndOddWords(word: String, expected: String) {
        #expect(EnglishStemmer().stem(word) == expected)
    }

    @Test(arguments: [("", ""), ("я", "я"), ("ёё", "е"), ("ьь", "ьь"), ("ааа", "аа"), ("бвг", "бвг")])
    func russianHandlesShortAndOddWords(word: String, expected: String) {
        #expect(RussianStemmer().stem(word) == expected)
    }

    @Test func languageHandsOutItsStemmer() {
        #expect(StemmerLanguage.russian.stemmer.stem("программистами") == "программист")
        #expect(StemmerLanguage.english.stemmer.stem("developers") == "develop")
    }

    struct Result {
        var lines = 0
        var mismatches: [(word: String, expected: String, actual: String)] = []

        var summary: String {
            let first = mismatches.prefix(10).map { "\($0.word): expected \($0.expected), got \($0.actual)" }
            return "\(mismatches.count) of \(lines) lines differ; first: \(first.joined(separator: "; "))"
        }
    }

    private func check(_ stemmer: some Stemmer, fixture: String) throws -> Result {
        let text = try String(contentsOf: Fixtures.url(fixture), encoding: .utf8)
        var result = Result()
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else { continue }
            result.lines += 1
            let word = String(fields[0])
            let expected = String(fields[1])
            let actual = stemmer.stem(word)
            if actual != expected { result.mismatches.append((word, expected, actual)) }
        }
        return result
    }
}

/// Fixture files sit beside the tests, found from this source file's path (no bundle resources).
enum Fixtures {
    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
            .appendingPathComponent(name)
    }
}
