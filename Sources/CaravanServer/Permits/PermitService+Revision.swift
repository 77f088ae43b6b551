import CaravanPermits
import Fluent
import FluentSQL
import Foundation
import Vapor

extension PermitService {
    /// Saves a change to `permitCase` made since it was read, in one transaction with `alongside` (its audit
    /// event, notices, document rows): only if nobody else wrote the case in between. The revision is the lock —
    /// `UPDATE … SET revision = n + 1 WHERE id = … AND revision = n` matches for exactly one of two writers who
    /// read revision `n`; the other gets 409 with the case's current status (as the caller may see it), and
    /// nothing of theirs is saved.
    func commit(_ permitCase: PermitCase, as viewer: CaseViewer, alongside: @escaping @Sendable (any Database) async throws -> Void) async throws {
        let expected = permitCase.revision
        let caseID = try permitCase.requireID()
        permitCase.revision = expected + 1
        do {
            try await database.writeTransaction { db in
                guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "permit-concurrent") }
                let claimed = try await sql.update(PermitCase.schema).set("revision", to: expected + 1)
                    .where("id", .equal, caseID).where("revision", .equal, expected).returning("id").all()
                guard !claimed.isEmpty else { throw PermitRace() }
                try await permitCase.save(on: db)
                try await alongside(db)
            }
        } catch is PermitRace {
            permitCase.revision = expected
            let current = try await PermitCase.find(caseID, on: database)
            throw AppError.stageConflict(current: "permit.\((current ?? permitCase).status(for: viewer).rawValue)")
        } catch {
            permitCase.revision = expected
            throw error
        }
    }

    struct PermitRace: Error {}
}
