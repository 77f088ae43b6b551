import CaravanDomain
import CaravanPermits
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import ZIPFoundation

/// The person's rights over their data: who looked, the export, the erasure, the consent at sign-up.
@Suite struct PrivacyTests {
    struct AccessList: Decodable {
        struct Entry: Decodable {
            let readerRole: String
            let readerName: String
            let what: String
            let document: String?
            let context: String
            let text: String
        }

        let entries: [Entry]
    }

    /// A hired specialist with a family who opened a case and uploaded every document; submitted it;
    /// returns the clients and the case id.
    func caseWithDocuments(_ app: Application) async throws -> (aziz: WebClient, officer: WebClient, employer: WebClient, caseID: UUID) {
        let permits = PermitTests()
        let (aziz, officer, _, employer, application) = try await permits.hired(app)
        try await aziz.get("/permits")
        #expect(try await aziz.post("/permits/open", form: ["application": application]).status == .seeOther)
        let caseID = try #require(try await PermitCase.query(on: app.db).first()?.requireID())
        let token = try await app.token(email: "aziz@example.uz")
        try await permits.uploadEverything(app, case: caseID.uuidString.lowercased(), token: token)
        // Filed: an officer sees a case only once it is submitted.
        #expect(try await app.api(.POST, "/permit-cases/\(caseID.uuidString.lowercased())/events", raw: #"{"event":"submit"}"#, token: token).status == .ok)
        return (aziz, officer, employer, caseID)
    }

    @Test func anOfficersReadsAreInThePersonsLogAndTheirOwnReadsAreNot() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            // setup
            let (aziz, officer, _, caseID) = try await caseWithDocuments(app)
            let caseText = caseID.uuidString.lowercased()
            let azizToken = try await app.token(email: "aziz@example.uz")
            // act: the applicant reads his own case and document; nothing is recorded
            #expect(try await aziz.get("/permits/\(caseText)").status == .ok)
            let passport = try #require(try await PermitDocumentFile.query(on: app.db).filter(\.$kind == "passport").filter(\.$person == "p0").first())
            #expect(try await aziz.get("/permits/\(caseText)/documents/\(try passport.requireID().uuidString.lowercased())").status == .ok)
            #expect(try await app.api(.GET, "/permit-cases/\(caseText)", token: azizToken).status == .ok)
            #expect(try await DataAccess.query(on: app.db).count() == 0)
            // act: the officer opens the case from the queue, then the passport
            #expect(try await officer.get("/permits/\(caseText)?from=queue").status == .ok)
            clock.advance(by: 60)
            #expect(try await officer.get("/permits/\(caseText)/documents/\(try passport.requireID().uuidString.lowercased())").status == .ok)
            // check: the person sees both, newest first, by role and name, in words
            let list = try await app.api(.GET, "/me/data-access", token: azizToken, language: "en")
            #expect(list.status == .ok)
            let entries = try list.json(AccessList.self).entries
            #expect(entries.map(\.what) == ["document", "case-file"])
            #expect(entries.map(\.context) == ["permit-case", "officer-queue"])
            #expect(entries.allSatisfy { $0.readerRole == "migration_officer" && $0.readerName == "Ирина Волкова" })
            #expect(entries.last?.text.hasPrefix("Migration officer Ирина Волкова, case file, ") == true)
            #expect(entries.last?.text.hasSuffix(", from the officers' queue") == true)
            #expect(entries.first?.document == "passport")
            let page = try await aziz.get("/account")
            #expect(page.text.contains("Migration officer Ирина Волкова, document: Passport, "))
            // check: the officer's own log is empty (they read no one's data of theirs), and no row names a passport
            let officerToken = try await app.token(email: "officer1@example.org")
            #expect(try await app.api(.GET, "/me/data-access", token: officerToken).json(AccessList.self).entries.isEmpty)
            #expect(try await app.api(.GET, "/me/data-access?limit=0", token: azizToken).status == .unprocessableEntity)
            #expect(try await app.api(.GET, "/me/data-access?limit=201", token: azizToken).status == .unprocessableEntity)
        }
    }

    @Test func aNeighbourCannotSeeAnothersLog() async throws {
        try await withTestApp { app in
            let (_, officer, _, caseID) = try await caseWithDocuments(app)
            #expect(try await officer.get("/permits/\(caseID.uuidString.lowercased())").status == .ok)
            try await app.signUp(email: "neighbour@example.uz", name: "Сосед")
            let neighbour = try await app.token(email: "neighbour@example.uz")
            #expect(try await app.api(.GET, "/me/data-access", token: neighbour).json(AccessList.self).entries.isEmpty)
            let web = WebClient(app, acceptLanguage: "en")
            try await web.get("/signin")
            try await web.post("/signin", form: ["email": "neighbour@example.uz", "password": "correct horse"])
            let page = try await web.get("/account")
            #expect(page.text.contains("Nobody else has looked at your data yet."))
            #expect(!page.text.contains("Ирина Волкова"))
            // The log holds ids and kinds, never names or numbers.
            let row = try #require(try await DataAccess.query(on: app.db).first())
            #expect(row.kind == "case-file" && row.detail == nil)
        }
    }

    @Test func anEmployerReadingCandidatesIsInTheirLogs() async throws {
        try await withTestApp { app in
            let (hr, aziz, vacancy) = try await ApplicationsTests().market(app)
            let profile = #"{"citizenship":"UZ","city":"Ташкент","russianLevel":"B2","relocation":true,"skills":[{"skill":"java","level":4,"years":6}]}"#
            #expect(try await app.api(.PUT, "/profile", raw: profile, token: aziz).status == .ok)
            #expect(try await app.api(.GET, "/vacancies/\(vacancy)/candidates", token: hr).status == .ok)
            let entries = try await app.api(.GET, "/me/data-access", token: aziz, language: "en").json(AccessList.self).entries
            #expect(entries.first?.what == "profile")
            #expect(entries.first?.context == "vacancy-candidates")
            #expect(entries.first?.readerRole == "employer")
        }
    }

    @Test func theExportHoldsTheProfileTheFamilyTheCaseAndADecryptedDocument() async throws {
        try await withTestApp { app in
            let (aziz, officer, _, caseID) = try await caseWithDocuments(app)
            #expect(try await officer.get("/permits/\(caseID.uuidString.lowercased())").status == .ok)
            let token = try await app.token(email: "aziz@example.uz")
            let response = try await app.api(.GET, "/me/export", token: token)
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.description == "application/zip")
            let archive = try Archive(data: Data(response.body.readableBytesView), accessMode: .read)
            func contents(_ path: String) throws -> Data {
                let entry = try #require(archive[path], "no \(path) in the archive")
                var data = Data()
                _ = try archive.extract(entry) { data.append($0) }
                return data
            }
            let json = String(decoding: try contents("caravan-data.json"), as: UTF8.self)
            #expect(json.contains("Дилноза Каримова"))  // the family, opened
            #expect(json.contains("\"city\" : \"Ташкент\""))  // the profile
            #expect(json.contains(caseID.uuidString.lowercased()))  // the case
            #expect(json.contains("\"consents\""))
            #expect(json.contains("\"what\" : \"case-file\""))  // who looked
            let documents = archive.filter { $0.path.hasPrefix("documents/") }
            #expect(!documents.isEmpty)
            let first = try contents(try #require(documents.first).path)
            // Plain bytes (the file on disk is sealed): the PDF the applicant uploaded.
            #expect(Array(first) == PermitTests.pdf)
            // The page's button downloads the same archive.
            let page = try await aziz.get("/account/export")
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
        }
    }

    @Test func erasureRemovesTheProfileBlocksSignInKeepsTheCaseAndTheChainHolds() async throws {
        try await withTestApp { app in
            let (aziz, _, _, caseID) = try await caseWithDocuments(app)
            let token = try await app.token(email: "aziz@example.uz")
            // An open case (a draft) blocks the erasure, and the page says why before anyone types a password.
            let form = try await aziz.get("/account/erasure")
            #expect(form.text.contains("migration law requires"))
            #expect(form.text.contains("Its decision still needs you"))
            let blocked = try await app.api(.POST, "/me/erasure", raw: #"{"password":"correct horse"}"#, token: token)
            #expect(blocked.status == .conflict)
            #expect(try blocked.json(ProblemBody.self).type == "urn:caravan:problem:erasure-case-open")
            // Withdrawn, it no longer blocks; a wrong password is a field error beside the field.
            #expect(try await PermitTests().act(aziz, caseID, ["event": "withdraw"]).status == .seeOther)
            try await aziz.get("/account/erasure")
            let wrong = try await aziz.post("/account/erasure", form: ["password": "not my password"])
            #expect(wrong.status == .forbidden)
            #expect(wrong.text.contains(#"id="password-error""#))
            // The API answers the same mistake alike: 403, the field named.
            let wrongAPI = try await app.api(.POST, "/me/erasure", raw: #"{"password":"not my password"}"#, token: token)
            #expect(wrongAPI.status == .forbidden)
            let wrongProblem = try wrongAPI.json(ProblemBody.self)
            #expect(wrongProblem.type == "urn:caravan:problem:password-rejected")
            #expect(wrongProblem.errors?.first?.code == "erasure.passwordWrong")
            #expect(try await SpecialistProfile.query(on: app.db).count() == 1)
            // act
            let erased = try await aziz.post("/account/erasure", form: ["password": "correct horse"])
            #expect(erased.status == .ok)
            #expect(erased.text.contains("Your data has been erased"))
            // check: the profile is gone, nobody signs in, the session and tokens are dead
            #expect(try await SpecialistProfile.query(on: app.db).count() == 0)
            #expect(try await app.api(.POST, "/sessions", json: ["email": "aziz@example.uz", "password": "correct horse"]).status == .unauthorized)
            #expect(try await app.api(.GET, "/me", token: token).status == .unauthorized)
            #expect(try await aziz.get("/account").status == .seeOther)
            // ... the case stays, with its persons and documents, and the audit chain still verifies
            let kept = try #require(try await PermitCase.find(caseID, on: app.db))
            #expect(kept.persons.count == 3)
            #expect(try await PermitDocumentFile.query(on: app.db).filter(\.$permitCase.$id == caseID).count() > 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "account.erased").count() == 1)
            guard case .intact = try await AuditLog(now: { Date() }).verify(on: app.db) else {
                Issue.record("the audit chain does not verify after an erasure")
                return
            }
            let user = try #require(try await User.find(kept.$principal.id, on: app.db))
            #expect(user.email.hasSuffix("@erased.invalid"))
            #expect(try await ProcessingConsent.query(on: app.db).filter(\.$userID == user.requireID()).first()?.withdrawnAt != nil)
        }
    }

    @Test func signUpWithoutConsentIsRefusedWithAFieldErrorOnBothDoors() async throws {
        try await withTestApp { app in
            // The API: the field is required, and only the current version is taken.
            let missing = try await app.api(.POST, "/accounts", json: ["email": "a@example.uz", "password": "correct horse", "displayName": "A", "role": "specialist"], language: "en")
            #expect(missing.status == .unprocessableEntity)
            #expect(try missing.json(ProblemBody.self).errors?.first?.field == "consent")
            let outdated = try await app.api(.POST, "/accounts", json: ["email": "a@example.uz", "password": "correct horse", "displayName": "A", "role": "specialist", "consent": "2025.1"], language: "en")
            #expect(outdated.status == .unprocessableEntity)
            #expect(try outdated.json(ProblemBody.self).errors?.first { $0.field == "consent" }?.code == "consent.outdated")
            // The page: the box unticked comes back with the error beside it and the input kept.
            let browser = WebClient(app, acceptLanguage: "en")
            try await browser.get("/signup")
            let page = try await browser.post("/signup", form: ["role": "specialist", "displayName": "Азиз", "email": "aziz@example.uz", "password": "correct horse"])
            #expect(page.status == .unprocessableEntity)
            #expect(page.text.contains(#"id="consent-error""#))
            #expect(page.text.contains("an account cannot be opened without it"))
            #expect(page.text.contains(#"value="aziz@example.uz""#))
            #expect(try await User.query(on: app.db).count() == 0)
            // Ticked: the account opens and the consent is recorded with its version.
            let created = try await browser.post("/signup", form: ["role": "specialist", "displayName": "Азиз", "email": "aziz@example.uz",
                                                                   "password": "correct horse", "consent": PersonalDataConsent.currentVersion])
            #expect(created.status == .seeOther)
            let consent = try #require(try await ProcessingConsent.query(on: app.db).first())
            #expect(consent.version == "2026.1")
            #expect(try await browser.get("/account").text.contains("consent text version 2026.1"))
        }
    }
}
