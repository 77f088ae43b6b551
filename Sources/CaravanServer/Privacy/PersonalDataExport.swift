import CaravanDomain
import Fluent
import Foundation
import Vapor
import ZIPFoundation

/// Everything Caravan holds on a person, as they download it: one ZIP with `caravan-data.json` (account,
/// consent, profile with identity and family, applications, notices, permit cases, who looked) and the files they
/// uploaded to their cases under `documents/`. Plain text: it is their own data, opened for them. Pages and the
/// API call `archive(of:)` alike.
struct PersonalDataExport: Sendable {
    let app: Vapor.Application
    let database: any Database

    struct Contents: Encodable {
        var exportedAt: Date
        var account: Account
        var consents: [Consent]
        var profile: Profile?
        var applications: [ApplicationEntry]
        var notices: [NoticeEntry]
        var permitCases: [PermitCaseEntry]
        var residency: Residency? = nil
        var dataAccess: [Access]
    }

    struct Account: Encodable {
        var id: String, email: String, displayName: String, role: String, language: String, createdAt: Date?
    }

    struct Consent: Encodable {
        var version: String, givenAt: Date, withdrawnAt: Date?
    }

    struct Profile: Encodable {
        var citizenship: String?, countryOfResidence: String?, city: String, phone: String, headline: String, summary: String
        var russianLevel: String?, expectedSalary: Int?, relocation: Bool, remote: String
        var skills: [SpecialistProfile.StoredSkill]
        var experience: [ExperienceEntry], education: [EducationEntry], languages: [LanguageSkill], desiredRoles: [String]
        var birthDate: String?, passportNumber: String?, passportExpiresOn: String?
        var family: [FamilyMember]
    }

    struct ApplicationEntry: Encodable {
        var id: String, vacancyId: String, vacancyTitle: String, stage: String, note: String
        var history: [JobApplication.Step], offer: JobApplication.Offer?, createdAt: Date?
    }

    struct NoticeEntry: Encodable {
        var kind: String, arguments: [String: String], link: String, createdAt: Date, readAt: Date?
    }

    struct PermitCaseEntry: Encodable {
        var id: String, status: String, rulebookVersion: String, submittedOn: String?, permitNumber: String?, permitIssuedOn: String?
        var persons: [Person], history: [PermitCase.Step], documents: [Document]
    }

    /// A person on a case, opened (the case stores them sealed).
    /// Digital residency: the applications with their identity, the residencies, the passkeys (public halves'
    /// fingerprints only: the private keys never leave the person's devices) and the documents signed.
    struct Residency: Encodable {
        struct Application: Encodable {
            var id: String, status: String, nameOriginal: String, nameLatin: String, birthDate: String, citizenship: String
            var passportNumber: String, passportExpiresOn: String, reason: String, submittedOn: String, decideBy: String, ground: String?
            var photo: String?
        }
        struct Card: Encodable {
            var number: String, status: String, issuedOn: String, validUntil: String, revokedGround: String?
        }
        struct Key: Encodable {
            var label: String, algorithm: Int, publicKey: String, createdAt: Date, lastUsedAt: Date?
        }
        struct SignedDocument: Encodable {
            var id: String, title: String, sha256: String, signedAt: Date?, file: String?
        }
        var applications: [Application]
        var residencies: [Card]
        var passkeys: [Key]
        var documents: [SignedDocument]
    }

    struct Person: Encodable {
        var id: String, name: String, relation: String, birthDate: String, citizenship: String
        var passportNumber: String?, passportExpiresOn: String?, documentsAccepted: [String]
    }

    struct Document: Encodable {
        var person: String, kind: String, status: String, contentType: String, size: Int, uploadedAt: Date, sha256: String
        /// Where the file is in the archive; nil when the file is gone from the data folder.
        var file: String?
    }

    struct Access: Encodable {
        var readerId: String, readerRole: String, what: String, document: String?, context: String, contextId: String?, at: Date
    }

    /// The archive's bytes. Document files are opened through the same read path the case page uses.
    func archive(of user: User) async throws -> Data {
        let (contents, files) = try await collect(user)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let json = try encoder.encode(contents)
        let archive = try Archive(accessMode: .create)
        for (path, data) in [("caravan-data.json", json)] + files {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: contents.exportedAt,
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw AppError.notFound }
        try await AuditLog(now: app.dependencies.now).appendAlone(AuditEntry(
            actor: AuditEntry.user(user.id), action: "account.exported", subject: AuditEntry.user(user.id),
            payload: ["files": String(files.count)]
        ), on: database)
        return data
    }

    /// What the JSON says, and the files beside it (path in the archive, plain bytes).
    func collect(_ user: User) async throws -> (Contents, [(String, Data)]) {
        let userID = try user.requireID()
        let consents = try await ProcessingConsent.query(on: database).filter(\.$userID == userID).sort(\.$givenAt, .ascending).all()
        let profile = try await SpecialistProfile.query(on: database).filter(\.$user.$id == userID).first()
        let applications = try await JobApplication.query(on: database).filter(\.$specialist.$id == userID).with(\.$vacancy)
            .sort(\.$createdAt, .ascending).all()
        let notices = try await Notice.query(on: database).filter(\.$user.$id == userID).sort(\.$createdAt, .ascending).all()
        let cases = try await PermitCase.query(on: database).filter(\.$principal.$id == userID).sort(\.$createdAt, .ascending).all()
        let accesses = try await DataAccess.query(on: database).filter(\.$subjectID == userID).sort(\.$at, .descending).all()
        let permits = PermitService(app: app, database: database)
        var files: [(String, Data)] = []
        var caseEntries: [PermitCaseEntry] = []
        for permitCase in cases {
            let caseID = try permitCase.requireID()
            let uploaded = try await PermitDocumentFile.query(on: database).filter(\.$permitCase.$id == caseID)
                .sort(\.$uploadedAt, .ascending).all()
            var documents: [Document] = []
            for (index, file) in uploaded.enumerated() {
                var path: String?
                if let bytes = try permits.documentBytes(file) {
                    let ext = file.contentType.split(separator: "/").last.map(String.init) ?? "bin"
                    let name = "documents/\(caseID.uuidString.lowercased())/\(index + 1)-\(file.person)-\(file.kind).\(ext == "jpeg" ? "jpg" : ext)"
                    files.append((name, bytes))
                    path = name
                }
                documents.append(Document(person: file.person, kind: file.kind, status: file.status, contentType: file.contentType,
                                          size: file.size, uploadedAt: file.uploadedAt, sha256: file.sha256, file: path))
            }
            caseEntries.append(PermitCaseEntry(
                id: caseID.uuidString.lowercased(), status: permitCase.status, rulebookVersion: permitCase.rulebookVersion,
                submittedOn: permitCase.submittedOn, permitNumber: permitCase.permitNumber, permitIssuedOn: permitCase.permitIssuedOn,
                persons: permitCase.persons.map {
                    Person(id: $0.id, name: $0.name, relation: $0.relation, birthDate: $0.birthDate, citizenship: $0.citizenship,
                           passportNumber: $0.passportNumber, passportExpiresOn: $0.passportExpiresOn, documentsAccepted: $0.documents)
                },
                history: permitCase.history, documents: documents
            ))
        }
        let residency = try await collectResidency(userID, files: &files)
        var contents = Contents(
            exportedAt: app.dependencies.now(),
            account: Account(id: userID.uuidString.lowercased(), email: user.email, displayName: user.displayName, role: user.role,
                             language: user.language, createdAt: user.createdAt),
            consents: consents.map { Consent(version: $0.version, givenAt: $0.givenAt, withdrawnAt: $0.withdrawnAt) },
            profile: profile.map { profile in
                let basics = profile.basics
                return Profile(
                    citizenship: basics.citizenship?.rawValue, countryOfResidence: basics.countryOfResidence?.rawValue, city: basics.city,
                    phone: basics.phone, headline: basics.headline, summary: basics.summary, russianLevel: basics.russianLevel?.rawValue,
                    expectedSalary: basics.expectedSalary, relocation: basics.relocation, remote: basics.remote.rawValue, skills: profile.skills,
                    experience: profile.experience, education: profile.education, languages: profile.languages, desiredRoles: profile.desiredRoles,
                    birthDate: profile.birthDate, passportNumber: profile.passportNumber, passportExpiresOn: profile.passportExpiresOn,
                    family: profile.family
                )
            },
            applications: try applications.map {
                ApplicationEntry(id: try $0.requireID().uuidString.lowercased(), vacancyId: $0.$vacancy.id.uuidString.lowercased(),
                            vacancyTitle: $0.vacancy.title, stage: $0.stage, note: $0.note, history: $0.history, offer: $0.offer,
                            createdAt: $0.createdAt)
            },
            notices: notices.map { NoticeEntry(kind: $0.kind, arguments: $0.arguments, link: $0.link, createdAt: $0.createdAt, readAt: $0.readAt) },
            permitCases: caseEntries,
            dataAccess: accesses.map {
                Access(readerId: $0.readerID.uuidString.lowercased(), readerRole: $0.readerRole, what: $0.kind, document: $0.detail,
                       context: $0.context, contextId: $0.contextID?.uuidString.lowercased(), at: $0.at)
            }
        )
        contents.residency = residency
        return (contents, files)
    }

    private func collectResidency(_ userID: UUID, files: inout [(String, Data)]) async throws -> Residency? {
        let applications = try await ResidencyApplication.query(on: database).filter(\.$user.$id == userID).sort(\.$submittedAt, .ascending).all()
        guard !applications.isEmpty else { return nil }
        var entries: [Residency.Application] = []
        for application in applications {
            let id = try application.requireID().uuidString.lowercased()
            var photo: String?
            let url = PermitDocumentFile.url(application.photoSHA256, in: app.caravanConfiguration.dataDirectory)
            if let sealed = FileManager.default.contents(atPath: url.path) {
                let name = "residency/\(id)-photo.\(application.photoType == "image/png" ? "png" : "jpg")"
                files.append((name, try app.dataKeyring.open(bytes: sealed)))
                photo = name
            }
            entries.append(.init(id: id, status: application.status, nameOriginal: application.nameOriginal, nameLatin: application.nameLatin,
                                 birthDate: application.birthDate, citizenship: application.citizenship, passportNumber: application.passportNumber,
                                 passportExpiresOn: application.passportExpiresOn, reason: application.reason, submittedOn: application.submittedOn,
                                 decideBy: application.decideBy, ground: application.ground, photo: photo))
        }
        let residents = try await Resident.query(on: database).filter(\.$user.$id == userID).all()
        let passkeys = try await Passkey.query(on: database).filter(\.$user.$id == userID).all()
        var documents: [Residency.SignedDocument] = []
        for row in try await ResidencyDocument.query(on: database).filter(\.$user.$id == userID).sort(\.$createdAt, .ascending).all() {
            let id = try row.requireID().uuidString.lowercased()
            var path: String?
            if let file = row.signedFile {
                path = "residency/signed-\(id).json"
                files.append((path!, Data(file.utf8)))
            }
            documents.append(.init(id: id, title: row.title, sha256: row.sha256, signedAt: row.signedAt, file: path))
        }
        return Residency(
            applications: entries,
            residencies: residents.map { .init(number: $0.number, status: $0.status, issuedOn: $0.issuedOn, validUntil: $0.validUntil, revokedGround: $0.revokedGround) },
            passkeys: passkeys.map { .init(label: $0.label, algorithm: $0.algorithm, publicKey: $0.publicKey, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt) },
            documents: documents
        )
    }
}

extension Request {
    var personalDataExport: PersonalDataExport { PersonalDataExport(app: application, database: db) }
}
