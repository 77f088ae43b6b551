import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

extension PermitService {
    /// A change to the people on a draft case: the applicant adds someone (any relation — one the route does not
    /// cover is then explained by its rule, not refused here), removes a family member, or gives a birth date.
    enum PersonChange {
        case add(name: String, relation: String, birthDate: String, citizenship: String)
        case remove(id: String)
        case birthDate(id: String, date: String)
    }

    /// At most this many people on one case: the principal and twelve relatives.
    static let maximumPersons = 13

    func change(_ change: PersonChange, on permitCase: PermitCase, as viewer: CaseViewer, by user: User) async throws {
        guard viewer == .principal, permitCase.$principal.id == user.id else { throw AppError.forbidden }
        guard permitCase.caseStatus.acceptsPersonChanges else { throw AppError.stageConflict(current: "permit.\(permitCase.status(for: viewer).rawValue)") }
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
            if permitCase.persons.count >= Self.maximumPersons { validator.add("name", "family.tooMany", ["max": String(Self.maximumPersons - 1)]) }
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
        let caseID = try permitCase.requireID()
        let count = permitCase.persons.count
        try await commit(permitCase, as: viewer) { db in
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: "permit.persons-changed", subject: Self.subject(caseID),
                payload: ["persons": String(count)]
            ), on: db)
        }
    }

    /// An officer takes a case (or gives it back to the common queue). Audited; another officer's case can be
    /// taken over only by releasing it first, so two officers never both think it is theirs — and of two who
    /// take it at once, one wins (the revision check) and the other is told.
    func assign(_ permitCase: PermitCase, take: Bool, as viewer: CaseViewer, by user: User) async throws {
        guard viewer == .officer, user.domainRole == .migrationOfficer else { throw AppError.forbidden }
        guard permitCase.caseStatus.acceptsAssignment else { throw AppError.stageConflict(current: "permit.\(permitCase.status(for: viewer).rawValue)") }
        let me = try user.requireID()
        if take, let current = permitCase.assignedTo, current != me { throw AppError.conflict(code: "permit-assigned") }
        if !take, permitCase.assignedTo != me { throw AppError.conflict(code: "permit-assigned") }
        permitCase.assignedTo = take ? me : nil
        let caseID = try permitCase.requireID()
        try await commit(permitCase, as: viewer) { db in
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: take ? "permit.assigned" : "permit.released", subject: Self.subject(caseID)
            ), on: db)
        }
    }
}
