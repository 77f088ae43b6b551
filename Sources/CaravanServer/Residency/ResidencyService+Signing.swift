import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Crypto
import Fluent
import FluentSQL
import Foundation
import Vapor

/// Signing documents with a passkey: the challenge is SHA-256 of the document's canonical bytes and a nonce, so
/// a signature is bound to exactly one document; the evidence is kept whole so anyone can check it later.
extension ResidencyService {
    static let titleLength = 1...200
    static let textLength = 1...4000

    /// A resident writes a document to sign (a declaration: the test document of the residency).
    func createDocument(title rawTitle: String, text rawText: String, by user: User) async throws -> ResidencyDocument {
        let resident = try await activeResident(of: user)
        let title = rawTitle.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = rawText.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        var validator = CaravanDomain.Validator()
        // As sent, before trimming: the API's schema states these lengths of the text it receives.
        if title.isEmpty { validator.add("title", "field.required") } else if !Self.titleLength.contains(rawTitle.unicodeScalars.count) {
            validator.add("title", "residency.titleLength", ["max": "\(Self.titleLength.upperBound)"])
        }
        if text.isEmpty { validator.add("text", "field.required") } else if !Self.textLength.contains(rawText.unicodeScalars.count) {
            validator.add("text", "residency.textLength", ["max": "\(Self.textLength.upperBound)"])
        }
        do throws(ValidationFailure) { try validator.check() } catch { throw AppError.validation(error) }
        let id = UUID()
        let document = SignableDocument(id: id.uuidString.lowercased(), kind: "declaration", title: title, signer: resident.number,
                                        createdOn: today.description, text: [text])
        let row = ResidencyDocument()
        row.id = id
        row.$user.id = try user.requireID()
        row.kind = document.kind
        row.title = document.title
        row.canonical = document.canonicalText
        row.sha256 = document.sha256Hex
        row.createdAt = now
        try await database.writeTransaction { db in
            try await row.create(on: db)
            try await audit.append(AuditEntry(
                actor: AuditEntry.user(user.id), action: "residency.document-created", subject: "residency-document:\(document.id)",
                payload: ["sha256": document.sha256Hex, "kind": document.kind]
            ), on: db)
        }
        return row
    }

    func documents(of user: User) async throws -> [ResidencyDocument] {
        try await ResidencyDocument.query(on: database).filter(\.$user.$id == user.requireID()).sort(\.$createdAt, .descending).limit(100).all()
    }

    /// A document its author may see (anyone else gets 404).
    func document(_ id: UUID, of user: User) async throws -> ResidencyDocument {
        guard let row = try await ResidencyDocument.query(on: database).filter(\.$id == id).filter(\.$user.$id == user.requireID()).first() else {
            throw AppError.notFound
        }
        return row
    }

    /// What `navigator.credentials.get()` is given to sign one document.
    struct AssertionOptions: Sendable {
        let challengeID: UUID
        let challenge: String
        let relyingParty: RelyingParty
        let allowCredentials: [String]
        let timeoutMilliseconds: Int
        let documentSHA256: String
    }

    func signingOptions(for id: UUID, by user: User) async throws -> AssertionOptions {
        let row = try await document(id, of: user)
        _ = try await activeResident(of: user)
        guard row.signedAt == nil else { throw AppError.conflict(code: "residency-document-signed") }
        let passkeys = try await passkeys(of: user)
        guard !passkeys.isEmpty else { throw AppError.conflict(code: "residency-passkey-required") }
        guard let document = row.document else { throw AppError.conflict(code: "residency-document-signed") }
        let nonce = Self.randomBytes(SignableDocument.nonceLength)
        let challenge = try await newChallenge(for: try user.requireID(), purpose: "sign", bytes: document.challenge(nonce: nonce), document: id, nonce: nonce)
        return AssertionOptions(
            challengeID: try challenge.requireID(), challenge: challenge.challenge, relyingParty: registry.relyingParty,
            allowCredentials: passkeys.map(\.credentialID), timeoutMilliseconds: Int(registry.challengeLifetime * 1000),
            documentSHA256: row.sha256
        )
    }

    /// What the browser answered `get()` with, as base64url text.
    struct AssertionResponse: Sendable {
        var challengeID: UUID
        var credentialID: String
        var clientDataJSON: String
        var authenticatorData: String
        var signature: String
    }

    /// Checks the assertion against the resident's registered key and the challenge made for this document, moves
    /// the passkey's sign count forward (only from the count it was read at) and keeps the signed file.
    func sign(_ id: UUID, _ response: AssertionResponse, by user: User) async throws -> ResidencyDocument {
        let userID = try user.requireID()
        let row = try await document(id, of: user)
        guard row.signedAt == nil else { throw AppError.conflict(code: "residency-document-signed") }
        let resident = try await auditedResident(of: user, action: "residency.signature-refused", document: id)
        guard let clientData = Base64URL.decode(response.clientDataJSON), let authenticatorData = Base64URL.decode(response.authenticatorData),
              let signature = Base64URL.decode(response.signature), let document = row.document else {
            throw AppError.assertionRejected(code: WebAuthnError.malformed.code)
        }
        let challenge = try await consumeChallenge(response.challengeID, of: userID, purpose: "sign", document: id)
        guard let passkey = try await Passkey.query(on: database).filter(\.$user.$id == userID).filter(\.$credentialID == response.credentialID).first(),
              let credential = passkey.stored else {
            try await refused(code: "webauthn-unknown-credential", of: userID, action: "residency.signature-refused", document: id)
            throw AppError.assertionRejected(code: "webauthn-unknown-credential")
        }
        let challengeRow = try await WebAuthnChallenge.find(response.challengeID, on: database)
        guard let nonce = challengeRow?.nonce.flatMap(Base64URL.decode), document.challenge(nonce: nonce) == challenge else {
            try await refused(.challengeMismatch, of: userID, action: "residency.signature-refused", document: id)
            throw AppError.assertionRejected(code: WebAuthnError.challengeMismatch.code)
        }
        let count: UInt32
        do {
            count = try WebAuthn.verifyAssertion(
                credential: credential, authenticatorData: authenticatorData, clientDataJSON: clientData, signature: signature,
                expectedChallenge: challenge, relyingParty: registry.relyingParty
            )
        } catch {
            try await refused(error, of: userID, action: "residency.signature-refused", document: id)
            throw AppError.assertionRejected(code: error.code)
        }
        let card = ResidencyCard.Signed(card: resident.card, signature: resident.cardSignature, publicKey: registry.publicKeyBase64)
        let file = SignedDocumentFile(
            document: row.canonical, nonce: Base64URL.encode(nonce), relyingPartyID: registry.relyingParty.id, origin: registry.relyingParty.origin,
            credential: .init(id: passkey.credentialID, publicKey: passkey.publicKey, algorithm: credential.algorithm.name),
            authenticatorData: response.authenticatorData, clientDataJSON: response.clientDataJSON, signature: response.signature,
            signedAt: ISO8601DateFormatter().string(from: now), card: card
        )
        // Checked as anyone will check it later, before it is kept.
        guard SignedDocumentFile.verify(file, registryKey: registry.publicKey, relyingParty: registry.relyingParty) == .valid else {
            throw AppError.assertionRejected(code: WebAuthnError.badSignature.code)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(file), as: UTF8.self)
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "residency-concurrent") }
            let moved = try await sql.update(Passkey.schema).set("sign_count", to: Int(count)).set("last_used_at", to: now)
                .where("id", .equal, passkey.requireID()).where("sign_count", .equal, passkey.signCount).returning("id").all()
            guard !moved.isEmpty else {
                // The count moved under us (another signature with the same key), or the passkey was removed meanwhile.
                let still = try await Passkey.query(on: db).filter(\.$id == passkey.requireID()).first()
                throw AppError.assertionRejected(code: still == nil ? "residency-passkey-removed" : WebAuthnError.signCountRegressed.code)
            }
            let signed = try await sql.update(ResidencyDocument.schema).set("signed_at", to: now).set("signed_file", to: json)
                .where("id", .equal, id).where("signed_at", .is, SQLLiteral.null).returning("id").all()
            guard !signed.isEmpty else { throw AppError.conflict(code: "residency-document-signed") }
            try await audit.append(AuditEntry(
                actor: AuditEntry.user(userID), action: "residency.document-signed", subject: "residency-document:\(document.id)",
                payload: ["sha256": row.sha256, "fingerprint": credential.fingerprint, "signCount": String(count), "card": String(resident.cardRevision)]
            ), on: db)
        }
        row.signedAt = now
        row.signedFile = json
        return row
    }

    /// What a signed file says when checked: the offline verdict, then the registry's word — that it recorded this
    /// very signature (same document, evidence and key; so a signature made outside Caravan, or with a passkey the
    /// resident had removed, does not pass) and whether the signer's residency was revoked.
    struct DocumentCheck: Sendable {
        let file: SignedDocumentFile
        let verdict: SignedDocumentFile.Verdict
        /// The signer's residency was revoked (after or before signing: the registry says so either way).
        let revoked: Bool
        let revokedOn: String?
        /// The day the registry recorded the signature (`yyyy-MM-dd`, Moscow), when it did.
        let recordedOn: String?

        var isValid: Bool { verdict == .valid && !revoked }
    }

    func check(_ file: SignedDocumentFile) async throws -> DocumentCheck {
        var verdict = SignedDocumentFile.verify(file, registryKey: registry.publicKey, relyingParty: registry.relyingParty)
        var recordedOn: String?
        if verdict == .valid {
            let id = SignableDocument(canonicalText: file.document).flatMap { UUID(uuidString: $0.id) }
            let row = try await id.asyncMap { try await ResidencyDocument.find($0, on: database) } ?? nil
            if let row, row.canonical == file.document, let kept = row.signed, kept.signature == file.signature,
               kept.authenticatorData == file.authenticatorData, kept.clientDataJSON == file.clientDataJSON, kept.nonce == file.nonce,
               kept.credential == file.credential, let at = row.signedAt {
                recordedOn = CalendarDate(at, in: PermitRegistry.moscow).description
            } else {
                verdict = .notOnRecord
            }
        }
        let resident = try await Resident.query(on: database).filter(\.$number == file.card.card.number).first()
        let revoked = resident.map { !$0.isActive } ?? false
        return DocumentCheck(file: file, verdict: verdict, revoked: revoked,
                             revokedOn: resident?.revokedAt.map { CalendarDate($0, in: PermitRegistry.moscow).description }, recordedOn: recordedOn)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
