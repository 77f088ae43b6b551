import CaravanCentres
import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import Vapor

/// The registry officer's desk for digital residency: the queue by time left, one application with every check,
/// the decision, revocation; and the public card check behind `/verify/DR-…`.
struct RegistryResidencyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.registryResidency.pathComponents, use: queue)
        signedIn.get(SiteURL.registryResidencyApplication(UUID()).pathComponents, use: show)
        signedIn.get(SiteURL.registryResidencyPhoto(UUID()).pathComponents, use: photo)
        signedIn.post(SiteURL.registryResidencyDecision(UUID()).pathComponents, use: decide)
        signedIn.post(SiteURL.registryResidentRevocation("x").pathComponents, use: revoke)
    }

    struct Row: Encodable {
        let link: String
        let name: String
        let citizenship: String
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
        let service = req.residency
        let rows = try await service.queue(by: officer)
        let revoked = Set(try await Resident.query(on: req.database).filter(\.$status == "revoked").all().map(\.applicationID))
        func row(_ application: ResidencyApplication) -> Row {
            let left = application.applicationStatus.isOpen ? service.workingDaysLeft(application) : nil
            return Row(
                link: SiteURL.registryResidencyApplication(application.id ?? UUID()).path, name: application.nameLatin,
                citizenship: CountryCode(rawValue: application.citizenship)?.name(in: req.language) ?? application.citizenship,
                submitted: req.date(application.submittedOn), decideBy: req.date(application.decideBy),
                left: left.map(req.workingDaysLeftText) ?? "",
                overdue: (left ?? 0) < 0,
                status: application.id.map(revoked.contains) == true ? req.t("registry.residency.revoked") : req.t("residency.status.\(application.status)")
            )
        }
        try await DataAccessLog(app: req.application, database: req.database).record(
            .caseFile, rows.map { (subject: $0.$user.id, context: DataAccess.Context.residencyApplication, contextID: $0.id) }, by: officer
        )
        return try await req.renderPage("registry-residency", QueuePage(
            layout: try PageLayout(request: req, titleKey: "registry.residency.title"),
            open: rows.filter { $0.applicationStatus.isOpen }.map(row), decided: rows.filter { !$0.applicationStatus.isOpen }.map(row)
        ))
    }

    struct Check: Encodable {
        let name: String
        let result: String
        let passed: Bool
    }

    struct ApplicationPage: Encodable {
        let layout: PageLayout
        let id: String
        let status: String
        let open: Bool
        let nameOriginal: String
        let nameLatin: String
        let birthDate: String
        let citizenship: String
        let passportNumber: String
        let passportExpiresOn: String
        let reason: String
        let submitted: String
        let decideBy: String
        let left: String?
        let photoURL: String
        let checks: [Check]
        let mayApprove: Bool
        let decisionAction: String
        let refusalGrounds: [AuthPages.Choice]
        let revocationGrounds: [AuthPages.Choice]
        /// Each ground with its basis, listed under the choice.
        let bases: [String]
        let resident: String?
        let residentActive: Bool
        let revokeAction: String?
        let decision: String?
        let error: String?
        let notice: String?
        let backURL: String
    }

    func show(req: Request) async throws -> Response {
        let officer = try req.auth.require(User.self)
        guard let id = req.parameters.get("applicationID", as: UUID.self) else { throw AppError.notFound }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["approved", "refused", "revoked"].contains($0) ? req.t("registry.residency.notice.\($0)") : nil }
        return try await render(req, id: id, officer: officer, notice: notice)
    }

    private func render(_ req: Request, id: UUID, officer: User, error: String? = nil, notice: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let service = req.residency
        let (application, checks, resident) = try await service.review(id, by: officer)
        let language = req.language.rawValue
        let grounds = req.application.residencyRegistry.grounds
        var lines: [Check] = []
        switch checks.identity {
        case .centre(let centre, let day):
            let city = req.application.centres.centre(centre)?.city.text(language) ?? centre
            lines.append(Check(name: req.t("registry.residency.check.identity"), result: req.text("registry.residency.identity.centre", ["city": city, "date": day.description]), passed: true))
        case .permit(let number):
            lines.append(Check(name: req.t("registry.residency.check.identity"), result: req.t("registry.residency.identity.permit", ["number": number]), passed: true))
        case .notVerified:
            lines.append(Check(name: req.t("registry.residency.check.identity"), result: req.t("registry.residency.identity.none"), passed: false))
        }
        if let ban = checks.entryBan {
            lines.append(Check(
                name: req.t("registry.residency.check.entryBan"),
                result: ban.isBanned ? req.t("registry.residency.entryBan.banned", ["basis": ban.legalBasis ?? ""]) : req.text("registry.residency.entryBan.clear", ["date": ban.checkedOn.description]),
                passed: !ban.isBanned
            ))
        } else {
            lines.append(Check(name: req.t("registry.residency.check.entryBan"), result: req.t("registry.residency.entryBan.unchecked"), passed: false))
        }
        let today = service.today
        let passportValid = (CalendarDate(application.passportExpiresOn) ?? today) >= today
        lines.append(Check(name: req.t("registry.residency.check.passport"),
                           result: req.text(passportValid ? "registry.residency.passport.valid" : "registry.residency.passport.expired", ["date": application.passportExpiresOn]),
                           passed: passportValid))
        let mayApprove = service.mayApprove(application, checks)
        let left = application.applicationStatus.isOpen ? service.workingDaysLeft(application) : nil
        var decision: String?
        switch application.applicationStatus {
        case .approved: decision = req.t("registry.residency.decided.approved", ["number": resident?.number ?? ""])
        case .refused: decision = req.t("registry.residency.decided.refused", ["ground": application.ground.flatMap { grounds.ground($0, for: .refuse)?.title.text(language) } ?? ""])
        case .withdrawn: decision = req.t("residency.status.withdrawn")
        case .submitted: decision = nil
        }
        return try await req.renderPage("registry-residency-application", ApplicationPage(
            layout: try PageLayout(request: req, titleKey: "registry.residency.application"), id: id.uuidString.lowercased(),
            status: req.t("residency.status.\(application.status)"), open: application.applicationStatus.isOpen,
            nameOriginal: application.nameOriginal, nameLatin: application.nameLatin, birthDate: req.date(application.birthDate),
            citizenship: CountryCode(rawValue: application.citizenship)?.name(in: req.language) ?? application.citizenship,
            passportNumber: application.passportNumber, passportExpiresOn: req.date(application.passportExpiresOn),
            reason: req.t("residency.reason.\(application.reason)"), submitted: req.date(application.submittedOn), decideBy: req.date(application.decideBy),
            left: left.map(req.workingDaysLeftText),
            photoURL: SiteURL.registryResidencyPhoto(id).path, checks: lines, mayApprove: mayApprove,
            decisionAction: SiteURL.registryResidencyDecision(id).path,
            refusalGrounds: grounds.grounds(for: .refuse).map { AuthPages.Choice(value: $0.id, label: $0.title.text(language), selected: false) },
            revocationGrounds: grounds.grounds(for: .revoke).map { AuthPages.Choice(value: $0.id, label: $0.title.text(language), selected: false) },
            bases: grounds.grounds.map { "\($0.title.text(language)): \($0.basis.text(language))" },
            resident: resident?.number, residentActive: resident?.isActive == true,
            revokeAction: resident.map { SiteURL.registryResidentRevocation($0.number).path }, decision: decision, error: error, notice: notice,
            backURL: SiteURL.registryResidency.path
        ), status: status)
    }

    func photo(req: Request) async throws -> Response {
        let officer = try req.auth.require(User.self)
        guard let id = req.parameters.get("applicationID", as: UUID.self) else { throw AppError.notFound }
        try req.residency.requireOfficer(officer)
        let (bytes, type) = try await req.residency.photo(of: id, by: officer)
        return ResidencyPages.photoResponse(bytes, type: type)
    }

    func decide(req: Request) async throws -> Response {
        let officer = try req.auth.require(User.self)
        guard let id = req.parameters.get("applicationID", as: UUID.self) else { throw AppError.notFound }
        let choice = (try? req.content.get(String.self, at: "decision")) ?? ""
        let ground = String(((try? req.content.get(String.self, at: "ground")) ?? "").prefix(80))
        let decision: ResidencyService.Decision
        switch choice {
        case "approve": decision = .approve
        case "refuse": decision = .refuse(ground: ground)
        default:
            try req.residency.requireOfficer(officer)
            return try await render(req, id: id, officer: officer, error: req.t("error.residency-decision-unknown"), status: .unprocessableEntity)
        }
        do {
            try await req.residency.decide(id, decision, by: officer)
        } catch AppError.conflict(let code) {
            return try await render(req, id: id, officer: officer, error: req.t("error.\(code)"), status: .conflict)
        } catch AppError.validation(let failure) {
            return try await render(req, id: id, officer: officer, error: failure.errors.first.map(req.message(for:)), status: .unprocessableEntity)
        }
        let done = choice == "approve" ? "approved" : "refused"
        return req.redirect(to: SiteURL.registryResidencyApplication(id).path + "?notice=\(done)", redirectType: .normal)
    }

    func revoke(req: Request) async throws -> Response {
        let officer = try req.auth.require(User.self)
        let number = String((req.parameters.get("number") ?? "").prefix(40))
        let ground = String(((try? req.content.get(String.self, at: "ground")) ?? "").prefix(80))
        guard let resident = try await Resident.query(on: req.database).filter(\.$number == number).first() else {
            try req.residency.requireOfficer(officer)
            throw AppError.notFound
        }
        do {
            _ = try await req.residency.revoke(number: number, ground: ground, by: officer)
        } catch AppError.conflict(let code) {
            return try await render(req, id: resident.applicationID, officer: officer, error: req.t("error.\(code)"), status: .conflict)
        } catch AppError.validation(let failure) {
            return try await render(req, id: resident.applicationID, officer: officer, error: failure.errors.first.map(req.message(for:)),
                                    status: .unprocessableEntity)
        }
        return req.redirect(to: SiteURL.registryResidencyApplication(resident.applicationID).path + "?notice=revoked", redirectType: .normal)
    }

    // MARK: The public check

    struct VerifyPage: Encodable {
        let layout: PageLayout
        let number: String
        let valid: Bool
        let reason: String?
        let issued: String?
        let validUntil: String?
        let keys: Int
        let revision: Int
    }

    /// `/verify/DR-…`: anyone with a residency number learns whether the card holds — signed by the registry,
    /// in force, not revoked — and no more than a counterparty needs.
    static func verify(_ req: Request, number: String) async throws -> Response {
        let layout = try PageLayout(request: req, titleKey: "residency.verifyCard.title")
        guard let check = try await req.residency.verifyCard(number: number) else {
            return try await req.renderPage("verify-residency", VerifyPage(
                layout: layout, number: number, valid: false, reason: req.t("residency.verifyCard.unknown"),
                issued: nil, validUntil: nil, keys: 0, revision: 0
            ), status: .notFound)
        }
        let card = check.signed.card
        let reason: String? = if check.isRevoked {
            req.text("residency.verifyCard.revoked", ["date": check.resident.revokedAt.map { CalendarDate($0, in: PermitRegistry.moscow).description } ?? ""])
        } else if check.verdict != .valid {
            req.t("residency.verifyCard.\(check.verdict.rawValue)")
        } else {
            nil
        }
        // No name or citizenship: numbers are serial, and a check needs only whether the card holds. The holder
        // shows the card itself, which names them.
        return try await req.renderPage("verify-residency", VerifyPage(
            layout: layout, number: number, valid: check.isValid, reason: reason, issued: req.date(card.issuedOn),
            validUntil: req.date(card.validUntil), keys: card.keys.count, revision: card.revision
        ))
    }
}
