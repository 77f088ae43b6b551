import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import FluentSQL
import Foundation
import Vapor

/// IT accreditation of a registered company under Decree No. 1729: the director applies with the figures, the
/// ministry's officer (an admin in Caravan today) finds the website fact and the average pay, the rules judge each
/// criterion, and only a company that meets them all can be accredited. Withdrawal cancels the permits it sponsors.
extension CompanyRegistryService {
    static let websiteLength = 1...300

    struct AccreditationApplication: Sendable {
        var totalRevenueKopecks: Int64
        var itRevenueKopecks: Int64
        var revenueSinceCreationKopecks: Int64
        var websiteURL: String
        var averageMonthlyPayKopecks: Int64?
        var softwareRegisterRightsHolder: Bool
    }

    func applyForAccreditation(ogrn: String, _ input: AccreditationApplication, by user: User) async throws -> ITAccreditationFiling {
        let company = try await registered(ogrn: ogrn)
        guard company.directorID == (try user.requireID()) else { throw AppError.forbidden }
        guard company.status == RegistryExtract.Status.active.rawValue else { throw AppError.conflict(code: "company-not-active") }
        var validator = CaravanDomain.Validator()
        for (field, value) in [("totalRevenue", input.totalRevenueKopecks), ("itRevenue", input.itRevenueKopecks),
                               ("revenueSinceCreation", input.revenueSinceCreationKopecks)] where value < 0 {
            validator.add(field, "accreditation.amountNegative")
        }
        if input.itRevenueKopecks > input.totalRevenueKopecks { validator.add("itRevenue", "accreditation.itShare.inconsistent") }
        if let pay = input.averageMonthlyPayKopecks, pay < 0 { validator.add("averagePay", "accreditation.amountNegative") }
        let website = input.websiteURL.trimmingCharacters(in: .whitespaces)
        if website.isEmpty { validator.add("website", "field.required") } else if !Self.websiteLength.contains(input.websiteURL.count) {
            validator.add("website", "text.tooLong", ["max": "\(Self.websiteLength.upperBound)"])
        } else if !(website.hasPrefix("https://") || website.hasPrefix("http://")) || URL(string: website)?.host == nil {
            validator.add("website", "accreditation.website.invalid")
        }
        do throws(ValidationFailure) { try validator.check() } catch { throw AppError.validation(error) }
        let facts = ITAccreditationInput(totalRevenueKopecks: input.totalRevenueKopecks, itRevenueKopecks: input.itRevenueKopecks,
                                         revenueSinceCreationKopecks: input.revenueSinceCreationKopecks, websiteURL: website,
                                         averageMonthlyPayKopecks: input.averageMonthlyPayKopecks,
                                         softwareRegisterRightsHolder: input.softwareRegisterRightsHolder, websiteNamesITActivity: false)
        let filing = ITAccreditationFiling()
        filing.$company.id = try company.requireID()
        filing.status = "submitted"
        filing.openKey = "accreditation:\(company.ogrn)"
        filing.factsJSON = String(decoding: try JSONEncoder().encode(facts), as: UTF8.self)
        filing.appliedOn = today.description
        do throws(CalendarError) {
            filing.decideBy = try ITAccreditationRules.decisionDate(submittedOn: today, rulebook: registry.rulebook, calendar: app.permitRegistry.calendar).description
        } catch {
            throw AppError.validation(ValidationFailure(field: "decideBy", code: "calendar.notCovered"))
        }
        filing.rulebook = registry.rulebook.id
        filing.submittedBy = try user.requireID()
        do {
            try await database.writeTransaction { db in
                try await filing.create(on: db)
                try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "company.accreditation-applied",
                                                  subject: Self.companySubject(company.ogrn), payload: ["filing": filing.id?.uuidString.lowercased() ?? "",
                                                                                                         "rulebook": registry.rulebook.id]), on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "accreditation-open")
        }
        return filing
    }

    func requireMinistry(_ user: User) throws {
        guard user.domainRole == .admin else { throw AppError.forbidden }
    }

    func accreditationQueue(by user: User) async throws -> [ITAccreditationFiling] {
        try requireMinistry(user)
        let open = try await ITAccreditationFiling.query(on: database).filter(\.$status == "submitted").with(\.$company).sort(\.$decideBy, .ascending).all()
        let decided = try await ITAccreditationFiling.query(on: database).filter(\.$status != "submitted").with(\.$company)
            .sort(\.$decidedAt, .descending).limit(100).all()
        return open + decided
    }

    /// The officer's findings beside the company's figures.
    struct MinistryFindings: Sendable {
        var websiteNamesITActivity: Bool
        var nationalAveragePayKopecks: Int64
        var regionalAveragePayKopecks: Int64
    }

    /// The facts the rules judge: the company's figures, the register's own (main activity, registration day,
    /// foreign share of the capital) and the officer's findings.
    func facts(of filing: ITAccreditationFiling, company: RegisteredCompany, findings: MinistryFindings) throws -> ITAccreditationFacts {
        guard let input = filing.facts, let registeredOn = CalendarDate(company.registeredOn), let appliedOn = CalendarDate(filing.appliedOn) else {
            throw AppError.conflict(code: "company-record-damaged")
        }
        let application = try company.application
        let foreign = application.founders.reduce(Fraction.zero) { sum, founder in
            switch founder.party {
            case .person(_, _, let citizenship, _) where citizenship.rawValue != "RU": (try? sum.adding(founder.share)) ?? sum
            default: sum
            }
        }
        return ITAccreditationFacts(
            mainActivity: company.mainActivity, registeredOn: registeredOn, appliedOn: appliedOn, totalRevenueKopecks: input.totalRevenueKopecks,
            itRevenueKopecks: input.itRevenueKopecks, revenueSinceCreationKopecks: input.revenueSinceCreationKopecks, websiteURL: input.websiteURL,
            websiteNamesITActivity: findings.websiteNamesITActivity, averageMonthlyPayKopecks: input.averageMonthlyPayKopecks,
            nationalAveragePayKopecks: findings.nationalAveragePayKopecks, regionalAveragePayKopecks: findings.regionalAveragePayKopecks,
            softwareRegisterRightsHolder: input.softwareRegisterRightsHolder, foreignShare: foreign
        )
    }

    /// The decision: accreditation only when every criterion is met or waived on these findings; a refusal
    /// always may be made (the reasons are the rules' results). Claimed from `submitted`.
    @discardableResult
    func decideAccreditation(_ id: UUID, accredit: Bool, findings: MinistryFindings, by user: User) async throws -> [ITCriterionResult] {
        try requireMinistry(user)
        guard findings.nationalAveragePayKopecks > 0, findings.regionalAveragePayKopecks > 0 else {
            throw AppError.validation(ValidationFailure(field: "averagePay", code: "accreditation.averagePayRequired"))
        }
        guard let filing = try await ITAccreditationFiling.query(on: database).filter(\.$id == id).with(\.$company).first() else { throw AppError.notFound }
        let company = filing.company
        let results = ITAccreditationRules.judge(try facts(of: filing, company: company, findings: findings), rulebook: registry.rulebook)
        if accredit, !ITAccreditationRules.isAccreditable(results) { throw AppError.conflict(code: "accreditation-criteria-not-met") }
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "company-concurrent") }
            let rows = try await sql.update(ITAccreditationFiling.schema).set("status", to: accredit ? "accredited" : "refused")
                .set("open_key", to: SQLLiteral.null).set("decided_at", to: now).set("decided_by", to: user.requireID())
                .set("note", to: results.map { "\($0.criterion.rawValue)=\($0.outcome.rawValue)" }.joined(separator: ";"))
                .where("id", .equal, id).where("status", .equal, "submitted").returning("id").all()
            guard !rows.isEmpty else { throw AppError.conflict(code: "accreditation-decided") }
            // A company already accredited has reconfirmed: it keeps its number, and its next deadline counts from this year.
            let reconfirming = company.accreditation == "accredited"
            let employer = try await company.employerID.asyncMap { try await Company.find($0, on: db) } ?? nil
            var number: String?
            if accredit {
                if reconfirming, let kept = employer?.accreditationNumber {
                    number = kept
                } else {
                    number = try await Self.accreditationNumber(on: db, year: today.year)
                }
                let accreditedOn = reconfirming ? (company.accreditedOn.flatMap(CalendarDate.init) ?? today) : today
                company.accreditation = "accredited"
                company.accreditedOn = accreditedOn.description
                company.reconfirmBy = ITAccreditationRules.reconfirmationDeadline(
                    accreditedOn: accreditedOn, lastConfirmedYear: reconfirming ? today.year : nil, rulebook: registry.rulebook).description
                try await company.update(on: db)
                if let employer {
                    employer.accredited = true
                    employer.accreditationNumber = number
                    employer.accreditationDate = accreditedOn.description
                    try await employer.update(on: db)
                }
            }
            try await audit.append(AuditEntry(
                actor: AuditEntry.user(user.id), action: accredit ? "company.accredited" : "company.accreditation-refused",
                subject: Self.companySubject(company.ogrn),
                payload: ["filing": id.uuidString.lowercased(), "number": number ?? "", "rulebook": filing.rulebook,
                          "results": results.map { "\($0.criterion.rawValue)=\($0.outcome.rawValue)" }.joined(separator: ";")]
            ), on: db)
            try await NotificationService(app: app, database: db).notify(
                [company.directorID], kind: accredit ? "notice.company.accredited" : "notice.company.accreditationRefused",
                arguments: ["name": company.shortName], link: SiteURL.registeredCompany(company.ogrn).path)
        }
        await app.outbox.sweep(app: app, on: database)
        return results
    }

    /// Withdraws an accreditation (missed reconfirmation, or a finding): the marketplace employer loses it and the
    /// permits it sponsors are cancelled, in the same transaction.
    func withdrawAccreditation(ogrn: String, by user: User) async throws {
        try requireMinistry(user)
        let company = try await registered(ogrn: ogrn)
        guard company.accreditation == "accredited",
              try await removeAccreditation(company, actor: AuditEntry.user(user.id), action: "company.accreditation-withdrawn") else {
            throw AppError.conflict(code: "accreditation-none")
        }
        await app.outbox.sweep(app: app, on: database)
    }

    /// The register's clocks, on the hourly beat: the director is reminded of the unpaid capital 30 days before its
    /// day and once when it is overdue; an accreditation not reconfirmed by its day lapses, and the permits the
    /// company sponsors are cancelled as for any loss of accreditation.
    func sweepClocks() async throws {
        let companies = try await RegisteredCompany.query(on: database).filter(\.$status == RegistryExtract.Status.active.rawValue).all()
        for company in companies {
            if let days = capitalDaysLeft(company) {
                let stage: String? = days < 0 ? "overdue" : days <= 30 ? "soon" : nil
                if let stage, company.capitalReminded != stage {
                    company.capitalReminded = stage
                    try await database.writeTransaction { db in
                        try await company.update(on: db)
                        try await NotificationService(app: app, database: db).notify(
                            [company.directorID], kind: "notice.company.capital-\(stage)",
                            arguments: ["name": company.shortName, "date": company.capitalDueOn], link: SiteURL.registeredCompany(company.ogrn).path)
                    }
                }
            }
            if company.accreditation == "accredited", let by = company.reconfirmBy.flatMap(CalendarDate.init), today > by,
               try await removeAccreditation(company, actor: "system", action: "company.accreditation-lapsed", reconfirmBy: company.reconfirmBy) {
                try await NotificationService(app: app, database: database).notify(
                    [company.directorID], kind: "notice.company.accreditation-lapsed", arguments: ["name": company.shortName, "date": by.description],
                    link: SiteURL.registeredCompany(company.ogrn).path)
            }
        }
        await app.outbox.sweep(app: app, on: database)
    }

    /// Takes the accreditation away only if the company still has it (and, for a lapse, still with the deadline that
    /// lapsed: a reconfirmation at the same moment wins); false when it had changed meanwhile.
    @discardableResult
    private func removeAccreditation(_ company: RegisteredCompany, actor: String, action: String, reconfirmBy: String? = nil) async throws -> Bool {
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "company-concurrent") }
            let id = try company.requireID()
            var update = sql.update(RegisteredCompany.schema).set("accreditation", to: "withdrawn").set("reconfirm_by", to: SQLLiteral.null)
                .where("id", .equal, id).where("accreditation", .equal, "accredited")
            if let reconfirmBy { update = update.where("reconfirm_by", .equal, reconfirmBy) }
            guard !(try await update.returning("id").all()).isEmpty else { return false }
            company.accreditation = "withdrawn"
            company.reconfirmBy = nil
            if let employerID = company.employerID, let employer = try await Company.find(employerID, on: db) {
                employer.accredited = false
                try await employer.update(on: db)
                try await PermitService(app: app, database: db).cancelPermits(sponsoredBy: employerID, reason: .sponsorLostAccreditation)
            }
            try await audit.append(AuditEntry(actor: actor, action: action, subject: Self.companySubject(company.ogrn)), on: db)
            return true
        }
    }

    /// The next number of the accreditation register for the year (`IT-2027-00001`), taken in the decision's transaction.
    static func accreditationNumber(on db: any Database, year: Int) async throws -> String {
        "IT-\(year)-" + String(format: "%05d", try await CentreCounter.next("it-accreditation:\(year)", on: db))
    }

    /// The director invites an employer account to hire for the company in the marketplace (the company's own
    /// invitation, accepted as any other).
    func inviteEmployer(ogrn: String, email raw: String, by user: User) async throws {
        let company = try await registered(ogrn: ogrn)
        guard company.directorID == (try user.requireID()) else { throw AppError.forbidden }
        guard let employerID = company.employerID, let employer = try await Company.find(employerID, on: database) else {
            throw AppError.conflict(code: "company-not-active")
        }
        guard let email = EmailAddress(raw) else { throw AppError.validation(ValidationFailure(field: "email", code: "email.invalid")) }
        let invitee = try await User.query(on: database).filter(\.$email == email.value).first()
        if let invitee {
            guard invitee.domainRole == .employer else { throw AppError.validation(ValidationFailure(field: "email", code: "invite.notEmployer")) }
            if try await CompanyService(app: app, database: database).company(of: invitee) != nil { throw AppError.conflict(code: "member-elsewhere") }
        }
        if try await CompanyInvitation.query(on: database).filter(\.$company.$id == employerID).filter(\.$email == email.value).first() != nil {
            throw AppError.conflict(code: "invitation-exists")
        }
        let invitation = CompanyInvitation(companyID: employerID, email: email, invitedBy: try user.requireID(), at: now)
        do { try await database.writeTransaction { db in
            try await invitation.create(on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "company.member-invited", subject: AuditEntry.company(employerID),
                                              payload: ["invitation": invitation.id?.uuidString.lowercased() ?? ""]), on: db)
            if let invitee {
                try await NotificationService(app: app, database: db).notify([try invitee.requireID()], kind: "notice.company.invited",
                                                                             arguments: ["company": employer.legalName, "person": user.displayName],
                                                                             link: SiteURL.company.path)
            }
        } } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same address invited twice at once: one invitation.
            throw AppError.conflict(code: "invitation-exists")
        }
        await app.outbox.sweep(app: app, on: database)
    }
}
