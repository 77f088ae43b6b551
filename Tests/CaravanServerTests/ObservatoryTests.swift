import CaravanAllocation
import CaravanDomain
import CaravanFlows
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The observatory on the demo data: the public figures as the API, the pages and the CSV files give them, attacked
/// by subtraction; the analysts' exact figures against the database counted separately, each export in the audit
/// chain; the pages in both languages; the doors closed to everyone else.
@Suite(.serialized) struct ObservatoryTests {
    struct Report: Decodable {
        struct Table: Decodable {
            struct Row: Decodable {
                struct Cell: Decodable {
                    let column: String
                    let text: String
                    let value: Double?
                    let suppressed: Bool
                }

                let id: String
                let label: String
                let cells: [Cell]
            }

            let id: String
            let title: String
            let definition: String
            let rows: [Row]
            let csv: String
        }

        let exact: Bool
        let asOf: Date
        let tables: [Table]

        func table(_ id: String) -> Table? { tables.first { $0.id == id } }

        /// The first column's figure of a row, if shown.
        func count(_ table: String, _ row: String) -> Int? {
            self.table(table)?.rows.first { $0.id == row }?.cells.first?.value.map { Int($0) }
        }
    }

    /// Every shown count is over 15, and nothing shown lets a reader subtract their way to 15 or fewer: between any
    /// two shown steps of the funnel, between a total and its shown parts.
    static func expectNothingToSubtract(_ report: Report) {
        // The columns that hold counts of people or cases (the others are shares, days and differences).
        let countColumns = ["funnel": [0], "parts": [0], "demand-skills": [0, 1], "demand-cities": [0, 1], "trend": [0, 1],
                            "permits-clock": [0]]
        for table in report.tables {
            for row in table.rows {
                for index in countColumns[table.id] ?? [] where index < row.cells.count {
                    if let value = row.cells[index].value { #expect(value > 15, "\(table.id)/\(row.id) shows \(value)") }
                }
            }
        }
        let steps = ObservatoryService.funnelSteps.compactMap { report.count("funnel", $0) }
        for i in steps.indices {
            for j in steps.indices where j > i {
                #expect(steps[i] - steps[j] > 15, "two funnel steps shown as \(steps[i]) and \(steps[j]) give away \(steps[i] - steps[j])")
            }
        }
        func partition(_ table: String, total: String, parts: [String]) {
            guard let whole = report.count(table, total) else { return }
            let shown = parts.compactMap { report.count(table, $0) }
            guard shown.count < parts.count else { return }
            #expect(whole - shown.reduce(0, +) > 15, "\(table): the hidden parts of \(whole) hold \(whole - shown.reduce(0, +))")
        }
        if let cities = report.table("demand-cities") {
            partition("demand-cities", total: "total", parts: cities.rows.map(\.id).filter { $0 != "total" })
        }
        partition("permits-clock", total: "decided", parts: ["decided-within", "decided-late"])
        partition("permits-clock", total: "open", parts: ["open-within", "open-overdue"])
        for (whole, part) in [("test-bookings", "test-passes"), ("grants-placed", "grants-taken"), ("grants-taken", "grants-students"),
                              ("grants-placed", "grants-students")] {
            if let a = report.count("parts", whole), let b = report.count("parts", part) { #expect(a - b > 15, "\(whole) − \(part) = \(a - b)") }
        }
        // Identities the data itself holds, beyond the tables' own totals: the months' new accounts are part of all
        // accounts; with every month shown, what is left (older accounts) must not be small.
        if let accounts = report.count("funnel", "accounts"), let trend = report.table("trend") {
            let months = trend.rows.map { $0.cells[1].value }
            if months.allSatisfy({ $0 != nil }) {
                let recent = Int(months.compactMap { $0 }.reduce(0, +))
                #expect(accounts - recent > 15, "the \(accounts - recent) accounts before the twelve months are given away")
            }
        }
    }

    @Test func theDemoIsShownPubliclyWithoutSmallCountsAndExactlyToAnalysts() async throws {
        try await withTestApp { app in
            try await DemoDataset.load(on: app)
            let public_ = try await app.api(.GET, "/observatory", language: "en")
            #expect(public_.status == .ok, "\(public_.text)")
            let report = try public_.json(Report.self)
            #expect(!report.exact)
            #expect(Set(report.tables.map(\.id)) == Set(ObservatoryTable.ids))
            Self.expectNothingToSubtract(report)
            #expect(report.tables.allSatisfy { !$0.definition.isEmpty && !$0.definition.contains("observatory.") })
            #expect(report.tables.flatMap(\.rows).flatMap(\.cells).contains { $0.text == "≤15" && $0.suppressed && $0.value == nil },
                    "the demo has small counts, and they are suppressed")

            // The exact figures: to analysts and admins only, equal to the database counted here, each call recorded.
            #expect(try await app.api(.GET, "/observatory/exact").status == .unauthorized)
            try await app.signUp(email: "someone@example.uz")
            #expect(try await app.api(.GET, "/observatory/exact", token: try await app.token(email: "someone@example.uz")).status == .forbidden)
            let analyst = try await app.token(email: "analyst@demo.caravan.test", password: DemoDataset.password)
            let auditBefore = try await AuditEvent.query(on: app.db).filter(\.$action == "observatory.export").count()
            let exactResponse = try await app.api(.GET, "/observatory/exact", token: analyst, language: "ru")
            #expect(exactResponse.status == .ok, "\(exactResponse.text)")
            let exact = try exactResponse.json(Report.self)
            #expect(exact.exact)
            let specialists = try await User.query(on: app.db).filter(\.$role == Role.specialist.rawValue).count()
            #expect(exact.count("funnel", "accounts") == specialists)
            let placed = try await GrantApplication.query(on: app.db).all().filter { GrantLifecycle.wasPlaced($0.status) }.count
            #expect(exact.count("parts", "grants-placed") == placed)
            let open = try await Vacancy.query(on: app.db).filter(\.$status == VacancyStatus.published.rawValue).count()
            #expect(exact.count("demand-cities", "total") == open)
            let holders = Set(try await PermitCase.query(on: app.db).filter(\.$permitIssuedOn != nil).all().map(\.$principal.id))
            #expect(exact.count("funnel", "permits") == holders.count, "everyone who holds a permit, once")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "observatory.export").count() == auditBefore + 1)
            // Every step in the funnel is part of the step before it.
            let steps = ObservatoryService.funnelSteps.compactMap { exact.count("funnel", $0) }
            #expect(steps.count == ObservatoryService.funnelSteps.count && zip(steps, steps.dropFirst()).allSatisfy { $0 >= $1 })
            try await Self.pagesAndFiles(app)
        }
    }

    /// The pages and the files on the demo (loaded once: it is a large world), in both languages.
    static func pagesAndFiles(_ app: Vapor.Application) async throws {
        var exports = 0
        for language in ["ru", "en"] {
            let page = try await WebClient(app, acceptLanguage: language).get("/observatory")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains(language == "ru" ? "Воронка: от учётной записи до въезда" : "The funnel: from an account to an arrival"))
            #expect(html.contains(language == "ru" ? "Игорь Зубов" : "Igor Zubov") && html.contains(language == "ru" ? "170\u{00A0}000" : "170,000"))
            #expect(html.contains("<svg") && html.contains("role=\"img\"") && !html.contains("<script"), "charts drawn on the server, no script")
            #expect(html.contains("≤15"))
            #expect(!html.contains("observatory.") && !html.contains("funnel.accounts"), "no raw keys")
            // The demo's synthetic estimate, said to be synthetic, with the sentence on how the share moves.
            #expect(html.contains("synthetic, not real SIM data"))
            #expect(html.contains(language == "ru" ? "Те же люди и те же данные" : "The same people and the same data"))
            // Each table's CSV: the same figures as the page, "≤15" included; nothing recorded for the public.
            let before = try await AuditEvent.query(on: app.db).count()
            let csv = try await WebClient(app, acceptLanguage: language).get("/observatory/tables/funnel.csv")
            #expect(csv.status == .ok && csv.headers.contentType?.subType == "csv")
            #expect(csv.text.contains(language == "ru" ? "Учётные записи специалистов" : "Specialists' accounts"))
            #expect(try await WebClient(app).get("/observatory/tables/nothing.csv").status == .notFound)
            #expect(try await WebClient(app).get("/observatory/tables/funnel").status == .notFound)
            #expect(try await AuditEvent.query(on: app.db).count() == before)

            // The analyst's page and file: exact, the file's download recorded.
            let analyst = WebClient(app, acceptLanguage: language)
            #expect(try await analyst.get("/observatory/exact").status == .seeOther, "sent to sign in")
            _ = try await analyst.get("/signin")
            #expect(try await analyst.post("/signin", form: ["email": "analyst@demo.caravan.test", "password": DemoDataset.password]).status == .seeOther)
            let public_ = try await analyst.get("/observatory")
            #expect(public_.text.contains("/observatory/exact"), "the analyst is offered the exact figures")
            let exactPage = try await analyst.get("/observatory/exact")
            #expect(exactPage.status == .ok && !exactPage.text.contains("≤15"))
            let exactFile = try await analyst.get("/observatory/exact/tables/demand-cities.csv")
            #expect(exactFile.status == .ok && !exactFile.text.contains("≤15"))
            exports += 1
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "observatory.export").count() == exports + 1, "and the API's one")
            let specialist = WebClient(app, acceptLanguage: language)
            _ = try await specialist.get("/signin")
            #expect(try await specialist.post("/signin", form: ["email": "aziz.karimov@demo.caravan.test", "password": DemoDataset.password]).status == .seeOther)
            #expect(try await specialist.get("/observatory/exact").status == .forbidden)
            #expect(try await specialist.get("/observatory/exact/tables/funnel.csv").status == .forbidden)
        }
    }

    /// A funnel step that would tell how few dropped out is hidden even when it is large: 30 accounts and 20 complete
    /// profiles would say 10 people have none.
    @Test func aLargeStepIsHiddenWhenTheDifferenceIsSmall() async throws {
        try await withTestApp { app in
            for index in 0..<30 { try await app.signUp(email: "p\(index)@example.uz") }
            let users = try await User.query(on: app.db).filter(\.$role == Role.specialist.rawValue).sort(\.$email).all()
            for user in users.prefix(20) {
                let profile = SpecialistProfile(userID: try user.requireID())
                profile.apply(ProfileBasics(
                    citizenship: CountryCode(rawValue: "UZ"), countryOfResidence: CountryCode(rawValue: "UZ"), city: "Ташкент", phone: "", headline: "Java-разработчик", summary: "",
                    russianLevel: .b2, expectedSalary: nil, relocation: true, remote: .any
                ))
                profile.skills = ["java", "spring-boot", "postgresql"].map { .init(skill: $0, level: 4, years: 3) }
                profile.experience = [ExperienceEntry(employer: "Tashkent Soft", role: "Developer", country: CountryCode(rawValue: "UZ"), start: "2020-01", end: nil, description: "")]
                try await profile.create(on: app.db)
            }
            let report = try await app.api(.GET, "/observatory").json(Report.self)
            #expect(report.count("funnel", "accounts") == 30)
            #expect(report.count("funnel", "profiles") == nil, "30 − 20 would give away 10")
            Self.expectNothingToSubtract(report)
            let admin = try await AccountService(app: app).create(
                .init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
            _ = admin
            let exact = try await app.api(.GET, "/observatory/exact", token: try await app.token(email: "admin@example.org")).json(Report.self)
            #expect(exact.count("funnel", "profiles") == 20)
        }
    }

    /// A published estimate: each definition's returns and departures, the share that came back with its interval,
    /// and the sentence that says how far the share moves with the rule — "≤15" for a small count, no share from it.
    @Test func aPublishedEstimateShowsHowTheReturnedShareDependsOnTheRule() async throws {
        try await withTestApp { app in
            let page = try await WebClient(app, acceptLanguage: "en").get("/observatory")
            #expect(page.text.contains("No estimate has been published yet"))
            var oneDay = FlowDefinition.standard
            oneDay.name = "return-1d"
            oneDay.returnDays = 1
            let summaries = [
                FlowSummary(definition: oneDay, counts: [.neverLeft: 800, .departed: 30, .returned: 170, .other: 5]),
                FlowSummary(definition: .standard, counts: [.neverLeft: 800, .departed: 60, .returned: 140, .other: 5]),
                FlowSummary(definition: .un183, counts: [.neverLeft: 900, .departed: 90, .returned: 10, .other: 5]),
            ]
            let estimate = FlowEstimate(publishedAt: Date(), source: "synthetic: a test", home: "UZ", events: 100_000, subscribers: 1_005, summaries: summaries)
            try await ObservatoryService(app: app, database: app.db).publish(estimate, by: "test")
            for language in ["en", "ru"] {
                let shown = try await WebClient(app, acceptLanguage: language).get("/observatory").text
                #expect(shown.contains(language == "en" ? "85.0" : "85,0"), "170 of 200 came back under the one-day rule")
                #expect(shown.contains(language == "en" ? "Uzbekistan" : "Узбекистан"))
                #expect(shown.contains(language == "en" ? "The same people and the same data" : "Те же люди и те же данные"))
                let start = try #require(shown.range(of: "id=\"flows\""))
                let section = String(shown[start.lowerBound...])
                #expect(section.contains("≤15"), "10 returned under the UN rule is not shown")
                #expect(!section.contains("un-183") && !section.contains("return-1d"), "definitions named in words")
                #expect(!shown.contains("observatory.flows"))
            }
            let api = try await app.api(.GET, "/observatory", language: "en")
            struct Body: Decodable {
                struct Flows: Decodable {
                    struct Reading: Decodable {
                        let name: String
                        let returned: String
                        let shareValue: Double?
                        let shareLower: Double?
                        let shareUpper: Double?
                    }

                    let readings: [Reading]
                }

                let flows: Flows?
            }
            let readings = try #require(try api.json(Body.self).flows).readings
            #expect(readings.map(\.name) == ["return-1d", "default", "un-183"])
            #expect(readings[0].shareValue == 85.0 && (readings[0].shareLower ?? 100) < 85 && (readings[0].shareUpper ?? 0) > 85)
            #expect(readings[2].returned == "≤15" && readings[2].shareValue == nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "observatory.flows-published").count() == 1)
        }
    }

    /// A negative gap goes to a spreadsheet as a number; a HEAD asks about an export without making one; a remote
    /// vacancy with no city is a row in words.
    @Test func filesKeepNumbersAndAHeadIsNoExport() async throws {
        try await withTestApp { app in
            try await app.signUp(email: "hr@kazan.example", role: "employer")
            let hr = try await app.token(email: "hr@kazan.example")
            _ = try await app.api(.POST, "/companies", json: ["legalName": "ООО «Казань Софт»", "inn": "7707083893", "ogrn": "1027700132195", "city": "Казань", "size": "16-100"], token: hr)
            #expect(try await app.api(.POST, "/vacancies", raw: VacanciesTests.javaVacancy, token: hr).status == .created)
            for index in 0..<20 { try await app.signUp(email: "p\(index)@example.uz") }
            // Two Java developers who would move: more candidates than vacancies in Kazan, a gap of −1.
            for user in try await User.query(on: app.db).filter(\.$role == Role.specialist.rawValue).limit(2).all() {
                let profile = SpecialistProfile(userID: try user.requireID())
                profile.relocation = true
                profile.skills = [.init(skill: "java", level: 5, years: 5), .init(skill: "spring-boot", level: 4, years: 3)]
                try await profile.create(on: app.db)
            }
            let admin = try await AccountService(app: app).create(
                .init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
            _ = admin
            let browser = WebClient(app, acceptLanguage: "en")
            _ = try await browser.get("/signin")
            #expect(try await browser.post("/signin", form: ["email": "admin@example.org", "password": "correct horse"]).status == .seeOther)
            let file = try await browser.get("/observatory/exact/tables/demand-cities.csv")
            #expect(file.status == .ok)
            #expect(file.text.contains(",1,2,-1\r\n"), "Kazan: 1 vacancy, 2 candidates, a gap of -1 as a number: \(file.text)")
            let before = try await AuditEvent.query(on: app.db).filter(\.$action == "observatory.export").count()
            let head = try await app.sendRequest(.HEAD, "/api/v1/observatory/exact", headers: ["Authorization": "Bearer \(try await app.token(email: "admin@example.org"))"])
            #expect(head.status == .ok)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "observatory.export").count() == before, "a HEAD exports nothing")
            #expect(ObservatoryService.cityKey(" г. Москва ") == ObservatoryService.cityKey("москва"))
        }
    }

    /// Analysts exporting at the same moment, and readers asking while the figures are counted: every export is its
    /// own link in the audit chain, the chain holds, every reader gets the figures (on SQLite and PostgreSQL alike).
    @Test func exportsAtOnceAreEachRecordedAndTheChainHolds() async throws {
        try await withTestApp { app in
            for index in 0..<20 { try await app.signUp(email: "p\(index)@example.uz") }
            _ = try await AccountService(app: app).create(
                .init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
            let token = try await app.token(email: "admin@example.org")
            let before = try await AuditEvent.query(on: app.db).count()
            try await withThrowingTaskGroup(of: (HTTPStatus, HTTPStatus).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        async let exact = app.api(.GET, "/observatory/exact", token: token)
                        async let public_ = app.api(.GET, "/observatory")
                        return (try await exact.status, try await public_.status)
                    }
                }
                for try await (exact, public_) in group { #expect(exact == .ok && public_ == .ok) }
            }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "observatory.export").count() == 8)
            #expect(try await AuditLog(now: { Date() }).verify(on: app.db) == .intact(count: before + 8))
        }
    }
}
