import CaravanDomain
import Fluent
import Foundation
import Vapor

/// Sign up, sign in, sign out.
struct AuthPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.signUp.pathComponents, use: signUpForm)
        routes.post(SiteURL.signUp.pathComponents, use: signUp)
        routes.get(SiteURL.signIn.pathComponents, use: signInForm)
        routes.post(SiteURL.signIn.pathComponents, use: signIn)
        routes.post(SiteURL.signOut.pathComponents, use: signOut)
    }

    // MARK: Sign up

    struct SignUpForm: Content {
        var email: String?
        var password: String?
        var displayName: String?
        var role: String?
        /// The consent checkbox: its value is the version of the text shown beside it.
        var consent: String?
        /// Where to go once the account is open (a vacancy to apply to); a local path only.
        var next: String?
    }

    struct SignUpPage: Encodable {
        let layout: PageLayout
        let action: String
        let email: String
        let displayName: String
        let roles: [Choice]
        let consentVersion: String
        let consentGiven: Bool
        let errors: [String: String]
        let next: String
    }

    struct Choice: Encodable {
        let value: String
        let label: String
        let selected: Bool

        /// Every country by its name in the reader's language, in that language's order (nobody has to know ISO
        /// codes); `selected` is a code. Pages that allow "none" put their own first choice before these.
        static func countries(_ req: Request, selected: String?) -> [Choice] {
            let chosen = selected?.uppercased()
            // The programme's countries first, where the people it serves look; then every other by its name.
            let first = CountryCode.programme.compactMap(CountryCode.init(rawValue:)).map { (code: $0.rawValue, name: $0.name(in: req.language)) }
            let rest = CountryCode.all.subtracting(CountryCode.programme).compactMap(CountryCode.init(rawValue:))
                .map { (code: $0.rawValue, name: $0.name(in: req.language)) }
                .sorted { $0.name.compare($1.name, locale: Locale(identifier: req.language.rawValue)) == .orderedAscending }
            return (first + rest).map { Choice(value: $0.code, label: $0.name, selected: $0.code == chosen) }
        }
    }

    func signUpForm(req: Request) async throws -> Response {
        try await renderSignUp(req, form: SignUpForm(role: Role.specialist.rawValue, next: req.query[String.self, at: "next"]), errors: [:])
    }

    func signUp(req: Request) async throws -> Response {
        let form = (try? req.content.decode(SignUpForm.self)) ?? SignUpForm()
        let request = SignUpRequest(
            email: form.email ?? "", password: form.password ?? "", displayName: form.displayName ?? "",
            role: form.role ?? "", language: req.language.rawValue, consent: form.consent
        )
        do {
            let user = try await req.accounts.create(request, by: nil)
            try await startSession(for: user, on: req)
            // Where the person was going (a vacancy to apply to), else the next steps for the role.
            let next = SiteURL.safeLocalPath(form.next) ?? (SiteURL.home.path + "?welcome=yes")
            return req.redirect(to: next, redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await renderSignUp(req, form: form, errors: fieldMessages(failure, req), status: .unprocessableEntity)
        } catch AppError.conflict {
            let errors = ["email": req.t("error.account-email-taken")]
            return try await renderSignUp(req, form: form, errors: errors, status: .conflict)
        }
    }

    private func renderSignUp(_ req: Request, form: SignUpForm, errors: [String: String], status: HTTPStatus = .ok) async throws -> Response {
        let roles = Role.allCases.filter(\.isSelfService).map {
            Choice(value: $0.rawValue, label: req.t("signup.as.\($0.rawValue)"), selected: $0.rawValue == form.role)
        }
        let page = SignUpPage(
            layout: try PageLayout(request: req, titleKey: "signup.title"),
            action: SiteURL.signUp.path, email: form.email ?? "", displayName: form.displayName ?? "",
            roles: roles, consentVersion: PersonalDataConsent.currentVersion,
            consentGiven: form.consent == PersonalDataConsent.currentVersion, errors: errors,
            next: SiteURL.safeLocalPath(form.next) ?? ""
        )
        return try await req.renderPage("signup", page, status: status)
    }

    // MARK: Sign in

    struct SignInForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    struct SignInPage: Encodable {
        let layout: PageLayout
        let action: String
        let email: String
        let next: String
        let error: String?
        /// Sign-up, carrying `next` along: whoever came to apply and has no account comes back to apply.
        let signUpHref: String
        let resetHref: String
        var notice: String?
    }

    func signInForm(req: Request) async throws -> Response {
        let next = SiteURL.safeLocalPath(try? req.query.get(String.self, at: "next")) ?? ""
        return try await renderSignIn(req, email: "", next: next, error: nil)
    }

    func signIn(req: Request) async throws -> Response {
        let form = (try? req.content.decode(SignInForm.self)) ?? SignInForm()
        let next = SiteURL.safeLocalPath(form.next) ?? SiteURL.account.path
        do {
            let user = try await req.accounts.authenticate(
                email: form.email ?? "", password: form.password ?? "", address: req.clientAddress
            )
            try await startSession(for: user, on: req)
            return req.redirect(to: next, redirectType: .normal)
        } catch AppError.unauthorized {
            return try await renderSignIn(req, email: form.email ?? "", next: next, error: req.t("error.invalid-credentials"), status: .unauthorized)
        } catch AppError.throttled(let seconds) {
            let minutes = String(max(1, (seconds + 59) / 60))
            let response = try await renderSignIn(
                req, email: form.email ?? "", next: next, error: req.t("error.throttled", ["minutes": minutes]), status: .tooManyRequests
            )
            response.headers.replaceOrAdd(name: .retryAfter, value: "\(seconds)")
            return response
        }
    }

    private func renderSignIn(_ req: Request, email: String, next: String, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        var signUp = URLComponents()
        signUp.path = SiteURL.signUp.path
        if !next.isEmpty { signUp.queryItems = [URLQueryItem(name: "next", value: next)] }
        var page = SignInPage(
            layout: try PageLayout(request: req, titleKey: "signin.title"),
            action: SiteURL.signIn.path, email: email, next: next, error: error,
            signUpHref: signUp.string ?? SiteURL.signUp.path, resetHref: SiteURL.passwordReset.path
        )
        if req.query[String.self, at: "notice"] == "password-reset" { page.notice = req.t("reset.done") }
        return try await req.renderPage("signin", page, status: status)
    }

    // MARK: Sign out

    func signOut(req: Request) async throws -> Response {
        req.auth.logout(User.self)
        req.session.destroy()
        return req.redirect(to: SiteURL.home.path, redirectType: .normal)
    }

    /// Signs in on a fresh session id, so an id planted before sign-in (session fixation) is worth nothing.
    private func startSession(for user: User, on req: Request) async throws {
        if let old = req.session.id {
            // What the Fluent sessions driver's deleteSession does, but on `req.database`: a sign-up form with a
            // one-time token runs in a transaction, and the driver's own connection would wait for it.
            try await SessionRecord.query(on: req.database).filter(\.$key == old).delete()
            req.session.id = nil
        }
        req.session.data[CSRFMiddleware.fieldName] = req.application.dependencies.newToken()
        req.auth.login(user)
        req.session.authenticate(user)
        let language = LanguageCode(rawValue: user.language) ?? req.language
        req.cookies[Localization.cookieName] = Localization.cookie(for: language, secure: req.application.caravanConfiguration.usesTLS)
    }
}

func fieldMessages(_ failure: ValidationFailure, _ req: Request) -> [String: String] {
    var messages: [String: String] = [:]
    for error in failure.errors where messages[error.field] == nil {
        messages[error.field] = req.message(for: error)
    }
    return messages
}

extension Request {
    /// The client's address for throttling: the peer's IP (Caravan is served directly or behind a proxy that
    /// sets X-Forwarded-For only when configured; until then the header is not trusted, since anyone can send it).
    var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
