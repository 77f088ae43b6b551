import AsyncKit
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

    /// Past the pool's wait for a connection the request is answered 503 with Retry-After and the reason in the
    /// reader's language: the server is busy, nothing is wrong with the request (before, an unhandled 500).
    @Test func noConnectionInTimeIsA503WithRetryAfterInTheReadersLanguage() async throws {
        struct NoConnection: Responder {
            func respond(to request: Request) -> EventLoopFuture<Response> {
                request.eventLoop.makeFailedFuture(ConnectionPoolTimeoutError.connectionRequestTimeout)
            }
        }
        try await withTestApp { app in
            for (language, title) in [("ru", "Сервис перегружен"), ("en", "The service is busy")] {
                let request = Request(application: app, method: .POST, url: "/api/v1/sessions",
                                      headers: ["Accept-Language": language], on: app.eventLoopGroup.next())
                let response = try await CaravanErrorMiddleware().respond(to: request, chainingTo: NoConnection()).get()
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers.first(name: "Retry-After") == "5")
                let problem = try JSONDecoder().decode(ProblemBody.self, from: Data((response.body.buffer ?? ByteBuffer()).readableBytesView))
                #expect(problem.type == "urn:caravan:problem:busy" && problem.status == 503)
                #expect(problem.title == title)
            }
        }
    }

    /// A SQLite error is logged and judged by its result code alone, never its message (which can quote a row).
    @Test func aSQLiteErrorIsKnownByItsCodeAlone() async throws {
        try await withTestApp(database: .sqliteMemory) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            do {
                try await sql.raw("INSERT INTO audit_events (sequence) VALUES ('passport 1234567')").run()
                Issue.record("the insert was taken")
            } catch {
                let code = CaravanErrorMiddleware.sqliteCode(of: error)
                #expect(code == "constraintNotNullFailed", "\(String(describing: code))")
            }
            #expect(CaravanErrorMiddleware.sqliteCode(of: ConnectionPoolTimeoutError.connectionRequestTimeout) == nil)
        }
    }
}
