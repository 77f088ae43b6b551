import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// Permit cases for the demo: specialists of the demo market with an accepted offer from an accredited company,
/// their cases in every stage an officer meets, taken there through the same service operations people use (so a
/// demo permit stands on accepted documents and passed rules like any other), then dated back over the last three
/// months so the queue shows deadlines near and far (some overdue). Loaded once; the permits issued are really signed.
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
        guard let officer = try await User.query(on: app.db).filter(\.$role == Role.migrationOfficer.rawValue).sort(\.$email).first() else { return }
        let service = PermitService(app: app, database: app.db)
        for (index, application) in hired.prefix(cases).enumerated() {
            guard let user = try await User.find(application.$specialist.id, on: app.db) else { continue }
            let permitCase = try await walk(try await service.open(from: application.requireID(), by: user), to: plan[index % plan.count],
                                            applicant: user, officer: officer, service: service, number: index)
            // Submitted 100 to 9 days ago: a spread of deadlines, the oldest past theirs.
            try await backdate(permitCase, by: 100 - index * 7, on: app)
        }
    }

    /// A scanned page for every document of the demo (stored once, by its hash).
    static let scan = Array("%PDF-1.7\n% Caravan demo: a scanned document\n".utf8) + [UInt8](repeating: 0x20, count: 512)

    /// Takes a new case as far as `target` through the same operations people use — uploads, the moves, the
    /// officer's reviews and decision — so the rules hold for the demo as for anyone: a person is approved only if
    /// every rule passed, and refused on `not_eligible` otherwise.
    static func walk(_ permitCase: PermitCase, to target: CaseStatus, applicant: User, officer: User, service: PermitService,
                     number: Int) async throws -> PermitCase {
        guard target != .draft else { return permitCase }
        for line in try await service.checklist(of: permitCase).values.joined() {
            _ = try await service.upload(ByteBuffer(bytes: scan), kind: line.kind.rawValue, person: line.person, to: permitCase, as: .principal, by: applicant)
        }
        _ = try await service.fire(.submit, on: permitCase, as: .principal, by: applicant)
        guard target != .submitted else { return permitCase }
        _ = try await service.fire(.startReview, on: permitCase, as: .officer, by: officer)
        if [.informationRequested, .resubmitted].contains(target) {
            _ = try await service.fire(.requestInformation, on: permitCase, as: .officer, by: officer,
                                       message: "Приложите, пожалуйста, нотариальный перевод паспорта супруги.")
            if target == .resubmitted {
                _ = try await service.fire(.resubmit, on: permitCase, as: .principal, by: applicant, message: "Перевод приложен к паспорту.")
            }
        }
        guard [.refusalProposed, .decided, .permitIssued].contains(target) else { return permitCase }
        let validUntil = CalendarDate(service.now, in: PermitRegistry.moscow).adding(months: 72).description
        for line in try await service.checklist(of: permitCase).values.joined() {
            guard let file = line.file?.id else { continue }
            let person = permitCase.persons.firstIndex { $0.id == line.person } ?? 0
            // The officer reads the number off the passport: the one on the profile where there is one.
            let passport = permitCase.persons[person].passportNumber ?? "DM\(1_000_000 + number * 100 + person)"
            try await service.review(file, on: permitCase, DocumentReview(accept: true, passportNumber: passport, passportExpiresOn: validUntil),
                                     as: .officer, by: officer)
        }
        let judged = try await service.judgement(of: permitCase)
        var verdicts = permitCase.persons.map { person in
            CaseDecision.PersonVerdict(person: person.id, verdict: judged.mayApprove(person.id) ? .approved : .refused(ground: "not_eligible"))
        }
        // The proposal the queue shows: an officer doubts the last relative's medical certificate.
        if target == .refusalProposed, let last = verdicts.last, verdicts.count > 1 {
            verdicts[verdicts.count - 1] = .init(person: last.person, verdict: .refused(ground: "medical"))
        }
        _ = try await service.fire(.decide(CaseDecision(verdicts)), on: permitCase, as: .officer, by: officer)
        // A refusal waits for a second officer; the demo has one, so such a case stays proposed.
        if target == .permitIssued, permitCase.caseStatus == .decided, CaseDecision(verdicts).approvesAnyone {
            _ = try await service.fire(.issuePermit, on: permitCase, as: .officer, by: officer)
        }
        return permitCase
    }

    /// Moves the case's dates back by `days`, as if it had been filed then: the queue shows deadlines near and far.
    static func backdate(_ permitCase: PermitCase, by days: Int, on app: Application) async throws {
        let calendar = Calendar(identifier: .gregorian)
        let filed = calendar.date(byAdding: .day, value: -days, to: app.dependencies.now()) ?? app.dependencies.now()
        let filedOn = CalendarDate(filed, in: PermitRegistry.moscow)
        if permitCase.submittedOn != nil { permitCase.submittedOn = filedOn.description }
        for index in permitCase.history.indices {
            permitCase.history[index].at = calendar.date(byAdding: .minute, value: index * 90, to: filed) ?? filed
        }
        for index in permitCase.pauses.indices {
            permitCase.pauses[index].requestedOn = filedOn.adding(days: 3).description
        }
        try await permitCase.save(on: app.db)
    }
}
