import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Logging
import Testing
import Vapor
import VaporTesting

/// Every log line of the test process, at debug level, so a test can prove what never reaches a log.
final class CapturedLogs: @unchecked Sendable {
    static let shared = CapturedLogs()
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }

    /// swift-log takes one bootstrap per process; the first test that needs the capture installs it.
    static let installed: Void = {
        // The same filter the executable installs, around a handler that remembers every line.
        LoggingSystem.bootstrap { label in PrivacyLogHandler(wrapping: CapturingHandler(label: label)) }
    }()
}

struct CapturingHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        CapturedLogs.shared.append("\(event.level) \(label): \(event.message) \(merged)")
    }
}

@Suite struct LoggingTests {
    @Test func noPasswordTokenOrEmailReachesTheLogs() async throws {
        _ = CapturedLogs.installed
        let email = "private.person.\(UUID().uuidString.prefix(8).lowercased())@example.uz"
        let password = "Secret-\(UUID().uuidString)"
        var token = ""
        try await withTestApp { app in
            app.logger.logLevel = .trace
            try await app.signUp(email: email, password: password)
            token = try await app.token(email: email, password: password)
            _ = try await app.api(.GET, "/me", token: token)
            _ = try await app.api(.POST, "/sessions", json: ["email": email, "password": password + "x"])
            _ = try await app.api(.POST, "/accounts", raw: #"{"email":"\#(email)","password":"\#(password)"}"#)
            let browser = WebClient(app)
            try await browser.get("/signin")
            try await browser.post("/signin", form: ["email": email, "password": password])
            try await browser.get("/account")
        }
        let logs = CapturedLogs.shared.all
        #expect(!logs.isEmpty, "the capture saw nothing, so it proves nothing")
        for secret in [email, password, token] where !secret.isEmpty {
            let leaking = logs.filter { $0.contains(secret) }
            #expect(leaking.isEmpty, "leaked into logs: \(leaking.prefix(3))")
        }
    }

    @Test func noFamilyMemberNameOrPassportNumberReachesTheLogs() async throws {
        _ = CapturedLogs.installed
        try await withTestApp { app in
            app.logger.logLevel = .trace
            // A family case from the profile to accepted passports, a ban by passport, a key rotation.
            _ = try await PersonalDataTests().sealedWorld(app)
            _ = try await KeyRotation(app: app, output: { app.logger.info("\($0)") }).run()
            let officer = try await PersonalDataTests().officerClient(app)
            let permitCase = try #require(try await PermitCase.query(on: app.db).first())
            try await officer.get("/permits/\(try permitCase.requireID().uuidString.lowercased())")
        }
        let logs = CapturedLogs.shared.all
        #expect(!logs.isEmpty, "the capture saw nothing, so it proves nothing")
        // Names as typed and as the registry normalises them; every passport number and birth date stored.
        let secrets = PersonalDataTests.plainSecrets + ["дилноза каримова", "тимур каримов"]
        for secret in secrets {
            let leaking = logs.filter { $0.contains(secret) }
            #expect(leaking.isEmpty, "leaked into logs: \(leaking.prefix(3))")
        }
    }
}
