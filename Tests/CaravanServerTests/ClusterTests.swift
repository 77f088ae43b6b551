import Fluent
import FluentSQL
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CaravanServer

/// Two instances on one database (PostgreSQL when the tests have one, else one SQLite file): what one writes,
/// the other's indexes and caches learn; the sign-in throttle counts across both; background work runs once.
/// (Many instances are a PostgreSQL deployment; on SQLite these tests check the same mechanism on one file.)
@Suite struct ClusterTests {
    static let java = SearchTests.azizProfile

    /// `body` gets the first instance (migrated, as `withTestApp` gives it) and a second one on the same database,
    /// the same data folder and keys, both with their indexes warm.
    func withTwoInstances(_ body: (Application, Application) async throws -> Void) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("caravan-cluster-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let shared: AppConfiguration.Database = TestDatabase.postgresURL.map { .postgres($0) } ?? .sqliteFile(file)
        try await withTestApp(database: TestDatabase.postgresURL == nil ? shared : nil) { first in
            // As `serve` runs a SQLite file: in WAL mode (a writer's commit does not wait for readers).
            if TestDatabase.postgresURL == nil, let sql = first.db as? any SQLDatabase {
                try await sql.raw("PRAGMA journal_mode=WAL").run()
            }
            let second = try await Application.make(.testing)
            do {
                var configuration = AppConfiguration.testing(database: shared)
                configuration.dataDirectory = first.caravanConfiguration.dataDirectory
                configuration.dataKeys = first.caravanConfiguration.dataKeys
                try await configure(second, configuration: configuration, dependencies: first.dependencies)
                try await first.warmIndexes()
                try await second.warmIndexes()
                try await body(first, second)
            } catch {
                await second.changeFeed.stop()
                try? await second.asyncShutdown()
                throw error
            }
            await second.changeFeed.stop()
            try await second.asyncShutdown()
        }
    }

    @Test func aProfileSavedOnOneInstanceIsFoundAndMatchedOnTheOther() async throws {
        try await withTwoInstances { first, second in
            // setup: an employer with a published vacancy, a specialist; both instances' indexes are warm
            let hr = try await VacanciesTests().employer(first)
            let created = try await first.api(.POST, "/vacancies", raw: VacanciesTests.javaVacancy, token: hr)
            #expect(created.status == .created)
            struct Identified: Decodable { let id: String }
            let vacancy = try created.json(Identified.self).id
            try await first.signUp(email: "aziz@example.uz")
            let aziz = try await first.token(email: "aziz@example.uz")
            _ = try await second.changeFeed.catchUp(second)
            #expect(try await second.api(.GET, "/search/specialists?q=java", token: hr).json(SearchTests.SpecialistsFound.self).total == 0)
            // act: the profile is saved through the first instance
            #expect(try await first.api(.PUT, "/profile", raw: Self.java, token: aziz).status == .ok)
            let applied = try await second.changeFeed.catchUp(second)
            // check: the second finds and ranks him, and finds the vacancy for him
            #expect(applied >= 1)
            #expect(try await second.api(.GET, "/search/specialists?q=java", token: hr).json(SearchTests.SpecialistsFound.self).total == 1)
            let candidates = try await second.api(.GET, "/vacancies/\(vacancy)/candidates", token: hr)
            #expect(candidates.text.contains("Test Person"), "\(candidates.text)")
            let matches = try await second.api(.GET, "/me/vacancy-matches", token: aziz)
            #expect(matches.text.contains(vacancy), "\(matches.text)")
            // A vacancy closed on the second leaves the first's search.
            #expect(try await second.api(.PUT, "/vacancies/\(vacancy)", raw: VacanciesTests.javaVacancy.replacingOccurrences(of: "published", with: "closed"), token: hr).status == .ok)
            _ = try await first.changeFeed.catchUp(first)
            #expect(try await first.api(.GET, "/search/vacancies?q=java", token: aziz).json(SearchTests.VacanciesFound.self).total == 0)
        }
    }

    @Test func aSignOutOnOneInstanceEndsTheTokenOnTheOther() async throws {
        try await withTwoInstances { first, second in
            // setup: the token is known (cached) on the second
            try await first.signUp(email: "aziz@example.uz")
            let token = try await first.token(email: "aziz@example.uz")
            #expect(try await second.api(.GET, "/me/vacancy-matches", token: token).status == .ok)
            // act
            #expect(try await first.api(.DELETE, "/sessions/current", token: token).status == .noContent)
            _ = try await second.changeFeed.catchUp(second)
            // check
            #expect(try await second.api(.GET, "/me/vacancy-matches", token: token).status == .unauthorized)
        }
    }

    @Test func theSignInThrottleCountsFailuresOnEveryInstance() async throws {
        try await withTwoInstances { first, second in
            // setup
            try await first.signUp(email: "target@example.am")
            // act: five wrong passwords, alternating instances and sent at once (on SQLite, where two instances in one
            // process would share two threads among four connections, the first instance takes them all)
            let apps = TestDatabase.postgresURL == nil ? [first, first] : [first, second]
            try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for attempt in 0..<5 {
                    let app = apps[attempt % 2]
                    group.addTask { try await app.api(.POST, "/sessions", json: ["email": "target@example.am", "password": "wrong \(attempt)"]).status }
                }
                for try await status in group { #expect(status == .unauthorized) }
            }
            // check: both refuse even the right password now
            #expect(try await first.api(.POST, "/sessions", json: ["email": "target@example.am", "password": "correct horse"]).status == .tooManyRequests)
            #expect(try await second.api(.POST, "/sessions", json: ["email": "target@example.am", "password": "correct horse"]).status == .tooManyRequests)
            // The table names no e-mail.
            let keys = try await SignInFailure.query(on: first.db).all().map(\.key)
            #expect(!keys.isEmpty && keys.allSatisfy { !$0.contains("@") })
        }
    }

    @Test func anHourOfBackgroundWorkIsClaimedByOneInstance() async throws {
        try await withTwoInstances { first, second in
            // act: eight claims for one hour at once, from both instances
            let now = first.dependencies.now()
            let slot = RunOnce.hour(of: now)
            let claims = try await withThrowingTaskGroup(of: Bool.self) { group in
                for attempt in 0..<8 {
                    let app = attempt.isMultiple(of: 2) ? first : second
                    group.addTask { try await RunOnce.claim(GraceSweeper.job, slot: slot, instance: app.changeFeed.origin, at: now, on: app.db) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // check
            #expect(claims.filter { $0 }.count == 1)
            #expect(try await ScheduledRun.query(on: first.db).count() == 1)
            #expect(try await RunOnce.claim(GraceSweeper.job, slot: RunOnce.hour(of: now.addingTimeInterval(3600)), instance: second.changeFeed.origin, at: now, on: second.db))
        }
    }
}
