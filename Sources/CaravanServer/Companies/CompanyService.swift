import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// Registering companies and deciding their IT accreditation, each in one transaction with its audit event.
struct CompanyService: Sendable {
    let app: Application
    let database: any Database

    private var audit: AuditLog { AuditLog(now: app.dependencies.now) }

    /// Companies whose legal name, city, INN or OGRN contains `search` (as typed, lower case or capitalised: `LIKE`
    /// folds no Cyrillic case), accredited or not when `accredited` says, those awaiting a decision first, then the
    /// newest; one page of them with how many match in all.
    func companies(matching search: String, accredited: Bool?, page: Paging, by actor: User) async throws -> (companies: [Company], total: Int) {
        guard let role = actor.domainRole, CompaniesPolicy.mayListAll(role) else { throw AppError.forbidden }
        let term = search.trimmingCharacters(in: .whitespaces)
        func query() -> QueryBuilder<Company> {
            let query = Company.query(on: database)
            if let accredited { query.filter(\.$accredited == accredited) }
            if !term.isEmpty {
                let variants = Set([term, term.lowercased(), term.uppercased(), term.prefix(1).uppercased() + term.dropFirst().lowercased()])
                query.group(.or) { group in
                    for variant in variants {
                        group.filter(\.$legalName, .contains(inverse: false, .anywhere), variant)
                        group.filter(\.$city, .contains(inverse: false, .anywhere), variant)
                    }
                    group.filter(\.$inn, .contains(inverse: false, .anywhere), term)
                    group.filter(\.$ogrn, .contains(inverse: false, .anywhere), term)
                }
            }
            return query
        }
        let total = try await query().count()
        let companies = try await query().sort(\.$accredited, .ascending).sort(\.$createdAt, .descending).sort(\.$id).range(page.range).all()
        return (companies, total)
    }

    /// The company `user` acts for, if any.
    func company(of user: User) async throws -> Company? {
        try await CompanyMember.query(on: database)
            .filter(\.$user.$id == user.requireID())
            .with(\.$company)
            .first()?
            .company
    }

    func register(_ request: CompanyRegistrationRequest, by user: User) async throws -> Company {
        guard let role = user.domainRole, CompaniesPolicy.mayRegister(role) else { throw AppError.forbidden }
        let valid: ValidCompanyRegistration
        do {
            valid = try CompanyRules.validate(request)
        } catch {
            throw AppError.validation(error)
        }
        if try await company(of: user) != nil { throw AppError.conflict(code: "company-already-registered") }
        let duplicate = try await Company.query(on: database)
            .group(.or) { $0.filter(\.$inn == valid.inn.value).filter(\.$ogrn == valid.ogrn.value) }
            .first()
        if duplicate != nil { throw AppError.conflict(code: "company-exists") }
        // A company registered through Caravan's register is already an employer here, under its own numbers.
        let registered = try await RegisteredCompany.query(on: database)
            .group(.or) { $0.filter(\.$inn == valid.inn.value).filter(\.$ogrn == valid.ogrn.value) }
            .first()
        if registered != nil { throw AppError.conflict(code: "company-exists") }
        let company = Company(valid)
        do {
            try await database.writeTransaction { db in
                try await company.create(on: db)
                try await CompanyMember(companyID: company.requireID(), userID: user.requireID()).create(on: db)
                try await audit.append(
                    AuditEntry(
                        actor: AuditEntry.user(user.id), action: "company.registered", subject: AuditEntry.company(company.id),
                        payload: ["inn": valid.inn.value, "ogrn": valid.ogrn.value]
                    ),
                    on: db
                )
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "company-exists")
        }
        return company
    }

    /// An admin's accreditation decision; recorded whatever it is, so the history of a company's status is complete.
    func setAccreditation(of company: Company, to request: AccreditationRequest, by actor: User) async throws {
        guard let role = actor.domainRole, CompaniesPolicy.mayAccredit(role) else { throw AppError.forbidden }
        let valid: ValidAccreditation
        do {
            valid = try AccreditationRules.validate(request, today: CalendarDay.today(app.dependencies.now()))
        } catch {
            throw AppError.validation(error)
        }
        let wasAccredited = company.accredited
        try await database.writeTransaction { db in
            company.accredited = valid.accredited
            company.accreditationNumber = valid.registryNumber
            company.accreditationDate = valid.date
            try await company.update(on: db)
            // The law ties the fast-track permit to the sponsor's accreditation: losing it cancels the permits
            // it sponsors, in the same transaction as the decision that causes it.
            if wasAccredited && !valid.accredited {
                try await PermitService(app: app, database: db).cancelPermits(sponsoredBy: try company.requireID(), reason: .sponsorLostAccreditation)
            }
            try await audit.append(
                AuditEntry(
                    actor: AuditEntry.user(actor.id), action: "company.accreditation-changed", subject: AuditEntry.company(company.id),
                    payload: ["accredited": String(valid.accredited), "number": valid.registryNumber ?? "", "date": valid.date ?? ""]
                ),
                on: db
            )
        }
        await app.outbox.sweep(app: app, on: database)
    }
}

extension AuditEntry {
    static func company(_ id: UUID?) -> String { "company:\(id?.uuidString.lowercased() ?? "unknown")" }
}

/// Today's date where the programme's decisions are made (Moscow), as `yyyy-MM-dd`.
enum CalendarDay {
    static func today(_ now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Moscow") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}

extension Request {
    var companies: CompanyService { CompanyService(app: application, database: database) }
}
