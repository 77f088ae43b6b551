import CaravanPermits
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Two writes to one case at once, really at once (a task group), on SQLite and on PostgreSQL: exactly one wins,
/// the other is told the current state, and nothing of the loser's is saved.
@Suite struct PermitRaceTests {
    /// Runs both writes concurrently; returns how many succeeded and the errors of the others.
    func race(_ first: @escaping @Sendable () async throws -> Void, _ second: @escaping @Sendable () async throws -> Void) async -> (wins: Int, losses: [any Error]) {
        await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask { do { try await first(); return nil } catch { return error } }
            group.addTask { do { try await second(); return nil } catch { return error } }
            var wins = 0
            var losses: [any Error] = []
            for await result in group {
                if let result { losses.append(result) } else { wins += 1 }
            }
            return (wins, losses)
        }
    }

    /// A submitted case with every document uploaded, the service, the principal and both officers.
    func submitted(_ app: Application) async throws -> (UUID, PermitService, User, [User]) {
        let tests = PermitTests()
        _ = try await tests.hired(app)
        let (aziz, officer) = try await tests.tokens(app)
        let application = try #require(try await JobApplication.query(on: app.db).first()?.requireID())
        let id = try await app.api(.POST, "/permit-cases", raw: #"{"applicationId":"\#(application.uuidString.lowercased())"}"#, token: aziz)
            .json(PermitTests.CaseBody.self).id
        try await tests.uploadEverything(app, case: id, token: aziz)
        #expect(try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"submit"}"#, token: aziz).status == .ok)
        _ = officer
        let officers = try await User.query(on: app.db).filter(\.$role == "migration_officer").sort(\.$email).all()
        let principal = try #require(try await User.query(on: app.db).filter(\.$email == "aziz@example.uz").first())
        return (try #require(UUID(uuidString: id)), PermitService(app: app, database: app.db), principal, officers)
    }

    /// The loser is told the case's current status (409 `stage-conflict`), nothing else.
    func isStageConflict(_ error: any Error) -> Bool {
        if case AppError.stageConflict = error { return true }
        return false
    }

    @Test func twoOfficersStartingTheReviewAtOnce() async throws {
        try await withTestApp { app in
            let (id, service, _, officers) = try await submitted(app)
            let first = try #require(try await PermitCase.find(id, on: app.db))
            let second = try #require(try await PermitCase.find(id, on: app.db))
            let (wins, losses) = await race(
                { _ = try await service.fire(.startReview, on: first, as: .officer, by: officers[0]) },
                { _ = try await service.fire(.startReview, on: second, as: .officer, by: officers[1]) }
            )
            #expect(wins == 1 && losses.count == 1 && losses.allSatisfy(isStageConflict), "\(losses)")
            let stored = try #require(try await PermitCase.find(id, on: app.db))
            #expect(stored.status == "in_review")
            #expect(stored.history.filter { $0.event == "start_review" }.count == 1)
        }
    }

    @Test func twoOfficersTakingTheSameCaseAtOnce() async throws {
        try await withTestApp { app in
            let (id, service, _, officers) = try await submitted(app)
            let first = try #require(try await PermitCase.find(id, on: app.db))
            let second = try #require(try await PermitCase.find(id, on: app.db))
            let (wins, losses) = await race(
                { try await service.assign(first, take: true, as: .officer, by: officers[0]) },
                { try await service.assign(second, take: true, as: .officer, by: officers[1]) }
            )
            #expect(wins == 1 && losses.count == 1 && losses.allSatisfy(isStageConflict), "\(losses)")
            let stored = try #require(try await PermitCase.find(id, on: app.db))
            #expect(try officers.map { try $0.requireID() }.contains(try #require(stored.assignedTo)))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "permit.assigned").count() == 1)
        }
    }

    @Test func aReviewAndAnUploadAtOnce() async throws {
        try await withTestApp { app in
            let (id, service, principal, officers) = try await submitted(app)
            _ = try await service.fire(.startReview, on: try #require(try await PermitCase.find(id, on: app.db)), as: .officer, by: officers[0])
            let photo = try #require(try await PermitDocumentFile.query(on: app.db).filter(\.$person == "p0").filter(\.$kind == "photo").first()?.requireID())
            let forReview = try #require(try await PermitCase.find(id, on: app.db))
            let forUpload = try #require(try await PermitCase.find(id, on: app.db))
            let (wins, losses) = await race(
                { try await service.review(photo, on: forReview, DocumentReview(accept: true), as: .officer, by: officers[0]) },
                { _ = try await service.upload(ByteBuffer(bytes: PermitTests.pdf), kind: "medical_certificate", person: "p1", to: forUpload, as: .principal, by: principal) }
            )
            #expect(wins == 1 && losses.count == 1 && losses.allSatisfy(isStageConflict), "\(losses)")
            // Whichever won is whole; the loser left nothing behind.
            let accepted = try await PermitDocumentFile.query(on: app.db).filter(\.$status == "accepted").count()
            let uploads = try await PermitDocumentFile.query(on: app.db).filter(\.$person == "p1").filter(\.$kind == "medical_certificate").count()
            let stored = try #require(try await PermitCase.find(id, on: app.db))
            if accepted == 1 {
                #expect(uploads == 1 && stored.persons[0].documents == ["photo"])
            } else {
                #expect(uploads == 2 && stored.persons[0].documents.isEmpty)
            }
        }
    }

    @Test func aWithdrawalRacingARefusal() async throws {
        try await withTestApp { app in
            let (id, service, principal, officers) = try await submitted(app)
            _ = try await service.fire(.startReview, on: try #require(try await PermitCase.find(id, on: app.db)), as: .officer, by: officers[0])
            let forOfficer = try #require(try await PermitCase.find(id, on: app.db))
            let forApplicant = try #require(try await PermitCase.find(id, on: app.db))
            let refuse = CaseDecision(forOfficer.persons.map { .init(person: $0.id, verdict: .refused(ground: "not_eligible")) })
            let (wins, losses) = await race(
                { _ = try await service.fire(.decide(refuse), on: forOfficer, as: .officer, by: officers[0]) },
                { _ = try await service.fire(.withdraw, on: forApplicant, as: .principal, by: principal) }
            )
            #expect(wins == 1 && losses.count == 1 && losses.allSatisfy(isStageConflict), "\(losses)")
            let stored = try #require(try await PermitCase.find(id, on: app.db))
            #expect(["refusal_proposed", "withdrawn"].contains(stored.status))
            #expect(stored.history.filter { ["propose_refusal", "withdraw"].contains($0.event) }.count == 1)
        }
    }
}
