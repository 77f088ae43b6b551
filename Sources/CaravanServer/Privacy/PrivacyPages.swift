import CaravanDomain
import Fluent
import Foundation
import Vapor

/// The person's own data on the account page: the download of everything, and the erasure request (what goes,
/// what stays and why, the password typed again). The API calls the same `PersonalDataExport` and `AccountErasure`.
struct PrivacyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.accountExport.pathComponents, use: export)
        signedIn.get(SiteURL.accountErasure.pathComponents, use: erasureForm)
        signedIn.post(SiteURL.accountErasure.pathComponents, use: erase)
    }

    func export(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        return try await Self.archiveResponse(req.personalDataExport.archive(of: user), now: req.now)
    }

    /// A ZIP to download, never kept by a cache.
    static func archiveResponse(_ data: Data, now: Date) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        let day = ISO8601DateFormatter.string(from: now, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        response.headers.replaceOrAdd(name: .contentType, value: "application/zip")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"caravan-my-data-\(day).zip\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    struct ErasurePage: Encodable {
        let layout: PageLayout
        let action: String
        let accountURL: String
        /// Why an erasure cannot be asked for now (an open permit case); nil when it can.
        let blocked: String?
        let goes: [String]
        let stays: [String]
        let errors: [String: String]
        let done: Bool
    }

    func erasureForm(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        return try await render(req, user: user, errors: [:])
    }

    func erase(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let password = (try? req.content.get(String.self, at: "password")) ?? ""
        do {
            _ = try await req.erasure.erase(user, password: password)
        } catch AppError.validation(let failure) {
            return try await render(req, user: user, errors: fieldMessages(failure, req), status: .unprocessableEntity)
        } catch AppError.passwordRejected(let failure) {
            return try await render(req, user: user, errors: fieldMessages(failure, req), status: .forbidden)
        } catch AppError.conflict {
            return try await render(req, user: user, errors: [:], status: .conflict)
        }
        req.auth.logout(User.self)
        req.session.destroy()
        return try await req.renderPage("account-erasure", ErasurePage(
            layout: try PageLayout(request: req, titleKey: "privacy.erasure.title"), action: SiteURL.accountErasure.path,
            accountURL: SiteURL.home.path, blocked: nil, goes: [], stays: [], errors: [:], done: true
        ))
    }

    private func render(_ req: Request, user: User, errors: [String: String], status: HTTPStatus = .ok) async throws -> Response {
        let blocked = try await req.erasure.blockingCase(of: user).map { _ in req.t("privacy.erasure.blocked") }
        let page = ErasurePage(
            layout: try PageLayout(request: req, titleKey: "privacy.erasure.title"), action: SiteURL.accountErasure.path,
            accountURL: SiteURL.account.path, blocked: blocked,
            goes: ["profile", "applications", "notices", "access", "account"].map { req.t("privacy.erasure.goes.\($0)") },
            stays: ["cases", "audit", "registry", "log"].map { req.t("privacy.erasure.stays.\($0)") },
            errors: errors, done: false
        )
        return try await req.renderPage("account-erasure", page, status: status)
    }
}
