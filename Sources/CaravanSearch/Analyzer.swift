/// A token after analysis: the term that goes into (or is looked up in) the index.
public struct AnalyzedToken: Sendable, Hashable {
    /// The stem for Russian and English words; the token itself for everything else.
    public var term: String
    public var kind: Token.Kind
    /// The token's ordinal in the text; stop words leave gaps, so phrase distances stay true.
    public var position: Int
    /// Where the word is in the original text, in UTF-16 code units.
    public var utf16Range: Range<Int>
}

/// Text → index terms: tokenize, drop stop words, stem by script.
///
/// Cyrillic words go to the Russian stemmer and Latin words to the English one — a vacancy mixes both
/// ("Senior Java-разработчик"), and the script says which language a word is far more reliably than any
/// guess about the whole text. Protected technology names, numbers, words with digits and words in
/// other or mixed scripts are kept as they are. Documents and queries must go through the same analyzer.
public struct Analyzer: Sendable {
    public var tokenizer: Tokenizer
    public var stopWords: StopWords

    private let russian = RussianStemmer()
    private let english = EnglishStemmer()

    public init(tokenizer: Tokenizer = Tokenizer(), stopWords: StopWords = .standard) {
        self.tokenizer = tokenizer
        self.stopWords = stopWords
    }

    public func analyze(_ text: String) -> [AnalyzedToken] {
        var result: [AnalyzedToken] = []
        tokenizer.scan(text) { raw in
            var scalars = raw.scalars
            guard reduce(&scalars, kind: raw.kind) else { return }
            result.append(AnalyzedToken(
                term: String(scalarValues: scalars),
                kind: raw.kind,
                position: raw.position,
                utf16Range: raw.utf16Range
            ))
        }
        return result
    }

    /// A token's folded scalars → its term, in place: stop words give false, Cyrillic and Latin words are
    /// stemmed, everything else is kept. The one place this rule lives, for `analyze` and the indexer.
    @inline(__always)
    func reduce(_ scalars: inout Scalars, kind: Token.Kind) -> Bool {
        switch kind {
        case .cyrillic:
            if stopWords.contains(scalars, language: .russian) { return false }
            russian.stem(&scalars)
        case .latin:
            if stopWords.contains(scalars, language: .english) { return false }
            english.stem(&scalars)
        case .protected, .number, .alphanumeric, .other:
            break
        }
        return true
    }

    /// Just the terms, in order.
    public func terms(_ text: String) -> [String] {
        analyze(text).map(\.term)
    }
}
