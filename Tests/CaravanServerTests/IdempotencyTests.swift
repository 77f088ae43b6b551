@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A create sent twice — a client's retry, a double click — makes one thing, on SQLite and PostgreSQL.
@Suite struct IdempotencyTests {
    static let vacancy = VacanciesTests.javaVacancy

    func createVacancy(_ app: Application, token: String, key: String?, body: String = vacancy) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.bearerAuthorization = .init(token: token)
        if let key { headers.replaceOrAdd(name: IdempotencyMiddleware.headerName, value: key) }
        return try await app.sendRequest(.POST, "/api/v1/vacancies", headers: headers, body: ByteBuffer(string: body))
    }

    @Test func aRepeatedKeyGetsTheStoredAnswerAndWritesNothing() async throws {
        try await withTestApp { app in
            // setup
            let hr = try await VacanciesTests().employer(app)
            // act
            let first = try await createVacancy(app, token: hr, key: "retry-1")
            let again = try await createVacancy(app, token: hr, key: "retry-1")
            let otherBody = try await createVacancy(app, token: hr, key: "retry-1", body: Self.vacancy.replacingOccurrences(of: "Казань", with: "Москва"))
            let badKey = try await createVacancy(app, token: hr, key: "has a space")
            // check
            #expect(first.status == .created)
            #expect(first.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(again.status == .created)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try again.json(VacancyBody.self).id == first.json(VacancyBody.self).id)
            #expect(otherBody.status == .conflict)
            #expect(try otherBody.json(ProblemBody.self).type == "urn:caravan:problem:idempotency-key-reused")
            #expect(badKey.status == .badRequest)
            #expect(try await Vacancy.query(on: app.db).count() == 1)
            // The stored body is sealed, not readable in the table.
            let record = try #require(try await IdempotencyRecord.query(on: app.db).first())
            #expect(!String(decoding: record.body, as: UTF8.self).contains("Java"))
        }
    }

    @Test func aCreateWithoutAnAccountIsRefusedAs401WhateverTheKey() async throws {
        try await withTestApp { app in
            // setup: a signed-in employer has used the key already
            let hr = try await VacanciesTests().employer(app)
            _ = try await createVacancy(app, token: hr, key: "shared-key")
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.replaceOrAdd(name: IdempotencyMiddleware.headerName, value: "shared-key")
            // act: the same key twice without an account, with different bodies
            let first = try await app.sendRequest(.POST, "/api/v1/vacancies", headers: headers, body: ByteBuffer(string: Self.vacancy))
            let second = try await app.sendRequest(.POST, "/api/v1/vacancies", headers: headers, body: ByteBuffer(string: Self.vacancy.replacingOccurrences(of: "Java", with: "Kotlin")))
            // check
            #expect(first.status == .unauthorized)
            #expect(second.status == .unauthorized)
            #expect(try await IdempotencyRecord.query(on: app.db).count() == 1)
        }
    }

    @Test func aRefusedRequestIsNotStoredAndItsRepeatIsTriedAfresh() async throws {
        try await withTestApp { app in
            // setup: an employer without a company is refused
            try await app.signUp(email: "homeless@kazan.example", role: "employer")
            let token = try await app.token(email: "homeless@kazan.example")
            // act
            let refused = try await createVacancy(app, token: token, key: "k-1")
            // check
            #expect(refused.status.code >= 400 && refused.status.code < 500)
            #expect(try await IdempotencyRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func concurrentRepeatsOfOneKeyCreateOneVacancy() async throws {
        try await withTestApp { app in
            // setup
            let hr = try await VacanciesTests().employer(app)
            // act: eight at once, one key
            let answers = try await withThrowingTaskGroup(of: (UInt, String?).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await createVacancy(app, token: hr, key: "same-moment")
                        return (response.status.code, try? response.json(VacancyBody.self).id)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // check
            #expect(answers.allSatisfy { $0.0 == 201 }, "\(answers)")
            #expect(Set(answers.compactMap(\.1)).count == 1)
            #expect(try await Vacancy.query(on: app.db).count() == 1)
            #expect(try await IdempotencyRecord.query(on: app.db).count() == 1)
        }
    }

    @Test func concurrentSignUpsWithOneKeyCreateOneAccount() async throws {
        try await withTestApp { app in
            let body = #"{"email":"aziz@example.uz","password":"correct horse","displayName":"Aziz","role":"specialist","consent":"2026.1"}"#
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        var headers = HTTPHeaders()
                        headers.contentType = .json
                        headers.replaceOrAdd(name: IdempotencyMiddleware.headerName, value: "signup-1")
                        return try await app.sendRequest(.POST, "/api/v1/accounts", headers: headers, body: ByteBuffer(string: body)).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Without the key five of these would be 409 (the address is taken); with it all get the first answer.
            #expect(statuses == Array(repeating: 201, count: 6))
            #expect(try await User.query(on: app.db).count() == 1)
        }
    }

    /// The page form's token, as a browser would send it back.
    static func formToken(in html: String) throws -> String {
        let range = try #require(html.range(of: #"name="form_token" value="[^"]+""#, options: .regularExpression))
        return String(html[range].split(separator: "\"")[3])
    }

    /// A form post with the browser's cookies, sent without waiting for another (a double click).
    static func post(_ app: Application, _ path: String, cookies: [String: String], form: [String: String]) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        headers.replaceOrAdd(name: .accept, value: "text/html")
        headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        var components = URLComponents()
        components.queryItems = form.map { URLQueryItem(name: $0.key, value: $0.value) }
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try await app.sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: encoded))
    }

    @Test func aVacancyFormSubmittedTwiceCreatesOneVacancy() async throws {
        try await withTestApp { app in
            // setup
            _ = try await VacanciesTests().employer(app)
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signin")
            try await browser.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            let page = try await browser.get("/vacancies")
            let form = ["title": "Go developer", "requiredSkills": "Golang 4", "city": "Москва", "workArrangement": "onsite",
                        "status": "draft", "csrf": try #require(browser.lastCSRF), "form_token": try Self.formToken(in: page.text)]
            // act: two at once, then a third later (the back button)
            async let one = Self.post(app, "/vacancies", cookies: browser.cookies, form: form)
            async let two = Self.post(app, "/vacancies", cookies: browser.cookies, form: form)
            let (first, second) = try await (one, two)
            let third = try await Self.post(app, "/vacancies", cookies: browser.cookies, form: form)
            // check
            #expect(first.status == .seeOther)
            #expect(second.status == .seeOther)
            #expect(third.status == .seeOther)
            let location = first.headers.first(name: .location)
            #expect(location != nil && second.headers.first(name: .location) == location && third.headers.first(name: .location) == location)
            #expect(try await Vacancy.query(on: app.db).count() == 1)
        }
    }

    @Test func theSignUpFormSubmittedTwiceCreatesOneAccount() async throws {
        try await withTestApp { app in
            // setup
            let browser = WebClient(app, acceptLanguage: "en")
            let page = try await browser.get("/signup")
            let form = ["role": "employer", "displayName": "Елена Галиева", "email": "hr@kazan.example", "password": "correct horse",
                        "consent": "2026.1", "csrf": try #require(browser.lastCSRF), "form_token": try Self.formToken(in: page.text)]
            // act: a double click
            async let one = Self.post(app, "/signup", cookies: browser.cookies, form: form)
            async let two = Self.post(app, "/signup", cookies: browser.cookies, form: form)
            let (first, second) = try await (one, two)
            // check: one account; neither answer is an error about the address being taken. Which of the two the server
            // takes first is the scheduler's choice: that one is the 303; the other replays it, or (when the first's
            // sign-in already replaced the session both were sent with) is refused as a stale form.
            let statuses = [first.status, second.status]
            #expect(statuses.contains(.seeOther), "\(statuses)")
            #expect(statuses.allSatisfy { $0 == .seeOther || $0 == .forbidden }, "\(statuses)")
            #expect(try await User.query(on: app.db).count() == 1)
        }
    }
}

/// Inside an idempotent request the write's transaction holds the connection: code that asks the pool (`req.db`)
/// instead of `req.database` would wait for it until the pool times out.
@Suite struct RequestDatabaseTests {
    @Test func noRequestCodeAsksThePoolDirectly() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/CaravanServer")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var offenders: [String] = []
        for case let file as URL in files where file.pathExtension == "swift" && file.lastPathComponent != "IdempotencyMiddleware.swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.range(of: #"\b(req|request)\.db\b|sessions\.driver"#, options: .regularExpression) != nil {
                offenders.append("\(file.lastPathComponent):\(number + 1)")
            }
        }
        #expect(offenders.isEmpty, "use req.database: \(offenders)")
    }
}
