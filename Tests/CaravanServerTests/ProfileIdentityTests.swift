import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The applicant's birth date and passport live on the profile; the permit case takes them from there.
@Suite struct ProfileIdentityTests {
    struct IdentityBody: Decodable {
        let birthDate: String?
        let passportNumber: String?
        let passportExpiresOn: String?
    }

    struct Problem: Decodable {
        struct Field: Decodable {
            let field: String
            let code: String
        }

        let errors: [Field]?
    }

    @Test func throughTheAPIEveryProblemAtOnceAndNothingSaved() async throws {
        let clock = TestClock()  // 2026-11-18
        try await withTestApp(clock: clock) { app in
            try await app.signUp(email: "aziz@example.uz")
            let token = try await app.token(email: "aziz@example.uz")
            let bad = try await app.api(.PUT, "/profile", raw: #"{"birthDate":"2030-01-01","passportNumber":"A-1","passportExpiresOn":"2026-11-17"}"#, token: token)
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.json(Problem.self).errors?.map(\.code).sorted() == ["date.future", "passport.expired", "passport.numberInvalid"])
            #expect(try await app.api(.GET, "/profile", token: token).json(IdentityBody.self).birthDate == nil)

            let good = try await app.api(.PUT, "/profile", raw: #"{"birthDate":"1990-05-14","passportNumber":"aa 123-45 68","passportExpiresOn":"2026-11-18"}"#, token: token)
            #expect(good.status == .ok, "\(good.text)")
            let saved = try good.json(IdentityBody.self)
            #expect(saved.birthDate == "1990-05-14" && saved.passportNumber == "AA1234568" && saved.passportExpiresOn == "2026-11-18")
        }
    }

    @Test func thePageKeepsWhatWasTypedAndTheCaseDoesNotAskAgain() async throws {
        try await withTestApp { app in
            let tests = PermitTests()
            let (aziz, _, _, employer, application) = try await tests.hired(app)
            try await aziz.get("/profile")
            let refused = try await aziz.post("/profile/identity", form: ["birthDate": "1890-01-01", "passportNumber": "AB3456789", "passportExpiresOn": ""])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("value=\"AB3456789\""))
            try await aziz.get("/profile")
            #expect(try await aziz.post("/profile/identity", form: ["birthDate": "1990-05-14", "passportNumber": "AB 3456789", "passportExpiresOn": "2031-08-20"]).status == .seeOther)
            let profile = try await aziz.get("/profile")
            #expect(profile.text.contains("value=\"1990-05-14\"") && profile.text.contains("value=\"AB3456789\""))

            // Opening the case takes the principal's birth date and passport number from the profile.
            try await aziz.get("/permits")
            #expect(try await aziz.post("/permits/open", form: ["application": application]).status == .seeOther)
            let opened = try #require(try await PermitCase.query(on: app.db).first())
            #expect(opened.persons[0].birthDate == "1990-05-14")
            #expect(opened.persons[0].passportNumber == "AB3456789")
            // The sponsor never sees them: not on the case page, not among the candidates.
            let sponsorView = try await employer.get("/permits/\(try opened.requireID().uuidString.lowercased())")
            #expect(!sponsorView.text.contains("AB3456789") && !sponsorView.text.contains("1990"))
        }
    }
}
