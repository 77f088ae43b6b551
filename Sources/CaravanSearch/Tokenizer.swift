/// One word of a text as the index sees it.
public struct Token: Sendable, Hashable {
    /// What the token is made of, which decides how the analyzer treats it.
    public enum Kind: Sendable, Hashable {
        /// Cyrillic letters only: Russian stop words and stemmer apply.
        case cyrillic
        /// Latin letters only: English stop words and stemmer apply.
        case latin
        /// Letters of another script, or of several scripts: kept as written.
        case other
        /// Digits only ("2022", "3.11").
        case number
        /// Letters and digits ("k8s", "html5"): kept as written.
        case alphanumeric
        /// A protected technology name ("c++", "node.js"), in its canonical spelling.
        case protected
    }

    /// Folded text: lowercase, ё as е, apostrophes as U+0027; protected terms in canonical spelling.
    public var text: String
    public var kind: Kind
    /// Ordinal of the token in the text (0, 1, 2, …), kept through stop-word removal for phrase matching.
    public var position: Int
    /// Where the token is in the original text, in UTF-16 code units (what `NSRange` and JavaScript use).
    public var utf16Range: Range<Int>

    public init(text: String, kind: Kind, position: Int, utf16Range: Range<Int>) {
        self.text = text
        self.kind = kind
        self.position = position
        self.utf16Range = utf16Range
    }
}

/// Splits text into words: runs of Latin or Cyrillic letters and digits, lowercased, with ё folded to е.
///
/// Punctuation splits words, with three exceptions: protected technology names ("c++", "ci/cd",
/// "node.js") are kept whole; an apostrophe between letters stays ("don't", "oʻzbek"); a dot between
/// digits stays ("3.11"). Hyphens split ("front-end" → "front", "end"), so a query for either half matches.
///
/// One pass over the text with bounded look-ahead, so time is linear in the input, whatever it holds.
public struct Tokenizer: Sendable {
    public var protectedTerms: ProtectedTerms
    /// Longer runs are dropped: they are hashes, base64 or junk, not words, and would only bloat the index.
    public var maximumTokenLength: Int

    public init(protectedTerms: ProtectedTerms = .technology, maximumTokenLength: Int = 64) {
        self.protectedTerms = protectedTerms
        self.maximumTokenLength = maximumTokenLength
    }

    public func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        scan(text) { raw in
            tokens.append(Token(
                text: String(scalarValues: raw.scalars),
                kind: raw.kind,
                position: raw.position,
                utf16Range: raw.utf16Range
            ))
        }
        return tokens
    }

    /// A token before it becomes a `String`, so the analyzer can stem it without converting twice.
    struct RawToken {
        var scalars: Scalars
        var kind: Token.Kind
        var position: Int
        var utf16Range: Range<Int>
    }

    func scan(_ text: String, _ emit: (RawToken) -> Void) {
        let folded = FoldedText(text)
        let chars = folded.scalars
        let classes = folded.classes
        let count = chars.count
        var position = 0
        var index = 0

        func send(_ scalars: Scalars, _ kind: Token.Kind, _ range: Range<Int>) {
            emit(RawToken(scalars: scalars, kind: kind, position: position,
                          utf16Range: folded.utf16Start[range.lowerBound]..<folded.utf16End[range.upperBound - 1]))
            position += 1
        }

        while index < count {
            let atWordStart = index == 0 || !classes[index - 1].isWordCharacter
            if atWordStart, let term = protectedTerms.match(in: chars, classes: classes, at: index) {
                let end = index + term.scalars.count
                send(term.canonical, .protected, index..<end)
                index = end
                continue
            }
            guard classes[index].isWordCharacter else {
                index += 1
                continue
            }

            var end = index + 1
            var scripts = ScriptMix()
            scripts.add(classes[index])
            while end < count {
                let current = classes[end]
                if current.isWordCharacter {
                    scripts.add(current)
                    end += 1
                } else if end + 1 < count, joins(chars[end], current, classes[end - 1], classes[end + 1]) {
                    scripts.add(classes[end + 1])
                    end += 2
                } else {
                    break
                }
            }
            if end - index <= maximumTokenLength {
                send(Scalars(chars[index..<end]), scripts.kind, index..<end)
            }
            index = end
        }
    }

    /// Whether the punctuation `char` between two word characters belongs to the word.
    private func joins(_ char: UInt32, _ charClass: ScalarClass, _ before: ScalarClass, _ after: ScalarClass) -> Bool {
        switch charClass {
        case .apostrophe: before.isLetter && after.isLetter
        case .other: char == 0x2E && before == .digit && after == .digit // "3.11"
        default: false
        }
    }
}

/// Which scripts a run of word characters used, to pick its `Token.Kind`.
private struct ScriptMix {
    var latin = false
    var cyrillic = false
    var otherLetter = false
    var digit = false

    mutating func add(_ charClass: ScalarClass) {
        switch charClass {
        case .latin: latin = true
        case .cyrillic: cyrillic = true
        case .otherLetter: otherLetter = true
        case .digit: digit = true
        default: break
        }
    }

    var kind: Token.Kind {
        let letters = latin || cyrillic || otherLetter
        if digit { return letters ? .alphanumeric : .number }
        if latin && !cyrillic && !otherLetter { return .latin }
        if cyrillic && !latin && !otherLetter { return .cyrillic }
        return .other
    }
}

/// The text folded scalar by scalar, with each kept scalar's place in the original (UTF-16 offsets).
/// Combining marks after a letter are merged into it: "и" + breve is "й", "е" + diaeresis is "е",
/// any other mark is dropped — so decomposed (NFD) input tokenizes like composed input.
private struct FoldedText {
    var scalars: Scalars = []
    var classes: [ScalarClass] = []
    var utf16Start: [Int] = []
    var utf16End: [Int] = []

    init(_ text: String) {
        let capacity = text.utf8.count
        scalars.reserveCapacity(capacity)
        classes.reserveCapacity(capacity)
        utf16Start.reserveCapacity(capacity)
        utf16End.reserveCapacity(capacity)

        var offset = 0
        for scalar in text.unicodeScalars {
            let width = scalar.value > 0xFFFF ? 2 : 1
            defer { offset += width }
            let value = Folding.fold(scalar.value)
            let charClass = ScalarClass(value)
            if charClass == .combiningMark, let last = classes.last, last.isLetter {
                if value == 0x306, scalars[scalars.count - 1] == 0x438 { scalars[scalars.count - 1] = 0x439 } // й → й
                utf16End[utf16End.count - 1] = offset + width
                continue
            }
            scalars.append(value)
            classes.append(charClass == .combiningMark ? .other : charClass)
            utf16Start.append(offset)
            utf16End.append(offset + width)
        }
    }
}
