@testable import CaravanServer
import Fluent
import FluentSQL
import Foundation
import Testing
import Vapor
import VaporTesting

/// Writes at once on one database, as a server takes them from many people: on a SQLite file (WAL, as `serve`
/// runs it) or on PostgreSQL when the tests have one. Every write lands; none is answered with a 500.
@Suite struct ConcurrentWritesTests {
    /// Each sign-in writes a token and an audit event (which reads the chain's last link first). On SQLite a
    /// transaction that read before it wrote failed with "busy" once another wrote in between.
    @Test func signInsAtOnceAllLandAndTheAuditChainHolds() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("caravan-writes-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
        try await withTestApp(database: TestDatabase.postgresURL == nil ? .sqliteFile(file) : nil) { app in
            if TestDatabase.postgresURL == nil, let sql = app.db as? any SQLDatabase {
                try await sql.raw("PRAGMA journal_mode=WAL").run()
            }
            let emails = (0..<4).map { "person\($0)@example.org" }
            for email in emails { try await app.signUp(email: email) }
            let before = try await AuditEvent.query(on: app.db).count()
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for round in 0..<48 {
                    let email = emails[round % emails.count]
                    group.addTask {
                        try await app.api(.POST, "/sessions", json: ["email": email, "password": "correct horse"]).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 != .created }.isEmpty, "\(statuses.map(\.code))")
            // One event per sign-in, each linked to the one before.
            let events = try await AuditEvent.query(on: app.db).count()
            #expect(events - before >= 48, "\(events - before)")
            #expect(try await AuditLog(now: { Date() }).verify(on: app.db) == .intact(count: events))
        }
    }
}
