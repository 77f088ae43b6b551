import CaravanCentres
import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import Vapor

/// The registry officer's desk for companies: the queue by working days left, one filing with every check's
/// result, register or refuse with a ground. Calls `CompanyRegistryService`, as the API does.
struct RegistryCompanyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.registryCompanies.pathComponents, use: queue)
        signedIn.get(SiteURL.registryCompanyFiling(UUID()).pathComponents, use: show)
        signedIn.post(SiteURL.registryCompanyDecision(UUID()).pathComponents, use: decide)
    }

    struct Row: Encodable {
        let link: String
        let name: String
        let kind: String
        let submitted: String
        let decideBy: String
        let left: String
        let overdue: Bool
        let status: String
    }

    struct QueuePage: Encodable {
        let layout: PageLayout
        let open: [Row]
        let decided: [Row]
    }

    func queue(req: Request) async throws -> Response {
        let officer = try req.auth.require(User.self)
        let service = req.companyRegistry
        let filings = try await service.queue(by: officer)
        func row(_ filing: CompanyFiling) -> Row {
            let left = filing.filingStatus.isOpen ? service.workingDaysLeft(filing) : nil
            return Row(
                link: SiteURL.registryCompanyFiling(filing.id ?? UUID()).path, name: (try? filing.application.shortName) ?? "",
                kind: req.t("company.filing.kind.\(filing.kind)"), submitted: req.date(filing.submittedOn), decideBy: req.date(filing.decideBy),
                left: left.map(req.workingDaysLeftText) ?? "",
                overdue: (left ?? 0) < 0, status: req.t("company.filing.status.\(filing.status)")
            )
        }
        return try await req.renderPage("registry-companies", QueuePage(
            layout: try PageLayout(request: req, titleKey: "registry.companies.title"),
            open: filings.filter { $0.filingStatus.isOpen }.map(row), decided: filings.filter { !$0.filingStatus.isOpen }.map(row)
        ))
    }

    struct Check: Encodable {
        let name: String
        let result: String
        let passed: Bool
    }

    struct FilingPage: Encodable {
        let layout: PageLayout
        let title: String
        let kind: String
        let status: String
        let open: Bool
        let submitted: String
        let decideBy: String
        let left: String?
        let checks: [Check]
        let warnings: [String]
        let canonical: String
        let mayRegister: Bool
        let blocker: String?
        let decisionAction: String
        let grounds: [AuthPages.Choice]
        let bases: [String]
        let decision: String?
        let companyLink: String?
        let error: String?
        let notice: String?
    }

    func show(req: Request) async throws -> Response {
        let officer = try req.auth.require(User.self)
        guard let id = req.parameters.get("filingID", as: UUID.self) else { throw AppError.notFound }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["registered", "refused"].contains($0) ? req.t("registry.companies.notice.\($0)") : nil }
        return try await render(req, id: id, officer: officer, notice: notice)
    }

    private func render(_ req: Request, id: UUID, officer: User, error: String? = nil, notice: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let service = req.companyRegistry
        let review = try await service.review(id, by: officer)
        let language = req.language.rawValue
        let application = review.application
        var checks: [Check] = []
        func fields(_ prefixes: [String]) -> [String] {
            review.report.errors.filter { error in prefixes.contains { error.field == $0 || error.field.hasPrefix($0 + ".") } }.map { req.message(for: $0) }
        }
        for (key, prefixes) in [("name", ["name", "otherLanguageName", "permission", "legalForm"]), ("address", ["address"]), ("capital", ["capital"]),
                                ("shares", ["founders"]), ("director", ["director"]), ("activities", ["okved"])] {
            let problems = fields(prefixes)
            var result = problems.isEmpty ? req.t("registry.companies.check.ok") : problems.joined(separator: " ")
            if key == "name", case .similar(let names) = review.report.nameComparison {
                result += " " + req.t("registry.companies.check.similar", ["names": names.joined(separator: "; ")])
            }
            checks.append(Check(name: req.t("registry.companies.check.\(key)"), result: result, passed: problems.isEmpty))
        }
        let signatureText = (review.signatures.review.entries.map { entry -> String in
            let state: String = switch entry.status {
            case .valid: req.t("company.signature.valid")
            case .missing: req.t("company.signature.missing")
            case .void(let reason): req.t(reason.rawValue)
            }
            let name = entry.signer.role == .director ? application.director.name
                : (application.founders.first { $0.signerID == entry.signer.signerID }?.name ?? entry.signer.signerID)
            return "\(name) (\(req.t("company.signature.role.\(entry.signer.role.rawValue)"))): \(state)"
        } + review.signatures.leaving.map { leaving in
            "\(leaving.name) (\(req.t("company.signature.role.leaving"))): \(req.t(leaving.signed ? "company.signature.valid" : "company.signature.missing"))"
        }).joined(separator: "; ")
        checks.append(Check(name: req.t("registry.companies.check.signatures"), result: signatureText, passed: review.signatures.isComplete))
        let names = Dictionary((application.founders.compactMap { f in f.personUserID.map { ($0, f.name) } } + [(application.director.userID, application.director.name)]),
                               uniquingKeysWith: { a, _ in a })
        for userID in application.personUserIDs {
            let checked = review.persons[userID] ?? ResidencyChecks(identity: .notVerified, entryBan: nil)
            let name = names[userID] ?? userID
            let identity: String
            switch checked.identity {
            case .centre(let centre, let day):
                let city = req.application.centres.centre(centre)?.city.text(language) ?? centre
                identity = req.text("registry.residency.identity.centre", ["city": city, "date": day.description])
            case .permit(let number): identity = req.t("registry.residency.identity.permit", ["number": number])
            case .notVerified: identity = req.t("registry.residency.identity.none")
            }
            checks.append(Check(name: req.t("registry.companies.check.identity", ["name": name]), result: identity, passed: checked.identity.isVerified))
            let ban: String
            if let entryBan = checked.entryBan {
                ban = entryBan.isBanned ? req.t("registry.residency.entryBan.banned", ["basis": entryBan.legalBasis ?? ""])
                    : req.text("registry.residency.entryBan.clear", ["date": entryBan.checkedOn.description])
            } else {
                ban = req.t("registry.residency.entryBan.unchecked")
            }
            checks.append(Check(name: req.t("registry.companies.check.entryBan", ["name": name]), result: ban, passed: checked.entryBan.map { !$0.isBanned } ?? false))
        }
        let grounds = req.application.companyRegistry.grounds
        let filing = review.filing
        let left = filing.filingStatus.isOpen ? service.workingDaysLeft(filing) : nil
        var decision: String?
        switch filing.filingStatus {
        case .registered: decision = req.t("registry.companies.decision.registered", ["date": req.date(filing.decidedAt.map { CalendarDate($0, in: PermitRegistry.moscow).description })])
        case .refused:
            let ground = filing.ground.flatMap(grounds.ground)
            decision = req.t("registry.companies.decision.refused", ["ground": ground.map { "\($0.title.text(language)) (\($0.reference(language)))" } ?? ""])
        case .withdrawn: decision = req.t("company.filing.status.withdrawn")
        default: break
        }
        var companyLink: String?
        if let companyID = filing.companyID, filing.filingStatus == .registered, let company = try await RegisteredCompany.find(companyID, on: req.database) {
            companyLink = SiteURL.registeredCompany(company.ogrn).path
        }
        return try await req.renderPage("registry-company", FilingPage(
            layout: try PageLayout(request: req, titleKey: "registry.companies.filing"), title: application.fullName,
            kind: req.t("company.filing.kind.\(filing.kind)"), status: req.t("company.filing.status.\(filing.status)"), open: filing.filingStatus.isOpen,
            submitted: req.date(filing.submittedOn), decideBy: req.date(filing.decideBy),
            left: left.map(req.workingDaysLeftText),
            checks: checks, warnings: review.report.warnings.map { req.message(for: $0) }, canonical: application.canonicalText,
            mayRegister: review.mayRegister, blocker: review.blocker.map { req.t("error.\($0.code)") },
            decisionAction: SiteURL.registryCompanyDecision(id).path,
            grounds: grounds.grounds.map { AuthPages.Choice(value: $0.id, label: $0.title.text(language), selected: false) },
            bases: grounds.grounds.map { "\($0.title.text(language)): \($0.text.text(language)) (\($0.reference(language)))" },
            decision: decision, companyLink: companyLink, error: error, notice: notice
        ), status: status)
    }

    struct DecisionForm: Content {
        var decision: String?
        var ground: String?
    }

    func decide(req: Request) async throws -> Response {
        let officer = try req.auth.require(User.self)
        guard let id = req.parameters.get("filingID", as: UUID.self) else { throw AppError.notFound }
        let form = try req.content.decode(DecisionForm.self)
        let decision: CompanyRegistryService.Decision
        switch form.decision {
        case "register": decision = .register
        case "refuse": decision = .refuse(ground: form.ground ?? "")
        default: return try await render(req, id: id, officer: officer, error: req.t("error.decision.unknown"), status: .unprocessableEntity)
        }
        do {
            try await req.companyRegistry.decide(id, decision, by: officer)
        } catch AppError.conflict(let code) {
            return try await render(req, id: id, officer: officer, error: req.t("error.\(code)"), status: .conflict)
        } catch AppError.validation(let failure) {
            return try await render(req, id: id, officer: officer, error: failure.errors.map { req.message(for: $0) }.joined(separator: " "), status: .unprocessableEntity)
        }
        let notice = if case .register = decision { "registered" } else { "refused" }
        return req.redirect(to: SiteURL.registryCompanyFiling(id).path + "?notice=\(notice)", redirectType: .normal)
    }
}
