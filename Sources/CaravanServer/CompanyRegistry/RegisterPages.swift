import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import Vapor

/// The register in public (search, a company's page with its signed extract and the check of that signature,
/// the extract as a file) and what a director does there (the capital, a change, an employer's invitation, IT
/// accreditation); the ministry's accreditation desk.
struct RegisterPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.register.pathComponents, use: search)
        routes.get(SiteURL.registeredCompany("x").pathComponents, use: company)
        routes.get(SiteURL.registeredCompanyAction("x", "extract.json").pathComponents, use: extractFile)
        let signedIn = routes.grouped(SignedInOnly())
        for action in ["change", "capital", "invitation", "accreditation", "accreditation-withdrawal"] {
            signedIn.post(SiteURL.registeredCompanyAction("x", action).pathComponents) { req async throws -> Response in
                try await act(req, action: action)
            }
        }
        signedIn.get(SiteURL.adminAccreditations.pathComponents, use: accreditations)
        signedIn.get(SiteURL.adminAccreditationDecision(UUID()).pathComponents, use: accreditation)
        signedIn.post(SiteURL.adminAccreditationDecision(UUID()).pathComponents, use: decideAccreditation)
    }

    // MARK: Search

    struct Hit: Encodable {
        let link: String
        let name: String
        let ogrn: String
        let inn: String
        let registered: String
        let accredited: Bool
    }

    struct SearchPage: Encodable {
        let layout: PageLayout
        let query: String
        let hits: [Hit]
        let searched: Bool
        let error: String?
    }

    func search(req: Request) async throws -> Response {
        let query = (try? req.query.get(String.self, at: "q")) ?? ""
        var hits: [RegisteredCompany] = []
        var error: String?
        var status = HTTPStatus.ok
        do {
            hits = try await req.companyRegistry.search(query)
        } catch AppError.validation(let failure) {
            error = failure.errors.map { req.message(for: $0) }.joined(separator: " ")
            status = .unprocessableEntity
        }
        return try await req.renderPage("register", SearchPage(
            layout: try PageLayout(request: req, titleKey: "company.register.title"), query: String(query.prefix(200)),
            hits: hits.map { Hit(link: SiteURL.registeredCompany($0.ogrn).path, name: $0.fullName, ogrn: $0.ogrn, inn: $0.inn,
                                 registered: req.date($0.registeredOn), accredited: $0.accreditation == "accredited") },
            searched: !query.isEmpty, error: error
        ), status: status)
    }

    // MARK: A company

    struct Line: Encodable {
        let label: String
        let value: String
    }

    struct CompanyPage: Encodable {
        let layout: PageLayout
        let name: String
        let ogrn: String
        let lines: [Line]
        let founders: [Line]
        let activities: [String]
        let valid: Bool
        let verdict: String
        let extractURL: String
        let accreditation: String
        let isDirector: Bool
        let isMinistry: Bool
        let capital: String?
        let capitalOverdue: Bool
        let capitalPaid: Bool
        let actionBase: String
        let today: String
        let accreditationOpen: Bool
        let mayApplyForAccreditation: Bool
        let accredited: Bool
        let changeLink: String?
        let error: String?
        let notice: String?
        let errors: [String: String]
    }

    func company(req: Request) async throws -> Response {
        guard let ogrn = req.parameters.get("ogrn") else { throw AppError.notFound }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap {
            ["capital", "invited", "accreditation", "withdrawn"].contains($0) ? req.t("company.page.notice.\($0)") : nil
        }
        return try await render(req, ogrn: ogrn, notice: notice)
    }

    private func render(_ req: Request, ogrn: String, error: String? = nil, notice: String? = nil, errors: [String: String] = [:],
                        status: HTTPStatus = .ok) async throws -> Response {
        let service = req.companyRegistry
        let company = try await service.registered(ogrn: ogrn)
        let (signed, verdict) = service.extract(of: company)
        let user = req.auth.get(User.self)
        let isDirector = user?.id == company.directorID
        let language = req.language
        var lines: [Line] = []
        var founders: [Line] = []
        var activities: [String] = []
        if let extract = signed?.extract {
            lines = [
                Line(label: req.t("company.extract.fullName"), value: extract.fullName),
                Line(label: req.t("company.extract.shortName"), value: extract.shortName),
            ] + (extract.otherLanguageName.isEmpty ? [] : [Line(label: req.t("company.name.other"), value: extract.otherLanguageName)]) + [
                Line(label: req.t("company.ogrn"), value: extract.ogrn),
                Line(label: req.t("company.inn"), value: extract.inn),
                Line(label: req.t("company.kpp"), value: extract.kpp),
                Line(label: req.t("company.extract.registered"), value: req.date(extract.registeredOn.description)),
                Line(label: req.t("company.extract.address"), value: "\(extract.address.postcode), \(extract.address.text) (\(req.t("company.address.regionShort")) \(extract.address.regionCode))"),
                Line(label: req.t("company.capital"), value: req.t("company.roubles", ["amount": ShareRules.roubles(extract.capitalKopecks)])),
                Line(label: req.t("company.director"), value: extract.directorName),
                Line(label: req.t("company.extract.status"), value: req.t("company.extract.status.\(extract.status.rawValue)")),
                Line(label: req.t("company.extract.revision"), value: req.t("company.extract.revisionAsOf", ["revision": "\(extract.revision)", "date": req.date(extract.asOf.description)])),
            ]
            founders = extract.founders.map { founder in
                Line(label: founder.ogrn.map { "\(founder.name) (\(req.t("company.ogrn")) \($0))" } ?? founder.name, value: founder.share.description)
            }
            activities = ([extract.mainActivity] + extract.otherActivities).map { code in
                let title = req.application.okved.entry(code).map { language == .english ? $0.en : $0.ru } ?? ""
                return code == extract.mainActivity ? "\(code) \(title) — \(req.t("company.okved.mainShort"))" : "\(code) \(title)"
            }
        }
        let daysLeft = isDirector ? service.capitalDaysLeft(company) : nil
        let open = try await ITAccreditationFiling.query(on: req.database).filter(\.$company.$id == company.requireID()).filter(\.$status == "submitted").first() != nil
        let accreditation: String = switch company.accreditation {
        case "accredited": req.t("company.accreditation.accredited", ["date": req.date(company.accreditedOn), "by": req.date(company.reconfirmBy)])
        case "withdrawn": req.t("company.accreditation.withdrawn")
        default: open ? req.t("company.accreditation.pending") : req.t("company.accreditation.none")
        }
        var changeLink: String?
        if isDirector, let open = try await CompanyFiling.query(on: req.database).filter(\.$openKey == "change:\(company.ogrn)").first() {
            changeLink = SiteURL.companyFiling(try open.requireID()).path
        }
        return try await req.renderPage("registered-company", CompanyPage(
            layout: try PageLayout(request: req, titleKey: "company.page.title"), name: company.fullName, ogrn: company.ogrn,
            lines: lines, founders: founders, activities: activities, valid: verdict == .valid,
            verdict: req.t("company.extract.verdict.\(verdict.rawValue)"), extractURL: SiteURL.registeredCompanyAction(company.ogrn, "extract.json").path,
            accreditation: accreditation, isDirector: isDirector, isMinistry: user?.domainRole == .admin,
            capital: daysLeft.map { days in
                days >= 0 ? req.t("company.capital.dueIn", ["date": req.date(company.capitalDueOn), "count": "\(days)"])
                    : req.t("company.capital.overdue", ["date": req.date(company.capitalDueOn), "count": "\(-days)"])
            } ?? company.capitalPaidOn.map { req.t("company.capital.paidOn", ["date": req.date($0)]) },
            capitalOverdue: (daysLeft ?? 0) < 0, capitalPaid: company.capitalPaidOn != nil,
            actionBase: SiteURL.registeredCompany(company.ogrn).path, today: service.today.description, accreditationOpen: open,
            // Accredited, the same form is the yearly reconfirmation.
            mayApplyForAccreditation: isDirector && !open && company.status == "active",
            accredited: company.accreditation == "accredited", changeLink: changeLink, error: error, notice: notice, errors: errors
        ), status: status)
    }

    /// The signed extract as a file, for `caravan verify` and anyone else's check.
    func extractFile(req: Request) async throws -> Response {
        guard let ogrn = req.parameters.get("ogrn") else { throw AppError.notFound }
        let company = try await req.companyRegistry.registered(ogrn: ogrn)
        let response = Response(status: .ok, body: .init(string: company.extractJSON))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"extract-\(company.ogrn).json\"")
        return response
    }

    struct ActionForm: Content {
        var paidOn: String?
        var email: String?
        var totalRevenue: String?
        var itRevenue: String?
        var revenueSinceCreation: String?
        var website: String?
        var averagePay: String?
        var softwareRegister: String?
    }

    private func act(_ req: Request, action: String) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let ogrn = req.parameters.get("ogrn") else { throw AppError.notFound }
        let service = req.companyRegistry
        // Who may act comes first: the director (the ministry for a withdrawal); anyone else gets 403 whatever they send.
        let company = try await service.registered(ogrn: ogrn)
        if action == "accreditation-withdrawal" { try service.requireMinistry(user) } else if company.directorID != user.id { throw AppError.forbidden }
        let form = try req.content.decode(ActionForm.self)
        do {
            switch action {
            case "change":
                let filing = try await service.startChange(ogrn: ogrn, by: user)
                return req.redirect(to: SiteURL.companyFiling(try filing.requireID()).path + "?step=name", redirectType: .normal)
            case "capital":
                _ = try await service.recordCapitalPaid(ogrn: ogrn, on: form.paidOn ?? "", by: user)
                return req.redirect(to: SiteURL.registeredCompany(ogrn).path + "?notice=capital", redirectType: .normal)
            case "invitation":
                try await service.inviteEmployer(ogrn: ogrn, email: form.email ?? "", by: user)
                return req.redirect(to: SiteURL.registeredCompany(ogrn).path + "?notice=invited", redirectType: .normal)
            case "accreditation":
                var problems: [FieldError] = []
                func money(_ field: String, _ raw: String?, optional: Bool = false) -> Int64? {
                    let text = (raw ?? "").trimmingCharacters(in: .whitespaces)
                    if text.isEmpty, optional { return nil }
                    guard let value = Money.kopecks(parsing: text) else {
                        problems.append(FieldError(field: field, code: text.isEmpty ? "field.required" : "company.amountUnreadable"))
                        return nil
                    }
                    return value
                }
                let total = money("totalRevenue", form.totalRevenue), it = money("itRevenue", form.itRevenue)
                let since = money("revenueSinceCreation", form.revenueSinceCreation), pay = money("averagePay", form.averagePay, optional: true)
                guard problems.isEmpty, let total, let it, let since else { throw AppError.validation(ValidationFailure(problems)) }
                _ = try await service.applyForAccreditation(ogrn: ogrn, .init(
                    totalRevenueKopecks: total, itRevenueKopecks: it, revenueSinceCreationKopecks: since, websiteURL: form.website ?? "",
                    averageMonthlyPayKopecks: pay, softwareRegisterRightsHolder: form.softwareRegister == "yes"), by: user)
                return req.redirect(to: SiteURL.registeredCompany(ogrn).path + "?notice=accreditation", redirectType: .normal)
            case "accreditation-withdrawal":
                try await service.withdrawAccreditation(ogrn: ogrn, by: user)
                return req.redirect(to: SiteURL.registeredCompany(ogrn).path + "?notice=withdrawn", redirectType: .normal)
            default:
                throw AppError.notFound
            }
        } catch AppError.validation(let failure) {
            let errors = Dictionary(failure.errors.map { ($0.field, req.message(for: $0)) }, uniquingKeysWith: { a, _ in a })
            return try await render(req, ogrn: ogrn, error: failure.errors.map { req.message(for: $0) }.joined(separator: " "), errors: errors,
                                    status: .unprocessableEntity)
        } catch AppError.conflict(let code) {
            return try await render(req, ogrn: ogrn, error: req.t("error.\(code)"), status: .conflict)
        }
    }

    // MARK: The ministry's desk

    struct AccreditationRow: Encodable {
        let link: String
        let name: String
        let applied: String
        let decideBy: String
        let status: String
    }

    struct AccreditationsPage: Encodable {
        let layout: PageLayout
        let open: [AccreditationRow]
        let decided: [AccreditationRow]
    }

    func accreditations(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let filings = try await req.companyRegistry.accreditationQueue(by: user)
        func row(_ filing: ITAccreditationFiling) -> AccreditationRow {
            AccreditationRow(link: SiteURL.adminAccreditationDecision(filing.id ?? UUID()).path, name: filing.company.fullName,
                             applied: req.date(filing.appliedOn), decideBy: req.date(filing.decideBy), status: req.t("accreditation.status.\(filing.status)"))
        }
        return try await req.renderPage("admin-accreditations", AccreditationsPage(
            layout: try PageLayout(request: req, titleKey: "accreditation.desk.title"),
            open: filings.filter { $0.status == "submitted" }.map(row), decided: filings.filter { $0.status != "submitted" }.map(row)
        ))
    }

    struct Criterion: Encodable {
        let name: String
        let outcome: String
        let reason: String
        let passed: Bool
    }

    struct AccreditationPage: Encodable {
        let layout: PageLayout
        let name: String
        let companyLink: String
        let facts: [Line]
        let open: Bool
        let status: String
        let criteria: [Criterion]
        let accreditable: Bool
        let form: [String: String]
        let action: String
        let rulebook: String
        let error: String?
    }

    func accreditation(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("filingID", as: UUID.self) else { throw AppError.notFound }
        return try await renderAccreditation(req, id: id, user: user, form: [:])
    }

    private func renderAccreditation(_ req: Request, id: UUID, user: User, form: [String: String], error: String? = nil,
                                     status: HTTPStatus = .ok) async throws -> Response {
        let service = req.companyRegistry
        try service.requireMinistry(user)
        guard let filing = try await ITAccreditationFiling.query(on: req.database).filter(\.$id == id).with(\.$company).first(),
              let input = filing.facts else { throw AppError.notFound }
        let company = filing.company
        let findings = Self.findings(form)
        var criteria: [Criterion] = []
        var accreditable = false
        if let findings {
            let results = ITAccreditationRules.judge(try service.facts(of: filing, company: company, findings: findings), rulebook: req.application.companyRegistry.rulebook)
            accreditable = ITAccreditationRules.isAccreditable(results)
            criteria = results.map { result in
                Criterion(name: req.t("accreditation.criterion.\(result.criterion.rawValue)"), outcome: req.t("accreditation.outcome.\(result.outcome.rawValue)"),
                          reason: req.text(result.reason, result.arguments), passed: result.outcome != .notMet)
            }
        }
        let rub = { (kopecks: Int64) in req.t("company.roubles", ["amount": ShareRules.roubles(kopecks)]) }
        let facts = [
            Line(label: req.t("company.ogrn"), value: company.ogrn),
            Line(label: req.t("company.okved.main"), value: company.mainActivity),
            Line(label: req.t("company.extract.registered"), value: req.date(company.registeredOn)),
            Line(label: req.t("accreditation.totalRevenue"), value: rub(input.totalRevenueKopecks)),
            Line(label: req.t("accreditation.itRevenue"), value: rub(input.itRevenueKopecks)),
            Line(label: req.t("accreditation.revenueSinceCreation"), value: rub(input.revenueSinceCreationKopecks)),
            Line(label: req.t("accreditation.website"), value: input.websiteURL),
            Line(label: req.t("accreditation.averagePay"), value: input.averageMonthlyPayKopecks.map(rub) ?? req.t("accreditation.noPay")),
            Line(label: req.t("accreditation.softwareRegister"), value: req.t(input.softwareRegisterRightsHolder ? "common.yes" : "common.no")),
        ]
        let rulebook = req.application.companyRegistry.rulebook
        return try await req.renderPage("admin-accreditation", AccreditationPage(
            layout: try PageLayout(request: req, titleKey: "accreditation.desk.title"), name: company.fullName,
            companyLink: SiteURL.registeredCompany(company.ogrn).path, facts: facts, open: filing.status == "submitted",
            status: req.t("accreditation.status.\(filing.status)"), criteria: criteria, accreditable: accreditable, form: form,
            action: SiteURL.adminAccreditationDecision(id).path,
            rulebook: req.t("accreditation.rulebook", ["number": rulebook.decree.number, "date": req.date(rulebook.decree.date), "version": rulebook.version]),
            error: error
        ), status: status)
    }

    static func findings(_ form: [String: String]) -> CompanyRegistryService.MinistryFindings? {
        guard let national = form["nationalAveragePay"].flatMap(Money.kopecks(parsing:)), let regional = form["regionalAveragePay"].flatMap(Money.kopecks(parsing:)),
              national > 0, regional > 0 else { return nil }
        return .init(websiteNamesITActivity: form["websiteNamesIT"] == "yes", nationalAveragePayKopecks: national, regionalAveragePayKopecks: regional)
    }

    func decideAccreditation(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("filingID", as: UUID.self) else { throw AppError.notFound }
        var form = try req.content.decode([String: String].self)
        form.removeValue(forKey: "csrf")
        guard let findings = Self.findings(form) else {
            return try await renderAccreditation(req, id: id, user: user, form: form, error: req.t("error.accreditation.averagePayRequired"), status: .unprocessableEntity)
        }
        switch form["decision"] {
        case "accredit", "refuse":
            do {
                try await req.companyRegistry.decideAccreditation(id, accredit: form["decision"] == "accredit", findings: findings, by: user)
            } catch AppError.conflict(let code) {
                return try await renderAccreditation(req, id: id, user: user, form: form, error: req.t("error.\(code)"), status: .conflict)
            }
            return req.redirect(to: SiteURL.adminAccreditationDecision(id).path, redirectType: .normal)
        default:
            // "Check": the rules applied to these findings, shown before deciding.
            return try await renderAccreditation(req, id: id, user: user, form: form)
        }
    }
}
