import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// The home page, the language switch, and the signed-in person's own account.
struct AccountPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.home.pathComponents, use: home)
        routes.get(SiteURL.language(.english).pathComponents, use: switchLanguage)
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.account.pathComponents, use: account)
        signedIn.post(SiteURL.accountLanguage.pathComponents, use: setLanguage)
        signedIn.post(SiteURL.accountTokens.pathComponents, use: revokeTokens)
    }

    struct HomePage: Encodable {
        let layout: PageLayout
        let signedIn: Bool
        /// For a new specialist or employer: the next steps, the first not done offered as a button.
        let steps: [Step]
        let welcome: Bool
    }

    struct Step: Encodable {
        let text: String
        let href: String
        let done: Bool
        let next: Bool
    }

    func home(req: Request) async throws -> Response {
        let user = req.auth.get(User.self)
        var steps: [Step] = []
        if let user, let role = user.domainRole {
            let facts = try await OnboardingFacts(req: req).facts(of: user)
            steps = Onboarding.checklist(for: role, facts).map { item in
                Step(text: req.t("onboarding.\(item.step.rawValue)"), href: Self.url(of: item.step).path, done: item.done, next: item.next)
            }
            // Every step done: the list has served its purpose.
            if steps.allSatisfy(\.done) { steps = [] }
        }
        return try await req.renderPage("home", HomePage(
            layout: try PageLayout(request: req, titleKey: "home.title"), signedIn: user != nil, steps: steps,
            welcome: req.query[String.self, at: "welcome"] == "yes" && user != nil
        ))
    }

    static func url(of step: Onboarding.Step) -> SiteURL {
        switch step {
        case .completeProfile: .profile
        case .seeMatches: .matches
        case .apply: .searchVacancies
        case .openPermitCase: .permits
        case .registerCompany: .company
        case .postVacancy: .vacancies
        case .readApplicants: .vacancies
        }
    }

    /// `GET /language/<code>?next=/path`: a plain link, so switching works without JavaScript.
    func switchLanguage(req: Request) async throws -> Response {
        guard let code = req.parameters.get("code").flatMap(LanguageCode.init(rawValue:)),
              req.application.catalogs.languages.contains(code)
        else { throw AppError.notFound }
        if let user = req.auth.get(User.self) {
            try await req.accounts.setLanguage(of: user, to: code)
        }
        let next = SiteURL.safeLocalPath(try? req.query.get(String.self, at: "next")) ?? SiteURL.home.path
        let response = req.redirect(to: next, redirectType: .normal)
        response.cookies[Localization.cookieName] = Localization.cookie(for: code, secure: req.application.caravanConfiguration.usesTLS)
        return response
    }

    struct AccountPage: Encodable {
        let layout: PageLayout
        let displayName: String
        let email: String
        let role: String
        let memberSince: String
        let activeTokens: Int
        let languageAction: String
        let tokensAction: String
        let languages: [AuthPages.Choice]
        let notice: String?
        /// "You agreed to the processing of your personal data (text version 2026.1) on 3 December 2026."
        let consent: String
        /// Who has looked at my data, newest first, as sentences.
        let accesses: [String]
        let exportURL: String
        let erasureURL: String
    }

    func account(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let now = req.now
        let activeTokens = try await APIToken.query(on: req.database)
            .filter(\.$user.$id == user.requireID())
            .filter(\.$revokedAt == nil)
            .filter(\.$expiresAt > now)
            .count()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: req.language.rawValue)
        formatter.dateStyle = .long
        formatter.timeStyle = .none
        let languages = req.application.catalogs.languages.sorted { $0.rawValue > $1.rawValue }.map {
            AuthPages.Choice(value: $0.rawValue, label: req.application.catalogs.text("language.self", in: $0), selected: $0.rawValue == user.language)
        }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["language-saved", "tokens-revoked"].contains($0) ? $0 : nil }
        let consent = try await ProcessingConsent.query(on: req.database).filter(\.$userID == user.requireID()).sort(\.$givenAt, .descending).first()
        let accesses = try await req.dataAccess.lines(about: user).map(req.sentence)
        let page = AccountPage(
            layout: try PageLayout(request: req, titleKey: "account.title"),
            displayName: user.displayName, email: user.email,
            role: req.t(user.domainRole?.messageKey ?? "role.unknown"),
            memberSince: user.createdAt.map(formatter.string(from:)) ?? "",
            activeTokens: activeTokens,
            languageAction: SiteURL.accountLanguage.path, tokensAction: SiteURL.accountTokens.path,
            languages: languages, notice: notice.map { req.t("account.notice.\($0)") },
            consent: consent.map {
                req.t("privacy.consent.given", ["version": $0.version, "date": req.date(CalendarDate($0.givenAt, in: PermitRegistry.moscow).description)])
            } ?? req.t("privacy.consent.none"),
            accesses: accesses, exportURL: SiteURL.accountExport.path, erasureURL: SiteURL.accountErasure.path
        )
        return try await req.renderPage("account", page)
    }

    func setLanguage(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let raw = (try? req.content.get(String.self, at: "language")) ?? ""
        guard let code = LanguageCode(rawValue: raw), req.application.catalogs.languages.contains(code) else {
            throw AppError.validation(ValidationFailure(field: "language", code: "language.unsupported"))
        }
        try await req.accounts.setLanguage(of: user, to: code)
        let response = req.redirect(to: SiteURL.account.path + "?notice=language-saved", redirectType: .normal)
        response.cookies[Localization.cookieName] = Localization.cookie(for: code, secure: req.application.caravanConfiguration.usesTLS)
        return response
    }

    func revokeTokens(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        _ = try await req.accounts.revokeAllTokens(of: user)
        return req.redirect(to: SiteURL.account.path + "?notice=tokens-revoked", redirectType: .normal)
    }
}

/// Pages for signed-in people: anyone else is sent to sign in and brought back afterwards.
struct SignedInOnly: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(User.self) else {
            var components = URLComponents()
            components.path = SiteURL.signIn.path
            // The whole address, query included, so a search or a page comes back as it was.
            if request.method == .GET, let path = SiteURL.safeLocalPath(request.url.string) {
                components.queryItems = [URLQueryItem(name: "next", value: path)]
            }
            return request.redirect(to: components.string ?? SiteURL.signIn.path, redirectType: .normal)
        }
        return try await next.respond(to: request)
    }
}

/// What the onboarding checklist needs to know of an account, counted from the database.
struct OnboardingFacts {
    let req: Request

    func facts(of user: User) async throws -> Onboarding.Facts {
        let id = try user.requireID()
        let database = req.database
        var facts = Onboarding.Facts()
        switch user.domainRole {
        case .specialist?:
            if let profile = try await SpecialistProfile.query(on: database).filter(\.$user.$id == id).first() {
                facts.profileReady = profile.basics.isReadyForMatching(skillCount: profile.skills.count, experienceCount: profile.experience.count)
            }
            let stages = try await JobApplication.query(on: database).filter(\.$specialist.$id == id).all().map(\.applicationStage)
            facts.applied = stages.contains(where: \.hasApplied)
            facts.hired = stages.contains(.hired)
            facts.permitCaseOpened = try await PermitCase.query(on: database).filter(\.$principal.$id == id).count() > 0
        case .employer?:
            if let company = try await req.companies.company(of: user) {
                let companyID = try company.requireID()
                facts.companyRegistered = true
                facts.vacancyPublished = try await Vacancy.query(on: database).filter(\.$company.$id == companyID)
                    .filter(\.$status == VacancyStatus.published.rawValue).count() > 0
                facts.applicationsReceived = try await JobApplication.query(on: database).filter(\.$companyID == companyID).count() > 0
            }
        default:
            break
        }
        return facts
    }
}
