import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

/// The company register through the API: the same `CompanyRegistryService` operations the pages call.
extension APIHandler {
    // MARK: The founders

    func listCompanyFilings(_ input: Operations.ListCompanyFilings.Input) async throws -> Operations.ListCompanyFilings.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        var views: [Components.Schemas.CompanyFiling] = []
        for filing in try await req.companyRegistry.filings(of: user) { views.append(try await Self.companyFiling(filing, req)) }
        return .ok(.init(body: .json(views)))
    }

    func startCompanyRegistration(_ input: Operations.StartCompanyRegistration.Input) async throws -> Operations.StartCompanyRegistration.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let filing = try await req.companyRegistry.startRegistration(by: user)
        return .created(.init(body: .json(try await Self.companyFiling(filing, req))))
    }

    func getCompanyFiling(_ input: Operations.GetCompanyFiling.Input) async throws -> Operations.GetCompanyFiling.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        let filing = try await req.companyRegistry.filing(id, for: user)
        return .ok(.init(body: .json(try await Self.companyFiling(filing, req))))
    }

    func updateCompanyFiling(_ input: Operations.UpdateCompanyFiling.Input) async throws -> Operations.UpdateCompanyFiling.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        // Whose filing it is comes first: anyone else gets 404 whatever they send.
        _ = try await req.companyRegistry.filing(id, for: user)
        var steps: [CompanyRegistryService.Step] = []
        if let name = body.name { steps.append(.name(core: name.core, otherLanguage: name.otherLanguage ?? "", permission: name.permission ?? "")) }
        if let address = body.address { steps.append(.address(regionCode: address.regionCode, postcode: address.postcode, text: address.text)) }
        if let capital = body.capitalKopecks { steps.append(.capital(kopecks: capital)) }
        if let activities = body.activities {
            steps.append(.activities(main: activities.main, additional: activities.additional ?? [], simplifiedTax: activities.simplifiedTax ?? false))
        }
        if let shares = body.shares {
            var parsed: [String: Fraction] = [:]
            var problems: [FieldError] = []
            for (index, line) in shares.enumerated() {
                if let share = Fraction(parsing: line.share) { parsed[line.signerId] = share } else {
                    problems.append(FieldError(field: "shares.\(index).share", code: "company.shareUnreadable"))
                }
            }
            guard problems.isEmpty else { throw AppError.validation(ValidationFailure(problems)) }
            guard parsed.count == shares.count else { throw AppError.validation(ValidationFailure(field: "shares", code: "company.founderDuplicate")) }
            steps.append(.shares(parsed))
        }
        guard !steps.isEmpty else { throw AppError.validation(ValidationFailure(field: "body", code: "company.nothingToChange")) }
        let filing = try await req.companyRegistry.update(id, steps, by: user)
        return .ok(.init(body: .json(try await Self.companyFiling(filing, req))))
    }

    func addCompanyFounder(_ input: Operations.AddCompanyFounder.Input) async throws -> Operations.AddCompanyFounder.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        _ = try await req.companyRegistry.filing(id, for: user)
        guard let share = Fraction(parsing: body.share) else { throw AppError.validation(ValidationFailure(field: "share", code: "company.shareUnreadable")) }
        let filing = try await req.companyRegistry.addFounder(id, email: body.email, ogrn: body.ogrn, share: share, by: user)
        return .ok(.init(body: .json(try await Self.companyFiling(filing, req))))
    }

    func removeCompanyFounder(_ input: Operations.RemoveCompanyFounder.Input) async throws -> Operations.RemoveCompanyFounder.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let filing = try await req.companyRegistry.removeFounder(id, signerID: body.signerId, by: user)
        return .ok(.init(body: .json(try await Self.companyFiling(filing, req))))
    }

    func setCompanyDirector(_ input: Operations.SetCompanyDirector.Input) async throws -> Operations.SetCompanyDirector.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let filing = try await req.companyRegistry.setDirector(id, email: body.email, by: user)
        return .ok(.init(body: .json(try await Self.companyFiling(filing, req))))
    }

    func makeCompanySigningDocument(_ input: Operations.MakeCompanySigningDocument.Input) async throws -> Operations.MakeCompanySigningDocument.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        guard case .json(let body) = input.body, let role = ApplicationSignature.Role(rawValue: body.role.rawValue) else { throw AppError.malformedRequest }
        let documentID = try await req.companyRegistry.signingDocument(id, role: role, signerID: body.signerId, by: user)
        let row = try await req.residency.document(documentID, of: user)
        return .created(.init(body: .json(try await Self.residencyDocument(row, req))))
    }

    func submitCompanyFiling(_ input: Operations.SubmitCompanyFiling.Input) async throws -> Operations.SubmitCompanyFiling.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        let filing = try await req.companyRegistry.submit(id, by: user)
        return .ok(.init(body: .json(try await Self.companyFiling(filing, req))))
    }

    func withdrawCompanyFiling(_ input: Operations.WithdrawCompanyFiling.Input) async throws -> Operations.WithdrawCompanyFiling.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        try await req.companyRegistry.withdraw(id, by: user)
        return .noContent(.init())
    }

    // MARK: The registry

    func listRegistryCompanyFilings(_ input: Operations.ListRegistryCompanyFilings.Input) async throws -> Operations.ListRegistryCompanyFilings.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        var views: [Components.Schemas.CompanyFiling] = []
        for filing in try await req.companyRegistry.queue(by: user) { views.append(try await Self.companyFiling(filing, req)) }
        return .ok(.init(body: .json(views)))
    }

    func getRegistryCompanyFiling(_ input: Operations.GetRegistryCompanyFiling.Input) async throws -> Operations.GetRegistryCompanyFiling.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        try req.companyRegistry.requireOfficer(user)
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        let review = try await req.companyRegistry.review(id, by: user)
        return .ok(.init(body: .json(try await Self.companyFiling(review.filing, req, review: review))))
    }

    func decideCompanyFiling(_ input: Operations.DecideCompanyFiling.Input) async throws -> Operations.DecideCompanyFiling.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        try req.companyRegistry.requireOfficer(user)
        guard let id = UUID(uuidString: input.path.filingId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let decision: CompanyRegistryService.Decision = switch body.decision {
        case .register: .register
        case .refuse: .refuse(ground: body.ground ?? "")
        }
        try await req.companyRegistry.decide(id, decision, by: user)
        guard let filing = try await CompanyFiling.find(id, on: req.database) else { throw AppError.notFound }
        return .ok(.init(body: .json(try await Self.companyFiling(filing, req))))
    }

    // MARK: The register

    func searchCompanyRegister(_ input: Operations.SearchCompanyRegister.Input) async throws -> Operations.SearchCompanyRegister.Output {
        let req = APIRequestContext.current
        let companies = try await req.companyRegistry.search(input.query.q ?? "")
        return .ok(.init(body: .json(companies.map { Self.registeredCompany($0, req) })))
    }

    func getRegisteredCompany(_ input: Operations.GetRegisteredCompany.Input) async throws -> Operations.GetRegisteredCompany.Output {
        let req = APIRequestContext.current
        let company = try await req.companyRegistry.registered(ogrn: input.path.ogrn)
        return .ok(.init(body: .json(Self.registeredCompany(company, req))))
    }

    func verifyRegistryExtract(_ input: Operations.VerifyRegistryExtract.Input) async throws -> Operations.VerifyRegistryExtract.Output {
        let req = APIRequestContext.current
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        // The generated type and the domain's have the same fields: one encodes into the other.
        guard let signed = try? JSONDecoder().decode(RegistryExtract.Signed.self, from: JSONEncoder().encode(body)) else {
            throw AppError.validation(ValidationFailure(field: "extract", code: "company.extractUnreadable"))
        }
        let verdict = RegistryExtract.verify(signed, trusting: req.application.residencyRegistry.publicKey)
        var current = false
        if verdict == .valid, let company = try? await req.companyRegistry.registered(ogrn: signed.extract.ogrn), let held = company.signedExtract {
            current = held.signature == signed.signature && held.extract.lines == signed.extract.lines
        }
        let verdictValue: Operations.VerifyRegistryExtract.Output.Ok.Body.JsonPayload.VerdictPayload = switch verdict {
        case .valid: .valid
        case .badSignature: .badSignature
        case .unknownKey: .unknownKey
        }
        return .ok(.init(body: .json(.init(
            valid: verdict == .valid, verdict: verdictValue, current: current,
            message: req.t("company.extract.verdict.\(verdict.rawValue)")
        ))))
    }

    func startCompanyChange(_ input: Operations.StartCompanyChange.Input) async throws -> Operations.StartCompanyChange.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let filing = try await req.companyRegistry.startChange(ogrn: input.path.ogrn, by: user)
        return .created(.init(body: .json(try await Self.companyFiling(filing, req))))
    }

    func recordCapitalPayment(_ input: Operations.RecordCapitalPayment.Input) async throws -> Operations.RecordCapitalPayment.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let company = try await req.companyRegistry.recordCapitalPaid(ogrn: input.path.ogrn, on: body.paidOn, by: user)
        return .ok(.init(body: .json(Self.registeredCompany(company, req))))
    }

    func inviteCompanyEmployer(_ input: Operations.InviteCompanyEmployer.Input) async throws -> Operations.InviteCompanyEmployer.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        try await req.companyRegistry.inviteEmployer(ogrn: input.path.ogrn, email: body.email, by: user)
        return .noContent(.init())
    }

    func applyForITAccreditation(_ input: Operations.ApplyForITAccreditation.Input) async throws -> Operations.ApplyForITAccreditation.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let filing = try await req.companyRegistry.applyForAccreditation(ogrn: input.path.ogrn, .init(
            totalRevenueKopecks: body.totalRevenueKopecks, itRevenueKopecks: body.itRevenueKopecks,
            revenueSinceCreationKopecks: body.revenueSinceCreationKopecks, websiteURL: body.website,
            averageMonthlyPayKopecks: body.averageMonthlyPayKopecks, softwareRegisterRightsHolder: body.softwareRegisterRightsHolder ?? false
        ), by: user)
        let company = try await req.companyRegistry.registered(ogrn: input.path.ogrn)
        return .created(.init(body: .json(Self.accreditation(filing, company: company, results: [], req))))
    }

    func listITAccreditationApplications(_ input: Operations.ListITAccreditationApplications.Input) async throws -> Operations.ListITAccreditationApplications.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let filings = try await req.companyRegistry.accreditationQueue(by: user)
        return .ok(.init(body: .json(filings.map { Self.accreditation($0, company: $0.company, results: [], req) })))
    }

    func decideITAccreditation(_ input: Operations.DecideITAccreditation.Input) async throws -> Operations.DecideITAccreditation.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        try req.companyRegistry.requireMinistry(user)
        guard let id = UUID(uuidString: input.path.applicationId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let results = try await req.companyRegistry.decideAccreditation(id, accredit: body.decision == .accredit, findings: .init(
            websiteNamesITActivity: body.websiteNamesITActivity, nationalAveragePayKopecks: body.nationalAveragePayKopecks,
            regionalAveragePayKopecks: body.regionalAveragePayKopecks
        ), by: user)
        guard let filing = try await ITAccreditationFiling.query(on: req.database).filter(\.$id == id).with(\.$company).first() else { throw AppError.notFound }
        return .ok(.init(body: .json(Self.accreditation(filing, company: filing.company, results: results, req))))
    }

    // MARK: Views

    static func companyFiling(_ filing: CompanyFiling, _ req: Request, review: CompanyRegistryService.Review? = nil) async throws -> Components.Schemas.CompanyFiling {
        let service = req.companyRegistry
        let application = try filing.application
        let report: CompanyApplicationReport
        let signatures: CompanyRegistryService.Signatures
        if let review {
            (report, signatures) = (review.report, review.signatures)
        } else {
            report = try await service.report(for: application, filing: filing)
            signatures = try await service.signatures(of: filing)
        }
        let names = Dictionary(application.founders.map { ($0.signerID, $0.name) }, uniquingKeysWith: { a, _ in a })
        func field(_ error: FieldError) -> Components.Schemas.FieldError {
            .init(field: error.field, code: error.code, message: req.message(for: error))
        }
        var ogrn: String?
        if let companyID = filing.companyID { ogrn = try await RegisteredCompany.find(companyID, on: req.database)?.ogrn }
        let grounds = req.application.companyRegistry.grounds
        let language = req.language.rawValue
        return .init(
            id: try filing.requireID().uuidString.lowercased(), kind: filing.isChange ? .change : .registration,
            status: .init(rawValue: filing.status) ?? .withdrawn, revision: filing.revision, fullName: application.fullName,
            shortName: application.shortName, nameCore: application.nameCore, otherLanguageName: application.otherLanguageName,
            permission: application.permission,
            address: .init(regionCode: application.address.regionCode, postcode: application.address.postcode, text: application.address.text),
            capitalKopecks: application.capitalKopecks,
            founders: application.founders.map { founder in
                switch founder.party {
                case .person(_, let name, let citizenship, _):
                    .init(signerId: founder.signerID, kind: .person, name: name, citizenship: citizenship.rawValue, share: founder.share.description)
                case .company(let ogrn, let name):
                    .init(signerId: founder.signerID, kind: .company, name: name, ogrn: ogrn, share: founder.share.description)
                }
            },
            director: .init(userId: application.director.userID, name: application.director.name, citizenship: application.director.citizenship.rawValue),
            mainActivity: application.mainActivity, additionalActivities: application.additionalActivities,
            simplifiedTaxNotice: application.simplifiedTaxNotice, problems: report.errors.map(field), warnings: report.warnings.map(field),
            signatures: signatures.review.entries.map { entry in
                let status: Components.Schemas.CompanySignatureView.StatusPayload
                let message: String
                switch entry.status {
                case .valid: (status, message) = (.valid, req.t("company.signature.valid"))
                case .missing: (status, message) = (.missing, req.t("company.signature.missing"))
                case .void(let reason): (status, message) = (.void, req.t(reason.rawValue))
                }
                return .init(signerId: entry.signer.signerID, role: entry.signer.role == .director ? .director : .founder,
                             name: entry.signer.role == .director ? application.director.name : (names[entry.signer.signerID] ?? entry.signer.signerID),
                             status: status, message: message)
            } + signatures.leaving.map { leaving in
                .init(signerId: leaving.signerID, role: .founder, name: leaving.name, status: leaving.signed ? .valid : .missing,
                      message: req.t(leaving.signed ? "company.signature.valid" : "company.signature.missing"))
            },
            signaturesComplete: signatures.isComplete, canonical: application.canonicalText, submittedOn: filing.submittedOn,
            decideBy: filing.decideBy, ground: filing.ground,
            groundText: filing.ground.flatMap(grounds.ground).map { "\($0.title.text(language)) (\($0.reference(language)))" }, ogrn: ogrn,
            checks: review.map { review in
                [Components.Schemas.CompanyCheck(name: req.t("registry.companies.check.signatures"), passed: review.signatures.isComplete,
                                                 result: review.signatures.isComplete ? req.t("registry.companies.check.ok") : req.t("error.company-signatures-incomplete"))]
                    + application.personUserIDs.flatMap { userID -> [Components.Schemas.CompanyCheck] in
                        let checks = review.persons[userID] ?? ResidencyChecks(identity: .notVerified, entryBan: nil)
                        let name = names[userID] ?? (application.director.userID == userID ? application.director.name : userID)
                        return [
                            .init(name: req.t("registry.companies.check.identity", ["name": name]), passed: checks.identity.isVerified,
                                  result: checks.identity.isVerified ? req.t("registry.companies.check.ok") : req.t("registry.residency.identity.none")),
                            .init(name: req.t("registry.companies.check.entryBan", ["name": name]), passed: checks.entryBan.map { !$0.isBanned } ?? false,
                                  result: checks.entryBan.map { $0.isBanned ? req.t("error.company-entry-banned") : req.t("registry.companies.check.ok") }
                                      ?? req.t("registry.residency.entryBan.unchecked")),
                        ]
                    }
            },
            mayRegister: review?.mayRegister
        )
    }

    static func registeredCompany(_ company: RegisteredCompany, _ req: Request) -> Components.Schemas.RegisteredCompany {
        let (signed, verdict) = req.companyRegistry.extract(of: company)
        // A row that no longer holds a readable extract is answered without one, and `extractValid` says so.
        let extract = signed.flatMap { try? JSONDecoder().decode(Components.Schemas.SignedRegistryExtract.self, from: JSONEncoder().encode($0)) }
        return .init(
            ogrn: company.ogrn, inn: company.inn, kpp: company.kpp, fullName: company.fullName, shortName: company.shortName,
            registeredOn: company.registeredOn, status: company.status == "active" ? .active : .liquidated,
            accredited: company.accreditation == "accredited", accreditedOn: company.accreditedOn, reconfirmBy: company.reconfirmBy,
            capitalDueOn: company.capitalDueOn, capitalPaidOn: company.capitalPaidOn, extract: extract, extractValid: extract != nil && verdict == .valid
        )
    }

    static func accreditation(_ filing: ITAccreditationFiling, company: RegisteredCompany, results: [ITCriterionResult], _ req: Request)
        -> Components.Schemas.ITAccreditationApplication {
        .init(
            id: filing.id?.uuidString.lowercased() ?? "", ogrn: company.ogrn, companyName: company.fullName,
            status: .init(rawValue: filing.status) ?? .submitted, appliedOn: filing.appliedOn, decideBy: filing.decideBy, rulebook: filing.rulebook,
            criteria: results.isEmpty ? nil : results.map { result in
                .init(criterion: .init(rawValue: result.criterion.rawValue) ?? .mainActivity, outcome: .init(rawValue: result.outcome.rawValue) ?? .notMet,
                      reason: req.text(result.reason, result.arguments))
            }
        )
    }
}
