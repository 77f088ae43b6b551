import CaravanDomain
import CaravanPermits
import Crypto
import Fluent
import Foundation
import Vapor

/// What permit cases are judged and signed with, loaded once at start: every bundled rulebook version (cases
/// keep theirs), the production calendar, and the signing key from the data folder.
struct PermitRegistry: Sendable {
    static let moscow = TimeZone(identifier: "Europe/Moscow") ?? .gmt

    let rulebooks: [String: Rulebook]
    /// The version new cases are opened under: the highest of the bundled ones.
    let current: Rulebook
    let calendar: WorkingDayCalendar
    let signer: PermitSigner

    static func load(dataDirectory: URL) throws -> PermitRegistry {
        let books = try Rulebook.bundled()
        guard let current = books.values.max(by: { $0.version.compare($1.version, options: .numeric) == .orderedAscending }) else {
            throw Abort(.internalServerError, reason: "no rulebook is bundled")
        }
        return PermitRegistry(rulebooks: books, current: current, calendar: try WorkingDayCalendar.bundledRussia(),
                              signer: try PermitSigner.loadOrCreate(in: dataDirectory))
    }
}

/// Signs issued permits with Ed25519. The private key is made at first start in `<data>/signing/permit-ed25519.key`
/// (mode 0600) and never leaves it; the public key is published at `/.well-known/caravan-signing-key`.
struct PermitSigner: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }
    var publicKeyBase64: String { publicKey.rawRepresentation.base64EncodedString() }

    static func keyFile(in dataDirectory: URL) -> URL {
        SigningKeyFile.permit.url(in: dataDirectory)
    }

    static func loadOrCreate(in dataDirectory: URL) throws -> PermitSigner {
        PermitSigner(privateKey: try loadOrCreateKey(.permit, in: dataDirectory))
    }

    /// An Ed25519 key from its file, made (mode 0600) when missing.
    static func loadOrCreateKey(_ name: SigningKeyFile, in dataDirectory: URL) throws -> Curve25519.Signing.PrivateKey {
        let file = name.url(in: dataDirectory)
        if let text = try? String(contentsOf: file, encoding: .utf8), let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        }
        let key = Curve25519.Signing.PrivateKey()
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try key.rawRepresentation.base64EncodedString().write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return key
    }

    /// A permit's number and signature. The number is derived from the case id, so it is stable and unique.
    func issue(_ permitCase: PermitCase, on date: CalendarDate) throws -> (number: String, signature: String) {
        let id = try permitCase.requireID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).uppercased()
        let number = "RP-\(date.year)-\(id)"
        let document = PermitDocument(of: permitCase, number: number, issuedOn: date.description)
        let signature = try privateKey.signature(for: document.payload)
        return (number, signature.base64EncodedString())
    }
}

/// The installation's signing keys, each in its own file under `<data>/signing/`: permits are signed with one,
/// the digital-residency registry's cards with the other.
enum SigningKeyFile: String, Sendable {
    case permit = "permit-ed25519.key"
    case registry = "registry-ed25519.key"

    func url(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("signing").appendingPathComponent(rawValue)
    }
}

/// What a permit says, in one canonical byte form: the signature covers exactly these bytes.
struct PermitDocument: Codable, Equatable, Sendable {
    struct Person: Codable, Equatable, Sendable {
        let name: String
        let relation: String
        let birthDate: String
    }

    let number: String
    let issuedOn: String
    let persons: [Person]
    let sponsor: String
    let rulebook: String

    /// The permit a case carries: the one place its contents are put together, for signing at issue and for
    /// every check after (pages, the API, the `verify` command).
    init(of permitCase: PermitCase, number: String, issuedOn: String) {
        self.init(number: number, issuedOn: issuedOn, persons: Self.approvedPersons(of: permitCase),
                  sponsor: permitCase.$sponsor.id.uuidString.lowercased(), rulebook: permitCase.rulebookVersion)
    }

    init(number: String, issuedOn: String, persons: [Person], sponsor: String, rulebook: String) {
        self.number = number
        self.issuedOn = issuedOn
        self.persons = persons
        self.sponsor = sponsor
        self.rulebook = rulebook
    }

    static func approvedPersons(of permitCase: PermitCase) -> [Person] {
        let approved = Set(permitCase.decision.filter { $0.verdict == "approved" }.map(\.person))
        return permitCase.persons.filter { approved.contains($0.id) }.map { Person(name: $0.name, relation: $0.relation, birthDate: $0.birthDate) }
    }

    /// Line-based and versioned, so any language can rebuild it to check a signature.
    var payload: Data {
        var lines = ["caravan-permit/1", "number=\(number)", "issued=\(issuedOn)", "sponsor=\(sponsor)", "rulebook=\(rulebook)"]
        for person in persons { lines.append("person=\(person.name)|\(person.relation)|\(person.birthDate)") }
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// The file a holder downloads and anyone checks offline with `caravan verify <file>`.
    struct Signed: Codable, Sendable {
        let permit: PermitDocument
        /// Base64 Ed25519 signature over `permit.payload`.
        let signature: String
        /// Base64 raw public key that made it (checked against the published one).
        let publicKey: String
    }

    enum Verdict: Equatable {
        case valid
        case badSignature
        case unknownKey
    }

    static func verify(_ signed: Signed, trusting publicKey: Curve25519.Signing.PublicKey) -> Verdict {
        guard signed.publicKey == publicKey.rawRepresentation.base64EncodedString() else { return .unknownKey }
        guard let signature = Data(base64Encoded: signed.signature), publicKey.isValidSignature(signature, for: signed.permit.payload) else {
            return .badSignature
        }
        return .valid
    }
}

extension Application {
    private struct PermitRegistryKey: StorageKey {
        typealias Value = PermitRegistry
    }

    var permitRegistry: PermitRegistry {
        get {
            guard let registry = storage[PermitRegistryKey.self] else { preconditionFailure("configure loads the permit registry") }
            return registry
        }
        set { storage[PermitRegistryKey.self] = newValue }
    }
}

extension PermitCase {
    /// The permit as issued, rebuilt from the rows (nil before issue): checking its signature shows any edit.
    var issuedDocument: PermitDocument? {
        guard let number = permitNumber, let issued = permitIssuedOn else { return nil }
        return PermitDocument(of: self, number: number, issuedOn: issued)
    }
}

extension PermitService {
    /// A permit by its number, rebuilt and checked against this installation's key: the public page, the API
    /// and the `verify` command all ask this. Nil when no permit has the number.
    func verify(number: String) async throws -> (permitCase: PermitCase, document: PermitDocument, signed: PermitDocument.Signed, verdict: PermitDocument.Verdict)? {
        guard let permitCase = try await PermitCase.query(on: database).filter(\.$permitNumber == number).first(),
              let document = permitCase.issuedDocument else { return nil }
        let signer = app.permitRegistry.signer
        let signed = PermitDocument.Signed(permit: document, signature: permitCase.permitSignature ?? "", publicKey: signer.publicKeyBase64)
        return (permitCase, document, signed, PermitDocument.verify(signed, trusting: signer.publicKey))
    }
}
