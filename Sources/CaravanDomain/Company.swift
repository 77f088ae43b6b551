import Foundation

/// How many people a company employs, in the bands Russian statistics use for small and medium business.
public enum CompanySize: String, CaseIterable, Codable, Sendable {
    case micro = "1-15"
    case small = "16-100"
    case medium = "101-250"
    case large = "251-1000"
    case enterprise = "1000+"
}

public struct CompanyRegistrationRequest: Sendable {
    public var legalName: String
    public var inn: String
    public var ogrn: String
    public var city: String
    public var size: String

    public init(legalName: String, inn: String, ogrn: String, city: String, size: String) {
        self.legalName = legalName
        self.inn = inn
        self.ogrn = ogrn
        self.city = city
        self.size = size
    }
}

public struct ValidCompanyRegistration: Sendable {
    public let legalName: String
    public let inn: INN
    public let ogrn: OGRN
    public let city: String
    public let size: CompanySize
}

public enum CompanyRules {
    /// Legal names in the state register run long ("Общество с ограниченной ответственностью …"); 300 fits them.
    public static let legalNameMaximum = 300
    public static let cityMaximum = 100

    public static func validate(_ request: CompanyRegistrationRequest) throws(ValidationFailure) -> ValidCompanyRegistration {
        var validator = Validator()
        let name = request.legalName.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty {
            validator.add("legalName", "field.required")
        } else if name.unicodeScalars.count > legalNameMaximum {
            validator.add("legalName", "text.tooLong", ["max": "\(legalNameMaximum)"])
        }
        let inn = INN(request.inn)
        if request.inn.trimmingCharacters(in: .whitespaces).isEmpty {
            validator.add("inn", "field.required")
        } else if inn == nil {
            validator.add("inn", "inn.invalid")
        } else if inn?.kind != .organisation {
            validator.add("inn", "inn.notOrganisation")
        }
        let ogrn = OGRN(request.ogrn)
        if request.ogrn.trimmingCharacters(in: .whitespaces).isEmpty {
            validator.add("ogrn", "field.required")
        } else if ogrn == nil {
            validator.add("ogrn", "ogrn.invalid")
        } else if ogrn?.kind != .organisation {
            validator.add("ogrn", "ogrn.notOrganisation")
        }
        let city = request.city.trimmingCharacters(in: .whitespacesAndNewlines)
        if city.isEmpty {
            validator.add("city", "field.required")
        } else if city.unicodeScalars.count > cityMaximum {
            validator.add("city", "text.tooLong", ["max": "\(cityMaximum)"])
        }
        let size = CompanySize(rawValue: request.size)
        if size == nil { validator.add("size", "size.unknown") }
        try validator.check()
        return ValidCompanyRegistration(legalName: name, inn: inn!, ogrn: ogrn!, city: city, size: size!)
    }
}

/// An IT accreditation decision by an admin (the Ministry of Digital Development's register).
public struct AccreditationRequest: Sendable {
    public var accredited: Bool
    public var registryNumber: String?
    public var date: String?

    public init(accredited: Bool, registryNumber: String?, date: String?) {
        self.accredited = accredited
        self.registryNumber = registryNumber
        self.date = date
    }
}

public struct ValidAccreditation: Sendable, Equatable {
    public let accredited: Bool
    public let registryNumber: String?
    /// `yyyy-MM-dd`, checked to be a real date.
    public let date: String?

    public init(accredited: Bool, registryNumber: String?, date: String?) {
        self.accredited = accredited
        self.registryNumber = registryNumber
        self.date = date
    }
}

public enum AccreditationRules {
    public static func validate(_ request: AccreditationRequest, today: String) throws(ValidationFailure) -> ValidAccreditation {
        guard request.accredited else { return ValidAccreditation(accredited: false, registryNumber: nil, date: nil) }
        var validator = Validator()
        let number = request.registryNumber?.trimmingCharacters(in: .whitespaces) ?? ""
        // Register entries are short alphanumeric codes; 40 characters leaves room for any format change.
        if number.isEmpty {
            validator.add("registryNumber", "field.required")
        } else if number.count > 40 || !number.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "/" }) {
            validator.add("registryNumber", "registryNumber.invalid")
        }
        let date = request.date?.trimmingCharacters(in: .whitespaces) ?? ""
        if date.isEmpty {
            validator.add("date", "field.required")
        } else if !isCalendarDate(date) {
            validator.add("date", "date.invalid")
        } else if date > today {
            validator.add("date", "date.future")
        }
        try validator.check()
        return ValidAccreditation(accredited: true, registryNumber: number, date: date)
    }

    /// `yyyy-MM-dd` naming a day that exists (no 2026-02-30).
    public static func isCalendarDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard text.utf8.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1900...2999).contains(year), (1...12).contains(month), day >= 1
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}

/// Who may do what with companies.
public enum CompaniesPolicy {
    /// An employer registers the company they hire for (one company per employer account).
    public static func mayRegister(_ role: Role) -> Bool { role == .employer }
    /// IT accreditation changes which permits a company's hires may get, so only an admin sets it.
    public static func mayAccredit(_ role: Role) -> Bool { role == .admin }
    /// The company list with accreditation controls is an admin's page.
    public static func mayListAll(_ role: Role) -> Bool { role == .admin }
}
