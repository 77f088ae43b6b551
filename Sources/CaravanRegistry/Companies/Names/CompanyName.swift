import CaravanDomain
import Foundation

/// A company's firm name under Civil Code art. 1473: the legal form in Russian, then the name proper in quotes.
///
/// The applicant types only the name proper (`X`); the full name «Общество с ограниченной ответственностью «X»»
/// and the short name «ООО «X»» are built from it, so the legal form is always there and always right. The name
/// proper is in Russian letters: art. 1473(3) allows foreign words only in Russian transcription, and a name in
/// another language is a separate, optional field.
public struct CompanyName: Hashable, Sendable, Codable {
    public static let legalFormFull = "Общество с ограниченной ответственностью"
    public static let legalFormShort = "ООО"
    public static let coreLength = 1...250

    /// The name proper, spaces collapsed.
    public let core: String

    public var full: String { "\(Self.legalFormFull) «\(core)»" }
    public var short: String { "\(Self.legalFormShort) «\(core)»" }

    /// A name proper that passes `check(core:)`; throws every problem under `field`.
    public init(core: String, field: String = "name") throws(ValidationFailure) {
        var validator = Validator()
        let collapsed = Self.collapse(core)
        Self.check(core: collapsed, field: field, into: &validator)
        try validator.check()
        self.core = collapsed
    }

    /// Reads a full or short name as an API caller may send it («Общество с ограниченной ответственностью
    /// «Ромашка»», «ООО «Ромашка»», `ООО Ромашка`): the legal form must lead it (`company.nameLegalFormMissing`),
    /// then the name proper, quoted or not, is checked as `init(core:)` does.
    public init(fullOrShort text: String, field: String = "name") throws(ValidationFailure) {
        let collapsed = Self.collapse(text)
        var rest: Substring?
        for form in [Self.legalFormFull, Self.legalFormShort] {
            let lowered = collapsed.lowercased()
            if lowered.hasPrefix(form.lowercased() + " ") || lowered.hasPrefix(form.lowercased() + "«") || lowered.hasPrefix(form.lowercased() + "\"") {
                rest = collapsed.dropFirst(form.count)
                break
            }
        }
        guard var core = rest.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw ValidationFailure(field: field, code: "company.nameLegalFormMissing")
        }
        for (open, close) in [("«", "»"), ("\"", "\""), ("“", "”"), ("„", "“")] where core.hasPrefix(open) && core.hasSuffix(close) && core.count >= 2 {
            core = String(core.dropFirst().dropLast())
            break
        }
        try self.init(core: core, field: field)
    }

    public static func collapse(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    // MARK: Characters

    /// The 33 letters of the Russian alphabet, both cases.
    static func isRussianLetter(_ character: Character) -> Bool {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return false }
        return (0x0410...0x044F).contains(scalar.value) || scalar.value == 0x0401 || scalar.value == 0x0451
    }

    static func isLatinLetter(_ character: Character) -> Bool {
        character.isASCII && character.isLetter
    }

    /// Punctuation a registered name carries: hyphens and dashes, the full stop, comma, brackets, &, +,
    /// apostrophes, №, colon, semicolon, slash, exclamation and question marks, and quotes (nested quotes occur:
    /// «Фирма «Ромашка»»).
    static let punctuation: Set<Character> = [
        "-", "–", "—", ".", ",", "!", "?", "(", ")", "&", "+", "'", "’", ":", ";", "/", "№", "\"", "«", "»", "„", "“", "”",
    ]

    /// Adds the name proper's problems under `field`: required, length, Latin letters (`company.nameLatin`),
    /// other characters (`company.nameCharacters`), and a legal form inside the name (`company.nameLegalForm`).
    public static func check(core: String, field: String = "name", into validator: inout Validator) {
        let core = collapse(core)
        guard !core.isEmpty else {
            validator.add(field, "field.required")
            return
        }
        if !coreLength.contains(core.count) {
            validator.add(field, "company.nameLength", ["max": "\(coreLength.upperBound)"])
        }
        if core.contains(where: isLatinLetter) {
            validator.add(field, "company.nameLatin")
        } else if let bad = core.first(where: { !(isRussianLetter($0) || ($0.isASCII && $0.isNumber) || $0 == " " || punctuation.contains($0)) }) {
            validator.add(field, "company.nameCharacters", ["character": String(bad)])
        }
        if let form = legalFormInside(core) {
            validator.add(field, "company.nameLegalForm", ["form": form])
        }
    }

    /// The name in another language (Р11001 allows names in the languages of the peoples of Russia and in foreign
    /// languages): letters of any script, digits and the same punctuation. Empty is fine: the field is optional.
    public static func check(otherLanguageName name: String, field: String = "otherLanguageName", into validator: inout Validator) {
        let name = collapse(name)
        guard !name.isEmpty else { return }
        if !coreLength.contains(name.count) {
            validator.add(field, "company.nameLength", ["max": "\(coreLength.upperBound)"])
        }
        if let bad = name.first(where: { !($0.isLetter || $0.isNumber || $0 == " " || punctuation.contains($0)) }) {
            validator.add(field, "company.nameCharacters", ["character": String(bad)])
        }
    }

    /// Words that name a legal form: the form is added to the name, never typed into it, and a form named inside the
    /// name would misstate the company's own (art. 1473(2): the name states the legal form).
    static let legalFormWords: Set<String> = ["ооо", "оао", "зао", "пао", "ао", "ип", "нко"]
    static let legalFormPhrases = ["общество с ограниченной ответственностью", "акционерное общество", "индивидуальный предприниматель",
                                   "полное товарищество", "производственный кооператив"]

    static func legalFormInside(_ core: String) -> String? {
        let lowered = NameWords.fold(core)
        for phrase in legalFormPhrases where NameWords.words(lowered).joined(separator: " ").contains(phrase) { return phrase }
        return NameWords.words(lowered).first(where: legalFormWords.contains)
    }

    // MARK: Official words

    /// Words derived from «Россия» / «Российская Федерация», which a name may carry only with the Ministry of
    /// Justice's permission (art. 1473(4); Government Decree No. 52 of 03.02.2010): any word beginning «росс»
    /// (Россия, российский, Росстрой), «РФ», a «Рос» glued to a capitalised word (РосТех), and in another-language
    /// name Russia, Russian and RF. Look-alikes are not flagged: «Роскошь» does not begin «росс», and the two
    /// ordinary words that do — россыпь (a placer) and the town of Россошь — are listed as exceptions. What this
    /// misses (an all-capitals «РОСТЕХ») is the officer's to see: the rule catches the common forms, not every one.
    public static func officialWords(in text: String) -> [String] {
        var found: [String] = []
        for word in NameWords.originalWords(text) {
            let folded = NameWords.fold(word)
            let glued = word.hasPrefix("Рос") && word.dropFirst(3).first.map { $0.isUppercase && isRussianLetter($0) } == true
            let derived = folded.hasPrefix("росс") && !officialExceptions.contains { folded.hasPrefix($0) }
            if derived || glued || folded == "рф" || folded.hasPrefix("russia") || folded == "rf" {
                found.append(word)
            }
        }
        return found
    }

    static let officialExceptions = ["россып", "россош"]
}

/// Splitting names into words the same way everywhere.
enum NameWords {
    /// Lower case, ё as е.
    static func fold(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
    }

    /// Runs of letters and digits, as written.
    static func originalWords(_ text: String) -> [String] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// Runs of letters and digits, folded.
    static func words(_ text: String) -> [String] {
        originalWords(fold(text))
    }
}
