import Foundation

public enum VacancyStatus: String, CaseIterable, Codable, Sendable {
    case draft, published, closed
}

public enum WorkArrangement: String, CaseIterable, Codable, Sendable {
    case onsite, hybrid, remote
}

/// A vacancy's plain fields as typed; skills are resolved against the taxonomy by the caller.
public struct VacancyInput: Sendable {
    public var title: String
    public var description: String
    public var occupation: String
    public var minimumYears: String
    public var minimumRussian: String
    public var salaryMin: String
    public var salaryMax: String
    public var city: String
    public var workArrangement: String
    public var visaSupport: Bool
    public var housing: Bool
    public var familyRelocation: Bool

    public init(title: String, description: String, occupation: String, minimumYears: String, minimumRussian: String,
                salaryMin: String, salaryMax: String, city: String, workArrangement: String,
                visaSupport: Bool, housing: Bool, familyRelocation: Bool) {
        self.title = title
        self.description = description
        self.occupation = occupation
        self.minimumYears = minimumYears
        self.minimumRussian = minimumRussian
        self.salaryMin = salaryMin
        self.salaryMax = salaryMax
        self.city = city
        self.workArrangement = workArrangement
        self.visaSupport = visaSupport
        self.housing = housing
        self.familyRelocation = familyRelocation
    }
}

public struct VacancyTerms: Hashable, Codable, Sendable {
    public var title: String
    public var description: String
    /// An occupation id from the taxonomy (mapped to ISCO-08), or empty.
    public var occupation: String
    public var minimumYears: Double
    public var minimumRussian: CEFRLevel?
    public var salaryMin: Int?
    public var salaryMax: Int?
    public var city: String
    public var workArrangement: WorkArrangement
    public var visaSupport: Bool
    public var housing: Bool
    public var familyRelocation: Bool

    public init(title: String, description: String, occupation: String, minimumYears: Double, minimumRussian: CEFRLevel?,
                salaryMin: Int?, salaryMax: Int?, city: String, workArrangement: WorkArrangement,
                visaSupport: Bool, housing: Bool, familyRelocation: Bool) {
        self.title = title
        self.description = description
        self.occupation = occupation
        self.minimumYears = minimumYears
        self.minimumRussian = minimumRussian
        self.salaryMin = salaryMin
        self.salaryMax = salaryMax
        self.city = city
        self.workArrangement = workArrangement
        self.visaSupport = visaSupport
        self.housing = housing
        self.familyRelocation = familyRelocation
    }
}

public enum VacancyRules {
    public static let titleMaximum = 150
    public static let descriptionMaximum = 8000

    /// `occupations` are the taxonomy's occupation ids.
    public static func validate(_ input: VacancyInput, occupations: Set<String>) throws(ValidationFailure) -> VacancyTerms {
        var validator = Validator()
        let title = input.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { validator.add("title", "field.required") } else if title.unicodeScalars.count > titleMaximum {
            validator.add("title", "text.tooLong", ["max": "\(titleMaximum)"])
        }
        // As sent, before trimming: no control character in a title, none but tab and line breaks in a description
        // (the API's schema states the same patterns).
        if input.title.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { validator.add("title", "text.invalid") }
        let description = input.description.trimmingCharacters(in: .whitespacesAndNewlines)
        if description.unicodeScalars.count > descriptionMaximum { validator.add("description", "text.tooLong", ["max": "\(descriptionMaximum)"]) }
        if input.description.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !["\n", "\r", "\t"].contains($0) }) {
            validator.add("description", "text.invalid")
        }
        let occupation = input.occupation.trimmingCharacters(in: .whitespaces)
        if !occupation.isEmpty, !occupations.contains(occupation) { validator.add("occupation", "occupation.unknown") }
        var years = 0.0
        let yearsText = input.minimumYears.replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)
        if !yearsText.isEmpty {
            if let value = Double(yearsText), value >= 0, value <= 40 { years = value } else { validator.add("minimumYears", "years.invalid") }
        }
        var russian: CEFRLevel?
        if !input.minimumRussian.isEmpty {
            // Exactly as the levels are written (`B1`): the form offers them in a list, the API's schema says so.
            russian = CEFRLevel(rawValue: input.minimumRussian)
            if russian == nil { validator.add("minimumRussian", "level.unknown") }
        }
        func salary(_ text: String, _ field: String) -> Int? {
            let digits = text.filter { !$0.isWhitespace }
            guard !digits.isEmpty else { return nil }
            guard let value = Int(digits), value > 0, value <= ProfileRules.salaryMaximum else {
                validator.add(field, "salary.invalid")
                return nil
            }
            guard value >= ProfileRules.salaryMinimum else {
                validator.add(field, "salary.tooLow")
                return nil
            }
            return value
        }
        let low = salary(input.salaryMin, "salaryMin")
        let high = salary(input.salaryMax, "salaryMax")
        if let low, let high, low > high { validator.add("salaryMin", "salary.minAboveMax") }
        let city = input.city.trimmingCharacters(in: .whitespacesAndNewlines)
        let arrangement = WorkArrangement(rawValue: input.workArrangement)
        if arrangement == nil { validator.add("workArrangement", "remote.unknown") }
        // Someone has to come to an office that is not remote, so its city must be known.
        if city.isEmpty, arrangement != .remote { validator.add("city", "field.required") }
        if city.unicodeScalars.count > 100 { validator.add("city", "text.tooLong", ["max": "100"]) }
        if city.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { validator.add("city", "text.invalid") }
        try validator.check()
        return VacancyTerms(
            title: title, description: description, occupation: occupation, minimumYears: years, minimumRussian: russian,
            salaryMin: low, salaryMax: high, city: city, workArrangement: arrangement!,
            visaSupport: input.visaSupport, housing: input.housing, familyRelocation: input.familyRelocation
        )
    }
}

/// Who may do what with vacancies.
public enum VacanciesPolicy {
    /// Employers write vacancies, and only their own company's (checked by the server against membership).
    public static func mayWrite(_ role: Role) -> Bool { role == .employer }
    /// Specialists are matched to vacancies.
    public static func mayBeMatched(_ role: Role) -> Bool { role == .specialist }
    /// A published vacancy is visible to everyone signed in; drafts and closed ones to the company only.
    public static func isPublic(_ status: VacancyStatus) -> Bool { status == .published }
}
