import CaravanDomain
import CaravanPermits
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A decision only on checked facts, answered the same way through the page and the API.
@Suite struct PermitDecisionTests {
    struct Problem: Decodable {
        struct Field: Decodable {
            let field: String
            let code: String
            let message: String
        }

        let type: String
        let errors: [Field]?
    }

    /// A case with every document uploaded and accepted and the review started: ready for a decision.
    func reviewed(_ app: Application) async throws -> (String, PermitTests, WebClient, WebClient) {
        let tests = PermitTests()
        let (aziz, officer, _, _, _) = try await tests.hired(app)
        let (azizToken, officerToken) = try await tests.tokens(app)
        let application = try #require(try await JobApplication.query(on: app.db).first()?.requireID())
        let id = try await app.api(.POST, "/permit-cases", raw: #"{"applicationId":"\#(application.uuidString.lowercased())"}"#, token: azizToken)
            .json(PermitTests.CaseBody.self).id
        try await tests.uploadEverything(app, case: id, token: azizToken)
        #expect(try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"submit"}"#, token: azizToken).status == .ok)
        #expect(try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"start_review"}"#, token: officerToken).status == .ok)
        try await tests.acceptEverything(app, case: id, token: officerToken)
        return (id, tests, aziz, officer)
    }

    /// A draft is the family's own until it is filed: no officer opens it by id, lists it or reads its papers.
    @Test func anOfficerSeesACaseOnlyOnceItIsSubmitted() async throws {
        try await withTestApp { app in
            let tests = PermitTests()
            _ = try await tests.hired(app)
            let (azizToken, officerToken) = try await tests.tokens(app)
            let application = try #require(try await JobApplication.query(on: app.db).first()?.requireID())
            let id = try await app.api(.POST, "/permit-cases", raw: #"{"applicationId":"\#(application.uuidString.lowercased())"}"#, token: azizToken)
                .json(PermitTests.CaseBody.self).id
            #expect(try await app.api(.GET, "/permit-cases/\(id)", token: officerToken).status == .notFound)
            #expect(try await app.api(.GET, "/permit-cases/\(id)/documents", token: officerToken).status == .notFound)
            #expect(try await app.api(.GET, "/permit-cases?status=draft", token: officerToken).text == #"{"cases":[]}"#)
            #expect(try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"start_review"}"#, token: officerToken).status == .notFound)

            try await tests.uploadEverything(app, case: id, token: azizToken)
            #expect(try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"submit"}"#, token: azizToken).status == .ok)
            #expect(try await app.api(.GET, "/permit-cases/\(id)", token: officerToken).status == .ok)
        }
    }

    @Test func anEntryBanFiledDuringTheReviewBlocksTheApprovalAtTheDecision() async throws {
        try await withTestApp { app in
            let (id, _, _, officerWeb) = try await reviewed(app)
            let officer = try await app.token(email: "officer1@example.org")
            // The registry officers file a ban on the spouse (by name, birth date and citizenship) after the review began.
            let registrar = try await AccountService(app: app).create(
                .init(email: "registry@example.org", password: "correct horse", displayName: "Registry", role: "registry_officer"),
                by: nil, asOperator: true)
            _ = try await EntryBanService(app: app, database: app.db).add(EntryBanInput(
                citizenship: "UZ", name: "Дилноза Каримова", birthDate: "1992-04-01", from: "2025-01-01", legalBasis: "114-FZ art. 27 §1(2)"
            ), by: registrar)

            let approveAll = #"{"event":"decide","decision":[{"person":"p0","verdict":"approved"},{"person":"p1","verdict":"approved"},{"person":"p2","verdict":"approved"}]}"#
            let refused = try await app.api(.POST, "/permit-cases/\(id)/events", raw: approveAll, token: officer, language: "en")
            #expect(refused.status == .conflict)
            let problem = try refused.json(Problem.self)
            #expect(problem.type == "urn:caravan:problem:permit-approval-blocked")
            #expect(problem.errors?.map(\.field) == ["decision.p1"])
            #expect(problem.errors?.map(\.code) == ["entry.noBan"])
            #expect(problem.errors?.first?.message.hasPrefix("Дилноза Каримова: ") == true)

            // The page answers the same mistake with the same rule, and says why before anyone presses the button.
            let path = "/permits/\(id)"
            let page = try await officerWeb.get(path)
            #expect(page.text.contains("a ban is in force (114-FZ art. 27 §1(2))"))
            let form = try await officerWeb.post(path + "/actions", form: ["event": "decide", "verdict_p0": "approved", "verdict_p1": "approved", "verdict_p2": "approved"])
            #expect(form.status == .conflict)
            #expect(form.text.contains("Дилноза Каримова: "))
            #expect(try await PermitCase.find(try #require(UUID(uuidString: id)), on: app.db)?.status == "in_review")

            // The check and its answer are on the person and on the audit chain.
            let stored = try #require(try await PermitCase.find(try #require(UUID(uuidString: id)), on: app.db))
            #expect(stored.persons[1].entryBanCheck?.result == .banned)
            #expect(stored.persons[0].entryBanCheck?.result == .clear)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "permit.entry-ban-checked").count() >= 2)

            // Refusing the spouse on the entry-ban ground is possible: a proposal that the applicant sees as "in review".
            let refuseSpouse = #"{"event":"decide","decision":[{"person":"p0","verdict":"approved"},{"person":"p1","verdict":"refused","ground":"entry_ban"},{"person":"p2","verdict":"approved"}]}"#
            let proposed = try await app.api(.POST, "/permit-cases/\(id)/events", raw: refuseSpouse, token: officer)
            #expect(proposed.status == .ok)
            let applicantView = try await app.api(.GET, "/permit-cases/\(id)", token: try await app.token(email: "aziz@example.uz"))
                .json(PermitTests.CaseBody.self)
            #expect(applicantView.status == "in_review")
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.permit.refusal_proposed").count() == 0)
        }
    }

    @Test func theSameMistakeGetsTheSameCodeThroughThePageAndTheAPI() async throws {
        try await withTestApp { app in
            let tests = PermitTests()
            let (aziz, _, _, _, application) = try await tests.hired(app)
            try await aziz.get("/permits")
            _ = try await aziz.post("/permits/open", form: ["application": application])
            let id = try #require(try await PermitCase.query(on: app.db).first()?.requireID()).uuidString.lowercased()
            let token = try await app.token(email: "aziz@example.uz")

            // A document off the person's checklist.
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            headers.contentType = .binary
            headers.replaceOrAdd(name: .acceptLanguage, value: "en")
            let api = try await app.sendRequest(.POST, "/api/v1/permit-cases/\(id)/documents?person=p0&kind=marriage_certificate", headers: headers,
                                                body: ByteBuffer(bytes: PermitTests.pdf))
            #expect(api.status == .unprocessableEntity)
            let field = try #require(try api.json(Problem.self).errors?.first)
            #expect(field.code == "document.notOnChecklist")
            try await aziz.get("/permits/\(id)")
            let page = try await aziz.upload("/permits/\(id)/documents", form: ["person": "p0", "kind": "marriage_certificate"], file: PermitTests.pdf, filename: "m.pdf")
            #expect(page.status == .unprocessableEntity)
            #expect(page.text.contains(field.message.replacingOccurrences(of: "\"", with: "&quot;")))

            // Submitting too early: the missing documents, person by person, both ways.
            let early = try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"submit"}"#, token: token, language: "en")
            #expect(early.status == .unprocessableEntity)
            let missing = try #require(try early.json(Problem.self).errors)
            #expect(missing.map(\.field) == ["documents.p0", "documents.p1", "documents.p2"])
            #expect(missing.allSatisfy { $0.code == "permit.documentsMissing" })
            #expect(missing[0].message.contains("Passport, Certified translation of the passport, Photo"))
            try await aziz.get("/permits/\(id)")
            let form = try await aziz.post("/permits/\(id)/actions", form: ["event": "submit"])
            #expect(form.status == .unprocessableEntity)
            #expect(form.text.contains("Passport, Certified translation of the passport, Photo"))

            // An unknown move and a missing answer.
            let unknown = try await app.api(.POST, "/permit-cases/\(id)/events", raw: #"{"event":"teleport"}"#, token: token)
            #expect(try unknown.json(Problem.self).errors?.first?.code == "permit.eventUnknown")
            // A malformed verdict is refused whatever the move (the contract's pattern), and changes nothing.
            let malformed = try await app.api(.POST, "/permit-cases/\(id)/events",
                                              raw: #"{"event":"withdraw","decision":[{"person":"p6*","verdict":"approved"}]}"#, token: token)
            #expect(malformed.status == .unprocessableEntity)
            #expect(try malformed.json(Problem.self).errors?.first?.field == "decision.0.person")
            try await aziz.get("/permits/\(id)")
            #expect(try await aziz.post("/permits/\(id)/actions", form: ["event": "teleport"]).status == .unprocessableEntity)
            #expect(try await PermitCase.query(on: app.db).first()?.status == "draft")
        }
    }

    @Test func everyStatusEventAndNoticeReadsAsWordsInEveryLanguage() throws {
        let catalogs = try MessageCatalogs.load(from: Localization.localesFolder)
        var keys = CaseStatus.allCases.map { "permit.status.\($0.rawValue)" }
        keys += CaseStatus.allCases.filter { $0 != .refusalProposed }.map { "notice.permit.\($0.rawValue)" }
        keys += CaseEventKind.allCases.map { "permit.history.\($0.rawValue)" }
        keys += ["opened", PermitService.proposalStep, PermitService.withdrawnProposalStep, "contract_ended", "new_contract"].map { "permit.history.\($0)" }
        keys += ChecklistState.allCases.map { "permit.document.\($0.rawValue)" }
        keys += CancellationReason.allCases.map { "notice.permit.cancelled.\($0.rawValue)" }
        keys += try Rulebook.bundled().values.map { "rulebook.\($0.id)" }
        for language in catalogs.languages {
            for key in keys {
                let text = catalogs.text(key, in: language)
                #expect(text != key && !text.contains("_") && !text.contains("@"), "\(language) \(key): \(text)")
            }
            // A notice's arguments are words too: no ISO date, no status key.
            let notice = catalogs.text("notice.permit.grace-started", in: language,
                                       ArgumentText.localize(["lastDay": "2027-03-05", "days": "21"], in: language, catalogs: catalogs))
            #expect(!notice.contains("2027-03-05") && !notice.contains("{"), "\(language): \(notice)")
        }
        let russian = try #require(LanguageCode(rawValue: "ru"))
        #expect(catalogs.text("permit.clock.left", in: russian, ["days": "21"]) == "остался 21 рабочий день")
        #expect(catalogs.text("permit.clock.left", in: russian, ["days": "3"]) == "осталось 3 рабочих дня")
        #expect(catalogs.text("permit.clock.left", in: russian, ["days": "11"]) == "осталось 11 рабочих дней")
    }

    /// Every role on the doors this issue added: the checklist, a document's review, the assignment, and a
    /// cancellation by hand (which nobody may fire: the law cancels).
    @Test func everyRoleOnTheNewPermitDoors() async throws {
        try await withTestApp { app in
            let (id, _, principal, _) = try await PermitRaceTests().submitted(app)
            let officer = try await app.token(email: "officer1@example.org")
            #expect(try await app.api(.POST, "/permit-cases/\(id.uuidString.lowercased())/events", raw: #"{"event":"start_review"}"#, token: officer).status == .ok)
            let caseID = id.uuidString.lowercased()
            let document = try #require(try await PermitDocumentFile.query(on: app.db).filter(\.$kind == "photo").first()?.requireID()).uuidString.lowercased()
            _ = principal
            var tokens: [String: String?] = ["anonymous": nil, "principal": try await app.token(email: "aziz@example.uz"),
                                             "sponsor": try await app.token(email: "hr@kazan.example"), "officer": officer]
            let accounts = AccountService(app: app)
            for role in Role.allCases where ![.migrationOfficer, .employer].contains(role) {
                let email = "\(role.rawValue)@roles.example.org"
                _ = try await accounts.create(.init(email: email, password: "correct horse", displayName: "Role \(role.rawValue)", role: role.rawValue),
                                              by: nil, asOperator: true)
                tokens[role == .specialist ? "another specialist" : role.rawValue] = try await app.token(email: email)
            }
            // Expected status of: the checklist, a review, taking the case, a cancellation by hand.
            let expected: [String: [HTTPStatus]] = [
                "anonymous": [.unauthorized, .unauthorized, .unauthorized, .unauthorized],
                "principal": [.ok, .forbidden, .forbidden, .unprocessableEntity],
                "sponsor": [.notFound, .forbidden, .forbidden, .unprocessableEntity],
                "officer": [.ok, .ok, .ok, .unprocessableEntity],
            ]
            for (who, token) in tokens.sorted(by: { $0.key < $1.key }) {
                let statuses = [
                    try await app.api(.GET, "/permit-cases/\(caseID)/documents", token: token).status,
                    try await app.api(.POST, "/permit-cases/\(caseID)/documents/\(document)/review", raw: #"{"decision":"accept"}"#, token: token).status,
                    try await app.api(.POST, "/permit-cases/\(caseID)/assignment", raw: #"{"op":"take"}"#, token: token).status,
                    try await app.api(.POST, "/permit-cases/\(caseID)/events", raw: #"{"event":"cancel"}"#, token: token).status,
                ]
                // Everyone else does not learn the case exists.
                #expect(statuses == expected[who] ?? [.notFound, .notFound, .notFound, .notFound], "\(who)")
            }
            let stored = try #require(try await PermitCase.find(id, on: app.db))
            #expect(stored.status == "in_review")
            #expect(try await PermitDocumentFile.query(on: app.db).filter(\.$status == "accepted").count() == 1)
        }
    }
}
