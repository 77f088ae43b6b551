import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct SearchTests {
    struct VacanciesFound: Decodable {
        struct Item: Decodable {
            let id: String
            let title: String
            let company: String
        }

        let total: Int
        let relaxed: Bool
        let vacancies: [Item]
    }

    struct SpecialistsFound: Decodable {
        struct Item: Decodable {
            let specialistId: String
            let name: String
            let citizenship: String?
        }

        let total: Int
        let specialists: [Item]
    }

    static let azizProfile = #"{"headline":"Backend-разработчик, платежи","citizenship":"UZ","countryOfResidence":"UZ","city":"Ташкент","russianLevel":"B2","expectedSalary":250000,"relocation":true,"remote":"any","skills":[{"skill":"java","level":4,"years":6},{"skill":"spring-boot","level":4,"years":4}]}"#

    @Test func vacanciesByInflectedWordsAndFilters() async throws {
        try await withTestApp { app in
            let (hr, aziz, vacancy) = try await ApplicationsTests().market(app)
            // Russian words as people write them: "разработчика" finds "разработчик", "джава" is not needed: Java is a skill name.
            let found = try await app.api(.GET, "/search/vacancies?q=%D1%80%D0%B0%D0%B7%D1%80%D0%B0%D0%B1%D0%BE%D1%82%D1%87%D0%B8%D0%BA%D0%B0%20java", token: aziz).json(VacanciesFound.self)
            #expect(found.vacancies.map(\.id) == [vacancy])
            #expect(found.vacancies.first?.company == "ООО «Казань Софт»")
            #expect(found.relaxed == false)
            // Filters: the city matches without case; a salary floor above the band and a remote-only filter exclude it.
            #expect(try await app.api(.GET, "/search/vacancies?q=java&city=%D0%BA%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C", token: aziz).json(VacanciesFound.self).total == 1)
            #expect(try await app.api(.GET, "/search/vacancies?q=java&salaryFrom=400000", token: aziz).json(VacanciesFound.self).total == 0)
            #expect(try await app.api(.GET, "/search/vacancies?arrangement=remote", token: aziz).json(VacanciesFound.self).total == 0)
            #expect(try await app.api(.GET, "/search/vacancies?visa=true&family=true", token: aziz).json(VacanciesFound.self).total == 1)
            // One unknown word among known ones: relaxed to any word, and said so.
            let relaxed = try await app.api(.GET, "/search/vacancies?q=java%20cobol", token: aziz).json(VacanciesFound.self)
            #expect(relaxed.relaxed && relaxed.total == 1)

            // Bad input: a clear 422, never a 500; nonsense words find nothing.
            let bad = try await app.api(.GET, "/search/vacancies?arrangement=moon&salaryFrom=-1&limit=1000", token: aziz, language: "en")
            #expect(bad.status == .unprocessableEntity)
            #expect(Set((try bad.json(ProblemBody.self).errors ?? []).map(\.field)) == ["arrangement", "salaryFrom", "limit"])
            let binary = try await app.api(.GET, "/search/vacancies?q=%00%FF%FE" + String(repeating: "x", count: 400), token: aziz)
            #expect(binary.status == .ok || binary.status == .badRequest)

            // Closing the vacancy takes it out of search at once.
            #expect(try await app.api(.PUT, "/vacancies/\(vacancy)", raw: VacanciesTests.javaVacancy.replacingOccurrences(of: "\"published\"", with: "\"closed\""), token: hr).status == .ok)
            #expect(try await app.api(.GET, "/search/vacancies?q=java", token: aziz).json(VacanciesFound.self).total == 0)
            #expect(try await app.api(.GET, "/search/vacancies?q=java").status == .unauthorized)
        }
    }

    @Test func employersFindSpecialistsWithoutContacts() async throws {
        try await withTestApp { app in
            let (hr, aziz, _) = try await ApplicationsTests().market(app)
            #expect(try await app.api(.PUT, "/profile", raw: Self.azizProfile, token: aziz).status == .ok)
            let found = try await app.api(.GET, "/search/specialists?q=%D0%BF%D0%BB%D0%B0%D1%82%D0%B5%D0%B6%D0%B5%D0%B9&citizenship=UZ&russianFrom=B1&relocation=true&salaryUpTo=300000", token: hr)
            #expect(found.status == .ok, "\(found.text)")
            #expect(try found.json(SpecialistsFound.self).specialists.map(\.citizenship) == ["UZ"])
            #expect(!found.text.contains("aziz@example.uz"))
            #expect(try await app.api(.GET, "/search/specialists?russianFrom=C1", token: hr).json(SpecialistsFound.self).total == 0)
            #expect(try await app.api(.GET, "/search/specialists?salaryUpTo=200000", token: hr).json(SpecialistsFound.self).total == 0)
            #expect(try await app.api(.GET, "/search/specialists?workplace=remote", token: hr).json(SpecialistsFound.self).total == 1)
            // A profile change is searchable at once.
            #expect(try await app.api(.PUT, "/profile", raw: Self.azizProfile.replacingOccurrences(of: "платежи", with: "логистика"), token: aziz).status == .ok)
            #expect(try await app.api(.GET, "/search/specialists?q=%D0%BB%D0%BE%D0%B3%D0%B8%D1%81%D1%82%D0%B8%D0%BA%D0%B0", token: hr).json(SpecialistsFound.self).total == 1)
            // Specialists do not search other specialists.
            #expect(try await app.api(.GET, "/search/specialists", token: aziz).status == .forbidden)
            #expect(try await app.api(.GET, "/search/specialists?citizenship=XX", token: hr).status == .unprocessableEntity)
        }
    }

    @Test func manySavesOfOneProfileKeepTheIndexesSmall() async throws {
        try await withTestApp { app in
            // setup
            let (hr, aziz, _) = try await ApplicationsTests().market(app)
            #expect(try await app.api(.PUT, "/profile", raw: Self.azizProfile, token: aziz).status == .ok)
            try await app.warmIndexes()
            let profile = try #require(try await SpecialistProfile.query(on: app.db).first())
            // act: five thousand saves, as a busy day of edits would make
            for _ in 0..<5_000 { await app.candidateIndex.update(profile) }
            // check: the dead rows were dropped along the way, and the profile is still found
            let footprint = await app.candidateIndex.footprint()
            #expect(footprint.live == 1)
            #expect(footprint.poolRows <= 1_002 && footprint.textDocuments <= 1_002, "\(footprint)")
            #expect(try await app.api(.GET, "/search/specialists?q=java", token: hr).json(SpecialistsFound.self).total == 1)
        }
    }

    @Test func anEmployerWithoutACompanyYetCanSearchThePage() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "new@kazan.example", role: "employer")
            let employer = WebClient(app, acceptLanguage: "en")
            try await employer.get("/signin")
            try await employer.post("/signin", form: ["email": "new@kazan.example", "password": "correct horse"])
            #expect(try await employer.get("/search/specialists").status == .ok)
            #expect(try await employer.get("/search/specialists?q=java").status == .ok)
        }
    }

    @Test func thePagesSearchAndInvite() async throws {
        try await withTestApp { app in
            let (_, aziz, vacancy) = try await ApplicationsTests().market(app)
            #expect(try await app.api(.PUT, "/profile", raw: Self.azizProfile, token: aziz).status == .ok)
            let specialist = WebClient(app, acceptLanguage: "en")
            try await specialist.get("/signin")
            try await specialist.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            let page = try await specialist.get("/search/vacancies?q=java&family=yes")
            #expect(page.text.contains("Java-разработчик"))
            #expect(page.text.contains("Found: 1."))
            #expect(try await specialist.get("/search/vacancies?q=haskell").text.contains("Nothing found"))
            #expect(try await specialist.get("/search/vacancies?salaryFrom=lots").status == .unprocessableEntity)

            let employer = WebClient(app, acceptLanguage: "en")
            try await employer.get("/signin")
            try await employer.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            let people = try await employer.get("/search/specialists?q=java")
            #expect(people.text.contains("Test Person"))
            #expect(!people.text.contains("aziz@example.uz"))
            let specialistID = try #require(try await User.query(on: app.db).filter(\.$email == "aziz@example.uz").first()?.requireID())
            let invited = try await employer.post("/search/specialists/invite", form: [
                "vacancy": vacancy, "specialist": specialistID.uuidString.lowercased(), "back": "/search/specialists?q=java",
            ])
            #expect(invited.status == .seeOther)
            #expect(invited.headers.first(name: .location) == "/search/specialists?q=java&notice=invited")
            #expect(try await JobApplication.query(on: app.db).first()?.stage == "invited")
            #expect(try await specialist.get("/search/specialists").status == .forbidden)
        }
    }
}
