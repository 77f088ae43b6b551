import CaravanDomain
import Fluent
import Foundation
import Vapor

/// Admins open staff accounts and change roles. Every change goes to the audit chain (in AccountService).
struct AdminPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(SignedInOnly())
        admin.get(SiteURL.adminUsers.pathComponents, use: list)
        admin.post(SiteURL.adminUsers.pathComponents, use: create)
        admin.post(SiteURL.adminUserRole(UUID()).pathComponents, use: changeRole)
    }

    /// 50 a page: the list is for finding and fixing an account, not for reading them all.
    static let pageSize = 50

    struct Row: Encodable {
        let id: String
        let displayName: String
        let email: String
        let roles: [AuthPages.Choice]
        let roleAction: String
        let isSelf: Bool
        let roleName: String
        /// "Change role: Ирина Волкова (irina@…)": namesakes are told apart by their e-mail.
        let roleButtonLabel: String
    }

    struct UsersPage: Encodable {
        let layout: PageLayout
        let rows: [Row]
        let createAction: String
        let roles: [AuthPages.Choice]
        let form: CreateForm
        let errors: [String: String]
        let notice: String?
        let total: Int
        /// The list's search: words as typed, the role and order chosen (each a list of choices).
        let search: String
        let roleFilter: [AuthPages.Choice]
        let orders: [AuthPages.Choice]
        let pager: Pager
        let summary: String
    }

    struct CreateForm: Content {
        var email: String?
        var displayName: String?
        var role: String?
        var password: String?
    }

    private func requireAdmin(_ req: Request) throws -> User {
        let user = try req.auth.require(User.self)
        guard let role = user.domainRole, AccountsPolicy.mayListAccounts(actor: role) else { throw AppError.forbidden }
        return user
    }

    func list(req: Request) async throws -> Response {
        _ = try requireAdmin(req)
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["created", "role-changed"].contains($0) ? $0 : nil }
        return try await render(req, form: CreateForm(role: Role.migrationOfficer.rawValue), errors: [:], notice: notice)
    }

    func create(req: Request) async throws -> Response {
        let admin = try requireAdmin(req)
        let form = (try? req.content.decode(CreateForm.self)) ?? CreateForm()
        let request = SignUpRequest(
            email: form.email ?? "", password: form.password ?? "", displayName: form.displayName ?? "", role: form.role ?? "",
            language: req.language.rawValue
        )
        do {
            _ = try await req.accounts.create(request, by: admin)
            return req.redirect(to: SiteURL.adminUsers.path + "?notice=created", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await render(req, form: form, errors: fieldMessages(failure, req), notice: nil, status: .unprocessableEntity)
        } catch AppError.conflict {
            return try await render(req, form: form, errors: ["email": req.t("error.account-email-taken")], notice: nil, status: .conflict)
        }
    }

    func changeRole(req: Request) async throws -> Response {
        let admin = try requireAdmin(req)
        guard let id = req.parameters.get("userID", as: UUID.self),
              let target = try await User.find(id, on: req.database)
        else { throw AppError.notFound }
        guard let role = (try? req.content.get(String.self, at: "role")).flatMap(Role.init(rawValue:)) else {
            throw AppError.validation(ValidationFailure(field: "role", code: "role.unknown"))
        }
        try await req.accounts.changeRole(of: target, to: role, by: admin)
        return req.redirect(to: SiteURL.adminUsers.path + "?notice=role-changed", redirectType: .normal)
    }

    private func render(_ req: Request, form: CreateForm, errors: [String: String], notice: String?, status: HTTPStatus = .ok) async throws -> Response {
        let admin = try requireAdmin(req)
        let paging = try Paging(req, size: Self.pageSize)
        let search = String((req.query[String.self, at: "q"] ?? "").prefix(200))
        let rawRole = req.query[String.self, at: "role"] ?? ""
        let rawOrder = req.query[String.self, at: "sort"] ?? ""
        var failure = Validator()
        let roleFilter = Role(rawValue: rawRole)
        if !rawRole.isEmpty, roleFilter == nil { failure.add("role", "role.unknown") }
        let order = rawOrder.isEmpty ? .newest : AccountService.AccountOrder(rawValue: rawOrder)
        if order == nil { failure.add("sort", "sort.unknown") }
        do { try failure.check() } catch { throw AppError.validation(error) }
        let (users, total) = try await req.accounts.accounts(matching: search, role: roleFilter, order: order ?? .newest, page: paging, by: admin)
        let all = try await User.query(on: req.database).count()
        let rows = try users.map { user in
            let id = try user.requireID()
            return Row(
                id: id.uuidString.lowercased(), displayName: user.displayName, email: user.email,
                roles: Role.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t($0.messageKey), selected: $0.rawValue == user.role) },
                roleAction: SiteURL.adminUserRole(id).path, isSelf: id == admin.id,
                roleName: req.t(user.domainRole?.messageKey ?? "role.unknown"),
                roleButtonLabel: req.t("users.changeRoleFor", ["name": "\(user.displayName) (\(user.email))"])
            )
        }
        let roles = Role.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t($0.messageKey), selected: $0.rawValue == form.role) }
        let pageModel = UsersPage(
            layout: try PageLayout(request: req, titleKey: "users.title"), rows: rows,
            createAction: SiteURL.adminUsers.path, roles: roles, form: CreateForm(email: form.email, displayName: form.displayName, role: form.role),
            errors: errors, notice: notice.map { req.t("users.notice.\($0)") }, total: all,
            search: search,
            roleFilter: [AuthPages.Choice(value: "", label: req.t("search.any"), selected: roleFilter == nil)]
                + Role.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t($0.messageKey), selected: $0 == roleFilter) },
            orders: AccountService.AccountOrder.allCases.map {
                AuthPages.Choice(value: $0.rawValue, label: req.t("users.sort.\($0.rawValue)"), selected: $0 == (order ?? .newest))
            },
            pager: Pager(req, paging: paging, total: total),
            summary: req.t("search.found", ["count": "\(total)"])
        )
        return try await req.renderPage("users", pageModel, status: status)
    }
}
