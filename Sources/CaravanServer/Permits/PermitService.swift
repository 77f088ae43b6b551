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

    var now: Date { app.dependencies.now() }
    var today: CalendarDate { CalendarDate(now, in: PermitRegistry.moscow) }

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
        // The principal's birth date and passport number come from the profile, not asked again; the officer
        // reads the passport's number and validity off the document at the review.
        permitCase.persons = [PermitCase.Person(
            id: "p0", name: user.displayName, relation: "principal", birthDate: profile.birthDate ?? "", citizenship: basics.citizenship?.rawValue ?? "",
            passportExpiresOn: nil, documents: [], passportNumber: profile.passportNumber
        )] + profile.family.enumerated().map { index, member in
            PermitCase.Person(id: "p\(index + 1)", name: member.name, relation: Self.relation(member.relation).rawValue, birthDate: member.birthDate,
                              citizenship: member.citizenship.rawValue, passportExpiresOn: nil, documents: [])
        }
        permitCase.history = [.init(event: "opened", by: Role.specialist.rawValue, at: now, message: nil)]
        permitCase.pauses = []
        permitCase.revision = 0
        do {
            try await database.writeTransaction { db in
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
    func visible(_ id: UUID, to user: User) async throws -> (PermitCase, CaseViewer) {
        guard let permitCase = try await PermitCase.query(on: database).filter(\.$id == id).with(\.$sponsor).with(\.$principal).first() else {
            throw AppError.notFound
        }
        switch user.domainRole {
        case .specialist? where permitCase.$principal.id == user.id: return (permitCase, .principal)
        case .migrationOfficer? where CasePolicy.officerMaySee(permitCase.caseStatus): return (permitCase, .officer)
        case .employer?:
            if let company = try await CompanyService(app: app, database: database).company(of: user), company.id == permitCase.$sponsor.id {
                return (permitCase, .sponsor)
            }
        default: break
        }
        throw AppError.notFound
    }

    /// The case read in full by `user` (its page, the API's case, its documents' list): as `visible`, and a read
    /// by anyone but the applicant leaves a line in the applicant's who-looked log (`context` says from where).
    func read(_ id: UUID, by user: User, from context: DataAccess.Context = .permitCase) async throws -> (PermitCase, CaseViewer) {
        let (permitCase, viewer) = try await visible(id, to: user)
        try await DataAccessLog(app: app, database: database)
            .record(.caseFile, of: [permitCase.$principal.id], by: user, context: context, contextID: id)
        return (permitCase, viewer)
    }

    /// The cases `user` reads in full as a list (the API's list of cases): as `cases(visibleTo:)`, each case a
    /// line in its applicant's who-looked log. The officers' queue page shows names and dates only and is not one.
    func read(casesVisibleTo user: User, status: CaseStatus? = nil) async throws -> [(PermitCase, CaseViewer)] {
        let found = try await cases(visibleTo: user, status: status)
        // Every case file listed is a read, logged in one insert for the whole list.
        let reads = found.filter { $0.1 != .principal }.map { permitCase, viewer in
            (subject: permitCase.$principal.id, context: viewer == .officer ? DataAccess.Context.officerQueue : .permitCase, contextID: permitCase.id)
        }
        try await DataAccessLog(app: app, database: database).record(.caseFile, reads, by: user)
        return found
    }

    /// The cases `user` lists, with how they see each: the applicant's own, the sponsor's, an officer's queue
    /// (open and decided cases, or those of one status).
    func cases(visibleTo user: User, status: CaseStatus? = nil) async throws -> [(PermitCase, CaseViewer)] {
        switch user.domainRole {
        case .migrationOfficer?:
            let statuses = (status.map { [$0] } ?? CaseStatus.officerQueue).filter(CasePolicy.officerMaySee)
            return statuses.isEmpty ? [] : try await queue(statuses: statuses).map { ($0.0, .officer) }
        case .specialist?:
            let own = try await PermitCase.query(on: database).filter(\.$principal.$id == user.requireID()).with(\.$sponsor).all()
            return own.filter { status == nil || $0.status(for: .principal) == status }.map { ($0, .principal) }
        case .employer?:
            guard let company = try await CompanyService(app: app, database: database).company(of: user) else { return [] }
            let sponsored = try await PermitCase.query(on: database).filter(\.$sponsor.$id == company.requireID()).with(\.$sponsor).all()
            return sponsored.filter { status == nil || $0.status(for: .sponsor) == status }.map { ($0, .sponsor) }
        default:
            throw AppError.forbidden
        }
    }

    /// Every rule for every person, under the case's own rulebook version, with the documents as they stand
    /// (accepted, or uploaded and awaiting review) and each person's last entry-ban check.
    func eligibility(of permitCase: PermitCase, files: [PermitDocumentFile]? = nil) async throws -> (EligibilityReport, Rulebook) {
        guard let rulebook = app.permitRegistry.rulebooks[permitCase.rulebookVersion] else {
            throw AppError.conflict(code: "permit-rulebook-missing")
        }
        let application = try await JobApplication.find(permitCase.applicationID, on: database)
        let sponsor = try await Company.find(permitCase.$sponsor.id, on: database)
        let files = if let files { files } else { try await documents(of: permitCase) }
        func facts(_ person: PermitCase.Person) -> PersonFacts {
            let waiting = files.filter { $0.person == person.id && $0.checklistState == .awaitingReview }.compactMap { DocumentKind(rawValue: $0.kind) }
            return PersonFacts(
                birthDate: CalendarDate(person.birthDate) ?? today, passportExpiresOn: person.passportExpiresOn.flatMap(CalendarDate.init),
                entryBan: person.entryBanCheck?.isBanned, documents: DocumentSet(person.documents.compactMap(DocumentKind.init(rawValue:))),
                awaitingReview: DocumentSet(waiting)
            )
        }
        // The principal (`p0`) is on every case: opening puts them there and nothing removes them.
        guard let principal = permitCase.persons.first else { throw AppError.notFound }
        let family = permitCase.persons.dropFirst().map {
            FamilyMemberFacts(person: facts($0), relation: CaravanPermits.Relation(rawValue: $0.relation) ?? .other)
        }
        let offer = OfferFacts(sponsorAccredited: sponsor?.accredited, accepted: application?.applicationStage == .hired,
                               monthlySalaryRub: application?.offer?.salary)
        let report = Eligibility.evaluate(applicant: facts(principal), family: family, offer: offer, rulebook: rulebook, on: today)
        return (report, rulebook)
    }

    /// What the rules say about every person now, for the workflow to judge approvals by.
    func judgement(of permitCase: PermitCase) async throws -> CaseJudgement {
        let (report, _) = try await eligibility(of: permitCase)
        return CaseJudgement(report: report, persons: permitCase.persons.map(\.id))
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

    /// Cases an officer works, soonest deadline first; overdue ones first of all.
    func queue(statuses: [CaseStatus] = CaseStatus.officerQueue) async throws -> [(PermitCase, DecisionClockStatus?)] {
        let cases = try await PermitCase.query(on: database).filter(\.$status ~~ statuses.map(\.rawValue)).with(\.$sponsor).limit(1000).all()
        return cases.map { ($0, clock(of: $0)) }.sorted { lhs, rhs in
            let left = lhs.1.map { $0.workingDaysLeft - $0.overdueWorkingDays } ?? Int.max
            let right = rhs.1.map { $0.workingDaysLeft - $0.overdueWorkingDays } ?? Int.max
            return left != right ? left < right : (lhs.0.id?.uuidString ?? "") < (rhs.0.id?.uuidString ?? "")
        }
    }
}

extension Request {
    var permits: PermitService { PermitService(app: application, database: database) }
}
