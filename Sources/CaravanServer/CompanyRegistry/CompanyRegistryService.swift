import CaravanDomain
import CaravanPermits
import CaravanRegistry
import CaravanSearch
import Fluent
import FluentSQL
import Foundation
import Vapor

/// Registering an ООО online: the founders' draft, their passkey signatures, the registry officer's decision on
/// checked facts, the numbers and the signed extract, changes after registration. Pages and the API call these
/// same operations; every step that decides is one transaction with its audit event.
struct CompanyRegistryService: Sendable {
    let app: Application
    let database: any Database

    var registry: CompanyRegistry { app.companyRegistry }
    var now: Date { app.dependencies.now() }
    var today: CalendarDate { CalendarDate(now, in: PermitRegistry.moscow) }
    var audit: AuditLog { AuditLog(now: app.dependencies.now) }
    var residency: ResidencyService { ResidencyService(app: app, database: database) }

    static func subject(_ id: UUID?) -> String { "company-filing:\(id?.uuidString.lowercased() ?? "unknown")" }
    static func companySubject(_ ogrn: String) -> String { "registered-company:\(ogrn)" }

    // MARK: The founders' draft

    /// Starts a registration: the person who starts it is its first founder (the whole share) and its director
    /// until they say otherwise. One registration in progress per person.
    func startRegistration(by user: User) async throws -> CompanyFiling {
        let resident = try await residency.activeResident(of: user)
        let userID = try user.requireID()
        guard let citizenship = CountryCode(rawValue: resident.citizenship) else { throw AppError.conflict(code: "residency-required") }
        let id = UUID()
        let me = CompanyFounder.person(userID: userID.uuidString.lowercased(), name: resident.nameLatin,
                                       citizenship: citizenship, isResident: true, share: .one)
        let application = CompanyApplication(
            id: id.uuidString.lowercased(), nameCore: "", address: LegalAddress(regionCode: "", postcode: "", text: ""),
            capitalKopecks: ShareRules.minimumCapitalKopecks, founders: [me],
            director: CompanyDirector(userID: me.signerID, name: resident.nameLatin, citizenship: citizenship),
            mainActivity: ""
        )
        let filing = CompanyFiling()
        filing.id = id
        filing.kind = "registration"
        filing.status = CompanyApplicationStatus.draft.rawValue
        filing.$creator.id = userID
        filing.openKey = "registration:\(userID.uuidString.lowercased())"
        filing.createdAt = now
        filing.updatedAt = now
        try filing.store(application)
        do {
            try await database.writeTransaction { db in
                try await filing.create(on: db)
                try await audit.append(AuditEntry(actor: AuditEntry.user(userID), action: "company.filing-started", subject: Self.subject(id),
                                                  payload: ["kind": filing.kind]), on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "company-filing-open")
        }
        return filing
    }

    /// Starts a change of a registered company (director, address, activity codes, founders): the director's
    /// draft, from the company as the register holds it. One change in progress per company.
    func startChange(ogrn: String, by user: User) async throws -> CompanyFiling {
        let company = try await registered(ogrn: ogrn)
        guard company.directorID == (try user.requireID()) else { throw AppError.forbidden }
        guard company.status == RegistryExtract.Status.active.rawValue else { throw AppError.conflict(code: "company-not-active") }
        let id = UUID()
        var application = try company.application
        application.id = id.uuidString.lowercased()
        let filing = CompanyFiling()
        filing.id = id
        filing.kind = "change"
        filing.status = CompanyApplicationStatus.draft.rawValue
        filing.$creator.id = try user.requireID()
        filing.openKey = "change:\(company.ogrn)"
        filing.companyID = try company.requireID()
        filing.createdAt = now
        filing.updatedAt = now
        try filing.store(application)
        do {
            try await database.writeTransaction { db in
                try await filing.create(on: db)
                try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "company.filing-started", subject: Self.subject(id),
                                                  payload: ["kind": "change", "ogrn": company.ogrn]), on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "company-filing-open")
        }
        return filing
    }

    /// The filings a person takes part in: those they started and those that name them as a founder or director.
    func filings(of user: User) async throws -> [CompanyFiling] {
        let userID = try user.requireID()
        let key = userID.uuidString.lowercased()
        let mine = try await CompanyFiling.query(on: database).filter(\.$creator.$id == userID).sort(\.$createdAt, .descending).limit(50).all()
        // Named by others: found through the JSON's user ids (a user id is a UUID, so a plain text match is exact).
        let named = try await CompanyFiling.query(on: database).filter(\.$applicationJSON ~~ key).filter(\.$creator.$id != userID)
            .sort(\.$createdAt, .descending).limit(50).all()
        var seen = Set<UUID>()
        return (mine + named).filter { seen.insert($0.id ?? UUID()).inserted }
    }

    /// A filing its creator, founders, director (or a founder company's director) may see; 404 for anyone else.
    func filing(_ id: UUID, for user: User) async throws -> CompanyFiling {
        guard let filing = try await CompanyFiling.find(id, on: database) else { throw AppError.notFound }
        let userID = try user.requireID()
        if filing.$creator.id == userID { return filing }
        let signers = try await signerUsers(of: filing, try filing.application)
        guard signers.values.contains(where: { $0.contains(userID) }) else { throw AppError.notFound }
        return filing
    }

    /// A draft its creator may edit.
    private func editable(_ id: UUID, by user: User) async throws -> CompanyFiling {
        let filing = try await filing(id, for: user)
        guard filing.$creator.id == (try user.requireID()) else { throw AppError.forbidden }
        guard filing.filingStatus == .draft else { throw AppError.conflict(code: "company-filing-not-draft") }
        return filing
    }

    /// One page of the wizard: the fields it sets, checked by the registry's rules; a step with a problem in its
    /// own fields is refused whole and nothing is saved (problems of other steps are the review's).
    enum Step: Sendable {
        case name(core: String, otherLanguage: String, permission: String)
        case address(regionCode: String, postcode: String, text: String)
        case capital(kopecks: Int64)
        case activities(main: String, additional: [String], simplifiedTax: Bool)
        /// Every founder's share at once (by `signerID`), so they can be made to add up.
        case shares([String: Fraction])

        func owns(_ field: String) -> Bool {
            switch self {
            case .name: ["name", "otherLanguageName", "permission", "legalForm"].contains { field == $0 || field.hasPrefix($0 + ".") }
            case .address: field.hasPrefix("address.")
            case .capital: field.hasPrefix("capital")
            case .activities: field.hasPrefix("okved.")
            case .shares: field.hasPrefix("founders")
            }
        }
    }

    static let maximumLength = 500

    func update(_ id: UUID, _ step: Step, by user: User) async throws -> CompanyFiling {
        try await update(id, [step], by: user)
    }

    /// Several steps at once (the API's PATCH): all of them are applied and checked together, and saved only if
    /// none has a problem in its own fields.
    func update(_ id: UUID, _ steps: [Step], by user: User) async throws -> CompanyFiling {
        let filing = try await editable(id, by: user)
        var application = try filing.application
        for step in steps {
            switch step {
            case .name(let core, let other, let permission):
                application.nameCore = core
                application.otherLanguageName = other
                application.permission = permission
            case .address(let region, let postcode, let text):
                application.address = LegalAddress(regionCode: region, postcode: postcode, text: text)
            case .capital(let kopecks):
                application.capitalKopecks = kopecks
            case .activities(let main, let additional, let tax):
                application.mainActivity = main
                application.additionalActivities = additional.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                application.simplifiedTaxNotice = tax
            case .shares(let shares):
                guard Set(shares.keys) == Set(application.founders.map(\.signerID)) else {
                    throw AppError.validation(ValidationFailure(field: "shares", code: "company.sharesForEveryFounder"))
                }
                for index in application.founders.indices {
                    guard let share = shares[application.founders[index].signerID] else { continue }
                    application.founders[index].share = share
                }
            }
        }
        if case .some(let long) = Self.tooLong(application) { throw AppError.validation(ValidationFailure(field: long, code: "text.tooLong", arguments: ["max": "\(Self.maximumLength)"])) }
        let report = try await report(for: application, filing: filing)
        let own = report.errors.filter { error in steps.contains { $0.owns(error.field) } }
        guard own.isEmpty else { throw AppError.validation(ValidationFailure(own)) }
        try await save(filing, application, by: user, action: nil)
        return filing
    }

    /// A text field past what any form allows (the rules name their own limits; this one keeps rows small).
    static func tooLong(_ application: CompanyApplication) -> String? {
        for (field, value) in [("name", application.nameCore), ("otherLanguageName", application.otherLanguageName),
                               ("permission", application.permission), ("address.text", application.address.text),
                               ("address.regionCode", application.address.regionCode), ("address.postcode", application.address.postcode),
                               ("okved.main", application.mainActivity)] where value.count > maximumLength {
            return field
        }
        if application.additionalActivities.count > CompanyApplicationRules.maximumAdditionalActivities * 2
            || application.additionalActivities.contains(where: { $0.count > 20 }) { return "okved.additional" }
        return nil
    }

    /// Adds a founder: a person by the e-mail of their Caravan account (a digital resident: founders sign with the
    /// residency's passkey), or a Russian company by its OGRN in the register.
    func addFounder(_ id: UUID, email: String?, ogrn: String?, share: Fraction, by user: User) async throws -> CompanyFiling {
        let filing = try await editable(id, by: user)
        var application = try filing.application
        let founder: CompanyFounder
        if let ogrn = ogrn?.trimmingCharacters(in: .whitespaces), !ogrn.isEmpty {
            guard let number = OGRN(ogrn), number.kind == .organisation else {
                throw AppError.validation(ValidationFailure(field: "ogrn", code: "ogrn.invalid"))
            }
            guard let company = try await RegisteredCompany.query(on: database).filter(\.$ogrn == number.value).first(),
                  company.status == RegistryExtract.Status.active.rawValue else {
                throw AppError.validation(ValidationFailure(field: "ogrn", code: "company.founderCompanyUnknown", arguments: ["ogrn": number.value]))
            }
            founder = .company(ogrn: company.ogrn, name: company.shortName, share: share)
        } else {
            let person = try await residentPerson(email: email ?? "", field: "email")
            founder = .person(userID: person.userID, name: person.name, citizenship: person.citizenship, isResident: true, share: share)
        }
        if application.founders.contains(where: { $0.signerID == founder.signerID }) {
            throw AppError.validation(ValidationFailure(field: ogrn?.isEmpty == false ? "ogrn" : "email", code: "company.founderDuplicate"))
        }
        guard share.isPositive else { throw AppError.validation(ValidationFailure(field: "share", code: "company.shareNotPositive")) }
        guard application.founders.count < CompanyApplicationRules.maximumFounders else {
            throw AppError.validation(ValidationFailure(field: "founders", code: "company.tooManyFounders", arguments: ["max": "\(CompanyApplicationRules.maximumFounders)"]))
        }
        application.founders.append(founder)
        try await save(filing, application, by: user, action: "company.founder-added", payload: ["founder": founder.signerID])
        return filing
    }

    func removeFounder(_ id: UUID, signerID: String, by user: User) async throws -> CompanyFiling {
        let filing = try await editable(id, by: user)
        var application = try filing.application
        guard application.founders.contains(where: { $0.signerID == signerID }) else { throw AppError.notFound }
        application.founders.removeAll { $0.signerID == signerID }
        try await save(filing, application, by: user, action: "company.founder-removed", payload: ["founder": signerID])
        return filing
    }

    /// Names the director, a digital resident, by the e-mail of their account.
    func setDirector(_ id: UUID, email: String, by user: User) async throws -> CompanyFiling {
        let filing = try await editable(id, by: user)
        var application = try filing.application
        let person = try await residentPerson(email: email, field: "director")
        application.director = CompanyDirector(userID: person.userID, name: person.name, citizenship: person.citizenship)
        try await save(filing, application, by: user, action: "company.director-named", payload: ["director": person.userID])
        return filing
    }

    private struct Person {
        let userID: String
        let name: String
        let citizenship: CountryCode
    }

    private func residentPerson(email raw: String, field: String) async throws -> Person {
        guard let email = EmailAddress(raw) else { throw AppError.validation(ValidationFailure(field: field, code: "email.invalid")) }
        // One answer whether there is no such account or it is not a resident's: the form tells nobody which.
        guard let person = try await User.query(on: database).filter(\.$email == email.value).first(), person.domainRole == .specialist else {
            throw AppError.validation(ValidationFailure(field: field, code: "company.personNotResident"))
        }
        let residents = try await Resident.query(on: database).filter(\.$user.$id == person.requireID()).all()
        guard let resident = residents.first(where: { $0.isInForce(on: today) }), let citizenship = CountryCode(rawValue: resident.citizenship) else {
            throw AppError.validation(ValidationFailure(field: field, code: "company.personNotResident"))
        }
        return Person(userID: try person.requireID().uuidString.lowercased(), name: resident.nameLatin, citizenship: citizenship)
    }

    private func save(_ filing: CompanyFiling, _ application: CompanyApplication, by user: User, action: String?, payload: [String: String] = [:]) async throws {
        let before = filing.revision
        try filing.store(application)
        filing.updatedAt = now
        guard let sql = database as? any SQLDatabase else { throw AppError.conflict(code: "company-concurrent") }
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "company-concurrent") }
            // Written only over the revision it was read at, and only while a draft: two saves at once cannot lose one.
            let rows = try await sql.update(CompanyFiling.schema).set("application", to: filing.applicationJSON).set("revision", to: filing.revision)
                .set("updated_at", to: now).where("id", .equal, filing.requireID()).where("revision", .equal, before)
                .where("status", .equal, CompanyApplicationStatus.draft.rawValue).returning("id").all()
            guard !rows.isEmpty else { throw AppError.conflict(code: "company-filing-changed") }
            if let action {
                try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: action, subject: Self.subject(filing.id),
                                                  payload: payload.merging(["revision": filing.revision]) { a, _ in a }), on: db)
            }
        }
        _ = sql
    }

    /// The registry's rules over an application: every problem, warnings, and the name against the register.
    func report(for application: CompanyApplication, filing: CompanyFiling, on db: (any Database)? = nil) async throws -> CompanyApplicationReport {
        var names = try await RegisteredCompany.query(on: db ?? database).filter(\.$status == RegistryExtract.Status.active.rawValue).all()
        if let own = filing.companyID { names.removeAll { $0.id == own } }
        return CompanyApplicationRules.validate(application, classifier: app.okved,
                                                existingNames: names.map { (name: $0.nameCore, mainActivity: $0.mainActivity) })
    }

    // MARK: Signatures

    /// A founder as the register holds them who is not a founder in the change: they sign it too (nobody leaves a
    /// company, nor has a share taken, by the director's word alone).
    struct Leaving: Sendable {
        let signerID: String
        let name: String
        let signed: Bool
    }

    /// Everyone who must sign, in order: the application's founders and director, then (for a change) every founder
    /// as registered now who does not stay, as a founder.
    func requiredSigners(of filing: CompanyFiling, _ application: CompanyApplication, on db: (any Database)? = nil) async throws -> [(signer: RequiredSigner, name: String)] {
        var signers = application.requiredSigners.map { signer in
            (signer, signer.role == .director ? application.director.name : (application.founders.first { $0.signerID == signer.signerID }?.name ?? signer.signerID))
        }
        if filing.isChange, let id = filing.companyID, let company = try await RegisteredCompany.find(id, on: db ?? database) {
            let staying = Set(application.founders.map(\.signerID))
            for founder in try company.application.founders where !staying.contains(founder.signerID) {
                signers.append((RequiredSigner(signerID: founder.signerID, role: .founder), founder.name))
            }
        }
        return signers
    }

    /// The users who sign for each signer id: a person signs for themself (while their residency is in force), a
    /// founder company through its director.
    func signerUsers(of filing: CompanyFiling, _ application: CompanyApplication, on db: (any Database)? = nil) async throws -> [String: Set<UUID>] {
        let db = db ?? database
        var result: [String: Set<UUID>] = [:]
        for (signer, _) in try await requiredSigners(of: filing, application, on: db) {
            if signer.signerID.hasPrefix("ogrn:") {
                let ogrn = String(signer.signerID.dropFirst(5))
                if let company = try await RegisteredCompany.query(on: db).filter(\.$ogrn == ogrn).first() {
                    result[signer.signerID, default: []].insert(company.directorID)
                }
            } else if let id = UUID(uuidString: signer.signerID) {
                result[signer.signerID, default: []].insert(id)
            }
        }
        return result
    }

    /// What `user` is to sign on this filing, with the signing document made for each when there is one.
    func signingDocument(_ id: UUID, role: ApplicationSignature.Role, signerID: String, by user: User) async throws -> UUID {
        let filing = try await filing(id, for: user)
        guard filing.filingStatus == .draft else { throw AppError.conflict(code: "company-filing-not-draft") }
        let application = try filing.application
        let userID = try user.requireID()
        guard try await requiredSigners(of: filing, application).contains(where: { $0.signer == RequiredSigner(signerID: signerID, role: role) }),
              try await signerUsers(of: filing, application)[signerID]?.contains(userID) == true else { throw AppError.forbidden }
        let report = try await report(for: application, filing: filing)
        guard report.isValid else { throw AppError.validation(ValidationFailure(report.errors)) }
        let resident = try await residency.activeResident(of: user)
        // The same document again while the content has not changed and it is unsigned.
        if let existing = try await CompanySigning.query(on: database).filter(\.$filing.$id == id).filter(\.$user.$id == userID)
            .filter(\.$signerID == signerID).filter(\.$role == role.rawValue).filter(\.$revision == filing.revision).first(),
            let document = try await ResidencyDocument.find(existing.documentID, on: database), document.signedAt == nil {
            return existing.documentID
        }
        let documentID = UUID()
        let signable = application.signableDocument(documentID: documentID.uuidString.lowercased(), signer: resident.number, createdOn: today.description)
        let document = ResidencyDocument()
        document.id = documentID
        document.$user.id = userID
        document.kind = signable.kind
        document.title = signable.title
        document.canonical = signable.canonicalText
        document.sha256 = signable.sha256Hex
        document.createdAt = now
        let signing = CompanySigning()
        signing.$filing.id = id
        signing.$user.id = userID
        signing.signerID = signerID
        signing.role = role.rawValue
        signing.documentID = documentID
        signing.revision = filing.revision
        signing.createdAt = now
        try await database.writeTransaction { db in
            try await document.create(on: db)
            try await signing.create(on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(userID), action: "company.signing-document-made", subject: Self.subject(id),
                                              payload: ["role": role.rawValue, "signer": signerID, "revision": filing.revision, "sha256": signable.sha256Hex]), on: db)
        }
        return documentID
    }

    /// Every signature made on this filing, each checked as anyone checks a signed file (the passkey's signature
    /// over exactly these lines, the card signed by the registry) and made by someone who may sign for that signer
    /// now, then judged against the current revision; for a change, whether each leaving founder signed it too.
    struct Signatures: Sendable {
        let review: SignatureReview
        let leaving: [Leaving]
        var isComplete: Bool { review.isComplete && leaving.allSatisfy(\.signed) }
        /// Void signatures worth a word: not those of a leaving founder (they count, below).
        var voided: [(signature: ApplicationSignature, reason: SignatureReview.VoidReason)] {
            let leavingIDs = Set(leaving.map(\.signerID))
            return review.voidSignatures.filter { !($0.reason == .notASigner && leavingIDs.contains($0.signature.signerID)) }
        }
    }

    func signatures(of filing: CompanyFiling, on db: (any Database)? = nil) async throws -> Signatures {
        let db = db ?? database
        let application = try filing.application
        let entitled = try await signerUsers(of: filing, application, on: db)
        let signings = try await CompanySigning.query(on: db).filter(\.$filing.$id == filing.requireID()).sort(\.$createdAt, .ascending).all()
        let documents = try await ResidencyDocument.query(on: db).filter(\.$id ~~ signings.map(\.documentID)).all()
        let byID = Dictionary(documents.compactMap { doc in doc.id.map { ($0, doc) } }, uniquingKeysWith: { a, _ in a })
        let key = app.residencyRegistry.publicKey
        var set = SignatureSet()
        for signing in signings {
            // Someone who may no longer sign for this signer (a founder company's former director) does not count.
            guard entitled[signing.signerID]?.contains(signing.$user.id) == true else { continue }
            guard let document = byID[signing.documentID], let file = document.signed, let signedAt = document.signedAt,
                  SignedDocumentFile.verify(file, registryKey: key, relyingParty: app.residencyRegistry.relyingParty) == .valid,
                  file.document == document.canonical, let signable = SignableDocument(canonicalText: file.document),
                  let role = ApplicationSignature.Role(rawValue: signing.role) else { continue }
            guard let signature = try? ApplicationSignature(signedDocument: signable, applicationID: application.id, signerID: signing.signerID,
                                                             role: role, signedAt: ISO8601DateFormatter().string(from: signedAt),
                                                             evidence: signing.documentID.uuidString.lowercased()) else { continue }
            set.record(signature)
        }
        let review = set.valid(for: application)
        let required = try await requiredSigners(of: filing, application, on: db)
        let founders = Set(application.founders.map(\.signerID))
        let leaving = required.filter { $0.signer.role == .founder && !founders.contains($0.signer.signerID) }.map { entry in
            Leaving(signerID: entry.signer.signerID, name: entry.name,
                    signed: set.signatures.contains { $0.signerID == entry.signer.signerID && $0.role == .founder && $0.revision == review.revision })
        }
        return Signatures(review: review, leaving: leaving)
    }

    // MARK: Submitting

    /// Files the draft with the registry: every rule holds and every founder and the director signed exactly
    /// this content. The decision is due in the legal term of working days.
    func submit(_ id: UUID, by user: User) async throws -> CompanyFiling {
        let filing = try await editable(id, by: user)
        let application = try filing.application
        let report = try await report(for: application, filing: filing)
        guard report.isValid else { throw AppError.validation(ValidationFailure(report.errors)) }
        let signatures = try await signatures(of: filing)
        guard signatures.isComplete else { throw AppError.conflict(code: "company-signatures-incomplete") }
        let decideBy: CalendarDate
        do throws(CalendarError) {
            decideBy = try CompanyDecisionRules.decisionDate(submittedOn: today, workingDays: registry.decisionWorkingDays, calendar: app.permitRegistry.calendar)
        } catch {
            // The production calendar for the decision's year is not published yet.
            throw AppError.validation(ValidationFailure(field: "decideBy", code: "calendar.notCovered"))
        }
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "company-concurrent") }
            let rows = try await sql.update(CompanyFiling.schema).set("status", to: CompanyApplicationStatus.submitted.rawValue)
                .set("submitted_at", to: now).set("submitted_on", to: today.description).set("decide_by", to: decideBy.description)
                .where("id", .equal, id).where("status", .equal, CompanyApplicationStatus.draft.rawValue)
                .where("revision", .equal, filing.revision).returning("id").all()
            guard !rows.isEmpty else { throw AppError.conflict(code: "company-filing-changed") }
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "company.filing-submitted", subject: Self.subject(id),
                                              payload: ["revision": filing.revision, "signatures": "\(signatures.review.validSignatures.count)",
                                                        "decideBy": decideBy.description]), on: db)
        }
        filing.status = CompanyApplicationStatus.submitted.rawValue
        filing.submittedAt = now
        filing.submittedOn = today.description
        filing.decideBy = decideBy.description
        return filing
    }

    func withdraw(_ id: UUID, by user: User) async throws {
        let filing = try await filing(id, for: user)
        guard filing.$creator.id == (try user.requireID()) else { throw AppError.forbidden }
        guard [.draft, .submitted].contains(filing.filingStatus) else { throw AppError.conflict(code: "company-decided") }
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "company-concurrent") }
            let rows = try await sql.update(CompanyFiling.schema).set("status", to: CompanyApplicationStatus.withdrawn.rawValue)
                .set("open_key", to: SQLLiteral.null).set("decided_at", to: now)
                .where("id", .equal, id).where("status", .in, [CompanyApplicationStatus.draft.rawValue, CompanyApplicationStatus.submitted.rawValue])
                .returning("id").all()
            guard !rows.isEmpty else { throw AppError.conflict(code: "company-decided") }
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "company.filing-withdrawn", subject: Self.subject(id)), on: db)
        }
    }

    // MARK: The registry officer

    func requireOfficer(_ user: User) throws {
        guard user.domainRole == .registryOfficer else { throw AppError.forbidden }
    }

    /// Submitted filings, the nearest deadline first; then the latest 200 decided ones.
    func queue(by officer: User) async throws -> [CompanyFiling] {
        try requireOfficer(officer)
        let open = try await CompanyFiling.query(on: database).filter(\.$status == CompanyApplicationStatus.submitted.rawValue)
            .sort(\.$decideBy, .ascending).sort(\.$submittedAt, .ascending).all()
        let decided = try await CompanyFiling.query(on: database)
            .filter(\.$status ~~ [CompanyApplicationStatus.registered.rawValue, CompanyApplicationStatus.refused.rawValue])
            .sort(\.$decidedAt, .descending).limit(200).all()
        return open + decided
    }

    /// Working days from today to the deadline (negative when overdue).
    func workingDaysLeft(_ filing: CompanyFiling) -> Int? {
        filing.decideBy.flatMap(CalendarDate.init).flatMap { app.permitRegistry.calendar.workingDaysLeft(from: today, until: $0) }
    }

    /// Everything the officer decides on, found now: the rules' report, the signatures, and each person's identity
    /// and entry-ban check (from their residency: verified identity, the entry-ban registry asked today).
    struct Review: Sendable {
        let filing: CompanyFiling
        let application: CompanyApplication
        let report: CompanyApplicationReport
        let signatures: Signatures
        let persons: [String: ResidencyChecks]
        let mayRegister: Bool
        let blocker: CompanyDecisionError?
    }

    func review(_ id: UUID, by officer: User) async throws -> Review {
        try requireOfficer(officer)
        guard let filing = try await CompanyFiling.find(id, on: database), filing.filingStatus != .draft else { throw AppError.notFound }
        return try await review(filing, on: database)
    }

    private func review(_ filing: CompanyFiling, on db: any Database) async throws -> Review {
        let application = try filing.application
        let report = try await report(for: application, filing: filing, on: db)
        let signatures = try await signatures(of: filing, on: db)
        var persons: [String: ResidencyChecks] = [:]
        for userID in application.personUserIDs {
            guard let uuid = UUID(uuidString: userID),
                  let resident = try await Resident.query(on: db).filter(\.$user.$id == uuid).all().first(where: { $0.isInForce(on: today) }),
                  let residencyApplication = try await ResidencyApplication.find(resident.applicationID, on: db) else {
                persons[userID] = ResidencyChecks(identity: .notVerified, entryBan: nil)
                continue
            }
            persons[userID] = try await residency.checks(for: residencyApplication, on: db)
        }
        var blocker: CompanyDecisionError?
        do throws(CompanyDecisionError) {
            try CompanyDecisionRules.checkApproval(application: application, status: filing.filingStatus, report: report,
                                                   signatures: signatures.review, persons: persons)
        } catch {
            blocker = error
        }
        if blocker == nil, !signatures.isComplete { blocker = .signaturesIncomplete }
        return Review(filing: filing, application: application, report: report, signatures: signatures, persons: persons,
                      mayRegister: blocker == nil, blocker: blocker)
    }

    enum Decision: Sendable {
        case register
        case refuse(ground: String)
    }

    /// The officer's decision. Registration re-checks everything inside the transaction and then issues the
    /// numbers and the signed extract (or, for a change, the next extract); refusal names a ground from the file.
    /// The filing is claimed from `submitted`, so two officers cannot both decide it.
    @discardableResult
    func decide(_ id: UUID, _ decision: Decision, by officer: User) async throws -> RegisteredCompany? {
        try requireOfficer(officer)
        guard let found = try await CompanyFiling.find(id, on: database), found.filingStatus != .draft else { throw AppError.notFound }
        let officerID = try officer.requireID()
        switch decision {
        case .refuse(let ground):
            do throws(CompanyDecisionError) {
                try CompanyDecisionRules.checkRefusal(status: found.filingStatus, ground: ground, grounds: registry.grounds)
            } catch {
                throw error == .groundUnknown ? AppError.validation(ValidationFailure(field: "ground", code: "company.groundUnknown")) : AppError.conflict(code: error.code)
            }
            try await database.writeTransaction { db in
                try await claim(found, to: .refused, by: officerID, ground: ground, on: db)
                try await audit.append(AuditEntry(actor: AuditEntry.user(officerID), action: "company.filing-refused", subject: Self.subject(id),
                                                  payload: ["ground": ground, "revision": found.revision]), on: db)
                try await NotificationService(app: app, database: db).notify(
                    [found.$creator.id], kind: "notice.company.refused", arguments: ["name": (try? found.application.shortName) ?? ""],
                    link: SiteURL.companyFiling(id).path)
            }
            return nil
        case .register:
            let company: RegisteredCompany = try await database.writeTransaction { db in
                let filing = found
                // Claimed first (a write opens the transaction, so SQLite serialises deciders), then every check
                // re-run on the claimed filing; a failed check rolls the claim back.
                try await claim(filing, to: .registered, by: officerID, ground: nil, on: db)
                // The register is decided one filing at a time (a row lock until commit on PostgreSQL; SQLite has one
                // writer): the name check below sees every company registered before it.
                _ = try await CentreCounter.next("company-register", on: db)
                filing.status = CompanyApplicationStatus.submitted.rawValue
                let review = try await review(filing, on: db)
                filing.status = CompanyApplicationStatus.registered.rawValue
                if let blocker = review.blocker { throw AppError.conflict(code: blocker.code) }
                let company = filing.isChange ? try await applyChange(filing, review.application, on: db)
                                              : try await register(filing, review.application, on: db)
                filing.companyID = try company.requireID()
                try await (db as? any SQLDatabase)?.update(CompanyFiling.schema).set("company_id", to: company.requireID()).where("id", .equal, id).run()
                try await audit.append(AuditEntry(actor: AuditEntry.user(officerID), action: filing.isChange ? "company.change-registered" : "company.registered",
                                                  subject: Self.companySubject(company.ogrn),
                                                  payload: ["filing": id.uuidString.lowercased(), "revision": filing.revision, "inn": company.inn,
                                                            "extract": "\(company.extractRevision)"]), on: db)
                let people = review.application.personUserIDs.compactMap(UUID.init(uuidString:))
                try await NotificationService(app: app, database: db).notify(
                    people, kind: "notice.company.registered", arguments: ["name": company.shortName, "ogrn": company.ogrn],
                    link: SiteURL.registeredCompany(company.ogrn).path)
                return company
            }
            await app.outbox.sweep(app: app, on: database)
            return company
        }
    }

    private func claim(_ filing: CompanyFiling, to status: CompanyApplicationStatus, by officer: UUID, ground: String?, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "company-concurrent") }
        var update = sql.update(CompanyFiling.schema).set("status", to: status.rawValue).set("open_key", to: SQLLiteral.null)
            .set("decided_at", to: now).set("decided_by", to: officer)
        if let ground { update = update.set("ground", to: ground) }
        let rows = try await update.where("id", .equal, filing.requireID()).where("status", .equal, CompanyApplicationStatus.submitted.rawValue)
            .where("revision", .equal, filing.revision).returning("id").all()
        guard !rows.isEmpty else { throw AppError.conflict(code: "company-decided") }
        filing.status = status.rawValue
        filing.openKey = nil
        filing.decidedAt = now
        filing.decidedBy = officer
        filing.ground = ground
    }

    private func register(_ filing: CompanyFiling, _ application: CompanyApplication, on db: any Database) async throws -> RegisteredCompany {
        let region = Int(application.address.regionCode.trimmingCharacters(in: .whitespaces)) ?? 77
        let office = try RegistryNumbers.TaxOffice(region: region, inspection: Self.registeringInspection(region: region))
        // Numbers nobody holds: a marketplace employer may have typed numbers of this office in advance, and the
        // counters skip past them.
        var numbers = try RegistryNumbers.issue(year: today.year, office: office, ogrnSerial: try await CentreCounter.next("ogrn:\(today.year):\(office.code)", on: db),
                                                innSerial: try await CentreCounter.next("inn:\(office.code)", on: db))
        for _ in 0..<1000 {
            let ogrnInMarket = try await Company.query(on: db).filter(\.$ogrn == numbers.ogrn.value).first() != nil
            let ogrnInRegister = try await RegisteredCompany.query(on: db).filter(\.$ogrn == numbers.ogrn.value).first() != nil
            let innInMarket = try await Company.query(on: db).filter(\.$inn == numbers.inn.value).first() != nil
            let innInRegister = try await RegisteredCompany.query(on: db).filter(\.$inn == numbers.inn.value).first() != nil
            let ogrnTaken = ogrnInMarket || ogrnInRegister, innTaken = innInMarket || innInRegister
            guard ogrnTaken || innTaken else { break }
            numbers = try RegistryNumbers.issue(
                year: today.year, office: office,
                ogrnSerial: ogrnTaken ? try await CentreCounter.next("ogrn:\(today.year):\(office.code)", on: db) : Int(numbers.ogrn.value.dropFirst(7).prefix(5)) ?? 0,
                innSerial: innTaken ? try await CentreCounter.next("inn:\(office.code)", on: db) : Int(numbers.inn.value.dropFirst(4).prefix(5)) ?? 0)
        }
        let extract = RegistryExtract(application: application, numbers: numbers, registeredOn: today)
        let company = RegisteredCompany()
        company.ogrn = numbers.ogrn.value
        company.inn = numbers.inn.value
        company.kpp = numbers.kpp.value
        company.registeredOn = today.description
        company.capitalKopecks = application.capitalKopecks
        company.capitalDueOn = ShareRules.paymentDeadline(registeredOn: today).description
        company.status = RegistryExtract.Status.active.rawValue
        company.accreditation = "none"
        company.extractRevision = 1
        try fill(company, from: application, extract: extract)
        try await company.create(on: db)
        // The company is an employer in the marketplace from now on; its director invites the people who hire for it.
        let employer = Company()
        employer.legalName = company.fullName
        employer.inn = company.inn
        employer.ogrn = company.ogrn
        employer.city = Self.city(of: application.address)
        employer.size = CompanySize.micro.rawValue
        employer.accredited = false
        try await employer.create(on: db)
        company.employerID = try employer.requireID()
        try await company.update(on: db)
        return company
    }

    private func applyChange(_ filing: CompanyFiling, _ application: CompanyApplication, on db: any Database) async throws -> RegisteredCompany {
        guard let id = filing.companyID, let company = try await RegisteredCompany.find(id, on: db) else { throw AppError.notFound }
        guard let registeredOn = CalendarDate(company.registeredOn), let ogrn = OGRN(company.ogrn), let inn = INN(company.inn), let kpp = KPP(company.kpp) else {
            throw AppError.conflict(code: "company-record-damaged")
        }
        var current = application
        current.id = (try company.application).id
        company.extractRevision += 1
        let extract = RegistryExtract(application: current, numbers: IssuedRegistryNumbers(ogrn: ogrn, inn: inn, kpp: kpp), registeredOn: registeredOn,
                                      revision: company.extractRevision, asOf: today)
        if current.capitalKopecks != company.capitalKopecks { company.capitalKopecks = current.capitalKopecks }
        try fill(company, from: current, extract: extract)
        try await company.update(on: db)
        if let employerID = company.employerID, let employer = try await Company.find(employerID, on: db) {
            employer.legalName = company.fullName
            employer.city = Self.city(of: current.address)
            try await employer.update(on: db)
        }
        return company
    }

    private func fill(_ company: RegisteredCompany, from application: CompanyApplication, extract: RegistryExtract) throws {
        company.fullName = application.fullName
        company.shortName = application.shortName
        company.nameCore = CompanyName.collapse(application.nameCore)
        company.searchKey = Self.searchKey(name: application.nameCore + " " + application.otherLanguageName, ogrn: company.ogrn, inn: company.inn)
        company.mainActivity = OkvedCode.normalized(application.mainActivity)
        company.directorID = UUID(uuidString: application.director.userID) ?? UUID()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        company.applicationJSON = String(decoding: try encoder.encode(application), as: UTF8.self)
        let signed = try RegistryExtract.sign(extract, with: app.residencyRegistry.signingKey)
        company.extractJSON = String(decoding: try encoder.encode(signed), as: UTF8.self)
    }

    /// The inspection that registers companies in a region: Moscow's is No. 46 (МИФНС России № 46 по г. Москве);
    /// elsewhere the regional registering inspection's number is not in Caravan's data, so `01` stands for it.
    static func registeringInspection(region: Int) -> Int { region == 77 ? 46 : 1 }

    /// The locality for the marketplace: the address's first part naming a city, else the region's code.
    static func city(of address: LegalAddress) -> String {
        let parts = address.text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if let city = parts.first(where: { $0.hasPrefix("г.") || $0.hasPrefix("г ") }) {
            return String(city.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        }
        return parts.first(where: { !$0.isEmpty && !$0.allSatisfy(\.isNumber) }) ?? address.regionCode
    }

    static func searchKey(name: String, ogrn: String, inn: String) -> String {
        (NameComparison.stems(name) + [ogrn, inn]).joined(separator: " ")
    }

    // MARK: The register, in public

    func registered(ogrn raw: String) async throws -> RegisteredCompany {
        let ogrn = raw.trimmingCharacters(in: .whitespaces)
        guard ogrn.count == 13, ogrn.allSatisfy(\.isASCII), ogrn.allSatisfy(\.isNumber),
              let company = try await RegisteredCompany.query(on: database).filter(\.$ogrn == ogrn).first() else { throw AppError.notFound }
        return company
    }

    static let searchLength = 0...200

    /// The register by name (through the Russian stemmer: «Облачные решения» finds «облачное решение»), OGRN or INN.
    func search(_ raw: String, limit: Int = 50) async throws -> [RegisteredCompany] {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.searchLength.contains(raw.unicodeScalars.count) else {
            throw AppError.validation(ValidationFailure(field: "q", code: "text.tooLong", arguments: ["max": "\(Self.searchLength.upperBound)"]))
        }
        if text.isEmpty { return try await RegisteredCompany.query(on: database).sort(\.$registeredOn, .descending).limit(limit).all() }
        let digits = text.filter(\.isNumber)
        if digits.count == text.count, [10, 13].contains(digits.count) {
            return try await RegisteredCompany.query(on: database).group(.or) { $0.filter(\.$ogrn == digits).filter(\.$inn == digits) }.all()
        }
        let stems = NameComparison.stems(text).prefix(8)
        guard !stems.isEmpty else { return [] }
        var query = RegisteredCompany.query(on: database)
        for stem in stems { query = query.filter(\.$searchKey ~~ stem) }
        return try await query.sort(\.$fullName, .ascending).limit(limit).all()
    }

    /// The extract as the register holds it, and whether its signature checks out against the registry's key
    /// (a row edited behind the register's back fails here).
    func extract(of company: RegisteredCompany) -> (RegistryExtract.Signed?, RegistryExtract.Verdict) {
        guard let signed = company.signedExtract else { return (nil, .badSignature) }
        return (signed, RegistryExtract.verify(signed, trusting: app.residencyRegistry.publicKey))
    }

    // MARK: Capital

    /// The director records the capital as paid (the day it was paid, not after today nor before registration).
    func recordCapitalPaid(ogrn: String, on raw: String, by user: User) async throws -> RegisteredCompany {
        let company = try await registered(ogrn: ogrn)
        guard company.directorID == (try user.requireID()) else { throw AppError.forbidden }
        guard company.capitalPaidOn == nil else { throw AppError.conflict(code: "company-capital-paid") }
        guard let day = CalendarDate(raw.trimmingCharacters(in: .whitespaces)) else {
            throw AppError.validation(ValidationFailure(field: "paidOn", code: "date.invalid"))
        }
        guard day <= today, CalendarDate(company.registeredOn).map({ day >= $0 }) ?? true else {
            throw AppError.validation(ValidationFailure(field: "paidOn", code: "company.capitalPaidOutOfRange"))
        }
        company.capitalPaidOn = day.description
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "company-concurrent") }
            // Recorded once: of two at the same moment, the second finds it paid.
            let rows = try await sql.update(RegisteredCompany.schema).set("capital_paid_on", to: day.description)
                .where("id", .equal, company.requireID()).where("capital_paid_on", .is, SQLLiteral.null).returning("id").all()
            guard !rows.isEmpty else { throw AppError.conflict(code: "company-capital-paid") }
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "company.capital-paid", subject: Self.companySubject(company.ogrn),
                                              payload: ["paidOn": day.description, "dueOn": company.capitalDueOn]), on: db)
        }
        return company
    }

    /// Days until the capital is due (negative when overdue); nil once it is paid.
    func capitalDaysLeft(_ company: RegisteredCompany) -> Int? {
        guard company.capitalPaidOn == nil, let due = CalendarDate(company.capitalDueOn) else { return nil }
        return due.dayNumber - today.dayNumber
    }

    /// The companies a person directs.
    func directed(by user: User) async throws -> [RegisteredCompany] {
        try await RegisteredCompany.query(on: database).filter(\.$directorID == user.requireID()).sort(\.$registeredOn, .descending).all()
    }
}

extension Request {
    var companyRegistry: CompanyRegistryService { CompanyRegistryService(app: application, database: database) }
}
