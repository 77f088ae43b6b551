import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import Vapor

/// Writing vacancies (only for the writer's own company) and reading them as their visibility allows.
struct VacancyService: Sendable {
    let app: Application
    let database: any Database

    static let skillLimit = 30

    /// The company an employer writes vacancies for; without one there is nothing to write for yet.
    func requireCompany(of user: User) async throws -> Company {
        guard let role = user.domainRole, VacanciesPolicy.mayWrite(role) else { throw AppError.forbidden }
        guard let company = try await CompanyService(app: app, database: database).company(of: user) else {
            throw AppError.conflict(code: "company-required")
        }
        return company
    }

    /// A vacancy the employer may change: their own company's. Another company's answers 404, not 403,
    /// so ids do not reveal what exists.
    func ownVacancy(_ id: UUID, of user: User) async throws -> Vacancy {
        let company = try await requireCompany(of: user)
        guard let vacancy = try await Vacancy.find(id, on: database), vacancy.$company.id == company.id else {
            throw AppError.notFound
        }
        return vacancy
    }

    /// A vacancy as `user` may see it: published ones to everyone signed in, the rest to their company.
    func visibleVacancy(_ id: UUID, to user: User?) async throws -> Vacancy {
        guard let vacancy = try await Vacancy.query(on: database).filter(\.$id == id).with(\.$company).first() else {
            throw AppError.notFound
        }
        if VacanciesPolicy.isPublic(vacancy.vacancyStatus) { return vacancy }
        if let user, user.domainRole == .employer, let own = try await CompanyService(app: app, database: database).company(of: user),
           own.id == vacancy.$company.id {
            return vacancy
        }
        throw AppError.notFound
    }

    /// Checks skills against the taxonomy; errors name the list and position (`requiredSkills[1].skill`).
    func validateSkills(required: [Vacancy.RequiredSkill], nice: [String], into errors: inout [FieldError]) {
        let taxonomy = app.skillTaxonomy
        if required.count + nice.count > Self.skillLimit {
            errors.append(FieldError(field: "requiredSkills", code: "skills.tooMany", arguments: ["max": "\(Self.skillLimit)"]))
        }
        for (index, skill) in required.enumerated() {
            if !taxonomy.contains(SkillID(skill.skill)) {
                errors.append(FieldError(field: "requiredSkills[\(index)].skill", code: "skill.unknown", arguments: ["skill": String(skill.skill.prefix(60))]))
            }
            if !(1...5).contains(skill.level) {
                errors.append(FieldError(field: "requiredSkills[\(index)].level", code: "skill.level"))
            }
        }
        for (index, skill) in nice.enumerated() where !taxonomy.contains(SkillID(skill)) {
            errors.append(FieldError(field: "niceToHaveSkills[\(index)]", code: "skill.unknown", arguments: ["skill": String(skill.prefix(60))]))
        }
    }

    /// Creates or updates; the whole vacancy is checked before anything is written.
    func save(_ input: VacancyInput, required: [Vacancy.RequiredSkill], nice: [String], status: String?,
              into vacancy: Vacancy?, by user: User) async throws -> Vacancy {
        let company = try await requireCompany(of: user)
        var errors: [FieldError] = []
        var terms: VacancyTerms?
        do {
            terms = try VacancyRules.validate(input, occupations: Set(app.skillTaxonomy.occupations.map(\.id)))
        } catch { errors += error.errors }
        validateSkills(required: required, nice: nice, into: &errors)
        var newStatus: VacancyStatus?
        if let status, !status.isEmpty {
            newStatus = VacancyStatus(rawValue: status)
            if newStatus == nil { errors.append(FieldError(field: "status", code: "status.unknown")) }
        }
        if !errors.isEmpty { throw AppError.validation(ValidationFailure(errors)) }
        let companyID = try company.requireID()
        let target = vacancy ?? Vacancy(companyID: companyID)
        target.apply(terms!)
        target.requiredSkills = required
        target.niceSkills = nice
        if let newStatus { target.status = newStatus.rawValue }
        try await saveAndPublish(target)
        await app.vacancyIndex.update(target, companyName: company.legalName, taxonomy: app.skillTaxonomy)
        return target
    }

    /// Saves and tells the other instances, in one transaction.
    private func saveAndPublish(_ vacancy: Vacancy) async throws {
        try await database.writeTransaction { db in
            try await vacancy.save(on: db)
            try await app.changeFeed.publish(.vacancy, vacancy.requireID(), on: db, at: app.dependencies.now())
        }
    }

    func setStatus(_ status: VacancyStatus, of vacancy: Vacancy) async throws {
        vacancy.status = status.rawValue
        try await saveAndPublish(vacancy)
        let company = try await Company.find(vacancy.$company.id, on: database)
        await app.vacancyIndex.update(vacancy, companyName: company?.legalName ?? "", taxonomy: app.skillTaxonomy)
    }
}

extension Request {
    var vacancies: VacancyService { VacancyService(app: application, database: database) }
}
