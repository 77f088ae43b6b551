import Foundation
import Testing
@testable import CaravanSearch

@Suite struct TokenizerTests {
    let tokenizer = Tokenizer()

    private func texts(_ text: String) -> [String] {
        tokenizer.tokenize(text).map(\.text)
    }

    @Test func splitsOnSpacesAndPunctuationAndLowercases() {
        #expect(texts("Hello, World! Привет, МИР.") == ["hello", "world", "привет", "мир"])
        #expect(texts("front-end (React); back-end") == ["front", "end", "react", "back", "end"])
    }

    @Test func emptyAndSeparatorOnlyInputGiveNoTokens() {
        #expect(texts("").isEmpty)
        #expect(texts("  \n\t—…!?,;  ").isEmpty)
    }

    @Test(arguments: [
        ("Знаю C++, C# и F#.", ["знаю", "c++", "c#", "и", "f#"]),
        ("Стек: .NET, ASP.NET Core, Node.js, Vue.js", ["стек", ".net", "asp.net", "core", "node.js", "vue.js"]),
        ("Опыт 1С:Предприятие и 1C", ["опыт", "1с", "предприятие", "и", "1с"]),
        ("Настройка CI/CD, PL/SQL и T-SQL", ["настройка", "ci/cd", "pl/sql", "и", "t-sql"]),
        ("С++ с кириллической С", ["c++", "с", "кириллической", "с"]),
        ("c++/c#", ["c++", "c#"]),
        ("C++-разработчик", ["c++", "разработчик"]),
        ("nodejs and NodeJS", ["node.js", "and", "node.js"]),
    ])
    func keepsTechnologyNamesWhole(text: String, expected: [String]) {
        #expect(texts(text) == expected)
    }

    @Test func protectedTermsNeedWordBoundaries() {
        // ".net" inside a word is not the platform; ".netty" is not ".net" either.
        #expect(texts("foo.net") == ["foo", "net"])
        #expect(texts(".netty") == ["netty"])
        #expect(texts("abc++") == ["abc"])
        #expect(tokenizer.tokenize("c++").first?.kind == .protected)
    }

    @Test func foldsYoToYe() {
        #expect(texts("Ёлка, ещё, её") == ["елка", "еще", "ее"])
        // Decomposed input: е + U+0308 and и + U+0306 come out as composed е and й.
        #expect(texts("e\u{0435}\u{0308}ж \u{0438}\u{0306}од") == ["eеж", "йод"])
    }

    @Test func keepsApostrophesAndDecimalPointsInsideWords() {
        #expect(texts("Don’t stop, it's Python 3.11.") == ["don't", "stop", "it's", "python", "3.11"])
        #expect(texts("'quoted'") == ["quoted"])
    }

    @Test func classifiesTokensByScript() {
        let kinds = tokenizer.tokenize("Java разработчик k8s 2024 αβγ Pythonист").map(\.kind)
        #expect(kinds == [.latin, .cyrillic, .alphanumeric, .number, .other, .other])
    }

    @Test func recordsOrdinalPositionsAndUTF16Ranges() throws {
        let text = "Ёжик 🦔 в C++"
        let tokens = tokenizer.tokenize(text)
        #expect(tokens.map(\.position) == [0, 1, 2])
        let utf16 = Array(text.utf16)
        let originals = tokens.map { String(decoding: utf16[$0.utf16Range], as: UTF16.self) }
        #expect(originals == ["Ёжик", "в", "C++"])
        #expect(tokens[2].utf16Range == 10..<13) // the emoji is two UTF-16 units
    }

    @Test func dropsOverlongRuns() {
        let blob = String(repeating: "a", count: 65)
        #expect(texts("ok \(blob) fine") == ["ok", "fine"])
    }

    @Test func survivesRandomBytesInLinearTime() {
        var generator = SeededGenerator(seed: 42)
        let bytes = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = String(decoding: bytes, as: UTF8.self)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let tokens = tokenizer.tokenize(text)
            #expect(tokens.allSatisfy { !$0.text.isEmpty && $0.utf16Range.upperBound <= text.utf16.count })
        }
        #expect(elapsed < .seconds(5))
    }

    @Test func handlesLongMixedScriptTextsInLinearTime() {
        let chunk = "Senior Java-разработчик (C++/C#, .NET) — 1С; ёлка-палка!! ci/cd k8s 3.11 αβγ 🦔 "
        let text = String(repeating: chunk, count: 1_300) // ≈ 100 KB of UTF-8
        let clock = ContinuousClock()
        var count = 0
        let elapsed = clock.measure { count = tokenizer.tokenize(text).count }
        #expect(count == 1_300 * texts(chunk).count)
        #expect(elapsed < .seconds(5))
    }
}

/// A small deterministic generator (SplitMix64) so the random-bytes test is repeatable.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
