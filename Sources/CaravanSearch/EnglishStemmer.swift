/// The English (Porter2) stemmer, faithful to the Snowball project's published algorithm
/// (english.sbl as of Snowball 3.1: the exceptional forms, the "Y" marking, the R1 prefixes
/// gener/commun/arsen/past/univers/later/emerg/organ/inter, and steps 1a–5).
///
/// Expects a lowercased word and leaves case alone. Works on Unicode scalar values; letters outside
/// a–z simply count as non-vowels, as in the reference implementation.
public struct EnglishStemmer: Stemmer {
    public init() {}

    public var language: StemmerLanguage { .english }

    public func stem(_ word: String) -> String {
        var scalars = word.scalarValues
        stem(&scalars)
        return String(scalarValues: scalars)
    }

    func stem(_ w: inout Scalars) {
        // Whole-word exceptions come first, before anything else looks at the word.
        if w.count <= EnglishTables.longestException, let replacement = EnglishTables.exceptions[w] {
            w = replacement
            return
        }
        // Words of one or two letters are left as they are.
        guard w.count >= 3 else { return }

        let foundY = markConsonantY(&w)
        let (p1, p2) = regions(w)

        step1a(&w)
        step1b(&w, p1: p1)
        step1c(&w)
        step2(&w, p1: p1)
        step3(&w, p1: p1, p2: p2)
        step4(&w, p2: p2)
        step5(&w, p1: p1, p2: p2)

        if foundY {
            for index in w.indices where w[index] == Letter.capitalY { w[index] = Letter.y }
        }
    }

    // MARK: - Prelude and regions

    /// Drops a leading apostrophe and writes "Y" for a consonant y (initial, or after a vowel),
    /// so that the vowel tests below treat it as a consonant. Returns whether any Y was written.
    private func markConsonantY(_ w: inout Scalars) -> Bool {
        if w.first == Letter.apostrophe { w.removeFirst() }
        var found = false
        if w.first == Letter.y {
            w[0] = Letter.capitalY
            found = true
        }
        // Left to right, reading the already-updated previous letter: in "ayy" only the first y is a consonant.
        var index = 1
        while index < w.count {
            if w[index] == Letter.y, isVowel(w[index - 1]) {
                w[index] = Letter.capitalY
                found = true
            }
            index += 1
        }
        return found
    }

    /// R1 starts after the first non-vowel that follows a vowel (or after one of the listed prefixes,
    /// so that "generate"/"general" and the like keep a long enough stem); R2 is the same rule applied
    /// again inside R1.
    private func regions(_ w: Scalars) -> (p1: Int, p2: Int) {
        let end = w.count
        var p1 = end
        if let prefix = EnglishTables.regionPrefixes.first(where: { w.starts(with: $0) }) {
            p1 = prefix.count
        } else if let after = afterVowelThenNonVowel(w, from: 0) {
            p1 = after
        }
        let p2 = afterVowelThenNonVowel(w, from: p1) ?? end
        return (p1, p2)
    }

    private func afterVowelThenNonVowel(_ w: Scalars, from start: Int) -> Int? {
        var index = start
        while index < w.count, !isVowel(w[index]) { index += 1 }
        guard index < w.count else { return nil }
        index += 1
        while index < w.count, isVowel(w[index]) { index += 1 }
        guard index < w.count else { return nil }
        return index + 1
    }

    /// A short syllable ends at `end`: non-vowel, vowel, non-vowel other than w/x/Y; or a vowel at the
    /// very start followed by a non-vowel; or the letters "past" (so "pasted" keeps its e).
    private func endsWithShortSyllable(_ w: Scalars, at end: Int) -> Bool {
        if end >= 3, !isVowelOrWXY(w[end - 1]), isVowel(w[end - 2]), !isVowel(w[end - 3]) { return true }
        if end == 2, !isVowel(w[1]), isVowel(w[0]) { return true }
        return w.hasSuffix(EnglishTables.past, endingAt: end)
    }

    // MARK: - Steps

    private func step1a(_ w: inout Scalars) {
        if let match = EnglishTables.apostropheSuffixes.longestMatch(in: w) {
            w.removeSubrange(match.start...)
        }
        guard let match = EnglishTables.step1a.longestMatch(in: w) else { return }
        let start = match.start
        switch match.payload {
        case .sses:
            w.replaceSuffix(from: start, with: EnglishTables.ss)
        case .ies:
            // "ties" → "tie" but "cries" → "cri".
            w.replaceSuffix(from: start, with: start >= 2 ? EnglishTables.i : EnglishTables.ie)
        case .s:
            // Delete the s only if a vowel comes before the letter right in front of it ("gas" stays, "gaps" goes).
            if start >= 2, w[0..<(start - 1)].contains(where: isVowel) { w.removeLast() }
        case .keep:
            break
        }
    }

    private func step1b(_ w: inout Scalars, p1: Int) {
        guard let match = EnglishTables.step1b.longestMatch(in: w) else { return }
        let start = match.start
        switch match.payload {
        case .eed:
            // proceed/exceed/succeed keep their ee-d whole; other -eed(ly) in R1 become -ee.
            if start >= p1, !EnglishTables.eedStems.contains(where: { $0.elementsEqual(w[0..<start]) }) {
                w.replaceSuffix(from: start, with: EnglishTables.ee)
            }
            return
        case .ing:
            // dying/lying/tying → die/lie/tie.
            if start == 2, w[1] == Letter.y, !isVowel(w[0]) {
                w.replaceSuffix(from: 1, with: EnglishTables.ie)
                return
            }
            // inning, outing, canning, herring, earring, evening are words, not verb forms.
            if EnglishTables.ingStems.contains(where: { $0.elementsEqual(w[0..<start]) }) { return }
        case .ed:
            break
        }

        // The suffix goes only if what precedes it contains a vowel ("bed" and "sing" stay).
        guard w[0..<start].contains(where: isVowel) else { return }
        w.removeSubrange(start...)

        let end = w.count
        if end >= 2 {
            let last = w[end - 1]
            let previous = w[end - 2]
            // luxuriat(ed) → luxuriate, troubl(ed) → trouble, siz(ed) → size.
            if (previous == Letter.a && last == Letter.t)
                || (previous == Letter.b && last == Letter.l)
                || (previous == Letter.i && last == Letter.z) {
                w.append(Letter.e)
                return
            }
            // hopp(ing) → hop, but "add", "egg", "off" keep their double letter.
            if previous == last, EnglishTables.undoubled.contains(last) {
                if end == 3, isAEO(w[0]) { return }
                w.removeLast()
                return
            }
        }
        // A short word gets its e back: hop(ing) → hope (whereas hopp(ing) → hop above).
        if end == p1, endsWithShortSyllable(w, at: end) { w.append(Letter.e) }
    }

    private func step1c(_ w: inout Scalars) {
        // cry → cri, by → by, say → say: y after a non-vowel that is not the first letter.
        let end = w.count
        guard end >= 3 else { return }
        let last = w[end - 1]
        if last == Letter.y || last == Letter.capitalY, !isVowel(w[end - 2]) {
            w[end - 1] = Letter.i
        }
    }

    private func step2(_ w: inout Scalars, p1: Int) {
        guard let match = EnglishTables.step2.longestMatch(in: w), match.start >= p1 else { return }
        let start = match.start
        switch match.payload {
        case .replace(let replacement):
            w.replaceSuffix(from: start, with: replacement)
        case .ogiAfterL:
            if start >= 1, w[start - 1] == Letter.l { w.replaceSuffix(from: start, with: EnglishTables.og) }
        case .liAfterValidEnding:
            if start >= 1, isValidLiEnding(w[start - 1]) { w.removeSubrange(start...) }
        }
    }

    private func step3(_ w: inout Scalars, p1: Int, p2: Int) {
        guard let match = EnglishTables.step3.longestMatch(in: w), match.start >= p1 else { return }
        switch match.payload {
        case .replace(let replacement):
            w.replaceSuffix(from: match.start, with: replacement)
        case .deleteInR2:
            if match.start >= p2 { w.removeSubrange(match.start...) }
        }
    }

    private func step4(_ w: inout Scalars, p2: Int) {
        guard let match = EnglishTables.step4.longestMatch(in: w), match.start >= p2 else { return }
        let start = match.start
        switch match.payload {
        case .delete:
            w.removeSubrange(start...)
        case .ionAfterSOrT:
            if start >= 1, w[start - 1] == Letter.s || w[start - 1] == Letter.t { w.removeSubrange(start...) }
        }
    }

    private func step5(_ w: inout Scalars, p1: Int, p2: Int) {
        guard let last = w.last else { return }
        let start = w.count - 1
        if last == Letter.e {
            if start >= p2 || (start >= p1 && !endsWithShortSyllable(w, at: start)) { w.removeLast() }
        } else if last == Letter.l {
            if start >= p2, start >= 1, w[start - 1] == Letter.l { w.removeLast() }
        }
    }
}

// MARK: - Letters and tables

/// ASCII letters as scalar values, spelled out so the hot paths compare integers.
private enum Letter {
    static let apostrophe: UInt32 = 0x27
    static let capitalY: UInt32 = 0x59
    static let a: UInt32 = 0x61
    static let b: UInt32 = 0x62
    static let e: UInt32 = 0x65
    static let i: UInt32 = 0x69
    static let l: UInt32 = 0x6C
    static let o: UInt32 = 0x6F
    static let s: UInt32 = 0x73
    static let t: UInt32 = 0x74
    static let w: UInt32 = 0x77
    static let x: UInt32 = 0x78
    static let y: UInt32 = 0x79
    static let z: UInt32 = 0x7A
}

@inline(__always)
private func isVowel(_ c: UInt32) -> Bool {
    switch c {
    case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79: true // a e i o u y
    default: false
    }
}

@inline(__always)
private func isVowelOrWXY(_ c: UInt32) -> Bool {
    isVowel(c) || c == Letter.w || c == Letter.x || c == Letter.capitalY
}

@inline(__always)
private func isAEO(_ c: UInt32) -> Bool {
    c == Letter.a || c == Letter.e || c == Letter.o
}

/// Letters after which a final "li" is a suffix (c d e g h k m n r t).
@inline(__always)
private func isValidLiEnding(_ c: UInt32) -> Bool {
    switch c {
    case 0x63, 0x64, 0x65, 0x67, 0x68, 0x6B, 0x6D, 0x6E, 0x72, 0x74: true
    default: false
    }
}

private enum EnglishTables {
    enum Step1a: Sendable { case sses, ies, s, keep }
    enum Step1b: Sendable { case eed, ed, ing }
    enum Rewrite: Sendable { case replace(Scalars), ogiAfterL, liAfterValidEnding }
    enum Step3: Sendable { case replace(Scalars), deleteInR2 }
    enum Step4: Sendable { case delete, ionAfterSOrT }

    static let ss = "ss".scalarValues
    static let i = "i".scalarValues
    static let ie = "ie".scalarValues
    static let ee = "ee".scalarValues
    static let og = "og".scalarValues
    static let past = "past".scalarValues

    /// Exceptional forms: whole words with a fixed stem (invariant words map to themselves).
    static let exceptions: [Scalars: Scalars] = {
        let pairs = [
            ("skis", "ski"), ("skies", "sky"),
            ("idly", "idl"), ("gently", "gentl"), ("ugly", "ugli"), ("early", "earli"),
            ("only", "onli"), ("singly", "singl"),
            ("sky", "sky"), ("news", "news"), ("howe", "howe"),
            ("atlas", "atlas"), ("cosmos", "cosmos"), ("bias", "bias"), ("andes", "andes"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.0.scalarValues, $0.1.scalarValues) })
    }()
    static let longestException = 6

    /// Prefixes after which R1 starts, whatever the vowels say.
    static let regionPrefixes: [Scalars] = [
        "gener", "commun", "arsen", "past", "univers", "later", "emerg", "organ", "inter",
    ].map(\.scalarValues)

    /// Stems before "eed" that make a word rather than a past tense.
    static let eedStems: [Scalars] = ["proc", "exc", "succ"].map(\.scalarValues)
    /// Stems before "ing" that make a word rather than a participle.
    static let ingStems: [Scalars] = ["inn", "out", "cann", "herr", "earr", "even"].map(\.scalarValues)
    /// Doubled letters that step 1b undoubles (not c h j k q v w x, nor l s z).
    static let undoubled: Set<UInt32> = Set("bdfgmnprt".unicodeScalars.map(\.value))

    static let apostropheSuffixes = SuffixTable<Bool>([("'", true), ("'s", true), ("'s'", true)])

    static let step1a = SuffixTable<Step1a>([
        ("sses", .sses), ("ied", .ies), ("ies", .ies), ("s", .s), ("us", .keep), ("ss", .keep),
    ])

    static let step1b = SuffixTable<Step1b>([
        ("eed", .eed), ("eedly", .eed),
        ("ed", .ed), ("edly", .ed), ("ingly", .ed),
        ("ing", .ing),
    ])

    static let step2 = SuffixTable<Rewrite>([
        ("tional", .replace("tion".scalarValues)),
        ("enci", .replace("ence".scalarValues)),
        ("anci", .replace("ance".scalarValues)),
        ("abli", .replace("able".scalarValues)),
        ("entli", .replace("ent".scalarValues)),
        ("izer", .replace("ize".scalarValues)),
        ("ization", .replace("ize".scalarValues)),
        ("ational", .replace("ate".scalarValues)),
        ("ation", .replace("ate".scalarValues)),
        ("ator", .replace("ate".scalarValues)),
        ("alism", .replace("al".scalarValues)),
        ("aliti", .replace("al".scalarValues)),
        ("alli", .replace("al".scalarValues)),
        ("fulness", .replace("ful".scalarValues)),
        ("fulli", .replace("ful".scalarValues)),
        ("ousli", .replace("ous".scalarValues)),
        ("ousness", .replace("ous".scalarValues)),
        ("iveness", .replace("ive".scalarValues)),
        ("iviti", .replace("ive".scalarValues)),
        ("biliti", .replace("ble".scalarValues)),
        ("bli", .replace("ble".scalarValues)),
        ("ogist", .replace("og".scalarValues)),
        ("ogi", .ogiAfterL),
        ("lessli", .replace("less".scalarValues)),
        ("li", .liAfterValidEnding),
    ])

    static let step3 = SuffixTable<Step3>([
        ("tional", .replace("tion".scalarValues)),
        ("ational", .replace("ate".scalarValues)),
        ("alize", .replace("al".scalarValues)),
        ("icate", .replace("ic".scalarValues)),
        ("iciti", .replace("ic".scalarValues)),
        ("ical", .replace("ic".scalarValues)),
        ("ful", .replace([])),
        ("ness", .replace([])),
        ("ative", .deleteInR2),
    ])

    static let step4 = SuffixTable<Step4>(
        ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti",
         "ous", "ive", "ize"].map { ($0, Step4.delete) } + [("ion", .ionAfterSOrT)]
    )
}
