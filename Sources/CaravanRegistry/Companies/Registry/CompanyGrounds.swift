import Foundation

/// The registry's refusal grounds for a company, as data (`company-grounds.json`): 129-FZ art. 23(1) with each
/// sub-paragraph's letter, and the programme's own two. A ground whose letter or wording was not read from the
/// law's text says so (`unconfirmed`).
public struct CompanyGrounds: Sendable, Decodable {
    public struct Text: Sendable, Decodable, Hashable {
        public let ru: String
        public let en: String

        public func text(_ language: String) -> String { language == "ru" ? ru : en }
    }

    public struct Ground: Sendable, Decodable, Identifiable, Hashable {
        public let id: String
        /// `129-FZ` or `programme`.
        public let law: String
        /// The sub-paragraph of art. 23(1) (`а`, `ф`); nil for a programme ground.
        public let letter: String?
        public let title: Text
        public let text: Text
        /// True when the letter or the wording was not confirmed against the law's text.
        public let unconfirmed: Bool

        enum CodingKeys: String, CodingKey { case id, law, letter, title, text, unconfirmed }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            law = try container.decode(String.self, forKey: .law)
            letter = try container.decodeIfPresent(String.self, forKey: .letter)
            title = try container.decode(Text.self, forKey: .title)
            text = try container.decode(Text.self, forKey: .text)
            unconfirmed = try container.decodeIfPresent(Bool.self, forKey: .unconfirmed) ?? false
        }

        /// «ст. 23 п. 1 пп. «ф» 129-ФЗ» / «129-FZ art. 23(1)(ф)»; the programme's rules for a programme ground.
        public func reference(_ language: String) -> String {
            guard let letter else { return language == "ru" ? "Правила программы" : "Programme rules" }
            return language == "ru" ? "пп. «\(letter)» п. 1 ст. 23 Федерального закона № 129-ФЗ" : "Federal Law No. 129-FZ, art. 23(1)(\(letter))"
        }
    }

    public let version: String
    public let law: Text
    public let grounds: [Ground]

    public func ground(_ id: String) -> Ground? { grounds.first { $0.id == id } }

    public static func bundled() throws -> CompanyGrounds {
        guard let url = Bundle.module.url(forResource: "company-grounds", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(CompanyGrounds.self, from: Data(contentsOf: url))
    }
}
