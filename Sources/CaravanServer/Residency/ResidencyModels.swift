import CaravanPermits
import CaravanRegistry
import Fluent
import FluentSQL
import Foundation

/// An application for digital residency. The identity is stored sealed; `openKey` is the applicant's id while
/// the application is open and nil after, under a unique constraint, so two open applications of one person
/// cannot both be written on either database.
final class ResidencyApplication: Model, @unchecked Sendable, SealsPersonalData {
    static let schema = "residency_applications"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    /// `ResidencyApplicationStatus.rawValue`.
    @Field(key: "status") var status: String
    @OptionalField(key: "open_key") var openKey: String?
    @Field(key: "name_original") var sealedNameOriginal: Sealed<String>
    @Field(key: "name_latin") var sealedNameLatin: Sealed<String>
    @Field(key: "birth_date") var sealedBirthDate: Sealed<String>
    @Field(key: "citizenship") var citizenship: String
    @Field(key: "passport_number") var sealedPassportNumber: Sealed<String>
    @Field(key: "passport_expires_on") var sealedPassportExpiresOn: Sealed<String>
    /// `ResidencyReason.rawValue`.
    @Field(key: "reason") var reason: String
    /// The photo's file under `<data>/documents/` (sealed like every uploaded document), by the plain bytes' SHA-256.
    @Field(key: "photo_sha256") var photoSHA256: String
    @Field(key: "photo_type") var photoType: String
    @Field(key: "submitted_at") var submittedAt: Date
    /// `yyyy-MM-dd` in Moscow.
    @Field(key: "submitted_on") var submittedOn: String
    @Field(key: "decide_by") var decideBy: String
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    /// A refusal's ground id (`residency-grounds.json`).
    @OptionalField(key: "ground") var ground: String?
    /// How identity was verified when approved: `centre:<centre>:<yyyy-MM-dd>` or `permit:<number>`.
    @OptionalField(key: "identity_source") var identitySource: String?

    init() {}

    var applicationStatus: ResidencyApplicationStatus { ResidencyApplicationStatus(rawValue: status) ?? .withdrawn }

    var nameOriginal: String {
        get { sealedNameOriginal.wrappedValue }
        set { sealedNameOriginal = Sealed(wrappedValue: newValue) }
    }

    var nameLatin: String {
        get { sealedNameLatin.wrappedValue }
        set { sealedNameLatin = Sealed(wrappedValue: newValue) }
    }

    var birthDate: String {
        get { sealedBirthDate.wrappedValue }
        set { sealedBirthDate = Sealed(wrappedValue: newValue) }
    }

    var passportNumber: String {
        get { sealedPassportNumber.wrappedValue }
        set { sealedPassportNumber = Sealed(wrappedValue: newValue) }
    }

    var passportExpiresOn: String {
        get { sealedPassportExpiresOn.wrappedValue }
        set { sealedPassportExpiresOn = Sealed(wrappedValue: newValue) }
    }

    func sealPersonalData(with keyring: DataKeyring) throws {
        if sealedNameOriginal.needsSealing { sealedNameOriginal = try sealedNameOriginal.sealed(with: keyring) }
        if sealedNameLatin.needsSealing { sealedNameLatin = try sealedNameLatin.sealed(with: keyring) }
        if sealedBirthDate.needsSealing { sealedBirthDate = try sealedBirthDate.sealed(with: keyring) }
        if sealedPassportNumber.needsSealing { sealedPassportNumber = try sealedPassportNumber.sealed(with: keyring) }
        if sealedPassportExpiresOn.needsSealing { sealedPassportExpiresOn = try sealedPassportExpiresOn.sealed(with: keyring) }
    }
}

/// A digital resident: the number, the validity, and the card as last signed (its revision goes up with every
/// change of the resident's passkeys; `cardSignature` covers the card the rows rebuild).
final class Resident: Model, @unchecked Sendable, SealsPersonalData {
    static let schema = "residents"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "application_id") var applicationID: UUID
    @Field(key: "number") var number: String
    /// As in the passport's Latin line: it is printed on the card.
    @Field(key: "name_latin") var sealedNameLatin: Sealed<String>
    @Field(key: "citizenship") var citizenship: String
    @Field(key: "issued_on") var issuedOn: String
    @Field(key: "valid_until") var validUntil: String
    /// `active` or `revoked`.
    @Field(key: "status") var status: String
    @Field(key: "card_revision") var cardRevision: Int
    /// `ES256:<fingerprint>` lines of the card as signed, in its order.
    @Field(key: "card_keys") var cardKeys: [String]
    @Field(key: "card_signature") var cardSignature: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "revoked_ground") var revokedGround: String?
    @OptionalField(key: "revoked_by") var revokedBy: UUID?

    init() {}

    var nameLatin: String {
        get { sealedNameLatin.wrappedValue }
        set { sealedNameLatin = Sealed(wrappedValue: newValue) }
    }

    var isActive: Bool { status == "active" }

    /// Not revoked and within its validity on `day`.
    func isInForce(on day: CalendarDate) -> Bool {
        isActive && (CalendarDate(validUntil).map { $0 >= day } ?? false)
    }

    /// The card as signed, rebuilt from the row: checking its signature shows any edit.
    var card: ResidencyCard {
        ResidencyCard(number: number, name: nameLatin, citizenship: citizenship, issuedOn: issuedOn, validUntil: validUntil,
                      revision: cardRevision, keys: cardKeys.compactMap { line in
                          let parts = line.split(separator: ":", maxSplits: 1).map(String.init)
                          return parts.count == 2 ? ResidencyCard.Key(algorithm: parts[0], fingerprint: parts[1]) : nil
                      })
    }

    func sealPersonalData(with keyring: DataKeyring) throws {
        if sealedNameLatin.needsSealing { sealedNameLatin = try sealedNameLatin.sealed(with: keyring) }
    }
}

/// A resident's passkey: what WebAuthn lets a server keep (never a private key).
final class Passkey: Model, @unchecked Sendable {
    static let schema = "passkeys"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    /// base64url, unique.
    @Field(key: "credential_id") var credentialID: String
    /// Base64 SubjectPublicKeyInfo DER.
    @Field(key: "public_key") var publicKey: String
    /// The COSE algorithm number (-7 ES256, -8 EdDSA).
    @Field(key: "algorithm") var algorithm: Int
    @Field(key: "sign_count") var signCount: Int
    /// The name the resident gave the device.
    @Field(key: "label") var label: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}

    var stored: StoredCredential? {
        guard let id = Base64URL.decode(credentialID), let key = Data(base64Encoded: publicKey),
              let algorithm = COSEAlgorithm(rawValue: algorithm) else { return nil }
        return StoredCredential(id: id, publicKey: key, algorithm: algorithm, signCount: UInt32(clamping: signCount))
    }
}

/// A WebAuthn challenge: random for a registration, SHA-256 of a document and a nonce for a signature. Used once
/// (`usedAt` is set by an UPDATE that finds it unused and unexpired) and never after `expiresAt`.
final class WebAuthnChallenge: Model, @unchecked Sendable {
    static let schema = "webauthn_challenges"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    /// `register` or `sign`.
    @Field(key: "purpose") var purpose: String
    @OptionalField(key: "document_id") var documentID: UUID?
    /// base64url of the challenge bytes.
    @Field(key: "challenge") var challenge: String
    /// base64url; for a signature.
    @OptionalField(key: "nonce") var nonce: String?
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

/// A document a resident signs: its canonical text and, once signed, the whole signed file (evidence and card).
final class ResidencyDocument: Model, @unchecked Sendable {
    static let schema = "residency_documents"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "canonical") var canonical: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "signed_at") var signedAt: Date?
    /// JSON of `SignedDocumentFile`.
    @OptionalField(key: "signed_file") var signedFile: String?

    init() {}

    var document: SignableDocument? { SignableDocument(canonicalText: canonical) }

    var signed: SignedDocumentFile? {
        signedFile.flatMap { try? JSONDecoder().decode(SignedDocumentFile.self, from: Data($0.utf8)) }
    }
}

struct CreateResidencyTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ResidencyApplication.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("status", .string, .required)
            .field("open_key", .string)
            .field("name_original", .string, .required)
            .field("name_latin", .string, .required)
            .field("birth_date", .string, .required)
            .field("citizenship", .string, .required)
            .field("passport_number", .string, .required)
            .field("passport_expires_on", .string, .required)
            .field("reason", .string, .required)
            .field("photo_sha256", .string, .required)
            .field("photo_type", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("submitted_on", .string, .required)
            .field("decide_by", .string, .required)
            .field("decided_at", .datetime)
            .field("decided_by", .uuid)
            .field("ground", .string)
            .field("identity_source", .string)
            .unique(on: "open_key")
            .create()
        try await database.schema(Resident.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("application_id", .uuid, .required)
            .field("number", .string, .required)
            .field("name_latin", .string, .required)
            .field("citizenship", .string, .required)
            .field("issued_on", .string, .required)
            .field("valid_until", .string, .required)
            .field("status", .string, .required)
            .field("card_revision", .int, .required)
            .field("card_keys", .array(of: .string), .required)
            .field("card_signature", .string, .required)
            .field("revoked_at", .datetime)
            .field("revoked_ground", .string)
            .field("revoked_by", .uuid)
            .unique(on: "number")
            .unique(on: "application_id")
            .create()
        try await database.schema(Passkey.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("credential_id", .string, .required)
            .field("public_key", .string, .required)
            .field("algorithm", .int, .required)
            .field("sign_count", .int64, .required)
            .field("label", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .unique(on: "credential_id")
            .create()
        try await database.schema(WebAuthnChallenge.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("document_id", .uuid)
            .field("challenge", .string, .required)
            .field("nonce", .string)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        try await database.schema(ResidencyDocument.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("canonical", .string, .required)
            .field("sha256", .string, .required)
            .field("created_at", .datetime, .required)
            .field("signed_at", .datetime)
            .field("signed_file", .string)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE INDEX residency_applications_queue ON residency_applications (status, decide_by)").run()
            try await sql.raw("CREATE INDEX residents_user ON residents (user_id)").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [ResidencyDocument.schema, WebAuthnChallenge.schema, Passkey.schema, Resident.schema, ResidencyApplication.schema] {
            try await database.schema(schema).delete()
        }
    }
}
