import CaravanDomain
import Foundation

/// Who asks for the registration, as far as the legal form depends on it.
public struct CompanyRequester: Hashable, Sendable {
    public var citizenship: CountryCode
    /// A temporary residence permit (РВП) or a residence permit (ВНЖ).
    public var hasResidencePermit: Bool

    public init(citizenship: CountryCode, hasResidencePermit: Bool) {
        self.citizenship = citizenship
        self.hasResidencePermit = hasResidencePermit
    }
}

/// Everything the rules found: errors stop the application, warnings are shown (to the founders and the registry
/// officer) and stop nothing.
public struct CompanyApplicationReport: Hashable, Sendable {
    public let errors: [FieldError]
    public let warnings: [FieldError]
    public let nameComparison: NameComparison

    public var isValid: Bool { errors.isEmpty }

    /// The codes reported for one field, errors first.
    public func codes(for field: String) -> [String] {
        (errors + warnings).filter { $0.field == field }.map(\.code)
    }

    public func check() throws(ValidationFailure) {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}

/// The rules of an ООО application (form Р11001 and the laws behind it), every problem with its field.
public enum CompanyApplicationRules {
    /// Federal Law No. 14-FZ on LLCs, art. 7(3): at most fifty members.
    public static let maximumFounders = 50
    /// A product limit, not a legal one: Р11001 takes any number of additional codes.
    public static let maximumAdditionalActivities = 57
    /// FNS requirements for Р11001: a code of at least four digits (a class, `62.01`) — a division (`62`) or a
    /// group (`62.0`) is too general to be registered.
    public static let minimumCodeDigits = 4
    public static let addressTextMaximum = 500
    public static let permissionMaximum = 200

    /// Checks everything and returns every problem at once. `existingNames` are the register's names with their
    /// main activity codes; `requester` decides what an ИП request is told.
    public static func validate(_ application: CompanyApplication, classifier: OkvedClassifier,
                                existingNames: [(name: String, mainActivity: String)] = [],
                                requester: CompanyRequester? = nil) -> CompanyApplicationReport {
        var errors = Validator()
        var warnings = Validator()

        checkLegalForm(application.legalForm, requester: requester, into: &errors)

        CompanyName.check(core: application.nameCore, into: &errors)
        CompanyName.check(otherLanguageName: application.otherLanguageName, into: &errors)
        let official = CompanyName.officialWords(in: application.nameCore) + CompanyName.officialWords(in: application.otherLanguageName)
        let permission = application.permission.trimmingCharacters(in: .whitespacesAndNewlines)
        if !official.isEmpty, permission.isEmpty {
            errors.add("permission", "company.namePermissionRequired", ["words": official.joined(separator: ", ")])
        } else if permission.count > permissionMaximum {
            errors.add("permission", "text.tooLong", ["max": "\(permissionMaximum)"])
        }
        let comparison = NameComparison.compare(new: application.nameCore, mainActivity: application.mainActivity, existing: existingNames)
        switch comparison {
        case .identical(let name): errors.add("name", "company.nameTaken", ["name": name])
        case .similar(let names): warnings.add("name", "company.warning.nameSimilar", ["names": names.joined(separator: "; ")])
        case .distinct: break
        }

        checkAddress(application.address, into: &errors)
        ShareRules.checkCapital(application.capitalKopecks, into: &errors)
        checkFounders(application.founders, capitalKopecks: application.capitalKopecks, into: &errors)
        checkDirector(application.director, errors: &errors, warnings: &warnings)
        checkActivities(main: application.mainActivity, additional: application.additionalActivities, classifier: classifier, into: &errors)

        return CompanyApplicationReport(errors: errors.errors, warnings: warnings.errors, nameComparison: comparison)
    }

    /// An ИП needs a temporary or permanent residence permit for a foreign citizen (129-FZ art. 22.1(1)(е)); the
    /// answer names that, so the page can explain it and offer the ООО.
    static func checkLegalForm(_ form: CompanyLegalForm, requester: CompanyRequester?, into validator: inout Validator) {
        guard form == .ip else { return }
        if let requester, requester.citizenship.rawValue == "RU" || requester.hasResidencePermit {
            validator.add("legalForm", "company.ipNotOffered")
        } else {
            validator.add("legalForm", "company.ipNeedsResidencePermit")
        }
    }

    static func checkAddress(_ address: LegalAddress, into validator: inout Validator) {
        let region = address.regionCode.trimmingCharacters(in: .whitespaces)
        if region.isEmpty {
            validator.add("address.regionCode", "field.required")
        } else if !(region.count == 2 && region.allSatisfy { $0.isASCII && $0.isNumber } && region != "00") {
            validator.add("address.regionCode", "address.regionCodeInvalid")
        }
        let postcode = address.postcode.trimmingCharacters(in: .whitespaces)
        if postcode.isEmpty {
            validator.add("address.postcode", "field.required")
        } else if !(postcode.count == 6 && postcode.allSatisfy { $0.isASCII && $0.isNumber }) {
            validator.add("address.postcode", "address.postcodeInvalid")
        }
        let text = address.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            validator.add("address.text", "field.required")
        } else if text.count > addressTextMaximum {
            validator.add("address.text", "text.tooLong", ["max": "\(addressTextMaximum)"])
        }
    }

    static func checkFounders(_ founders: [CompanyFounder], capitalKopecks: Int64, into validator: inout Validator) {
        guard !founders.isEmpty else {
            validator.add("founders", "company.foundersRequired")
            return
        }
        if founders.count > maximumFounders {
            validator.add("founders", "company.tooManyFounders", ["max": "\(maximumFounders)"])
        }
        var seen = Set<String>()
        for (index, founder) in founders.enumerated() {
            let field = "founders[\(index)]"
            switch founder.party {
            case .person(let userID, let name, _, _):
                if userID.trimmingCharacters(in: .whitespaces).isEmpty { validator.add("\(field).userID", "field.required") }
                if name.trimmingCharacters(in: .whitespaces).isEmpty { validator.add("\(field).name", "field.required") }
            case .company(let ogrn, let name):
                if ogrn.trimmingCharacters(in: .whitespaces).isEmpty {
                    validator.add("\(field).ogrn", "field.required")
                } else if let number = OGRN(ogrn) {
                    if number.kind != .organisation { validator.add("\(field).ogrn", "ogrn.notOrganisation") }
                } else {
                    validator.add("\(field).ogrn", "ogrn.invalid")
                }
                if name.trimmingCharacters(in: .whitespaces).isEmpty { validator.add("\(field).name", "field.required") }
            }
            if !seen.insert(founder.signerID).inserted { validator.add(field, "company.founderDuplicate") }
        }
        ShareRules.checkShares(founders.map(\.share), capitalKopecks: capitalKopecks, into: &validator)
    }

    /// A director who is a citizen of a country outside the EAEU is a foreign worker and needs a work permit
    /// until the company is IT-accredited (115-FZ art. 13(4)); that is a warning, the registry does not ask.
    static func checkDirector(_ director: CompanyDirector, errors: inout Validator, warnings: inout Validator) {
        if director.userID.trimmingCharacters(in: .whitespaces).isEmpty { errors.add("director.userID", "field.required") }
        if director.name.trimmingCharacters(in: .whitespaces).isEmpty { errors.add("director.name", "field.required") }
        if !director.citizenship.isEAEUMember {
            warnings.add("director.citizenship", "company.warning.directorWorkAuthorisation", ["citizenship": director.citizenship.rawValue])
        }
    }

    static func checkActivities(main: String, additional: [String], classifier: OkvedClassifier, into validator: inout Validator) {
        let mainCode = OkvedCode.normalized(main)
        if mainCode.isEmpty {
            validator.add("okved.main", "field.required")
        } else {
            checkCode(mainCode, field: "okved.main", classifier: classifier, into: &validator)
        }
        if additional.count > maximumAdditionalActivities {
            validator.add("okved.additional", "okved.tooMany", ["max": "\(maximumAdditionalActivities)"])
        }
        var seen = Set<String>()
        for (index, raw) in additional.enumerated() {
            let code = OkvedCode.normalized(raw), field = "okved.additional[\(index)]"
            if code.isEmpty {
                validator.add(field, "field.required")
            } else if code == mainCode {
                validator.add(field, "okved.sameAsMain")
            } else if !seen.insert(code).inserted {
                validator.add(field, "okved.duplicate")
            } else {
                checkCode(code, field: field, classifier: classifier, into: &validator)
            }
        }
    }

    static func checkCode(_ code: String, field: String, classifier: OkvedClassifier, into validator: inout Validator) {
        guard OkvedCode.isWellFormed(code) else {
            validator.add(field, "okved.invalid", ["code": code])
            return
        }
        guard let entry = classifier.entry(code) else {
            validator.add(field, "okved.unknown", ["code": code])
            return
        }
        if entry.digitCount < minimumCodeDigits { validator.add(field, "okved.tooGeneral", ["code": code]) }
    }
}
