import CaravanSearch
import Foundation

/// How a new company's name stands against the names already in the register.
///
/// Civil Code art. 1474(3) forbids a firm name identical to one already registered for the same kind of activity;
/// a merely similar name is the registry officer's judgement, so it is flagged, never refused here.
public enum NameComparison: Hashable, Sendable {
    /// The same name once case, quotes, ё/е, spaces and the legal form are set aside, with the same main activity:
    /// refused. Carries the existing name.
    case identical(String)
    /// Names for the officer to look at: the same words up to their endings, in the same order (through the
    /// search engine's Russian stemmer), or the identical name registered for another main activity.
    case similar([String])
    case distinct

    public static func compare(new: String, mainActivity: String, existing: [(name: String, mainActivity: String)]) -> NameComparison {
        let key = normalized(new)
        let stemsOfNew = stems(new)
        let activity = OkvedCode.normalized(mainActivity)
        var similar: [String] = []
        for other in existing {
            let sameName = !key.isEmpty && normalized(other.name) == key
            if sameName, OkvedCode.normalized(other.mainActivity) == activity { return .identical(other.name) }
            if sameName || (!stemsOfNew.isEmpty && stems(other.name) == stemsOfNew) { similar.append(other.name) }
        }
        return similar.isEmpty ? .distinct : .similar(similar)
    }

    /// The name as compared for identity: lower case, ё as е, the legal form (full or abbreviated, any form) and
    /// every quote, space and punctuation mark removed. «ООО «Север-Софт»» and «Общество с ограниченной
    /// ответственностью "СЕВЕР СОФТ"» both become `северсофт`.
    public static func normalized(_ name: String) -> String {
        withoutLegalForm(NameWords.words(name)).joined()
    }

    /// The name's words reduced to their stems, in order, through CaravanSearch's analyzer (Russian words by its
    /// Russian stemmer, Latin ones by its English stemmer, stop words dropped), legal form set aside first.
    public static func stems(_ name: String) -> [String] {
        analyzer.terms(withoutLegalForm(NameWords.words(name)).joined(separator: " "))
    }

    private static let analyzer = Analyzer()

    /// Drops every legal form: the phrase forms word by word, the abbreviations as whole words.
    static func withoutLegalForm(_ words: [String]) -> [String] {
        var words = words
        for phrase in CompanyName.legalFormPhrases.map({ $0.split(separator: " ").map(String.init) }) {
            var index = 0
            while index + phrase.count <= words.count {
                if Array(words[index..<(index + phrase.count)]) == phrase {
                    words.removeSubrange(index..<(index + phrase.count))
                } else {
                    index += 1
                }
            }
        }
        return words.filter { !CompanyName.legalFormWords.contains($0) }
    }
}
