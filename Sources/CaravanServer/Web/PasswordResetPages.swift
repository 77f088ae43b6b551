import CaravanDomain
import Foundation
import Vapor

/// "Forgot your password?": ask for a link by e-mail, then choose a new password from it.
struct PasswordResetPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.passwordReset.pathComponents, use: askForm)
        routes.post(SiteURL.passwordReset.pathComponents, use: ask)
        routes.get(SiteURL.passwordResetToken("").pathComponents, use: chooseForm)
        routes.post(SiteURL.passwordResetToken("").pathComponents, use: choose)
    }

    struct Page: Encodable {
        let layout: PageLayout
        let action: String
        let email: String
        /// After asking: the same words whether the address has an account or not.
        let sent: Bool
        /// The link is good: the new-password form is shown.
        let choosing: Bool
        let error: String?
        let errors: [String: String]
        let signInURL: String
        let askURL: String
    }

    private func render(_ req: Request, action: String = SiteURL.passwordReset.path, email: String = "", sent: Bool = false,
                        choosing: Bool = false, error: String? = nil, errors: [String: String] = [:], status: HTTPStatus = .ok) async throws -> Response {
        try await req.renderPage("password-reset", Page(
            layout: try PageLayout(request: req, titleKey: "reset.title"), action: action, email: email, sent: sent, choosing: choosing,
            error: error, errors: errors, signInURL: SiteURL.signIn.path, askURL: SiteURL.passwordReset.path
        ), status: status)
    }

    func askForm(req: Request) async throws -> Response {
        try await render(req)
    }

    func ask(req: Request) async throws -> Response {
        let email = String(((try? req.content.get(String.self, at: "email")) ?? "").prefix(320))
        do {
            try await req.passwordResets.request(email: email, address: req.clientAddress, language: req.language)
        } catch AppError.validation(let failure) {
            return try await render(req, email: email, errors: fieldMessages(failure, req), status: .unprocessableEntity)
        } catch AppError.throttled(let seconds) {
            let response = try await render(req, email: email, error: req.t("error.throttled", ["minutes": String(max(1, (seconds + 59) / 60))]),
                                            status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: "\(seconds)")
            return response
        }
        return try await render(req, email: email, sent: true)
    }

    func chooseForm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        do {
            _ = try await req.passwordResets.open(token: token)
        } catch AppError.gone {
            return try await render(req, error: req.t("reset.linkSpent"), status: .gone)
        }
        return try await render(req, action: SiteURL.passwordResetToken(token).path, choosing: true)
    }

    func choose(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let password = String(((try? req.content.get(String.self, at: "password")) ?? "").prefix(1000))
        do {
            try await req.passwordResets.complete(token: token, password: password)
        } catch AppError.gone {
            return try await render(req, error: req.t("reset.linkSpent"), status: .gone)
        } catch AppError.validation(let failure) {
            return try await render(req, action: SiteURL.passwordResetToken(token).path, choosing: true,
                                    errors: fieldMessages(failure, req), status: .unprocessableEntity)
        }
        // This browser, too, was signed out with every other: it signs in again with the new password.
        req.auth.logout(User.self)
        req.session.unauthenticate(User.self)
        return req.redirect(to: SiteURL.signIn.path + "?notice=password-reset", redirectType: .normal)
    }
}
