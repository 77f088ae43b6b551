/// The languages Caravan stems. Profiles, vacancies and courses are written in Russian and English;
/// other scripts are indexed unstemmed.
public enum StemmerLanguage: String, Sendable, CaseIterable {
    case russian
    case english

    /// The stemmer for this language.
    public var stemmer: any Stemmer {
        switch self {
        case .russian: RussianStemmer()
        case .english: EnglishStemmer()
        }
    }
}

/// Reduces a word to its stem so that inflected forms meet in the index
/// ("разработчиками" and "разработчик" both become "разработчик").
///
/// Input is expected lowercased (the `Tokenizer` does that); stemmers never change case themselves,
/// exactly like the published Snowball algorithms they implement.
public protocol Stemmer: Sendable {
    var language: StemmerLanguage { get }
    func stem(_ word: String) -> String
}

/// A word as Unicode scalar values: the stemmers work on these so that the inner loops index an
/// array instead of walking `String.Index`es (millions of tokens go through here).
typealias Scalars = [UInt32]

extension String {
    var scalarValues: Scalars {
        var out = Scalars()
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars { out.append(scalar.value) }
        return out
    }

    init(scalarValues: some Sequence<UInt32>) {
        var view = String.UnicodeScalarView()
        for value in scalarValues {
            // Values come from valid scalars or from the stemmers' own ASCII/Cyrillic literals.
            if let scalar = Unicode.Scalar(value) { view.append(scalar) }
        }
        self.init(view)
    }
}

/// A Snowball `among` over suffixes: finds the longest listed suffix that ends the word and starts no
/// earlier than a lower limit. Like Snowball, the caller then tests that one match only — a failed
/// condition does not fall back to a shorter suffix.
struct SuffixTable<Payload: Sendable>: Sendable {
    struct Entry: Sendable {
        let scalars: Scalars
        let payload: Payload
    }

    /// Longest first, so the first hit is the longest match.
    private let entries: [Entry]

    init(_ rows: [(String, Payload)]) {
        entries = rows
            .map { Entry(scalars: $0.0.scalarValues, payload: $0.1) }
            .sorted { $0.scalars.count > $1.scalars.count }
    }

    /// Start index and payload of the longest suffix of `word` lying within `lowerLimit..<word.count`.
    func longestMatch(in word: Scalars, lowerLimit: Int = 0) -> (start: Int, payload: Payload)? {
        let end = word.count
        for entry in entries {
            let length = entry.scalars.count
            let start = end - length
            guard start >= lowerLimit else { continue }
            var index = 0
            while index < length, word[start + index] == entry.scalars[index] { index += 1 }
            if index == length { return (start, entry.payload) }
        }
        return nil
    }
}

extension Array where Element == UInt32 {
    /// Replaces everything from `start` to the end with `replacement` (Snowball's `<-` on a suffix).
    mutating func replaceSuffix(from start: Int, with replacement: Scalars) {
        removeSubrange(start...)
        append(contentsOf: replacement)
    }

    /// Whether `self[..<end]` ends with `suffix`.
    func hasSuffix(_ suffix: Scalars, endingAt end: Int) -> Bool {
        let start = end - suffix.count
        guard start >= 0 else { return false }
        for index in 0..<suffix.count where self[start + index] != suffix[index] { return false }
        return true
    }
}
