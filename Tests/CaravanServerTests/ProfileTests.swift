import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct ProfileTests {
    static let family = #"[{"name":"Дилноза Каримова","relation":"spouse","birthDate":"1992-04-01","citizenship":"UZ"},{"name":"Тимур","relation":"child","birthDate":"2016-09-10","citizenship":"UZ"}]"#

    @Test func aSpecialistFillsTheProfileThroughTheAPI() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "aziz@example.uz")
            let token = try await app.token(email: "aziz@example.uz")
            let empty = try await app.api(.GET, "/profile", token: token, language: "en")
            #expect(empty.status == .ok)
            #expect(try empty.json(ProfileBody.self).completeness.percent == 0)
            #expect(try empty.json(ProfileBody.self).completeness.next == "Add a headline: what you do.")

            let body = #"{"headline":"Backend developer","citizenship":"uz","countryOfResidence":"UZ","city":"Ташкент","russianLevel":"b2","expectedSalary":250000,"remote":"hybrid","relocation":true,"skills":[{"skill":"java","level":4,"years":6},{"skill":"spring-boot","level":4,"years":4},{"skill":"postgresql","level":3,"years":5}],"family":\#(Self.family)}"#
            let saved = try await app.api(.PUT, "/profile", raw: body, token: token)
            #expect(saved.status == .ok, "\(saved.text)")
            let profile = try saved.json(ProfileBody.self)
            #expect(profile.citizenship == "UZ")
            #expect(profile.russianLevel == "B2")
            #expect(profile.skills.map(\.skill) == ["java", "spring-boot", "postgresql"])
            #expect(profile.family.count == 2)
            #expect(profile.completeness.percent == 85)
        }
    }

    @Test func everyProblemIsReportedAndNothingIsSaved() async throws {
        let clock = TestClock()  // 2026-11-18
        try await withTestApp(clock: clock) { app in
            try await app.signUp(email: "bad@example.uz")
            let token = try await app.token(email: "bad@example.uz")
            let body = #"{"citizenship":"XX","phone":"call me","expectedSalary":-5,"remote":"mars","skills":[{"skill":"cobol-on-wheels","level":9,"years":-1},{"skill":"java","level":3,"years":2},{"skill":"java","level":3,"years":2}],"family":[{"name":"","relation":"cousin","birthDate":"2999-01-01","citizenship":"UZ"},{"name":"A","relation":"spouse","birthDate":"1990-01-01","citizenship":"UZ"},{"name":"B","relation":"spouse","birthDate":"1990-02-30","citizenship":"UZ"}]}"#
            let response = try await app.api(.PUT, "/profile", raw: body, token: token, language: "en")
            #expect(response.status == .unprocessableEntity)
            let errors = Dictionary(grouping: try response.json(ProblemBody.self).errors ?? [], by: \.field).mapValues { $0.map(\.code) }
            #expect(errors["citizenship"] == ["country.unknown"])
            #expect(errors["phone"] == ["phone.invalid"])
            #expect(errors["expectedSalary"] == ["salary.invalid"])
            #expect(errors["remote"] == ["remote.unknown"])
            #expect(errors["skills[0].skill"] == ["skill.unknown"])
            #expect(errors["skills[0].level"] == ["skill.level"])
            #expect(errors["skills[0].years"] == ["skill.years"])
            #expect(errors["skills[2].skill"] == ["skill.duplicate"])
            #expect(errors["family[0].name"] == ["field.required"])
            #expect(errors["family[0].relation"] == ["relation.unknown"])
            #expect(errors["family[0].birthDate"] == ["date.future"])
            #expect(errors["family[2].birthDate"] == ["date.invalid"])
            #expect(errors["family"] == ["family.oneSpouse"])
            let stored = try await SpecialistProfile.query(on: app.db).first()
            #expect(stored?.skills.isEmpty ?? true)
        }
    }

    @Test(arguments: Role.allCases.filter { $0 != .specialist })
    func onlySpecialistsHaveProfiles(role: Role) async throws {
        try await withTestApp { app in
            _ = try await AccountService(app: app).create(.init(email: "x@example.org", password: "correct horse", displayName: "X", role: role.rawValue), by: nil, asOperator: true)
            let token = try await app.token(email: "x@example.org")
            #expect(try await app.api(.GET, "/profile", token: token).status == .forbidden)
        }
    }

    @Test func theProfilePageResolvesSkillsAsPeopleTypeThem() async throws {
        try await withTestApp { app in
            let browser = WebClient(app, acceptLanguage: "ru")
            try await browser.get("/signup")
            try await browser.post("/signup", form: ["role": "specialist", "displayName": "Азиз", "email": "aziz@example.uz", "password": "correct horse"])
            let page = try await browser.get("/profile")
            #expect(page.status == .ok)
            #expect(page.text.contains("Профиль заполнен на 0 %"))

            #expect(try await browser.post("/profile/skills", form: ["skill": "джава", "level": "4", "years": "6"]).status == .seeOther)
            #expect(try await browser.post("/profile/skills", form: ["skill": "Spring Boot", "level": "4", "years": "3,5"]).status == .seeOther)
            let unknown = try await browser.post("/profile/skills", form: ["skill": "абракадабра", "level": "3", "years": "1"])
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains("Не нашли навык «абракадабра»"))
            let profile = try #require(try await SpecialistProfile.query(on: app.db).first())
            #expect(profile.skills.map(\.skill) == ["java", "spring-boot"])
            #expect(profile.skills.last?.years == 3.5)

            let badMember = try await browser.post("/profile/family", form: ["name": "Тимур", "relation": "child", "birthDate": "2999-01-01", "citizenship": "UZ"])
            #expect(badMember.status == .unprocessableEntity)
            #expect(badMember.text.contains("Дата не может быть в будущем."))
            #expect(try await browser.post("/profile/family", form: ["name": "Тимур", "relation": "child", "birthDate": "2016-09-10", "citizenship": "UZ"]).status == .seeOther)
            #expect(try await browser.post("/profile", form: ["headline": "Backend", "citizenship": "UZ", "russianLevel": "B1", "remote": "any"]).status == .seeOther)
            let after = try await browser.get("/profile")
            #expect(after.text.contains("Тимур"))
            #expect(after.text.contains("Spring Boot"))
            #expect(try await browser.post("/profile/skills/remove", form: ["skill": "java"]).status == .seeOther)
            let reloaded = try #require(try await SpecialistProfile.query(on: app.db).first())
            #expect(reloaded.skills.map(\.skill) == ["spring-boot"])
            #expect(reloaded.family.map(\.name) == ["Тимур"])
        }
    }
}

struct ProfileBody: Decodable {
    struct Skill: Decodable {
        let skill: String
        let level: Int
        let years: Double
    }

    struct Member: Decodable {
        let name: String
        let relation: String
    }

    struct Completeness: Decodable {
        let percent: Int
        let next: String?
    }

    let citizenship: String?
    let russianLevel: String?
    let skills: [Skill]
    let family: [Member]
    let completeness: Completeness
}
