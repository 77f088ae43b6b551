import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct ApplicationsTests {
    /// An employer with a published vacancy and a specialist; returns (employer token, specialist token, vacancy id).
    func market(_ app: Application) async throws -> (String, String, String) {
        try await app.signUp(email: "hr@kazan.example", role: "employer")
        let hr = try await app.token(email: "hr@kazan.example")
        _ = try await app.api(.POST, "/companies", json: ["legalName": "ООО «Казань Софт»", "inn": "7707083893", "ogrn": "1027700132195", "city": "Казань", "size": "16-100"], token: hr)
        let vacancy = try await app.api(.POST, "/vacancies", raw: VacanciesTests.javaVacancy, token: hr).json(VacancyBody.self)
        try await app.signUp(email: "aziz@example.uz")
        let aziz = try await app.token(email: "aziz@example.uz")
        return (hr, aziz, vacancy.id)
    }

    @Test func fromApplicationToHireWithAnOffer() async throws {
        let clock = TestClock()  // 2026-11-18
        try await withTestApp(clock: clock) { app in
            let (hr, aziz, vacancy) = try await market(app)
            let applied = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: #"{"note":"Готов переехать с семьёй"}"#, token: aziz)
            #expect(applied.status == .created, "\(applied.text)")
            let id = try applied.json(ApplicationBody.self).id

            let second = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: "{}", token: aziz)
            #expect(second.status == .conflict)

            let list = try await app.api(.GET, "/vacancies/\(vacancy)/applications", token: hr).json(ApplicationListBody.self)
            #expect(list.applications.first?.specialistEmail == "aziz@example.uz")

            for stage in ["screening", "interview"] {
                #expect(try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"\#(stage)"}"#, token: hr).status == .ok)
            }
            let noTerms = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"offer"}"#, token: hr)
            #expect(noTerms.status == .unprocessableEntity)
            let badTerms = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"offer","offer":{"salary":0,"startDate":"2020-01-01","city":"","contract":"barter"}}"#, token: hr)
            #expect(Set((try badTerms.json(ProblemBody.self).errors ?? []).map(\.field)) == ["offer.salary", "offer.startDate", "offer.city", "offer.contract"])
            let offer = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"offer","offer":{"salary":300000,"startDate":"2027-02-01","city":"Казань","contract":"employment"}}"#, token: hr)
            #expect(offer.status == .ok)

            // The employer cannot accept on the specialist's behalf; the specialist can.
            let forged = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"hired"}"#, token: hr, language: "en")
            #expect(forged.status == .conflict)
            #expect(try forged.json(ProblemBody.self).currentStage == "offer")
            let hired = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"hired"}"#, token: aziz)
            #expect(hired.status == .ok)
            let body = try hired.json(ApplicationBody.self)
            #expect(body.stage == "hired")
            #expect(body.history.map(\.stage) == ["applied", "screening", "interview", "offer", "hired"])
            #expect(body.offer?.salary == 300000)

            let late = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"withdrawn"}"#, token: aziz, language: "en")
            #expect(late.status == .conflict)
            #expect(try late.json(ProblemBody.self).detail == "The current stage is: Hired. Reload to see it.")
        }
    }

    @Test func noOfferOnAClosedVacancy() async throws {
        try await withTestApp { app in
            let (hr, aziz, vacancy) = try await market(app)
            let id = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: "{}", token: aziz).json(ApplicationBody.self).id
            for stage in ["screening", "interview"] {
                #expect(try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"\#(stage)"}"#, token: hr).status == .ok)
            }
            let closed = VacanciesTests.javaVacancy.replacingOccurrences(of: "\"published\"", with: "\"closed\"")
            #expect(try await app.api(.PUT, "/vacancies/\(vacancy)", raw: closed, token: hr).status == .ok)
            let offer = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"offer","offer":{"salary":300000,"startDate":"2027-02-01","city":"Казань","contract":"employment"}}"#, token: hr, language: "en")
            #expect(offer.status == .conflict)
            #expect(try offer.json(ProblemBody.self).type == "urn:caravan:problem:vacancy-not-published")
            #expect(try await JobApplication.query(on: app.db).first()?.stage == "interview")
        }
    }

    @Test func strangersSeeNothing() async throws {
        try await withTestApp { app in
            let (_, aziz, vacancy) = try await market(app)
            let id = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: "{}", token: aziz).json(ApplicationBody.self).id
            try await app.signUp(email: "other@example.uz")
            let other = try await app.token(email: "other@example.uz")
            #expect(try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"withdrawn"}"#, token: other).status == .notFound)
            try await app.signUp(email: "hr@other.example", role: "employer")
            let otherHR = try await app.token(email: "hr@other.example")
            _ = try await app.api(.POST, "/companies", json: ["legalName": "Другая", "inn": "7736207543", "ogrn": "1027739609391", "city": "Москва", "size": "1-15"], token: otherHR)
            #expect(try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"rejected"}"#, token: otherHR).status == .notFound)
            #expect(try await app.api(.GET, "/vacancies/\(vacancy)/applications", token: otherHR).status == .notFound)
            #expect(try await app.api(.GET, "/me/applications", token: otherHR).status == .forbidden)
        }
    }

    @Test func thePagesCarryTheJourney() async throws {
        try await withTestApp { app in
            let (_, _, vacancy) = try await market(app)
            let specialist = WebClient(app, acceptLanguage: "en")
            try await specialist.get("/signin")
            try await specialist.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            let page = try await specialist.get("/vacancies/\(vacancy)")
            #expect(page.text.contains("Send application"))
            // A note over its limit comes back on the vacancy page, kept, with the error beside it.
            let long = String(repeating: "n", count: 5_000)
            let tooLong = try await specialist.post("/vacancies/\(vacancy)/apply", form: ["note": long])
            #expect(tooLong.status == .unprocessableEntity)
            #expect(tooLong.text.contains(#"id="note-error""#) && tooLong.text.contains(long))
            #expect(try await specialist.post("/vacancies/\(vacancy)/apply", form: ["note": "Hello"]).status == .seeOther)
            let mine = try await specialist.get("/applications")
            #expect(mine.text.contains("Applied"))

            let employer = WebClient(app, acceptLanguage: "en")
            try await employer.get("/signin")
            try await employer.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            let own = try await employer.get("/vacancies/\(vacancy)")
            #expect(own.text.contains("aziz@example.uz"))
            let application = try #require(try await JobApplication.query(on: app.db).first())
            let move = "/applications/\(try application.requireID().uuidString.lowercased())/move"
            #expect(try await employer.post(move, form: ["stage": "screening"]).status == .seeOther)
            #expect(try await employer.post(move, form: ["stage": "interview"]).status == .seeOther)
            // An offer with absurd terms comes back on the vacancy page: each error beside its field, the input kept.
            let refused = try await employer.post(move, form: ["stage": "offer", "salary": "-5", "startDate": "2020-01-01", "city": "Набережные Челны", "contract": "civil"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Найдено") == false && refused.text.contains("applications"))
            #expect(refused.text.contains(#"value="-5" aria-invalid="true""#))
            #expect(refused.text.contains(#"value="2020-01-01" aria-invalid="true""#))
            #expect(refused.text.contains(#"value="Набережные Челны""#))
            #expect(refused.text.contains(#"<option value="civil" selected>"#))
            #expect(refused.text.contains(#"<option value="offer" selected>"#))
            #expect(refused.text.contains("class=\"error\" id=\"salary-"))
            #expect(!refused.text.contains("correct the fields listed"))
            #expect(try await JobApplication.query(on: app.db).first()?.stage == "interview")
            #expect(try await employer.post(move, form: ["stage": "offer", "salary": "280000", "startDate": "2027-03-01", "city": "Казань", "contract": "employment"]).status == .seeOther)
            try await specialist.get("/applications")
            #expect(try await specialist.post(move, form: ["stage": "hired"]).status == .seeOther)
            let done = try await specialist.get("/applications")
            #expect(done.text.contains("Hired"))
            #expect(done.text.contains("280,000"))
        }
    }
}

struct ApplicationBody: Decodable {
    struct Step: Decodable {
        let stage: String
        let by: String
    }

    struct Offer: Decodable {
        let salary: Int
    }

    let id: String
    let stage: String
    let history: [Step]
    let offer: Offer?
    let specialistEmail: String?
}

struct ApplicationListBody: Decodable {
    let applications: [ApplicationBody]
}

@Suite struct CandidatesTests {
    /// The ranking comes from the candidate index's pool: a saved profile replaces the old one there at once.
    @Test func aSavedProfileMovesACandidateAtOnce() async throws {
        try await withTestApp { app in
            let (hr, aziz, vacancy) = try await ApplicationsTests().market(app)
            let java = #"{"citizenship":"UZ","city":"Ташкент","russianLevel":"B2","relocation":true,"skills":[{"skill":"java","level":4,"years":6},{"skill":"spring-boot","level":4,"years":4}]}"#
            let python = #"{"citizenship":"UZ","city":"Ташкент","russianLevel":"B2","relocation":true,"skills":[{"skill":"python","level":4,"years":3}]}"#
            #expect(try await app.api(.PUT, "/profile", raw: java, token: aziz).status == .ok)
            try await app.signUp(email: "nadia@example.kz")
            let nadia = try await app.token(email: "nadia@example.kz")
            #expect(try await app.api(.PUT, "/profile", raw: python, token: nadia).status == .ok)
            func ranked() async throws -> [(id: String, javaFits: Bool)] {
                let response = try await app.api(.GET, "/vacancies/\(vacancy)/candidates", token: hr, language: "en")
                return try response.json(CandidatesBody.self).candidates.map { candidate in
                    (candidate.specialistId, candidate.reasons.contains { $0.text == "Java: level fits (advanced)" })
                }
            }
            let before = try await ranked()
            #expect(before.map(\.javaFits) == [true, false])

            // Aziz drops Java, Nadia learns it: the order turns over without a restart.
            #expect(try await app.api(.PUT, "/profile", raw: python, token: aziz).status == .ok)
            #expect(try await app.api(.PUT, "/profile", raw: java, token: nadia).status == .ok)
            let after = try await ranked()
            #expect(after.map(\.javaFits) == [true, false])
            #expect(after.map(\.id) == before.map(\.id).reversed())
        }
    }

    @Test func anEmployerSeesRankedCandidatesWithoutContactsAndInvitesOne() async throws {
        try await withTestApp { app in
            let (hr, aziz, vacancy) = try await ApplicationsTests().market(app)
            let profile = #"{"citizenship":"UZ","city":"Ташкент","russianLevel":"B2","relocation":true,"skills":[{"skill":"java","level":4,"years":6},{"skill":"spring-boot","level":4,"years":4}]}"#
            #expect(try await app.api(.PUT, "/profile", raw: profile, token: aziz).status == .ok)
            try await app.signUp(email: "nadia@example.kz")
            let nadia = try await app.token(email: "nadia@example.kz")
            #expect(try await app.api(.PUT, "/profile", raw: #"{"citizenship":"KZ","relocation":true,"skills":[{"skill":"python","level":4,"years":3}]}"#, token: nadia).status == .ok)

            let response = try await app.api(.GET, "/vacancies/\(vacancy)/candidates", token: hr, language: "en")
            #expect(response.status == .ok, "\(response.text)")
            let candidates = try response.json(CandidatesBody.self).candidates
            #expect(candidates.first?.name == "Test Person")
            #expect(candidates.first?.email == nil)
            #expect(candidates.first?.reasons.contains { $0.text == "Java: level fits (advanced)" } == true)
            #expect(candidates.count == 2)

            let invited = try await app.api(.POST, "/vacancies/\(vacancy)/invitations", raw: #"{"specialistId":"\#(candidates[0].specialistId)"}"#, token: hr)
            #expect(invited.status == .created, "\(invited.text)")
            let again = try await app.api(.POST, "/vacancies/\(vacancy)/invitations", raw: #"{"specialistId":"\#(candidates[0].specialistId)"}"#, token: hr)
            #expect(again.status == .conflict)
            // Accepting the invitation is applying; then the employer sees the contacts.
            #expect(try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: "{}", token: aziz).status == .created)
            let after = try await app.api(.GET, "/vacancies/\(vacancy)/candidates", token: hr).json(CandidatesBody.self)
            #expect(after.candidates.first?.email == "aziz@example.uz")
            #expect(after.candidates.first?.stage == "applied")

            #expect(try await app.api(.GET, "/vacancies/\(vacancy)/candidates", token: aziz).status == .forbidden)
        }
    }
}

struct CandidatesBody: Decodable {
    struct Candidate: Decodable {
        let specialistId: String
        let name: String
        let email: String?
        let stage: String?
        let reasons: [MatchesBody.Match.Reason]
    }

    let candidates: [Candidate]
}
