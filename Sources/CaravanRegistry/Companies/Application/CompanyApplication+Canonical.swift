import CaravanDomain
import Crypto
import Foundation

/// A value on one canonical line: a backslash, a line feed and a carriage return are escaped, so no value can
/// spill onto the next line and two different contents never print the same lines.
enum CanonicalLine {
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\r\n": out += "\\r\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func line(_ key: String, _ value: String) -> String { "\(key)=\(escape(value))" }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension CompanyApplication {
    public static let canonicalFormat = "caravan-company-application/1"
    /// The `SignableDocument.kind` of an application's signing document.
    public static let documentKind = "company-application"

    /// The application as signed: `caravan-company-application/1`, then every field in a fixed order, one value a
    /// line. Founders are sorted (people, then companies, each by id) and additional codes in classifier order,
    /// so the order they were typed in is not content; anything else that changes changes these lines.
    public var canonicalLines: [String] {
        var lines = [Self.canonicalFormat]
        func add(_ key: String, _ value: String) { lines.append(CanonicalLine.line(key, value)) }
        add("id", id)
        add("legal-form", legalForm.rawValue)
        add("name.full", fullName)
        add("name.short", shortName)
        add("name.other", CompanyName.collapse(otherLanguageName))
        add("permission", permission.trimmingCharacters(in: .whitespacesAndNewlines))
        add("address.region", address.regionCode.trimmingCharacters(in: .whitespaces))
        add("address.postcode", address.postcode.trimmingCharacters(in: .whitespaces))
        add("address.text", address.text.trimmingCharacters(in: .whitespacesAndNewlines))
        add("capital.kopecks", "\(capitalKopecks)")
        add("founders", "\(founders.count)")
        for (index, founder) in Self.canonicalOrder(founders).enumerated() {
            let key = "founder.\(index + 1)"
            switch founder.party {
            case .person(let userID, let name, let citizenship, let isResident):
                add("\(key).kind", "person")
                add("\(key).user", userID)
                add("\(key).name", name.trimmingCharacters(in: .whitespaces))
                add("\(key).citizenship", citizenship.rawValue)
                add("\(key).resident", isResident ? "yes" : "no")
            case .company(let ogrn, let name):
                add("\(key).kind", "company")
                add("\(key).ogrn", ogrn.trimmingCharacters(in: .whitespaces))
                add("\(key).name", name.trimmingCharacters(in: .whitespaces))
            }
            add("\(key).share", founder.share.description)
        }
        add("director.user", director.userID)
        add("director.name", director.name.trimmingCharacters(in: .whitespaces))
        add("director.citizenship", director.citizenship.rawValue)
        add("okved.main", OkvedCode.normalized(mainActivity))
        for code in additionalActivities.map(OkvedCode.normalized).sorted(by: OkvedCode.precedes) { add("okved.additional", code) }
        add("simplified-tax", simplifiedTaxNotice ? "yes" : "no")
        return lines
    }

    public var canonicalText: String { canonicalLines.joined(separator: "\n") }

    /// Lower-case hex SHA-256 of the canonical text: the revision every signature names.
    public var revision: String { CanonicalLine.sha256Hex(canonicalText) }

    static func canonicalOrder(_ founders: [CompanyFounder]) -> [CompanyFounder] {
        founders.sorted { a, b in
            let ka = (a.personUserID == nil ? 1 : 0, a.signerID, a.share.description, a.name)
            let kb = (b.personUserID == nil ? 1 : 0, b.signerID, b.share.description, b.name)
            return ka < kb
        }
    }

    /// The document a founder or the director signs with a passkey: the canonical lines as its text, so the
    /// WebAuthn signing of `Signing/` binds the signature to exactly this revision.
    public func signableDocument(documentID: String, signer residencyNumber: String, createdOn: String) -> SignableDocument {
        SignableDocument(id: documentID, kind: Self.documentKind, title: "Заявление о государственной регистрации \(shortName)",
                         signer: residencyNumber, createdOn: createdOn, text: canonicalLines)
    }

    /// The revision a signed document is over, when it is an application's signing document; nil otherwise.
    public static func revision(ofSigned document: SignableDocument) -> String? {
        guard document.kind == documentKind, document.text.first == canonicalFormat else { return nil }
        return CanonicalLine.sha256Hex(document.text.joined(separator: "\n"))
    }
}
