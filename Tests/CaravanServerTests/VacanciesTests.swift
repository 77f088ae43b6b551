import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct VacanciesTests {
    static let javaVacancy = #"{"title":"Java-разработчик","requiredSkills":[{"skill":"java","level":4},{"skill":"spring-boot","level":3}],"niceToHaveSkills":["kafka"],"minimumYears":3,"salaryMin":200000,"salaryMax":350000,"city":"Казань","workArrangement":"hybrid","visaSupport":true,"familyRelocation":true,"status":"published"}"#

    /// An employer with a registered company, and their token.
    func employer(_ app: Application, email: String = "hr@kazan.example", inn: String = "7707083893", ogrn: String = "1027700132195") async throws -> String {
        try await app.signUp(email: email, role: "employer")
        let token = try await app.token(email: email)
        let company = try await app.api(.POST, "/companies", json: ["legalName": "ООО «Казань Софт» \(inn)", "inn": inn, "ogrn": ogrn, "city": "Казань", "size": "16-100"], token: token)
        #expect(company.status == .created)
        return token
    }

    @Test func aPublishedVacancyIsMatchedToASpecialistWithReasons() async throws {
        try await withTestApp { app in
            let hr = try await employer(app)
            let created = try await app.api(.POST, "/vacancies", raw: Self.javaVacancy, token: hr)
            #expect(created.status == .created, "\(created.text)")

            try await app.signUp(email: "aziz@example.uz")
            let aziz = try await app.token(email: "aziz@example.uz")
            let profile = #"{"citizenship":"UZ","city":"Ташкент","russianLevel":"B2","expectedSalary":250000,"relocation":true,"remote":"any","skills":[{"skill":"java","level":4,"years":6},{"skill":"postgresql","level":3,"years":4}]}"#
            #expect(try await app.api(.PUT, "/profile", raw: profile, token: aziz).status == .ok)

            let english = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "en")
            #expect(english.status == .ok, "\(english.text)")
            let matches = try english.json(MatchesBody.self).matches
            #expect(matches.count == 1)
            let texts = matches.first?.reasons.map(\.text) ?? []
            #expect(texts.contains("Java: your level fits (advanced)"))
            #expect(texts.contains("Spring Boot: partly counted through Java"))
            #expect(matches.first?.reasons.contains { $0.key == "match.location.relocation-supported" } == true)

            let russian = try await app.api(.GET, "/me/vacancy-matches", token: aziz, language: "ru")
            #expect(try russian.json(MatchesBody.self).matches.first?.reasons.map(\.text).contains { $0.hasPrefix("Spring Boot: засчитано частично через") } == true)

            // The matches page shows the same, in the language of the page.
            let browser = WebClient(app, acceptLanguage: "ru")
            try await browser.get("/signin")
            try await browser.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            let page = try await browser.get("/matches")
            #expect(page.status == .ok)
            #expect(page.text.contains("Java-разработчик"))
            #expect(page.text.contains("засчитано частично через"))
        }
    }

    @Test func draftsAndClosedVacanciesAreNotMatchedAndNotVisibleToOthers() async throws {
        try await withTestApp { app in
            let hr = try await employer(app)
            let draft = try await app.api(.POST, "/vacancies", raw: Self.javaVacancy.replacingOccurrences(of: #""published""#, with: #""draft""#), token: hr)
            let id = try draft.json(VacancyBody.self).id
            try await app.signUp(email: "aziz@example.uz")
            let aziz = try await app.token(email: "aziz@example.uz")
            #expect(try await app.api(.GET, "/me/vacancy-matches", token: aziz).json(MatchesBody.self).matches.isEmpty)
            #expect(try await app.api(.GET, "/vacancies/\(id)", token: aziz).status == .notFound)
            #expect(try await app.api(.GET, "/vacancies/\(id)", token: hr).status == .ok)
        }
    }

    @Test func anEmployerCannotTouchAnotherCompanysVacancy() async throws {
        try await withTestApp { app in
            let first = try await employer(app)
            let second = try await employer(app, email: "hr@other.example", inn: "7736207543", ogrn: "1027739609391")
            let id = try await app.api(.POST, "/vacancies", raw: Self.javaVacancy, token: first).json(VacancyBody.self).id
            let hijack = try await app.api(.PUT, "/vacancies/\(id)", raw: #"{"title":"Mine now","workArrangement":"remote"}"#, token: second)
            #expect(hijack.status == .notFound)
            #expect(try await Vacancy.query(on: app.db).first()?.title == "Java-разработчик")
        }
    }

    @Test func badVacanciesAreRefusedWithEveryReason() async throws {
        try await withTestApp { app in
            let hr = try await employer(app)
            let bad = #"{"title":"","requiredSkills":[{"skill":"no-such-skill","level":7}],"niceToHaveSkills":["nope"],"salaryMin":500000,"salaryMax":100000,"workArrangement":"onsite","minimumRussian":"Z9","status":"open"}"#
            let response = try await app.api(.POST, "/vacancies", raw: bad, token: hr, language: "en")
            #expect(response.status == .unprocessableEntity)
            let codes = Set((try response.json(ProblemBody.self).errors ?? []).map { "\($0.field):\($0.code)" })
            #expect(codes == [
                "title:field.required", "minimumRussian:level.unknown", "salaryMin:salary.minAboveMax", "city:field.required",
                "requiredSkills[0].skill:skill.unknown", "requiredSkills[0].level:skill.level", "niceToHaveSkills[0]:skill.unknown", "status:status.unknown",
            ])
            #expect(try await Vacancy.query(on: app.db).count() == 0)
            // Control characters (found by the contract's fuzzer): refused in the title and the description, nothing saved.
            let controls = Self.javaVacancy.replacingOccurrences(of: #""title":"Java-разработчик""#, with: #""title":"Java\u0007","description":"\u008d\u0005x""#)
            let refused = try await app.api(.POST, "/vacancies", raw: controls, token: hr, language: "en")
            #expect(refused.status == .unprocessableEntity, "\(refused.text)")
            #expect(Set((try refused.json(ProblemBody.self).errors ?? []).map { "\($0.field):\($0.code)" }) == ["title:text.invalid", "description:text.invalid"])
            #expect(try await Vacancy.query(on: app.db).count() == 0)
            // A maximum of 100 roubles is a slip, not a salary.
            let slip = Self.javaVacancy.replacingOccurrences(of: #""salaryMin":200000,"salaryMax":350000"#, with: #""salaryMax":100"#)
            let cheap = try await app.api(.POST, "/vacancies", raw: slip, token: hr, language: "en")
            #expect(cheap.status == .unprocessableEntity, "\(cheap.text)")
            #expect((try cheap.json(ProblemBody.self).errors ?? []).map { "\($0.field):\($0.code)" } == ["salaryMax:salary.tooLow"])
            #expect(try await Vacancy.query(on: app.db).count() == 0)

            try await app.signUp(email: "nocompany@example.org", role: "employer")
            let homeless = try await app.token(email: "nocompany@example.org")
            let noCompany = try await app.api(.POST, "/vacancies", raw: Self.javaVacancy, token: homeless)
            #expect(noCompany.status == .conflict)
            #expect(try noCompany.json(ProblemBody.self).type == "urn:caravan:problem:company-required")
        }
    }

    @Test func theEmployersPagesCreateAndPublishAVacancy() async throws {
        try await withTestApp { app in
            _ = try await employer(app)
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signin")
            try await browser.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            let page = try await browser.get("/vacancies")
            #expect(page.status == .ok)
            let bad = try await browser.post("/vacancies", form: ["title": "Go developer", "requiredSkills": "Golang 4, абракадабра", "city": "Москва", "workArrangement": "onsite", "status": "draft"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Could not find the skill “абракадабра”"))
            let good = try await browser.post("/vacancies", form: ["title": "Go developer", "requiredSkills": "Golang 4, постгрес", "city": "Москва", "workArrangement": "onsite", "status": "published", "visaSupport": "yes"])
            #expect(good.status == .seeOther)
            let vacancy = try #require(try await Vacancy.query(on: app.db).first())
            #expect(vacancy.requiredSkills.map(\.skill) == ["go", "postgresql"])
            #expect(vacancy.requiredSkills.map(\.level) == [4, 3])
            #expect(vacancy.status == "published")
            let shown = try await browser.get(good.headers.first(name: .location) ?? "/")
            #expect(shown.text.contains("Visa and permit support"))
        }
    }
}

struct VacancyBody: Decodable {
    let id: String
    let title: String
    let status: String?
}

struct MatchesBody: Decodable {
    struct Match: Decodable {
        struct Reason: Decodable {
            let key: String
            let effect: String
            let text: String
        }

        let vacancyId: String
        let title: String
        let score: Double
        let reasons: [Reason]
    }

    let matches: [Match]
}
