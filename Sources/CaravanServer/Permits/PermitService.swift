import CaravanDomain
import CaravanPermits
import Fluent
import FluentSQL
import Foundation
import Vapor

/// Permit cases: opening one from an accepted offer, judging it under its rulebook, moving it through the
/// domain's workflow (one winner when two officers act at once), each step audited and announced.
struct PermitService: Sendable {
    let app: Application
    let database: any Database

    private var now: Date { app.dependencies.now() }
    private var today: CalendarDate { CalendarDate(now, in: PermitRegistry.moscow) }

    /// Who may see a case, and as what.
    enum Viewer {
        case principal, officer, sponsor
    }

    // MARK: Opening

    /// Hired applications of `user` that can become a case: with their sponsor, and whether a case exists.
    func openable(by user: User) async throws -> [(application: JobApplication, company: Company, caseID: UUID?)] {
        guard user.domainRole == .specialist else { return [] }
        let hired = try await JobApplication.query(on: database).filter(\.$specialist.$id == user.requireID())
            .filter(\.$stage == ApplicationStage.hired.rawValue).with(\.$vacancy).all()
        var result: [(JobApplication, Company, UUID?)] = []
        for application in hired {
            guard let company = try await Company.find(application.companyID, on: database) else { continue }
            let existing = try await PermitCase.query(on: database).filter(\.$applicationID == application.requireID()).first()
            result.append((application, company, existing?.id))
        }
        return result
    }

    /// Opens a draft case for the principal and the family on the profile. Needs an accepted offer (the
    /// application hired); an unaccredited sponsor is allowed to open but the rule says why it fails.
    func open(from applicationID: UUID, by user: User) async throws -> PermitCase {
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        guard let application = try await JobApplication.find(applicationID, on: database), application.$specialist.id == user.id else {
            throw AppError.notFound
        }
        guard application.applicationStage == .hired else { throw AppError.conflict(code: "permit-needs-accepted-offer") }
        if try await PermitCase.query(on: database).filter(\.$applicationID == applicationID).first() != nil {
            throw AppError.conflict(code: "permit-case-exists")
        }
        let profile = try await ProfileService(app: app, database: database).profile(of: user)
        let rulebook = app.permitRegistry.current
        let permitCase = PermitCase()
        permitCase.$principal.id = try user.requireID()
        permitCase.applicationID = applicationID
        permitCase.$sponsor.id = application.companyID
        permitCase.status = CaseStatus.draft.rawValue
        permitCase.decision = []
        permitCase.rulebookVersion = rulebook.qualifiedVersion
        let basics = profile.basics
        permitCase.persons = [PermitCase.Person(
            id: "p0", name: user.displayName, relation: "principal", birthDate: "", citizenship: basics.citizenship?.rawValue ?? "",
            passportExpiresOn: nil, documents: []
        )] + profile.family.enumerated().map { index, member in
            PermitCase.Person(id: "p\(index + 1)", name: member.name, relation: Self.relation(member.relation).rawValue, birthDate: member.birthDate,
                              citizenship: member.citizenship.rawValue, passportExpiresOn: nil, documents: [])
        }
        permitCase.history = [.init(event: "opened", by: Role.specialist.rawValue, at: now, message: nil)]
        permitCase.pauses = []
        permitCase.revision = 0
        do {
            try await database.transaction { db in
                try await permitCase.create(on: db)
                try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                    actor: AuditEntry.user(user.id), action: "permit.opened", subject: Self.subject(permitCase.id),
                    payload: ["rulebook": rulebook.qualifiedVersion, "persons": String(permitCase.persons.count)]
                ), on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "permit-case-exists")
        }
        return permitCase
    }

    static func relation(_ relation: FamilyRelation) -> CaravanPermits.Relation {
        switch relation {
        case .spouse: .spouse
        case .child: .child
        case .childSpouse: .childSpouse
        case .parent: .parent
        case .grandparent: .grandparent
        case .grandchild: .grandchild
        }
    }

    static func subject(_ id: UUID?) -> String { "permit-case:\(id?.uuidString.lowercased() ?? "unknown")" }

    // MARK: Reading

    /// The case as `user` may see it; anyone else gets 404.
    func visible(_ id: UUID, to user: User) async throws -> (PermitCase, Viewer) {
        guard let permitCase = try await PermitCase.query(on: database).filter(\.$id == id).with(\.$sponsor).with(\.$principal).first() else {
            throw AppError.notFound
        }
        switch user.domainRole {
        case .specialist? where permitCase.$principal.id == user.id: return (permitCase, .principal)
        case .migrationOfficer?: return (permitCase, .officer)
        case .employer?:
            if let company = try await CompanyService(app: app, database: database).company(of: user), company.id == permitCase.$sponsor.id {
                return (permitCase, .sponsor)
            }
        default: break
        }
        throw AppError.notFound
    }

    /// Every rule for every person, under the case's own rulebook version.
    func eligibility(of permitCase: PermitCase) async throws -> (EligibilityReport, Rulebook) {
        guard let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion] else {
            throw AppError.conflict(code: "permit-rulebook-missing")
        }
        let application = try await JobApplication.find(permitCase.applicationID, on: database)
        let sponsor = try await Company.find(permitCase.$sponsor.id, on: database)
        func facts(_ person: PermitCase.Person) -> PersonFacts {
            PersonFacts(
                birthDate: CalendarDate(person.birthDate) ?? today, passportExpiresOn: person.passportExpiresOn.flatMap(CalendarDate.init),
                entryBan: nil, documents: DocumentSet(person.documents.compactMap(DocumentKind.init(rawValue:)))
            )
        }
        let principal = permitCase.persons.first!
        let family = permitCase.persons.dropFirst().map {
            FamilyMemberFacts(person: facts($0), relation: CaravanPermits.Relation(rawValue: $0.relation) ?? .other)
        }
        let offer = OfferFacts(sponsorAccredited: sponsor?.accredited, accepted: application?.applicationStage == .hired,
                               monthlySalaryRub: application?.offer?.salary)
        let report = Eligibility.evaluate(applicant: facts(principal), family: family, offer: offer, rulebook: rulebook, on: today)
        return (report, rulebook)
    }

    /// Where the decision clock stands today: nil before submission and once a decision has taken effect.
    func clock(of permitCase: PermitCase) -> DecisionClockStatus? {
        guard permitCase.state.clockRuns || permitCase.caseStatus == .informationRequested else { return nil }
        guard let submitted = permitCase.submittedOn.flatMap(CalendarDate.init),
              let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion],
              let clock = try? DecisionClock(submittedOn: submitted, termMonths: rulebook.decisionTermMonths, pauses: permitCase.pauses.compactMap {
                  guard let requested = CalendarDate($0.requestedOn) else { return nil }
                  return DecisionClock.Pause(requestedOn: requested, answeredOn: $0.answeredOn.flatMap(CalendarDate.init))
              })
        else { return nil }
        return try? clock.status(on: today, calendar: app.permitRegistry.calendar)
    }

    // MARK: Moving

    /// Fires `event` on the case for `user`. A move the workflow refuses, or one that lost a race with another
    /// officer, is a 409 naming the current state; nothing is half-saved.
    func fire(_ event: CaseEvent, on permitCase: PermitCase, by user: User, message: String? = nil) async throws -> PermitCase {
        guard let role = user.domainRole else { throw AppError.forbidden }
        let actor = CaseActor(id: try user.requireID().uuidString.lowercased(), role: role)
        // Who may act comes before what they sent: an applicant's "decision" is refused, not corrected.
        guard CasePolicy.mayFire(event.kind, role: role) else { throw AppError.forbidden }
        if case .decide(let decision) = event, let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion] {
            do { try decision.validate(persons: permitCase.persons.map(\.id), rulebook: rulebook) } catch { throw AppError.validation(error) }
        }
        let next: CaseState
        switch CaseWorkflow.transition(from: permitCase.state, event: event, actor: actor) {
        case .success(let state): next = state
        case .failure(let error):
            if case .roleNotPermitted = error.reason { throw AppError.forbidden }
            if case .sameOfficer = error.reason { throw AppError.conflict(code: "permit-same-officer") }
            throw AppError.stageConflict(current: "permit.\(permitCase.status)")
        }
        let expected = permitCase.revision
        let today = self.today
        permitCase.store(next)
        permitCase.revision = expected + 1
        permitCase.history.append(.init(event: event.kind.rawValue, by: role.rawValue, at: now, message: message))
        switch event.kind {
        case .submit: permitCase.submittedOn = today.description
        case .requestInformation: permitCase.pauses.append(.init(requestedOn: today.description, answeredOn: nil))
        case .resubmit:
            if let last = permitCase.pauses.indices.last { permitCase.pauses[last].answeredOn = today.description }
        case .issuePermit:
            let issued = try app.permitRegistry.signer.issue(permitCase, on: today)
            permitCase.permitNumber = issued.number
            permitCase.permitIssuedOn = today.description
            permitCase.permitSignature = issued.signature
        default: break
        }
        let caseID = try permitCase.requireID()
        do {
        try await database.transaction { db in
            // The revision is the lock: of two officers who read the same case, only the first update matches.
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "permit-concurrent") }
            let claimed = try await sql.update(PermitCase.schema).set("revision", to: expected + 1)
                .where("id", .equal, caseID).where("revision", .equal, expected).returning("id").all()
            guard !claimed.isEmpty else { throw PermitRace() }
            try await permitCase.save(on: db)
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: "permit.\(event.kind.rawValue)", subject: Self.subject(caseID),
                payload: Self.auditPayload(event, permitCase)
            ), on: db)
            try await announce(permitCase, event: event.kind, by: role, on: db)
        }
        } catch is PermitRace {
            let current = try await PermitCase.find(caseID, on: database)?.status ?? permitCase.status
            throw AppError.stageConflict(current: "permit.\(current)")
        }
        await app.outbox.sweep(app: app, on: database)
        return permitCase
    }

    struct PermitRace: Error {}

    static func auditPayload(_ event: CaseEvent, _ permitCase: PermitCase) -> [String: String] {
        var payload = ["status": permitCase.status, "rulebook": permitCase.rulebookVersion]
        if case .decide(let decision) = event {
            for verdict in decision.verdicts {
                switch verdict.verdict {
                case .approved: payload[verdict.person] = "approved"
                case .refused(let ground): payload[verdict.person] = "refused:\(ground)"
                }
            }
        }
        if let number = permitCase.permitNumber, event.kind == .issuePermit { payload["permit"] = number }
        return payload
    }

    /// The applicant hears of every step an officer takes; the sponsor of every step, status only.
    private func announce(_ permitCase: PermitCase, event: CaseEventKind, by role: Role, on db: any Database) async throws {
        let notifications = NotificationService(app: app, database: db)
        let sponsor = try await Company.find(permitCase.$sponsor.id, on: db)
        let arguments = ["status": permitCase.status, "number": permitCase.permitNumber ?? "", "company": sponsor?.legalName ?? ""]
        let link = SiteURL.permitCase(try permitCase.requireID()).path
        if role != .specialist {
            try await notifications.notify([permitCase.$principal.id], kind: "notice.permit.\(permitCase.status)", arguments: arguments, link: link)
        }
        let members = try await CompanyMember.query(on: db).filter(\.$company.$id == permitCase.$sponsor.id).all().map { $0.$user.id }
        if role != .employer {
            try await notifications.notify(members, kind: "notice.permit.sponsor", arguments: arguments.merging(["person": permitCase.persons.first?.name ?? ""]) { $1 },
                                           link: link)
        }
    }

    // MARK: Who is on the case

    /// A change to the people on a draft case: the applicant adds someone (any relation — one the route does not
    /// cover is then explained by its rule, not refused here), removes a family member, or gives a birth date.
    enum PersonChange {
        case add(name: String, relation: String, birthDate: String, citizenship: String)
        case remove(id: String)
        case birthDate(id: String, date: String)
    }

    func change(_ change: PersonChange, on permitCase: PermitCase, by user: User) async throws {
        guard permitCase.$principal.id == user.id else { throw AppError.forbidden }
        guard permitCase.caseStatus == .draft else { throw AppError.stageConflict(current: "permit.\(permitCase.status)") }
        let today = self.today.description
        var validator = Validator()
        func checkDate(_ date: String, _ field: String) {
            if date.isEmpty { validator.add(field, "field.required") } else if CalendarDate(date) == nil { validator.add(field, "date.invalid") } else if date > today { validator.add(field, "date.future") }
        }
        switch change {
        case .add(let rawName, let relation, let birthDate, let citizenship):
            let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty { validator.add("name", "field.required") } else if name.count > 120 { validator.add("name", "text.tooLong", ["max": "120"]) }
            if CaravanPermits.Relation(rawValue: relation) == nil { validator.add("relation", "relation.unknown") }
            checkDate(birthDate, "birthDate")
            if CountryCode(rawValue: citizenship) == nil { validator.add("citizenship", citizenship.isEmpty ? "field.required" : "country.unknown") }
            if permitCase.persons.count >= 13 { validator.add("name", "family.tooMany", ["max": "12"]) }
            do { try validator.check() } catch { throw AppError.validation(error) }
            let next = (permitCase.persons.compactMap { Int($0.id.dropFirst()) }.max() ?? 0) + 1
            permitCase.persons.append(.init(id: "p\(next)", name: name, relation: relation, birthDate: birthDate, citizenship: citizenship,
                                            passportExpiresOn: nil, documents: []))
        case .remove(let id):
            guard id != "p0", permitCase.persons.contains(where: { $0.id == id }) else { throw AppError.notFound }
            permitCase.persons.removeAll { $0.id == id }
        case .birthDate(let id, let date):
            checkDate(date, "birthDate")
            do { try validator.check() } catch { throw AppError.validation(error) }
            guard let index = permitCase.persons.firstIndex(where: { $0.id == id }) else { throw AppError.notFound }
            permitCase.persons[index].birthDate = date
        }
        try await database.transaction { db in
            try await permitCase.save(on: db)
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: "permit.persons-changed", subject: Self.subject(permitCase.id),
                payload: ["persons": String(permitCase.persons.count)]
            ), on: db)
        }
    }

    /// Cancels every issued permit a sponsor holds, because the law does (the rule acts, not a person: the audit
    /// actor is `system`). Call inside the transaction of the change that causes it.
    func cancelPermits(sponsoredBy companyID: UUID, reason: CancellationReason) async throws {
        let issued = try await PermitCase.query(on: database).filter(\.$sponsor.$id == companyID)
            .filter(\.$status ~~ [CaseStatus.permitIssued.rawValue, CaseStatus.arrivalRegistered.rawValue]).all()
        for permitCase in issued { try await cancel(permitCase, reason: reason) }
    }

    /// Cancels one issued permit as the system's act (the law, not a person), audited, the holder told why.
    func cancel(_ permitCase: PermitCase, reason: CancellationReason) async throws {
        let system = CaseActor(id: "system", role: .migrationOfficer)
        guard case .success(let next) = CaseWorkflow.transition(from: permitCase.state, event: .cancel(reason), actor: system) else { return }
        permitCase.store(next)
        permitCase.revision += 1
        permitCase.history.append(.init(event: "cancel", by: "system", at: now, message: nil))
        try await permitCase.save(on: database)
        try await AuditLog(now: app.dependencies.now).append(AuditEntry(
            actor: "system", action: "permit.cancel", subject: Self.subject(permitCase.id),
            payload: ["reason": reason.rawValue, "permit": permitCase.permitNumber ?? ""]
        ), on: database)
        try await NotificationService(app: app, database: database).notify(
            [permitCase.$principal.id], kind: "notice.permit.cancelled.\(reason.rawValue)",
            arguments: ["number": permitCase.permitNumber ?? ""], link: SiteURL.permitCase(try permitCase.requireID()).path
        )
    }

    /// Cases an officer works, soonest deadline first; overdue ones first of all.
    func queue(statuses: [CaseStatus]) async throws -> [(PermitCase, DecisionClockStatus?)] {
        let cases = try await PermitCase.query(on: database).filter(\.$status ~~ statuses.map(\.rawValue)).with(\.$sponsor).limit(1000).all()
        return cases.map { ($0, clock(of: $0)) }.sorted { lhs, rhs in
            let left = lhs.1.map { $0.workingDaysLeft - $0.overdueWorkingDays } ?? Int.max
            let right = rhs.1.map { $0.workingDaysLeft - $0.overdueWorkingDays } ?? Int.max
            return left != right ? left < right : (lhs.0.id?.uuidString ?? "") < (rhs.0.id?.uuidString ?? "")
        }
    }
}

extension Request {
    var permits: PermitService { PermitService(app: application, database: db) }
}
