import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import Vapor

/// Employers' vacancy pages and the specialist's "vacancies for me".
struct VacancyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.vacancies.pathComponents, use: list)
        signedIn.post(SiteURL.vacancies.pathComponents, use: create)
        // A published vacancy is public: anyone may read it, and applying asks to sign in and comes back.
        routes.get(SiteURL.vacancy(UUID()).pathComponents, use: show)
        signedIn.post(SiteURL.vacancy(UUID()).pathComponents, use: update)
        signedIn.post(SiteURL.vacancyStatus(UUID()).pathComponents, use: changeStatus)
        signedIn.get(SiteURL.matches.pathComponents, use: matches)
    }

    struct Form: Content {
        var title: String?
        var description: String?
        var occupation: String?
        var requiredSkills: String?
        var niceSkills: String?
        var minimumYears: String?
        var minimumRussian: String?
        var salaryMin: String?
        var salaryMax: String?
        var city: String?
        var workArrangement: String?
        var visaSupport: String?
        var housing: String?
        var familyRelocation: String?
        var status: String?
    }

    struct Row: Encodable {
        let url: String
        let title: String
        let status: String
        let city: String
    }

    struct EditorPage: Encodable {
        let layout: PageLayout
        let heading: String
        let rows: [Row]
        let form: Form
        let action: String
        let occupations: [AuthPages.Choice]
        let russianLevels: [AuthPages.Choice]
        let arrangements: [AuthPages.Choice]
        let statuses: [AuthPages.Choice]
        let errors: [String: String]
        let notice: String?
        let showList: Bool
        /// The pages of the company's own vacancies (50 a page).
        let pager: Pager?
    }

    static let vacancyListPageSize = 50

    /// The list page: the shared form template reads everything under `editor`.
    struct ListPage: Encodable {
        let layout: PageLayout
        let editor: EditorPage
    }

    // MARK: Employer

    func list(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let company = try await req.vacancies.requireCompanyForPage(of: user)
        let notice = (try? req.query.get(String.self, at: "notice")) == "saved" ? req.t("vacancies.notice.saved") : nil
        return try await renderEditor(req, company: company, form: Form(workArrangement: "onsite", status: "draft"),
                                      action: SiteURL.vacancies.path, errors: [:], notice: notice, showList: true)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let company = try await req.vacancies.requireCompanyForPage(of: user)
        let form = (try? req.content.decode(Form.self)) ?? Form()
        do {
            let vacancy = try await save(form, into: nil, user: user, req)
            return req.redirect(to: SiteURL.vacancy(try vacancy.requireID()).path + "?notice=saved", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await renderEditor(req, company: company, form: form, action: SiteURL.vacancies.path,
                                          errors: fieldMessages(failure, req), notice: nil, showList: true, status: .unprocessableEntity)
        }
    }

    func update(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let company = try await req.vacancies.requireCompanyForPage(of: user)
        guard let id = req.parameters.get("vacancyID", as: UUID.self) else { throw AppError.notFound }
        let vacancy = try await req.vacancies.ownVacancy(id, of: user)
        let form = (try? req.content.decode(Form.self)) ?? Form()
        do {
            _ = try await save(form, into: vacancy, user: user, req)
            return req.redirect(to: SiteURL.vacancy(id).path + "?notice=saved", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await renderEditor(req, company: company, form: form, action: SiteURL.vacancy(id).path,
                                          errors: fieldMessages(failure, req), notice: nil, showList: false, status: .unprocessableEntity)
        }
    }

    func changeStatus(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("vacancyID", as: UUID.self) else { throw AppError.notFound }
        let vacancy = try await req.vacancies.ownVacancy(id, of: user)
        guard let status = (try? req.content.get(String.self, at: "status")).flatMap(VacancyStatus.init(rawValue:)) else {
            throw AppError.validation(ValidationFailure(field: "status", code: "status.unknown"))
        }
        try await req.vacancies.setStatus(status, of: vacancy)
        return req.redirect(to: SiteURL.vacancy(id).path + "?notice=saved", redirectType: .normal)
    }

    struct VacancyView: Encodable {
        let title: String
        let companyName: String
        let accredited: Bool
        let description: String
        let required: [String]
        let nice: [String]
        let city: String
        let arrangement: String
        let salary: String
        let russian: String
        let years: String
        let support: [String]
        let status: String
    }

    struct ShowPage: Encodable {
        let layout: PageLayout
        let vacancy: VacancyView
        let editor: EditorPage?
        /// For a specialist: where to apply, or the stage of their application.
        let applyAction: String?
        /// A refused application comes back with the note as typed and the error beside it.
        var applyNote = ""
        var applyErrors: [String: String] = [:]
        let myStage: String?
        /// For the employer: the applications to this vacancy, and the best candidates with reasons.
        let cards: [ApplicationPages.Card]
        let candidates: [CandidateRow]
        let inviteAction: String?
        /// For someone not signed in: the way to sign in and come back here to apply.
        var signInToApply: String?
        /// The pages of the applications (the employer's list) and of the candidates.
        var pager: Pager?
        var candidatesPager: PagerBox?
    }

    static let candidatesPageSize = 20

    /// 20 applications a page on the employer's vacancy page.
    static let applicationsPageSize = 20

    struct CandidateRow: Encodable {
        let id: String
        let name: String
        let headline: String
        let place: String
        let score: Int
        let positive: [String]
        let negative: [String]
        /// The application's stage when there is one; otherwise the employer may invite.
        let stage: String?
        /// The person's profile, with the reasons for this vacancy.
        let profileURL: String
    }

    func show(req: Request) async throws -> Response {
        guard let id = req.parameters.get("vacancyID", as: UUID.self) else { throw AppError.notFound }
        return try await show(req: req, vacancyID: id, refused: nil)
    }

    /// The vacancy page; with `refused`, a move on one of its applications that was refused (answered 422); with
    /// `refusedApplication`, the specialist's own application that was (the note typed and the errors).
    func show(req: Request, vacancyID id: UUID, refused: ApplicationPages.RefusedMove?,
              refusedApplication: (note: String, errors: [String: String])? = nil) async throws -> Response {
        let user = req.auth.get(User.self)
        let vacancy = try await req.vacancies.visibleVacancy(id, to: user)
        let company = try await Company.find(vacancy.$company.id, on: req.database)
        var own: Company?
        if let user, user.domainRole == .employer { own = try await req.companies.company(of: user) }
        var editor: EditorPage?
        if let own, own.id == vacancy.$company.id {
            let notice = (try? req.query.get(String.self, at: "notice")) == "saved" ? req.t("vacancies.notice.saved") : nil
            editor = try await editorModel(req, company: own, form: form(of: vacancy, req), action: SiteURL.vacancy(id).path,
                                           errors: [:], notice: notice, showList: false)
        }
        var cards: [ApplicationPages.Card] = []
        var applicationsPager: Pager?
        if editor != nil, let user {
            let paging = try Paging(req, size: Self.applicationsPageSize, parameter: "applicationsPage")
            let applications = try await req.applications.applications(to: vacancy, readBy: user, limit: paging.size, offset: paging.offset)
            applicationsPager = Pager(req, paging: paging, total: try await req.applications.applicationCount(to: vacancy), path: SiteURL.vacancy(id).path,
                                      fragment: "applications", parameter: "applicationsPage")
            let profiles = try await SpecialistProfile.query(on: req.database).filter(\.$user.$id ~~ applications.map(\.$specialist.id)).all()
            let profileByUser = Dictionary(profiles.map { ($0.$user.id, $0) }, uniquingKeysWith: { first, _ in first })
            cards = try applications.map { application in
                var card = try ApplicationPages.card(application, vacancy: vacancy, specialist: application.specialist, for: .employer, req, refused: refused)
                card.applicant = profileByUser[application.$specialist.id].map {
                    ApplicantView($0, for: vacancy, specialistID: application.$specialist.id, req)
                }
                return card
            }
        }
        var candidates: [CandidateRow] = []
        var candidatesPager: Pager?
        if editor != nil, let user, vacancy.vacancyStatus == .published {
            let taxonomy = req.application.skillTaxonomy
            let employerWriter = ReasonWriter(req, taxonomy: taxonomy, audience: .employer)
            // Ranked: a page is the 20 after the best `offset`.
            let paging = try Paging(req, size: Self.candidatesPageSize, parameter: "candidatesPage")
            let ranked = try await req.matching.candidates(for: vacancy, limit: paging.size, offset: paging.offset, readBy: user)
            candidatesPager = Pager(req, paging: paging, hasMore: ranked.hasMore, path: SiteURL.vacancy(id).path, fragment: "candidates",
                                    parameter: "candidatesPage")
            candidates = try ranked.candidates.map { found in
                let basics = found.profile.basics
                let place = [basics.city, basics.citizenship?.name(in: req.language) ?? "", req.russianFact(found.profile) ?? ""]
                    .filter { !$0.isEmpty }.joined(separator: " · ")
                return CandidateRow(
                    id: try found.user.requireID().uuidString.lowercased(), name: found.user.displayName, headline: basics.headline, place: place,
                    score: Int((found.result.score * 100).rounded()),
                    positive: found.result.reasons.filter { $0.effect == .positive }.map { employerWriter.text($0) },
                    negative: found.result.reasons.filter { $0.effect != .positive }.map { employerWriter.text($0) },
                    stage: found.stage.map { req.t("stage.\($0.rawValue)") },
                    profileURL: SiteURL.specialist(try found.user.requireID()).path + "?vacancy=" + id.uuidString.lowercased()
                )
            }
        }
        var applyAction: String?
        var myStage: String?
        var signInToApply: String?
        if user == nil, vacancy.vacancyStatus == .published {
            signInToApply = SiteURL.signIn.path + "?next=" + (SiteURL.vacancy(id).path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")
        }
        if let user, user.domainRole == .specialist {
            let mine = try await JobApplication.query(on: req.database).filter(\.$vacancy.$id == id).filter(\.$specialist.$id == user.requireID()).first()
            if let mine, mine.applicationStage != .invited {
                myStage = req.t("stage.\(mine.stage)")
            } else if vacancy.vacancyStatus == .published {
                applyAction = SiteURL.vacancyApply(id).path
            }
        }
        var page = ShowPage(layout: try PageLayout(request: req, titleKey: "vacancy.title", titleArguments: ["title": vacancy.title]),
                            vacancy: view(of: vacancy, company: company, req), editor: editor, applyAction: applyAction, myStage: myStage, cards: cards,
                            candidates: candidates, inviteAction: editor == nil ? nil : SiteURL.vacancyInvite(id).path)
        page.signInToApply = signInToApply
        page.pager = applicationsPager
        page.candidatesPager = candidatesPager.map(PagerBox.init)
        if let refusedApplication {
            page.applyNote = String(refusedApplication.note.prefix(10_000))
            page.applyErrors = refusedApplication.errors
        }
        return try await req.renderPage("vacancy", page, status: refused == nil && refusedApplication == nil ? .ok : .unprocessableEntity)
    }

    // MARK: Specialist

    struct MatchRow: Encodable {
        let url: String
        let title: String
        let companyName: String
        let city: String
        let score: Int
        let positive: [String]
        let negative: [String]
    }

    struct MatchesPage: Encodable {
        let layout: PageLayout
        let matches: [MatchRow]
        let profileURL: String
        let completeness: Int
        let pager: Pager
    }

    static let matchesPageSize = 20

    func matches(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        // Ranked: a page is the 20 after the best `offset`; one more tells whether a next page exists.
        let paging = try Paging(req, size: Self.matchesPageSize)
        let ranked = try await req.matching.vacancies(for: user, limit: paging.offset + paging.size + 1)
        let found = ranked.dropFirst(paging.offset).prefix(paging.size)
        let taxonomy = req.application.skillTaxonomy
        let writer = ReasonWriter(req, taxonomy: taxonomy)
        let profile = try await req.profiles.profile(of: user)
        let rows = try found.map { match in
            MatchRow(
                url: SiteURL.vacancy(match.card.id).path, title: match.card.title,
                companyName: match.card.companyName, city: match.card.city,
                score: Int((match.result.score * 100).rounded()),
                positive: match.result.reasons.filter { $0.effect == .positive }.map { writer.text($0) },
                negative: match.result.reasons.filter { $0.effect != .positive }.map { writer.text($0) }
            )
        }
        let page = MatchesPage(
            layout: try PageLayout(request: req, titleKey: "matches.title"), matches: rows, profileURL: SiteURL.profile.path,
            completeness: profile.completeness.percent,
            pager: Pager(req, paging: paging, hasMore: ranked.count > paging.offset + paging.size)
        )
        return try await req.renderPage("matches", page)
    }

    // MARK: Helpers

    /// "Java 4, Spring Boot, постгрес 3": each item resolved by the taxonomy, an optional trailing level 1–5 (default 3).
    static func parseSkills(_ text: String, taxonomy: SkillTaxonomy, field: String) -> (skills: [Vacancy.RequiredSkill], errors: [FieldError]) {
        var skills: [Vacancy.RequiredSkill] = []
        var errors: [FieldError] = []
        let items = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for item in items.prefix(VacancyService.skillLimit + 1) {
            var name = item
            var level = 3
            if let last = item.split(separator: " ").last, let number = Int(last), (1...5).contains(number), item.contains(" ") {
                level = number
                name = String(item.dropLast(last.count)).trimmingCharacters(in: .whitespaces)
            }
            guard name.count <= 100, let skill = taxonomy.skills(in: name).first else {
                errors.append(FieldError(field: field, code: "skill.notFound", arguments: ["skill": String(name.prefix(60))]))
                continue
            }
            if !skills.contains(where: { $0.skill == skill.rawValue }) { skills.append(.init(skill: skill.rawValue, level: level)) }
        }
        return (skills, errors)
    }

    private func save(_ form: Form, into vacancy: Vacancy?, user: User, _ req: Request) async throws -> Vacancy {
        let taxonomy = req.application.skillTaxonomy
        let required = Self.parseSkills(form.requiredSkills ?? "", taxonomy: taxonomy, field: "requiredSkills")
        let nice = Self.parseSkills(form.niceSkills ?? "", taxonomy: taxonomy, field: "niceSkills")
        let input = VacancyInput(
            title: form.title ?? "", description: form.description ?? "", occupation: form.occupation ?? "",
            minimumYears: form.minimumYears ?? "", minimumRussian: form.minimumRussian ?? "", salaryMin: form.salaryMin ?? "",
            salaryMax: form.salaryMax ?? "", city: form.city ?? "", workArrangement: form.workArrangement ?? "",
            visaSupport: form.visaSupport == "yes", housing: form.housing == "yes", familyRelocation: form.familyRelocation == "yes"
        )
        do {
            if !(required.errors + nice.errors).isEmpty {
                // Check the rest too, so the form shows every problem at once.
                var errors = required.errors + nice.errors
                do { _ = try VacancyRules.validate(input, occupations: Set(taxonomy.occupations.map(\.id))) } catch { errors += error.errors }
                throw AppError.validation(ValidationFailure(errors))
            }
            return try await req.vacancies.save(input, required: required.skills, nice: nice.skills.map(\.skill),
                                                 status: form.status, into: vacancy, by: user)
        }
    }

    private func form(of vacancy: Vacancy, _ req: Request) -> Form {
        let taxonomy = req.application.skillTaxonomy
        func name(_ id: String) -> String {
            guard let skill = taxonomy.skill(SkillID(id)) else { return id }
            return skill.name(in: req.language.rawValue)
        }
        return Form(
            title: vacancy.title, description: vacancy.description, occupation: vacancy.occupation,
            requiredSkills: vacancy.requiredSkills.map { "\(name($0.skill)) \($0.level)" }.joined(separator: ", "),
            niceSkills: vacancy.niceSkills.map(name).joined(separator: ", "),
            minimumYears: String(format: "%g", vacancy.minimumYears), minimumRussian: vacancy.minimumRussian,
            salaryMin: vacancy.salaryMin.map(String.init), salaryMax: vacancy.salaryMax.map(String.init), city: vacancy.city,
            workArrangement: vacancy.workArrangement, visaSupport: vacancy.visaSupport ? "yes" : nil,
            housing: vacancy.housing ? "yes" : nil, familyRelocation: vacancy.familyRelocation ? "yes" : nil, status: vacancy.status
        )
    }

    private func view(of vacancy: Vacancy, company: Company?, _ req: Request) -> VacancyView {
        let taxonomy = req.application.skillTaxonomy
        func name(_ id: String) -> String {
            guard let skill = taxonomy.skill(SkillID(id)) else { return id }
            return skill.name(in: req.language.rawValue)
        }
        let money = NumberFormatter()
        money.locale = Locale(identifier: req.language.rawValue)
        money.numberStyle = .decimal
        let salary: String = switch (vacancy.salaryMin, vacancy.salaryMax) {
        case let (low?, high?): req.t("vacancy.salary.range", ["min": money.string(from: NSNumber(value: low)) ?? "\(low)", "max": money.string(from: NSNumber(value: high)) ?? "\(high)"])
        case let (low?, nil): req.t("vacancy.salary.from", ["min": money.string(from: NSNumber(value: low)) ?? "\(low)"])
        case let (nil, high?): req.t("vacancy.salary.upTo", ["max": money.string(from: NSNumber(value: high)) ?? "\(high)"])
        default: req.t("vacancy.salary.none")
        }
        var support: [String] = []
        if vacancy.visaSupport { support.append(req.t("vacancy.support.visa")) }
        if vacancy.housing { support.append(req.t("vacancy.support.housing")) }
        if vacancy.familyRelocation { support.append(req.t("vacancy.support.family")) }
        return VacancyView(
            title: vacancy.title, companyName: company?.legalName ?? "", accredited: company?.accredited ?? false,
            description: vacancy.description,
            required: vacancy.requiredSkills.map { "\(name($0.skill)) (\(req.t("skill.level.\($0.level)")))" },
            nice: vacancy.niceSkills.map(name), city: vacancy.city, arrangement: req.t("remote.\(vacancy.workArrangement)"),
            salary: salary, russian: vacancy.minimumRussian.map { req.t("level.\($0)") } ?? req.t("vacancy.russian.any"),
            years: String(format: "%g", vacancy.minimumYears), support: support, status: req.t("vacancy.status.\(vacancy.status)")
        )
    }

    private func renderEditor(_ req: Request, company: Company, form: Form, action: String, errors: [String: String], notice: String?,
                              showList: Bool, status: HTTPStatus = .ok) async throws -> Response {
        let editor = try await editorModel(req, company: company, form: form, action: action, errors: errors, notice: notice, showList: showList)
        return try await req.renderPage("vacancies", ListPage(layout: editor.layout, editor: editor), status: status)
    }

    private func editorModel(_ req: Request, company: Company, form: Form, action: String, errors: [String: String], notice: String?,
                             showList: Bool) async throws -> EditorPage {
        let paging = try Paging(req, size: Self.vacancyListPageSize)
        let companyID = try company.requireID()
        let own = Vacancy.query(on: req.database).filter(\.$company.$id == companyID)
        let total = showList ? try await own.copy().count() : 0
        let vacancies = showList ? try await own.sort(\.$createdAt, .descending).sort(\.$id).range(paging.range).all() : []
        let occupations = req.application.skillTaxonomy.occupations
        return EditorPage(
            layout: try PageLayout(request: req, titleKey: "vacancies.title"),
            heading: company.legalName,
            rows: try vacancies.map { Row(url: SiteURL.vacancy(try $0.requireID()).path, title: $0.title, status: req.t("vacancy.status.\($0.status)"), city: $0.city) },
            form: form, action: action,
            occupations: [AuthPages.Choice(value: "", label: req.t("form.choose"), selected: (form.occupation ?? "").isEmpty)]
                + occupations.map { AuthPages.Choice(value: $0.id, label: "\($0.isco) · \($0.name(in: req.language.rawValue))", selected: $0.id == form.occupation) },
            russianLevels: [AuthPages.Choice(value: "", label: req.t("vacancy.russian.any"), selected: (form.minimumRussian ?? "").isEmpty)]
                + CEFRLevel.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("level.\($0.rawValue)"), selected: $0.rawValue == form.minimumRussian) },
            arrangements: WorkArrangement.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("remote.\($0.rawValue)"), selected: $0.rawValue == (form.workArrangement ?? "onsite")) },
            statuses: VacancyStatus.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("vacancy.status.\($0.rawValue)"), selected: $0.rawValue == (form.status ?? "draft")) },
            errors: errors, notice: notice, showList: showList,
            pager: showList ? Pager(req, paging: paging, total: total, path: SiteURL.vacancies.path) : nil
        )
    }
}

extension VacancyService {
    /// For pages: an employer without a company is sent to register it rather than shown an error.
    func requireCompanyForPage(of user: User) async throws -> Company {
        do {
            return try await requireCompany(of: user)
        } catch AppError.conflict {
            throw Abort.redirect(to: SiteURL.company.path)
        }
    }
}
