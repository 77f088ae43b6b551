import Foundation

/// The specialist's own identity facts that a residence-permit case needs: birth date and passport. Kept apart
/// from the profile's basics, which the matcher and employers read, because only the person and a migration
/// officer may see them. Each may be missing (`nil`): a permit case then asks for it.
public struct ApplicantIdentity: Hashable, Codable, Sendable {
    /// `yyyy-MM-dd`.
    public var birthDate: String?
    /// Letters and digits only, upper case, as `normalizedPassportNumber` leaves them.
    public var passportNumber: String?
    /// The passport's last day of validity, `yyyy-MM-dd`.
    public var passportExpiresOn: String?

    public init(birthDate: String?, passportNumber: String?, passportExpiresOn: String?) {
        self.birthDate = birthDate
        self.passportNumber = passportNumber
        self.passportExpiresOn = passportExpiresOn
    }

    public static let empty = ApplicantIdentity(birthDate: nil, passportNumber: nil, passportExpiresOn: nil)
}

/// The identity as typed into a form or an API body, before any check; an empty field means "not given".
public struct ApplicantIdentityInput: Sendable {
    public var birthDate: String
    public var passportNumber: String
    public var passportExpiresOn: String

    public init(birthDate: String = "", passportNumber: String = "", passportExpiresOn: String = "") {
        self.birthDate = birthDate
        self.passportNumber = passportNumber
        self.passportExpiresOn = passportExpiresOn
    }
}

extension ProfileRules {
    /// A passport number has 5 to 20 letters and digits once spaces and dashes are gone (national formats
    /// differ: "AA1234567" in Uzbekistan, "N12345678" in Kazakhstan).
    public static let passportNumberLength = 5...20
    /// Nobody on a profile was born before 1900: an earlier year is a typo.
    static let earliestBirthDate = "1900-01-01"

    /// Letters and digits only, upper case: "aa 123-45 67" and "AA1234567" are one passport.
    public static func normalizedPassportNumber(_ raw: String) -> String {
        String(raw.uppercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// Every problem at once. `today` is `yyyy-MM-dd`: a birth date cannot be after it, and a passport that has
    /// already expired is no passport to give (the applicant gets a new one first).
    public static func validate(_ input: ApplicantIdentityInput, today: String) throws(ValidationFailure) -> ApplicantIdentity {
        var validator = Validator()
        func date(_ raw: String, _ field: String) -> String? {
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            guard AccreditationRules.isCalendarDate(text) else {
                validator.add(field, "date.invalid")
                return nil
            }
            return text
        }
        let birthDate = date(input.birthDate, "birthDate")
        if let birthDate {
            if birthDate > today { validator.add("birthDate", "date.future") } else if birthDate < earliestBirthDate { validator.add("birthDate", "date.invalid") }
        }
        let expiry = date(input.passportExpiresOn, "passportExpiresOn")
        if let expiry, expiry < today { validator.add("passportExpiresOn", "passport.expired", ["date": expiry]) }
        let number = normalizedPassportNumber(input.passportNumber)
        if !number.isEmpty, !passportNumberLength.contains(number.count) { validator.add("passportNumber", "passport.numberInvalid") }
        try validator.check()
        return ApplicantIdentity(birthDate: birthDate, passportNumber: number.isEmpty ? nil : number, passportExpiresOn: expiry)
    }
}
