/// Technology names that ordinary word splitting would break ("c++" → "c") or that stemming would
/// mangle ("node.js" → "node", "js"). The tokenizer keeps each one whole, spelled as its canonical form,
/// and the analyzer neither stems it nor drops it as a stop word.
///
/// A term may contain any characters ("c#", "ci/cd", ".net"); it matches only at the start of a word,
/// and, when it ends in a letter or digit, only if the word ends there too (".net" but not ".netty").
public struct ProtectedTerms: Sendable {
    struct Term: Sendable {
        let scalars: Scalars
        let canonical: Scalars
        let endsInWordCharacter: Bool
    }

    /// Candidates by first scalar, longest first, so a lookup costs one hash and a few comparisons.
    private let termsByFirstScalar: [UInt32: [Term]]
    /// The same for first scalars below `directLimit` (Latin and Cyrillic), by array index: the tokenizer
    /// asks at every word start, and an array read is far cheaper than hashing.
    private let directTerms: [[Term]]
    private static let directLimit: UInt32 = 0x530
    /// Every spelling the set recognises, folded, mapped to its canonical form.
    public let spellings: [String: String]

    /// - Parameter spellings: spelling → canonical form; spellings are folded like tokenizer input
    ///   (lowercase, ё → е), so "C++" and "c++" are the same entry.
    public init(_ spellings: [String: String]) {
        var folded: [String: String] = [:]
        var byFirst: [UInt32: [Term]] = [:]
        for (spelling, canonical) in spellings {
            let scalars = spelling.scalarValues.map(Folding.fold)
            let canonicalScalars = canonical.scalarValues.map(Folding.fold)
            guard let first = scalars.first, let last = scalars.last else { continue }
            folded[String(scalarValues: scalars)] = String(scalarValues: canonicalScalars)
            let term = Term(
                scalars: scalars,
                canonical: canonicalScalars,
                endsInWordCharacter: ScalarClass(last).isWordCharacter
            )
            byFirst[first, default: []].append(term)
        }
        let sorted = byFirst.mapValues { $0.sorted { $0.scalars.count > $1.scalars.count } }
        termsByFirstScalar = sorted
        directTerms = (0..<Self.directLimit).map { sorted[$0] ?? [] }
        self.spellings = folded
    }

    /// Terms given as they are, each its own canonical form.
    public init(terms: some Sequence<String>) {
        self.init(Dictionary(terms.map { ($0, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The longest term starting at `start` in folded text, with the word boundary after it checked.
    @inline(__always)
    func match(in text: UnsafeBufferPointer<UInt32>, classes: UnsafeBufferPointer<ScalarClass>, at start: Int) -> Term? {
        let first = text[start]
        if first < Self.directLimit {
            return Self.match(directTerms[Int(first)], in: text, classes: classes, at: start)
        }
        guard let candidates = termsByFirstScalar[first] else { return nil }
        return Self.match(candidates, in: text, classes: classes, at: start)
    }

    @inline(__always)
    private static func match(_ candidates: [Term], in text: UnsafeBufferPointer<UInt32>,
                              classes: UnsafeBufferPointer<ScalarClass>, at start: Int) -> Term? {
        for term in candidates {
            let end = start + term.scalars.count
            guard end <= text.count else { continue }
            var index = 1
            while index < term.scalars.count, text[start + index] == term.scalars[index] { index += 1 }
            guard index == term.scalars.count else { continue }
            if term.endsInWordCharacter, end < text.count, classes[end].isWordCharacter { continue }
            return term
        }
        return nil
    }
}

extension ProtectedTerms {
    /// The technology names Caravan's vacancies and profiles use. Aliases point at one canonical
    /// spelling so that "С++" typed with a Cyrillic С, "nodejs" and "1c" find what they mean.
    public static let technology = ProtectedTerms([
        // Languages whose names are symbols.
        "c++": "c++", "с++": "c++", "g++": "g++",
        "c#": "c#", "с#": "c#", "f#": "f#", "j#": "j#",
        "objective-c": "objective-c",
        // .NET and its family.
        ".net": ".net", "dotnet": ".net", "asp.net": "asp.net", "ado.net": "ado.net", "vb.net": "vb.net",
        // JavaScript libraries named *.js.
        "node.js": "node.js", "nodejs": "node.js",
        "vue.js": "vue.js", "vuejs": "vue.js",
        "react.js": "react.js", "reactjs": "react.js",
        "next.js": "next.js", "nuxt.js": "nuxt.js", "nest.js": "nest.js", "express.js": "express.js",
        "angular.js": "angular.js", "angularjs": "angular.js", "ember.js": "ember.js",
        "backbone.js": "backbone.js", "three.js": "three.js", "d3.js": "d3.js", "chart.js": "chart.js",
        "socket.io": "socket.io",
        // 1C, written with a Cyrillic or a Latin C.
        "1с": "1с", "1c": "1с",
        // Slash and hyphen names.
        "ci/cd": "ci/cd", "pl/sql": "pl/sql", "pl/pgsql": "pl/pgsql", "t-sql": "t-sql",
        "tcp/ip": "tcp/ip", "ui/ux": "ui/ux", "ux/ui": "ux/ui", "a/b": "a/b", "i/o": "i/o",
        // Names the English stemmer would fold into another skill's name ("solidity" → "solid", as SOLID).
        "solidity": "solidity",
        // Ampersand names.
        "r&d": "r&d", "q&a": "q&a", "at&t": "at&t",
    ])
}
