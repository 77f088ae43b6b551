/// The JSON shape of a rulebook (`Resources/rulebooks/<id>-<version>.json`), before it is checked.
/// Kept apart from `Rulebook` so that a file is only ever used after `Rulebook.init` has validated it.
public struct RulebookFile: Codable, Sendable, Equatable {
    public struct Rule: Codable, Sendable, Equatable {
        public let id: String
        /// Which check reads which facts, e.g. `passportValidity`. Unknown names stop the load.
        public let check: String
        /// `principal`, `family` or `everyone`.
        public let appliesTo: String
        public let legalReference: LocalizedText
        /// Catalogue key prefix; a result's key is `<messageKey>.<finding code>`.
        public let messageKey: String
        public let parameters: [String: RuleParameter]?
    }

    public struct Document: Codable, Sendable, Equatable {
        public let kind: String
        public let appliesTo: String
        /// For family members: only these relations (all when absent).
        public let relations: [String]?
        /// Only for a family member declared dependent (an adult child, say).
        public let dependentOnly: Bool?
    }

    public struct RefusalGround: Codable, Sendable, Equatable {
        public let id: String
        public let legalReference: LocalizedText
        public let messageKey: String
    }

    public struct GracePeriod: Codable, Sendable, Equatable {
        public let workingDays: Int
        public let warningThresholds: [Int]
    }

    public let id: String
    public let version: String
    public let legalBasis: String
    public let decisionTermMonths: Int
    public let gracePeriod: GracePeriod
    public let rules: [Rule]
    public let documents: [Document]
    public let refusalGrounds: [RefusalGround]
}

/// A rule parameter: a number, a flag, a word or a list of words.
public enum RuleParameter: Codable, Sendable, Equatable {
    case int(Int)
    case bool(Bool)
    case string(String)
    case strings([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .strings(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        }
    }
}

/// A text a rulebook gives in several languages (`{"ru": "…", "en": "…"}`); a plain string is taken as
/// English. Read with `text(in:)`, which falls back to English, then to any language given.
public struct LocalizedText: Codable, Sendable, Equatable, Hashable {
    public let texts: [String: String]

    public init(_ texts: [String: String]) {
        self.texts = texts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let plain = try? container.decode(String.self) {
            texts = ["en": plain]
        } else {
            texts = try container.decode([String: String].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(texts)
    }

    /// The text in `language` (a language code such as `ru`), else English, else the first given.
    public func text(in language: String) -> String {
        texts[language] ?? texts["en"] ?? texts.sorted { $0.key < $1.key }.first?.value ?? ""
    }
}
