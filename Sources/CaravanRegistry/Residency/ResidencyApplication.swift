import CaravanDomain
import CaravanPermits
import Foundation

/// Why a person wants a digital residency: the company path it opens.
public enum ResidencyReason: String, CaseIterable, Sendable, Codable {
    case foundCompany = "found-company"
    case joinAsFounder = "join-founder"
    case joinAsDirector = "join-director"
}

/// Where an application stands. Only `submitted` is open; a decided application is never changed again.
public enum ResidencyApplicationStatus: String, CaseIterable, Sendable, Codable {
    case submitted
    case approved
    case refused
    case withdrawn

    public var isOpen: Bool { self == .submitted }
}

/// An application as typed into the form or an API body, before any check.
public struct ResidencyApplicationInput: Sendable {
    /// The name as the passport prints it in its own script (Cyrillic, Uzbek Latin…).
    public var nameOriginal: String
    /// The name in Latin letters exactly as in the passport's Latin line.
    public var nameLatin: String
    public var birthDate: String
    public var citizenship: String
    public var passportNumber: String
    public var passportExpiresOn: String
    public var reason: String
    /// The photo's bytes; nil or empty when none was sent.
    public var photo: [UInt8]?

    public init(nameOriginal: String = "", nameLatin: String = "", birthDate: String = "", citizenship: String = "",
                passportNumber: String = "", passportExpiresOn: String = "", reason: String = "", photo: [UInt8]? = nil) {
        self.nameOriginal = nameOriginal
        self.nameLatin = nameLatin
        self.birthDate = birthDate
        self.citizenship = citizenship
        self.passportNumber = passportNumber
        self.passportExpiresOn = passportExpiresOn
        self.reason = reason
        self.photo = photo
    }
}

/// An application that passed every rule, with the date the registry must decide by.
public struct ValidResidencyApplication: Sendable, Equatable {
    public let nameOriginal: String
    public let nameLatin: String
    public let birthDate: CalendarDate
    public let citizenship: CountryCode
    public let passportNumber: String
    public let passportExpiresOn: CalendarDate
    public let reason: ResidencyReason
    /// `image/jpeg` or `image/png`, read from the bytes.
    public let photoType: String
    public let decideBy: CalendarDate
}

/// The rules of applying for a digital residency. They follow e-Residency's (18 or over, a valid identity
/// document, a reason) with the programme's own: a Russian citizen needs no residency, and a passport must still
/// be valid on the day the registry decides — else the identity it decides on has lapsed.
public enum ResidencyRules {
    public static let minimumAge = 18
    /// The programme's default decision term, in working days on the Russian production calendar.
    public static let defaultDecisionWorkingDays = 15
    /// The residency's validity from approval, in years.
    public static let defaultValidityYears = 5
    public static let nameLength = 2...120
    public static let maximumPhotoBytes = 2 * 1024 * 1024

    /// The photo's type from its first bytes (never its name): JPEG or PNG only.
    public static func photoType(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }

    /// The day a decision is due: `workingDays` working days after the day of submission (which does not count).
    public static func decisionDate(submittedOn day: CalendarDate, workingDays: Int, calendar: WorkingDayCalendar) throws(CalendarError) -> CalendarDate {
        try calendar.adding(workingDays: workingDays, to: day)
    }

    /// A name in the passport's own script: letters of any script, spaces, hyphens, apostrophes and the Uzbek
    /// letter marks (ʻ ʼ ’); no digits or other signs.
    static func isOriginalName(_ text: String) -> Bool {
        let marks: Set<Character> = [" ", "-", "'", "ʻ", "ʼ", "’", "‘", "."]
        return text.contains(where: \.isLetter) && text.allSatisfy { $0.isLetter || marks.contains($0) }
    }

    /// A name in the passport's Latin line: A–Z, spaces, hyphens and apostrophes.
    static func isLatinName(_ text: String) -> Bool {
        let marks: Set<Character> = [" ", "-", "'"]
        return text.contains(where: \.isLetter)
            && text.allSatisfy { ($0.isASCII && $0.isLetter) || marks.contains($0) }
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Every problem at once, with the field it belongs to. `decisionWorkingDays` is the programme's setting.
    public static func validate(_ input: ResidencyApplicationInput, today: CalendarDate, calendar: WorkingDayCalendar,
                                decisionWorkingDays: Int) throws(ValidationFailure) -> ValidResidencyApplication {
        var validator = Validator()
        let original = collapse(input.nameOriginal)
        if original.isEmpty {
            validator.add("nameOriginal", "field.required")
        } else if !nameLength.contains(original.count) {
            validator.add("nameOriginal", "residency.nameLength", ["min": "\(nameLength.lowerBound)", "max": "\(nameLength.upperBound)"])
        } else if !isOriginalName(original) {
            validator.add("nameOriginal", "residency.nameLetters")
        }
        let latin = collapse(input.nameLatin).uppercased()
        if latin.isEmpty {
            validator.add("nameLatin", "field.required")
        } else if !nameLength.contains(latin.count) {
            validator.add("nameLatin", "residency.nameLength", ["min": "\(nameLength.lowerBound)", "max": "\(nameLength.upperBound)"])
        } else if !isLatinName(latin) {
            validator.add("nameLatin", "residency.nameLatin")
        }

        let birthText = input.birthDate.trimmingCharacters(in: .whitespaces)
        var birthDate: CalendarDate?
        if birthText.isEmpty {
            validator.add("birthDate", "field.required")
        } else if let date = CalendarDate(birthText), date.year >= 1900 {
            if date > today {
                validator.add("birthDate", "date.future")
            } else if date.age(on: today) < minimumAge {
                validator.add("birthDate", "residency.underAge", ["age": "\(minimumAge)"])
            } else {
                birthDate = date
            }
        } else {
            validator.add("birthDate", "date.invalid")
        }

        var citizenship: CountryCode?
        let countryText = input.citizenship.trimmingCharacters(in: .whitespaces)
        if countryText.isEmpty {
            validator.add("citizenship", "field.required")
        } else if let country = CountryCode(rawValue: countryText) {
            if country.rawValue == "RU" { validator.add("citizenship", "residency.russianCitizen") } else { citizenship = country }
        } else {
            validator.add("citizenship", "country.unknown")
        }

        let passport = ProfileRules.normalizedPassportNumber(input.passportNumber)
        if passport.isEmpty {
            validator.add("passportNumber", "field.required")
        } else if !ProfileRules.passportNumberLength.contains(passport.count) {
            validator.add("passportNumber", "passport.numberInvalid")
        }

        let decideBy = (try? decisionDate(submittedOn: today, workingDays: decisionWorkingDays, calendar: calendar))
        if decideBy == nil { validator.add("passportExpiresOn", "calendar.notCovered") }
        let expiryText = input.passportExpiresOn.trimmingCharacters(in: .whitespaces)
        var expiry: CalendarDate?
        if expiryText.isEmpty {
            validator.add("passportExpiresOn", "field.required")
        } else if let date = CalendarDate(expiryText) {
            if date < today {
                validator.add("passportExpiresOn", "passport.expired", ["date": date.description])
            } else if let decideBy, date <= decideBy {
                validator.add("passportExpiresOn", "residency.passportExpiresBeforeDecision", ["date": decideBy.description])
            } else {
                expiry = date
            }
        } else {
            validator.add("passportExpiresOn", "date.invalid")
        }

        let reason = ResidencyReason(rawValue: input.reason.trimmingCharacters(in: .whitespaces))
        if input.reason.trimmingCharacters(in: .whitespaces).isEmpty {
            validator.add("reason", "field.required")
        } else if reason == nil {
            validator.add("reason", "residency.reasonInvalid")
        }

        var photoType: String?
        if let photo = input.photo, !photo.isEmpty {
            if photo.count > maximumPhotoBytes {
                validator.add("photo", "residency.photoTooLarge", ["megabytes": "\(maximumPhotoBytes / 1024 / 1024)"])
            } else if let type = Self.photoType(photo) {
                photoType = type
            } else {
                validator.add("photo", "residency.photoType")
            }
        } else {
            validator.add("photo", "field.required")
        }

        try validator.check()
        guard let birthDate, let citizenship, let expiry, let reason, let photoType, let decideBy else {
            throw ValidationFailure(field: "photo", code: "field.required")
        }
        return ValidResidencyApplication(
            nameOriginal: original, nameLatin: latin, birthDate: birthDate, citizenship: citizenship, passportNumber: passport,
            passportExpiresOn: expiry, reason: reason, photoType: photoType, decideBy: decideBy
        )
    }
}
