/// The Russian stemmer, faithful to the Snowball project's published algorithm (russian.sbl):
/// RV and R2 regions; perfective gerund; reflexive; adjectival (adjective plus participle groups 1 and 2),
/// verb groups 1 and 2, noun; a final "и"; derivational "ост/ость" in R2; then superlative "ейш(е)",
/// "нн" → "н" and the soft sign.
///
/// Expects a lowercased word. Maps ё to е first, as the reference does: Russian text writes ё only
/// sometimes, and the suffix tables are spelled with е.
public struct RussianStemmer: Stemmer {
    public init() {}

    public var language: StemmerLanguage { .russian }

    public func stem(_ word: String) -> String {
        var scalars = word.scalarValues
        stem(&scalars)
        return String(scalarValues: scalars)
    }

    func stem(_ w: inout Scalars) {
        for index in w.indices where w[index] == Cyrillic.yo { w[index] = Cyrillic.ye }

        let (rv, r2) = regions(w)
        // Every suffix below must lie inside RV; `rv` is the lower limit for all matching.

        if !removePerfectiveGerund(&w, rv: rv) {
            if let match = RussianTables.reflexive.longestMatch(in: w, lowerLimit: rv) {
                w.removeSubrange(match.start...)
            }
            if let match = RussianTables.adjective.longestMatch(in: w, lowerLimit: rv) {
                w.removeSubrange(match.start...)
                if let participle = RussianTables.participle.longestMatch(in: w, lowerLimit: rv),
                   participle.payload == .always || followsAOrYa(w, participle.start, rv: rv) {
                    w.removeSubrange(participle.start...)
                }
            } else if let match = RussianTables.verb.longestMatch(in: w, lowerLimit: rv),
                      match.payload == .always || followsAOrYa(w, match.start, rv: rv) {
                w.removeSubrange(match.start...)
            } else if let match = RussianTables.noun.longestMatch(in: w, lowerLimit: rv) {
                w.removeSubrange(match.start...)
            }
        }

        if w.count > rv, w.last == Cyrillic.i { w.removeLast() }

        if let match = RussianTables.derivational.longestMatch(in: w, lowerLimit: rv), match.start >= r2 {
            w.removeSubrange(match.start...)
        }

        if let match = RussianTables.tidyUp.longestMatch(in: w, lowerLimit: rv) {
            switch match.payload {
            case .superlative:
                w.removeSubrange(match.start...)
                let end = w.count
                if end - 2 >= rv, w[end - 1] == Cyrillic.en, w[end - 2] == Cyrillic.en { w.removeLast() }
            case .en:
                if match.start - 1 >= rv, w[match.start - 1] == Cyrillic.en { w.removeLast() }
            case .softSign:
                w.removeLast()
            }
        }
    }

    /// RV starts after the first vowel; R1 after the first non-vowel following a vowel; R2 is R1 applied
    /// again inside R1. A region that does not exist starts at the end of the word.
    private func regions(_ w: Scalars) -> (rv: Int, r2: Int) {
        let end = w.count
        var index = 0
        while index < end, !isVowel(w[index]) { index += 1 }
        guard index < end else { return (end, end) }
        let rv = index + 1
        index = rv
        // Past R1's start (vowels then one non-vowel), then past one more vowel-run and non-vowel for R2.
        while index < end, isVowel(w[index]) { index += 1 }
        guard index < end else { return (rv, end) }
        index += 1
        while index < end, !isVowel(w[index]) { index += 1 }
        guard index < end else { return (rv, end) }
        index += 1
        while index < end, isVowel(w[index]) { index += 1 }
        guard index < end else { return (rv, end) }
        return (rv, index + 1)
    }

    private func removePerfectiveGerund(_ w: inout Scalars, rv: Int) -> Bool {
        guard let match = RussianTables.perfectiveGerund.longestMatch(in: w, lowerLimit: rv),
              match.payload == .always || followsAOrYa(w, match.start, rv: rv) else { return false }
        w.removeSubrange(match.start...)
        return true
    }

    /// Group-1 endings count only after "а" or "я", and that letter must itself be inside RV.
    @inline(__always)
    private func followsAOrYa(_ w: Scalars, _ start: Int, rv: Int) -> Bool {
        start - 1 >= rv && (w[start - 1] == Cyrillic.a || w[start - 1] == Cyrillic.ya)
    }
}

private enum Cyrillic {
    static let a: UInt32 = 0x430 // а
    static let ye: UInt32 = 0x435 // е
    static let i: UInt32 = 0x438 // и
    static let en: UInt32 = 0x43D // н
    static let ya: UInt32 = 0x44F // я
    static let yo: UInt32 = 0x451 // ё
}

@inline(__always)
private func isVowel(_ c: UInt32) -> Bool {
    switch c {
    case 0x430, 0x435, 0x438, 0x43E, 0x443, 0x44B, 0x44D, 0x44E, 0x44F: true // а е и о у ы э ю я
    default: false
    }
}

private enum RussianTables {
    /// Group 1 endings need a preceding "а"/"я"; group 2 endings are removed as they are.
    enum Group: Sendable { case afterAOrYa, always }
    enum TidyUp: Sendable { case superlative, en, softSign }

    static func table(_ group1: [String], _ group2: [String]) -> SuffixTable<Group> {
        SuffixTable(group1.map { ($0, Group.afterAOrYa) } + group2.map { ($0, Group.always) })
    }

    static let perfectiveGerund = table(
        ["в", "вши", "вшись"],
        ["ив", "ивши", "ившись", "ыв", "ывши", "ывшись"]
    )

    static let adjective = SuffixTable<Bool>([
        "ее", "ие", "ые", "ое", "ими", "ыми", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом",
        "его", "ого", "ему", "ому", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею",
    ].map { ($0, true) })

    static let participle = table(["ем", "нн", "вш", "ющ", "щ"], ["ивш", "ывш", "ующ"])

    static let reflexive = SuffixTable<Bool>([("ся", true), ("сь", true)])

    static let verb = table(
        ["ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны", "ть", "ешь", "нно"],
        ["ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей", "уй", "ил", "ыл", "им", "ым", "ен",
         "ило", "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены", "ить", "ыть", "ишь", "ую", "ю"]
    )

    static let noun = SuffixTable<Bool>([
        "а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией", "ей", "ой", "ий", "й",
        "иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы", "ь", "ию", "ью", "ю", "ия",
        "ья", "я",
    ].map { ($0, true) })

    static let derivational = SuffixTable<Bool>([("ост", true), ("ость", true)])

    static let tidyUp = SuffixTable<TidyUp>([
        ("ейш", .superlative), ("ейше", .superlative), ("н", .en), ("ь", .softSign),
    ])
}
