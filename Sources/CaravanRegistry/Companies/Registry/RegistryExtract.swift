import CaravanDomain
import CaravanPermits
import Crypto
import Foundation

/// An extract from Caravan's company register (like the ЕГРЮЛ выписка): the company as it stands, as canonical
/// `caravan-registry-extract/1` lines signed with the registry's Ed25519 key, so anyone checks it offline.
///
/// It holds what the state register publishes about founders — names and shares, a company founder's OGRN — and
/// nothing else: no passport numbers, no birth dates, no user ids.
public struct RegistryExtract: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Hashable, Sendable, CaseIterable {
        case active
        case liquidating
        case liquidated
    }

    public struct Founder: Codable, Hashable, Sendable {
        public enum Kind: String, Codable, Hashable, Sendable {
            case person
            case company
        }

        public let kind: Kind
        public let name: String
        /// A company founder's OGRN; nil for a person.
        public let ogrn: String?
        public let share: Fraction

        public init(kind: Kind, name: String, ogrn: String? = nil, share: Fraction) {
            self.kind = kind
            self.name = name
            self.ogrn = kind == .company ? ogrn : nil
            self.share = share
        }
    }

    public let fullName: String
    public let shortName: String
    /// Empty when the company has none.
    public let otherLanguageName: String
    public let ogrn: String
    public let inn: String
    public let kpp: String
    public let registeredOn: CalendarDate
    public let address: LegalAddress
    public let capitalKopecks: Int64
    public let founders: [Founder]
    public let directorName: String
    public let mainActivity: String
    public let otherActivities: [String]
    public let status: Status
    /// Goes up with every change registered (director, address, codes, founders).
    public let revision: Int
    /// The day the extract shows the company as of.
    public let asOf: CalendarDate

    public init(fullName: String, shortName: String, otherLanguageName: String = "", ogrn: String, inn: String, kpp: String,
                registeredOn: CalendarDate, address: LegalAddress, capitalKopecks: Int64, founders: [Founder], directorName: String,
                mainActivity: String, otherActivities: [String], status: Status, revision: Int, asOf: CalendarDate) {
        self.fullName = fullName
        self.shortName = shortName
        self.otherLanguageName = otherLanguageName
        self.ogrn = ogrn
        self.inn = inn
        self.kpp = kpp
        self.registeredOn = registeredOn
        self.address = address
        self.capitalKopecks = capitalKopecks
        // People, then companies, each by name: the order the extract prints, whatever order they were entered in.
        self.founders = founders.sorted { ($0.kind == .company ? 1 : 0, $0.name, $0.ogrn ?? "") < ($1.kind == .company ? 1 : 0, $1.name, $1.ogrn ?? "") }
        self.directorName = directorName
        self.mainActivity = mainActivity
        self.otherActivities = otherActivities.sorted(by: OkvedCode.precedes)
        self.status = status
        self.revision = revision
        self.asOf = asOf
    }

    /// The extract of a company registered from `application` with `numbers` on `registeredOn`.
    public init(application: CompanyApplication, numbers: IssuedRegistryNumbers, registeredOn: CalendarDate, status: Status = .active,
                revision: Int = 1, asOf: CalendarDate? = nil) {
        self.init(
            fullName: application.fullName, shortName: application.shortName,
            otherLanguageName: CompanyName.collapse(application.otherLanguageName),
            ogrn: numbers.ogrn.value, inn: numbers.inn.value, kpp: numbers.kpp.value, registeredOn: registeredOn,
            address: LegalAddress(regionCode: application.address.regionCode.trimmingCharacters(in: .whitespaces),
                                  postcode: application.address.postcode.trimmingCharacters(in: .whitespaces),
                                  text: application.address.text.trimmingCharacters(in: .whitespacesAndNewlines)),
            capitalKopecks: application.capitalKopecks,
            founders: application.founders.map { founder in
                switch founder.party {
                case .person(_, let name, _, _): Founder(kind: .person, name: name.trimmingCharacters(in: .whitespaces), share: founder.share)
                case .company(let ogrn, let name):
                    Founder(kind: .company, name: name.trimmingCharacters(in: .whitespaces), ogrn: ogrn.trimmingCharacters(in: .whitespaces),
                            share: founder.share)
                }
            },
            directorName: application.director.name.trimmingCharacters(in: .whitespaces),
            mainActivity: OkvedCode.normalized(application.mainActivity),
            otherActivities: application.additionalActivities.map(OkvedCode.normalized),
            status: status, revision: revision, asOf: asOf ?? registeredOn
        )
    }

    public static let format = "caravan-registry-extract/1"

    /// The signed lines: versioned and line-based like the residency card's, one value a line, in a fixed order.
    public var lines: [String] {
        var lines = [Self.format]
        func add(_ key: String, _ value: String) { lines.append(CanonicalLine.line(key, value)) }
        add("name.full", fullName)
        add("name.short", shortName)
        if !otherLanguageName.isEmpty { add("name.other", otherLanguageName) }
        add("ogrn", ogrn)
        add("inn", inn)
        add("kpp", kpp)
        add("registered", registeredOn.description)
        add("address.region", address.regionCode)
        add("address.postcode", address.postcode)
        add("address.text", address.text)
        add("capital", ShareRules.roubles(capitalKopecks))
        for (index, founder) in founders.enumerated() {
            let key = "founder.\(index + 1)"
            add("\(key).kind", founder.kind.rawValue)
            add("\(key).name", founder.name)
            if let ogrn = founder.ogrn { add("\(key).ogrn", ogrn) }
            add("\(key).share", founder.share.description)
        }
        add("director", directorName)
        add("okved.main", mainActivity)
        for code in otherActivities { add("okved.other", code) }
        add("status", status.rawValue)
        add("revision", "\(revision)")
        add("as-of", asOf.description)
        return lines
    }

    public var payload: Data { Data(lines.joined(separator: "\n").utf8) }

    /// The extract as the public page serves it and `caravan verify` checks it.
    public struct Signed: Codable, Hashable, Sendable {
        public let extract: RegistryExtract
        /// Base64 Ed25519 signature over `extract.payload`.
        public let signature: String
        /// Base64 raw public key of the registry that signed it.
        public let publicKey: String

        public init(extract: RegistryExtract, signature: String, publicKey: String) {
            self.extract = extract
            self.signature = signature
            self.publicKey = publicKey
        }
    }

    public static func sign(_ extract: RegistryExtract, with key: Curve25519.Signing.PrivateKey) throws -> Signed {
        Signed(extract: extract, signature: try key.signature(for: extract.payload).base64EncodedString(),
               publicKey: key.publicKey.rawRepresentation.base64EncodedString())
    }

    public enum Verdict: String, Sendable, Hashable {
        case valid
        /// The extract's contents do not match its signature (a row was changed).
        case badSignature = "bad-signature"
        /// Signed by a key the registry does not publish.
        case unknownKey = "unknown-key"
    }

    public static func verify(_ signed: Signed, trusting registryKey: Curve25519.Signing.PublicKey) -> Verdict {
        guard signed.publicKey == registryKey.rawRepresentation.base64EncodedString() else { return .unknownKey }
        guard let signature = Data(base64Encoded: signed.signature), registryKey.isValidSignature(signature, for: signed.extract.payload) else {
            return .badSignature
        }
        return .valid
    }

    /// Checks lines as a downloaded file carries them (e.g. `caravan verify` reading a text file): the signature
    /// over exactly those bytes.
    public static func verify(lines: [String], signature: String, publicKey: String, trusting registryKey: Curve25519.Signing.PublicKey) -> Verdict {
        guard publicKey == registryKey.rawRepresentation.base64EncodedString() else { return .unknownKey }
        guard lines.first == format, let signature = Data(base64Encoded: signature),
              registryKey.isValidSignature(signature, for: Data(lines.joined(separator: "\n").utf8))
        else { return .badSignature }
        return .valid
    }
}
