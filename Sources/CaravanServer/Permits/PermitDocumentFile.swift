import CaravanDomain
import CaravanPermits
import Crypto
import Fluent
import Foundation
import Vapor

/// A document uploaded for a person on a permit case: stored by the SHA-256 of its bytes under the data folder,
/// its type read from the content (never the name), reviewed by an officer.
final class PermitDocumentFile: Model, @unchecked Sendable {
    static let schema = "permit_documents"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var permitCase: PermitCase
    /// `p0` … as on the case.
    @Field(key: "person") var person: String
    /// `DocumentKind.rawValue`.
    @Field(key: "kind") var kind: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    /// `pending`, `accepted`, `rejected` or `replaced`.
    @Field(key: "status") var status: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "uploaded_at") var uploadedAt: Date
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?

    init() {}
}

struct CreatePermitDocumentFile: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PermitDocumentFile.schema)
            .id()
            .field("case_id", .uuid, .required, .references(PermitCase.schema, .id, onDelete: .cascade))
            .field("person", .string, .required)
            .field("kind", .string, .required)
            .field("sha256", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("status", .string, .required)
            .field("reason", .string)
            .field("uploaded_at", .datetime, .required)
            .field("reviewed_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PermitDocumentFile.schema).delete()
    }
}

/// What an uploaded file may be: PDF, JPEG or PNG by its first bytes, at most 10 MB.
enum PermitDocumentRules {
    static let maximumBytes = 10 * 1024 * 1024
    /// The multipart envelope around a 10 MB file: a little more, so an exactly-10-MB file is judged by its size.
    static let maximumRequestBytes = maximumBytes + 64 * 1024

    static func isUploadPath(_ path: String) -> Bool {
        path.hasPrefix("/permits/") && path.hasSuffix("/documents")
    }

    /// The content type the bytes say, or nil for anything else.
    static func sniff(_ bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(8))
        if head.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }
}

extension PermitService {
    /// Where a document's bytes live: `<data>/documents/ab/abcdef…`.
    func documentURL(_ sha256: String) -> URL {
        app.caravanConfiguration.dataDirectory.appendingPathComponent("documents")
            .appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    /// The applicant uploads a document for a person before the case is decided. A new upload of the same
    /// kind replaces the earlier one (which stays on record as replaced).
    func upload(_ bytes: ByteBuffer, kind rawKind: String, person: String, to permitCase: PermitCase, by user: User) async throws -> PermitDocumentFile {
        guard permitCase.$principal.id == user.id else { throw AppError.forbidden }
        guard [.draft, .submitted, .inReview, .informationRequested, .resubmitted].contains(permitCase.caseStatus) else {
            throw AppError.stageConflict(current: "permit.\(permitCase.status)")
        }
        var validator = Validator()
        let kind = DocumentKind(rawValue: rawKind)
        if kind == nil { validator.add("kind", "document.unknownKind") }
        if !permitCase.persons.contains(where: { $0.id == person }) { validator.add("person", "document.unknownPerson") }
        do { try validator.check() } catch { throw AppError.validation(error) }
        guard bytes.readableBytes <= PermitDocumentRules.maximumBytes else { throw AppError.payloadTooLarge }
        guard bytes.readableBytes > 0, let contentType = PermitDocumentRules.sniff(bytes.readableBytesView) else { throw AppError.unsupportedMediaType }
        let data = Data(bytes.readableBytesView)
        let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let url = documentURL(sha)
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        }
        let file = PermitDocumentFile()
        file.$permitCase.id = try permitCase.requireID()
        file.person = person
        file.kind = rawKind
        file.sha256 = sha
        file.contentType = contentType
        file.size = data.count
        file.status = "pending"
        file.uploadedAt = app.dependencies.now()
        try await database.transaction { db in
            try await PermitDocumentFile.query(on: db).filter(\.$permitCase.$id == permitCase.requireID()).filter(\.$person == person)
                .filter(\.$kind == rawKind).filter(\.$status != "replaced").set(\.$status, to: "replaced").update()
            try await file.create(on: db)
            // A replaced document is no longer accepted for the rules until it is reviewed again.
            if let index = permitCase.persons.firstIndex(where: { $0.id == person }) {
                permitCase.persons[index].documents.removeAll { $0 == rawKind }
                try await permitCase.save(on: db)
            }
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: "permit.document-uploaded", subject: Self.subject(permitCase.id),
                payload: ["person": person, "kind": rawKind, "sha256": sha]
            ), on: db)
        }
        return file
    }

    /// An officer accepts or rejects a document (a rejection needs a reason the applicant reads). Accepting a
    /// passport records its expiry date, which the passport rule reads.
    func review(_ documentID: UUID, on permitCase: PermitCase, accept: Bool, reason: String?, passportExpiresOn: String?, by user: User) async throws {
        guard user.domainRole == .migrationOfficer else { throw AppError.forbidden }
        guard let file = try await PermitDocumentFile.query(on: database).filter(\.$id == documentID)
            .filter(\.$permitCase.$id == permitCase.requireID()).first(), file.status != "replaced" else { throw AppError.notFound }
        var validator = Validator()
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !accept && trimmed.isEmpty { validator.add("reason", "field.required") }
        if trimmed.count > 500 { validator.add("reason", "text.tooLong", ["max": "500"]) }
        let expiry = passportExpiresOn?.trimmingCharacters(in: .whitespaces) ?? ""
        if accept && file.kind == DocumentKind.passport.rawValue {
            if expiry.isEmpty { validator.add("passportExpiresOn", "field.required") } else if CalendarDate(expiry) == nil { validator.add("passportExpiresOn", "date.invalid") }
        }
        do { try validator.check() } catch { throw AppError.validation(error) }
        file.status = accept ? "accepted" : "rejected"
        file.reason = accept ? nil : trimmed
        file.reviewedAt = app.dependencies.now()
        try await database.transaction { db in
            try await file.save(on: db)
            if let index = permitCase.persons.firstIndex(where: { $0.id == file.person }) {
                permitCase.persons[index].documents.removeAll { $0 == file.kind }
                if accept { permitCase.persons[index].documents.append(file.kind) }
                if accept && file.kind == DocumentKind.passport.rawValue { permitCase.persons[index].passportExpiresOn = expiry }
                try await permitCase.save(on: db)
            }
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: accept ? "permit.document-accepted" : "permit.document-rejected",
                subject: Self.subject(permitCase.id), payload: ["person": file.person, "kind": file.kind, "sha256": file.sha256]
            ), on: db)
            if !accept {
                try await NotificationService(app: app, database: db).notify(
                    [permitCase.$principal.id], kind: "notice.permit.document-rejected",
                    arguments: ["document": file.kind, "reason": trimmed], link: SiteURL.permitCase(try permitCase.requireID()).path
                )
            }
        }
        await app.outbox.sweep(app: app, on: database)
    }

    /// The current (not replaced) documents of a case, per person and kind.
    func documents(of permitCase: PermitCase) async throws -> [PermitDocumentFile] {
        try await PermitDocumentFile.query(on: database).filter(\.$permitCase.$id == permitCase.requireID())
            .filter(\.$status != "replaced").sort(\.$uploadedAt, .ascending).all()
    }
}
