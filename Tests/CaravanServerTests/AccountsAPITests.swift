import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct AccountsAPITests {
    @Test func signUpSignInReadMeAndSignOut() async throws {
        try await withTestApp { app in
            // act
            let account = try await app.signUp(email: " Aziz@Example.UZ ", name: "Азиз Каримов")
            let token = try await app.token(email: "aziz@example.uz")
            let me = try await app.api(.GET, "/me", token: token)
            let signOut = try await app.api(.DELETE, "/sessions/current", token: token)
            let after = try await app.api(.GET, "/me", token: token, language: "en")

            // check
            #expect(account.email == "aziz@example.uz")
            #expect(account.role == "specialist")
            #expect(me.status == .ok)
            #expect(try me.json(AccountBody.self).id == account.id)
            #expect(signOut.status == .noContent)
            #expect(after.status == .unauthorized)
            let problem = try after.json(ProblemBody.self)
            #expect(problem.type == "urn:caravan:problem:token-revoked")
            #expect(problem.title == "Token revoked")
            #expect(after.headers.contentType?.description.hasPrefix("application/problem+json") == true)
        }
    }

    @Test func invalidSignUpAnswers422WithEveryFieldInTheCallersLanguageAndChangesNothing() async throws {
        try await withTestApp { app in
            let bad = ["email": "not-an-email", "password": "short", "displayName": "", "role": "admin", "consent": "2026.1"]
            let russian = try await app.api(.POST, "/accounts", json: bad, language: "ru-RU,ru;q=0.9")
            let english = try await app.api(.POST, "/accounts", json: bad, language: "en")

            #expect(russian.status == .unprocessableEntity)
            let ru = try russian.json(ProblemBody.self)
            let en = try english.json(ProblemBody.self)
            #expect(ru.type == "urn:caravan:problem:validation")
            #expect(Set(ru.errors?.map(\.field) ?? []) == ["email", "password", "displayName", "role"])
            #expect(ru.errors?.first { $0.field == "role" }?.code == "role.notAllowed")
            #expect(ru.errors?.first { $0.field == "password" }?.message == "Пароль должен быть не короче 10 символов.")
            #expect(en.errors?.first { $0.field == "password" }?.message == "The password must be at least 10 characters long.")
            #expect(try await User.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).count() == 0)
        }
    }

    @Test func missingOrMistypedFieldsAreFieldErrorsAndGarbageIsABadRequest() async throws {
        try await withTestApp { app in
            let missing = try await app.api(.POST, "/accounts", raw: #"{"email":"a@b.co","displayName":"A","role":"specialist"}"#, language: "en")
            let mistyped = try await app.api(.POST, "/accounts", raw: #"{"email":42,"password":"correct horse","displayName":"A","role":"specialist"}"#)
            let garbage = try await app.api(.POST, "/accounts", raw: "\u{0}\u{1}not json at all")
            let empty = try await app.api(.POST, "/accounts", raw: "")

            #expect(missing.status == .unprocessableEntity)
            #expect(try missing.json(ProblemBody.self).errors?.first?.field == "password")
            #expect(try missing.json(ProblemBody.self).errors?.first?.code == "field.required")
            #expect(mistyped.status == .unprocessableEntity)
            #expect(try mistyped.json(ProblemBody.self).errors?.first?.field == "email")
            #expect(garbage.status == .badRequest)
            #expect(try garbage.json(ProblemBody.self).type == "urn:caravan:problem:malformed-request")
            #expect(empty.status == .badRequest)
            #expect(try await User.query(on: app.db).count() == 0)
        }
    }

    @Test func aDuplicateSignUpIsAConflict() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "dup@example.kz")
            let again = try await app.api(.POST, "/accounts", json: ["email": "DUP@example.kz", "password": "another pass", "displayName": "B", "role": "employer", "consent": "2026.1"])
            #expect(again.status == .conflict)
            #expect(try again.json(ProblemBody.self).type == "urn:caravan:problem:account-email-taken")
            #expect(try await User.query(on: app.db).count() == 1)
        }
    }

    @Test func aWrongPasswordAndAnUnknownAccountAnswerAlike() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "known@example.kg")
            let wrongPassword = try await app.api(.POST, "/sessions", json: ["email": "known@example.kg", "password": "not the password"])
            let unknown = try await app.api(.POST, "/sessions", json: ["email": "nobody@example.kg", "password": "not the password"])
            #expect(wrongPassword.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrongPassword.text == unknown.text)
        }
    }

    @Test func repeatedFailuresAreThrottledPerAccountThenLiftedByTime() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await app.signUp(email: "target@example.am")
            for _ in 0..<5 {
                let failure = try await app.api(.POST, "/sessions", json: ["email": "target@example.am", "password": "guess guess"])
                #expect(failure.status == .unauthorized)
            }
            // Even the right password is refused while the account is throttled.
            let throttled = try await app.api(.POST, "/sessions", json: ["email": "target@example.am", "password": "correct horse"])
            #expect(throttled.status == .tooManyRequests)
            #expect(Int(throttled.headers.first(name: .retryAfter) ?? "") == 900)
            #expect(try throttled.json(ProblemBody.self).type == "urn:caravan:problem:throttled")

            clock.advance(by: 15 * 60)
            let later = try await app.api(.POST, "/sessions", json: ["email": "target@example.am", "password": "correct horse"])
            #expect(later.status == .created)
        }
    }

    @Test func tokensExpireAndUnknownTokensAreRefused() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await app.signUp(email: "clock@example.by")
            let session = try await app.api(.POST, "/sessions", json: ["email": "clock@example.by", "password": "correct horse"])
            let body = try session.json(SessionBody.self)
            #expect(body.tokenType == "Bearer")
            #expect(body.expiresAt.timeIntervalSince(clock.now).rounded() == 30 * 24 * 3600)

            clock.advance(by: 30 * 24 * 3600 + 1)
            let expired = try await app.api(.GET, "/me", token: body.token)
            #expect(expired.status == .unauthorized)
            #expect(try expired.json(ProblemBody.self).type == "urn:caravan:problem:token-expired")

            let unknown = try await app.api(.GET, "/me", token: "made-up")
            #expect(try unknown.json(ProblemBody.self).type == "urn:caravan:problem:token-invalid")
            let none = try await app.api(.GET, "/me")
            #expect(none.status == .unauthorized)
            #expect(try none.json(ProblemBody.self).type == "urn:caravan:problem:authentication-required")
        }
    }

    @Test func onlyTheTokensHashIsStored() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "hash@example.uz")
            let token = try await app.token(email: "hash@example.uz")
            let stored = try #require(try await APIToken.query(on: app.db).first())
            #expect(stored.tokenHash != token)
            #expect(stored.tokenHash == APIToken.hash(token))
            let user = try #require(try await User.query(on: app.db).first())
            #expect(user.passwordHash.hasPrefix("$2"))
            #expect(!user.passwordHash.contains("correct horse"))
        }
    }

    @Test func oversizedBodiesWrongMethodsAndUnknownPathsGetProblems() async throws {
        try await withTestApp { app in
            let huge = #"{"email":""# + String(repeating: "a", count: 100_000) + #""}"#
            let tooLarge = try await app.api(.POST, "/accounts", raw: huge)
            #expect(tooLarge.status == .payloadTooLarge)
            #expect(try tooLarge.json(ProblemBody.self).type == "urn:caravan:problem:payload-too-large")

            let wrongMethod = try await app.api(.PUT, "/me")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers.first(name: .allow) == "GET")

            let unknown = try await app.api(.GET, "/nothing/here")
            #expect(unknown.status == .notFound)
            #expect(try unknown.json(ProblemBody.self).type == "urn:caravan:problem:not-found")
        }
    }
}
