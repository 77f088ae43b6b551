import CaravanDomain
import CaravanPermits
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct PermitTests {
    static let family = #"[{"name":"Дилноза Каримова","relation":"spouse","birthDate":"1992-04-01","citizenship":"UZ"},{"name":"Тимур Каримов","relation":"child","birthDate":"2016-09-10","citizenship":"UZ"}]"#

    /// A specialist with a family and an accepted offer from an accredited company; two officers. Returns the web
    /// clients (specialist, officer one, officer two, employer) and the hired application's id.
    func hired(_ app: Application, accredited: Bool = true) async throws -> (WebClient, WebClient, WebClient, WebClient, String) {
        let (hr, aziz, vacancy) = try await ApplicationsTests().market(app)
        let profile = #"{"citizenship":"UZ","city":"Ташкент","russianLevel":"B2","skills":[{"skill":"java","level":4,"years":6}],"family":\#(Self.family)}"#
        #expect(try await app.api(.PUT, "/profile", raw: profile, token: aziz).status == .ok)
        let id = try await app.api(.POST, "/vacancies/\(vacancy)/applications", raw: "{}", token: aziz).json(ApplicationBody.self).id
        for stage in ["screening", "interview"] {
            _ = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"\#(stage)"}"#, token: hr)
        }
        _ = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"offer","offer":{"salary":300000,"startDate":"2027-02-01","city":"Казань","contract":"employment"}}"#, token: hr)
        #expect(try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"hired"}"#, token: aziz).status == .ok)
        if accredited, let company = try await Company.query(on: app.db).first() {
            company.accredited = true
            company.accreditationNumber = "AO-1"
            company.accreditationDate = "2024-01-10"
            try await company.save(on: app.db)
        }
        let accounts = AccountService(app: app)
        let admin = try await accounts.create(.init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
        for (n, name) in ["Ирина Волкова", "Пётр Орлов"].enumerated() {
            _ = try await accounts.create(.init(email: "officer\(n + 1)@example.org", password: "correct horse", displayName: name, role: "migration_officer"), by: admin)
        }
        func client(_ email: String) async throws -> WebClient {
            let web = WebClient(app, acceptLanguage: "en")
            try await web.get("/signin")
            try await web.post("/signin", form: ["email": email, "password": "correct horse"])
            return web
        }
        return (try await client("aziz@example.uz"), try await client("officer1@example.org"), try await client("officer2@example.org"),
                try await client("hr@kazan.example"), id)
    }

    func act(_ client: WebClient, _ caseID: UUID, _ form: [String: String]) async throws -> TestingHTTPResponse {
        try await client.get("/permits/\(caseID.uuidString.lowercased())")
        return try await client.post("/permits/\(caseID.uuidString.lowercased())/actions", form: form)
    }

    @Test func aFamilyCaseFromOfferToAVerifiedPermit() async throws {
        let clock = TestClock()  // 2026-11-18
        try await withTestApp(clock: clock) { app in
            let (aziz, officer, secondOfficer, employer, application) = try await hired(app)
            try await aziz.get("/permits")
            #expect(try await aziz.post("/permits/open", form: ["application": application]).status == .seeOther)
            let permitCase = try #require(try await PermitCase.query(on: app.db).first())
            let caseID = try permitCase.requireID()
            #expect(permitCase.persons.map(\.relation) == ["principal", "spouse", "child"])
            #expect(permitCase.rulebookVersion == "ru-it-fast-track@2022.1")
            let page = try await aziz.get("/permits/\(caseID.uuidString.lowercased())")
            #expect(page.text.contains("The employer is an accredited IT company."))
            #expect(page.text.contains("The relation is covered by the route."))
            // A second case for the same offer is refused.
            #expect(try await aziz.post("/permits/open", form: ["application": application]).status == .conflict)

            let (azizToken, officerToken) = try await tokens(app)
            let caseText = caseID.uuidString.lowercased()
            // Submitting with documents missing is refused, naming them per person.
            #expect(try await act(aziz, caseID, ["event": "submit"]).status == .unprocessableEntity)
            try await uploadEverything(app, case: caseText, token: azizToken)
            #expect(try await act(aziz, caseID, ["event": "submit"]).status == .seeOther)
            let submitted = try await aziz.get("/permits/\(caseID.uuidString.lowercased())")
            // Submitted 2026-11-18: three months later is 2027-02-18, a Thursday and a working day.
            #expect(submitted.text.contains("February 18, 2027"))

            // The applicant cannot decide; the officer starts the review and asks for something.
            #expect(try await act(aziz, caseID, ["event": "start_review"]).status == .forbidden)
            #expect(try await act(officer, caseID, ["event": "start_review"]).status == .seeOther)
            // Nothing reviewed yet: approving is refused, naming the person and the rule.
            let early = try await act(officer, caseID, ["event": "decide", "verdict_p0": "approved", "verdict_p1": "approved", "verdict_p2": "approved"])
            #expect(early.status == .conflict)
            #expect(early.text.contains("Test Person: Every document is uploaded"))
            try await acceptEverything(app, case: caseText, token: officerToken)
            // A refused form comes back as sent, its error beside the field (not on a generic error page).
            let empty = try await act(officer, caseID, ["event": "request_information"])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains(#"id="message-request_information-error""#))
            let long = String(repeating: "я", count: 2_001)
            let tooLong = try await act(officer, caseID, ["event": "request_information", "message": long])
            #expect(tooLong.status == .unprocessableEntity)
            #expect(tooLong.text.contains(long.prefix(2000)) && tooLong.text.contains(#"aria-invalid="true""#))
            #expect(try await act(officer, caseID, ["event": "request_information", "message": "Please upload the child's birth certificate."]).status == .seeOther)
            clock.advance(by: 7 * 86_400)
            let paused = try await aziz.get("/permits/\(caseID.uuidString.lowercased())")
            #expect(paused.text.contains("Please upload the child"))
            #expect(paused.text.contains("the clock is paused"))
            #expect(try await act(aziz, caseID, ["event": "resubmit", "message": "Uploaded."]).status == .seeOther)

            // A refusal of one person needs a second officer; the proposer cannot confirm it.
            let refuseChild = ["event": "decide", "verdict_p0": "approved", "verdict_p1": "approved", "verdict_p2": "refused", "ground_p2": "not_eligible"]
            #expect(try await act(officer, caseID, refuseChild).status == .seeOther)
            #expect(try await PermitCase.find(caseID, on: app.db)?.status == "refusal_proposed")
            #expect(try await act(officer, caseID, ["event": "confirm_refusal"]).status == .conflict)
            #expect(try await act(secondOfficer, caseID, ["event": "return_to_review"]).status == .seeOther)
            let approveAll = ["event": "decide", "verdict_p0": "approved", "verdict_p1": "approved", "verdict_p2": "approved"]
            #expect(try await act(secondOfficer, caseID, approveAll).status == .seeOther)
            #expect(try await act(secondOfficer, caseID, ["event": "issue_permit"]).status == .seeOther)

            let issued = try #require(try await PermitCase.find(caseID, on: app.db))
            let number = try #require(issued.permitNumber)
            #expect(number.hasPrefix("RP-2026-"))
            let verify = try await WebClient(app, acceptLanguage: "en").get("/verify/\(number)")
            #expect(verify.status == .ok)
            #expect(verify.text.contains("Valid: the record matches its signature."))
            #expect(verify.text.contains("Test P."))
            // The sponsor sees the status, never the family's rules or documents.
            let sponsorView = try await employer.get("/permits/\(caseID.uuidString.lowercased())")
            #expect(sponsorView.text.contains("Permit issued"))
            #expect(!sponsorView.text.contains("Дилноза"))
            #expect(try await employer.get("/permits/\(caseID.uuidString.lowercased())/permit.json").status == .notFound)

            // The signed file verifies offline, and one altered byte does not.
            let file = try await aziz.get("/permits/\(caseID.uuidString.lowercased())/permit.json")
            let signed = try JSONDecoder().decode(PermitDocument.Signed.self, from: Data(file.body.readableBytesView))
            let key = app.permitRegistry.signer.publicKey
            #expect(PermitDocument.verify(signed, trusting: key) == .valid)
            let forged = PermitDocument.Signed(
                permit: PermitDocument(number: signed.permit.number, issuedOn: "2026-11-26", persons: signed.permit.persons,
                                       sponsor: signed.permit.sponsor, rulebook: signed.permit.rulebook),
                signature: signed.signature, publicKey: signed.publicKey)
            #expect(PermitDocument.verify(forged, trusting: key) == .badSignature)

            // A record altered in the database fails on the public page, with the reason.
            issued.persons[0].name = "Someone Else"
            try await issued.save(on: app.db)
            let altered = try await WebClient(app, acceptLanguage: "en").get("/verify/\(number)")
            #expect(altered.text.contains("it was altered after issue"))
            #expect(try await WebClient(app, acceptLanguage: "en").get("/verify/RP-0000-NOPE").status == .notFound)

            // Every step is on the audit chain, and the applicant and the sponsor were told.
            let actions = try await AuditEvent.query(on: app.db).sort(\.$sequence).all().map(\.action)
                .filter { $0.hasPrefix("permit.") && !$0.hasPrefix("permit.document-") && $0 != "permit.entry-ban-checked" }
            #expect(actions == ["permit.opened", "permit.submit", "permit.start_review", "permit.request_information", "permit.resubmit",
                                "permit.decide", "permit.return_to_review", "permit.decide", "permit.issue_permit"])
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.permit.permit_issued").count() == 1)
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.permit.sponsor").count() >= 1)
        }
    }

    @Test func theOfficersQueueShowsDeadlinesAndTheKeyIsPublished() async throws {
        try await withTestApp { app in
            let (aziz, officer, _, employer, application) = try await hired(app, accredited: false)
            try await aziz.get("/permits")
            #expect(try await aziz.post("/permits/open", form: ["application": application]).status == .seeOther)
            let caseID = try #require(try await PermitCase.query(on: app.db).first()?.requireID())
            // An unaccredited sponsor: the case opens, and the rule explains why it fails.
            #expect(try await aziz.get("/permits/\(caseID.uuidString.lowercased())").text.contains("The employer is not an accredited IT company."))
            try await uploadEverything(app, case: caseID.uuidString.lowercased(), token: try await app.token(email: "aziz@example.uz"))
            #expect(try await act(aziz, caseID, ["event": "submit"]).status == .seeOther)
            let queue = try await officer.get("/officer/cases")
            #expect(queue.status == .ok)
            #expect(queue.text.contains("Test Person"))
            #expect(queue.text.contains("Submitted"))
            #expect(try await aziz.get("/officer/cases").status == .forbidden)
            // Found by the person's name in lower case, by the case number, by the company; a word on no case finds none.
            let reference = String(caseID.uuidString.prefix(8))
            #expect(queue.text.contains(reference))
            #expect(try await officer.get("/officer/cases?q=test%20person").text.contains("Found: 1."))
            #expect(try await officer.get("/officer/cases?q=\(reference.lowercased())").text.contains("Found: 1."))
            #expect(try await officer.get("/officer/cases?q=nobody-here").text.contains("Found: 0."))
            #expect(try await officer.get("/officer/cases?status=moon").status == .unprocessableEntity)
            #expect(try await officer.get("/officer/cases?assigned=them").status == .unprocessableEntity)
            #expect(try await officer.get("/officer/cases?page=2").text.contains("There is no page 2"))
            // An officer takes the case; another cannot take it over; the queue filters by who has it.
            let officerTwo = WebClient(app, acceptLanguage: "en")
            try await officerTwo.get("/signin")
            try await officerTwo.post("/signin", form: ["email": "officer2@example.org", "password": "correct horse"])
            try await officer.get("/permits/\(caseID.uuidString.lowercased())")
            #expect(try await officer.post("/permits/\(caseID.uuidString.lowercased())/assignment", form: ["op": "take"]).status == .seeOther)
            try await officerTwo.get("/permits/\(caseID.uuidString.lowercased())")
            #expect(try await officerTwo.post("/permits/\(caseID.uuidString.lowercased())/assignment", form: ["op": "take"]).status == .conflict)
            #expect(try await officer.get("/officer/cases?assigned=me").text.contains("Test Person"))
            #expect(!(try await officerTwo.get("/officer/cases?assigned=me")).text.contains("Test Person"))
            #expect(try await officer.get("/officer/cases?assigned=none").text.contains("No cases here."))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "permit.assigned").count() == 1)
            #expect(try await employer.get("/officer/cases").status == .forbidden)
            let key = try await WebClient(app).get("/.well-known/caravan-signing-key")
            #expect(key.text.hasPrefix("ed25519 "))
            #expect(key.text.contains(app.permitRegistry.signer.publicKeyBase64))
            // Strangers see nothing.
            try await app.signUp(email: "other@example.uz")
            let stranger = WebClient(app, acceptLanguage: "en")
            try await stranger.get("/signin")
            try await stranger.post("/signin", form: ["email": "other@example.uz", "password": "correct horse"])
            #expect(try await stranger.get("/permits/\(caseID.uuidString.lowercased())").status == .notFound)
        }
    }

    static let pdf = Array("%PDF-1.7\n% a test document\n".utf8) + [UInt8](repeating: 0x20, count: 1000)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 100)

    @Test func documentsAreTypedByContentStoredByHashAndReviewed() async throws {
        try await withTestApp { app in
            let (aziz, officer, _, employer, application) = try await hired(app)
            try await aziz.get("/permits")
            _ = try await aziz.post("/permits/open", form: ["application": application])
            let caseID = try #require(try await PermitCase.query(on: app.db).first()?.requireID())
            let path = "/permits/\(caseID.uuidString.lowercased())"
            try await aziz.get(path)
            // A text file named .pdf is refused by its content (415); nothing is stored.
            let fake = try await aziz.upload(path + "/documents", form: ["person": "p0", "kind": "passport"], file: Array("not a pdf".utf8), filename: "passport.pdf")
            #expect(fake.status == .unsupportedMediaType)
            #expect(fake.text.contains("Only PDF, JPEG and PNG"))
            // Eleven megabytes are refused (413).
            try await aziz.get(path)
            let huge = try await aziz.upload(path + "/documents", form: ["person": "p0", "kind": "passport"], file: Self.pdf + [UInt8](repeating: 0x20, count: 11 * 1024 * 1024), filename: "big.pdf")
            #expect(huge.status == .payloadTooLarge)
            try await aziz.get(path)
            #expect(try await aziz.upload(path + "/documents", form: ["person": "p9", "kind": "passport"], file: Self.pdf, filename: "p.pdf").status == .unprocessableEntity)
            #expect(try await PermitDocumentFile.query(on: app.db).count() == 0)

            try await aziz.get(path)
            #expect(try await aziz.upload(path + "/documents", form: ["person": "p0", "kind": "passport"], file: Self.pdf, filename: "whatever.bin").status == .seeOther)
            try await aziz.get(path)
            #expect(try await aziz.upload(path + "/documents", form: ["person": "p1", "kind": "marriage_certificate"], file: Self.png, filename: "marriage.png").status == .seeOther)
            let files = try await PermitDocumentFile.query(on: app.db).all()
            #expect(Set(files.map(\.contentType)) == ["application/pdf", "image/png"])
            let stored = app.caravanConfiguration.dataDirectory.appendingPathComponent("documents")
                .appendingPathComponent(String(files[0].sha256.prefix(2))).appendingPathComponent(files[0].sha256)
            #expect(FileManager.default.fileExists(atPath: stored.path))

            // The officer reviews once the case is submitted: a passport needs its expiry; a rejection needs a reason.
            // A marriage certificate is not on the principal's checklist, an employment contract not on a child's.
            try await aziz.get(path)
            #expect(try await aziz.upload(path + "/documents", form: ["person": "p0", "kind": "marriage_certificate"], file: Self.pdf, filename: "m.pdf").status == .unprocessableEntity)
            try await aziz.get(path)
            #expect(try await aziz.upload(path + "/documents", form: ["person": "p2", "kind": "employment_contract"], file: Self.pdf, filename: "c.pdf").status == .unprocessableEntity)
            #expect(try await PermitDocumentFile.query(on: app.db).count() == 2)
            let (azizToken, _) = try await tokens(app)
            try await uploadEverything(app, case: caseID.uuidString.lowercased(), token: azizToken)
            #expect(try await act(aziz, caseID, ["event": "submit"]).status == .seeOther)
            _ = try await act(officer, caseID, ["event": "start_review"])
            let passport = try #require(files.first { $0.kind == "passport" }?.id)
            let marriage = try #require(files.first { $0.kind == "marriage_certificate" }?.id)
            try await officer.get(path)
            #expect(try await officer.post(path + "/documents/\(passport.uuidString.lowercased())/review", form: ["decision": "accept"]).status == .unprocessableEntity)
            #expect(try await officer.post(path + "/documents/\(passport.uuidString.lowercased())/review", form: ["decision": "accept", "passportNumber": "FA1234567", "passportExpiresOn": "2020-01-01"]).status == .unprocessableEntity)
            try await officer.get(path)
            #expect(try await officer.post(path + "/documents/\(passport.uuidString.lowercased())/review", form: ["decision": "accept", "passportNumber": "FA1234567", "passportExpiresOn": "2027-01-10"]).status == .seeOther)
            try await officer.get(path)
            #expect(try await officer.post(path + "/documents/\(marriage.uuidString.lowercased())/review", form: ["decision": "reject"]).status == .unprocessableEntity)
            #expect(try await officer.post(path + "/documents/\(marriage.uuidString.lowercased())/review", form: ["decision": "reject", "reason": "Unreadable scan"]).status == .seeOther)

            let page = try await aziz.get(path)
            // The passport rule now reads the expiry: less than six months left on the case's date.
            #expect(page.text.contains("The passport is valid until January 10, 2027"))
            #expect(page.text.contains("Unreadable scan"))
            #expect(try await aziz.get(path + "/documents/\(passport.uuidString.lowercased())").headers.contentType?.description == "application/pdf")
            // The sponsor never sees the family's documents.
            #expect(try await employer.get(path + "/documents/\(passport.uuidString.lowercased())").status == .notFound)
            #expect(try await employer.upload(path + "/documents", form: ["person": "p0", "kind": "photo"], file: Self.png, filename: "x.png").status == .forbidden)

            // A rejected document is replaced by a new upload; the old one stays on record as replaced.
            try await aziz.get(path)
            #expect(try await aziz.upload(path + "/documents", form: ["person": "p1", "kind": "marriage_certificate"], file: Self.pdf, filename: "m.pdf").status == .seeOther)
            #expect(try await PermitDocumentFile.query(on: app.db).filter(\.$status == "replaced").count() == 1)
            let audit = try await AuditEvent.query(on: app.db).all().map(\.action)
            #expect(audit.filter { $0 == "permit.document-uploaded" }.count > 3)
            #expect(audit.contains("permit.document-accepted") && audit.contains("permit.document-rejected"))
        }
    }

    struct CaseBody: Decodable {
        struct Person: Decodable {
            let id: String
            let relation: String
            let outcome: String
        }

        let id: String
        let status: String
        let persons: [Person]
        let availableEvents: [String]?
        let permitNumber: String?
        let expectedDecisionDate: String?
    }

    @Test func theSameJourneyThroughTheAPI() async throws {
        try await withTestApp { app in
            _ = try await hired(app)
            let aziz = try await app.token(email: "aziz@example.uz")
            let officer = try await app.token(email: "officer1@example.org")
            let hr = try await app.token(email: "hr@kazan.example")
            let application = try #require(try await JobApplication.query(on: app.db).first()?.requireID())
            let opened = try await app.api(.POST, "/permit-cases", raw: #"{"applicationId":"\#(application.uuidString.lowercased())"}"#, token: aziz)
            #expect(opened.status == .created, "\(opened.text)")
            let body = try opened.json(CaseBody.self)
            #expect(body.persons.map(\.relation) == ["principal", "spouse", "child"])
            #expect(body.availableEvents == ["submit", "withdraw"])

            // Upload through the API: the body is the file.
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: aziz)
            headers.contentType = .binary
            let uploaded = try await app.sendRequest(.POST, "/api/v1/permit-cases/\(body.id)/documents?person=p0&kind=passport", headers: headers, body: ByteBuffer(bytes: Self.pdf))
            #expect(uploaded.status == .created, "\(uploaded.text)")
            let wrong = try await app.sendRequest(.POST, "/api/v1/permit-cases/\(body.id)/documents?person=p0&kind=photo", headers: headers, body: ByteBuffer(string: "GIF89a"))
            #expect(wrong.status == .unsupportedMediaType)

            #expect(try await app.api(.POST, "/permit-cases/\(body.id)/events", raw: #"{"event":"decide"}"#, token: aziz).status == .forbidden)
            #expect(try await app.api(.POST, "/permit-cases/\(body.id)/events", raw: #"{"event":"submit"}"#, token: aziz).status == .unprocessableEntity)
            try await uploadEverything(app, case: body.id, token: aziz)
            #expect(try await app.api(.POST, "/permit-cases/\(body.id)/events", raw: #"{"event":"submit"}"#, token: aziz).status == .ok)
            let late = try await app.api(.POST, "/permit-cases/\(body.id)/events", raw: #"{"event":"submit"}"#, token: aziz, language: "en")
            #expect(late.status == .conflict)
            #expect(try late.json(ProblemBody.self).detail == "The current stage is: Submitted. Reload to see it.")
            #expect(try await app.api(.POST, "/permit-cases/\(body.id)/events", raw: #"{"event":"start_review"}"#, token: officer).status == .ok)
            try await acceptEverything(app, case: body.id, token: officer)
            let badDecision = try await app.api(.POST, "/permit-cases/\(body.id)/events", raw: #"{"event":"decide","decision":[{"person":"p0","verdict":"approved"},{"person":"p7","verdict":"refused","ground":"astrology"}]}"#, token: officer)
            #expect(badDecision.status == .unprocessableEntity)
            let decide = #"{"event":"decide","decision":[{"person":"p0","verdict":"approved"},{"person":"p1","verdict":"approved"},{"person":"p2","verdict":"approved"}]}"#
            #expect(try await app.api(.POST, "/permit-cases/\(body.id)/events", raw: decide, token: officer).status == .ok)
            let issued = try await app.api(.POST, "/permit-cases/\(body.id)/events", raw: #"{"event":"issue_permit"}"#, token: officer).json(CaseBody.self)
            let number = try #require(issued.permitNumber)
            struct Verification: Decodable { let valid: Bool; let personCount: Int }
            let verification = try await app.api(.GET, "/permits/\(number)/verification").json(Verification.self)
            #expect(verification.valid && verification.personCount == 3)
            // The sponsor sees the status, not the persons.
            let sponsorView = try await app.api(.GET, "/permit-cases/\(body.id)", token: hr).json(CaseBody.self)
            #expect(sponsorView.status == "permit_issued" && sponsorView.persons.isEmpty)
            let queue = try await app.api(.GET, "/permit-cases?status=permit_issued", token: officer).json([String: [CaseBody]].self)
            #expect(queue["cases"]?.count == 1)
            #expect(try await app.api(.GET, "/permit-cases?status=nonsense", token: officer).status == .unprocessableEntity)
        }
    }

    @Test func losingAccreditationCancelsTheSponsorsPermits() async throws {
        try await withTestApp { app in
            _ = try await hired(app)
            let aziz = try await app.token(email: "aziz@example.uz")
            let officer = try await app.token(email: "officer1@example.org")
            let application = try #require(try await JobApplication.query(on: app.db).first()?.requireID())
            let id = try await app.api(.POST, "/permit-cases", raw: #"{"applicationId":"\#(application.uuidString.lowercased())"}"#, token: aziz).json(CaseBody.self).id
            try await uploadEverything(app, case: id, token: aziz)
            _ = try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"submit"}"#, token: aziz)
            _ = try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"start_review"}"#, token: officer)
            try await acceptEverything(app, case: id, token: officer)
            _ = try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"decide","decision":[{"person":"p0","verdict":"approved"},{"person":"p1","verdict":"approved"},{"person":"p2","verdict":"approved"}]}"#, token: officer)
            #expect(try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"issue_permit"}"#, token: officer).status == .ok)

            let admin = try #require(try await User.query(on: app.db).filter(\.$role == "admin").first())
            let company = try #require(try await Company.query(on: app.db).first())
            try await CompanyService(app: app, database: app.db).setAccreditation(of: company, to: .init(accredited: false, registryNumber: "", date: ""), by: admin)
            let cancelled = try await app.api(.GET, "/permit-cases/\(id)", token: aziz).json(CaseBody.self)
            #expect(cancelled.status == "cancelled")
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.permit.cancelled.sponsor_lost_accreditation").count() == 1)
            let last = try #require(try await AuditEvent.query(on: app.db).sort(\.$sequence, .descending).all().first { $0.action == "permit.cancel" })
            #expect(last.actor == "system")
        }
    }

    @Test func aRelationTheRouteDoesNotCoverIsExplainedNotRefused() async throws {
        try await withTestApp { app in
            let (aziz, _, _, _, application) = try await hired(app)
            try await aziz.get("/permits")
            _ = try await aziz.post("/permits/open", form: ["application": application])
            let caseID = try #require(try await PermitCase.query(on: app.db).first()?.requireID())
            let path = "/permits/\(caseID.uuidString.lowercased())"
            try await aziz.get(path)
            let bad = try await aziz.post(path + "/persons", form: ["op": "add", "name": "", "relation": "cousin", "birthDate": "2999-01-01", "citizenship": "XX"])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await PermitCase.find(caseID, on: app.db)?.persons.count == 3)
            try await aziz.get(path)
            #expect(try await aziz.post(path + "/persons", form: ["op": "add", "name": "Жасур Каримов", "relation": "sibling", "birthDate": "1995-02-03", "citizenship": "UZ"]).status == .seeOther)
            try await aziz.get(path)
            #expect(try await aziz.post(path + "/persons", form: ["op": "birthDate", "person": "p0", "birthDate": "1990-05-06"]).status == .seeOther)
            let page = try await aziz.get(path)
            #expect(page.text.contains("The route does not cover this relation (Brother or sister)"))
            let stored = try #require(try await PermitCase.find(caseID, on: app.db))
            #expect(stored.persons.map(\.relation) == ["principal", "spouse", "child", "sibling"])
            #expect(stored.persons[0].birthDate == "1990-05-06")
            #expect(try await aziz.post(path + "/persons", form: ["op": "remove", "person": "p3"]).status == .seeOther)
            #expect(try await PermitCase.find(caseID, on: app.db)?.persons.count == 3)
            // Once submitted, the people on the case are fixed.
            try await uploadEverything(app, case: caseID.uuidString.lowercased(), token: try await app.token(email: "aziz@example.uz"))
            #expect(try await act(aziz, caseID, ["event": "submit"]).status == .seeOther)
            try await aziz.get(path)
            #expect(try await aziz.post(path + "/persons", form: ["op": "remove", "person": "p2"]).status == .conflict)
        }
    }

    @Test func aNewRulebookVersionAppliesToNewCasesOnly() async throws {
        let clock = TestClock()  // 2026-11-18
        try await withTestApp(clock: clock) { app in
            _ = try await hired(app)
            let aziz = try await app.token(email: "aziz@example.uz")
            let first = try #require(try await JobApplication.query(on: app.db).first()?.requireID())
            let old = try await app.api(.POST, "/permit-cases", raw: #"{"applicationId":"\#(first.uuidString.lowercased())"}"#, token: aziz).json(CaseBody.self)

            // The law changes: a new rulebook version (a two-month term) ships; cases opened from now on use it.
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Sources/CaravanPermits/Resources/rulebooks/ru-it-fast-track-2022.1.json")
            let text = try String(contentsOf: file, encoding: .utf8)
                .replacingOccurrences(of: #""version": "2022.1""#, with: #""version": "2027.1""#)
                .replacingOccurrences(of: #""decisionTermMonths": 3"#, with: #""decisionTermMonths": 2"#)
            let newer = try Rulebook(json: Data(text.utf8), name: "ru-it-fast-track-2027.1.json")
            let registry = app.permitRegistry
            app.permitRegistry = PermitRegistry(rulebooks: registry.rulebooks.merging([newer.qualifiedVersion: newer]) { $1 }, current: newer,
                                                calendar: registry.calendar, signer: registry.signer)

            // A second specialist with an accepted offer opens a case under the new version.
            let (hr, _, vacancy) = (try await app.token(email: "hr@kazan.example"), aziz, try #require(try await Vacancy.query(on: app.db).first()?.requireID()))
            try await app.signUp(email: "dana@example.kz")
            let dana = try await app.token(email: "dana@example.kz")
            let id = try await app.api(.POST, "/vacancies/\(vacancy.uuidString.lowercased())/applications", raw: "{}", token: dana).json(ApplicationBody.self).id
            for stage in ["screening", "interview"] { _ = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"\#(stage)"}"#, token: hr) }
            _ = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"offer","offer":{"salary":300000,"startDate":"2027-02-01","city":"Казань","contract":"employment"}}"#, token: hr)
            _ = try await app.api(.POST, "/applications/\(id)/moves", raw: #"{"stage":"hired"}"#, token: dana)
            let new = try await app.api(.POST, "/permit-cases", raw: #"{"applicationId":"\#(id)"}"#, token: dana).json(CaseBody.self)

            for (token, body) in [(aziz, old), (dana, new)] {
                try await uploadEverything(app, case: body.id, token: token)
                _ = try await app.api(.POST, "/permit-cases/\(body.id)/events", raw: #"{"event":"submit"}"#, token: token)
            }
            let oldNow = try await app.api(.GET, "/permit-cases/\(old.id)", token: aziz).json(CaseBody.self)
            let newNow = try await app.api(.GET, "/permit-cases/\(new.id)", token: dana).json(CaseBody.self)
            // Submitted 2026-11-18: three months → 2027-02-18 under the old version; two → 2027-01-18 (a Monday) under the new.
            #expect(oldNow.expectedDecisionDate == "2027-02-18")
            #expect(newNow.expectedDecisionDate == "2027-01-18")
            #expect(try await PermitCase.query(on: app.db).all().map(\.rulebookVersion).sorted() == ["ru-it-fast-track@2022.1", "ru-it-fast-track@2027.1"])
        }
    }

    /// An approved family case with its permit issued; returns the case id.
    func issued(_ app: Application) async throws -> String {
        _ = try await hired(app)
        let aziz = try await app.token(email: "aziz@example.uz")
        let officer = try await app.token(email: "officer1@example.org")
        let application = try #require(try await JobApplication.query(on: app.db).first()?.requireID())
        let id = try await app.api(.POST, "/permit-cases", raw: #"{"applicationId":"\#(application.uuidString.lowercased())"}"#, token: aziz).json(CaseBody.self).id
        try await uploadEverything(app, case: id, token: aziz)
        _ = try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"submit"}"#, token: aziz)
        _ = try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"start_review"}"#, token: officer)
        try await acceptEverything(app, case: id, token: officer)
        _ = try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"decide","decision":[{"person":"p0","verdict":"approved"},{"person":"p1","verdict":"approved"},{"person":"p2","verdict":"approved"}]}"#, token: officer)
        #expect(try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"issue_permit"}"#, token: officer).status == .ok)
        return id
    }

    @Test func theGracePeriodWarnsThenCancelsAndANewContractStopsIt() async throws {
        let clock = TestClock()  // 2026-11-18, a Wednesday
        try await withTestApp(clock: clock) { app in
            let id = try await issued(app)
            let employer = WebClient(app, acceptLanguage: "en")
            try await employer.get("/signin")
            try await employer.post("/signin", form: ["email": "hr@kazan.example", "password": "correct horse"])
            try await employer.get("/permits/\(id)")
            #expect(try await employer.post("/permits/\(id)/contract-end", form: ["endedOn": "someday"]).status == .unprocessableEntity)
            try await employer.get("/permits/\(id)")
            #expect(try await employer.post("/permits/\(id)/contract-end", form: ["endedOn": "2026-11-20"]).status == .seeOther)
            let aziz = WebClient(app, acceptLanguage: "en")
            try await aziz.get("/signin")
            try await aziz.post("/signin", form: ["email": "aziz@example.uz", "password": "correct horse"])
            // 30 working days from Monday 23 November 2026, across the holidays (31 December 2026 and 1–8 January
            // 2027 are days off on the production calendar): the 30th is Tuesday 12 January 2027.
            let page = try await aziz.get("/permits/\(id)")
            #expect(page.text.contains("The contract ended on November 20, 2026."))
            let permitCase = try #require(try await PermitCase.find(UUID(uuidString: id)!, on: app.db))
            let grace = try #require(PermitService(app: app, database: app.db).grace(of: permitCase))
            let last = try grace.clock.lastDay(calendar: app.permitRegistry.calendar)
            #expect(last.description == "2027-01-12")
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.permit.grace-started").count() == 1)

            // On 29 December four working days are left (29, 30 December, 11, 12 January): one warning, however often
            // the sweep runs.
            clock.advance(by: 41 * 86_400)  // 2026-12-29
            try await PermitService(app: app, database: app.db).sweepGrace()
            try await PermitService(app: app, database: app.db).sweepGrace()
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.permit.grace-warning").count() == 1)

            // After the last day with no new contract, the permit is cancelled by the sweep.
            clock.advance(by: 16 * 86_400)  // 2027-01-14
            try await PermitService(app: app, database: app.db).sweepGrace()
            let cancelled = try #require(try await PermitCase.find(UUID(uuidString: id)!, on: app.db))
            #expect(cancelled.status == "cancelled")
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.permit.cancelled.grace_lapsed").count() == 1)
        }
    }

    @Test func aNewContractInTimeKeepsThePermit() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let id = try await issued(app)
            let hr = try await app.token(email: "hr@kazan.example")
            let permitCase = try #require(try await PermitCase.find(UUID(uuidString: id)!, on: app.db))
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "hr@kazan.example").first())
            try await PermitService(app: app, database: app.db).contractEnded(on: "2026-11-20", for: permitCase, by: user)
            // A second accepted offer from the (accredited) company, starting within the period.
            let vacancy = try await app.api(.POST, "/vacancies", raw: VacanciesTests.javaVacancy.replacingOccurrences(of: "Java-разработчик", with: "Kotlin-разработчик"), token: hr).json(VacancyBody.self)
            let aziz = try await app.token(email: "aziz@example.uz")
            let second = try await app.api(.POST, "/vacancies/\(vacancy.id)/applications", raw: "{}", token: aziz).json(ApplicationBody.self).id
            for stage in ["screening", "interview"] { _ = try await app.api(.POST, "/applications/\(second)/moves", raw: #"{"stage":"\#(stage)"}"#, token: hr) }
            _ = try await app.api(.POST, "/applications/\(second)/moves", raw: #"{"stage":"offer","offer":{"salary":310000,"startDate":"2026-12-01","city":"Казань","contract":"employment"}}"#, token: hr)
            #expect(try await app.api(.POST, "/applications/\(second)/moves", raw: #"{"stage":"hired"}"#, token: aziz).status == .ok)
            clock.advance(by: 60 * 86_400)
            try await PermitService(app: app, database: app.db).sweepGrace()
            let kept = try #require(try await PermitCase.find(UUID(uuidString: id)!, on: app.db))
            #expect(kept.status == "permit_issued")
            #expect(kept.newContractOn == "2026-12-01")
        }
    }
}
