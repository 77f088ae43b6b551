import CaravanDomain
import Foundation

/// The legal form asked for. Caravan registers limited liability companies; an individual entrepreneur is named so
/// the page can explain why it is not offered to a foreign citizen without a residence permit.
public enum CompanyLegalForm: String, Codable, Hashable, Sendable, CaseIterable {
    /// Общество с ограниченной ответственностью.
    case ooo
    /// Индивидуальный предприниматель.
    case ip
}

/// The legal address as form Р11001 takes it: the region's code, the postcode and the address within the region.
public struct LegalAddress: Codable, Hashable, Sendable {
    /// Two digits, `01`–`99` (`77` Moscow, `78` Saint Petersburg).
    public var regionCode: String
    /// Six digits.
    public var postcode: String
    public var text: String

    public init(regionCode: String, postcode: String, text: String) {
        self.regionCode = regionCode
        self.postcode = postcode
        self.text = text
    }
}

/// A founder and their share of the capital.
public struct CompanyFounder: Codable, Hashable, Sendable {
    public enum Party: Codable, Hashable, Sendable {
        /// A Caravan person: a digital resident (`isResident`) or a registered person whose identity was checked.
        case person(userID: String, name: String, citizenship: CountryCode, isResident: Bool)
        /// A Russian company, by its OGRN; its director signs for it.
        case company(ogrn: String, name: String)
    }

    public var party: Party
    public var share: Fraction

    public init(_ party: Party, share: Fraction) {
        self.party = party
        self.share = share
    }

    public static func person(userID: String, name: String, citizenship: CountryCode, isResident: Bool, share: Fraction) -> CompanyFounder {
        CompanyFounder(.person(userID: userID, name: name, citizenship: citizenship, isResident: isResident), share: share)
    }

    public static func company(ogrn: String, name: String, share: Fraction) -> CompanyFounder {
        CompanyFounder(.company(ogrn: ogrn, name: name), share: share)
    }

    public var name: String {
        switch party {
        case .person(_, let name, _, _), .company(_, let name): name
        }
    }

    /// Whom a signature is filed under: the person's user id, or `ogrn:<OGRN>` for a company founder.
    public var signerID: String {
        switch party {
        case .person(let userID, _, _, _): userID
        case .company(let ogrn, _): "ogrn:" + ogrn.trimmingCharacters(in: .whitespaces)
        }
    }

    /// The person's user id; nil for a company.
    public var personUserID: String? {
        if case .person(let userID, _, _, _) = party { return userID }
        return nil
    }
}

/// The person who acts for the company without a power of attorney (генеральный директор), founder or not.
public struct CompanyDirector: Codable, Hashable, Sendable {
    public var userID: String
    public var name: String
    public var citizenship: CountryCode

    public init(userID: String, name: String, citizenship: CountryCode) {
        self.userID = userID
        self.name = name
        self.citizenship = citizenship
    }
}

/// An application to register an ООО, as data: what the founders fill in over the wizard's pages and sign.
/// Nothing here is checked; `CompanyApplicationRules.validate` says what is wrong, field by field.
public struct CompanyApplication: Codable, Hashable, Sendable {
    public var id: String
    public var legalForm: CompanyLegalForm
    /// The name proper (`X` of «ООО «X»»).
    public var nameCore: String
    /// Optional; empty when there is none.
    public var otherLanguageName: String
    /// The reference of the Ministry of Justice's permission to use «Россия» and its derivatives; empty when none.
    public var permission: String
    public var address: LegalAddress
    public var capitalKopecks: Int64
    public var founders: [CompanyFounder]
    public var director: CompanyDirector
    /// The main OKVED 2 code.
    public var mainActivity: String
    public var additionalActivities: [String]
    /// The notice of transition to the simplified tax system (form 26.2-1) filed with the application.
    public var simplifiedTaxNotice: Bool

    public init(id: String, legalForm: CompanyLegalForm = .ooo, nameCore: String, otherLanguageName: String = "", permission: String = "",
                address: LegalAddress, capitalKopecks: Int64, founders: [CompanyFounder], director: CompanyDirector, mainActivity: String,
                additionalActivities: [String] = [], simplifiedTaxNotice: Bool = false) {
        self.id = id
        self.legalForm = legalForm
        self.nameCore = nameCore
        self.otherLanguageName = otherLanguageName
        self.permission = permission
        self.address = address
        self.capitalKopecks = capitalKopecks
        self.founders = founders
        self.director = director
        self.mainActivity = mainActivity
        self.additionalActivities = additionalActivities
        self.simplifiedTaxNotice = simplifiedTaxNotice
    }

    /// The full name as it would be registered (the name proper's spaces collapsed, nothing checked).
    public var fullName: String { "\(CompanyName.legalFormFull) «\(CompanyName.collapse(nameCore))»" }
    public var shortName: String { "\(CompanyName.legalFormShort) «\(CompanyName.collapse(nameCore))»" }

    /// The user ids of every person whose identity and entry-ban check the registry needs: person founders and
    /// the director, each once, in a stable order.
    public var personUserIDs: [String] {
        var seen = Set<String>()
        return (founders.compactMap(\.personUserID) + [director.userID]).filter { seen.insert($0).inserted }
    }
}
