import Foundation

/// One job in a specialist's past (or present, when `end` is nil).
public struct ExperienceEntry: Hashable, Codable, Sendable {
    public var employer: String
    public var role: String
    public var country: CountryCode?
    /// `yyyy-MM`.
    public var start: String
    /// `yyyy-MM`, or nil for the current job.
    public var end: String?
    public var description: String

    public init(employer: String, role: String, country: CountryCode?, start: String, end: String?, description: String) {
        self.employer = employer
        self.role = role
        self.country = country
        self.start = start
        self.end = end
        self.description = description
    }
}

/// An experience entry as typed, before any check.
public struct ExperienceInput: Sendable {
    public var employer: String
    public var role: String
    public var country: String
    public var start: String
    public var end: String
    public var description: String

    public init(employer: String, role: String, country: String, start: String, end: String, description: String) {
        self.employer = employer
        self.role = role
        self.country = country
        self.start = start
        self.end = end
        self.description = description
    }
}

/// The level of a qualification, as Russian recognition tells them apart (a `specialist` is the five-year
/// Russian and CIS degree, between a bachelor's and a master's).
public enum DegreeLevel: String, CaseIterable, Codable, Sendable {
    case vocational, bachelor, specialist, master, doctorate
}

/// Where the recognition of a foreign diploma in Russia stands.
public enum RecognitionStatus: String, CaseIterable, Codable, Sendable {
    case notRequested = "not_requested"
    case pending
    case recognised
    case refused
}

public struct EducationEntry: Hashable, Codable, Sendable {
    public var institution: String
    public var country: CountryCode
    public var degree: DegreeLevel
    public var field: String
    public var year: Int
    /// As printed on the diploma. Personal data: shown to its owner and, after an application, to the employer.
    public var diplomaNumber: String
    public var recognition: RecognitionStatus

    public init(institution: String, country: CountryCode, degree: DegreeLevel, field: String, year: Int, diplomaNumber: String,
                recognition: RecognitionStatus) {
        self.institution = institution
        self.country = country
        self.degree = degree
        self.field = field
        self.year = year
        self.diplomaNumber = diplomaNumber
        self.recognition = recognition
    }
}

public struct EducationInput: Sendable {
    public var institution: String
    public var country: String
    public var degree: String
    public var field: String
    public var year: String
    public var diplomaNumber: String
    public var recognition: String

    public init(institution: String, country: String, degree: String, field: String, year: String, diplomaNumber: String, recognition: String) {
        self.institution = institution
        self.country = country
        self.degree = degree
        self.field = field
        self.year = year
        self.diplomaNumber = diplomaNumber
        self.recognition = recognition
    }
}

/// A language other than Russian (Russian has its own field, on the TRKI/CEFR scale).
public struct LanguageSkill: Hashable, Codable, Sendable {
    /// ISO 639-1, lowercase (`en`, `uz`, `kk`).
    public var language: String
    public var level: CEFRLevel

    public init(language: String, level: CEFRLevel) {
        self.language = language
        self.level = level
    }

    /// The two-letter codes ISO 639-1 defines, as the system's locale data knows them.
    public static let knownLanguages: Set<String> = Set(Locale.LanguageCode.isoLanguageCodes.map(\.identifier).filter { $0.count == 2 })
}

extension ProfileRules {
    public static let experienceLimit = 30
    public static let educationLimit = 10
    public static let languageLimit = 10
    public static let desiredRoleLimit = 5

    public static func validate(_ input: ExperienceInput, thisMonth: String) throws(ValidationFailure) -> ExperienceEntry {
        var validator = Validator()
        let employer = required(input.employer, "employer", max: 200, &validator)
        let role = required(input.role, "role", max: 120, &validator)
        let description = text(input.description, "description", max: 2000, &validator)
        var country: CountryCode?
        let countryText = input.country.trimmingCharacters(in: .whitespaces)
        if !countryText.isEmpty {
            country = CountryCode(rawValue: countryText)
            if country == nil { validator.add("country", "country.unknown") }
        }
        let start = input.start.trimmingCharacters(in: .whitespaces)
        if start.isEmpty {
            validator.add("start", "field.required")
        } else if !isYearMonth(start) {
            validator.add("start", "month.invalid")
        } else if start > thisMonth {
            validator.add("start", "date.future")
        }
        let endText = input.end.trimmingCharacters(in: .whitespaces)
        var end: String?
        if !endText.isEmpty {
            if !isYearMonth(endText) {
                validator.add("end", "month.invalid")
            } else if endText > thisMonth {
                validator.add("end", "date.future")
            } else if isYearMonth(start), endText < start {
                validator.add("end", "period.endBeforeStart")
            }
            end = endText
        }
        try validator.check()
        return ExperienceEntry(employer: employer, role: role, country: country, start: start, end: end, description: description)
    }

    public static func validate(_ input: EducationInput, thisYear: Int) throws(ValidationFailure) -> EducationEntry {
        var validator = Validator()
        let institution = required(input.institution, "institution", max: 200, &validator)
        let field = required(input.field, "field", max: 200, &validator)
        let country = CountryCode(rawValue: input.country.trimmingCharacters(in: .whitespaces))
        if country == nil { validator.add("country", input.country.isEmpty ? "field.required" : "country.unknown") }
        let degree = DegreeLevel(rawValue: input.degree)
        if degree == nil { validator.add("degree", input.degree.isEmpty ? "field.required" : "degree.unknown") }
        // Still studying counts: a graduation up to six years ahead is a plan, not a typo.
        let year = Int(input.year.trimmingCharacters(in: .whitespaces))
        if let year {
            if !(1950...(thisYear + 6)).contains(year) { validator.add("year", "year.range", ["max": "\(thisYear + 6)"]) }
        } else {
            validator.add("year", input.year.isEmpty ? "field.required" : "year.range", ["max": "\(thisYear + 6)"])
        }
        let diploma = input.diplomaNumber.trimmingCharacters(in: .whitespaces)
        if diploma.count > 40 || !diploma.allSatisfy({ $0.isLetter || $0.isNumber || " -/№".contains($0) }) {
            validator.add("diplomaNumber", "diploma.invalid")
        }
        let recognition = input.recognition.isEmpty ? .notRequested : RecognitionStatus(rawValue: input.recognition)
        if recognition == nil { validator.add("recognition", "recognition.unknown") }
        try validator.check()
        return EducationEntry(institution: institution, country: country!, degree: degree!, field: field, year: year!,
                              diplomaNumber: diploma, recognition: recognition!)
    }

    public static func validate(languages: [(language: String, level: String)]) throws(ValidationFailure) -> [LanguageSkill] {
        var validator = Validator()
        if languages.count > languageLimit { validator.add("languages", "list.tooMany", ["max": "\(languageLimit)"]) }
        var seen: Set<String> = []
        var valid: [LanguageSkill] = []
        for (index, entry) in languages.enumerated() {
            let code = entry.language.trimmingCharacters(in: .whitespaces).lowercased()
            let level = CEFRLevel(rawValue: entry.level.uppercased())
            if code == "ru" {
                validator.add("languages[\(index)].language", "language.russianSeparate")
            } else if !LanguageSkill.knownLanguages.contains(code) {
                validator.add("languages[\(index)].language", "language.unknown")
            } else if !seen.insert(code).inserted {
                validator.add("languages[\(index)].language", "language.duplicate")
            }
            if level == nil { validator.add("languages[\(index)].level", "level.unknown") }
            if let level { valid.append(LanguageSkill(language: code, level: level)) }
        }
        try validator.check()
        return valid
    }

    /// Desired roles are occupations the taxonomy knows (ids such as `backend-developer`), at most five.
    public static func validate(desiredRoles: [String], known: (String) -> Bool) throws(ValidationFailure) -> [String] {
        var validator = Validator()
        if desiredRoles.count > desiredRoleLimit { validator.add("desiredRoles", "list.tooMany", ["max": "\(desiredRoleLimit)"]) }
        var seen: Set<String> = []
        for (index, role) in desiredRoles.enumerated() {
            if !known(role) {
                validator.add("desiredRoles[\(index)]", "occupation.unknown", ["occupation": String(role.prefix(60))])
            } else if !seen.insert(role).inserted {
                validator.add("desiredRoles[\(index)]", "occupation.duplicate", ["occupation": role])
            }
        }
        try validator.check()
        return desiredRoles
    }

    /// `yyyy-MM` with a real month.
    public static func isYearMonth(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) })
        else { return false }
        return (1900...2999).contains(year) && (1...12).contains(month)
    }

    private static func required(_ raw: String, _ field: String, max: Int, _ validator: inout Validator) -> String {
        let value = text(raw, field, max: max, &validator)
        if value.isEmpty { validator.add(field, "field.required") }
        return value
    }

    private static func text(_ raw: String, _ field: String, max: Int, _ validator: inout Validator) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.unicodeScalars.count > max {
            validator.add(field, "text.tooLong", ["max": "\(max)"])
        } else if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
            validator.add(field, "text.invalid")
        }
        return value
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
