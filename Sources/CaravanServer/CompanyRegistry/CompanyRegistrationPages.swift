import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import Vapor

/// The founders' wizard: start, one page per step (name, address, capital, founders and shares, activities), the
/// review with every rule's finding and every signature's state, signing (on the residency's document page, with
/// the passkey) and submitting. Every form works without JavaScript; each step calls `CompanyRegistryService`, as
/// the API does.
struct CompanyRegistrationPages: RouteCollection {
    static let steps = ["name", "address", "capital", "founders", "activities", "review"]

    func boot(routes: any RoutesBuilder) throws {
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.get(SiteURL.companyRegistration.pathComponents, use: list)
        signedIn.post(SiteURL.companyRegistration.pathComponents, use: start)
        signedIn.get(SiteURL.companyFiling(UUID()).pathComponents, use: show)
        for action in ["name", "address", "capital", "activities", "shares", "founders", "founder-removal", "director", "signature", "submission", "withdrawal"] {
            signedIn.post(SiteURL.companyFilingAction(UUID(), action).pathComponents) { req async throws -> Response in
                try await act(req, action: action)
            }
        }
    }

    // MARK: The list

    struct FilingRow: Encodable {
        let link: String
        let name: String
        let kind: String
        let status: String
    }

    struct CompanyRow: Encodable {
        let link: String
        let name: String
        let ogrn: String
    }

    struct ListPage: Encodable {
        let layout: PageLayout
        let filings: [FilingRow]
        let companies: [CompanyRow]
        let mayStart: Bool
        let needsResidency: Bool
        let startAction: String
        let error: String?
    }

    func list(req: Request) async throws -> Response {
        try await renderList(req)
    }

    private func renderList(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let service = req.companyRegistry
        let filings = try await service.filings(of: user)
        let needsResidency = (try? await req.residency.activeResident(of: user)) == nil
        let rows = filings.map { filing in
            let application = try? filing.application
            let name = application.map { $0.nameCore.isEmpty ? req.t("company.filing.unnamed") : $0.shortName } ?? ""
            return FilingRow(link: SiteURL.companyFiling(filing.id ?? UUID()).path, name: name, kind: req.t("company.filing.kind.\(filing.kind)"),
                             status: req.t("company.filing.status.\(filing.status)"))
        }
        let companies = try await service.directed(by: user).map { CompanyRow(link: SiteURL.registeredCompany($0.ogrn).path, name: $0.shortName, ogrn: $0.ogrn) }
        let open = filings.contains { $0.kind == "registration" && [.draft, .submitted].contains($0.filingStatus) && $0.$creator.id == user.id }
        return try await req.renderPage("company-registration", ListPage(
            layout: try PageLayout(request: req, titleKey: "company.registration.title"), filings: rows, companies: companies,
            mayStart: !needsResidency && !open, needsResidency: needsResidency, startAction: SiteURL.companyRegistration.path, error: error
        ), status: status)
    }

    func start(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        do {
            let filing = try await req.companyRegistry.startRegistration(by: user)
            return req.redirect(to: SiteURL.companyFiling(try filing.requireID()).path + "?step=name", redirectType: .normal)
        } catch AppError.conflict(let code) {
            return try await renderList(req, error: req.t("error.\(code)"), status: .conflict)
        }
    }

    // MARK: One step


    struct StepLink: Encodable {
        let label: String
        let link: String
        let current: Bool
    }

    struct FounderView: Encodable {
        let signerID: String
        let name: String
        let detail: String
        let share: String
        let field: String
        let error: String?
        let isCreator: Bool
    }

    struct SignerView: Encodable {
        let name: String
        let role: String
        let state: String
        let valid: Bool
        /// The signer looking at the page may sign for this line.
        let mine: Bool
        let signerID: String
        let roleValue: String
    }

    struct Finding: Encodable {
        let text: String
    }

    struct FilingPage: Encodable {
        let layout: PageLayout
        let id: String
        let step: String
        let steps: [StepLink]
        let isChange: Bool
        let mayEdit: Bool
        let mayWithdraw: Bool
        let status: String
        let statusValue: String
        let title: String
        let form: [String: String]
        let errors: [String: String]
        let founders: [FounderView]
        let director: String
        let problems: [Finding]
        let warnings: [Finding]
        let signers: [SignerView]
        let voided: [Finding]
        let complete: Bool
        let valid: Bool
        let canonical: String
        let revision: String
        let decideBy: String?
        let ground: String?
        let companyLink: String?
        let actionBase: String
        let error: String?
        let notice: String?
    }

    func show(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("filingID", as: UUID.self) else { throw AppError.notFound }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["saved", "submitted", "signed"].contains($0) ? req.t("company.filing.notice.\($0)") : nil }
        let step = (try? req.query.get(String.self, at: "step")).flatMap { Self.steps.contains($0) ? $0 : nil }
        return try await render(req, id: id, user: user, step: step, notice: notice)
    }

    private func render(_ req: Request, id: UUID, user: User, step requested: String? = nil, form override: [String: String]? = nil,
                        errors: [String: String] = [:], error: String? = nil, notice: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let service = req.companyRegistry
        let filing = try await service.filing(id, for: user)
        let application = try filing.application
        let userID = try user.requireID()
        let mayEdit = filing.$creator.id == userID && filing.filingStatus == .draft
        let step = mayEdit ? (requested ?? "review") : "review"
        let report = try await service.report(for: application, filing: filing)
        let signed = try await service.signatures(of: filing)
        let review = signed.review
        let signerUsers = try await service.signerUsers(of: filing, application)
        let founderNames = Dictionary(application.founders.map { ($0.signerID, $0.name) }, uniquingKeysWith: { a, _ in a })
        let signers = review.entries.map { entry -> SignerView in
            let name = entry.signer.role == .director ? application.director.name : (founderNames[entry.signer.signerID] ?? entry.signer.signerID)
            let state: String
            switch entry.status {
            case .valid: state = req.t("company.signature.valid")
            case .missing: state = req.t("company.signature.missing")
            case .void(let reason): state = req.t(reason.rawValue)
            }
            return SignerView(name: name, role: req.t("company.signature.role.\(entry.signer.role.rawValue)"), state: state, valid: entry.status == .valid,
                              mine: signerUsers[entry.signer.signerID]?.contains(userID) == true && entry.status != .valid && filing.filingStatus == .draft,
                              signerID: entry.signer.signerID, roleValue: entry.signer.role.rawValue)
        } + signed.leaving.map { leaving in
            SignerView(name: leaving.name, role: req.t("company.signature.role.leaving"),
                       state: req.t(leaving.signed ? "company.signature.valid" : "company.signature.missing"), valid: leaving.signed,
                       mine: signerUsers[leaving.signerID]?.contains(userID) == true && !leaving.signed && filing.filingStatus == .draft,
                       signerID: leaving.signerID, roleValue: ApplicationSignature.Role.founder.rawValue)
        }
        let voided = signed.voided.map { Finding(text: req.t("company.signature.voidExplained", ["reason": req.t($0.reason.rawValue)])) }
        var form = override ?? [:]
        if override == nil {
            form["nameCore"] = application.nameCore
            form["otherLanguageName"] = application.otherLanguageName
            form["permission"] = application.permission
            form["regionCode"] = application.address.regionCode
            form["postcode"] = application.address.postcode
            form["addressText"] = application.address.text
            form["capital"] = ShareRules.roubles(application.capitalKopecks)
            form["mainActivity"] = application.mainActivity
            form["additionalActivities"] = application.additionalActivities.joined(separator: ", ")
            form["simplifiedTax"] = application.simplifiedTaxNotice ? "yes" : ""
        }
        let founders = application.founders.enumerated().map { index, founder -> FounderView in
            let detail: String
            switch founder.party {
            case .person(_, _, let citizenship, _): detail = citizenship.name(in: req.language)
            case .company(let ogrn, _): detail = req.t("company.founder.ogrn", ["ogrn": ogrn])
            }
            return FounderView(signerID: founder.signerID, name: founder.name, detail: detail,
                               share: override?["share_\(index)"] ?? founder.share.description, field: "share_\(index)",
                               error: errors["share_\(index)"], isCreator: founder.signerID == userID.uuidString.lowercased())
        }
        let title = application.nameCore.isEmpty ? req.t("company.filing.unnamed") : application.shortName
        return try await req.renderPage("company-filing", FilingPage(
            layout: try PageLayout(request: req, titleKey: filing.isChange ? "company.change.title" : "company.registration.title"),
            id: id.uuidString.lowercased(), step: step,
            steps: mayEdit ? Self.steps.map { StepLink(label: req.t("company.step.\($0)"), link: SiteURL.companyFiling(id).path + "?step=\($0)", current: $0 == step) } : [],
            isChange: filing.isChange, mayEdit: mayEdit,
            mayWithdraw: filing.$creator.id == userID && [.draft, .submitted].contains(filing.filingStatus), status: req.t("company.filing.status.\(filing.status)"), statusValue: filing.status,
            title: title, form: form, errors: errors, founders: founders,
            director: "\(application.director.name) (\(application.director.citizenship.name(in: req.language)))",
            problems: report.errors.map { Finding(text: Self.labelled($0, req)) }, warnings: report.warnings.map { Finding(text: req.message(for: $0)) },
            signers: signers, voided: voided, complete: signed.isComplete, valid: report.isValid,
            canonical: application.canonicalText, revision: String(filing.revision.prefix(16)),
            decideBy: filing.decideBy.map { req.date($0) },
            ground: filing.ground.flatMap { req.application.companyRegistry.grounds.ground($0) }.map { "\($0.title.text(req.language.rawValue)) (\($0.reference(req.language.rawValue)))" },
            companyLink: filing.filingStatus == .registered ? try await registeredLink(filing, req) : nil,
            actionBase: SiteURL.companyFiling(id).path, error: error, notice: notice
        ), status: status)
    }

    private func registeredLink(_ filing: CompanyFiling, _ req: Request) async throws -> String? {
        guard let id = filing.companyID, let company = try await RegisteredCompany.find(id, on: req.database) else { return nil }
        return SiteURL.registeredCompany(company.ogrn).path
    }

    // MARK: Actions

    struct StepForm: Content {
        var nameCore: String?
        var otherLanguageName: String?
        var permission: String?
        var regionCode: String?
        var postcode: String?
        var addressText: String?
        var capital: String?
        var mainActivity: String?
        var additionalActivities: String?
        var simplifiedTax: String?
        var email: String?
        var ogrn: String?
        var share: String?
        var signerID: String?
        var role: String?
    }

    private func act(_ req: Request, action: String) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("filingID", as: UUID.self) else { throw AppError.notFound }
        let service = req.companyRegistry
        // Whose filing it is comes first: anyone else gets 404 whatever they send.
        _ = try await service.filing(id, for: user)
        let body = try req.content.decode([String: String].self)
        let form = try req.content.decode(StepForm.self)
        let step: String = switch action {
        case "name", "address", "capital", "activities": action
        case "shares", "founders", "founder-removal", "director": "founders"
        default: "review"
        }
        let next: [String: String] = ["name": "address", "address": "capital", "capital": "founders", "shares": "activities", "activities": "review"]
        do {
            switch action {
            case "name":
                _ = try await service.update(id, .name(core: form.nameCore ?? "", otherLanguage: form.otherLanguageName ?? "", permission: form.permission ?? ""), by: user)
            case "address":
                _ = try await service.update(id, .address(regionCode: form.regionCode ?? "", postcode: form.postcode ?? "", text: form.addressText ?? ""), by: user)
            case "capital":
                guard let kopecks = Money.kopecks(parsing: form.capital ?? "") else {
                    throw AppError.validation(ValidationFailure(field: "capital", code: "company.capitalUnreadable"))
                }
                _ = try await service.update(id, .capital(kopecks: kopecks), by: user)
            case "activities":
                let additional = (form.additionalActivities ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline }).map(String.init)
                _ = try await service.update(id, .activities(main: form.mainActivity ?? "", additional: additional, simplifiedTax: form.simplifiedTax == "yes"), by: user)
            case "shares":
                let filing = try await service.filing(id, for: user)
                var shares: [String: Fraction] = [:]
                var problems: [FieldError] = []
                for (index, founder) in try filing.application.founders.enumerated() {
                    if let share = Fraction(parsing: body["share_\(index)"] ?? "") { shares[founder.signerID] = share } else {
                        problems.append(FieldError(field: "founders.\(index).share", code: "company.shareUnreadable"))
                    }
                }
                guard problems.isEmpty else { throw AppError.validation(ValidationFailure(problems)) }
                _ = try await service.update(id, .shares(shares), by: user)
            case "founders":
                guard let share = Fraction(parsing: form.share ?? "") else {
                    throw AppError.validation(ValidationFailure(field: "share", code: "company.shareUnreadable"))
                }
                _ = try await service.addFounder(id, email: form.email, ogrn: form.ogrn, share: share, by: user)
            case "founder-removal":
                _ = try await service.removeFounder(id, signerID: form.signerID ?? "", by: user)
            case "director":
                _ = try await service.setDirector(id, email: form.email ?? "", by: user)
            case "signature":
                guard let role = form.role.flatMap(ApplicationSignature.Role.init(rawValue:)) else { throw AppError.malformedRequest }
                let document = try await service.signingDocument(id, role: role, signerID: form.signerID ?? "", by: user)
                return req.redirect(to: SiteURL.residencyDocument(document).path, redirectType: .normal)
            case "submission":
                _ = try await service.submit(id, by: user)
                return req.redirect(to: SiteURL.companyFiling(id).path + "?notice=submitted", redirectType: .normal)
            case "withdrawal":
                try await service.withdraw(id, by: user)
                return req.redirect(to: SiteURL.companyRegistration.path, redirectType: .normal)
            default:
                throw AppError.notFound
            }
        } catch AppError.validation(let failure) {
            let messages = Dictionary(failure.errors.map { (Self.formKey($0.field), req.message(for: $0)) }, uniquingKeysWith: { first, _ in first })
            var values = body
            values.removeValue(forKey: "csrf")
            let keep = ["name", "address", "capital", "activities", "shares"].contains(action) ? values : nil
            return try await render(req, id: id, user: user, step: step, form: keep, errors: messages,
                                    error: step == "review" ? failure.errors.map { req.message(for: $0) }.joined(separator: " ") : nil,
                                    status: .unprocessableEntity)
        } catch AppError.conflict(let code) {
            return try await render(req, id: id, user: user, step: step, error: req.t("error.\(code)"), status: .conflict)
        }
        let to = action == "founders" || action == "founder-removal" || action == "director" ? "founders" : (next[action] ?? "review")
        return req.redirect(to: SiteURL.companyFiling(id).path + "?step=\(to)&notice=saved", redirectType: .normal)
    }

    /// A problem as the review lists it: the field's name, then what is wrong ("Postcode: a postcode is six digits").
    static func labelled(_ error: FieldError, _ req: Request) -> String {
        let field = error.field
        let key: String? = switch true {
        case field == "name" || field == "legalForm": "company.name.core"
        case field == "otherLanguageName": "company.name.other"
        case field == "permission": "company.name.permission"
        case field == "address.regionCode": "company.address.region"
        case field == "address.postcode": "company.address.postcode"
        case field == "address.text": "company.address.text"
        case field.hasPrefix("capital"): "company.capital"
        case field.hasPrefix("founders"): "company.founders"
        case field.hasPrefix("director"): "company.director"
        case field == "okved.main": "company.okved.main"
        case field.hasPrefix("okved"): "company.okved.additional"
        default: nil
        }
        return key.map { "\(req.t($0)): \(req.message(for: error))" } ?? req.message(for: error)
    }

    /// A rule's field name as the template's error key (`address.postcode` → `address_postcode`, `founders.1.share` → `share_1`).
    static func formKey(_ field: String) -> String {
        // `founders[1].share` (the rules) and `founders.1.share` (an unreadable share) are the second share's input.
        let parts = field.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "").split(separator: ".")
        if parts.count == 3, parts[0] == "founders", parts[2] == "share" { return "share_\(parts[1])" }
        switch field {
        case "name": return "nameCore"
        case "address.regionCode": return "regionCode"
        case "address.postcode": return "postcode"
        case "address.text": return "addressText"
        case "okved.main": return "mainActivity"
        case "okved.additional": return "additionalActivities"
        default: return field.replacingOccurrences(of: ".", with: "_")
        }
    }
}

/// Money as people type it: `10000`, `10 000`, `10000,50`, `10 200.00 ₽`.
enum Money {
    static let maximumKopecks: Int64 = 1_000_000_000_000_00

    static func kopecks(parsing raw: String) -> Int64? {
        let text = raw.replacingOccurrences(of: "₽", with: "").replacingOccurrences(of: "руб.", with: "")
            .filter { !$0.isWhitespace && $0 != "\u{00A0}" }.replacingOccurrences(of: ",", with: ".")
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 13,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }), let roubles = Int64(whole) else { return nil }
        var kopecks: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(fraction) else { return nil }
            kopecks = fraction.count == 1 ? value * 10 : value
        }
        let total = roubles * 100 + kopecks
        return total <= maximumKopecks ? total : nil
    }
}
