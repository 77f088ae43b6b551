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
    /// Where an accepted document came from when nobody uploaded it: `centre-booking:<id>` (biometrics taken at
    /// a programme centre stand for the fingerprint registration).
    @OptionalField(key: "source") var source: String?

    init() {}

    static func url(_ sha256: String, in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("documents").appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    /// Where the checklist line this file stands for is (a replaced file stands for nothing).
    var checklistState: ChecklistState {
        switch status {
        case "accepted": .accepted
        case "rejected": .rejected
        case "pending": .awaitingReview
        default: .missing
        }
    }
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

/// One line of a person's checklist: the document kind, where it stands and the file behind it.
struct ChecklistLine: Sendable {
    let person: String
    let kind: DocumentKind
    let state: ChecklistState
    let file: PermitDocumentFile?
}

/// An officer's review of one uploaded document, as a form or an API body states it.
struct DocumentReview: Sendable {
    var accept: Bool
    var reason: String?
    /// For a passport: the number and the last day of validity, as printed in it.
    var passportNumber: String?
    var passportExpiresOn: String?
}

extension PermitService {
    /// Where a document's bytes live, sealed: `<data>/documents/ab/abcdef…` (the SHA-256 of the plain bytes).
    func documentURL(_ sha256: String) -> URL {
        PermitDocumentFile.url(sha256, in: app.caravanConfiguration.dataDirectory)
    }

    /// A document's plain bytes, or nil when its file is gone. A file that does not open is an error (altered,
    /// or sealed under a key this installation lacks), not a missing file.
    func documentBytes(_ file: PermitDocumentFile) throws -> Data? {
        guard let sealed = FileManager.default.contents(atPath: documentURL(file.sha256).path) else { return nil }
        return try app.dataKeyring.open(bytes: sealed)
    }

    /// A document's file as `viewer` may read it (the sponsor never reads the family's documents): its row and
    /// plain bytes, or 404. A read by anyone but the applicant leaves a line in the applicant's who-looked log.
    func documentFile(_ documentID: UUID, on permitCase: PermitCase, as viewer: CaseViewer, by user: User) async throws -> (PermitDocumentFile, Data) {
        guard CasePolicy.maySeeDocuments(viewer),
              let file = try await PermitDocumentFile.query(on: database).filter(\.$id == documentID)
                  .filter(\.$permitCase.$id == permitCase.requireID()).first(),
              let data = try documentBytes(file)
        else { throw AppError.notFound }
        try await DataAccessLog(app: app, database: database).record(
            .document, of: [permitCase.$principal.id], by: user, detail: file.kind, context: .permitCase, contextID: permitCase.id
        )
        return (file, data)
    }

    /// The applicant uploads a document on a person's checklist until a decision is proposed. A new upload of
    /// the same kind replaces the earlier one (which stays on record as replaced) and waits for review again.
    func upload(_ bytes: ByteBuffer, kind rawKind: String, person: String, to permitCase: PermitCase, as viewer: CaseViewer,
                by user: User) async throws -> PermitDocumentFile {
        guard viewer == .principal, permitCase.$principal.id == user.id else { throw AppError.forbidden }
        guard permitCase.caseStatus.acceptsUploads else { throw AppError.stageConflict(current: "permit.\(permitCase.status(for: viewer).rawValue)") }
        guard let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion] else { throw AppError.conflict(code: "permit-rulebook-missing") }
        var validator = Validator()
        let onCase = permitCase.persons.first { $0.id == person }
        if onCase == nil { validator.add("person", person.isEmpty ? "field.required" : "document.unknownPerson") }
        if let kind = DocumentKind(rawValue: rawKind) {
            if let onCase, !rulebook.uploadable(relation: Self.relation(of: onCase)).contains(kind) {
                validator.add("kind", "document.notOnChecklist", ["document": kind.rawValue, "person": onCase.name])
            }
        } else {
            validator.add("kind", rawKind.isEmpty ? "field.required" : "document.unknownKind")
        }
        do { try validator.check() } catch { throw AppError.validation(error) }
        guard bytes.readableBytes <= PermitDocumentRules.maximumBytes else { throw AppError.payloadTooLarge }
        guard bytes.readableBytes > 0, let contentType = PermitDocumentRules.sniff(bytes.readableBytesView) else { throw AppError.unsupportedMediaType }
        let data = Data(bytes.readableBytesView)
        let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let url = documentURL(sha)
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Sealed like every personal value: the folder holds no readable passport scan.
            try app.dataKeyring.seal(bytes: data).write(to: url, options: .atomic)
        }
        let caseID = try permitCase.requireID()
        let file = PermitDocumentFile()
        file.$permitCase.id = caseID
        file.person = person
        file.kind = rawKind
        file.sha256 = sha
        file.contentType = contentType
        file.size = data.count
        file.status = "pending"
        file.uploadedAt = app.dependencies.now()
        // A replaced document is no longer accepted for the rules until it is reviewed again.
        if let index = permitCase.persons.firstIndex(where: { $0.id == person }) {
            permitCase.persons[index].documents.removeAll { $0 == rawKind }
            if rawKind == DocumentKind.passport.rawValue {
                permitCase.persons[index].passportExpiresOn = nil
                permitCase.persons[index].passportNumber = nil
            }
        }
        try await commit(permitCase, as: viewer) { db in
            try await PermitDocumentFile.query(on: db).filter(\.$permitCase.$id == caseID).filter(\.$person == person)
                .filter(\.$kind == rawKind).filter(\.$status != "replaced").set(\.$status, to: "replaced").update()
            try await file.create(on: db)
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: "permit.document-uploaded", subject: Self.subject(caseID),
                payload: ["person": person, "kind": rawKind, "sha256": sha]
            ), on: db)
        }
        return file
    }

    /// An officer accepts or rejects an uploaded document while the case is under review (a rejection needs a
    /// reason the applicant reads). Accepting a passport records its number and last day of validity, which the
    /// rules read: a passport that runs out too soon is accepted as a document and fails its rule with the date;
    /// one already expired is not accepted (reject it, saying so).
    func review(_ documentID: UUID, on permitCase: PermitCase, _ review: DocumentReview, as viewer: CaseViewer, by user: User) async throws {
        guard viewer == .officer, user.domainRole == .migrationOfficer else { throw AppError.forbidden }
        guard let file = try await PermitDocumentFile.query(on: database).filter(\.$id == documentID)
            .filter(\.$permitCase.$id == permitCase.requireID()).first(), file.status != "replaced" else { throw AppError.notFound }
        guard permitCase.caseStatus.acceptsReviews else { throw AppError.stageConflict(current: "permit.\(permitCase.status(for: viewer).rawValue)") }
        var validator = Validator()
        let trimmed = review.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !review.accept && trimmed.isEmpty { validator.add("reason", "document.reasonRequired") }
        if trimmed.count > 500 { validator.add("reason", "text.tooLong", ["max": "500"]) }
        let isPassport = file.kind == DocumentKind.passport.rawValue
        let expiry = review.passportExpiresOn?.trimmingCharacters(in: .whitespaces) ?? ""
        let number = EntryBanSubject.normalizedPassport(review.passportNumber ?? "")
        if review.accept && isPassport {
            if expiry.isEmpty {
                validator.add("passportExpiresOn", "field.required")
            } else if let date = CalendarDate(expiry) {
                if date < today { validator.add("passportExpiresOn", "document.passportExpired", ["date": expiry]) }
            } else {
                validator.add("passportExpiresOn", "date.invalid")
            }
            if number.isEmpty { validator.add("passportNumber", "field.required") } else if !ProfileRules.passportNumberLength.contains(number.count) {
                validator.add("passportNumber", "passport.numberInvalid")
            }
        }
        do { try validator.check() } catch { throw AppError.validation(error) }
        file.status = review.accept ? "accepted" : "rejected"
        file.reason = review.accept ? nil : trimmed
        file.reviewedAt = app.dependencies.now()
        if let index = permitCase.persons.firstIndex(where: { $0.id == file.person }) {
            permitCase.persons[index].documents.removeAll { $0 == file.kind }
            if review.accept { permitCase.persons[index].documents.append(file.kind) }
            if isPassport {
                permitCase.persons[index].passportExpiresOn = review.accept ? expiry : nil
                permitCase.persons[index].passportNumber = review.accept ? number : nil
                // A new passport number is a new question for the registry: asked at once, with the number.
                if review.accept { try await recordEntryBanCheck(of: index, on: permitCase) }
            }
        }
        let caseID = try permitCase.requireID()
        try await commit(permitCase, as: viewer) { db in
            try await file.save(on: db)
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: review.accept ? "permit.document-accepted" : "permit.document-rejected",
                subject: Self.subject(caseID), payload: ["person": file.person, "kind": file.kind, "sha256": file.sha256]
            ), on: db)
            if !review.accept {
                try await NotificationService(app: app, database: db).notify(
                    [permitCase.$principal.id], kind: "notice.permit.document-rejected",
                    arguments: ["document": file.kind, "reason": trimmed], link: SiteURL.permitCase(caseID).path
                )
            }
        }
        await app.outbox.sweep(app: app, on: database)
    }

    /// The current (not replaced) documents of a case, oldest first.
    func documents(of permitCase: PermitCase) async throws -> [PermitDocumentFile] {
        try await PermitDocumentFile.query(on: database).filter(\.$permitCase.$id == permitCase.requireID())
            .filter(\.$status != "replaced").sort(\.$uploadedAt, .ascending).all()
    }

    /// Every person's checklist, line by line, with where each stands: what pages and the API show alike.
    func checklist(of permitCase: PermitCase, files: [PermitDocumentFile]? = nil) async throws -> [String: [ChecklistLine]] {
        guard let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion] else { throw AppError.conflict(code: "permit-rulebook-missing") }
        let files = if let files { files } else { try await documents(of: permitCase) }
        var lines: [String: [ChecklistLine]] = [:]
        for person in permitCase.persons {
            let required = rulebook.checklist(relation: Self.relation(of: person))
            let uploadedExtras = DocumentSet(files.filter { $0.person == person.id }.compactMap { DocumentKind(rawValue: $0.kind) })
            let shown = required.union(uploadedExtras.intersection(rulebook.uploadable(relation: Self.relation(of: person))))
            lines[person.id] = shown.kinds.map { kind in
                let file = files.last { $0.person == person.id && $0.kind == kind.rawValue }
                return ChecklistLine(person: person.id, kind: kind, state: file?.checklistState ?? .missing, file: file)
            }
        }
        return lines
    }
}
