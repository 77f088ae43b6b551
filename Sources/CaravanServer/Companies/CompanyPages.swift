import CaravanDomain
import Fluent
import Foundation
import Vapor

/// An employer's company page (register it, see its accreditation) and the admin's accreditation list.
struct CompanyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.company.pathComponents, use: show)
        signedIn.post(SiteURL.company.pathComponents, use: register)
        signedIn.post(SiteURL.companyInvitations.pathComponents, use: invite)
        signedIn.post(SiteURL.companyInvitationAccept(UUID()).pathComponents, use: accept)
        signedIn.get(SiteURL.adminCompanies.pathComponents, use: list)
        signedIn.post(SiteURL.adminCompanyAccreditation(UUID()).pathComponents, use: accredit)
    }

    struct Form: Content {
        var legalName: String?
        var inn: String?
        var ogrn: String?
        var city: String?
        var size: String?
    }

    struct CompanyCard: Encodable {
        let id: String
        let legalName: String
        let inn: String
        let ogrn: String
        let city: String
        let size: String
        let sizeLabel: String
        var accredited: Bool
        var accreditationNumber: String
        var accreditationDate: String
        /// The accreditation as a sentence ("Accredited: No. AO-77 of 1 June 2025"), the date in words.
        let accreditationText: String
        let accreditationAction: String
        /// After a refused save of this card's form: each field's error (the values are the ones sent).
        var errors: [String: String] = [:]

        init(_ company: Company, _ req: Request) throws {
            let id = try company.requireID()
            self.id = id.uuidString.lowercased()
            legalName = company.legalName
            inn = company.inn
            ogrn = company.ogrn
            city = company.city
            size = company.size
            sizeLabel = req.t("company.size.\(company.size)")
            accredited = company.accredited
            accreditationNumber = company.accreditationNumber ?? ""
            accreditationDate = company.accreditationDate ?? ""
            accreditationText = company.accredited
                ? req.t("company.accredited", ["number": company.accreditationNumber ?? "", "date": req.date(company.accreditationDate)])
                : req.t("company.notAccredited")
            accreditationAction = SiteURL.adminCompanyAccreditation(id).path
        }
    }

    struct Invitation: Encodable {
        let company: String
        let acceptAction: String
    }

    struct CompanyPage: Encodable {
        let layout: PageLayout
        let company: CompanyCard?
        let action: String
        let form: Form
        let sizes: [AuthPages.Choice]
        let errors: [String: String]
        let notice: String?
        var members: [String] = []
        var pending: [String] = []
        var invitations: [Invitation] = []
        var inviteAction = SiteURL.companyInvitations.path
        var inviteEmail = ""
    }

    private func requireEmployer(_ req: Request) throws -> User {
        let user = try req.auth.require(User.self)
        guard let role = user.domainRole, CompaniesPolicy.mayRegister(role) else { throw AppError.forbidden }
        return user
    }

    func show(req: Request) async throws -> Response {
        let user = try requireEmployer(req)
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["registered", "invited", "joined"].contains($0) ? req.t("company.notice.\($0)") : nil }
        return try await render(req, company: try await req.companies.company(of: user), form: Form(size: CompanySize.small.rawValue), errors: [:], notice: notice)
    }

    func invite(req: Request) async throws -> Response {
        let user = try requireEmployer(req)
        let email = String(((try? req.content.get(String.self, at: "email")) ?? "").prefix(320))
        let company = try await req.companies.company(of: user)
        do {
            _ = try await req.companies.invite(email, by: user, language: req.language)
            return req.redirect(to: SiteURL.company.path + "?notice=invited#people", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await render(req, company: company, form: Form(), errors: ["inviteEmail": failure.errors.first.map(req.message(for:)) ?? ""],
                                    notice: nil, status: .unprocessableEntity, inviteEmail: email)
        } catch AppError.conflict(let code) {
            return try await render(req, company: company, form: Form(), errors: ["inviteEmail": req.t("error.\(code)")], notice: nil, status: .conflict, inviteEmail: email)
        }
    }

    func accept(req: Request) async throws -> Response {
        let user = try requireEmployer(req)
        guard let id = req.parameters.get("invitationID", as: UUID.self) else { throw AppError.notFound }
        _ = try await req.companies.accept(id, by: user)
        return req.redirect(to: SiteURL.company.path + "?notice=joined", redirectType: .normal)
    }

    func register(req: Request) async throws -> Response {
        let user = try requireEmployer(req)
        let form = (try? req.content.decode(Form.self)) ?? Form()
        do {
            _ = try await req.companies.register(
                CompanyRegistrationRequest(
                    legalName: form.legalName ?? "", inn: form.inn ?? "", ogrn: form.ogrn ?? "", city: form.city ?? "", size: form.size ?? ""
                ),
                by: user
            )
            return req.redirect(to: SiteURL.company.path + "?notice=registered", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await render(req, company: nil, form: form, errors: fieldMessages(failure, req), notice: nil, status: .unprocessableEntity)
        } catch AppError.conflict(let code) {
            let existing = try await req.companies.company(of: user)
            return try await render(req, company: existing, form: form, errors: ["inn": req.t("error.\(code)")], notice: nil, status: .conflict)
        }
    }

    private func render(_ req: Request, company: Company?, form: Form, errors: [String: String], notice: String?, status: HTTPStatus = .ok,
                        inviteEmail: String = "") async throws -> Response {
        let sizes = CompanySize.allCases.map {
            AuthPages.Choice(value: $0.rawValue, label: req.t("company.size.\($0.rawValue)"), selected: $0.rawValue == form.size)
        }
        var page = CompanyPage(
            layout: try PageLayout(request: req, titleKey: "company.title"), company: try company.map { try CompanyCard($0, req) },
            action: SiteURL.company.path, form: form, sizes: sizes, errors: errors, notice: notice
        )
        page.inviteEmail = inviteEmail
        if let company {
            let people = try await req.companies.people(of: company)
            page.members = people.members.map { "\($0.displayName) <\($0.email)>" }
            page.pending = people.pending.map(\.email)
        } else if let user = req.auth.get(User.self) {
            page.invitations = try await req.companies.pendingInvitations(for: user).compactMap { invitation in
                invitation.id.map { Invitation(company: invitation.company.legalName, acceptAction: SiteURL.companyInvitationAccept($0).path) }
            }
        }
        return try await req.renderPage("company", page, status: status)
    }

    // MARK: Admin

    struct CompaniesPage: Encodable {
        let layout: PageLayout
        let companies: [CompanyCard]
        let total: Int
        let notice: String?
        let today: String
        let errors: [String]
        let search: String
        let states: [AuthPages.Choice]
        let summary: String
        let pager: Pager
        let listAction: String
    }

    private func requireAdmin(_ req: Request) throws -> User {
        let user = try req.auth.require(User.self)
        guard let role = user.domainRole, CompaniesPolicy.mayListAll(role) else { throw AppError.forbidden }
        return user
    }

    /// 50 a page, newest first, with those still waiting for a decision on top.
    func list(req: Request) async throws -> Response {
        _ = try requireAdmin(req)
        let notice = (try? req.query.get(String.self, at: "notice")) == "saved" ? req.t("companies.notice.saved") : nil
        return try await renderList(req, notice: notice, errors: [])
    }

    /// The list; with `refused`, one company's accreditation form comes back as sent, its errors beside the fields.
    private func renderList(_ req: Request, notice: String?, errors: [String], status: HTTPStatus = .ok,
                            refused: (company: UUID, form: AccreditationForm, errors: [String: String])? = nil) async throws -> Response {
        let admin = try requireAdmin(req)
        let paging = try Paging(req, size: 50)
        let search = String((req.query[String.self, at: "q"] ?? "").prefix(200))
        let state = req.query[String.self, at: "accredited"] ?? ""
        guard ["", "yes", "no"].contains(state) else {
            throw AppError.validation(ValidationFailure(field: "accredited", code: "choice.unknown"))
        }
        let (companies, matching) = try await req.companies.companies(
            matching: search, accredited: state.isEmpty ? nil : state == "yes", page: paging, by: admin
        )
        let model = CompaniesPage(
            layout: try PageLayout(request: req, titleKey: "companies.title"), companies: try companies.map { company in
                var card = try CompanyCard(company, req)
                if let refused, company.id == refused.company {
                    card.accredited = refused.form.accredited == "yes"
                    card.accreditationNumber = String((refused.form.registryNumber ?? "").prefix(200))
                    card.accreditationDate = String((refused.form.date ?? "").prefix(40))
                    card.errors = refused.errors
                }
                return card
            },
            total: try await Company.query(on: req.database).count(), notice: notice, today: CalendarDay.today(req.now), errors: errors,
            search: search,
            states: [("", "search.any"), ("no", "companies.notAccredited"), ("yes", "companies.accredited")].map {
                AuthPages.Choice(value: $0.0, label: req.t($0.1), selected: state == $0.0)
            },
            summary: req.t("search.found", ["count": "\(matching)"]),
            pager: Pager(req, paging: paging, total: matching, path: SiteURL.adminCompanies.path),
            listAction: SiteURL.adminCompanies.path
        )
        return try await req.renderPage("companies", model, status: status)
    }

    struct AccreditationForm: Content {
        var accredited: String?
        var registryNumber: String?
        var date: String?
    }

    func accredit(req: Request) async throws -> Response {
        let admin = try requireAdmin(req)
        guard let id = req.parameters.get("companyID", as: UUID.self), let company = try await Company.find(id, on: req.database) else {
            throw AppError.notFound
        }
        let form = (try? req.content.decode(AccreditationForm.self)) ?? AccreditationForm()
        do {
            try await req.companies.setAccreditation(
                of: company,
                to: AccreditationRequest(accredited: form.accredited == "yes", registryNumber: form.registryNumber, date: form.date),
                by: admin
            )
        } catch AppError.validation(let failure) {
            let messages = failure.errors.map { "\(company.legalName): \(req.t("field.\($0.field)")) — \(req.message(for: $0))" }
            let byField = Dictionary(failure.errors.map { ($0.field, req.message(for: $0)) }, uniquingKeysWith: { first, _ in first })
            return try await renderList(req, notice: nil, errors: messages, status: .unprocessableEntity, refused: (id, form, byField))
        }
        return req.redirect(to: SiteURL.adminCompanies.path + "?notice=saved", redirectType: .normal)
    }
}
