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
            #expect(profile.completeness.percent == 75)
            #expect(profile.completeness.next == "Добавьте место работы.")
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

    @Test func experienceEducationLanguagesAndRolesThroughTheAPI() async throws {
        let clock = TestClock()  // 2026-11-18
        try await withTestApp(clock: clock) { app in
            try await app.signUp(email: "aziz@example.uz")
            let token = try await app.token(email: "aziz@example.uz")
            let good = #"{"experience":[{"employer":"Uzcard","role":"Java developer","country":"UZ","start":"2019-03","description":"Payments"},{"employer":"EPAM","role":"Junior","start":"2016-09","end":"2019-02"}],"education":[{"institution":"TUIT","country":"UZ","degree":"bachelor","field":"Computer science","year":2016,"diplomaNumber":"B 1234567","recognition":"pending"}],"languages":[{"language":"UZ","level":"c2"},{"language":"en","level":"B2"}],"desiredRoles":["backend-developer"]}"#
            let saved = try await app.api(.PUT, "/profile", raw: good, token: token)
            #expect(saved.status == .ok, "\(saved.text)")
            let profile = try saved.json(HistoryBody.self)
            #expect(profile.experience.map(\.employer) == ["Uzcard", "EPAM"])
            #expect(profile.experience.first?.end == nil)
            #expect(profile.education.first?.recognition == "pending")
            #expect(profile.languages.map(\.language) == ["uz", "en"])
            #expect(profile.desiredRoles == ["backend-developer"])

            let bad = #"{"experience":[{"employer":"","role":"Dev","start":"2027-01"},{"employer":"X","role":"Y","start":"2020-05","end":"2019-01"},{"employer":"X","role":"Y","start":"May 2020"}],"education":[{"institution":"TUIT","country":"ZZ","degree":"wizard","field":"CS","year":1800,"diplomaNumber":"<script>","recognition":"maybe"}],"languages":[{"language":"ru","level":"C2"},{"language":"xx","level":"B1"},{"language":"en","level":"Z9"}],"desiredRoles":["astronaut"]}"#
            let refused = try await app.api(.PUT, "/profile", raw: bad, token: token, language: "en")
            #expect(refused.status == .unprocessableEntity)
            let errors = Dictionary(grouping: try refused.json(ProblemBody.self).errors ?? [], by: \.field).mapValues { $0.map(\.code) }
            #expect(errors["experience[0].employer"] == ["field.required"])
            #expect(errors["experience[0].start"] == ["date.future"])
            #expect(errors["experience[1].end"] == ["period.endBeforeStart"])
            #expect(errors["experience[2].start"] == ["month.invalid"])
            #expect(errors["education[0].country"] == ["country.unknown"])
            #expect(errors["education[0].degree"] == ["degree.unknown"])
            #expect(errors["education[0].year"] == ["year.range"])
            #expect(errors["education[0].diplomaNumber"] == ["diploma.invalid"])
            #expect(errors["education[0].recognition"] == ["recognition.unknown"])
            #expect(errors["languages[0].language"] == ["language.russianSeparate"])
            #expect(errors["languages[1].language"] == ["language.unknown"])
            #expect(errors["languages[2].level"] == ["level.unknown"])
            #expect(errors["desiredRoles[0]"] == ["occupation.unknown"])
            // Nothing of the refused body was saved.
            let after = try await app.api(.GET, "/profile", token: token).json(HistoryBody.self)
            #expect(after.experience.count == 2)
        }
    }

    @Test func theProfilePageAddsAndRemovesHistory() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "aziz@example.uz")
            let web = WebClient(app, acceptLanguage: "en")
            try await web.get("/signin")
            try await web.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            try await web.get("/profile")
            let added = try await web.post("/profile/experience", form: ["employer": "Uzcard", "role": "Java developer", "country": "UZ", "start": "2019-03", "end": ""])
            #expect(added.status == .seeOther, "\(added.text.components(separatedBy: "class=\"error\"").dropFirst().map { $0.prefix(120) })")
            #expect(try await web.post("/profile/education", form: ["institution": "TUIT", "country": "UZ", "degree": "specialist", "field": "Informatics", "year": "2015", "diplomaNumber": "", "recognition": "recognised"]).status == .seeOther)
            #expect(try await web.post("/profile/languages", form: ["language": "uz", "level": "C2"]).status == .seeOther)
            #expect(try await web.post("/profile/roles", form: ["role": "backend-developer"]).status == .seeOther)
            let page = try await web.get("/profile")
            #expect(page.text.contains("Java developer, Uzcard"))
            #expect(page.text.contains("March 2019 — now"))
            #expect(page.text.contains("Recognised in Russia"))
            #expect(page.text.contains("Uzbek"))

            let wrong = try await web.post("/profile/experience", form: ["employer": "X", "role": "Y", "start": "2020-05", "end": "2019-01"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("The end is before the start."))
            #expect(wrong.text.contains("value=\"2020-05\""))
            #expect(try await web.post("/profile/languages", form: ["language": "uz", "level": "B1"]).text.contains("already on your profile"))

            #expect(try await web.post("/profile/experience/remove", form: ["index": "0"]).status == .seeOther)
            #expect(!(try await web.get("/profile")).text.contains("Java developer, Uzcard"))
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
            try await browser.post("/signup", form: ["role": "specialist", "displayName": "Азиз", "email": "aziz@example.uz", "password": "correct horse", "consent": "2026.1"])
            let page = try await browser.get("/profile")
            #expect(page.status == .ok)
            #expect(page.text.contains("Профиль заполнен на 0 %"))

            #expect(try await browser.post("/profile/skills", form: ["skill": "джава", "level": "4", "years": "6"]).status == .seeOther)
            #expect(try await browser.post("/profile/skills", form: ["skill": "Spring Boot", "level": "4", "years": "3,5"]).status == .seeOther)
            let unknown = try await browser.post("/profile/skills", form: ["skill": "абракадабра", "level": "3", "years": "1"])
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains("Не нашли навык «абракадабра»"))
            // The form comes back as sent: the level and the years too.
            #expect(unknown.text.contains(#"name="years" inputmode="decimal" maxlength="5" value="1""#))
            let absurdYears = try await browser.post("/profile/skills", form: ["skill": "Kotlin", "level": "5", "years": "-7"])
            #expect(absurdYears.status == .unprocessableEntity)
            #expect(absurdYears.text.contains(#"value="-7""#) && absurdYears.text.contains(#"<option value="5" selected>"#))
            // A skill already there is not silently replaced: what it says now and what it would say, then a second send.
            let again = try await browser.post("/profile/skills", form: ["skill": "Java", "level": "5", "years": "8"])
            #expect(again.status == .conflict)
            #expect(again.text.contains("Java уже есть в профиле: Продвинутый, лет опыта: 6. Отправьте форму ещё раз, чтобы изменить на: Эксперт, лет опыта: 8."),
                    "\(again.text)")
            #expect(again.text.contains(#"name="replace" value="yes""#))
            #expect(try await SpecialistProfile.query(on: app.db).first()?.skills.first?.level == 4, "nothing changed yet")
            let updated = try await browser.post("/profile/skills", form: ["skill": "Java", "level": "5", "years": "8", "replace": "yes"])
            #expect(updated.status == .seeOther && updated.headers.first(name: .location)?.contains("skill-updated") == true)
            let profile = try #require(try await SpecialistProfile.query(on: app.db).first())
            #expect(Set(profile.skills.map(\.skill)) == ["java", "spring-boot"])
            #expect(profile.skills.first { $0.skill == "java" }?.level == 5 && profile.skills.first { $0.skill == "spring-boot" }?.years == 3.5)

            let badMember = try await browser.post("/profile/family", form: ["name": "Тимур", "relation": "child", "birthDate": "2999-01-01", "citizenship": "UZ"])
            #expect(badMember.status == .unprocessableEntity)
            #expect(badMember.text.contains("Дата не может быть в будущем."))
            #expect(badMember.text.contains(#"value="Тимур""#) && badMember.text.contains(#"value="2999-01-01""#))
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

struct HistoryBody: Decodable {
    struct Job: Decodable {
        let employer: String
        let end: String?
    }

    struct School: Decodable {
        let recognition: String
    }

    struct Spoken: Decodable {
        let language: String
    }

    let experience: [Job]
    let education: [School]
    let languages: [Spoken]
    let desiredRoles: [String]
}
