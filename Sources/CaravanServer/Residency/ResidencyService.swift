import CaravanCentres
import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Crypto
import Fluent
import FluentSQL
import Foundation
import Vapor

/// Digital residency: applying, the registry officer's checks and decision, revocation, and the card. Pages and
/// the API call these same operations; every decision is one transaction with its audit event.
struct ResidencyService: Sendable {
    let app: Application
    let database: any Database

    var registry: ResidencyRegistry { app.residencyRegistry }
    var now: Date { app.dependencies.now() }
    var today: CalendarDate { CalendarDate(now, in: PermitRegistry.moscow) }
    var audit: AuditLog { AuditLog(now: app.dependencies.now) }

    static func subject(_ id: UUID?) -> String { "residency-application:\(id?.uuidString.lowercased() ?? "unknown")" }
    static func residentSubject(_ number: String) -> String { "resident:\(number)" }

    // MARK: The applicant

    /// What a person has: their latest application, their residency (the active one, else the latest).
    struct Overview: Sendable {
        let application: ResidencyApplication?
        let resident: Resident?
        let today: CalendarDate

        /// A residency not revoked and not past its validity.
        var isResident: Bool { resident.map { $0.isInForce(on: today) } ?? false }
        /// Nothing being decided and no residency in force: a (new) application may be made.
        var mayApply: Bool { application?.applicationStatus.isOpen != true && !isResident }
    }

    func overview(of user: User) async throws -> Overview {
        let userID = try user.requireID()
        let application = try await ResidencyApplication.query(on: database).filter(\.$user.$id == userID)
            .sort(\.$submittedAt, .descending).first()
        let residents = try await Resident.query(on: database).filter(\.$user.$id == userID).all()
        let resident = residents.first(where: \.isActive) ?? residents.max { $0.issuedOn < $1.issuedOn }
        return Overview(application: application, resident: resident, today: today)
    }

    /// The active residency of `user`, or the reason there is none.
    func activeResident(of user: User, on db: (any Database)? = nil) async throws -> Resident {
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let residents = try await Resident.query(on: db ?? database).filter(\.$user.$id == user.requireID()).all()
        if let active = residents.first(where: \.isActive) {
            if let until = CalendarDate(active.validUntil), until < today { throw AppError.conflict(code: "residency-expired") }
            return active
        }
        throw AppError.conflict(code: residents.isEmpty ? "residency-required" : "residency-revoked")
    }

    func apply(_ input: ResidencyApplicationInput, by user: User) async throws -> ResidencyApplication {
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let userID = try user.requireID()
        let valid: ValidResidencyApplication
        do {
            valid = try ResidencyRules.validate(input, today: today, calendar: app.permitRegistry.calendar,
                                                decisionWorkingDays: registry.decisionWorkingDays)
        } catch {
            throw AppError.validation(error)
        }
        let overview = try await overview(of: user)
        if overview.application?.applicationStatus.isOpen == true { throw AppError.conflict(code: "residency-application-open") }
        if overview.isResident { throw AppError.conflict(code: "residency-already-resident") }

        let photo = Data(input.photo ?? [])
        let sha = SHA256.hash(data: photo).map { String(format: "%02x", $0) }.joined()
        let url = PermitDocumentFile.url(sha, in: app.caravanConfiguration.dataDirectory)
        var wrote = false
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try app.dataKeyring.seal(bytes: photo).write(to: url, options: .atomic)
            wrote = true
        }

        let application = ResidencyApplication()
        application.$user.id = userID
        application.status = ResidencyApplicationStatus.submitted.rawValue
        application.openKey = userID.uuidString.lowercased()
        application.nameOriginal = valid.nameOriginal
        application.nameLatin = valid.nameLatin
        application.birthDate = valid.birthDate.description
        application.citizenship = valid.citizenship.rawValue
        application.passportNumber = valid.passportNumber
        application.passportExpiresOn = valid.passportExpiresOn.description
        application.reason = valid.reason.rawValue
        application.photoSHA256 = sha
        application.photoType = valid.photoType
        application.submittedAt = now
        application.submittedOn = today.description
        application.decideBy = valid.decideBy.description
        do {
            try await database.writeTransaction { db in
                try await application.create(on: db)
                try await audit.append(AuditEntry(
                    actor: AuditEntry.user(userID), action: "residency.applied", subject: Self.subject(application.id),
                    payload: ["reason": valid.reason.rawValue, "citizenship": valid.citizenship.rawValue, "decideBy": valid.decideBy.description]
                ), on: db)
            }
        } catch {
            // Nothing half-saved: a photo written for an application that was not stored goes again.
            if wrote { try? FileManager.default.removeItem(at: url) }
            // Another request of the same person opened one a moment earlier.
            if let failure = error as? any DatabaseError, failure.isConstraintFailure { throw AppError.conflict(code: "residency-application-open") }
            throw error
        }
        return application
    }

    /// The applicant withdraws an open application.
    func withdraw(by user: User) async throws {
        let userID = try user.requireID()
        guard let application = try await overview(of: user).application, application.applicationStatus.isOpen else {
            throw AppError.conflict(code: "residency-decided")
        }
        try await database.writeTransaction { db in
            try await claim(application, from: .submitted, to: .withdrawn, on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(userID), action: "residency.withdrawn", subject: Self.subject(application.id)), on: db)
        }
    }

    // MARK: The registry officer

    func requireOfficer(_ user: User) throws {
        guard user.domainRole == .registryOfficer else { throw AppError.forbidden }
    }

    /// Open applications, the nearest deadline first (all of them); then the latest 200 decided ones.
    func queue(by officer: User, status: ResidencyApplicationStatus? = nil) async throws -> [ResidencyApplication] {
        try requireOfficer(officer)
        var open: [ResidencyApplication] = []
        if status == nil || status == .submitted {
            open = try await ResidencyApplication.query(on: database).filter(\.$status == ResidencyApplicationStatus.submitted.rawValue)
                .sort(\.$decideBy, .ascending).sort(\.$submittedAt, .ascending).all()
        }
        var decided: [ResidencyApplication] = []
        if status != .submitted {
            var query = ResidencyApplication.query(on: database).filter(\.$status != ResidencyApplicationStatus.submitted.rawValue)
            if let status { query = query.filter(\.$status == status.rawValue) }
            decided = try await query.sort(\.$decidedAt, .descending).limit(200).all()
        }
        return open + decided
    }

    /// Working days from today to the deadline (negative when overdue).
    func workingDaysLeft(_ application: ResidencyApplication) -> Int? {
        CalendarDate(application.decideBy).flatMap { app.permitRegistry.calendar.workingDaysLeft(from: today, until: $0) }
    }

    /// One application with every check's result as the registry finds it now. The read is logged for the applicant.
    func review(_ id: UUID, by officer: User) async throws -> (ResidencyApplication, ResidencyChecks, Resident?) {
        try requireOfficer(officer)
        guard let application = try await ResidencyApplication.find(id, on: database) else { throw AppError.notFound }
        let checks = try await checks(for: application, on: database)
        let resident = try await Resident.query(on: database).filter(\.$applicationID == id).first()
        try await DataAccessLog(app: app, database: database).record(
            .caseFile, of: [application.$user.id], by: officer, context: .residencyApplication, contextID: id
        )
        return (application, checks, resident)
    }

    /// The applicant's photo (the officer's or the applicant's own), logged when another person looks.
    func photo(of id: UUID, by user: User) async throws -> (Data, String) {
        guard let application = try await ResidencyApplication.find(id, on: database) else { throw AppError.notFound }
        if application.$user.id != user.id { try requireOfficer(user) }
        guard let sealed = FileManager.default.contents(atPath: PermitDocumentFile.url(application.photoSHA256, in: app.caravanConfiguration.dataDirectory).path)
        else { throw AppError.notFound }
        let bytes = try app.dataKeyring.open(bytes: sealed)
        try await DataAccessLog(app: app, database: database).record(
            .document, of: [application.$user.id], by: user, detail: "photo", context: .residencyApplication, contextID: id
        )
        return (bytes, application.photoType)
    }

    /// How the applicant's identity was verified, if it was (the applicant sees this; the ban check is the registry's).
    func identity(of application: ResidencyApplication, on db: (any Database)? = nil) async throws -> ResidencyChecks.Identity {
        let db = db ?? database
        let userID = application.$user.id
        var identity = ResidencyChecks.Identity.notVerified
        // A check made for this application: at the desk after it was submitted, when the desk shows the passport it
        // names to compare (an older check of the same person compared no passport of this application).
        if let result = try await CentreResult.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$service == CentreService.identityVerification.rawValue).filter(\.$personKey == "self")
            .filter(\.$passed == true).filter(\.$recordedAt >= application.submittedAt).sort(\.$recordedAt, .descending).first() {
            identity = .centre(centre: result.centre, on: CalendarDate(result.recordedAt, in: PermitRegistry.moscow))
        } else {
            let cases = try await PermitCase.query(on: db).filter(\.$principal.$id == userID).filter(\.$permitNumber != nil).all()
            for permitCase in cases where [.permitIssued, .arrivalRegistered].contains(permitCase.caseStatus) {
                guard let holder = permitCase.persons.first(where: { $0.id == "p0" }), let number = permitCase.permitNumber,
                      holder.passportNumber.map(ProfileRules.normalizedPassportNumber) == application.passportNumber,
                      holder.birthDate.isEmpty || holder.birthDate == application.birthDate else { continue }
                identity = .permit(number: number)
                break
            }
        }
        return identity
    }

    /// What the registry checks, found by code: identity verified at a centre (the account holder's identity check
    /// made after the application, against its passport) or from the person's issued permit (the passport an officer read off the accepted
    /// passport is the one in the application, and the birth dates agree where the case has one), and the entry-ban
    /// registry asked today.
    func checks(for application: ResidencyApplication, on db: any Database) async throws -> ResidencyChecks {
        let identity = try await identity(of: application, on: db)
        let entryBan: EntryBanCheck?
        if let country = CountryCode(rawValue: application.citizenship) {
            let subject = EntryBanSubject(citizenship: country, passportNumber: application.passportNumber, name: application.nameLatin,
                                          birthDate: CalendarDate(application.birthDate))
            entryBan = try await app.entryBanRegistry(app, db).check(subject, on: today)
        } else {
            entryBan = nil
        }
        return ResidencyChecks(identity: identity, entryBan: entryBan)
    }

    enum Decision: Sendable {
        case approve
        case refuse(ground: String)
    }

    /// The registry officer's decision. Approval re-runs every check inside the transaction and issues the
    /// residency (a number, a card signed with the registry's key); refusal names a ground from the file. The
    /// application is claimed from `submitted`, so two officers cannot both decide it.
    @discardableResult
    func decide(_ id: UUID, _ decision: Decision, by officer: User) async throws -> Resident? {
        try requireOfficer(officer)
        guard let application = try await ResidencyApplication.find(id, on: database) else { throw AppError.notFound }
        let officerID = try officer.requireID()
        switch decision {
        case .refuse(let ground):
            if ground.isEmpty { throw AppError.validation(ValidationFailure(field: "ground", code: "field.required")) }
            do throws(ResidencyDecisionError) {
                try ResidencyDecisionRules.checkRefusal(status: application.applicationStatus, ground: ground, grounds: registry.grounds)
            } catch {
                throw AppError.conflict(code: error.code)
            }
            try await database.writeTransaction { db in
                application.ground = ground
                try await claim(application, from: .submitted, to: .refused, by: officerID, on: db)
                try await audit.append(AuditEntry(
                    actor: AuditEntry.user(officerID), action: "residency.refused", subject: Self.subject(id),
                    payload: ["ground": ground, "groundsVersion": registry.grounds.version]
                ), on: db)
                try await NotificationService(app: app, database: db).notify(
                    [application.$user.id], kind: "notice.residency.refused", arguments: ["ground": ground], link: SiteURL.residency.path
                )
            }
            await app.outbox.sweep(app: app, on: database)
            return nil
        case .approve:
            let resident = try await database.writeTransaction { db -> Resident in
                let checks = try await checks(for: application, on: db)
                do throws(ResidencyDecisionError) {
                    try ResidencyDecisionRules.checkApproval(
                        status: application.applicationStatus, checks: checks,
                        passportExpiresOn: CalendarDate(application.passportExpiresOn) ?? today.adding(days: -1), today: today
                    )
                } catch {
                    throw AppError.conflict(code: error.code)
                }
                let source: String
                switch checks.identity {
                case .centre(let centre, let day): source = "centre:\(centre):\(day)"
                case .permit(let number): source = "permit:\(number)"
                case .notVerified: source = ""
                }
                application.identitySource = source
                try await claim(application, from: .submitted, to: .approved, by: officerID, on: db)
                let resident = Resident()
                resident.$user.id = application.$user.id
                resident.applicationID = id
                resident.number = try await nextNumber(on: db)
                resident.nameLatin = application.nameLatin
                resident.citizenship = application.citizenship
                resident.issuedOn = today.description
                resident.validUntil = ResidencyDecisionRules.validUntil(approvedOn: today, years: registry.validityYears).description
                resident.status = "active"
                resident.cardRevision = 1
                resident.cardKeys = []
                resident.cardSignature = try registry.sign(resident.card).signature
                try await resident.create(on: db)
                try await audit.append(AuditEntry(
                    actor: AuditEntry.user(officerID), action: "residency.approved", subject: Self.subject(id),
                    payload: ["number": resident.number, "identity": source, "entryBan": checks.entryBan?.result.rawValue ?? "",
                              "validUntil": resident.validUntil]
                ), on: db)
                try await NotificationService(app: app, database: db).notify(
                    [application.$user.id], kind: "notice.residency.approved", arguments: ["number": resident.number], link: SiteURL.residency.path
                )
                return resident
            }
            await app.outbox.sweep(app: app, on: database)
            return resident
        }
    }

    /// A registry officer revokes a residency on a ground from the file: the card stops verifying at once.
    func revoke(number: String, ground: String, by officer: User) async throws -> Resident {
        try requireOfficer(officer)
        guard let resident = try await Resident.query(on: database).filter(\.$number == number).first() else { throw AppError.notFound }
        if ground.isEmpty { throw AppError.validation(ValidationFailure(field: "ground", code: "field.required")) }
        do throws(ResidencyDecisionError) {
            try ResidencyDecisionRules.checkRevocation(isActive: resident.isActive, ground: ground, grounds: registry.grounds)
        } catch {
            throw AppError.conflict(code: error.code)
        }
        let officerID = try officer.requireID()
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "residency-concurrent") }
            let claimed = try await sql.update(Resident.schema).set("status", to: "revoked").set("revoked_at", to: now)
                .set("revoked_ground", to: ground).set("revoked_by", to: officerID)
                .where("id", .equal, resident.requireID()).where("status", .equal, "active").returning("id").all()
            guard !claimed.isEmpty else { throw AppError.conflict(code: "residency-not-active") }
            try await audit.append(AuditEntry(
                actor: AuditEntry.user(officerID), action: "residency.revoked", subject: Self.residentSubject(number),
                payload: ["ground": ground, "groundsVersion": registry.grounds.version]
            ), on: db)
            try await NotificationService(app: app, database: db).notify(
                [resident.$user.id], kind: "notice.residency.revoked", arguments: ["ground": ground, "number": number], link: SiteURL.residency.path
            )
        }
        await app.outbox.sweep(app: app, on: database)
        resident.status = "revoked"
        resident.revokedGround = ground
        resident.revokedAt = now
        return resident
    }

    // MARK: The card

    /// The card as signed, for its holder.
    func card(of user: User) async throws -> (Resident, ResidencyCard.Signed) {
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        guard let resident = try await overview(of: user).resident else { throw AppError.conflict(code: "residency-required") }
        return (resident, ResidencyCard.Signed(card: resident.card, signature: resident.cardSignature, publicKey: registry.publicKeyBase64))
    }

    /// What anyone learns from a residency number: the card as signed, whether its signature holds, and whether
    /// the registry revoked it. Nil for a number nobody holds. The public page, the API and `verify` all ask this.
    struct CardCheck: Sendable {
        let resident: Resident
        let signed: ResidencyCard.Signed
        let verdict: ResidencyCard.Verdict

        var isRevoked: Bool { !resident.isActive }
        var isValid: Bool { verdict == .valid && resident.isActive }
    }

    func verifyCard(number: String) async throws -> CardCheck? {
        guard ResidencyNumber.isWellFormed(number),
              let resident = try await Resident.query(on: database).filter(\.$number == number).first() else { return nil }
        let signed = ResidencyCard.Signed(card: resident.card, signature: resident.cardSignature, publicKey: registry.publicKeyBase64)
        return CardCheck(resident: resident, signed: signed, verdict: ResidencyCard.verify(signed, trusting: registry.publicKey, today: today))
    }

    /// Signs the card again from the resident's current passkeys (a new revision). Inside the caller's transaction:
    /// the resident's row is locked first (PostgreSQL; SQLite has one writer), so two passkeys added at once each
    /// find the other's once it is committed, and the last card lists both.
    func resignCard(_ resident: Resident, on db: any Database) async throws {
        let id = try resident.requireID()
        if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT id FROM \(ident: Resident.schema) WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let current = try await Resident.find(id, on: db) else { throw AppError.notFound }
        let keys = try await Passkey.query(on: db).filter(\.$user.$id == current.$user.id).all().compactMap { passkey -> String? in
            guard let stored = passkey.stored else { return nil }
            return "\(stored.algorithm.name):\(stored.fingerprint)"
        }.sorted { $0.split(separator: ":").last ?? "" < $1.split(separator: ":").last ?? "" }
        current.cardKeys = keys
        current.cardRevision += 1
        current.cardSignature = try registry.sign(current.card).signature
        try await current.save(on: db)
        resident.cardKeys = current.cardKeys
        resident.cardRevision = current.cardRevision
        resident.cardSignature = current.cardSignature
    }

    /// Whether an approval would pass now: the one rule the page's button and the API's `mayApprove` both show.
    func mayApprove(_ application: ResidencyApplication, _ checks: ResidencyChecks) -> Bool {
        (try? ResidencyDecisionRules.checkApproval(status: application.applicationStatus, checks: checks,
                                                   passportExpiresOn: CalendarDate(application.passportExpiresOn) ?? today.adding(days: -1),
                                                   today: today)) != nil
    }

    // MARK: Private

    /// Moves an application from one status to another only if it is still in the first.
    private func claim(_ application: ResidencyApplication, from: ResidencyApplicationStatus, to: ResidencyApplicationStatus,
                       by officer: UUID? = nil, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "residency-concurrent") }
        var update = sql.update(ResidencyApplication.schema).set("status", to: to.rawValue)
            .set("open_key", to: SQLLiteral.null)
            .set("decided_at", to: now)
        if let officer { update = update.set("decided_by", to: officer) }
        if let ground = application.ground { update = update.set("ground", to: ground) }
        if let source = application.identitySource { update = update.set("identity_source", to: source) }
        let claimed = try await update.where("id", .equal, application.requireID()).where("status", .equal, from.rawValue).returning("id").all()
        guard !claimed.isEmpty else { throw AppError.conflict(code: "residency-decided") }
        application.status = to.rawValue
        application.openKey = nil
        application.decidedAt = now
        application.decidedBy = officer
    }

    /// The next residency number of the year, from a counter row taken by UPDATE … RETURNING.
    private func nextNumber(on db: any Database) async throws -> String {
        let year = today.year
        return ResidencyNumber.make(year: year, serial: try await CentreCounter.next("residency:\(year)", on: db))
    }
}

extension Request {
    var residency: ResidencyService { ResidencyService(application: application, database: database) }
}

extension ResidencyService {
    init(application: Application, database: any Database) {
        self.init(app: application, database: database)
    }
}
