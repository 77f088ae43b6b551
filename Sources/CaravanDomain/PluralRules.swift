import Foundation

/// CLDR's plural categories for whole numbers: which form of a word a count takes.
public enum PluralCategory: String, Sendable, CaseIterable {
    case zero, one, two, few, many, other
}

/// The plural rule of each interface language (CLDR, integers only). A language without a rule here takes
/// "one" for 1 and "other" for the rest, which is right for English, Uzbek, Kazakh, Kyrgyz and Tajik.
public enum PluralRules {
    public static func category(of number: Int, in language: LanguageCode) -> PluralCategory {
        let n = abs(number)
        switch language.rawValue {
        case "ru", "uk", "be":
            // 1, 21, 31 … день; 2–4, 22–24 … дня; 0, 5–20, 25–30 … дней.
            let units = n % 10, tens = n % 100
            if units == 1 && tens != 11 { return .one }
            if (2...4).contains(units) && !(12...14).contains(tens) { return .few }
            return .many
        default:
            return n == 1 ? .one : .other
        }
    }
}

/// ICU's plural selector inside a catalogue text: `{days, plural, one {# день} few {# дня} many {# дней} other {# дня}}`.
/// `#` stands for the number. A form missing for the category falls back to `other`.
enum PluralSelector {
    /// Replaces every plural selector in `template` whose argument is a whole number.
    static func resolve(_ template: String, _ arguments: [String: String], language: LanguageCode) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let block = selector(at: open, in: rest), let count = arguments[block.argument].flatMap({ Int($0) }) else {
                result += rest[...open]
                rest = rest[rest.index(after: open)...]
                continue
            }
            result += rest[..<open]
            let category = PluralRules.category(of: count, in: language).rawValue
            let form = block.forms[category] ?? block.forms["other"] ?? ""
            result += form.replacingOccurrences(of: "#", with: arguments[block.argument] ?? "")
            rest = rest[block.end...]
        }
        return result + rest
    }

    /// The selector starting at `open` (`{name, plural, …}`), with its forms and the index after its closing brace.
    private static func selector(at open: Substring.Index, in text: Substring)
        -> (argument: String, forms: [String: String], end: Substring.Index)? {
        let afterOpen = text.index(after: open)
        guard let firstComma = text[afterOpen...].firstIndex(of: ",") else { return nil }
        let argument = text[afterOpen..<firstComma].trimmingCharacters(in: .whitespaces)
        guard !argument.isEmpty, argument.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        var at = text.index(after: firstComma)
        guard let secondComma = text[at...].firstIndex(of: ","),
              text[at..<secondComma].trimmingCharacters(in: .whitespaces) == "plural" else { return nil }
        at = text.index(after: secondComma)
        var forms: [String: String] = [:]
        while at < text.endIndex {
            // Skip spaces, then either the closing brace or `category {form}`.
            while at < text.endIndex, text[at].isWhitespace { at = text.index(after: at) }
            guard at < text.endIndex else { return nil }
            if text[at] == "}" { return forms.isEmpty ? nil : (argument, forms, text.index(after: at)) }
            guard let brace = text[at...].firstIndex(of: "{") else { return nil }
            let category = text[at..<brace].trimmingCharacters(in: .whitespaces)
            guard let close = text[brace...].firstIndex(of: "}") else { return nil }
            forms[category] = String(text[text.index(after: brace)..<close])
            at = text.index(after: close)
        }
        return nil
    }
}
