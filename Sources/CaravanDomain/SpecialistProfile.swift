import Foundation

/// How a family member is related to the specialist (the relations the permit law names).
public enum FamilyRelation: String, CaseIterable, Codable, Sendable {
    case spouse
    case child
    case childSpouse = "child_spouse"
    case parent
    case grandparent
    case grandchild
}

/// Russian on the CEFR scale; TRKI levels map onto it (ТЭУ = A1, ТБУ = A2, ТРКИ-1 = B1 … ТРКИ-4 = C2).
public enum CEFRLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case a1 = "A1", a2 = "A2", b1 = "B1", b2 = "B2", c1 = "C1", c2 = "C2"

    public static func < (lhs: CEFRLevel, rhs: CEFRLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Where a specialist wants to work.
public enum RemotePreference: String, CaseIterable, Codable, Sendable {
    case onsite, hybrid, remote, any
}

public struct FamilyMember: Hashable, Codable, Sendable {
    public var name: String
    public var relation: FamilyRelation
    /// `yyyy-MM-dd`.
    public var birthDate: String
    public var citizenship: CountryCode

    public init(name: String, relation: FamilyRelation, birthDate: String, citizenship: CountryCode) {
        self.name = name
        self.relation = relation
        self.birthDate = birthDate
        self.citizenship = citizenship
    }
}

/// A family member as typed into a form or an API body, before any check.
public struct FamilyMemberInput: Sendable {
    public var name: String
    public var relation: String
    public var birthDate: String
    public var citizenship: String

    public init(name: String, relation: String, birthDate: String, citizenship: String) {
        self.name = name
        self.relation = relation
        self.birthDate = birthDate
        self.citizenship = citizenship
    }
}

/// The profile fields that are plain values (skills are checked against the taxonomy by the caller).
public struct ProfileBasicsInput: Sendable {
    public var citizenship: String
    public var countryOfResidence: String
    public var city: String
    public var phone: String
    public var headline: String
    public var summary: String
    public var russianLevel: String
    public var expectedSalary: String
    public var relocation: Bool
    public var remote: String

    public init(citizenship: String, countryOfResidence: String, city: String, phone: String, headline: String, summary: String,
                russianLevel: String, expectedSalary: String, relocation: Bool, remote: String) {
        self.citizenship = citizenship
        self.countryOfResidence = countryOfResidence
        self.city = city
        self.phone = phone
        self.headline = headline
        self.summary = summary
        self.russianLevel = russianLevel
        self.expectedSalary = expectedSalary
        self.relocation = relocation
        self.remote = remote
    }
}

public struct ProfileBasics: Hashable, Codable, Sendable {
    public var citizenship: CountryCode?
    public var countryOfResidence: CountryCode?
    public var city: String
    public var phone: String
    public var headline: String
    public var summary: String
    public var russianLevel: CEFRLevel?
    /// Roubles a month, before tax.
    public var expectedSalary: Int?
    public var relocation: Bool
    public var remote: RemotePreference

    public init(citizenship: CountryCode?, countryOfResidence: CountryCode?, city: String, phone: String, headline: String,
                summary: String, russianLevel: CEFRLevel?, expectedSalary: Int?, relocation: Bool, remote: RemotePreference) {
        self.citizenship = citizenship
        self.countryOfResidence = countryOfResidence
        self.city = city
        self.phone = phone
        self.headline = headline
        self.summary = summary
        self.russianLevel = russianLevel
        self.expectedSalary = expectedSalary
        self.relocation = relocation
        self.remote = remote
    }

    public static let empty = ProfileBasics(
        citizenship: nil, countryOfResidence: nil, city: "", phone: "", headline: "", summary: "",
        russianLevel: nil, expectedSalary: nil, relocation: false, remote: .any
    )
}

public enum ProfileRules {
    public static let headlineMaximum = 120
    /// About a page of text: enough to say what one did, short enough to read on a phone.
    public static let summaryMaximum = 4000
    /// A salary above 100 million roubles a month is a typo, not an expectation.
    public static let salaryMaximum = 100_000_000
    /// Roubles a month: anything less is a slip ("100" meant as a hundred thousand), not a salary.
    public static let salaryMinimum = 10_000

    public static func validate(_ input: ProfileBasicsInput) throws(ValidationFailure) -> ProfileBasics {
        var validator = Validator()
        func country(_ raw: String, _ field: String) -> CountryCode? {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { return nil }
            guard let code = CountryCode(rawValue: trimmed) else {
                validator.add(field, "country.unknown")
                return nil
            }
            return code
        }
        let citizenship = country(input.citizenship, "citizenship")
        let residence = country(input.countryOfResidence, "countryOfResidence")
        let city = trimmed(input.city, "city", max: 100, &validator)
        let phone = input.phone.trimmingCharacters(in: .whitespaces)
        if !phone.isEmpty, !isPhoneNumber(phone) { validator.add("phone", "phone.invalid") }
        let headline = trimmed(input.headline, "headline", max: headlineMaximum, &validator)
        let summary = trimmed(input.summary, "summary", max: summaryMaximum, &validator)
        var russian: CEFRLevel?
        if !input.russianLevel.isEmpty {
            russian = CEFRLevel(rawValue: input.russianLevel.uppercased())
            if russian == nil { validator.add("russianLevel", "level.unknown") }
        }
        var salary: Int?
        let salaryText = input.expectedSalary.filter { !$0.isWhitespace }
        if !salaryText.isEmpty {
            if let value = Int(salaryText), value > 0, value <= salaryMaximum {
                if value >= salaryMinimum { salary = value } else { validator.add("expectedSalary", "salary.tooLow") }
            } else {
                validator.add("expectedSalary", "salary.invalid")
            }
        }
        let remote = RemotePreference(rawValue: input.remote) ?? (input.remote.isEmpty ? .any : nil)
        if remote == nil { validator.add("remote", "remote.unknown") }
        try validator.check()
        return ProfileBasics(
            citizenship: citizenship, countryOfResidence: residence, city: city, phone: phone, headline: headline, summary: summary,
            russianLevel: russian, expectedSalary: salary, relocation: input.relocation, remote: remote!
        )
    }

    public static func validate(_ input: FamilyMemberInput, today: String) throws(ValidationFailure) -> FamilyMember {
        var validator = Validator()
        let name = trimmed(input.name, "name", max: 120, &validator)
        if name.isEmpty { validator.add("name", "field.required") }
        let relation = FamilyRelation(rawValue: input.relation)
        if relation == nil { validator.add("relation", "relation.unknown") }
        let date = input.birthDate.trimmingCharacters(in: .whitespaces)
        if date.isEmpty {
            validator.add("birthDate", "field.required")
        } else if !AccreditationRules.isCalendarDate(date) {
            validator.add("birthDate", "date.invalid")
        } else if date > today {
            validator.add("birthDate", "date.future")
        }
        let citizenship = CountryCode(rawValue: input.citizenship)
        if citizenship == nil { validator.add("citizenship", input.citizenship.isEmpty ? "field.required" : "country.unknown") }
        try validator.check()
        return FamilyMember(name: name, relation: relation!, birthDate: date, citizenship: citizenship!)
    }

    /// Digits with an optional leading +, spaces, dashes and brackets; 7 to 15 digits (E.164's limit).
    static func isPhoneNumber(_ text: String) -> Bool {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || " +-()".contains($0)) }), text.dropFirst().allSatisfy({ $0 != "+" }) else {
            return false
        }
        return (7...15).contains(text.filter(\.isNumber).count)
    }

    private static func trimmed(_ raw: String, _ field: String, max: Int, _ validator: inout Validator) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.unicodeScalars.count > max {
            validator.add(field, "text.tooLong", ["max": "\(max)"])
        } else if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
            validator.add(field, "text.invalid")
        }
        return text
    }
}

extension ProfileBasics {
    /// A complete profile, as the observatory counts one: what matching reads is filled in — a headline, at least
    /// three skills, a Russian level, citizenship, city and country of residence, some experience. (Summary,
    /// salary, education and phone help a reader, not the match.)
    public func isReadyForMatching(skillCount: Int, experienceCount: Int) -> Bool {
        !headline.isEmpty && skillCount >= 3 && russianLevel != nil && citizenship != nil
            && !city.isEmpty && countryOfResidence != nil && experienceCount > 0
    }
}

/// How complete a profile is, and the one thing to add next. Weights favour what matching uses most.
public struct ProfileCompleteness: Equatable, Sendable {
    public let percent: Int
    /// Catalogue key of the next step (`profile.next.<item>`), or `nil` when nothing is missing.
    public let next: String?

    public static func of(_ basics: ProfileBasics, skillCount: Int, experienceCount: Int = 0, educationCount: Int = 0) -> ProfileCompleteness {
        let items: [(key: String, weight: Int, done: Bool)] = [
            ("headline", 10, !basics.headline.isEmpty),
            ("skills", 25, skillCount >= 3),
            ("russian", 15, basics.russianLevel != nil),
            ("citizenship", 10, basics.citizenship != nil),
            ("city", 10, !basics.city.isEmpty && basics.countryOfResidence != nil),
            ("experience", 10, experienceCount > 0),
            ("summary", 5, basics.summary.count >= 100),
            ("salary", 5, basics.expectedSalary != nil),
            ("education", 5, educationCount > 0),
            ("phone", 5, !basics.phone.isEmpty),
        ]
        let total = items.reduce(0) { $0 + $1.weight }
        let done = items.filter(\.done).reduce(0) { $0 + $1.weight }
        return ProfileCompleteness(percent: done * 100 / total, next: items.first { !$0.done }.map { "profile.next.\($0.key)" })
    }
}
