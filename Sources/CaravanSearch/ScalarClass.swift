/// How the tokenizer sees one Unicode scalar after folding: which script a letter belongs to, or what
/// kind of punctuation it is. Kept apart from the tokenizer so the rules can be read in one place.
enum ScalarClass: UInt8, Equatable {
    case latin
    case cyrillic
    /// A letter of another script (Greek, Armenian, CJK, …): kept in tokens, never stemmed.
    case otherLetter
    case digit
    /// Apostrophe-like marks, all folded to U+0027: inside a word they belong to it ("don't", "oʻzbek").
    case apostrophe
    /// Combining mark (U+0300–U+036F): decomposed input ("и" + breve) is merged into the letter before it.
    case combiningMark
    case other

    init(_ value: UInt32) {
        switch value {
        case 0x30...0x39: self = .digit
        case 0x61...0x7A, 0x41...0x5A: self = .latin
        case 0x430...0x44F: self = .cyrillic
        case 0x27: self = .apostrophe
        case 0x20...0x26, 0x28...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7F, 0...0x1F: self = .other
        case 0xDF...0xFF where value != 0xF7: self = .latin // Latin-1 lowercase letters, not ÷
        case 0x100...0x24F: self = .latin // Latin Extended-A and -B (Uzbek, Turkish, Kazakh Latin…)
        case 0x400...0x52F: self = .cyrillic // incl. Kazakh, Kyrgyz, Tajik, Uzbek Cyrillic letters
        case 0x300...0x36F: self = .combiningMark
        default:
            guard let scalar = Unicode.Scalar(value) else {
                self = .other
                return
            }
            self = scalar.properties.isAlphabetic ? .otherLetter : .other
        }
    }

    var isLetter: Bool { self == .latin || self == .cyrillic || self == .otherLetter }
    var isWordCharacter: Bool { isLetter || self == .digit }
}

enum Folding {
    static let apostrophe: UInt32 = 0x27

    /// Lowercases, maps ё to е and every apostrophe-like mark to U+0027, so that all later comparisons
    /// (protected terms, stop words, stemmers) see one spelling.
    static func fold(_ value: UInt32) -> UInt32 {
        switch value {
        case 0x41...0x5A: return value + 0x20 // A–Z
        case 0x410...0x42F: return value + 0x20 // А–Я
        case 0x401, 0x451: return 0x435 // Ё, ё → е
        case 0x400...0x40F: return value + 0x50 // Ѐ–Џ
        case 0x61...0x7A, 0x430...0x44F, 0x30...0x39, 0...0x40:
            return value
        case 0x2019, 0x2018, 0x2BC, 0x2BB, 0x60, 0xB4: // ’ ‘ ʼ ʻ ` ´
            return apostrophe
        default:
            guard value >= 0x80, let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased,
                  let lower = scalar.properties.lowercaseMapping.unicodeScalars.first
            else { return value }
            return lower.value
        }
    }
}
