/// CEFR levels (TRKI maps onto them: TRKI-1 is B1, TRKI-2 is B2, …). Raw values order them.
public enum LanguageLevel: Int, Codable, Comparable, Sendable, CaseIterable {
    case a1 = 1, a2, b1, b2, c1, c2

    public static func < (lhs: LanguageLevel, rhs: LanguageLevel) -> Bool { lhs.rawValue < rhs.rawValue }
    /// A table, not `String(describing:)`: reflection cost a quarter of a ranking's time.
    public var code: String {
        switch self {
        case .a1: "A1"
        case .a2: "A2"
        case .b1: "B1"
        case .b2: "B2"
        case .c1: "C1"
        case .c2: "C2"
        }
    }
}

/// How well someone knows a skill, as profiles and vacancies state it.
public enum SkillLevel: Int, Codable, Comparable, Sendable, CaseIterable {
    case beginner = 1, intermediate, advanced, expert

    public static func < (lhs: SkillLevel, rhs: SkillLevel) -> Bool { lhs.rawValue < rhs.rawValue }
    public var code: String {
        switch self {
        case .beginner: "beginner"
        case .intermediate: "intermediate"
        case .advanced: "advanced"
        case .expert: "expert"
        }
    }
}

/// A skill at a level: what a profile claims or a vacancy requires.
public struct SkillClaim: Hashable, Sendable, Codable {
    public var skill: SkillID
    public var level: SkillLevel

    public init(_ skill: SkillID, _ level: SkillLevel = .intermediate) {
        self.skill = skill
        self.level = level
    }
}

/// What matching needs to know about a specialist.
public struct CandidateProfile: Hashable, Sendable, Codable {
    public var id: String
    public var skills: [SkillClaim]
    public var yearsOfExperience: Double
    public var russian: LanguageLevel?
    /// Monthly, in roubles; nil when not stated.
    public var expectedSalary: Int?
    /// ISO 3166-1 alpha-2, lowercase ("uz").
    public var citizenship: String
    public var city: String
    public var openToRemote: Bool
    public var willingToRelocate: Bool
    public var summary: String

    public init(id: String, skills: [SkillClaim], yearsOfExperience: Double = 0, russian: LanguageLevel? = nil,
                expectedSalary: Int? = nil, citizenship: String = "", city: String = "",
                openToRemote: Bool = false, willingToRelocate: Bool = false, summary: String = "") {
        self.id = id
        self.skills = skills
        self.yearsOfExperience = yearsOfExperience
        self.russian = russian
        self.expectedSalary = expectedSalary
        self.citizenship = citizenship
        self.city = city
        self.openToRemote = openToRemote
        self.willingToRelocate = willingToRelocate
        self.summary = summary
    }
}

public enum WorkPlace: String, Hashable, Sendable, Codable {
    case onSite, hybrid, remote
}

/// What matching needs to know about a vacancy. Hard constraints (`minimumRussian`, `eligibleCitizenships`,
/// an on-site place the candidate cannot reach) exclude; everything else only scores.
public struct VacancyProfile: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    public var required: [SkillClaim]
    public var niceToHave: [SkillID]
    public var minimumYears: Double
    /// A hard requirement: candidates below it (or without a stated level) are not shown.
    public var minimumRussian: LanguageLevel?
    /// Monthly, in roubles.
    public var salaryMax: Int?
    public var city: String
    public var workPlace: WorkPlace
    public var relocationSupport: Bool
    /// Citizenships the employer can hire (its accreditation or quota); nil means any.
    public var eligibleCitizenships: Set<String>?

    public init(id: String, title: String = "", required: [SkillClaim], niceToHave: [SkillID] = [],
                minimumYears: Double = 0, minimumRussian: LanguageLevel? = nil, salaryMax: Int? = nil,
                city: String = "", workPlace: WorkPlace = .onSite, relocationSupport: Bool = false,
                eligibleCitizenships: Set<String>? = nil) {
        self.id = id
        self.title = title
        self.required = required
        self.niceToHave = niceToHave
        self.minimumYears = minimumYears
        self.minimumRussian = minimumRussian
        self.salaryMax = salaryMax
        self.city = city
        self.workPlace = workPlace
        self.relocationSupport = relocationSupport
        self.eligibleCitizenships = eligibleCitizenships
    }
}
