import CaravanDomain
import CaravanPermits
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite struct EntryBanTests {
    static let byPassport = #"{"citizenship":"UZ","passportNumber":"AA 123-45 67","from":"2025-01-01","legalBasis":"114-FZ art. 27 §1(2)"}"#
    static let byName = #"{"citizenship":"UZ","name":"Каримова  Дилноза","birthDate":"1992-04-01","from":"2025-01-01","until":"2030-12-31","legalBasis":"114-FZ art. 27 §1(2)","source":"MVD"}"#

    /// A registry officer's token (made by the operator, as staff accounts are).
    func officer(_ app: Application, role: Role = .registryOfficer, email: String = "registry@example.org") async throws -> (User, String) {
        let user = try await AccountService(app: app).create(
            .init(email: email, password: "correct horse", displayName: "Марат", role: role.rawValue), by: nil, asOperator: true
        )
        return (user, try await app.token(email: email))
    }

    @Test func aRegistryOfficerAddsListsAndLiftsBansThroughTheAPI() async throws {
        try await withTestApp { app in
            // setup
            let (_, token) = try await officer(app)

            // act: add two, find one by either spelling, lift it, lift it again
            let first = try await app.api(.POST, "/entry-bans", raw: Self.byPassport, token: token)
            #expect(first.status == .created, "\(first.text)")
            let ban = try first.json(EntryBanBody.self)
            #expect(ban.passportNumber == "AA1234567" && ban.lifted == false && ban.source == "registry officer")
            let second = try await app.api(.POST, "/entry-bans", raw: Self.byName, token: token)
            #expect(second.status == .created, "\(second.text)")
            #expect(try second.json(EntryBanBody.self).name == "Каримова Дилноза")

            let all = try await app.api(.GET, "/entry-bans", token: token).json(EntryBanListBody.self)
            #expect(all.total == 2)
            let byNumber = try await app.api(.GET, "/entry-bans?q=aa1234567", token: token).json(EntryBanListBody.self)
            #expect(byNumber.bans.map(\.id) == [ban.id])
            let byName = try await app.api(.GET, "/entry-bans?q=%D0%BA%D0%B0%D1%80%D0%B8%D0%BC%D0%BE%D0%B2%D0%B0", token: token).json(EntryBanListBody.self)
            #expect(byName.bans.map(\.name) == ["Каримова Дилноза"])
            let limited = try await app.api(.GET, "/entry-bans?limit=1", token: token).json(EntryBanListBody.self)
            #expect(limited.bans.count == 1 && limited.total == 2)
            #expect(try await app.api(.GET, "/entry-bans?limit=201", token: token).status == .unprocessableEntity)
            #expect(try await app.api(.GET, "/entry-bans?limit=0", token: token).status == .unprocessableEntity)
            #expect(try await app.api(.GET, "/entry-bans?limit=many", token: token).status == .badRequest)

            let lifted = try await app.api(.POST, "/entry-bans/\(ban.id)/lift", token: token)
            #expect(lifted.status == .ok)
            #expect(try lifted.json(EntryBanBody.self).lifted)
            let again = try await app.api(.POST, "/entry-bans/\(ban.id)/lift", token: token)
            #expect(again.status == .conflict)
            #expect(try again.json(ProblemBody.self).type.hasSuffix("entry-ban-lifted"))
            #expect(try await app.api(.POST, "/entry-bans/\(UUID().uuidString)/lift", token: token).status == .notFound)
            #expect(try await app.api(.POST, "/entry-bans/not-an-id/lift", token: token).status == .notFound)

            // check: the audit trail has each act, and the chain holds
            let actions = try await AuditEvent.query(on: app.db).sort(\.$sequence).all().map(\.action).filter { $0.hasPrefix("entry-ban.") }
            #expect(actions == ["entry-ban.added", "entry-ban.added", "entry-ban.lifted"])
            #expect(try await AuditLog(now: { Date() }).verify(on: app.db) == .intact(count: try await AuditEvent.query(on: app.db).count()))
        }
    }

    @Test func ofTwoOfficersLiftingAtOnceExactlyOneWins() async throws {
        try await withTestApp { app in
            // setup
            let (_, first) = try await officer(app)
            let (_, second) = try await officer(app, email: "registry2@example.org")
            let ban = try await app.api(.POST, "/entry-bans", raw: Self.byPassport, token: first).json(EntryBanBody.self)

            // act: both at once
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for token in [first, second] {
                    group.addTask { try await app.api(.POST, "/entry-bans/\(ban.id)/lift", token: token).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            // check
            #expect(statuses.sorted { $0.code < $1.code } == [.ok, .conflict])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "entry-ban.lifted").count() == 1)
            #expect(try await EntryBan.find(UUID(uuidString: ban.id), on: app.db)?.isLifted == true)
        }
    }

    @Test(arguments: Role.allCases.filter { $0 != .registryOfficer })
    func nobodyElseMayReadOrWriteTheRegistry(role: Role) async throws {
        try await withTestApp { app in
            let (_, registry) = try await officer(app)
            let ban = try await app.api(.POST, "/entry-bans", raw: Self.byPassport, token: registry).json(EntryBanBody.self)
            let (_, token) = try await officer(app, role: role, email: "other@example.org")

            #expect(try await app.api(.GET, "/entry-bans", token: token).status == .forbidden)
            #expect(try await app.api(.POST, "/entry-bans", raw: Self.byPassport, token: token).status == .forbidden)
            #expect(try await app.api(.POST, "/entry-bans/\(ban.id)/lift", token: token).status == .forbidden)
            #expect(try await app.api(.GET, "/entry-bans").status == .unauthorized)
            #expect(try await EntryBan.query(on: app.db).count() == 1)
            #expect(try await EntryBan.query(on: app.db).filter(\.$liftedAt != nil).count() == 0)
        }
    }

    @Test func badInputIsRefusedFieldByFieldAndWritesNothing() async throws {
        try await withTestApp { app in
            let (_, token) = try await officer(app)
            let response = try await app.api(
                .POST, "/entry-bans", raw: #"{"citizenship":"XX","name":"Азиз","from":"2025-05-01","until":"2025-04-01","legalBasis":""}"#,
                token: token, language: "en"
            )
            #expect(response.status == .unprocessableEntity)
            let errors = try response.json(ProblemBody.self).errors ?? []
            #expect(errors.map { "\($0.field) \($0.code)" } == [
                "citizenship country.unknown", "passportNumber entryBan.noIdentity", "until entryBan.untilBeforeFrom", "legalBasis field.required",
            ])
            #expect(errors.allSatisfy { !$0.message.hasPrefix("error.") })
            let missing = try await app.api(.POST, "/entry-bans", raw: #"{"citizenship":"UZ"}"#, token: token)
            #expect(missing.status == .unprocessableEntity)
            #expect(try await app.api(.POST, "/entry-bans", raw: "{not json", token: token).status == .badRequest)
            #expect(try await EntryBan.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "entry-ban.added").count() == 0)
        }
    }

    @Test func theRegistryFindsBansByPassportAndByNameAndBirthDateButNotLiftedOrOtherCitizens() async throws {
        try await withTestApp { app in
            // setup
            let (user, token) = try await officer(app)
            _ = try await app.api(.POST, "/entry-bans", raw: Self.byPassport, token: token)
            _ = try await app.api(.POST, "/entry-bans", raw: Self.byName, token: token)
            let expired = try await app.entryBans.add(
                .init(citizenship: "UZ", passportNumber: "ZZ0000001", from: "2020-01-01", until: "2021-01-01", legalBasis: "x"), by: user
            )
            let registry: any EntryBanRegistry = app.entryBans
            let uz = try #require(CountryCode(rawValue: "UZ"))
            let today = try #require(CalendarDate("2026-01-15"))

            // act + check
            let byPassport = EntryBanSubject(citizenship: uz, passportNumber: "aa1234567", name: "Кто-то Другой", birthDate: nil)
            #expect(try await registry.bans(naming: byPassport, on: today).count == 1)
            let byName = EntryBanSubject(citizenship: uz, passportNumber: nil, name: "КАРИМОВА дилноза", birthDate: CalendarDate("1992-04-01"))
            let found = try await registry.bans(naming: byName, on: today)
            #expect(found.map(\.legalBasis) == ["114-FZ art. 27 §1(2)"])
            #expect(try await registry.check(byName, on: today).isBanned)
            #expect(try await registry.bans(naming: byName, on: try #require(CalendarDate("2031-01-01"))).isEmpty)
            let otherBirthday = EntryBanSubject(citizenship: uz, passportNumber: nil, name: "Каримова Дилноза", birthDate: CalendarDate("1992-04-02"))
            #expect(try await registry.bans(naming: otherBirthday, on: today).isEmpty)
            let kazakh = EntryBanSubject(citizenship: try #require(CountryCode(rawValue: "KZ")), passportNumber: "AA1234567", name: "x", birthDate: nil)
            #expect(try await registry.bans(naming: kazakh, on: today).isEmpty)
            let old = EntryBanSubject(citizenship: uz, passportNumber: "ZZ0000001", name: "x", birthDate: nil)
            #expect(try await registry.bans(naming: old, on: today).isEmpty)
            #expect(try await registry.bans(naming: old, on: try #require(CalendarDate("2020-06-01"))).map(\.id) == [try expired.requireID().uuidString.lowercased()])

            let passportBan = try #require(try await EntryBan.query(on: app.db).filter(\.$passportIndex == app.dataKeyring.blindIndex(passport: "AA1234567")).first())
            _ = try await app.entryBans.lift(try passportBan.requireID(), by: user)
            #expect(try await registry.bans(naming: byPassport, on: today).isEmpty)
            #expect(try await registry.check(byPassport, on: today).result == .clear)
        }
    }

    @Test func theAuditLogHoldsNoPersonalData() async throws {
        try await withTestApp { app in
            let (user, token) = try await officer(app)
            _ = try await app.api(.POST, "/entry-bans", raw: Self.byName, token: token)
            let ban = try await app.api(.POST, "/entry-bans", raw: Self.byPassport, token: token).json(EntryBanBody.self)
            _ = try await app.api(.POST, "/entry-bans/\(ban.id)/lift", token: token)
            _ = try await app.entryBans.importRows(
                header: EntryBanImport.columns,
                rows: [.init(line: 2, fields: ["TJ", "P 7654321", "Рахимов Фаррух", "1988-11-02", "2023-07-15", "", "x", "MVD"])],
                source: "bans.csv", by: .officer(user)
            )
            let events = try await AuditEvent.query(on: app.db).filter(\.$action ~~ "entry-ban.").all()
            #expect(events.count == 4)
            let written = events.map { "\($0.actor) \($0.subject) \($0.payload)" }.joined(separator: "\n")
            for secret in ["AA1234567", "AA 123", "Каримова", "каримова", "Дилноза", "1992-04-01", "P7654321", "7654321", "Рахимов", "1988-11-02"] {
                #expect(!written.contains(secret), "the audit log holds \(secret)")
            }
            #expect(written.contains("UZ") && written.contains("TJ"))
        }
    }

    @Test func aFileWithOneBrokenRowImportsNothingAndReportsTheRow() async throws {
        try await withTestApp { app in
            // setup: a quoted field with a comma and a line break, then a row with an unknown country on line 5
            let file = """
            citizenship,passport_number,name,birth_date,from,until,legal_basis,source
            UZ,AA1234567,,,2025-01-01,,"114-FZ art. 27 §1(2), decision 12",MVD
            TJ,,"Рахимов
            Фаррух",1988-11-02,2023-07-15,,114-FZ art. 26(4),
            QQ,,,,2025-13-01,,,

            """
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("bans-\(UUID().uuidString).csv").path
            try Data(file.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let console = RecordingConsole()

            // act
            var context = CommandContext(console: console, input: CommandInput(arguments: ["caravan", "import", path]))
            context.application = app
            await #expect(throws: ExitCode.self) { try await EntryBansCommand().run(using: &context) }

            // check
            #expect(try await EntryBan.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "entry-ban.imported").count() == 0)
            let output = console.lines.joined(separator: "\n")
            #expect(output.contains("line 5, citizenship: No such country in ISO 3166. [country.unknown]"), "\(output)")
            #expect(output.contains("line 5, from:"))
            #expect(output.contains("line 5, passport_number:"))
            #expect(!output.contains("line 2") && !output.contains("line 3"))
            #expect(output.contains("nothing imported: 1 row(s) refused, 2 row(s) fine"))
        }
    }

    @Test func aGoodFileIsImportedWholeWithQuotedCommasAndLineBreaks() async throws {
        try await withTestApp { app in
            let file = "\u{FEFF}citizenship,passport_number,name,birth_date,from,until,legal_basis,source\r\n"
                + "UZ,AA1234567,,,2025-01-01,,\"114-FZ art. 27 §1(2), decision 12\",MVD\r\n"
                + "TJ,,\"Рахимов\r\nФаррух\",1988-11-02,2023-07-15,,114-FZ art. 26(4),\r\n\r\n"
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("bans-\(UUID().uuidString).csv").path
            try Data(file.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let console = RecordingConsole()

            var context = CommandContext(console: console, input: CommandInput(arguments: ["caravan", "import", path]))
            context.application = app
            try await EntryBansCommand().run(using: &context)

            #expect(console.lines.contains("imported 2 ban(s)"), "\(console.lines)")
            let bans = try await EntryBan.query(on: app.db).sort(\.$citizenship).all()
            #expect(bans.map(\.legalBasis) == ["114-FZ art. 26(4)", "114-FZ art. 27 §1(2), decision 12"])
            #expect(bans.first?.name == EntryBanSubject.normalizedName("Рахимов Фаррух"))
            #expect(bans.first?.source.hasPrefix("bans-") == true)
            #expect(bans.allSatisfy { $0.createdBy == "cli" })
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "entry-ban.imported").first())
            #expect(event.actor == "cli")
        }
    }

    @Test func lineNumbersCountLineBreaksInsideQuotedFields() throws {
        let parsed = try EntryBanCSV.parse("a,b\n\"x\ny\",1\n\n3,4\n")
        #expect(parsed.header == ["a", "b"])
        #expect(parsed.rows == [.init(line: 2, fields: ["x\ny", "1"]), .init(line: 5, fields: ["3", "4"])])
        #expect(throws: EntryBanCSV.Unreadable.self) { try EntryBanCSV.parse("a,b\n\"x\"y,1\n") }
    }

    @Test func thePageListsAddsKeepsBadInputAndLifts() async throws {
        try await withTestApp { app in
            _ = try await officer(app)
            let browser = WebClient(app, acceptLanguage: "ru")
            try await browser.get("/signin")
            try await browser.post("/signin", form: ["email": "registry@example.org", "password": "correct horse"])
            let home = try await browser.get("/")
            #expect(home.text.contains(#"href="/registry/entry-bans""#))

            let empty = try await browser.get("/registry/entry-bans")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("Реестр запретов на въезд"))

            let refused = try await browser.post("/registry/entry-bans", form: ["citizenship": "UZ", "name": "Азиз Каримов", "from": "2025-01-01", "legalBasis": ""])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Укажите номер паспорта или имя вместе с датой рождения"))
            #expect(refused.text.contains(#"value="Азиз Каримов""#))
            #expect(refused.text.contains(#"<option value="UZ" selected>"#))
            #expect(try await EntryBan.query(on: app.db).count() == 0)

            let added = try await browser.post("/registry/entry-bans", form: [
                "citizenship": "UZ", "name": "Азиз Каримов", "birthDate": "1990-01-01", "from": "2025-01-01", "legalBasis": "114-FZ art. 27 §1(2)",
            ])
            #expect(added.status == .seeOther)
            let list = try await browser.get("/registry/entry-bans?q=%D0%B0%D0%B7%D0%B8%D0%B7")
            #expect(list.text.contains("Азиз Каримов"))
            let ban = try #require(try await EntryBan.query(on: app.db).first())
            let lifted = try await browser.post("/registry/entry-bans/\(try ban.requireID().uuidString.lowercased())/lift", form: [:])
            #expect(lifted.status == .seeOther)
            #expect(try await EntryBan.find(ban.requireID(), on: app.db)?.isLifted == true)
            let twice = try await browser.post("/registry/entry-bans/\(try ban.requireID().uuidString.lowercased())/lift", form: [:])
            #expect(twice.status == .conflict)
            #expect(twice.text.contains("Запрет уже снят"))
            let forged = try await browser.post("/registry/entry-bans", form: ["citizenship": "UZ"], csrf: "wrong")
            #expect(forged.status == .forbidden)

            // Others are refused the page and do not see the link.
            _ = try await AccountService(app: app).create(.init(email: "mo@example.org", password: "correct horse", displayName: "MO", role: "migration_officer"), by: nil, asOperator: true)
            let other = WebClient(app, acceptLanguage: "en")
            try await other.get("/signin")
            try await other.post("/signin", form: ["email": "mo@example.org", "password": "correct horse"])
            #expect(try await other.get("/registry/entry-bans").status == .forbidden)
            #expect(!(try await other.get("/").text.contains("/registry/entry-bans")))
        }
    }

    @Test func everyCodeTheRulesAndTheImportEmitHasAMessageInEveryLanguage() throws {
        // Provoke every rule of a ban and of a file, and check each code, field label and problem can be shown.
        let today = try #require(CalendarDate("2026-01-15"))
        var codes: Set<String> = []
        var fields: Set<String> = []
        for input in [
            EntryBanInput(citizenship: "XX", passportNumber: "--", name: String(repeating: "x", count: 201), birthDate: "2027-01-01",
                          from: "x", until: "y", legalBasis: String(repeating: "x", count: 301), source: String(repeating: "x", count: 201)),
            EntryBanInput(name: "a\u{1}", birthDate: "x", from: "2025-01-02", until: "2025-01-01", legalBasis: "a\u{1}", source: "a\u{1}"),
            EntryBanInput(),
        ] {
            do { _ = try EntryBanRules.validate(input, id: "x", today: today, defaultSource: "d") } catch {
                codes.formUnion(error.errors.map(\.code))
                fields.formUnion(error.errors.map(\.field))
            }
        }
        let report = EntryBanImport.check(header: ["citizenship", "extra"], rows: [], today: today, defaultSource: "d", newID: { "x" })
        codes.formUnion(report.refused.map(\.code))
        let short = EntryBanImport.check(header: EntryBanImport.columns, rows: [.init(line: 2, fields: ["UZ"])], today: today,
                                         defaultSource: "d", newID: { "x" })
        codes.formUnion(short.refused.map(\.code))
        #expect(codes.count >= 12)
        let catalogs = try MessageCatalogs.load(from: Localization.localesFolder)
        let keys = codes.map { "error.\($0)" } + fields.map { "entryBans.field.\($0)" } + ["nav.entryBans"]
            + ["title", "detail"].map { "problem.\(AppError.conflict(code: "entry-ban-lifted").slug).\($0)" }
        for language in catalogs.languages {
            let missing = keys.filter { catalogs.catalogs[language]?.messages[$0] == nil }
            #expect(missing.isEmpty, "\(language) lacks \(missing.sorted())")
        }
    }

    @Test func theMigrationRevertsCleanlyAndAppliesAgain() async throws {
        try await withTestApp { app in
            let (user, _) = try await officer(app)
            _ = try await app.entryBans.add(.init(citizenship: "UZ", passportNumber: "AA1", from: "2025-01-01", legalBasis: "x"), by: user)
            try await CreateEntryBan().revert(on: app.db)
            await #expect(throws: (any Error).self) { _ = try await EntryBan.query(on: app.db).count() }
            try await CreateEntryBan().prepare(on: app.db)
            #expect(try await EntryBan.query(on: app.db).count() == 0)
        }
    }

    @Test func theDemoBansAFamilyMemberOfACaseInReview() async throws {
        try await withTestApp { app in
            try await DemoDataset.load(on: app)
            let banned = try #require(try await DemoEntryBans.person(on: app.db))
            // The fictional bans, the family member's, and the one naming a digital-residency applicant (DemoResidency).
            #expect(try await EntryBan.query(on: app.db).count() == DemoEntryBans.fictional.count + 2)
            let subject = EntryBanSubject(
                citizenship: try #require(CountryCode(rawValue: banned.citizenship)), passportNumber: nil, name: banned.name,
                birthDate: CalendarDate(banned.birthDate)
            )
            let today = CalendarDate(app.dependencies.now(), in: PermitRegistry.moscow)
            #expect(try await app.entryBans.check(subject, on: today).isBanned)
            // Loading again adds nothing.
            try await DemoDataset.load(on: app)
            #expect(try await EntryBan.query(on: app.db).count() == DemoEntryBans.fictional.count + 2)
        }
    }
}

/// Keeps what a command prints, one entry per line.
final class RecordingConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []
    var lines: [String] { lock.withLock { recorded } }
    var userInfo: [AnySendableHashable: any Sendable] = [:]
    var size: (width: Int, height: Int) { (120, 40) }

    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) { lock.withLock { recorded.append(text.fragments.map(\.string).joined()) } }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) { lock.withLock { recorded.append(error) } }
}

struct EntryBanBody: Decodable {
    let id: String
    let citizenship: String
    let passportNumber: String?
    let name: String?
    let birthDate: String?
    let from: String
    let until: String?
    let legalBasis: String
    let source: String
    let lifted: Bool
}

struct EntryBanListBody: Decodable {
    let total: Int
    let bans: [EntryBanBody]
}
