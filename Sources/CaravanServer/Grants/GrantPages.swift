import CaravanAllocation
import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// Study grants as pages: the rounds and their published results for everyone; the specialist's application,
/// result, why-not and answer; the score desk of centre staff and admissions, with admissions' students; the
/// admin's catalogue and rounds. Every act goes through `GrantService`, as the API's do.
struct GrantPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.grants.pathComponents, use: rounds)
        routes.get(SiteURL.grantRound(UUID()).pathComponents, use: round)
        for file in ["input.json", "result.json"] {
            routes.get(SiteURL.grantRoundFile(UUID(), file).pathComponents) { try await self.file(req: $0, name: file) }
        }
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.grantApply(UUID()).pathComponents, use: applyForm)
        signedIn.post(SiteURL.grantApply(UUID()).pathComponents, use: apply)
        signedIn.get(SiteURL.grantsMine.pathComponents, use: mine)
        signedIn.post(SiteURL.grantAnswer(UUID()).pathComponents, use: answer)
        signedIn.get(SiteURL.grantDesk.pathComponents, use: desk)
        signedIn.post(SiteURL.grantScores(UUID()).pathComponents, use: scores)
        signedIn.post(SiteURL.grantMove(UUID()).pathComponents, use: move)
        signedIn.post(SiteURL.grantDeskProgramme.pathComponents, use: deskProgramme)
        signedIn.post(SiteURL.grantDeskProgrammeEdit("").pathComponents, use: deskProgrammeEdit)
        signedIn.get(SiteURL.adminGrants.pathComponents, use: admin)
        for action in ["universities", "programmes", "staff", "rounds"] {
            signedIn.post(SiteURL.adminGrantAction(action).pathComponents) { try await self.adminAction(req: $0, action: action) }
        }
        for action in ["freeze", "run", "second-round"] {
            signedIn.post(SiteURL.adminGrantRoundAction(UUID(), action).pathComponents) { try await self.roundAction(req: $0, action: action) }
        }
        // The ceilings' CSV may hold every programme by every country: up to 20,000 lines.
        signedIn.on(.POST, SiteURL.adminGrantRoundAction(UUID(), "ceilings").pathComponents, body: .collect(maxSize: "2mb")) {
            try await self.roundAction(req: $0, action: "ceilings")
        }
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct OptionGroup: Encodable {
        let label: String
        let options: [Option]
    }

    private static func roundID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("roundID", as: UUID.self) else { throw AppError.notFound }
        return id
    }

    private static func applicationID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("applicationID", as: UUID.self) else { throw AppError.notFound }
        return id
    }

    /// What a refused form sent, to show it again in that form (the fields as typed, beside the problems): the
    /// form is known by its action, which is the path the refused request was posted to.
    struct Echo: Encodable {
        let failed: String
        let sent: [String: String]

        static let none = Echo(failed: "", sent: [:])

        init(failed: String, sent: [String: String]) {
            self.failed = failed
            self.sent = sent
        }

        init(_ req: Request) {
            failed = req.url.path
            let fields = (try? req.content.decode([String: String].self)) ?? [:]
            sent = fields.filter { !["csrf", "form_token", "back"].contains($0.key) }
        }
    }

    /// The add-a-programme form's values: what was sent when it was refused, else the defaults.
    struct ProgrammeValues: Encodable {
        let name: String
        let field: String
        let seats: String
        let math: String
        let informatics: String
        let physics: String
        let russian: String

        init(_ echo: Echo, action: String) {
            let sent = echo.failed == action ? echo.sent : [:]
            name = sent["name"] ?? ""
            field = sent["field"] ?? ""
            seats = sent["seats"] ?? ""
            math = sent["math"] ?? (sent.isEmpty ? "2" : "")
            informatics = sent["informatics"] ?? (sent.isEmpty ? "2" : "")
            physics = sent["physics"] ?? (sent.isEmpty ? "1" : "")
            russian = sent["russian"] ?? (sent.isEmpty ? "1" : "")
        }
    }

    private static func require(_ req: Request, _ roles: Set<Role>) throws -> User {
        let user = try req.auth.require(User.self)
        guard let role = user.domainRole, roles.contains(role) else { throw AppError.forbidden }
        return user
    }

    /// Each problem with what it is about, in words: the field's name, a CSV row's number (the header is line 1, so
    /// row N is line N + 1), a programme and country, a subject.
    private static func problems(_ req: Request, _ failure: ValidationFailure) -> [String] {
        failure.errors.map { error in
            let parts = error.field.split(separator: ".").map(String.init)
            var label = ""
            if let head = parts.first, head.hasPrefix("rows["), let number = Int(head.dropFirst(5).dropLast()) {
                label = req.t("grant.field.row", ["row": "\(number)"])
            } else if parts.first == "ceilings", parts.count == 3 {
                label = "\(parts[1]), \(req.countryName(parts[2]))"
            } else if parts.first == "quotas", parts.count == 2 {
                label = req.countryName(parts[1])
            } else if parts.first == "scores" || parts.first == "weights", parts.count == 2 {
                label = req.subjectText(parts[1])
            } else if let head = parts.first {
                let text = req.t("grant.field.\(head)")
                label = text.hasPrefix("grant.field.") ? "" : text
            }
            return (label.isEmpty ? "" : label + ": ") + req.message(for: error)
        }
    }

    // MARK: The public rounds

    struct RoundCard: Encodable {
        let title: String
        let href: String
        let status: String
        let window: String
        let answerUntil: String
        let applyHref: String?
        let applyLabel: String
    }

    struct RoundsPage: Encodable {
        let layout: PageLayout
        let rounds: [RoundCard]
        let programmes: Int
        let universities: Int
        let mineHref: String?
    }

    func rounds(req: Request) async throws -> Response {
        let user = req.auth.get(User.self)
        var cards: [RoundCard] = []
        for round in try await req.grants.rounds() {
            let id = try round.requireID()
            let open = req.grants.isWindowOpen(round)
            var applyLabel = ""
            if open, user?.domainRole == .specialist {
                let existing = try await user.asyncMap { try await req.grants.application(in: id, of: $0) } ?? nil
                applyLabel = existing != nil ? req.t("grant.apply.change") : req.t("grant.apply.start")
            }
            cards.append(RoundCard(
                title: round.title, href: SiteURL.grantRound(id).path, status: Self.roundStatus(req, round),
                window: req.t("grant.window", ["from": req.date(round.opensOn), "until": req.date(round.closesOn)]),
                answerUntil: req.date(round.answerUntil),
                applyHref: open && (user == nil || user?.domainRole == .specialist) ? SiteURL.grantApply(id).path : nil,
                applyLabel: applyLabel.isEmpty ? req.t("grant.apply.start") : applyLabel
            ))
        }
        let page = RoundsPage(
            layout: try PageLayout(request: req, titleKey: "grant.title"), rounds: cards,
            programmes: try await GrantProgramme.query(on: req.database).count(), universities: try await University.query(on: req.database).count(),
            mineHref: user?.domainRole == .specialist ? SiteURL.grantsMine.path : nil
        )
        return try await req.renderPage("grants", page)
    }

    static func roundStatus(_ req: Request, _ round: GrantRound) -> String {
        if round.status == .open {
            return req.grants.isWindowOpen(round) ? req.t("grant.round.status.open") : req.t("grant.round.status.waiting")
        }
        return req.t("grant.round.status.\(round.status.rawValue)")
    }

    struct OutcomeRow: Encodable {
        let code: String
        let name: String
        let university: String
        let level: String
        let seats: Int
        let admitted: String
        let cutoff: String
    }

    struct Fact: Encodable {
        let label: String
        let value: String
        var code = false
    }

    struct RetentionRow: Encodable {
        let years: String
        let reached: String
        let working: String
        let permit: String
    }

    struct RoundPage: Encodable {
        let layout: PageLayout
        let title: String
        let facts: [Fact]
        let quotas: [Fact]
        let inputHref: String?
        let resultHref: String?
        let rerun: String?
        let outcomes: [OutcomeRow]
        let query: String
        let total: Int
        let matching: Int
        let previous: String?
        let next: String?
        let graduates: String?
        let retention: [RetentionRow]
        let applyHref: String?
    }

    static let outcomesPageSize = 50

    func round(req: Request) async throws -> Response {
        let round = try await req.grants.round(try Self.roundID(req))
        let id = try round.requireID()
        var facts = [
            Fact(label: req.t("grant.round.state"), value: Self.roundStatus(req, round)),
            Fact(label: req.t("grant.round.windowLabel"), value: req.t("grant.window", ["from": req.date(round.opensOn), "until": req.date(round.closesOn)])),
            Fact(label: req.t("grant.round.answerUntil"), value: req.date(round.answerUntil)),
            Fact(label: req.t("grant.round.rules"), value: req.t("grant.round.rulesText", ["count": "\(round.maximumChoices)", "perGroup": "\(round.maximumPerGroup)"])),
            Fact(label: req.t("grant.round.seed"), value: round.seed, code: true),
        ]
        if let digest = round.inputDigest { facts.append(Fact(label: req.t("grant.round.inputDigest"), value: digest, code: true)) }
        if let digest = round.resultDigest { facts.append(Fact(label: req.t("grant.round.resultDigest"), value: digest, code: true)) }
        let run = req.application.grantRuns.run(of: round)
        if let input = run?.0 { facts.append(Fact(label: req.t("grant.round.applications"), value: PublicCount(input.applicants.count).text)) }
        let query = String(((try? req.query.get(String.self, at: "q")) ?? "").prefix(200)).trimmingCharacters(in: .whitespaces)
        var outcomes: [OutcomeRow] = []
        if let result = run?.1 {
            let universities = try await req.grants.universitiesByID()
            let catalogue = Dictionary(uniqueKeysWithValues: try await req.grants.programmes().map { ($0.code, $0) })
            let words = query.lowercased()
            for outcome in result.programmes {
                let programme = catalogue[outcome.programme]
                let university = programme.flatMap { universities[$0.universityID] }
                let row = OutcomeRow(
                    code: outcome.programme, name: programme?.name ?? outcome.programme, university: university.map { "\($0.name), \($0.city)" } ?? "",
                    level: programme.map { req.studyLevelText($0.level) } ?? "", seats: outcome.seats, admitted: PublicCount(outcome.admitted).text,
                    cutoff: outcome.lastAdmittedScore.map(String.init) ?? "—"
                )
                if words.isEmpty || "\(row.code) \(row.name) \(row.university)".lowercased().contains(words) { outcomes.append(row) }
            }
        }
        // 50 rows a page: a phone scrolls through a page, not through 300 programmes.
        let matching = outcomes.count
        let number = (try? req.query.get(Int.self, at: "page")).map { max(1, min($0, 1_000)) } ?? 1
        outcomes = Array(outcomes.dropFirst((number - 1) * Self.outcomesPageSize).prefix(Self.outcomesPageSize))
        func link(_ page: Int) -> String {
            var components = URLComponents()
            components.path = SiteURL.grantRound(id).path
            components.queryItems = (query.isEmpty ? [] : [URLQueryItem(name: "q", value: query)]) + [URLQueryItem(name: "page", value: "\(page)")]
            return (components.string ?? components.path) + "#outcomes"
        }
        let (graduates, horizons) = try await req.grants.retention(id)
        let user = req.auth.get(User.self)
        let page = RoundPage(
            layout: try PageLayout(request: req, titleKey: "grant.round.title", titleArguments: ["title": round.title]), title: round.title,
            facts: facts,
            quotas: round.quotas.sorted { Self.countryOrder($0.key, $1.key) }.map { Fact(label: req.countryName($0.key), value: "\($0.value)") },
            inputHref: round.input == nil ? nil : SiteURL.grantRoundFile(id, "input.json").path,
            resultHref: round.result == nil ? nil : SiteURL.grantRoundFile(id, "result.json").path,
            rerun: round.result == nil ? nil : "swift run caravan allocation run --input input.json --expect result.json",
            outcomes: outcomes, query: query, total: run?.1.programmes.count ?? 0, matching: matching,
            previous: number > 1 ? link(number - 1) : nil, next: number * Self.outcomesPageSize < matching ? link(number + 1) : nil,
            graduates: graduates > 0 ? PublicCount(graduates).text : nil,
            retention: graduates > 0 ? horizons.map {
                RetentionRow(years: req.t("grant.retention.years", ["count": "\($0.years)"]), reached: PublicCount($0.reached).text,
                             working: PublicCount($0.working).text, permit: PublicCount($0.holdingPermit).text)
            } : [],
            applyHref: req.grants.isWindowOpen(round) && (user == nil || user?.domainRole == .specialist) ? SiteURL.grantApply(id).path : nil
        )
        return try await req.renderPage("grant-round", page)
    }

    /// The programme's countries first (in the programme's order), then the rest by code.
    static func countryOrder(_ a: String, _ b: String) -> Bool { CountryCode.programmeFirst(a, b) }

    /// The published files, byte for byte as stored (their digests are over these canonical bytes).
    func file(req: Request, name: String) async throws -> Response {
        let round = try await req.grants.round(try Self.roundID(req))
        let text = name == "input.json" ? round.input : round.result
        guard let text else { throw AppError.conflict(code: round.status == .open ? "grant-round-open" : "grant-round-frozen") }
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    // MARK: The specialist

    struct ApplyForm: Content {
        var name: String?
        var country: String?
        var level: String?
        var schoolCertificate: String?
        var choice1: String?
        var choice2: String?
        var choice3: String?
        var choice4: String?
        var choice5: String?
        var choice6: String?
        var choice7: String?
        var choice8: String?
        var choice9: String?
        var choice10: String?
        var choice11: String?
        var choice12: String?

        var choices: [String] {
            [choice1, choice2, choice3, choice4, choice5, choice6, choice7, choice8, choice9, choice10, choice11, choice12]
                .compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        func choice(_ index: Int) -> String? {
            [choice1, choice2, choice3, choice4, choice5, choice6, choice7, choice8, choice9, choice10, choice11, choice12][index]
        }
    }

    struct ChoiceField: Encodable {
        let name: String
        let label: String
        let groups: [OptionGroup]
    }

    struct ApplyPage: Encodable {
        let layout: PageLayout
        let title: String
        let action: String
        let roundHref: String
        let form: ApplyForm
        let countries: [Option]
        let levels: [Option]
        let choices: [ChoiceField]
        let rules: String
        let russian: String?
        let scores: [Fact]
        let problems: [String]
        let notice: String?
        let existing: Bool
    }

    func applyForm(req: Request) async throws -> Response {
        let user = try Self.require(req, [.specialist])
        let round = try await req.grants.round(try Self.roundID(req))
        let id = try round.requireID()
        guard req.grants.isWindowOpen(round) else { throw AppError.conflict(code: "grant-window-closed") }
        var form = ApplyForm(name: user.displayName, level: StudyLevel.bachelor.rawValue)
        let existing = try await req.grants.application(in: id, of: user)
        if let existing {
            form = ApplyForm(name: existing.name, country: existing.country, level: existing.level, schoolCertificate: existing.schoolCertificate)
            for (index, code) in existing.choices.enumerated() { form.set(index, code) }
        } else if let profile = try await SpecialistProfile.query(on: req.database).filter(\.$user.$id == user.requireID()).first() {
            form.country = profile.citizenship
        }
        // The level the programmes are shown for: asked for in the address, else the application's.
        if let level = try? req.query.get(String.self, at: "level"), StudyLevel(rawValue: level) != nil, level != form.level {
            form.level = level
            for index in 0..<12 { form.set(index, "") }
        }
        let notice = (try? req.query.get(String.self, at: "notice")) == "saved" ? req.t("grant.apply.saved") : nil
        return try await render(req, round, form: form, existing: existing, problems: [], notice: notice)
    }

    func apply(req: Request) async throws -> Response {
        let user = try Self.require(req, [.specialist])
        let round = try await req.grants.round(try Self.roundID(req))
        let id = try round.requireID()
        let form = (try? req.content.decode(ApplyForm.self)) ?? ApplyForm()
        do {
            _ = try await req.grants.saveApplication(
                in: id, .init(name: form.name ?? "", country: form.country ?? "", level: form.level ?? "",
                              schoolCertificate: form.schoolCertificate ?? "", choices: form.choices),
                by: user
            )
            return req.redirect(to: SiteURL.grantApply(id).path + "?notice=saved", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await render(req, round, form: form, existing: try await req.grants.application(in: id, of: user),
                                    problems: Self.problems(req, failure), notice: nil, status: .unprocessableEntity)
        }
    }

    private func render(_ req: Request, _ round: GrantRound, form: ApplyForm, existing: GrantApplication?, problems: [String], notice: String?,
                        status: HTTPStatus = .ok) async throws -> Response {
        let id = try round.requireID()
        let universities = try await req.grants.universitiesByID()
        let catalogue = try await req.grants.inputProgrammes(for: round)
        let programmes = Dictionary(uniqueKeysWithValues: try await req.grants.programmes().map { ($0.code, $0) })
        let level = form.level ?? StudyLevel.bachelor.rawValue
        // Programmes of the chosen level, grouped by district group, as people know them.
        let offered = catalogue.filter { $0.level == level && $0.seats > 0 }
        let grouped = Dictionary(grouping: offered, by: \.districtGroup)
        let choices = (0..<round.maximumChoices).map { index in
            let chosen = form.choice(index) ?? ""
            return ChoiceField(
                name: "choice\(index + 1)", label: req.t("grant.apply.choice", ["count": "\(index + 1)"]),
                groups: DistrictGroup.allCases.compactMap { group in
                    guard let list = grouped[group.rawValue], !list.isEmpty else { return nil }
                    return OptionGroup(label: req.districtGroupText(group.rawValue), options: list.map { programme in
                        let stored = programmes[programme.id]
                        let university = stored.flatMap { universities[$0.universityID] }
                        let label = "\(stored?.name ?? programme.id) — \(university?.name ?? programme.university), \(university?.city ?? "")"
                        return Option(value: programme.id, label: label, selected: programme.id == chosen)
                    })
                }
            )
        }
        let countries = round.quotas.keys.sorted(by: Self.countryOrder).map {
            Option(value: $0, label: req.countryName($0), selected: $0 == form.country)
        }
        let levels = StudyLevel.allCases.map { Option(value: $0.rawValue, label: req.studyLevelText($0.rawValue), selected: $0.rawValue == level) }
        let page = ApplyPage(
            layout: try PageLayout(request: req, titleKey: "grant.apply.title", titleArguments: ["title": round.title]), title: round.title,
            action: SiteURL.grantApply(id).path, roundHref: SiteURL.grantRound(id).path, form: form, countries: countries, levels: levels,
            choices: choices,
            rules: req.t("grant.apply.rules", ["count": "\(round.maximumChoices)", "perGroup": "\(round.maximumPerGroup)", "until": req.date(round.closesOn)]),
            russian: existing?.russianVerified.map { req.t("grant.apply.russianVerified", ["level": $0]) },
            scores: (existing?.scores ?? [:]).sorted { $0.key < $1.key }.map { Fact(label: req.subjectText($0.key), value: "\($0.value)") },
            problems: problems, notice: notice, existing: existing != nil
        )
        return try await req.renderPage("grant-apply", page, status: status)
    }

    struct ChoiceLine: Encodable {
        let rank: Int
        let name: String
        let placed: Bool
        let reason: String?
    }

    struct ApplicationCard: Encodable {
        let round: String
        let roundHref: String
        let number: String
        let status: String
        let placed: String?
        let choices: [ChoiceLine]
        let answerAction: String?
        let answerUntil: String
        let editHref: String?
        let unplacedNote: Bool
        let vacanciesHref: String?
        let permitsHref: String?
    }

    struct MinePage: Encodable {
        let layout: PageLayout
        let applications: [ApplicationCard]
        let grantsHref: String
        let notice: String?
    }

    func mine(req: Request) async throws -> Response {
        let user = try Self.require(req, [.specialist])
        let universities = try await req.grants.universitiesByID()
        let programmes = Dictionary(uniqueKeysWithValues: try await req.grants.programmes().map { ($0.code, $0) })
        var cards: [ApplicationCard] = []
        for application in try await req.grants.applications(of: user) {
            let round = try await req.grants.round(application.roundID)
            let reasons = Dictionary(req.grants.whyNot(for: application, in: round).map { ($0.programme, $0) }, uniquingKeysWith: { a, _ in a })
            let id = try application.requireID()
            cards.append(ApplicationCard(
                round: round.title, roundHref: SiteURL.grantRound(application.roundID).path, number: application.number,
                status: req.grantStatusText(application.status),
                placed: application.placedCode.map { req.grantProgrammeName($0, programmes, universities) },
                choices: application.choices.enumerated().map { index, code in
                    ChoiceLine(rank: index + 1, name: req.grantProgrammeName(code, programmes, universities), placed: code == application.placedCode,
                               reason: reasons[code].map(req.whyNotText))
                },
                answerAction: application.status == .placed ? SiteURL.grantAnswer(id).path : nil, answerUntil: req.date(round.answerUntil),
                editHref: req.grants.isWindowOpen(round) ? SiteURL.grantApply(application.roundID).path : nil,
                unplacedNote: application.status == .unplaced,
                vacanciesHref: application.status == .graduated ? SiteURL.matches.path : nil,
                permitsHref: application.status == .graduated ? SiteURL.permits.path : nil
            ))
        }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["accepted", "declined"].contains($0) ? req.t("grant.answer.\($0)") : nil }
        let page = MinePage(layout: try PageLayout(request: req, titleKey: "grant.mine.title"), applications: cards, grantsHref: SiteURL.grants.path,
                            notice: notice)
        return try await req.renderPage("grants-mine", page)
    }

    struct AnswerForm: Content {
        var answer: String?
    }

    func answer(req: Request) async throws -> Response {
        let user = try Self.require(req, [.specialist])
        let id = try Self.applicationID(req)
        _ = try await req.grants.own(id, by: user)
        let form = (try? req.content.decode(AnswerForm.self)) ?? AnswerForm()
        guard let answer = form.answer, ["accept", "decline"].contains(answer) else {
            throw AppError.validation(ValidationFailure(field: "answer", code: "field.required"))
        }
        _ = try await req.grants.respond(id, accept: answer == "accept", by: user)
        return req.redirect(to: SiteURL.grantsMine.path + "?notice=" + (answer == "accept" ? "accepted" : "declined"), redirectType: .normal)
    }

    // MARK: The desk: centre staff and admissions

    struct DeskRow: Encodable {
        let id: String
        let number: String
        let name: String
        let country: String
        let level: String
        let choices: String
        let scores: [ScoreField]
        let scoreAction: String?
        let scoresFailed: Bool
        let status: String
        let programme: String
        let moves: [Option]
        let moveAction: String?
        let moveFailed: Bool
        let graduatedOn: String
        let graduatedOnSent: String
    }

    struct ProgrammeEdit: Encodable {
        let code: String
        let label: String
        let facts: String
        let action: String
        let failed: Bool
        let seats: String
        let weights: [ScoreField]
    }

    struct ScoreField: Encodable {
        let name: String
        let label: String
        let value: String
        let locked: Bool
    }

    struct DeskPage: Encodable {
        let layout: PageLayout
        let university: String?
        let rounds: [Option]
        let roundID: String
        let query: String
        let applications: [DeskRow]
        let total: Int
        let previous: String?
        let next: String?
        let students: [DeskRow]
        let programmes: [ProgrammeEdit]
        let programmeAction: String?
        let levels: [Option]
        let problems: [String]
        let notice: String?
        let isAdmissions: Bool
        let open: Bool
        let today: String
        let addFailed: Bool
        let programmeForm: ProgrammeValues
    }

    static let deskPageSize = 50

    func desk(req: Request) async throws -> Response {
        try await renderDesk(req, problems: [], status: .ok)
    }

    /// The desk; after a refused form, that form again with what was sent and the problems in it (`focus`: the
    /// application whose form it was, shown by its round and number).
    private func renderDesk(_ req: Request, problems: [String], status: HTTPStatus, focus: GrantApplication? = nil) async throws -> Response {
        let user = try Self.require(req, [.centreStaff, .universityAdmissions])
        let echo = status == .unprocessableEntity ? Echo(req) : .none
        let rounds = try await req.grants.rounds()
        let chosen = focus.flatMap { focus in rounds.first { $0.id == focus.roundID } }
            ?? (try? req.query.get(UUID.self, at: "round")).flatMap { id in rounds.first { $0.id == id } }
            ?? rounds.first { $0.status == .open } ?? rounds.first
        let query = focus?.number ?? String(((try? req.query.get(String.self, at: "q")) ?? "").prefix(200))
        let number = (try? req.query.get(Int.self, at: "page")).map { max(1, min($0, 100_000)) } ?? 1
        let isAdmissions = user.domainRole == .universityAdmissions
        let universityID = try await req.grants.staffUniversity(of: user)
        let university = try await universityID.asyncMap { try await University.find($0, on: req.database) } ?? nil
        let programmes = Dictionary(uniqueKeysWithValues: try await req.grants.programmes().map { ($0.code, $0) })
        var rows: [DeskRow] = []
        var total = 0
        let open = chosen?.status == .open
        if let chosen, let roundID = chosen.id {
            let all = try await req.grants.deskApplications(in: roundID, search: query, by: user)
            total = all.count
            rows = try all.dropFirst((number - 1) * Self.deskPageSize).prefix(Self.deskPageSize).map {
                try Self.deskRow(req, $0, programmes: programmes, open: open, moves: false, echo: echo)
            }
        }
        var students: [DeskRow] = []
        var ownProgrammes: [ProgrammeEdit] = []
        if isAdmissions, university != nil {
            let admitted = try await req.grants.admitted(by: user)
            students = try admitted.applications.map { try Self.deskRow(req, $0, programmes: programmes, open: false, moves: true, echo: echo) }
            ownProgrammes = admitted.programmes.map { programme in
                let action = SiteURL.grantDeskProgrammeEdit(programme.code).path
                let failed = echo.failed == action
                return ProgrammeEdit(
                    code: programme.code, label: "\(programme.code) \(programme.name)",
                    facts: req.t("grant.desk.programmeFacts", ["level": req.studyLevelText(programme.level), "count": "\(programme.seats)"]),
                    action: action, failed: failed, seats: failed ? echo.sent["seats"] ?? "" : "\(programme.seats)",
                    weights: GrantSubject.allCases.map { subject in
                        ScoreField(name: subject.rawValue, label: req.subjectText(subject.rawValue),
                                   value: failed ? echo.sent[subject.rawValue] ?? "" : "\(programme.weights[subject.rawValue] ?? 0)", locked: false)
                    }
                )
            }
        }
        func link(_ page: Int) -> String {
            var components = URLComponents()
            components.path = SiteURL.grantDesk.path
            components.queryItems = [URLQueryItem(name: "round", value: chosen?.id?.uuidString.lowercased()), URLQueryItem(name: "q", value: query),
                                     URLQueryItem(name: "page", value: "\(page)")]
            return components.string ?? SiteURL.grantDesk.path
        }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["scores", "status", "programme", "programmeChanged"].contains($0) ? req.t("grant.desk.notice.\($0)") : nil }
        let page = DeskPage(
            layout: try PageLayout(request: req, titleKey: "grant.desk.title"), university: university?.name,
            rounds: rounds.map { Option(value: $0.id?.uuidString.lowercased() ?? "", label: $0.title, selected: $0.id == chosen?.id) },
            roundID: chosen?.id?.uuidString.lowercased() ?? "", query: query, applications: rows, total: total,
            previous: number > 1 ? link(number - 1) : nil, next: number * Self.deskPageSize < total ? link(number + 1) : nil,
            students: students, programmes: ownProgrammes, programmeAction: isAdmissions && university != nil ? SiteURL.grantDeskProgramme.path : nil,
            levels: StudyLevel.allCases.map { Option(value: $0.rawValue, label: req.studyLevelText($0.rawValue), selected: $0 == .bachelor) },
            problems: problems, notice: notice, isAdmissions: isAdmissions, open: open, today: req.grants.today.description,
            addFailed: echo.failed == SiteURL.grantDeskProgramme.path,
            programmeForm: ProgrammeValues(echo, action: SiteURL.grantDeskProgramme.path)
        )
        return try await req.renderPage("grant-desk", page, status: status)
    }

    static func deskRow(_ req: Request, _ application: GrantApplication, programmes: [String: GrantProgramme], open: Bool, moves: Bool,
                        echo: Echo = .none) throws -> DeskRow {
        let id = try application.requireID()
        let next = moves ? GrantLifecycle.admissionsMoves(from: application.status) : []
        let scoreAction = open ? SiteURL.grantScores(id).path : nil
        let moveAction = next.isEmpty ? nil : SiteURL.grantMove(id).path
        let scoresFailed = scoreAction != nil && echo.failed == scoreAction
        let moveFailed = moveAction != nil && echo.failed == moveAction
        return DeskRow(
            id: id.uuidString.lowercased(), number: application.number, name: application.name, country: req.countryName(application.country),
            level: req.studyLevelText(application.level),
            choices: application.choices.map { code in programmes[code].map { "\(code) \($0.name)" } ?? code }.joined(separator: "; "),
            scores: GrantSubject.allCases.map { subject in
                ScoreField(name: subject.rawValue, label: req.subjectText(subject.rawValue),
                           value: scoresFailed ? echo.sent[subject.rawValue] ?? "" : application.scores[subject.rawValue].map(String.init) ?? "",
                           locked: application.scoreSources[subject.rawValue] == "test")
            },
            scoreAction: scoreAction, scoresFailed: scoresFailed, status: req.grantStatusText(application.status),
            programme: application.placedCode.map { code in programmes[code].map { "\(code) \($0.name)" } ?? code } ?? "",
            moves: next.map { Option(value: $0.rawValue, label: req.t("grant.move.\($0.rawValue)"), selected: false) },
            moveAction: moveAction, moveFailed: moveFailed, graduatedOn: req.date(application.graduatedOn),
            graduatedOnSent: moveFailed ? echo.sent["graduatedOn"] ?? "" : ""
        )
    }

    struct ScoresForm: Content {
        var math: String?
        var informatics: String?
        var physics: String?
        var russian: String?
        var back: String?
    }

    func scores(req: Request) async throws -> Response {
        let user = try Self.require(req, [.centreStaff, .universityAdmissions])
        let id = try Self.applicationID(req)
        let form = (try? req.content.decode(ScoresForm.self)) ?? ScoresForm()
        var scores: [String: Int] = [:]
        var errors: [FieldError] = []
        for (subject, text) in [("math", form.math), ("informatics", form.informatics), ("physics", form.physics), ("russian", form.russian)] {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { continue }
            if let value = Int(text) { scores[subject] = value } else { errors.append(FieldError(field: "scores.\(subject)", code: "field.type")) }
        }
        do {
            guard errors.isEmpty else { throw AppError.validation(ValidationFailure(errors)) }
            _ = try await req.grants.recordScores(of: id, scores, by: user)
        } catch AppError.validation(let failure) {
            return try await renderDesk(req, problems: Self.problems(req, failure), status: .unprocessableEntity,
                                        focus: try await req.grants.application(id))
        }
        return req.redirect(to: Self.back(form.back) + "notice=scores", redirectType: .normal)
    }

    /// Back to the desk page the form was on, keeping its round, search and page (any earlier notice dropped); ends
    /// ready for one more query item.
    static func back(_ path: String?) -> String {
        guard let path = SiteURL.safeLocalPath(path), path.hasPrefix(SiteURL.grantDesk.path), var components = URLComponents(string: path) else {
            return SiteURL.grantDesk.path + "?"
        }
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "notice" }
        if components.queryItems?.isEmpty == true { components.queryItems = nil }
        let clean = components.string ?? SiteURL.grantDesk.path
        return clean + (clean.contains("?") ? "&" : "?")
    }

    struct MoveForm: Content {
        var status: String?
        var graduatedOn: String?
        var back: String?
    }

    func move(req: Request) async throws -> Response {
        let user = try Self.require(req, [.universityAdmissions])
        let id = try Self.applicationID(req)
        _ = try await req.grants.student(id, by: user)
        let form = (try? req.content.decode(MoveForm.self)) ?? MoveForm()
        guard let status = form.status.flatMap(GrantStatus.init(rawValue:)) else {
            return try await renderDesk(req, problems: [req.t("error.field.required")], status: .unprocessableEntity)
        }
        do {
            _ = try await req.grants.advance(id, to: status, graduatedOn: form.graduatedOn, by: user)
        } catch AppError.validation(let failure) {
            return try await renderDesk(req, problems: Self.problems(req, failure), status: .unprocessableEntity)
        }
        return req.redirect(to: Self.back(form.back) + "notice=status", redirectType: .normal)
    }

    struct ProgrammeForm: Content {
        var university: String?
        var name: String?
        var field: String?
        var level: String?
        var language: String?
        var seats: String?
        var math: String?
        var informatics: String?
        var physics: String?
        var russian: String?

        var weights: [String: Int] {
            var map: [String: Int] = [:]
            for (subject, text) in [("math", math), ("informatics", informatics), ("physics", physics), ("russian", russian)] {
                if let value = text.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) { map[subject] = value }
            }
            return map
        }

        /// Numbers that are not whole numbers, said as such (not taken for nothing).
        var unreadable: [FieldError] {
            var errors: [FieldError] = []
            if let seats, !seats.trimmingCharacters(in: .whitespaces).isEmpty, Int(seats.trimmingCharacters(in: .whitespaces)) == nil {
                errors.append(FieldError(field: "seats", code: "field.type"))
            }
            for (subject, text) in [("math", math), ("informatics", informatics), ("physics", physics), ("russian", russian)] {
                if let text, !text.trimmingCharacters(in: .whitespaces).isEmpty, Int(text.trimmingCharacters(in: .whitespaces)) == nil {
                    errors.append(FieldError(field: "weights.\(subject)", code: "field.type"))
                }
            }
            return errors
        }

        var input: GrantService.ProgrammeInput {
            .init(name: name ?? "", field: field ?? "", level: level ?? "", language: language ?? "ru",
                  seats: seats.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? -1, weights: weights)
        }
    }

    func deskProgramme(req: Request) async throws -> Response {
        let user = try Self.require(req, [.universityAdmissions])
        guard let university = try await req.grants.staffUniversity(of: user) else { throw AppError.conflict(code: "grant-staff-unassigned") }
        let form = (try? req.content.decode(ProgrammeForm.self)) ?? ProgrammeForm()
        do {
            guard form.unreadable.isEmpty else { throw AppError.validation(ValidationFailure(form.unreadable)) }
            _ = try await req.grants.createProgramme(at: university, form.input, by: user)
        } catch AppError.validation(let failure) {
            return try await renderDesk(req, problems: Self.problems(req, failure), status: .unprocessableEntity)
        }
        return req.redirect(to: SiteURL.grantDesk.path + "?notice=programme", redirectType: .normal)
    }

    func deskProgrammeEdit(req: Request) async throws -> Response {
        let user = try Self.require(req, [.universityAdmissions])
        guard let code = req.parameters.get("code") else { throw AppError.notFound }
        let form = (try? req.content.decode(ProgrammeForm.self)) ?? ProgrammeForm()
        do {
            guard form.unreadable.isEmpty else { throw AppError.validation(ValidationFailure(form.unreadable)) }
            _ = try await req.grants.updateProgramme(code, seats: form.input.seats, weights: form.weights, by: user)
        } catch AppError.validation(let failure) {
            return try await renderDesk(req, problems: Self.problems(req, failure), status: .unprocessableEntity)
        }
        return req.redirect(to: SiteURL.grantDesk.path + "?notice=programmeChanged", redirectType: .normal)
    }

    // MARK: The admin

    struct AdminRound: Encodable {
        let id: String
        let title: String
        let href: String
        let status: String
        let facts: [Fact]
        let ceilings: Int
        let freezeAction: String?
        let runAction: String?
        let ceilingsAction: String?
        let secondAction: String?
    }

    struct AdminUniversity: Encodable {
        let id: String
        let name: String
        let city: String
        let group: String
        let programmes: Int
        let staff: Int
    }

    struct AdminPage: Encodable {
        let layout: PageLayout
        let rounds: [AdminRound]
        let universities: [AdminUniversity]
        let groups: [Option]
        let levels: [Option]
        let universityOptions: [Option]
        let problems: [String]
        let notice: String?
        let today: String
        let actions: [String: String]
        let failed: String
        let sent: [String: String]
        let programmeForm: ProgrammeValues
    }

    func admin(req: Request) async throws -> Response {
        try await renderAdmin(req, problems: [], status: .ok)
    }

    private func renderAdmin(_ req: Request, problems: [String], status: HTTPStatus) async throws -> Response {
        _ = try Self.require(req, [.admin])
        let echo = status == .unprocessableEntity ? Echo(req) : .none
        let universities = try await req.grants.universities()
        let programmes = try await req.grants.programmes()
        let staff = try await UniversityStaffMember.query(on: req.database).all()
        var rounds: [AdminRound] = []
        for round in try await req.grants.rounds() {
            let id = try round.requireID()
            let ceilings = try await GrantCeiling.query(on: req.database).filter(\.$roundID == id).count()
            let applications = try await GrantApplication.query(on: req.database).filter(\.$roundID == id).count()
            var facts = [
                Fact(label: req.t("grant.round.windowLabel"), value: req.t("grant.window", ["from": req.date(round.opensOn), "until": req.date(round.closesOn)])),
                Fact(label: req.t("grant.round.applications"), value: "\(applications)"),
                Fact(label: req.t("grant.admin.quotas"), value: round.quotas.sorted { Self.countryOrder($0.key, $1.key) }
                    .map { "\(req.countryName($0.key)) \($0.value)" }.joined(separator: ", ")),
            ]
            if let digest = round.resultDigest { facts.append(Fact(label: req.t("grant.round.resultDigest"), value: digest, code: true)) }
            let answered = CalendarDate(round.answerUntil).map { req.grants.today > $0 } ?? false
            rounds.append(AdminRound(
                id: id.uuidString.lowercased(), title: round.title, href: SiteURL.grantRound(id).path, status: Self.roundStatus(req, round), facts: facts, ceilings: ceilings,
                freezeAction: round.status == .open ? SiteURL.adminGrantRoundAction(id, "freeze").path : nil,
                runAction: round.status == .frozen ? SiteURL.adminGrantRoundAction(id, "run").path : nil,
                ceilingsAction: round.status == .open ? SiteURL.adminGrantRoundAction(id, "ceilings").path : nil,
                secondAction: round.status == .published && answered ? SiteURL.adminGrantRoundAction(id, "second-round").path : nil
            ))
        }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap {
            ["universities", "programmes", "staff", "rounds", "freeze", "run", "ceilings", "second-round"].contains($0) ? req.t("grant.admin.notice.\($0)") : nil
        }
        let page = AdminPage(
            layout: try PageLayout(request: req, titleKey: "grant.admin.title"), rounds: rounds,
            universities: universities.map { university in
                AdminUniversity(id: university.id?.uuidString.lowercased() ?? "", name: university.name, city: university.city,
                                group: req.districtGroupText(university.districtGroup),
                                programmes: programmes.filter { $0.universityID == university.id }.count,
                                staff: staff.filter { $0.universityID == university.id }.count)
            },
            groups: DistrictGroup.allCases.map { Option(value: $0.rawValue, label: req.districtGroupText($0.rawValue), selected: false) },
            levels: StudyLevel.allCases.map { Option(value: $0.rawValue, label: req.studyLevelText($0.rawValue), selected: $0 == .bachelor) },
            universityOptions: universities.map { Option(value: $0.id?.uuidString.lowercased() ?? "", label: $0.name, selected: false) },
            problems: problems, notice: notice, today: req.grants.today.description,
            actions: Dictionary(uniqueKeysWithValues: ["universities", "programmes", "staff", "rounds"].map { ($0, SiteURL.adminGrantAction($0).path) }),
            failed: echo.failed, sent: echo.sent,
            programmeForm: ProgrammeValues(echo, action: SiteURL.adminGrantAction("programmes").path)
        )
        return try await req.renderPage("admin-grants", page, status: status)
    }

    struct UniversityForm: Content {
        var name: String?
        var city: String?
        var districtGroup: String?
    }

    struct StaffForm: Content {
        var university: String?
        var email: String?
    }

    struct RoundForm: Content {
        var title: String?
        var opensOn: String?
        var closesOn: String?
        var answerUntil: String?
        /// `UZ 3000, TJ 2000` or one per line; `=` or `:` also separate.
        var quotas: String?

        var input: GrantService.RoundInput {
            .init(title: title ?? "", opensOn: opensOn ?? "", closesOn: closesOn ?? "", answerUntil: answerUntil ?? "", quotas: Self.quotas(quotas ?? ""))
        }

        static func quotas(_ text: String) -> [String: Int] {
            var map: [String: Int] = [:]
            for part in text.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == ";" }) {
                let words = part.split(whereSeparator: { $0 == " " || $0 == "=" || $0 == ":" || $0 == "\t" || $0 == "\r" })
                guard words.count == 2 else {
                    if !part.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { map[String(part).trimmingCharacters(in: .whitespaces).uppercased()] = -1 }
                    continue
                }
                map[words[0].uppercased()] = Int(words[1]) ?? -1
            }
            return map
        }
    }

    struct CeilingsForm: Content {
        var csv: String?
    }

    func adminAction(req: Request, action: String) async throws -> Response {
        let user = try Self.require(req, [.admin])
        do {
            switch action {
            case "universities":
                let form = (try? req.content.decode(UniversityForm.self)) ?? UniversityForm()
                _ = try await req.grants.createUniversity(name: form.name ?? "", city: form.city ?? "", districtGroup: form.districtGroup ?? "", by: user)
            case "programmes":
                let form = (try? req.content.decode(ProgrammeForm.self)) ?? ProgrammeForm()
                guard let university = form.university.flatMap(UUID.init(uuidString:)) else {
                    throw AppError.validation(ValidationFailure(field: "university", code: "field.required"))
                }
                guard form.unreadable.isEmpty else { throw AppError.validation(ValidationFailure(form.unreadable)) }
                _ = try await req.grants.createProgramme(at: university, form.input, by: user)
            case "staff":
                let form = (try? req.content.decode(StaffForm.self)) ?? StaffForm()
                guard let university = form.university.flatMap(UUID.init(uuidString:)) else {
                    throw AppError.validation(ValidationFailure(field: "university", code: "field.required"))
                }
                try await req.grants.assignStaff(email: form.email ?? "", universityID: university, by: user)
            default:
                let form = (try? req.content.decode(RoundForm.self)) ?? RoundForm()
                _ = try await req.grants.createRound(form.input, by: user)
            }
        } catch AppError.validation(let failure) {
            return try await renderAdmin(req, problems: Self.problems(req, failure), status: .unprocessableEntity)
        }
        return req.redirect(to: SiteURL.adminGrants.path + "?notice=\(action)", redirectType: .normal)
    }

    func roundAction(req: Request, action: String) async throws -> Response {
        let user = try Self.require(req, [.admin])
        let id = try Self.roundID(req)
        do {
            switch action {
            case "freeze": _ = try await req.grants.freeze(id, by: user)
            case "run": _ = try await req.grants.runAndPublish(id, by: user)
            case "ceilings":
                let form = (try? req.content.decode(CeilingsForm.self)) ?? CeilingsForm()
                let rows = try GrantCeilingsCSV.parse(form.csv ?? "")
                _ = try await req.grants.setCeilings(of: id, rows, by: user)
            default:
                let form = (try? req.content.decode(RoundForm.self)) ?? RoundForm()
                _ = try await req.grants.openSecondRound(after: id, form.input, by: user)
            }
        } catch AppError.validation(let failure) {
            return try await renderAdmin(req, problems: Self.problems(req, failure), status: .unprocessableEntity)
        }
        return req.redirect(to: SiteURL.adminGrants.path + "?notice=\(action)", redirectType: .normal)
    }
}

extension GrantPages.ApplyForm {
    mutating func set(_ index: Int, _ code: String) {
        switch index {
        case 0: choice1 = code
        case 1: choice2 = code
        case 2: choice3 = code
        case 3: choice4 = code
        case 4: choice5 = code
        case 5: choice6 = code
        case 6: choice7 = code
        case 7: choice8 = code
        case 8: choice9 = code
        case 9: choice10 = code
        case 10: choice11 = code
        default: choice12 = code
        }
    }
}

/// The ministry's split as a file: `programme,country,ceiling`, one row per programme and country, a header first.
enum GrantCeilingsCSV {
    static let header = ["programme", "country", "ceiling"]
    static let maximumRows = 20_000

    static func parse(_ text: String) throws -> [GrantService.CeilingRow] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = lines.first else { throw AppError.validation(ValidationFailure(field: "csv", code: "field.required")) }
        let head = first.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard head == header else { throw AppError.validation(ValidationFailure(field: "csv", code: "grant.csvHeader", arguments: ["header": header.joined(separator: ",")])) }
        guard lines.count - 1 <= maximumRows else { throw AppError.validation(ValidationFailure(field: "csv", code: "grant.csvTooLong", arguments: ["max": "\(maximumRows)"])) }
        var rows: [GrantService.CeilingRow] = []
        var errors: [FieldError] = []
        for (index, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3, let ceiling = Int(cells[2]) else {
                errors.append(FieldError(field: "csv", code: "grant.csvRow", arguments: ["row": "\(index + 2)"]))
                continue
            }
            rows.append(.init(programme: cells[0].uppercased(), country: cells[1].uppercased(), ceiling: ceiling))
        }
        guard errors.isEmpty else { throw AppError.validation(ValidationFailure(errors)) }
        return rows
    }
}
