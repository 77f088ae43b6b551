import CaravanCentres
import CaravanDomain
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Walks `AccessTable`: every door against every caller, on real fixtures, on the database the suite runs on
/// (in-memory SQLite, or PostgreSQL when `CARAVAN_TEST_DATABASE_URL` is set).
@Suite struct AccessTableTests {
    @Test func everyRoleOnEveryDoorAnswersAsTheTableSays() async throws {
        try await withTestApp { app in
            // Setup: the table must name every door there is, and only those.
            let registered = Self.registeredRoutes(app)
            let documented = try await Self.documentedOperations(app)
            #expect(documented.count > 30, "openapi.yaml read as \(documented.count) operations: the reader is broken")
            let covered = Set(AccessTable.rows.map(\.route))
            for route in registered.subtracting(covered).sorted() {
                Issue.record("\(route) is registered with Vapor but has no row in AccessTable.swift: add its row")
            }
            for operation in documented.subtracting(covered).sorted() {
                Issue.record("\(operation) is an operation of openapi.yaml but has no row in AccessTable.swift: add its row")
            }
            for route in covered.subtracting(registered).sorted() {
                Issue.record("\(route) has a row in AccessTable.swift but no such route is registered")
            }
            var expectations: [[Caller: Expectation]] = []
            for row in AccessTable.rows {
                switch row.expectations() {
                case .success(let answers): expectations.append(answers)
                case .failure(let error): Issue.record("AccessTable.swift: \(error)"); return
                }
            }
            let fixtures = try await AccessFixtures.make(app)
            var doors: [Caller: CallerSession] = [:]
            for caller in Caller.allCases { doors[caller] = try await CallerSession.signIn(caller, fixtures: fixtures, app: app) }
            let formExpired = app.catalogs.text("problem.form-expired.title", in: .english)

            // Act and check: one request per row and caller, in order; a caller who spent their session signs in again.
            var wrong: [String] = []
            for (row, answers) in zip(AccessTable.rows, expectations) {
                for caller in Caller.allCases {
                    let door = doors[caller]!
                    let response = try await door.send(row, fixtures: fixtures)
                    let expected = answers[caller]!
                    let status = Int(response.status.code)
                    let location = response.headers.first(name: .location) ?? ""
                    let label = "\(row.route)\(row.note.isEmpty ? "" : " (\(row.note))") as \(caller.rawValue)"
                    if status == 403, !row.path.hasPrefix("/api/"), response.text.contains(formExpired) {
                        wrong.append("\(label): the CSRF token was refused — the walker's fault, not the door's")
                    } else if status >= 500 {
                        wrong.append("\(label): answered \(status) (never 5xx)")
                    } else if !Self.matches(expected, status: status, location: location) {
                        // The API's problem type says why (a page's HTML would say it at length).
                        let why = row.path.hasPrefix("/api/") ? " " + String(response.text.prefix(160)) : ""
                        wrong.append("\(label): expected \(expected.rawValue), answered \(status)\(location.isEmpty ? "" : " → \(location)")\(why)")
                    }
                    // What the caller sent is theirs to see again; the API document is the same text for all (its
                    // examples use the demo specialist's address, which the fixtures share).
                    let sent = (try? fixtures.fill(row)) ?? row.path
                    let isStatic = row.path == "/api/v1/openapi.yaml"
                    for (what, value) in fixtures.private where !isStatic && !fixtures.mayRead(what, caller) && !sent.contains(value) {
                        if response.text.contains(value) { wrong.append("\(label): the answer shows \(what)") }
                    }
                    if row.spendsCredentials { doors[caller] = try await CallerSession.signIn(caller, fixtures: fixtures, app: app) }
                }
            }
            let report = "\(wrong.count) answers differ from AccessTable.swift:\n" + wrong.joined(separator: "\n")
            #expect(wrong.isEmpty, "\(report)")
        }
    }

    static func matches(_ expected: Expectation, status: Int, location: String) -> Bool {
        let toSignIn = (300..<400).contains(status) && location.hasPrefix("/signin")
        switch expected {
        case .allowed: return ![401, 403, 404].contains(status) && !toSignIn
        case .publicForm: return status < 500
        case .unauthorized: return status == 401
        case .signIn: return toSignIn
        case .forbidden: return status == 403
        case .hidden: return status == 404
        }
    }

    /// `GET /path/:param` for every route Vapor serves (the API's too: the generated routes are Vapor routes).
    static func registeredRoutes(_ app: Application) -> Set<String> {
        Set(app.routes.all.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") })
    }

    /// Every operation of the API document the app serves, in the same notation.
    static func documentedOperations(_ app: Application) async throws -> Set<String> {
        let document = try await app.sendRequest(.GET, "/api/v1/openapi.yaml").text
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if let first = line.first, !first.isWhitespace, first != "#" { inPaths = false }
            guard inPaths else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indent = line.prefix { $0 == " " }.count
            if indent == 2, trimmed.hasPrefix("/"), trimmed.hasSuffix(":") {
                path = String(trimmed.dropLast()).replacingOccurrences(of: #"\{([^}]+)\}"#, with: ":$1", options: .regularExpression)
            } else if indent == 4, trimmed.hasSuffix(":"), methods.contains(String(trimmed.dropLast())), let path {
                operations.insert("\(trimmed.dropLast().uppercased()) /api/v1\(path)")
            }
        }
        return operations
    }
}

/// The things the doors are asked about, made through the services and the API as people make them.
struct AccessFixtures: Sendable {
    /// By name: `case`, `document`, `vacancy`, `draftVacancy`, `application`, `company`, `invitation`, `ban`,
    /// `number` (the issued permit's), `user` (an account for the admin's role form), `code`, `otherSpecialist`, `specialist` (aziz).
    let ids: [String: String]
    let emails: [Caller: String]

    static let password = "correct horse"

    /// What only the owner's side may read, by what it is.
    var `private`: [String: String] {
        ["the specialist's e-mail": emails[.specialist]!, "the permit case's id": ids["case"]!, "a family document's id": ids["document"]!,
         "the application's id": ids["application"]!, "the draft vacancy's id": ids["draftVacancy"]!, "the spouse's name": AccessFixtures.spouse]
    }

    static let spouse = "Дилноза Каримова"

    /// The specialist reads all of it; the employer their applicant's contacts and the sponsored case (never the
    /// family or its documents); officers the case and its people; an admin the accounts' e-mail addresses.
    func mayRead(_ what: String, _ caller: Caller) -> Bool {
        switch caller {
        case .specialist: true
        case .employer: !["a family document's id", "the spouse's name"].contains(what)
        case .migrationOfficer: what != "the draft vacancy's id"
        case .admin: what == "the specialist's e-mail"
        default: false
        }
    }

    static func make(_ app: Application) async throws -> AccessFixtures {
        // The owner's side: aziz hired by hr@kazan.example's accredited company, his family's permit issued.
        let caseID = try await PermitTests().issued(app)
        let permitCase = try #require(try await PermitCase.find(UUID(uuidString: caseID), on: app.db))
        let number = try #require(permitCase.permitNumber)
        let document = try #require(try await PermitDocumentFile.query(on: app.db).filter(\.$permitCase.$id == permitCase.requireID()).first())
        let application = try #require(try await JobApplication.find(permitCase.applicationID, on: app.db))
        let company = try #require(try await Company.find(permitCase.$sponsor.id, on: app.db))

        // Staff, opened by the admin as staff accounts are.
        let admin = try #require(try await User.query(on: app.db).filter(\.$role == Role.admin.rawValue).first())
        let accounts = AccountService(app: app)
        let staff: [(Caller, String, Role)] = [
            (.centreStaff, "centre@example.org", .centreStaff), (.universityAdmissions, "admissions@example.org", .universityAdmissions),
            (.registryOfficer, "registry@example.org", .registryOfficer), (.analyst, "analyst@example.org", .analyst),
        ]
        for (_, email, role) in staff {
            _ = try await accounts.create(.init(email: email, password: password, displayName: "\(role.rawValue) person", role: role.rawValue), by: admin)
        }

        // The neighbours: another specialist with a profile; another company's HR, invited by the owner's company
        // before registering their own.
        let other = try await app.signUp(email: "other@example.kg", name: "Айгерим Осмонова")
        let otherToken = try await app.token(email: "other@example.kg")
        let profile = #"{"citizenship":"KG","city":"Бишкек","russianLevel":"C1","skills":[{"skill":"java","level":3,"years":2}]}"#
        #expect(try await app.api(.PUT, "/profile", raw: profile, token: otherToken).status == .ok)
        try await app.signUp(email: "hr@other.example", name: "Other HR", role: "employer")
        let hr = try await app.token(email: "hr@kazan.example")
        let invited = try await app.api(.POST, "/companies/mine/invitations", json: ["email": "hr@other.example"], token: hr)
        #expect(invited.status == .created, "\(invited.text)")
        struct Identified: Decodable { let id: String }
        let invitation = try invited.json(Identified.self).id
        let otherHR = try await app.token(email: "hr@other.example")
        let registered = try await app.api(.POST, "/companies", json: [
            "legalName": "ООО «Соседи»", "inn": "7736207543", "ogrn": "1027739609391", "city": "Москва", "size": "16-100",
        ], token: otherHR)
        #expect(registered.status == .created, "\(registered.text)")

        // The owner company's draft vacancy, and an entry ban in the registry.
        let draft = VacanciesTests.javaVacancy.replacingOccurrences(of: #""status":"published""#, with: #""status":"draft""#)
        let draftVacancy = try await app.api(.POST, "/vacancies", raw: draft, token: hr)
        #expect(draftVacancy.status == .created, "\(draftVacancy.text)")
        let registry = try await app.token(email: "registry@example.org")
        let ban = try await app.api(.POST, "/entry-bans", raw: EntryBanTests.byPassport, token: registry)
        #expect(ban.status == .created, "\(ban.text)")

        // The centres: the staff account works at Tashkent; the specialist booked biometrics there for himself.
        let centres = CentreBookingService(app: app, database: app.db)
        let centreStaff = try #require(try await User.query(on: app.db).filter(\.$email == "centre@example.org").first())
        try await centres.assign(try centreStaff.requireID(), to: "tashkent", by: admin)
        let aziz = try #require(try await User.query(on: app.db).filter(\.$email == "aziz@example.uz").first())
        let tashkent = try #require(app.centres.centre("tashkent"))
        let start = try #require(try await centres.nextFree(.biometrics, at: tashkent, limit: 1).first).start
        let booking = try await centres.book(BookingRequest(centre: "tashkent", service: "biometrics", start: start, persons: ["p0"]), by: aziz)[0]
        let course = try await CourseService(app: app, database: app.db).create(CourseInput(
            title: "Русский для IT", level: "B1", place: "tashkent", city: "", schedule: "Пн и Ср 18:00–20:00",
            startsOn: "2027-01-11", endsOn: "2027-03-31", capacity: "10", sponsored: true
        ), by: centreStaff)
        let enrolment = try await CourseService(app: app, database: app.db).enrol(in: try course.requireID(), by: aziz)

        // Digital residency: aziz applied, was checked at a centre and approved; he registered a passkey and signed a
        // document with it, through the API as a browser would.
        let residency = try await ResidencyTests.fixture(app, specialist: aziz, email: "aziz@example.uz")
        // The company register: aziz founds an ООО alone, it is registered, applies for accreditation; a second draft.
        let companies = try await CompanyRegistryTests.fixture(app, specialist: aziz, email: "aziz@example.uz")
        // Study grants: a Kazan programme whose admissions are the `univ` caller, an open round aziz applied to.
        let grants = try await GrantsTests.fixture(app, specialist: aziz)

        var emails: [Caller: String] = [
            .anonymous: "nobody@example.org", .specialist: "aziz@example.uz", .employer: "hr@kazan.example",
            .migrationOfficer: "officer1@example.org", .admin: "admin@example.org",
            .otherSpecialist: "other@example.kg", .otherEmployer: "hr@other.example",
        ]
        for (caller, email, _) in staff { emails[caller] = email }
        func text(_ id: UUID) -> String { id.uuidString.lowercased() }
        return AccessFixtures(ids: [
            "case": caseID, "document": text(try document.requireID()), "number": number,
            "application": text(try application.requireID()), "vacancy": text(application.$vacancy.id),
            "draftVacancy": try draftVacancy.json(Identified.self).id, "company": text(try company.requireID()),
            "invitation": invitation, "ban": try ban.json(Identified.self).id, "user": other.id, "otherSpecialist": other.id,
            "specialist": text(try aziz.requireID()),
            "code": "en", "centre": "tashkent", "booking": text(try booking.requireID()),
            "course": text(try course.requireID()), "enrolment": text(try enrolment.requireID()),
            "observatoryTable": "funnel.csv",
        ].merging(residency) { first, _ in first }.merging(companies) { first, _ in first }.merging(grants) { first, _ in first }, emails: emails)
    }

    /// `/permits/:caseID` with the case's id; `using` names another fixture for a parameter.
    func fill(_ row: AccessRow) throws -> String {
        try "/" + row.path.split(separator: "/").map { component -> String in
            guard component.hasPrefix(":") else { return String(component) }
            let parameter = String(component.dropFirst())
            var name = parameter
            if name.lowercased().hasSuffix("id"), name.count > 2 { name = String(name.dropLast(2)) }
            let fixture = row.using[parameter] ?? name
            guard let value = ids[fixture] else { throw AccessTableError("\(row.route): no fixture for :\(parameter)") }
            return value
        }.joined(separator: "/")
    }

    /// A body's `{name}` placeholders: `{email}` is the caller's address, the rest are fixtures.
    func fill(_ text: String, for caller: Caller) -> String {
        var filled = text.replacingOccurrences(of: "{email}", with: emails[caller] ?? "")
        for (name, value) in ids { filled = filled.replacingOccurrences(of: "{\(name)}", with: value) }
        return filled
    }
}

/// One caller's browser (cookie session with its CSRF token) and API token.
struct CallerSession {
    let caller: Caller
    let web: WebClient
    let token: String?

    static func signIn(_ caller: Caller, fixtures: AccessFixtures, app: Application) async throws -> CallerSession {
        let web = WebClient(app, acceptLanguage: "en")
        try await web.get("/signin")
        guard caller != .anonymous, let email = fixtures.emails[caller] else { return CallerSession(caller: caller, web: web, token: nil) }
        let signedIn = try await web.post("/signin", form: ["email": email, "password": AccessFixtures.password])
        #expect(signedIn.status == .seeOther, "\(caller) could not sign in: \(signedIn.status)")
        // Signing in starts a new session with a new CSRF token: read it from a page.
        try await web.get("/account")
        return CallerSession(caller: caller, web: web, token: try await app.token(email: email))
    }

    func send(_ row: AccessRow, fixtures: AccessFixtures) async throws -> TestingHTTPResponse {
        let path = try fixtures.fill(row)
        func fields(_ form: [String: String]) -> [String: String] { form.mapValues { fixtures.fill($0, for: caller) } }
        guard path.hasPrefix("/api/") else {
            switch row.body {
            case .form(let form): return try await web.post(path, form: fields(form))
            case .upload(let form):
                return try await web.upload(path, form: fields(form), file: PermitTests.pdf, filename: "photo.pdf", contentType: "application/pdf")
            case .none where row.method == .GET: return try await web.get(path)
            default: throw AccessTableError("\(row.route): a page row takes a form, an upload or nothing (GET)")
            }
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .accept, value: "application/json")
        if let token { headers.bearerAuthorization = .init(token: token) }
        var body: ByteBuffer?
        var target = path
        switch row.body {
        case .none: break
        case .json(let json):
            headers.contentType = .json
            body = ByteBuffer(string: fixtures.fill(json, for: caller))
        case .binary(let query):
            headers.contentType = .binary
            target += "?" + query
            body = ByteBuffer(bytes: PermitTests.pdf)
        case .form, .upload: throw AccessTableError("\(row.route): an API row takes JSON or a binary body")
        }
        return try await web.app.sendRequest(row.method, target, headers: headers, body: body)
    }
}
