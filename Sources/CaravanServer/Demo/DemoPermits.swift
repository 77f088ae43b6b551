import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// Permit cases for the demo: specialists of the demo market with an accepted offer from an accredited company,
/// their cases in every stage an officer meets, submitted over the last three months so the queue shows deadlines
/// near and far (some overdue). Loaded once, with their audit events; the permits issued here are really signed.
enum DemoPermits {
    static let cases = 14

    static func load(on app: Application) async throws {
        guard try await PermitCase.query(on: app.db).count() == 0 else { return }
        let accredited = Set(try await Company.query(on: app.db).filter(\.$accredited == true).all().compactMap(\.id))
        let hiredByAccredited = try await JobApplication.query(on: app.db).filter(\.$stage == ApplicationStage.hired.rawValue)
            .all().filter { accredited.contains($0.companyID) }
        // Families first, then by the specialist's e-mail: the same cases on every install (ids are random), and
        // the programme's point — a family on one case — in most of them.
        let specialists = Set(hiredByAccredited.map { $0.$specialist.id })
        let withFamily = Set(try await SpecialistProfile.query(on: app.db).filter(\.$user.$id ~~ specialists).all()
            .filter { !$0.family.isEmpty }.map { $0.$user.id })
        var order: [UUID: (withoutFamily: Int, email: String)] = [:]
        for user in try await User.query(on: app.db).filter(\.$id ~~ specialists).all() {
            let id = try user.requireID()
            order[id] = (withFamily.contains(id) ? 0 : 1, user.email)
        }
        func key(_ application: JobApplication) -> (Int, String, String) {
            let specialist = order[application.$specialist.id] ?? (1, "")
            return (specialist.withoutFamily, specialist.email, application.id?.uuidString ?? "")
        }
        let hired = hiredByAccredited.sorted { key($0) < key($1) }
        let plan: [CaseStatus] = [.submitted, .inReview, .informationRequested, .resubmitted, .inReview, .refusalProposed, .decided,
                                  .permitIssued, .submitted, .inReview, .informationRequested, .inReview, .submitted, .draft]
        let rulebook = app.permitRegistry.current
        let audit = AuditLog(now: app.dependencies.now)
        let today = CalendarDate(app.dependencies.now(), in: PermitRegistry.moscow)
        let officer = try await User.query(on: app.db).filter(\.$role == Role.migrationOfficer.rawValue).first()
        let officerID = officer?.id?.uuidString.lowercased() ?? "demo"
        try await app.db.transaction { db in
            for (index, application) in hired.prefix(cases).enumerated() {
                let status = plan[index % plan.count]
                guard let user = try await User.find(application.$specialist.id, on: db) else { continue }
                let profile = try await SpecialistProfile.query(on: db).filter(\.$user.$id == user.requireID()).first()
                let permitCase = PermitCase()
                permitCase.id = UUID()
                permitCase.$principal.id = try user.requireID()
                permitCase.applicationID = try application.requireID()
                permitCase.$sponsor.id = application.companyID
                permitCase.rulebookVersion = rulebook.qualifiedVersion
                permitCase.persons = [.init(id: "p0", name: user.displayName, relation: "principal", birthDate: "",
                                            citizenship: profile?.citizenship ?? "", passportExpiresOn: nil, documents: [])]
                    + (profile?.family ?? []).enumerated().map { n, member in
                        .init(id: "p\(n + 1)", name: member.name, relation: PermitService.relation(member.relation).rawValue, birthDate: member.birthDate,
                              citizenship: member.citizenship.rawValue, passportExpiresOn: nil, documents: [])
                    }
                // Submitted 100 to 9 days ago: a spread of deadlines, the oldest past theirs.
                let daysAgo = 100 - index * 7
                let submitted = Calendar(identifier: .gregorian).date(byAdding: .day, value: -daysAgo, to: app.dependencies.now()) ?? app.dependencies.now()
                let submittedOn = CalendarDate(submitted, in: PermitRegistry.moscow)
                permitCase.status = status.rawValue
                permitCase.submittedOn = status == .draft ? nil : submittedOn.description
                permitCase.history = [.init(event: "opened", by: "specialist", at: submitted, message: nil)]
                if status != .draft { permitCase.history.append(.init(event: "submit", by: "specialist", at: submitted, message: nil)) }
                permitCase.pauses = []
                if [.informationRequested, .resubmitted].contains(status) {
                    let asked = CalendarDate(Calendar(identifier: .gregorian).date(byAdding: .day, value: 3, to: submitted) ?? submitted, in: PermitRegistry.moscow)
                    permitCase.pauses = [.init(requestedOn: asked.description, answeredOn: status == .resubmitted ? today.description : nil)]
                    permitCase.history.append(.init(event: "request_information", by: "migration_officer", at: submitted,
                                                    message: "Приложите, пожалуйста, нотариальный перевод паспорта супруги."))
                }
                let everyone = permitCase.persons.map { PermitCase.Verdict(person: $0.id, verdict: "approved", ground: nil) }
                switch status {
                case .refusalProposed:
                    permitCase.decision = everyone.enumerated().map { $0 == everyone.count - 1 ? .init(person: $1.person, verdict: "refused", ground: "medical") : $1 }
                    permitCase.proposedBy = officerID
                case .decided, .permitIssued:
                    permitCase.decision = everyone
                default:
                    permitCase.decision = []
                }
                permitCase.revision = 0
                if status == .permitIssued {
                    let issued = try app.permitRegistry.signer.issue(permitCase, on: today)
                    permitCase.permitNumber = issued.number
                    permitCase.permitIssuedOn = today.description
                    permitCase.permitSignature = issued.signature
                }
                try await permitCase.create(on: db)
                try await audit.append(AuditEntry(actor: "cli", action: "permit.opened", subject: PermitService.subject(permitCase.id),
                                                  payload: ["rulebook": rulebook.qualifiedVersion, "by": "demo", "status": status.rawValue]), on: db)
            }
        }
    }
}
