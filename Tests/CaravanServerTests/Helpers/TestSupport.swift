@testable import CaravanServer
import Fluent
import FluentSQL
import Foundation
import Testing
import Vapor
import VaporTesting

/// A clock tests move by hand. Anything time-dependent (token expiry, throttling, audit times) reads it.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        current = start
    }

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}

/// Test tokens are predictable (`token-1`, `token-2`, ...) so a test can tell which one it holds.
final class TokenSequence: @unchecked Sendable {
    private let lock = NSLock()
    private var counter = 0

    func next() -> String {
        lock.withLock {
            counter += 1
            return "test-token-\(counter)-\(UUID().uuidString)"
        }
    }
}

/// Keeps every e-mail the app sends, so a test can read what went out.
actor RecordingMailSender: MailSender {
    private(set) var sent: [Mail] = []

    func send(_ mail: Mail) async throws {
        sent.append(mail)
    }
}

/// The database the server suite runs on: in-memory SQLite, or PostgreSQL when
/// `CARAVAN_TEST_DATABASE_URL` is set (scripts/test sets it to a throwaway cluster).
enum TestDatabase {
    static let postgresURL: URL? = ProcessInfo.processInfo.environment["CARAVAN_TEST_DATABASE_URL"]
        .flatMap { $0.isEmpty ? nil : URL(string: $0) }

    /// PostgreSQL tests share one database, so they take turns; SQLite tests each have their own and do not wait.
    static let turns = AsyncTurnstile()
}

/// One test at a time through here; the others wait their turn.
actor AsyncTurnstile {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// Boots Caravan in memory on a fresh, migrated database, runs `body`, and always shuts down.
func withTestApp(
    clock: TestClock = TestClock(),
    migrate: Bool = true,
    database: AppConfiguration.Database? = nil,
    mail: RecordingMailSender = RecordingMailSender(),
    _ body: (Application) async throws -> Void
) async throws {
    let usesSharedPostgres = database == nil && TestDatabase.postgresURL != nil
    if usesSharedPostgres { await TestDatabase.turns.enter() }
    let tokens = TokenSequence()
    let app = try await Application.make(.testing)
    do {
        let choice = database ?? TestDatabase.postgresURL.map { .postgres($0) } ?? .sqliteMemory
        try await configure(
            app, configuration: .testing(database: choice),
            dependencies: Dependencies(now: { clock.now }, newToken: { tokens.next() }, mailSender: { _ in mail })
        )
        if usesSharedPostgres, let sql = app.db as? any SQLDatabase {
            // A clean schema for every test: what one test wrote never leaks into the next.
            try await sql.raw("DROP SCHEMA public CASCADE").run()
            try await sql.raw("CREATE SCHEMA public").run()
        }
        if migrate { try await app.autoMigrate() }
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        if usesSharedPostgres { await TestDatabase.turns.leave() }
        throw error
    }
    try await app.asyncShutdown()
    if usesSharedPostgres { await TestDatabase.turns.leave() }
}

extension TestingHTTPResponse {
    /// The body decoded as JSON (a test failure, not a crash, when it is not).
    func json<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder.api.decode(T.self, from: Data(body.readableBytesView))
    }

    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }
}

extension JSONDecoder {
    static let api: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// What the API's problem+json looks like to a client.
struct ProblemBody: Decodable {
    struct FieldError: Decodable {
        let field: String
        let code: String
        let message: String
    }

    let type: String
    let title: String
    let status: Int
    let detail: String?
    let errors: [FieldError]?
    let currentStage: String?
}

struct AccountBody: Decodable {
    let id: String
    let email: String
    let displayName: String
    let role: String
    let language: String
}

struct SessionBody: Decodable {
    let token: String
    let tokenType: String
    let expiresAt: Date
    let account: AccountBody
}

extension Application {
    /// A JSON API call.
    func api(
        _ method: HTTPMethod, _ path: String, json: [String: String]? = nil, raw: String? = nil,
        token: String? = nil, language: String? = nil
    ) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if json != nil || raw != nil { headers.contentType = .json }
        if let token { headers.bearerAuthorization = .init(token: token) }
        if let language { headers.replaceOrAdd(name: .acceptLanguage, value: language) }
        var body: ByteBuffer?
        if let json { body = ByteBuffer(bytes: try JSONEncoder().encode(json)) }
        if let raw { body = ByteBuffer(string: raw) }
        return try await sendRequest(method, "/api/v1" + path, headers: headers, body: body)
    }

    /// Signs up through the API and returns the account.
    @discardableResult
    func signUp(email: String, password: String = "correct horse", name: String = "Test Person", role: String = "specialist") async throws -> AccountBody {
        let response = try await api(.POST, "/accounts", json: ["email": email, "password": password, "displayName": name, "role": role, "consent": "2026.1"])
        #expect(response.status == .created, "sign-up failed: \(response.text)")
        return try response.json()
    }

    /// Signs in through the API and returns the bearer token.
    func token(email: String, password: String = "correct horse") async throws -> String {
        let response = try await api(.POST, "/sessions", json: ["email": email, "password": password])
        #expect(response.status == .created, "sign-in failed: \(response.text)")
        return try response.json(SessionBody.self).token
    }
}
