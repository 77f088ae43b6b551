import Foundation

/// A language of the interface, as a lowercase ISO 639-1 code ("ru", "en", "uz", ...).
///
/// Not a closed enum on purpose: the languages Caravan speaks are the catalogue files that exist,
/// so adding Uzbek is adding a file, not code.
public struct LanguageCode: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts two or three lowercase ASCII letters; anything else is not a language code.
    public init?(rawValue: String) {
        let lowered = rawValue.lowercased()
        guard (2...3).contains(lowered.count), lowered.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        self.rawValue = lowered
    }

    public var description: String { rawValue }

    public static let russian = LanguageCode(rawValue: "ru")!
    public static let english = LanguageCode(rawValue: "en")!

    /// The order the language switcher lists languages in: Russian and English, then the programme's own
    /// languages; a catalogue not named here comes after them, by code.
    public static let interfaceOrder = ["ru", "en", "uz", "kk", "ky", "tg"]

    /// Whether `a` comes before `b` in the language switcher.
    public static func interfaceFirst(_ a: LanguageCode, _ b: LanguageCode) -> Bool {
        let ia = interfaceOrder.firstIndex(of: a.rawValue) ?? Int.max, ib = interfaceOrder.firstIndex(of: b.rawValue) ?? Int.max
        return (ia, a.rawValue) < (ib, b.rawValue)
    }
}

/// Picks the interface language from an `Accept-Language` header (RFC 9110 §12.5.4).
public enum LanguageNegotiation {
    /// The supported language the header prefers most, by quality then by order; `nil` when none matches.
    /// Region subtags are ignored ("ru-RU" is "ru"); `q=0` means "not this one".
    public static func preferred(acceptLanguage header: String, supported: Set<LanguageCode>) -> LanguageCode? {
        // A header of one bare code ("ru"), what most clients send, is that code.
        if let code = LanguageCode(rawValue: header), supported.contains(code) { return code }
        var best: (quality: Double, order: Int, code: LanguageCode)?
        for (order, item) in header.split(separator: ",").prefix(32).enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let code = LanguageCode(rawValue: primary), supported.contains(code) else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0 else { continue }
            if best == nil || quality > best!.quality {
                best = (quality, order, code)
            }
        }
        return best?.code
    }
}
