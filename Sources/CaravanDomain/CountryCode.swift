import Foundation

/// A country as an ISO 3166-1 alpha-2 code ("UZ", "KZ", "RU").
public struct CountryCode: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Codes Foundation lists as regions that are not countries (continents, unions, "unknown").
    private static let notCountries: Set<String> = ["QO", "EU", "EZ", "UN", "XA", "XB", "ZZ"]

    /// The codes of countries, from the ICU data that ships with Foundation.
    public static let all: Set<String> = Set(
        Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 && $0.allSatisfy(\.isLetter) }
    ).subtracting(notCountries)

    public init?(rawValue: String) {
        let upper = rawValue.trimmingCharacters(in: .whitespaces).uppercased()
        guard Self.all.contains(upper) else { return nil }
        self.rawValue = upper
    }

    public var description: String { rawValue }

    /// Members of the Eurasian Economic Union: their citizens work in Russia without a work permit.
    public static let eaeuMembers: Set<String> = ["RU", "BY", "KZ", "KG", "AM"]

    public var isEAEUMember: Bool { Self.eaeuMembers.contains(rawValue) }

    /// The countries the programme recruits from, in the order lists show them first: Central Asia, then the
    /// Caucasus and Belarus.
    public static let programme = ["UZ", "TJ", "KG", "KZ", "TM", "AZ", "AM", "BY"]

    /// Whether `a` comes before `b` in a list of countries: the programme's first, in ``programme``'s order.
    public static func programmeFirst(_ a: String, _ b: String) -> Bool {
        let ia = programme.firstIndex(of: a) ?? Int.max, ib = programme.firstIndex(of: b) ?? Int.max
        return (ia, a) < (ib, b)
    }

    /// The country's name in a language, from ICU (so adding a language needs no list of names).
    public func name(in language: LanguageCode) -> String {
        Locale(identifier: language.rawValue).localizedString(forRegionCode: rawValue) ?? rawValue
    }
}
