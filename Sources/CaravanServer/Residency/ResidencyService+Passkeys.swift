import CaravanDomain
import CaravanRegistry
import Crypto
import Fluent
import FluentSQL
import Foundation
import Vapor

/// A resident's passkeys: registering one (WebAuthn, attestation `none`, user verification required) and removing
/// one. The card is signed again with every change, so it always lists the keys that may sign.
extension ResidencyService {
    /// What `navigator.credentials.create()` is given, with the challenge's id to answer with.
    struct RegistrationOptions: Sendable {
        let challengeID: UUID
        let challenge: String
        let relyingParty: RelyingParty
        let userHandle: String
        let userName: String
        let userDisplayName: String
        let excludeCredentials: [String]
        let timeoutMilliseconds: Int
    }

    static let maximumPasskeys = 10

    func registrationOptions(for user: User) async throws -> RegistrationOptions {
        let resident = try await activeResident(of: user)
        let userID = try user.requireID()
        let existing = try await Passkey.query(on: database).filter(\.$user.$id == userID).all()
        guard existing.count < Self.maximumPasskeys else { throw AppError.conflict(code: "residency-passkeys-full") }
        let challenge = try await newChallenge(for: userID, purpose: "register", bytes: Self.randomBytes(32))
        return RegistrationOptions(
            challengeID: try challenge.requireID(), challenge: challenge.challenge, relyingParty: registry.relyingParty,
            userHandle: Base64URL.encode(withUnsafeBytes(of: userID.uuid) { Data($0) }), userName: resident.number,
            userDisplayName: resident.nameLatin, excludeCredentials: existing.map(\.credentialID),
            timeoutMilliseconds: Int(registry.challengeLifetime * 1000)
        )
    }

    /// What the browser answered `create()` with, as base64url text.
    struct RegistrationResponse: Sendable {
        var challengeID: UUID
        var clientDataJSON: String
        var attestationObject: String
        /// `getPublicKey()`'s SPKI, when the browser gave it.
        var publicKey: String?
        var label: String
    }

    func registerPasskey(_ response: RegistrationResponse, by user: User) async throws -> Passkey {
        let userID = try user.requireID()
        let resident = try await auditedResident(of: user, action: "residency.passkey-refused")
        let label = response.label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...60).contains(label.count) else {
            throw AppError.validation(ValidationFailure(field: "label", code: label.isEmpty ? "field.required" : "residency.labelLength"))
        }
        guard let clientData = Base64URL.decode(response.clientDataJSON), let attestation = Base64URL.decode(response.attestationObject) else {
            throw AppError.assertionRejected(code: WebAuthnError.malformed.code)
        }
        let reported = response.publicKey.flatMap { $0.isEmpty ? nil : Base64URL.decode($0) }
        let challenge = try await consumeChallenge(response.challengeID, of: userID, purpose: "register", document: nil)
        let credential: StoredCredential
        do {
            credential = try WebAuthn.verifyRegistration(
                attestationObject: attestation, clientDataJSON: clientData, expectedChallenge: challenge,
                relyingParty: registry.relyingParty, reportedPublicKey: reported
            )
        } catch {
            try await refused(error, of: userID, action: "residency.passkey-refused")
            throw AppError.assertionRejected(code: error.code)
        }
        let passkey = Passkey()
        passkey.$user.id = userID
        passkey.credentialID = Base64URL.encode(credential.id)
        passkey.publicKey = credential.publicKey.base64EncodedString()
        passkey.algorithm = credential.algorithm.rawValue
        passkey.signCount = Int(credential.signCount)
        passkey.label = label
        passkey.createdAt = now
        do {
            try await database.writeTransaction { db in
                try await passkey.create(on: db)
                // Options pages opened side by side cannot take a resident past the limit.
                guard try await Passkey.query(on: db).filter(\.$user.$id == userID).count() <= Self.maximumPasskeys else {
                    throw AppError.conflict(code: "residency-passkeys-full")
                }
                try await resignCard(resident, on: db)
                try await audit.append(AuditEntry(
                    actor: AuditEntry.user(userID), action: "residency.passkey-added", subject: Self.residentSubject(resident.number),
                    payload: ["fingerprint": credential.fingerprint, "algorithm": credential.algorithm.name, "card": String(resident.cardRevision)]
                ), on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "residency-passkey-exists")
        }
        return passkey
    }

    func passkeys(of user: User) async throws -> [Passkey] {
        try await Passkey.query(on: database).filter(\.$user.$id == user.requireID()).sort(\.$createdAt, .ascending).all()
    }

    func removePasskey(_ id: UUID, by user: User) async throws {
        let userID = try user.requireID()
        guard let passkey = try await Passkey.query(on: database).filter(\.$id == id).filter(\.$user.$id == userID).first() else {
            throw AppError.notFound
        }
        let resident = try await overview(of: user).resident
        try await database.writeTransaction { db in
            try await passkey.delete(on: db)
            if let resident, resident.isActive { try await resignCard(resident, on: db) }
            try await audit.append(AuditEntry(
                actor: AuditEntry.user(userID), action: "residency.passkey-removed", subject: Self.residentSubject(resident?.number ?? "none"),
                payload: ["fingerprint": passkey.stored?.fingerprint ?? ""]
            ), on: db)
        }
    }

    // MARK: Challenges

    static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// A new challenge row; the person's expired ones go at the same time.
    func newChallenge(for userID: UUID, purpose: String, bytes: Data, document: UUID? = nil, nonce: Data? = nil) async throws -> WebAuthnChallenge {
        try await WebAuthnChallenge.query(on: database).filter(\.$user.$id == userID).filter(\.$expiresAt < now).delete()
        let challenge = WebAuthnChallenge()
        challenge.$user.id = userID
        challenge.purpose = purpose
        challenge.documentID = document
        challenge.challenge = Base64URL.encode(bytes)
        challenge.nonce = nonce.map(Base64URL.encode)
        challenge.expiresAt = now.addingTimeInterval(registry.challengeLifetime)
        try await challenge.create(on: database)
        return challenge
    }

    /// Takes a challenge once: an UPDATE that finds it unused and unexpired marks it used, so a replay (or two
    /// answers at once) finds nothing. Each way it can fail has its own reason, and is audited.
    func consumeChallenge(_ id: UUID, of userID: UUID, purpose: String, document: UUID?) async throws -> Data {
        guard let sql = database as? any SQLDatabase else { throw AppError.conflict(code: "residency-concurrent") }
        guard let row = try await WebAuthnChallenge.query(on: database).filter(\.$id == id).filter(\.$user.$id == userID).first(),
              row.purpose == purpose, let bytes = Base64URL.decode(row.challenge) else {
            try await refusedChallenge(of: userID, code: "webauthn-challenge-unknown")
            throw AppError.assertionRejected(code: "webauthn-challenge-unknown")
        }
        if row.usedAt != nil {
            try await refusedChallenge(of: userID, code: "webauthn-challenge-used")
            throw AppError.assertionRejected(code: "webauthn-challenge-used")
        }
        if row.expiresAt <= now {
            try await refusedChallenge(of: userID, code: "webauthn-challenge-expired")
            throw AppError.assertionRejected(code: "webauthn-challenge-expired")
        }
        if let document, row.documentID != document {
            try await refusedChallenge(of: userID, code: "webauthn-challenge-other-document")
            throw AppError.assertionRejected(code: "webauthn-challenge-other-document")
        }
        let claimed = try await sql.update(WebAuthnChallenge.schema).set("used_at", to: now)
            .where("id", .equal, id).where("used_at", .is, SQLLiteral.null).where("expires_at", .greaterThan, now)
            .returning("id").all()
        guard !claimed.isEmpty else {
            try await refusedChallenge(of: userID, code: "webauthn-challenge-used")
            throw AppError.assertionRejected(code: "webauthn-challenge-used")
        }
        return bytes
    }

    /// The resident's residency in force for a signing move; a revoked or expired one refused is a security event.
    func auditedResident(of user: User, action: String, document: UUID? = nil) async throws -> Resident {
        do {
            return try await activeResident(of: user)
        } catch AppError.conflict(let code) where ["residency-revoked", "residency-expired"].contains(code) {
            try await refused(code: code, of: try user.requireID(), action: action, document: document)
            throw AppError.conflict(code: code)
        }
    }

    /// A security event: a refused WebAuthn answer, recorded in its own transaction (the move it belonged to
    /// changes nothing).
    func refused(_ error: WebAuthnError, of userID: UUID, action: String, document: UUID? = nil) async throws {
        try await refused(code: error.code, of: userID, action: action, document: document)
    }

    func refused(code: String, of userID: UUID, action: String, document: UUID? = nil) async throws {
        var fields = ["reason": code]
        if let document { fields["document"] = document.uuidString.lowercased() }
        let payload = fields
        try await database.writeTransaction { db in
            try await audit.append(AuditEntry(actor: AuditEntry.user(userID), action: action, subject: AuditEntry.user(userID), payload: payload), on: db)
        }
    }

    private func refusedChallenge(of userID: UUID, code: String) async throws {
        try await database.writeTransaction { db in
            try await audit.append(AuditEntry(
                actor: AuditEntry.user(userID), action: "residency.challenge-refused", subject: AuditEntry.user(userID), payload: ["reason": code]
            ), on: db)
        }
    }
}
