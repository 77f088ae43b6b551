import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// `/registry/entry-bans`: the registry officers' list (search by name or passport), the add form and the lift
/// buttons. Every act goes through `EntryBanService`, as the API's do.
struct EntryBanPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.registryEntryBans.pathComponents, use: show)
        signedIn.post(SiteURL.registryEntryBans.pathComponents, use: add)
        signedIn.post(SiteURL.registryEntryBanLift(UUID()).pathComponents, use: lift)
    }

    /// 50 cards a page: enough to scan, short enough on a phone.
    static let pageSize = 50

    struct Form: Content {
        var citizenship: String?
        var passportNumber: String?
        var name: String?
        var birthDate: String?
        var from: String?
        var until: String?
        var legalBasis: String?
        var source: String?
    }

    struct BanCard: Encodable {
        let id: String
        let citizenship: String
        let passportNumber: String
        let name: String
        let birthDate: String
        let from: String
        let until: String
        let legalBasis: String
        let source: String
        let lifted: Bool
        let liftAction: String

        init(_ ban: EntryBan, _ req: Request) throws {
            let id = try ban.requireID()
            self.id = id.uuidString.lowercased()
            citizenship = CountryCode(rawValue: ban.citizenship)?.name(in: req.language) ?? ban.citizenship
            passportNumber = ban.passportNumber ?? ""
            name = ban.displayName ?? ban.name ?? ""
            // Dates as the reader's language writes them, not ISO.
            birthDate = req.date(ban.birthDate)
            from = req.date(ban.fromDate)
            until = req.date(ban.untilDate)
            legalBasis = ban.legalBasis
            source = ban.source
            lifted = ban.isLifted
            liftAction = SiteURL.registryEntryBanLift(id).path
        }
    }

    struct Page: Encodable {
        let layout: PageLayout
        let action: String
        let query: String
        let bans: [BanCard]
        let total: Int
        let previous: String?
        let next: String?
        let form: Form
        let countries: [AuthPages.Choice]
        let errors: [String: String]
        /// The same problems as one list at the top, so none is missed on a small screen.
        let problems: [String]
        let notice: String?
    }

    private func requireOfficer(_ req: Request) throws -> User {
        let user = try req.auth.require(User.self)
        guard let role = user.domainRole, EntryBanPolicy.mayManage(role) else { throw AppError.forbidden }
        return user
    }

    func show(req: Request) async throws -> Response {
        _ = try requireOfficer(req)
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["added", "lifted"].contains($0) ? req.t("entryBans.notice.\($0)") : nil }
        return try await render(req, form: Form(), errors: [], notice: notice)
    }

    func add(req: Request) async throws -> Response {
        let user = try requireOfficer(req)
        let form = (try? req.content.decode(Form.self)) ?? Form()
        do {
            _ = try await req.entryBans.add(
                EntryBanInput(
                    citizenship: form.citizenship ?? "", passportNumber: form.passportNumber ?? "", name: form.name ?? "",
                    birthDate: form.birthDate ?? "", from: form.from ?? "", until: form.until ?? "",
                    legalBasis: form.legalBasis ?? "", source: form.source ?? ""
                ),
                by: user
            )
            return req.redirect(to: SiteURL.registryEntryBans.path + "?notice=added", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await render(req, form: form, errors: failure.errors, notice: nil, status: .unprocessableEntity)
        }
    }

    func lift(req: Request) async throws -> Response {
        let user = try requireOfficer(req)
        guard let id = req.parameters.get("banID", as: UUID.self) else { throw AppError.notFound }
        _ = try await req.entryBans.lift(id, by: user)
        return req.redirect(to: SiteURL.registryEntryBans.path + "?notice=lifted", redirectType: .normal)
    }

    private func render(_ req: Request, form: Form, errors: [FieldError], notice: String?, status: HTTPStatus = .ok) async throws -> Response {
        let user = try requireOfficer(req)
        let query = String(((try? req.query.get(String.self, at: "q")) ?? "").prefix(200))
        let number = (try? req.query.get(Int.self, at: "page")).map { max(1, min($0, 100_000)) } ?? 1
        let listed = try await req.entryBans.list(search: query, limit: Self.pageSize, offset: (number - 1) * Self.pageSize, by: user)
        func link(_ page: Int) -> String {
            var components = URLComponents()
            components.path = SiteURL.registryEntryBans.path
            components.queryItems = (query.isEmpty ? [] : [URLQueryItem(name: "q", value: query)]) + [URLQueryItem(name: "page", value: "\(page)")]
            return components.string ?? SiteURL.registryEntryBans.path
        }
        var messages: [String: String] = [:]
        for error in errors where messages[error.field] == nil { messages[error.field] = req.message(for: error) }
        let page = Page(
            layout: try PageLayout(request: req, titleKey: "entryBans.title"), action: SiteURL.registryEntryBans.path, query: query,
            bans: try listed.bans.map { try BanCard($0, req) }, total: listed.total,
            previous: number > 1 ? link(number - 1) : nil, next: number * Self.pageSize < listed.total ? link(number + 1) : nil,
            form: form, countries: AuthPages.Choice.countries(req, selected: form.citizenship), errors: messages,
            problems: errors.map { "\(req.t("entryBans.field.\($0.field)")): \(req.message(for: $0))" }, notice: notice
        )
        return try await req.renderPage("entry-bans", page, status: status)
    }
}
