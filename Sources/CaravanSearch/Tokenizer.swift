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
        var folded = FoldedText()
        folded.fold(text, trackUTF16: true)
        var position = 0
        scanRanges(folded) { start, end, kind, canonical in
            emit(RawToken(scalars: canonical ?? Scalars(folded.scalars[start..<end]), kind: kind, position: position,
                          utf16Range: folded.utf16Start[start]..<folded.utf16End[end - 1]))
            position += 1
        }
    }

    /// The tokens of already folded text as ranges of `folded.scalars`, with their kind and, for protected
    /// terms, the canonical spelling (which replaces the range's scalars). Allocates nothing: indexing runs
    /// every document through here with reused buffers.
    @inline(__always)
    func scanRanges(_ folded: borrowing FoldedText,
                    _ emit: (_ start: Int, _ end: Int, _ kind: Token.Kind, _ canonical: Scalars?) -> Void) {
        let count = folded.count
        folded.scalars.withUnsafeBufferPointer { allChars in
        folded.classes.withUnsafeBufferPointer { allClasses in
        let chars = UnsafeBufferPointer(rebasing: allChars[..<count])
        let classes = UnsafeBufferPointer(rebasing: allClasses[..<count])
        var index = 0
        while index < count {
            let atWordStart = index == 0 || !classes[index - 1].isWordCharacter
            if atWordStart, let term = protectedTerms.match(in: chars, classes: classes, at: index) {
                let end = index + term.scalars.count
                emit(index, end, .protected, term.canonical)
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
                emit(index, end, scripts.kind, nil)
            }
            index = end
        }
        }
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

/// Which scripts a run of word characters used, to pick its `Token.Kind`: one bit per `ScalarClass`,
/// so adding a character is an OR, not a switch.
private struct ScriptMix {
    private var seen: UInt8 = 0

    @inline(__always)
    mutating func add(_ charClass: ScalarClass) { seen |= 1 << charClass.rawValue }

    private func has(_ charClass: ScalarClass) -> Bool { seen & (1 << charClass.rawValue) != 0 }

    var kind: Token.Kind {
        let latin = has(.latin), cyrillic = has(.cyrillic), otherLetter = has(.otherLetter)
        let letters = latin || cyrillic || otherLetter
        if has(.digit) { return letters ? .alphanumeric : .number }
        if latin && !cyrillic && !otherLetter { return .latin }
        if cyrillic && !latin && !otherLetter { return .cyrillic }
        return .other
    }
}

/// The text folded scalar by scalar, with each kept scalar's place in the original (UTF-16 offsets).
/// Combining marks after a letter are merged into it: "и" + breve is "й", "е" + diaeresis is "е",
/// any other mark is dropped — so decomposed (NFD) input tokenizes like composed input.
///
/// Reusable: `fold` keeps the buffers' capacity, so the indexer folds millions of texts without
/// allocating; only the first `count` entries of `scalars` and `classes` are this text's. UTF-16 offsets
/// are only tracked when asked for (the index does not need them).
struct FoldedText {
    var scalars: Scalars = []
    var classes: [ScalarClass] = []
    var count = 0
    var utf16Start: [Int] = []
    var utf16End: [Int] = []

    init() {}

    /// ASCII folded and classified as `Folding.fold` and `ScalarClass.init` do, by byte.
    private static let asciiValues: [UInt32] = (0..<128).map { Folding.fold(UInt32($0)) }
    private static let asciiClasses: [ScalarClass] = (0..<128).map { ScalarClass(Folding.fold(UInt32($0))) }

    mutating func fold(_ text: String, trackUTF16: Bool) {
        utf16Start.removeAll(keepingCapacity: true)
        utf16End.removeAll(keepingCapacity: true)
        let capacity = text.utf8.count
        // Never more scalars than UTF-8 bytes: size the buffers once, then write through pointers.
        if scalars.count < capacity {
            let grown = max(capacity, scalars.count * 2)
            scalars.append(contentsOf: repeatElement(0, count: grown - scalars.count))
            classes.append(contentsOf: repeatElement(.other, count: grown - classes.count))
        }
        if trackUTF16 {
            utf16Start.reserveCapacity(capacity)
            utf16End.reserveCapacity(capacity)
        }

        var text = text
        var kept = 0
        scalars.withUnsafeMutableBufferPointer { scalars in
        classes.withUnsafeMutableBufferPointer { classes in
        Self.asciiValues.withUnsafeBufferPointer { asciiValues in
        Self.asciiClasses.withUnsafeBufferPointer { asciiClasses in
        text.withUTF8 { utf8 in
            let end = utf8.count
            var byte = 0
            var offset = 0
            while byte < end {
                // `String` storage is valid UTF-8, so decoding needs no validation.
                let lead = UInt32(utf8[byte])
                var value: UInt32
                var charClass: ScalarClass
                if lead < 0x80 {
                    // ASCII, most of the text: two table reads instead of a chain of range tests, and
                    // never a combining mark.
                    byte += 1
                    scalars[kept] = asciiValues[Int(lead)]
                    classes[kept] = asciiClasses[Int(lead)]
                    kept += 1
                    if trackUTF16 {
                        utf16Start.append(offset)
                        utf16End.append(offset + 1)
                    }
                    offset += 1
                    continue
                } else if lead < 0xE0 {
                    value = (lead & 0x1F) << 6 | UInt32(utf8[byte + 1] & 0x3F)
                    byte += 2
                    // Basic Cyrillic fast path.
                    if value &- 0x430 < 32 {
                        charClass = .cyrillic
                    } else if value &- 0x410 < 32 {
                        value += 0x20
                        charClass = .cyrillic
                    } else {
                        value = Folding.fold(value)
                        charClass = ScalarClass(value)
                    }
                } else if lead < 0xF0 {
                    value = (lead & 0x0F) << 12 | UInt32(utf8[byte + 1] & 0x3F) << 6 | UInt32(utf8[byte + 2] & 0x3F)
                    byte += 3
                    value = Folding.fold(value)
                    charClass = ScalarClass(value)
                } else {
                    value = (lead & 0x07) << 18 | UInt32(utf8[byte + 1] & 0x3F) << 12
                        | UInt32(utf8[byte + 2] & 0x3F) << 6 | UInt32(utf8[byte + 3] & 0x3F)
                    byte += 4
                    value = Folding.fold(value)
                    charClass = ScalarClass(value)
                }
                let width = value > 0xFFFF ? 2 : 1
                defer { offset += width }
                if charClass == .combiningMark, kept > 0, classes[kept - 1].isLetter {
                    if value == 0x306, scalars[kept - 1] == 0x438 { scalars[kept - 1] = 0x439 } // й → й
                    if trackUTF16 { utf16End[utf16End.count - 1] = offset + width }
                    continue
                }
                scalars[kept] = value
                classes[kept] = charClass == .combiningMark ? .other : charClass
                kept += 1
                if trackUTF16 {
                    utf16Start.append(offset)
                    utf16End.append(offset + width)
                }
            }
        }
        }
        }
        }
        }
        count = kept
    }
}
