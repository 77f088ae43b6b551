/// A skill's stable identifier: a lowercase slug from the taxonomy file ("spring-boot", "1c-enterprise").
/// Profiles, vacancies and the index store these, never display names, so renaming a skill changes nothing.
public struct SkillID: RawRepresentable, Hashable, Comparable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: SkillID, rhs: SkillID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}

/// One entry of the taxonomy, as the resource file spells it.
public struct Skill: Hashable, Sendable, Codable {
    public var id: SkillID
    public var englishName: String
    public var russianName: String
    /// The id of a `SkillGroup` ("language", "devops", "1c", …).
    public var group: String
    /// The broader skill this one implies knowledge of (Spring Boot → Spring → Java), if any.
    public var parent: SkillID?
    /// Other ways people write it: abbreviations, transliterations, common misspellings ("джава", "golang").
    public var synonyms: [String]
    /// The name in the interface's other languages ("uz", "kk", …), where it differs from the Russian one.
    public var names: [String: String]

    public init(id: SkillID, englishName: String, russianName: String, group: String, parent: SkillID? = nil,
                synonyms: [String] = [], names: [String: String] = [:]) {
        self.id = id
        self.englishName = englishName
        self.russianName = russianName
        self.group = group
        self.parent = parent
        self.synonyms = synonyms
        self.names = names
    }

    enum CodingKeys: String, CodingKey {
        case id, group, parent, synonyms, names
        case englishName = "en"
        case russianName = "ru"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(SkillID.self, forKey: .id)
        englishName = try container.decode(String.self, forKey: .englishName)
        russianName = try container.decode(String.self, forKey: .russianName)
        group = try container.decode(String.self, forKey: .group)
        parent = try container.decodeIfPresent(SkillID.self, forKey: .parent)
        synonyms = try container.decodeIfPresent([String].self, forKey: .synonyms) ?? []
        names = try container.decodeIfPresent([String: String].self, forKey: .names) ?? [:]
    }

    /// Every spelling that should map to this skill: both names first, then the synonyms.
    public var spellings: [String] { [englishName, russianName] + synonyms }
}

/// A heading skills are filed under, for browsing and for the observatory's demand-by-group figures.
public struct SkillGroup: Hashable, Sendable, Codable, TaxonomyNamed {
    public var id: String
    public var englishName: String
    public var russianName: String
    public var names: [String: String]

    public init(id: String, englishName: String, russianName: String, names: [String: String] = [:]) {
        self.id = id
        self.englishName = englishName
        self.russianName = russianName
        self.names = names
    }

    enum CodingKeys: String, CodingKey {
        case id, names
        case englishName = "en"
        case russianName = "ru"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        englishName = try container.decode(String.self, forKey: .englishName)
        russianName = try container.decode(String.self, forKey: .russianName)
        names = try container.decodeIfPresent([String: String].self, forKey: .names) ?? [:]
    }
}

/// An occupation ("backend developer") with its ISCO-08 unit group, so statistics can be compared with
/// ILO and Rosstat figures, and the skills that define it.
public struct Occupation: Hashable, Sendable, Codable {
    public var id: String
    /// ISCO-08 four-digit unit group: 2512 software developers, 2522 systems administrators, …
    public var isco: String
    public var englishName: String
    public var russianName: String
    public var synonyms: [String]
    /// Skills anyone in the occupation is expected to have.
    public var skills: [SkillID]
    public var names: [String: String]

    public init(id: String, isco: String, englishName: String, russianName: String, synonyms: [String] = [],
                skills: [SkillID] = [], names: [String: String] = [:]) {
        self.id = id
        self.isco = isco
        self.englishName = englishName
        self.russianName = russianName
        self.synonyms = synonyms
        self.skills = skills
        self.names = names
    }

    enum CodingKeys: String, CodingKey {
        case id, isco, synonyms, skills, names
        case englishName = "en"
        case russianName = "ru"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        isco = try container.decode(String.self, forKey: .isco)
        englishName = try container.decode(String.self, forKey: .englishName)
        russianName = try container.decode(String.self, forKey: .russianName)
        synonyms = try container.decodeIfPresent([String].self, forKey: .synonyms) ?? []
        skills = try container.decodeIfPresent([SkillID].self, forKey: .skills) ?? []
        names = try container.decodeIfPresent([String: String].self, forKey: .names) ?? [:]
    }
}

/// A taxonomy entry's name in an interface language: English and Russian are its own fields, the other
/// languages (Uzbek, Kazakh, Kyrgyz, Tajik) are in `names`; an entry not yet translated reads in Russian.
public protocol TaxonomyNamed {
    var englishName: String { get }
    var russianName: String { get }
    var names: [String: String] { get }
}

extension TaxonomyNamed {
    /// The name in `language` (an ISO 639-1 code), or the Russian one where there is none.
    public func name(in language: String) -> String {
        switch language {
        case "en": englishName
        case "ru": russianName
        default: names[language] ?? russianName
        }
    }

    /// Whether `name(in:)` had a name of this language, not the Russian stand-in.
    public func isNamed(in language: String) -> Bool {
        language == "en" || language == "ru" || names[language] != nil || englishName == russianName
    }
}

extension Skill: TaxonomyNamed {}
extension Occupation: TaxonomyNamed {}

/// The resource file's top level.
struct TaxonomyFile: Codable {
    var version: Int
    var groups: [SkillGroup]
    var skills: [Skill]
    var occupations: [Occupation]
}
