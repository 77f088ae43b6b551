import CaravanPermits
import CaravanRegistry
import Crypto
import Fluent
import Foundation
import Vapor

/// `caravan verify <number | file>`: checks what Caravan signs against this installation's published keys — a
/// permit (its file or number), a residency card (its file or `DR-…` number) or a document signed with a passkey
/// (its file: the registry's card, the key on it, the WebAuthn assertion over exactly the document's bytes) or a
/// company's registry extract (its file or OGRN).
/// Files are checked offline; revocation is then asked of the registry's database when there is one.
/// Exit status 0 when valid, 1 when not (with the reason).
struct VerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "permit", help: "A permit number (RP-2026-…), a residency number (DR-2026-…), a company's OGRN, or the path of a downloaded permit, residency card, registry extract or signed-document file.")
        var permit: String
        init() {}
    }

    var help: String { "Checks a permit's signature (a number from the database, or a downloaded file)." }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let signer = app.permitRegistry.signer
        let signed: PermitDocument.Signed
        if FileManager.default.fileExists(atPath: signature.permit) {
            guard let data = FileManager.default.contents(atPath: signature.permit) else {
                throw Invalid(description: "invalid: \(signature.permit) cannot be read")
            }
            if let file = try? JSONDecoder().decode(SignedDocumentFile.self, from: data) {
                return try await verifyDocument(file, context: context)
            }
            if let card = try? JSONDecoder().decode(ResidencyCard.Signed.self, from: data) {
                return try await verifyCard(card, context: context)
            }
            if let extract = try? JSONDecoder().decode(RegistryExtract.Signed.self, from: data) {
                return try await verifyExtract(extract, context: context)
            }
            guard let decoded = try? JSONDecoder().decode(PermitDocument.Signed.self, from: data)
            else { throw Invalid(description: "invalid: \(signature.permit) is not a Caravan permit, residency card, registry extract or signed document") }
            signed = decoded
        } else if signature.permit.hasPrefix("DR-") {
            try await app.autoMigrate()
            guard let check = try await ResidencyService(app: app, database: app.db).verifyCard(number: signature.permit) else {
                throw Invalid(description: "invalid: no residency with the number \(signature.permit)")
            }
            return try await verifyCard(check.signed, context: context)
        } else if signature.permit.count == 13, signature.permit.allSatisfy({ $0.isASCII && $0.isNumber }) {
            try await app.autoMigrate()
            guard let company = try await RegisteredCompany.query(on: app.db).filter(\.$ogrn == signature.permit).first(),
                  let extract = company.signedExtract else {
                throw Invalid(description: "invalid: no company with the OGRN \(signature.permit) in the register")
            }
            return try await verifyExtract(extract, context: context)
        } else {
            try await app.autoMigrate()
            guard let verified = try await PermitService(app: app, database: app.db).verify(number: signature.permit)
            else { throw Invalid(description: "invalid: no permit with the number \(signature.permit)") }
            signed = verified.signed
        }
        switch PermitDocument.verify(signed, trusting: signer.publicKey) {
        case .valid:
            context.console.print("valid: permit \(signed.permit.number), issued \(signed.permit.issuedOn), \(signed.permit.persons.count) person(s)")
        case .badSignature:
            throw Invalid(description: "invalid: the permit's contents do not match its signature (altered)")
        case .unknownKey:
            throw Invalid(description: "invalid: signed with a key this installation does not publish")
        }
    }

    /// A signed document: every offline check, then the registry's word on the signer's residency.
    private func verifyDocument(_ file: SignedDocumentFile, context: CommandContext) async throws {
        let app = context.application
        // Offline first: a file that fails needs no database.
        let offline = SignedDocumentFile.verify(file, registryKey: app.residencyRegistry.publicKey, relyingParty: app.residencyRegistry.relyingParty)
        guard offline == .valid else { throw Invalid(description: "invalid: \(Self.reason(offline))") }
        let document = SignableDocument(canonicalText: file.document)
        try await app.autoMigrate()
        let check = try await ResidencyService(app: app, database: app.db).check(file)
        guard check.verdict == .valid else { throw Invalid(description: "invalid: \(Self.reason(check.verdict))") }
        if check.revoked { throw Invalid(description: "invalid: the signer's residency \(file.card.card.number) was revoked") }
        context.console.print("valid: \"\(document?.title ?? "")\" signed by resident \(file.card.card.number) on \(check.recordedOn ?? document?.createdOn ?? "") with \(file.credential.algorithm) key; sha256 \(document?.sha256Hex ?? "")")
    }

    /// A registry extract: the registry's Ed25519 signature over its lines offline, then whether the register holds it
    /// still (a later change makes an earlier extract genuine but superseded).
    private func verifyExtract(_ signed: RegistryExtract.Signed, context: CommandContext) async throws {
        let app = context.application
        switch RegistryExtract.verify(signed, trusting: app.residencyRegistry.publicKey) {
        case .valid: break
        case .badSignature: throw Invalid(description: "invalid: the extract's contents do not match the registry's signature (altered)")
        case .unknownKey: throw Invalid(description: "invalid: signed with a key this registry does not publish")
        }
        let extract = signed.extract
        var standing = ""
        try await app.autoMigrate()
        if let company = try await RegisteredCompany.query(on: app.db).filter(\.$ogrn == extract.ogrn).first() {
            standing = company.extractRevision == extract.revision ? "; the register's current extract"
                : "; superseded: the register's current extract is No. \(company.extractRevision)"
        }
        context.console.print("valid: extract No. \(extract.revision) of \(extract.shortName), OGRN \(extract.ogrn), INN \(extract.inn), as of \(extract.asOf)\(standing)")
    }

    /// A residency card: the registry's signature and validity offline, then revocation from the registry.
    private func verifyCard(_ card: ResidencyCard.Signed, context: CommandContext) async throws {
        let app = context.application
        let today = CalendarDate(Date(), in: PermitRegistry.moscow)
        switch ResidencyCard.verify(card, trusting: app.residencyRegistry.publicKey, today: today) {
        case .valid: break
        case .badSignature: throw Invalid(description: "invalid: the card's contents do not match the registry's signature (altered)")
        case .unknownKey: throw Invalid(description: "invalid: signed with a key this registry does not publish")
        case .expired: throw Invalid(description: "invalid: the card expired on \(card.card.validUntil)")
        }
        try await app.autoMigrate()
        if let resident = try await Resident.query(on: app.db).filter(\.$number == card.card.number).first(), !resident.isActive {
            throw Invalid(description: "invalid: residency \(card.card.number) was revoked")
        }
        context.console.print("valid: residency \(card.card.number), valid until \(card.card.validUntil), \(card.card.keys.count) passkey(s) on card version \(card.card.revision)")
    }

    static func reason(_ verdict: SignedDocumentFile.Verdict) -> String {
        switch verdict {
        case .valid: "valid"
        case .malformed: "not a Caravan signed document, or a part of it is damaged"
        case .cardInvalid: "the residency card in the file is not the registry's or was altered"
        case .cardExpired: "the residency card had expired when the document was signed"
        case .signerMismatch: "the document names another signer than the card's holder"
        case .keyNotOnCard: "the signing key is not one of the resident's registered passkeys"
        case .documentAltered: "the document was changed after it was signed"
        case .signatureInvalid: "the signature does not match the key (signature or authenticator data altered)"
        case .wrongContext: "the signature was made for another site or without user verification"
        case .notOnRecord: "the registry has no record of this signature (made outside Caravan, or with a passkey already removed)"
        }
    }
}
